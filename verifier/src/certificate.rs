//! The electronic certificate (電子証書): what the orderer sees.

use serde::{Deserialize, Serialize};

/// 保証の種類 that can be issued electronically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GuaranteeKind {
    #[serde(rename = "前払金保証")]
    Advance,
    #[serde(rename = "中間前払金保証")]
    IntermediateAdvance,
    #[serde(rename = "契約保証")]
    Performance,
}

/// 状態. A cancelled or expired certificate is still shown to a holder of the right key, so the
/// orderer learns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    #[serde(rename = "有効")]
    Valid,
    #[serde(rename = "変更あり")]
    Amended,
    #[serde(rename = "解約")]
    Cancelled,
    #[serde(rename = "失効")]
    Expired,
}

impl Status {
    pub fn parse(text: &str) -> Option<Status> {
        match text {
            "有効" => Some(Status::Valid),
            "変更あり" => Some(Status::Amended),
            "解約" => Some(Status::Cancelled),
            "失効" => Some(Status::Expired),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Valid => "有効",
            Status::Amended => "変更あり",
            Status::Cancelled => "解約",
            Status::Expired => "失効",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    pub date: String,
    pub status: Status,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// 保証契約番号 as printed (separators kept); look-ups use its canonical form.
    pub certificate_number: String,
    pub guarantee_kind: GuaranteeKind,
    /// 発注者
    pub orderer: String,
    /// 受注者
    pub contractor: Party,
    /// 工事名 / 業務名
    pub work_name: String,
    /// 工事場所
    pub work_location: String,
    /// 契約金額 (円)
    pub contract_amount: u64,
    /// 保証金額 (円)
    pub guarantee_amount: u64,
    pub guarantee_period: Period,
    /// 発行日
    pub issued_on: String,
    pub status: Status,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}
