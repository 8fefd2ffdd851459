//! 認証キー: generated from the OS RNG, typed by people, stored only as a keyed hash.
//!
//! 24 Crockford base32 characters carry 120 bits (OWASP ASVS 6.5.2 asks for ≥ 112 bits before a
//! fast keyed hash is acceptable). The stored form is HMAC-SHA256(pepper, key) with the
//! pepper's id, so peppers can rotate: the current one hashes new keys, older ones still verify.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub const KEY_LENGTH: usize = 24;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const MIN_PEPPER_BYTES: usize = 32;

/// A key in canonical form (24 characters of the Crockford alphabet).
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey(String);

impl AuthKey {
    pub(crate) fn from_canonical(canonical: String) -> AuthKey {
        AuthKey(canonical)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A new key from the operating system's random source: 120 bits.
    pub fn generate() -> Result<AuthKey, getrandom::Error> {
        let mut bytes = [0u8; 15];
        getrandom::fill(&mut bytes)?;
        let mut bits: u128 = 0;
        for b in bytes {
            bits = (bits << 8) | u128::from(b);
        }
        let key = (0..KEY_LENGTH)
            .rev()
            .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
            .collect();
        Ok(AuthKey(key))
    }

    /// As printed on the notice: six groups of four.
    pub fn display_grouped(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-")
    }
}

/// Never printed by accident: a key appears only where the code asks for it explicitly.
impl fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthKey(…)")
    }
}

/// A secret used for keyed hashes, with the id stored next to every hash it made.
#[derive(Clone)]
pub struct Pepper {
    pub id: String,
    secret: Vec<u8>,
}

impl fmt::Debug for Pepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pepper({})", self.id)
    }
}

/// The current pepper first; older ones remain accepted during a rotation.
#[derive(Clone, Debug)]
pub struct Peppers {
    peppers: Vec<Pepper>,
    /// Keys callers' pseudonyms: its own secret, so that rotating the pepper neither resets
    /// every caller's counters nor renames callers in the audit trail.
    caller_key: Vec<u8>,
    pub is_development: bool,
}

/// The pepper of the embedded demo store. Anyone can read it here: never use it in production.
pub const DEVELOPMENT_PEPPER: (&str, &str) = ("dev1", "development-pepper-not-secret-do-not-use-in-production");

impl Peppers {
    /// Parses `id=secret,id=secret` (current first), as given in `VERIFIER_PEPPERS`.
    pub fn parse(spec: &str) -> Result<Peppers, String> {
        let mut peppers = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (id, secret) = part
                .split_once('=')
                .ok_or("VERIFIER_PEPPERS は id=secret をカンマで区切って書きます")?;
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("pepper id「{id}」は英数字で書いてください"));
            }
            if secret.len() < MIN_PEPPER_BYTES {
                return Err(format!("pepper「{id}」が短すぎます（{MIN_PEPPER_BYTES}バイト以上）"));
            }
            if peppers.iter().any(|p: &Pepper| p.id == id) {
                return Err(format!("pepper id「{id}」が重複しています"));
            }
            peppers.push(Pepper {
                id: id.to_string(),
                secret: secret.as_bytes().to_vec(),
            });
        }
        if peppers.is_empty() {
            return Err("pepper がありません".into());
        }
        Ok(Peppers {
            caller_key: peppers[0].secret.clone(),
            peppers,
            is_development: false,
        })
    }

    /// Whether the public development pepper is among these (a key hashed under it is no secret).
    pub fn includes_development(&self) -> bool {
        self.is_development || self.peppers.iter().any(|p| p.secret == DEVELOPMENT_PEPPER.1.as_bytes())
    }

    /// These peppers with callers keyed by `secret` (`VERIFIER_CALLER_KEY`) rather than by the
    /// current pepper.
    pub fn with_caller_key(mut self, secret: &str) -> Result<Peppers, String> {
        if secret.len() < MIN_PEPPER_BYTES {
            return Err(format!(
                "VERIFIER_CALLER_KEY が短すぎます（{MIN_PEPPER_BYTES}バイト以上）"
            ));
        }
        self.caller_key = secret.as_bytes().to_vec();
        Ok(self)
    }

    pub fn development() -> Peppers {
        let (id, secret) = DEVELOPMENT_PEPPER;
        Peppers {
            caller_key: secret.as_bytes().to_vec(),
            peppers: vec![Pepper {
                id: id.into(),
                secret: secret.as_bytes().to_vec(),
            }],
            is_development: true,
        }
    }

    pub fn current(&self) -> &Pepper {
        &self.peppers[0]
    }

    fn find(&self, id: &str) -> Option<&Pepper> {
        self.peppers.iter().find(|p| p.id == id)
    }

    /// Whether `stored` was made under another pepper than the current one (a rotation is
    /// under way): the key should be re-hashed the next time it is verified.
    pub fn is_stale(&self, stored: &KeyHash) -> bool {
        stored.pepper_id != self.current().id
    }

    /// The stored form of a key under the current pepper.
    pub fn hash_key(&self, key: &AuthKey) -> KeyHash {
        let pepper = self.current();
        KeyHash {
            pepper_id: pepper.id.clone(),
            digest: keyed_digest(&pepper.secret, b"auth-key", key.as_str().as_bytes()),
        }
    }

    /// Whether `key` matches `stored`, in constant time over fixed-length digests. `None`
    /// (no such certificate) does the same work against a dummy digest and is never a match.
    pub fn verify(&self, stored: Option<&KeyHash>, key: &AuthKey) -> bool {
        let (pepper, expected, real) = match stored.and_then(|s| self.find(&s.pepper_id).map(|p| (p, s.digest, true))) {
            Some(found) => found,
            None => (self.current(), [0u8; 32], false),
        };
        let actual = keyed_digest(&pepper.secret, b"auth-key", key.as_str().as_bytes());
        let equal: bool = actual.ct_eq(&expected).into();
        equal & real
    }

    /// A stable pseudonym for a caller (an IP address): audit records and throttle keys never
    /// hold the address itself.
    pub fn caller_id(&self, caller: &str) -> String {
        hex(&keyed_digest(&self.caller_key, b"caller", caller.as_bytes())[..16])
    }
}

fn keyed_digest(secret: &[u8], domain: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length; new_from_slice cannot fail for it.
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => return [0u8; 32],
    };
    mac.update(domain);
    mac.update(&[0]);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// What a store keeps instead of the key: `pepper_id:hex(HMAC)`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KeyHash {
    pub pepper_id: String,
    pub digest: [u8; 32],
}

impl KeyHash {
    pub fn encode(&self) -> String {
        format!("{}:{}", self.pepper_id, hex(&self.digest))
    }

    pub fn decode(text: &str) -> Option<KeyHash> {
        let (id, digest) = text.split_once(':')?;
        if digest.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(digest.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        Some(KeyHash {
            pepper_id: id.to_string(),
            digest: out,
        })
    }
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(DIGITS[usize::from(b >> 4)] as char);
        text.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::parse_key;

    #[test]
    fn generated_keys_are_typable_and_distinct() {
        let a = AuthKey::generate().unwrap();
        let b = AuthKey::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), KEY_LENGTH);
        assert!(a.as_str().bytes().all(|c| ALPHABET.contains(&c)));
        assert_eq!(parse_key(&a.display_grouped()).unwrap(), a);
        assert_eq!(a.display_grouped().len(), 29);
    }

    #[test]
    fn hashes_verify_and_survive_a_pepper_rotation() {
        let old = Peppers::parse("v1=0123456789abcdef0123456789abcdef").unwrap();
        let key = AuthKey::generate().unwrap();
        let stored = KeyHash::decode(&old.hash_key(&key).encode()).unwrap();
        assert!(old.verify(Some(&stored), &key));
        let rotated =
            Peppers::parse("v2=fedcba9876543210fedcba9876543210,v1=0123456789abcdef0123456789abcdef").unwrap();
        assert!(rotated.verify(Some(&stored), &key));
        assert_eq!(rotated.hash_key(&key).pepper_id, "v2");
        let retired = Peppers::parse("v2=fedcba9876543210fedcba9876543210").unwrap();
        assert!(
            !retired.verify(Some(&stored), &key),
            "a retired pepper verifies nothing"
        );
        assert!(!old.verify(None, &key));
        assert!(!old.verify(Some(&stored), &AuthKey::generate().unwrap()));
    }

    #[test]
    fn pepper_configuration_errors() {
        assert!(Peppers::parse("").is_err());
        assert!(Peppers::parse("v1=short").is_err());
        assert!(Peppers::parse("v1").is_err());
        assert!(format!("{:?}", Peppers::development()).contains("dev1"));
        assert!(!format!("{:?}", Peppers::development()).contains("development-pepper"));
    }
}
