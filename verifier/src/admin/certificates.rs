//! Certificates and their keys: a certificate is stored with the keyed hash of a key generated
//! here, and the key is returned once — it exists nowhere else afterwards.

use crate::certificate::Certificate;
use crate::error::Error;
use crate::keys::{AuthKey, Peppers};
use crate::normalize::CertificateNumber;
use crate::store::{CertificateStore, StoreError};

/// Issues one certificate and returns its key.
pub async fn issue<S: CertificateStore>(
    store: &S,
    peppers: &Peppers,
    certificate: &Certificate,
) -> Result<AuthKey, Error> {
    let number = CertificateNumber::parse(&certificate.certificate_number)?;
    let key = AuthKey::generate().map_err(Error::Random)?;
    match store.insert(&number, certificate, &peppers.hash_key(&key)).await {
        Ok(()) => Ok(key),
        Err(StoreError::AlreadyExists) => Err(Error::AlreadyRegistered(number)),
        Err(e) => Err(e.into()),
    }
}

/// Gives a certificate a new key, shown once; the old key stops verifying at once (the swap is
/// conditional on the hash just read, so a concurrent change is an error, never lost).
pub async fn reissue<S: CertificateStore>(
    store: &S,
    peppers: &Peppers,
    number: &CertificateNumber,
) -> Result<AuthKey, Error> {
    let stored = store
        .get(number)
        .await?
        .ok_or_else(|| Error::NotRegistered(number.clone()))?;
    let key = AuthKey::generate().map_err(Error::Random)?;
    match store
        .swap_key_hash(number, &stored.key_hash, &peppers.hash_key(&key))
        .await
    {
        Ok(()) => Ok(key),
        Err(StoreError::Contention) => Err(Error::Contention),
        Err(e) => Err(e.into()),
    }
}

/// Parses a YAML file of one certificate (`issue`) or a list (`import`).
pub fn parse_certificates(text: &str) -> Result<Vec<Certificate>, serde_yaml::Error> {
    if let Ok(list) = serde_yaml::from_str::<Vec<Certificate>>(text) {
        return Ok(list);
    }
    serde_yaml::from_str::<Certificate>(text).map(|c| vec![c])
}
