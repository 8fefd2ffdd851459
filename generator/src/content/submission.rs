//! How an orderer's 認証キー is handed over, as its file states it: the documents, the rules per
//! guarantee kind (methods, destination, subject, timing, documents that go separately), and the
//! places a rule points to.

use serde::{Deserialize, Serialize};

use super::{GuaranteeKind, Step3Submission, Step4Submission, SubmissionMethod};

/// A mail subject for some of a rule's kinds.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindSubject {
    pub guarantee_kinds: Vec<GuaranteeKind>,
    pub subject: String,
}

/// How the 認証キー is handed over: one rule for every kind, or one per kind.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// What the contractor submits, named in the question (認証キー, 電子証書). Empty: the
    /// sources name none; the answer says so and links the orderer's page.
    #[serde(default)]
    pub documents: Vec<String>,
    /// Empty: the sources do not say; the page tells the reader to ask the orderer.
    #[serde(default)]
    pub rules: Vec<SubmissionRule>,
    /// Whom to ask when the sources give no rule.
    #[serde(default)]
    pub ask: Option<Place>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRule {
    /// The kinds this rule is for; empty: every kind no other rule names.
    #[serde(default)]
    pub guarantee_kinds: Vec<GuaranteeKind>,
    /// The procurement methods this rule is for (競争入札 → one office, 随意契約 and 変更契約 →
    /// each 発注担当課); empty: every procurement.
    #[serde(default)]
    pub procurements: Vec<Procurement>,
    /// The ways named first, in the orderer's order; empty: the sources do not say.
    #[serde(default)]
    pub methods: Vec<SubmissionMethod>,
    /// Ways also accepted (「FAXも可」).
    #[serde(default)]
    pub also: Vec<SubmissionMethod>,
    /// The source says 「電子メール等」: other ways may be accepted.
    #[serde(default)]
    pub and_others: bool,
    /// The online form, for 電子申請.
    #[serde(default)]
    pub form: Option<Link>,
    /// The office it goes to.
    #[serde(default)]
    pub to: Option<String>,
    /// A published address, shown as a `mailto:` link.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Where the address is published (a page or a place), when it is not given here.
    #[serde(default)]
    pub address_at: Option<Place>,
    /// Whom to ask for the details.
    #[serde(default)]
    pub ask: Option<Place>,
    #[serde(default)]
    pub timing: Option<Timing>,
    /// The mail subject the orderer asks for, with its example.
    #[serde(default)]
    pub subject: Option<String>,
    /// A subject per kind, where the rule is otherwise one for several kinds (in place of
    /// `subject`): the page says the rule once.
    #[serde(default)]
    pub subjects: Vec<KindSubject>,
    /// The contractor telephones to confirm the mail arrived.
    #[serde(default)]
    pub arrival_call: bool,
    /// Documents still handed over separately, and to whom.
    #[serde(default)]
    pub separately: Vec<SeparateDocument>,
    /// What the contractor hands over from STEP3's screen. Absent: the sources do not say (the
    /// page asks for nothing from STEP3 then, as the flyers do where nothing is printed).
    #[serde(default)]
    pub step3: Option<Step3Submission>,
    /// How STEP4's 「認証キー等のお知らせ」 is handed over. Absent: the sources do not say, and
    /// the page tells the reader to ask.
    #[serde(default)]
    pub step4: Option<Step4Submission>,
}

impl SubmissionRule {
    /// Whether both rules apply to some procurement.
    pub fn overlaps(&self, other: &SubmissionRule) -> bool {
        self.procurements.is_empty()
            || other.procurements.is_empty()
            || self.procurements.iter().any(|p| other.procurements.contains(p))
    }
}

/// How the contract was procured, where a rule differs by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Procurement {
    #[serde(rename = "競争入札")]
    CompetitiveBidding,
    #[serde(rename = "随意契約")]
    PrivateContract,
    #[serde(rename = "変更契約")]
    ChangeContract,
}

/// When the 認証キー is submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Timing {
    #[serde(rename = "契約締結前")]
    BeforeContract,
    #[serde(rename = "契約書と併せて")]
    WithContract,
    #[serde(rename = "前払金請求書と併せて")]
    WithAdvanceClaim,
    #[serde(rename = "前払金請求書の提出前")]
    BeforeAdvanceClaim,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// A page (with a URL) or an office or site (without one).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeparateDocument {
    pub document: String,
    #[serde(default)]
    pub to: Option<String>,
    /// The source says it is handed over on paper (「従来どおり書面による提出」); false: how is
    /// not stated.
    #[serde(default)]
    pub on_paper: bool,
}
