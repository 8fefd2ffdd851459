//! The notice's one A4 page, drawn with krilla (the font subset embedded): title, the
//! certificate's particulars, the key in groups of four, how to verify, and the QR code.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use qrcode::{Color, EcLevel, QrCode};

use super::{prefill_link, NoticeSettings};
use crate::certificate::{Certificate, GuaranteeKind};
use crate::error::Error;
use crate::keys::AuthKey;

const A4: (f32, f32) = (595.276, 841.89);
const MARGIN: f32 = 56.0;
const TITLE: &str = "電子証書閲覧用「認証キー」等のお知らせ";

fn kind(k: GuaranteeKind) -> &'static str {
    match k {
        GuaranteeKind::Advance => "前払金保証",
        GuaranteeKind::IntermediateAdvance => "中間前払金保証",
        GuaranteeKind::Performance => "契約保証",
    }
}

/// Width in ems, as IPAGothic sets it (fixed pitch: half-width 0.5, everything else 1).
fn ems(c: char) -> f32 {
    if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
        0.5
    } else {
        1.0
    }
}

/// `text` cut into lines at most `width` points wide at `size`.
fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut used = 0.0;
    for c in text.chars() {
        let w = ems(c) * size;
        if used + w > width && !lines.last().is_some_and(String::is_empty) {
            lines.push(String::new());
            used = 0.0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(c);
        }
        used += w;
    }
    lines
}

pub(super) fn render(settings: &NoticeSettings, font: &[u8], c: &Certificate, key: &AuthKey) -> Result<Vec<u8>, Error> {
    let font = Font::new(font.to_vec().into(), 0).ok_or_else(|| Error::NoticeFontUnusable(settings.font.clone()))?;
    let link = prefill_link(&settings.verify_url, c, key);
    let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map_err(|e| Error::NoticePdf(e.to_string()))?;
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(TITLE.to_string()).language("ja".to_string()));
    let settings_page = PageSettings::from_wh(A4.0, A4.1).ok_or_else(|| Error::NoticePdf("A4".into()))?;
    let mut page = document.start_page_with(settings_page);
    let mut s = page.surface();
    let text = |s: &mut krilla::surface::Surface<'_>, x: f32, y: f32, size: f32, t: &str| {
        s.draw_text(Point::from_xy(x, y), font.clone(), size, t, false, TextDirection::Auto);
    };
    let width = A4.0 - 2.0 * MARGIN;
    let mut y = MARGIN + 20.0;
    let title_width = TITLE.chars().map(ems).sum::<f32>() * 18.0;
    text(&mut s, (A4.0 - title_width) / 2.0, y, 18.0, TITLE);
    y += 36.0;
    for line in wrap(
        "この書面は、電子証書の内容を確認するための保証契約番号と認証キーをお知らせするものです。認証キーは電子証書を閲覧するための鍵です。発注者（契約担当者）以外に渡さないでください。",
        10.5,
        width,
    ) {
        text(&mut s, MARGIN, y, 10.5, &line);
        y += 16.0;
    }
    y += 12.0;
    let label_width = 110.0;
    let rows = [
        ("発行者", settings.issuer.clone()),
        ("保証契約番号", c.certificate_number.clone()),
        ("保証の種類", kind(c.guarantee_kind).to_string()),
        ("発注者", c.orderer.clone()),
        ("受注者", c.contractor.name.clone()),
        ("工事名・業務名", c.work_name.clone()),
    ];
    for (label, value) in rows {
        text(&mut s, MARGIN, y, 11.0, label);
        for line in wrap(&value, 11.0, width - label_width) {
            text(&mut s, MARGIN + label_width, y, 11.0, &line);
            y += 18.0;
        }
        y += 4.0;
    }
    y += 8.0;
    text(&mut s, MARGIN, y, 11.0, "認証キー");
    // Spaces between the groups for reading aloud; the form accepts spaces and hyphens alike.
    text(
        &mut s,
        MARGIN + label_width,
        y + 6.0,
        22.0,
        &key.display_grouped().replace('-', " "),
    );
    y += 24.0;
    for line in wrap(
        "認証キーは英数字24文字です（4文字ずつ区切って表示しています）。英字の I・L・O・U は使っていません。0 は数字のゼロ、1 は数字のイチです。",
        9.5,
        width - label_width,
    ) {
        text(&mut s, MARGIN + label_width, y, 9.5, &line);
        y += 14.0;
    }
    y += 20.0;
    text(&mut s, MARGIN, y, 12.0, "確認の方法");
    y += 20.0;
    let how = format!(
        "{}の確認画面（{}）で、保証契約番号と認証キーを入力してください。右のQRコードを読み取ると、保証契約番号と認証キーが入力された確認画面が開き、電子証書が表示されます。",
        settings.service, settings.verify_url
    );
    let qr_size = 150.0;
    let text_top = y;
    for line in wrap(&how, 10.5, width - qr_size - 16.0) {
        text(&mut s, MARGIN, y, 10.5, &line);
        y += 16.0;
    }
    text(&mut s, MARGIN, y + 8.0, 10.5, &settings.verify_url);
    // The QR code with its quiet zone of four modules, dark modules as filled squares.
    let modules = code.width();
    let cell = qr_size / (modules + 8) as f32;
    let (qx, qy) = (A4.0 - MARGIN - qr_size + 4.0 * cell, text_top - 12.0 + 4.0 * cell);
    let mut pb = PathBuilder::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (mx, my) = ((i % modules) as f32, (i / modules) as f32);
            if let Some(r) = Rect::from_xywh(qx + mx * cell, qy + my * cell, cell, cell) {
                pb.push_rect(r);
            }
        }
    }
    if let Some(path) = pb.finish() {
        s.set_fill(Some(Fill {
            paint: rgb::Color::black().into(),
            ..Default::default()
        }));
        s.draw_path(&path);
    }
    s.finish();
    page.finish();
    document.finish().map_err(|e| Error::NoticePdf(format!("{e:?}")))
}
