//! 閲覧履歴 as text: one line per look-up, times in Japan Standard Time.

use std::fmt::Write as _;

use super::dates::format_jst;
use crate::error::Error;
use crate::normalize::CertificateNumber;
use crate::store::CertificateStore;

/// `time<TAB>outcome<TAB>caller<TAB>reference` per unexpired record, oldest first, then the
/// count: the reference on a printed record finds its look-up here.
pub async fn history<S: CertificateStore>(store: &S, number: &CertificateNumber, now: u64) -> Result<String, Error> {
    let records = store.audit_history(number, now).await?;
    let mut out = String::new();
    for r in &records {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}",
            format_jst(r.at),
            r.outcome.as_str(),
            r.caller,
            r.reference
        );
    }
    let _ = write!(out, "{} 件", records.len());
    Ok(out)
}
