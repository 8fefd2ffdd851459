//! End-to-end tests of the generator on the real content and on broken copies of it.

mod bad_input;
mod build;
mod hostile;
mod incremental;
mod mutations;
mod pages;
mod patterns;
mod reference;
mod services;
mod util;
