//! The bodies of the admin commands: each reads what it needs, changes the store, makes the
//! change durable and prints what it did (keys on `out`, once; notes on standard error).

use std::io::Write;
use std::path::Path;

use time::Date;

use super::{dates, Persist};
use crate::certificate::Status;
use crate::error::Error;
use crate::keys::Peppers;
use crate::normalize::CertificateNumber;
use crate::store::CertificateStore;

/// `verifier issue | import FILE`: every certificate of the file, and its key, printed once.
pub async fn issue<S: CertificateStore + Persist>(
    store: &S,
    store_file: &Path,
    peppers: &Peppers,
    file: &Path,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let certificates = super::parse_certificates(&text).map_err(|e| Error::Yaml {
        path: file.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut issued = Vec::new();
    for certificate in &certificates {
        let key = super::issue(store, peppers, certificate).await?;
        issued.push((certificate.certificate_number.clone(), key));
    }
    store.persist(store_file)?;
    let mut text = String::from("# 認証キーはこの一度だけ表示されます。受注者へ安全に伝えてください。\n");
    for (number, key) in issued {
        text.push_str(&format!("{number}\t{}\n", key.display_grouped()));
    }
    out.write_all(text.as_bytes()).map_err(Error::Output)
}

/// What `set-status` changes.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub number: CertificateNumber,
    pub status: Status,
    /// Absent: today in Japan.
    pub date: Option<Date>,
    pub note: String,
}

/// `verifier set-status NUMBER STATUS [--date] [--note]`.
pub async fn set_status<S: CertificateStore + Persist>(
    store: &S,
    store_file: &Path,
    change: &StatusChange,
    now: u64,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let date = change.date.unwrap_or_else(|| dates::jst_date(now));
    let certificate = super::set_status(store, &change.number, change.status, date, &change.note).await?;
    store.persist(store_file)?;
    writeln!(
        out,
        "{} の状態を {} にしました",
        certificate.certificate_number,
        certificate.status.name()
    )
    .map_err(Error::Output)
}

/// `verifier reissue NUMBER`: a new key, printed once; the old one is dead.
pub async fn reissue<S: CertificateStore + Persist>(
    store: &S,
    store_file: &Path,
    peppers: &Peppers,
    number: &CertificateNumber,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let key = super::reissue(store, peppers, number).await?;
    store.persist(store_file)?;
    writeln!(
        out,
        "# 新しい認証キーはこの一度だけ表示されます。古いキーはもう使えません。受注者へ安全に伝えてください。\n{number}\t{}",
        key.display_grouped()
    )
    .map_err(Error::Output)
}

/// `verifier history NUMBER`.
pub async fn history<S: CertificateStore + Persist>(
    store: &S,
    number: &CertificateNumber,
    now: u64,
    out: &mut dyn Write,
) -> Result<(), Error> {
    if S::IN_PROCESS {
        eprintln!("注意: 組み込みストアの閲覧履歴はサーバーのプロセス内にだけあります（ここでは空です）。");
    }
    let text = super::history(store, number, now).await?;
    writeln!(out, "{text}").map_err(Error::Output)
}

/// A status as an administrator types it: 有効・変更あり・解約・失効.
pub fn parse_status(text: &str) -> Result<Status, Error> {
    Status::parse(text).ok_or_else(|| Error::UnknownStatus(text.to_string()))
}
