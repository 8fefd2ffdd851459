//! 状態の変更: the new status, appended to the certificate's history with its date.

use time::Date;

use crate::certificate::{Certificate, HistoryEntry, Status};
use crate::error::Error;
use crate::normalize::CertificateNumber;
use crate::store::{CertificateStore, StoreError};

/// How often a change is retried when someone else wrote the certificate first.
const ROUNDS: usize = 5;

/// Changes the status and appends it to the history, retrying if someone else wrote first.
pub async fn set_status<S: CertificateStore>(
    store: &S,
    number: &CertificateNumber,
    status: Status,
    date: Date,
    note: &str,
) -> Result<Certificate, Error> {
    for _ in 0..ROUNDS {
        let stored = store
            .get(number)
            .await?
            .ok_or_else(|| Error::NotRegistered(number.clone()))?;
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
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Contention)
}
