//! The content model: what a municipality file and the site file may say, validated while it is
//! parsed so that every error carries the file's own line and column.

mod code;
mod date;
mod glossary;
mod kinds;
mod municipality;
mod site;

pub use code::{prefecture_name, LocalGovCode};
pub use date::Date;
pub use glossary::{lint as lint_glossary, GlossaryEntry};
pub use kinds::{ContactKind, GuaranteeKind, Step3Submission, Step4Submission, SubmissionMethod};
pub use municipality::{Contact, KeySubmission, Municipality, Notes, OtherDocuments, QuestionAnswer, Target};
pub use site::{ApplicationService, Issuer, ManualVideo, SiteConfig, ViewerService};
