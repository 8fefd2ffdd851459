//! One orderer (発注者) as its YAML file states it: who it is, which contracts and guarantee kinds
//! are in scope from when, how each kind's 認証キー is submitted (its rules in `submission`), what happens to paper, and
//! where every fact comes from. Rules across fields are in `validate`; wording is in templates.

use serde::{Deserialize, Serialize};

use super::{prefecture_number, Date, GuaranteeKind, LocalGovCode, Place, RefusedCopy, Submission};

/// One participating orderer: everything its page says that is not shared text.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Orderer {
    /// The file's stem; the page is published at `<slug>/`. It is the orderer's identity.
    #[serde(skip_deserializing)]
    pub slug: String,
    /// As the orderer calls itself: 芦屋町, 福岡県, 下関市上下水道局, 鳥取県東部広域行政管理組合.
    pub name: String,
    pub kind: OrdererKind,
    pub prefecture: String,
    /// 郡, for towns and villages (e.g. 遠賀郡).
    #[serde(default)]
    pub district: Option<String>,
    /// The body an enterprise bureau belongs to (下関市 for 下関市上下水道局).
    #[serde(default)]
    pub parent: Option<String>,
    /// 全国地方公共団体コード. A 市町村's or 都道府県's comes from the national list (a code
    /// written here must be the list's); another body writes its own, or none.
    #[serde(default)]
    pub code: Option<LocalGovCode>,
    /// The reading in katakana, from the national list (市町村 and 都道府県 only).
    #[serde(skip_deserializing)]
    pub reading: Option<String>,
    #[serde(skip_deserializing)]
    pub prefecture_reading: Option<String>,
    /// The orderer's own page about 電子保証, linked from its page here.
    #[serde(default)]
    pub website: Option<String>,
    /// Where every fact of this file comes from: the orderer's announcement, a flyer.
    pub sources: Vec<Source>,
    /// The day the facts were last checked against the sources; shown instead of a build date.
    pub confirmed: Date,
    /// Contracts in scope, one entry per work category; the earliest date is the 運用開始日.
    pub targets: Vec<Target>,
    /// In this orderer's display order; a category may narrow them.
    pub guarantee_kinds: Vec<GuaranteeKind>,
    pub submission: Submission,
    /// Whether paper certificates are still accepted. Absent: the sources do not say.
    #[serde(default)]
    pub paper: Option<Paper>,
    /// The ways of handing over the electronic certificate itself that the sources refuse
    /// (「電子証書を印刷したものは提出できません」: 印刷; 「紙もしくはメールにより提出した場合は…
    /// 認められません」: 印刷 and 電子メール), each as the source names it. Empty: the sources
    /// refuse none, and the page says nothing of it.
    #[serde(default)]
    pub certificate_refused: Vec<RefusedCopy>,
    /// The contract terms were revised for 電子保証: use the latest ones.
    #[serde(default)]
    pub latest_contract_terms: bool,
    /// Documents other than the certificate that the issuer also delivers electronically, as
    /// the orderer's flyer says; absent when no source says it.
    #[serde(default)]
    pub other_documents: Option<OtherDocuments>,
    /// Questions only this orderer's page answers, after the shared ones.
    #[serde(default)]
    pub extra_qa: Vec<QuestionAnswer>,
    /// The 保証事業会社 whose electronic certificates the sources say the orderer accepts,
    /// exactly as worded (「西日本建設業保証株式会社等」, 「保証事業会社」). Absent: not stated.
    /// A list that names only other companies is an error for this site's issuer.
    #[serde(default)]
    pub guarantors: Option<Vec<String>>,
    /// The surety company's office the orderer's announcement names for questions about the
    /// procedure (e.g. 広島支店 with its telephone); the company's site otherwise.
    #[serde(default)]
    pub issuer_contact: Option<Place>,
}

impl Orderer {
    /// 運用開始日: the earliest date any target becomes eligible. None when no source gives
    /// one: the page and the index then say that the orderer's page states no date.
    pub fn start_date(&self) -> Option<Date> {
        self.targets.iter().filter_map(|t| t.from).min()
    }

    /// The orderer's own page that a "not stated" sentence points to: `website`, else the
    /// first source with a URL.
    pub fn own_page(&self) -> Option<&str> {
        self.website
            .as_deref()
            .or_else(|| self.sources.iter().find_map(|s| s.url.as_deref()))
    }

    /// 「福岡県遠賀郡芦屋町」, 「福岡県」, 「鳥取県東部広域行政管理組合」: the prefecture is never
    /// said twice.
    pub fn full_name(&self) -> String {
        if self.name.starts_with(&self.prefecture) {
            return self.name.clone();
        }
        format!(
            "{}{}{}",
            self.prefecture,
            self.district.as_deref().unwrap_or(""),
            self.name
        )
    }

    /// The order of the index and of open data: by prefecture (JIS), then code, then name.
    pub fn index_key(&self) -> (u32, Option<&str>, &str) {
        (
            prefecture_number(&self.prefecture).unwrap_or(u32::MAX),
            self.code.as_ref().map(|c| c.as_str()),
            &self.name,
        )
    }

    /// The guarantee kinds of a target: its own list, or the orderer's.
    pub fn kinds_of<'a>(&'a self, target: &'a Target) -> &'a [GuaranteeKind] {
        target.guarantee_kinds.as_deref().unwrap_or(&self.guarantee_kinds)
    }
}

/// What kind of public body the orderer is; decides how it is named and filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum OrdererKind {
    #[serde(rename = "市町村")]
    Municipality,
    #[serde(rename = "都道府県")]
    Prefecture,
    #[serde(rename = "一部事務組合・広域連合")]
    Association,
    #[serde(rename = "企業局・公営企業")]
    Enterprise,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    /// Absent for a printed flyer.
    #[serde(default)]
    pub url: Option<String>,
}

/// A work category in scope from a date, and the rules that narrow it.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// e.g. 工事, 建設コンサルタント等業務. Absent: the sources name no work category; the
    /// page says so and links the orderer's page (then this is the only target).
    #[serde(default)]
    pub category: Option<String>,
    /// The day this category is in scope from. Absent: the sources give no date; the page says
    /// so, and the index lists the orderer as 「開始日の記載なし」, never as started or planned.
    #[serde(default)]
    pub from: Option<Date>,
    /// What `from` is compared with: the contract, the call for bids, the procurement.
    /// Absent: the sources do not say, and neither does the page.
    #[serde(default)]
    pub counted_from: Option<CountedFrom>,
    /// Which contracts from that date; absent: the sources do not narrow it.
    #[serde(default)]
    pub contracts: Option<ContractScope>,
    /// Procurement types left out (随意契約 …).
    #[serde(default)]
    pub excluded: Vec<String>,
    /// Cases whose procurement these departments run.
    #[serde(default)]
    pub departments: Vec<String>,
    /// What the sources say of the other departments' cases. Absent: nothing — the page asks
    /// the reader to check with the orderer, as for `問い合わせ`.
    #[serde(default)]
    pub other_departments: Option<OtherDepartments>,
    /// A remark the sources give beside this date (「契約約款の改正に合わせて」), shown beside it.
    #[serde(default)]
    pub note: Option<String>,
    /// Where this category's guarantee kinds differ from the orderer's.
    #[serde(default)]
    pub guarantee_kinds: Option<Vec<GuaranteeKind>>,
    /// A later start for some guarantee kinds of this category.
    #[serde(default)]
    pub kind_starts: Vec<KindStart>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum CountedFrom {
    /// Contracts concluded on or after the date.
    #[serde(rename = "契約締結")]
    Contract,
    /// Procurements announced (入札公告) or nominated (指名通知) on or after the date.
    #[serde(rename = "入札公告・指名通知")]
    CallForBids,
    /// Procurement procedures (発注手続き) begun on or after the date.
    #[serde(rename = "発注手続き")]
    Procurement,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum ContractScope {
    /// Only contracts first concluded (当初契約) in scope, not their changes.
    #[serde(rename = "当初契約のみ")]
    InitialOnly,
    /// 変更契約 in scope too.
    #[serde(rename = "変更契約を含む")]
    IncludingChanges,
    /// 変更契約 of contracts concluded before the start are out of scope.
    #[serde(rename = "開始前の契約の変更契約を除く")]
    ExcludingChangesOfEarlier,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindStart {
    pub kind: GuaranteeKind,
    pub from: Date,
    /// A remark the sources give beside this date, shown beside it.
    #[serde(default)]
    pub note: Option<String>,
}

/// The cases of departments that `departments` does not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum OtherDepartments {
    /// The sources say only the named departments' cases are in scope.
    #[serde(rename = "対象外")]
    OutOfScope,
    /// The sources send the reader to the orderer (or give other dates elsewhere).
    #[serde(rename = "問い合わせ")]
    Ask,
}

/// Paper certificates during the transition.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Paper {
    pub accepted: bool,
    /// The last day paper is accepted; absent: no end is set.
    #[serde(default)]
    pub until: Option<Date>,
}

/// Documents other than the certificate that are also issued electronically.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherDocuments {
    pub items: Vec<String>,
    pub connector: Connector,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Connector {
    /// Both are issued.
    #[serde(rename = "及び")]
    Both,
    /// Either is issued.
    #[serde(rename = "または")]
    Either,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionAnswer {
    pub question: String,
    /// Markdown.
    pub answer: String,
}
