//! Admin operations shared by the CLI: issuing certificates (the key is shown once), changing
//! a status, bulk import and the audit history.

use std::fmt::Write as _;

use serde::Deserialize;

use crate::certificate::{Certificate, HistoryEntry, Status};
use crate::keys::{AuthKey, Peppers};
use crate::normalize::CertificateNumber;
use crate::store::{AuditRecord, CertificateStore, StoreError};

/// A certificate to issue: its contents; the key is generated, never supplied.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct IssueRequest(pub Certificate);

/// Issues one certificate and returns its key, which exists nowhere else afterwards.
pub async fn issue<S: CertificateStore>(
    store: &S,
    peppers: &Peppers,
    certificate: &Certificate,
) -> Result<AuthKey, String> {
    let number = CertificateNumber::parse(&certificate.certificate_number).map_err(|e| e.message)?;
    let key = AuthKey::generate().map_err(|e| format!("乱数を取得できません: {e}"))?;
    match store.insert(&number, certificate, &peppers.hash_key(&key)).await {
        Ok(()) => Ok(key),
        Err(StoreError::AlreadyExists) => Err(format!(
            "保証契約番号 {} は登録済みです",
            certificate.certificate_number
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Gives a certificate a new key, shown once; the old key stops verifying at once (the swap is
/// conditional on the hash just read, so a concurrent change is an error, never lost).
pub async fn reissue<S: CertificateStore>(
    store: &S,
    peppers: &Peppers,
    number: &CertificateNumber,
) -> Result<AuthKey, String> {
    let stored = store
        .get(number)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("保証契約番号 {number} は登録されていません"))?;
    let key = AuthKey::generate().map_err(|e| format!("乱数を取得できません: {e}"))?;
    match store
        .swap_key_hash(number, &stored.key_hash, &peppers.hash_key(&key))
        .await
    {
        Ok(()) => Ok(key),
        Err(StoreError::Contention) => Err("ほかの変更と重なりました。もう一度実行してください".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Parses a YAML file of one certificate (`issue`) or a list (`import`).
pub fn parse_certificates(text: &str) -> Result<Vec<Certificate>, String> {
    if let Ok(list) = serde_yaml::from_str::<Vec<Certificate>>(text) {
        return Ok(list);
    }
    serde_yaml::from_str::<Certificate>(text)
        .map(|c| vec![c])
        .map_err(|e| e.to_string())
}

/// Changes the status and appends it to the history, retrying if someone else wrote first.
pub async fn set_status<S: CertificateStore>(
    store: &S,
    number: &CertificateNumber,
    status: Status,
    date: &str,
    note: &str,
) -> Result<Certificate, String> {
    for _ in 0..5 {
        let stored = store
            .get(number)
            .await
            .map_err(|e| e.to_string())?
            .ok_or(format!("保証契約番号 {number} はありません"))?;
        let mut certificate = (*stored.certificate).clone();
        certificate.status = status;
        certificate.history.push(HistoryEntry {
            date: date.to_string(),
            status,
            note: note.to_string(),
        });
        match store.update(number, &certificate, stored.version).await {
            Ok(()) => return Ok(certificate),
            Err(StoreError::Contention) => continue,
            Err(e) => return Err(e.to_string()),
        }
    }
    Err("同時に更新されたため変更できませんでした。もう一度実行してください".into())
}

/// The 閲覧履歴 as text: one line per look-up, times in Japan Standard Time.
pub async fn history<S: CertificateStore>(store: &S, number: &CertificateNumber, now: u64) -> Result<String, String> {
    let records: Vec<AuditRecord> = store.audit_history(number, now).await.map_err(|e| e.to_string())?;
    let mut out = String::new();
    for r in &records {
        let _ = writeln!(out, "{}\t{}\t{}", format_jst(r.at), r.outcome.as_str(), r.caller);
    }
    let _ = write!(out, "{} 件", records.len());
    Ok(out)
}

const JST_OFFSET_SECS: u64 = 9 * 3600;

/// `2026-11-24T01:55:00+09:00`: the orderers and the surety company live in Japan Standard Time.
pub fn format_jst(seconds: u64) -> String {
    format!("{}+09:00", civil(seconds + JST_OFFSET_SECS))
}

/// The calendar day in Japan, `2026-11-24`: the default date of a status change.
pub fn jst_date(seconds: u64) -> String {
    civil(seconds + JST_OFFSET_SECS)[..10].to_string()
}

/// `YYYY-MM-DDTHH:MM:SS` of a count of seconds since 1970 (no offset applied), without pulling
/// a date crate into the Lambda for one line.
fn civil(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rem = seconds % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_times() {
        assert_eq!(civil(0), "1970-01-01T00:00:00");
        assert_eq!(civil(1_795_437_296), "2026-11-23T12:34:56");
        assert_eq!(civil(951_782_400), "2000-02-29T00:00:00");
    }

    #[test]
    fn japan_is_nine_hours_ahead() {
        // 16:55 UTC on the 23rd is 01:55 on the 24th in Japan.
        let late_evening_utc = 1_795_452_900;
        assert_eq!(civil(late_evening_utc), "2026-11-23T16:55:00");
        assert_eq!(format_jst(late_evening_utc), "2026-11-24T01:55:00+09:00");
        assert_eq!(jst_date(late_evening_utc), "2026-11-24");
        assert_eq!(jst_date(late_evening_utc - 2 * 3600), "2026-11-23");
    }
}
