//! The content model: what an orderer's file and the site file may say, checked field by field
//! while it is parsed (so that every error carries the file's own line and column), and the rules
//! across fields and files in [`validate`].

mod code;
mod date;
mod glossary;
mod guarantors;
mod hosts;
mod kinds;
mod local_governments;
mod orderer;
mod prefectures;
mod site;
mod submission;
pub mod validate;

pub use code::{prefecture_name, prefecture_number, LocalGovCode, PREFECTURES};
pub use date::Date;
pub use glossary::{lint as lint_glossary, GlossaryEntry};
pub use kinds::{GuaranteeKind, RefusedCopy, Step3Submission, Step4Submission, SubmissionMethod};
pub use local_governments::{LocalGovernment, LocalGovernments, LIST_PATH as LOCAL_GOVERNMENTS_PATH};
pub use orderer::{
    Connector, ContractScope, CountedFrom, KindStart, Orderer, OrdererKind, OtherDepartments, OtherDocuments, Paper,
    QuestionAnswer, Source, Target,
};
pub use prefectures::{prefecture_of_slug, PREFECTURE_SLUGS, TILES};
pub use site::{
    ApplicationService, Issuer, License, ManualVideo, OpenDataTerms, ServiceContact, SiteConfig, VerificationService,
};
pub use submission::{KindSubject, Link, Place, SeparateDocument, Submission, SubmissionRule, Timing};
