//! The administrators' operations, shared by every store: issuing certificates (each key shown
//! once), re-issuing a key, changing a status, reading the 閲覧履歴 — and the command bodies of
//! `verifier issue | import | reissue | set-status | history`, which print what they did.

pub mod certificates;
pub mod commands;
mod dates;
mod history;
mod persist;
mod status;

pub use certificates::{issue, parse_certificates, reissue};
pub use dates::{format_jst, jst_date, parse_date};
pub use history::history;
pub use persist::Persist;
pub use status::set_status;
