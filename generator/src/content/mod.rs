//! The content model: what an orderer's file and the site file may say, checked field by field
//! while it is parsed (so that every error carries the file's own line and column), and the rules
//! across fields and files in [`validate`].

mod code;
mod date;
mod glossary;
mod kinds;
mod orderer;
mod site;
pub mod validate;

pub use code::{prefecture_name, prefecture_number, LocalGovCode, PREFECTURES};
pub use date::Date;
pub use glossary::{lint as lint_glossary, GlossaryEntry};
pub use kinds::{GuaranteeKind, Step3Submission, Step4Submission, SubmissionMethod};
pub use orderer::{
    Connector, ContractScope, CountedFrom, KindStart, Link, Orderer, OrdererKind, OtherDocuments, Paper, Place,
    QuestionAnswer, SeparateDocument, Source, Submission, SubmissionRule, Target, Timing,
};
pub use site::{ApplicationService, Issuer, ManualVideo, SiteConfig, VerificationService, VERIFY_PATH};
