//! 「電子証書閲覧用「認証キー」等のお知らせ」: the one place a key is printed — an A4 PDF per
//! certificate, written owner-only (0600, `create_new`) into an owner-only directory (0700).
//! Its QR code is `<verify url>#number=…&key=…`: the key travels only in the fragment.

mod pdf;

use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use crate::certificate::Certificate;
use crate::error::Error;
use crate::keys::AuthKey;

/// Debian `fonts-ipafont-gothic`: fixed-pitch, so the key's characters line up in groups.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf";

/// Where notices go and what they say besides the certificate.
#[derive(Debug, Clone)]
pub struct NoticeSettings {
    pub dir: PathBuf,
    pub font: PathBuf,
    /// The verify page's address (ends in `/`).
    pub verify_url: String,
    /// 発行者 (site.yaml's issuer.name).
    pub issuer: String,
    /// The verification service's name (site.yaml's verification_service.name).
    pub service: String,
}

/// The pre-filling link of a notice's QR code.
pub fn prefill_link(verify_url: &str, certificate: &Certificate, key: &AuthKey) -> String {
    format!(
        "{verify_url}#number={}&key={}",
        utf8_percent_encode(&certificate.certificate_number, NON_ALPHANUMERIC),
        key.display_grouped()
    )
}

impl NoticeSettings {
    /// The settings from `site.yaml` (issuer.name, verification_service.name and .url), the URL
    /// overridden by `verify_url`.
    pub fn from_site(dir: &Path, font: &Path, verify_url: Option<&str>, site: &Path) -> Result<NoticeSettings, Error> {
        let bad = |message: String| Error::SiteConfig {
            path: site.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(site).map_err(|e| bad(e.to_string()))?;
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let field = |a: &str, b: &str| {
            yaml.get(a)
                .and_then(|v| v.get(b))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let issuer = field("issuer", "name").ok_or_else(|| bad("issuer.name がありません".into()))?;
        let service = field("verification_service", "name")
            .ok_or_else(|| bad("verification_service.name がありません".into()))?;
        let verify_url = verify_url
            .map(str::to_string)
            .or_else(|| field("verification_service", "url"))
            .ok_or(Error::NoticeNoVerifyUrl)?;
        if !(verify_url.starts_with("https://") || verify_url.starts_with("http://")) || !verify_url.ends_with('/') {
            return Err(bad(format!(
                "確認サービスの URL「{verify_url}」は http(s):// で始まり / で終わる必要があります"
            )));
        }
        Ok(NoticeSettings {
            dir: dir.to_path_buf(),
            font: font.to_path_buf(),
            verify_url,
            issuer,
            service,
        })
    }

    /// The directory, created 0700 or checked to be readable by its owner only.
    pub fn prepare(&self) -> Result<Vec<u8>, Error> {
        let dir = &self.dir;
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|source| Error::NoticeDir {
                    path: dir.clone(),
                    source,
                })?;
        }
        let meta = std::fs::metadata(dir).map_err(|source| Error::NoticeDir {
            path: dir.clone(),
            source,
        })?;
        if !meta.is_dir() || meta.permissions().mode() & 0o077 != 0 {
            return Err(Error::NoticeDirOpen(dir.clone()));
        }
        std::fs::read(&self.font).map_err(|source| Error::NoticeFont {
            path: self.font.clone(),
            source,
        })
    }

    /// Writes the notice of `certificate` with `key` as `<number><suffix>.pdf`; never overwrites.
    pub fn write(&self, font: &[u8], certificate: &Certificate, key: &AuthKey, suffix: &str) -> Result<PathBuf, Error> {
        let bytes = pdf::render(self, font, certificate, key)?;
        let name: String = certificate
            .certificate_number
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
            .collect();
        let path = self.dir.join(format!("{name}{suffix}.pdf"));
        let write = || -> std::io::Result<()> {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)?;
            file.write_all(&bytes)?;
            file.sync_all()
        };
        write().map_err(|source| Error::NoticeWrite {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}

/// Removes a notice whose certificate was not stored (best effort: said on standard error).
pub fn remove(path: &Path) {
    if let Err(e) = std::fs::remove_file(path) {
        eprintln!(
            "注意: 登録できなかった証書のお知らせ {} を削除できません（{e}）。手で削除してください",
            path.display()
        );
    }
}
