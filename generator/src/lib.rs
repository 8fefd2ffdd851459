//! The generator of the 電子保証のご案内 site: one page per orderer (発注者) from YAML, shared text
//! from Markdown, written atomically. See `docs/fields.md` for the content model.

pub mod content;
pub mod diagnostics;
pub mod frames;
pub mod load;
pub mod markdown;
pub mod preview;
pub mod read;
pub mod render;
pub mod schema;
mod site;
pub mod wareki;
pub mod write;
pub mod yaml;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use site::{build, check, load, BuildOptions, BuildReport};
