//! The closed vocabularies of an orderer's file: the guarantee kinds (契約保証予約 refused by
//! name), the ways a 認証キー is submitted, and what STEP3 and STEP4 hand over.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::diagnostics::shorten;
use crate::yaml::custom_error;

/// A guarantee whose certificate can be issued electronically. 契約保証予約 never is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
pub enum GuaranteeKind {
    #[serde(rename = "前払金保証")]
    Advance,
    #[serde(rename = "中間前払金保証")]
    IntermediateAdvance,
    #[serde(rename = "契約保証")]
    Performance,
}

impl GuaranteeKind {
    /// The order in which the flyers list them when they explain what is eligible.
    pub const ALL: [GuaranteeKind; 3] = [Self::Advance, Self::IntermediateAdvance, Self::Performance];

    pub fn name(self) -> &'static str {
        match self {
            Self::Advance => "前払金保証",
            Self::IntermediateAdvance => "中間前払金保証",
            Self::Performance => "契約保証",
        }
    }
}

impl fmt::Display for GuaranteeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl<'de> Deserialize<'de> for GuaranteeKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if let Some(kind) = GuaranteeKind::ALL.into_iter().find(|k| k.name() == text) {
            return Ok(kind);
        }
        if text == "契約保証予約" {
            return Err(custom_error(
                "契約保証予約は電子保証の対象外です",
                "guarantee_kinds から「契約保証予約」を削除してください",
            ));
        }
        Err(custom_error(
            format!("不明な保証の種類「{}」です", shorten(&text)),
            "使える値: 前払金保証, 中間前払金保証, 契約保証",
        ))
    }
}

/// How an orderer accepts the 認証キー notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum SubmissionMethod {
    #[serde(rename = "電子メール")]
    Email,
    #[serde(rename = "持参")]
    InPerson,
    #[serde(rename = "FAX")]
    Fax,
    #[serde(rename = "郵送")]
    Post,
    /// On paper, how unsaid (江田島市: 「電子メールまたはFAX・書面」).
    #[serde(rename = "書面")]
    OnPaper,
    #[serde(rename = "電子契約システム")]
    ContractSystem,
    /// An online application form (電子申請); the rule names the form.
    #[serde(rename = "電子申請")]
    OnlineForm,
}

/// What the contractor hands over from STEP3's screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Step3Submission {
    /// Nothing: the orderer sees the certificate on D-Sure.
    None,
    /// A printout of the certificate screen.
    Print,
}

/// A way of handing over the electronic certificate itself that an orderer's sources refuse
/// as the submission of a guarantee certificate (「電子証書を、紙もしくはメールにより提出した場合は、
/// 保証証書の提出として認められません」).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum RefusedCopy {
    /// The certificate printed on paper (「印刷したもの」「紙」「書面」).
    #[serde(rename = "印刷")]
    Printed,
    /// The certificate itself sent by e-mail (「メール」).
    #[serde(rename = "電子メール")]
    Email,
}

/// How the contractor hands over STEP4's 「認証キー等のお知らせ」.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Step4Submission {
    /// The PDF file itself.
    Pdf,
    /// A printout of the PDF.
    Print,
}
