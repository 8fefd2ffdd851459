//! 認証キー: generated from the OS RNG, typed by people, stored only as a keyed hash.
//!
//! 24 Crockford base32 characters carry 120 bits (OWASP ASVS 6.5.2 asks for ≥ 112 bits before a
//! fast keyed hash is acceptable). The stored form is HMAC-SHA256(pepper, key) with the
//! pepper's id, so peppers can rotate: the current one hashes new keys, older ones still verify.

use std::fmt;
use std::sync::LazyLock;

use data_encoding::{Encoding, Specification, HEXLOWER, HEXLOWER_PERMISSIVE};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::Error;

pub const KEY_LENGTH: usize = 24;
const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const MIN_PEPPER_BYTES: usize = 32;

/// Crockford's base32 without padding: 15 random bytes are exactly 24 characters.
static CROCKFORD: LazyLock<Encoding> = LazyLock::new(|| {
    let mut specification = Specification::new();
    specification.symbols.push_str(ALPHABET);
    // Thirty-two distinct ASCII symbols and nothing else: a valid specification.
    specification.encoding().unwrap_or_else(|_| HEXLOWER.clone())
});

/// `bytes` in the keys' alphabet (Crockford base32, no padding): also the audit references'.
pub(crate) fn crockford(bytes: &[u8]) -> String {
    CROCKFORD.encode(bytes)
}

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
        Ok(AuthKey(CROCKFORD.encode(&bytes)))
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
    pub fn parse(spec: &str) -> Result<Peppers, Error> {
        let mut peppers = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (id, secret) = part.split_once('=').ok_or(Error::PepperSyntax)?;
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(Error::PepperId(id.to_string()));
            }
            if secret.len() < MIN_PEPPER_BYTES {
                return Err(Error::PepperTooShort {
                    id: id.to_string(),
                    min: MIN_PEPPER_BYTES,
                });
            }
            if peppers.iter().any(|p: &Pepper| p.id == id) {
                return Err(Error::PepperDuplicate(id.to_string()));
            }
            peppers.push(Pepper {
                id: id.to_string(),
                secret: secret.as_bytes().to_vec(),
            });
        }
        if peppers.is_empty() {
            return Err(Error::NoPepper);
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
    pub fn with_caller_key(mut self, secret: &str) -> Result<Peppers, Error> {
        if secret.len() < MIN_PEPPER_BYTES {
            return Err(Error::CallerKeyTooShort(MIN_PEPPER_BYTES));
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
        let mut out = [0u8; 32];
        if HEXLOWER_PERMISSIVE.decode_len(digest.len()).ok()? != out.len() {
            return None;
        }
        HEXLOWER_PERMISSIVE.decode_mut(digest.as_bytes(), &mut out).ok()?;
        Some(KeyHash {
            pepper_id: id.to_string(),
            digest: out,
        })
    }
}

/// Lower-case hexadecimal, as key hashes and callers' pseudonyms are written.
pub fn hex(bytes: &[u8]) -> String {
    HEXLOWER.encode(bytes)
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
        assert!(a.as_str().chars().all(|c| ALPHABET.contains(c)));
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

    /// The codec's output is the hand-written one it replaced: most significant bits first.
    #[test]
    fn keys_and_hashes_are_encoded_as_before() {
        assert_eq!(CROCKFORD.encode(&[0u8; 15]), "0".repeat(24));
        assert_eq!(CROCKFORD.encode(&[0xff; 15]), "Z".repeat(24));
        assert_eq!(
            CROCKFORD
                .encode(&[0x08, 0x42, 0x10, 0x84, 0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0x08, 0x42, 0x10, 0x84, 0x21]),
            "1".repeat(24)
        );
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        let text = format!("t1:{}", "aB".repeat(32));
        let decoded = KeyHash::decode(&text).unwrap();
        assert_eq!(decoded.digest, [0xab; 32]);
        assert_eq!(decoded.encode(), format!("t1:{}", "ab".repeat(32)));
        assert_eq!(KeyHash::decode(&format!("t1:{}", "ab".repeat(31))), None);
        assert_eq!(KeyHash::decode(&format!("t1:{}zz", "ab".repeat(31))), None);
        assert_eq!(KeyHash::decode("no-colon"), None);
    }

    #[test]
    fn pepper_configuration_errors() {
        assert!(matches!(Peppers::parse(""), Err(Error::NoPepper)));
        assert!(matches!(Peppers::parse("v1=short"), Err(Error::PepperTooShort { .. })));
        assert!(matches!(Peppers::parse("v1"), Err(Error::PepperSyntax)));
        assert!(format!("{:?}", Peppers::development()).contains("dev1"));
        assert!(!format!("{:?}", Peppers::development()).contains("development-pepper"));
    }
}
