//! The manual-video QR code, generated at build time as inline SVG.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An inline `<svg>` of `url` as a QR code, labelled for screen readers.
pub fn svg_for_url(url: &str, label: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("QRコードを作れません: {e}"))?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(132, 132)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    let start = image.find("<svg").unwrap_or(0);
    let label = label.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    Ok(image[start..].replacen(
        "<svg ",
        &format!("<svg class=\"qr\" role=\"img\" aria-label=\"{label}\" "),
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn produces_inline_svg_with_a_label() {
        let svg = svg_for_url("https://www.wjcs.net/", "動画").unwrap();
        assert!(svg.starts_with("<svg class=\"qr\" role=\"img\" aria-label=\"動画\""));
        assert!(!svg.contains("<?xml"));
        assert!(svg.contains("<path"));
    }
}
