//! End-to-end tests of the generator, each on a fixture of its own (`fixtures/sites/*`, frozen
//! content) or a broken copy of one. The real `content/` is `tests/contract.rs`'s alone.

mod bad_input;
mod build;
mod cli;
mod incremental;
mod invalid;
mod mutations;
mod national;
mod open_data;
mod pages;
mod patterns;
mod preview;
mod reading;
mod reference;
mod schema;
mod services;
mod util;
mod wording;
