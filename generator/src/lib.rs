//! The generator of the 電子保証のご案内 site: one page per orderer (発注者) from YAML, shared text
//! from Markdown, written atomically. See `README.md` for the content model.

// A Diagnostic is built only on the error path, once per mistake; boxing it everywhere would
// cost clarity for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod content;
pub mod diagnostics;
pub mod load;
pub mod markdown;
pub mod read;
pub mod render;
mod site;
pub mod wareki;
pub mod write;
pub mod yaml;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use site::{build, check, load, BuildOptions, BuildReport};
