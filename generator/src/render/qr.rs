//! The manual-video QR code, made at build time: its dark modules as one SVG path. The page
//! template draws it — the element, its label and its colours are presentation.

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode};
use serde::Serialize;

/// The light margin every reader needs around the code, in modules.
const QUIET_ZONE: usize = 4;

/// A QR code for the template: `size` modules square (margin included), `path` the dark ones.
#[derive(Debug, Clone, Serialize)]
pub struct QrView {
    pub size: usize,
    pub path: String,
}

pub fn qr_for_url(url: &str) -> Result<QrView, String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("QRコードを作れません: {e}"))?;
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        // One rectangle per run of dark modules keeps the path short.
        let mut x = 0;
        while x < width {
            let run = row[x..].iter().take_while(|c| **c == Color::Dark).count();
            if run > 0 {
                let _ = write!(path, "M{},{}h{run}v1h-{run}z", x + QUIET_ZONE, y + QUIET_ZONE);
            }
            x += run.max(1);
        }
    }
    Ok(QrView {
        size: width + 2 * QUIET_ZONE,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_modules_become_one_path_inside_a_quiet_zone() {
        let qr = qr_for_url("https://www.wjcs.net/").unwrap();
        assert_eq!(qr.size, 25 + 2 * QUIET_ZONE, "a version-2 code");
        // The top-left finder pattern: a run of seven dark modules at the quiet zone's corner.
        assert!(qr.path.starts_with("M4,4h7v1h-7z"), "{}", &qr.path[..40]);
        assert!(qr_for_url(&"a".repeat(5000)).is_err());
    }
}
