//! The bodies of the admin commands: each reads what it needs, changes the store, makes the
//! change durable and prints what it did (keys on `out`, once; notes on standard error).

use std::io::Write;
use std::path::Path;

use time::Date;

use super::{dates, Persist};
use crate::certificate::Status;
use crate::error::Error;
use crate::keys::{AuthKey, Peppers};
use crate::normalize::CertificateNumber;
use crate::notice::{self, NoticeSettings};
use crate::store::CertificateStore;

/// What `issue` and `import` do with a certificate that is already stored with the same
/// contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rerun {
    /// `issue`: refuse (and store nothing).
    Refuse,
    /// `import`: say so and go on — a rerun after a failure picks up where it stopped.
    Skip,
}

/// `verifier issue | import FILE`, key by key: every entry is checked first (its number, a
/// number twice in the file, a number already stored with other contents) and nothing is
/// stored if any is wrong; then each certificate is stored, made durable, and its key printed
/// and flushed at once — so a failure part-way leaves no stored certificate whose key was not
/// printed, and a rerun of `import` reports what is already there and goes on.
pub async fn import<S: CertificateStore + Persist>(
    store: &S,
    store_file: &Path,
    peppers: &Peppers,
    file: &Path,
    rerun: Rerun,
    notices: Option<&NoticeSettings>,
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
    let to_store = check_all(store, &certificates, rerun).await?;
    let already = certificates.len() - to_store.len();
    let font = notices.map(NoticeSettings::prepare).transpose()?;
    for (index, (number, certificate)) in to_store.iter().enumerate() {
        // The notice first, then the certificate: a failure part-way leaves no stored
        // certificate without its notice (a notice whose certificate was not stored is removed).
        let key = AuthKey::generate().map_err(Error::Random)?;
        let written = match (notices, &font) {
            (Some(n), Some(font)) => Some(n.write(font, certificate, &key, "")?),
            _ => None,
        };
        let stored = match super::certificates::issue_with(store, peppers, certificate, &key).await {
            Ok(()) => store.persist(store_file),
            Err(e) => Err(e),
        };
        if let Err(e) = stored {
            if let Some(path) = &written {
                notice::remove(path);
            }
            return Err(e);
        }
        let mut line = String::new();
        let shown = match &written {
            // The notice is the only place the key is printed: here, its path.
            Some(path) => path.display().to_string(),
            None => {
                if index == 0 {
                    line.push_str("# 認証キーはこの一度だけ表示されます。受注者へ安全に伝えてください。\n");
                }
                key.display_grouped()
            }
        };
        line.push_str(&format!("{}\t{shown}\n", certificate.certificate_number));
        out.write_all(line.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|source| Error::KeyNotPrinted {
                number: number.clone(),
                source,
            })?;
    }
    eprintln!(
        "{} 件を登録しました{}",
        to_store.len(),
        if already > 0 {
            format!("（{already} 件は同じ内容で登録済みのため飛ばしました）")
        } else {
            String::new()
        }
    );
    Ok(())
}

/// The entries to store, in the file's order; every problem of the file at once, or none.
async fn check_all<'a, S: CertificateStore>(
    store: &S,
    certificates: &'a [crate::certificate::Certificate],
    rerun: Rerun,
) -> Result<Vec<(CertificateNumber, &'a crate::certificate::Certificate)>, Error> {
    let mut problems = Vec::new();
    let mut to_store = Vec::new();
    let mut seen: std::collections::HashMap<CertificateNumber, usize> = std::collections::HashMap::new();
    for (index, certificate) in certificates.iter().enumerate() {
        let entry = index + 1;
        let number = match CertificateNumber::parse(&certificate.certificate_number) {
            Ok(number) => number,
            Err(e) => {
                problems.push(Error::from(e).in_entry(entry, &certificate.certificate_number));
                continue;
            }
        };
        if let Some(&first) = seen.get(&number) {
            problems.push(Error::DuplicateInFile {
                first,
                second: entry,
                number,
            });
            continue;
        }
        seen.insert(number.clone(), entry);
        match store.get(&number).await? {
            None => to_store.push((number, certificate)),
            Some(stored) if *stored.certificate == *certificate && rerun == Rerun::Skip => {
                eprintln!("{number} は同じ内容で登録済みです（前回の取り込み）。キーは表示せずに飛ばします");
            }
            Some(stored) if *stored.certificate == *certificate => {
                problems
                    .push(Error::AlreadyRegistered(number.clone()).in_entry(entry, &certificate.certificate_number));
            }
            Some(_) => {
                problems.push(
                    Error::RegisteredDifferently(number.clone()).in_entry(entry, &certificate.certificate_number),
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(to_store)
    } else {
        Err(Error::NothingImported(problems))
    }
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
    notices: Option<&NoticeSettings>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    if let Some(n) = notices {
        let font = n.prepare()?;
        let stored = super::certificates::current(store, number).await?;
        let key = AuthKey::generate().map_err(Error::Random)?;
        let now = dates::format_jst(crate::service::Clock::now(&crate::service::SystemClock));
        let suffix = format!("-reissued-{}", now[..19].replace(['-', ':'], ""));
        let path = n.write(&font, &stored.certificate, &key, &suffix)?;
        let swapped = match super::certificates::reissue_with(store, peppers, number, &stored.key_hash, &key).await {
            Ok(()) => store.persist(store_file),
            Err(e) => Err(e),
        };
        if let Err(e) = swapped {
            notice::remove(&path);
            return Err(e);
        }
        return writeln!(
            out,
            "# 古い認証キーはもう使えません。新しいキーはお知らせに記載しました。\n{number}\t{}",
            path.display()
        )
        .map_err(Error::Output);
    }
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
