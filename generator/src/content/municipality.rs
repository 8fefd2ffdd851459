use serde::{Deserialize, Serialize};

use super::{ContactKind, Date, GuaranteeKind, LocalGovCode, Step3Submission, Step4Submission, SubmissionMethod};

/// One participating municipality: everything its page says that is not shared text.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Municipality {
    /// The file's stem; the page is published at `<slug>/`.
    #[serde(skip_deserializing)]
    pub slug: String,
    pub name: String,
    pub prefecture: String,
    /// 郡, for towns and villages (e.g. 遠賀郡).
    #[serde(default)]
    pub district: Option<String>,
    pub code: LocalGovCode,
    /// The day this municipality was announced; the feed's "added" entry.
    #[serde(default)]
    pub added: Option<Date>,
    /// Contracts that may use 電子保証; the earliest date is the 運用開始日.
    pub targets: Vec<Target>,
    /// In this municipality's display order.
    pub guarantee_kinds: Vec<GuaranteeKind>,
    pub key_submission: KeySubmission,
    pub step3_submission: Step3Submission,
    pub step4_submission: Step4Submission,
    pub other_documents: OtherDocuments,
    #[serde(default)]
    pub notes: Notes,
    /// Questions only this municipality's page answers, after the shared ones.
    #[serde(default)]
    pub extra_qa: Vec<QuestionAnswer>,
}

impl Municipality {
    /// 運用開始日: the earliest date any target becomes eligible.
    pub fn start_date(&self) -> Option<Date> {
        self.targets.iter().map(|t| t.from).min()
    }

    /// 「福岡県遠賀郡芦屋町」
    pub fn full_name(&self) -> String {
        format!(
            "{}{}{}",
            self.prefecture,
            self.district.as_deref().unwrap_or(""),
            self.name
        )
    }
}

/// A work category eligible from a date.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// e.g. 工事, 建設コンサルタント等業務
    pub category: String,
    pub from: Date,
    /// Only contracts first concluded (当初契約) on or after `from`, not changes to older ones.
    #[serde(default)]
    pub initial_contract_only: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeySubmission {
    /// What the contractor submits, named in the question (認証キー, 電子証書).
    pub documents: Vec<String>,
    pub methods: Vec<SubmissionMethod>,
    /// The answer's first sentence, as the orderer words it.
    pub answer: String,
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

/// Where to look or whom to ask, possibly only for some guarantee kinds.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// What to ask about: 詳細, メールの送付先 …
    pub topic: String,
    pub office: String,
    pub kind: ContactKind,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Empty: for every kind.
    #[serde(default)]
    pub guarantee_kinds: Vec<GuaranteeKind>,
}

/// Documents other than the certificate that are also issued electronically.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OtherDocuments {
    pub items: Vec<String>,
    /// または (either is issued) or 及び (both are).
    pub connector: String,
}

/// Municipality-specific notes (注), by where they appear.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Notes {
    #[serde(default)]
    pub mechanism: Vec<String>,
    #[serde(default)]
    pub submission: Vec<String>,
    #[serde(default)]
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionAnswer {
    pub question: String,
    /// Markdown.
    pub answer: String,
}
