//! The commands' options, in Japanese, and the build date when none is given.

pub mod build;
pub mod check;
pub mod new;
pub mod schema;
pub mod serve;

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use clap::Args;
use generator::frames::{self, Colour, JsonReport};
use generator::{BuildOptions, Diagnostics};

/// What both `build` and `check` read.
#[derive(Args)]
pub struct ContentArgs {
    /// コンテンツ（site.yaml, sections/, municipalities/）の場所
    #[arg(long, value_name = "ディレクトリ", default_value = "content")]
    content: PathBuf,
    /// テンプレートの場所
    #[arg(long, value_name = "ディレクトリ", default_value = "templates")]
    templates: PathBuf,
    /// 基準日 YYYY-MM-DD（運用中／運用開始予定の判定）。省略時は SOURCE_DATE_EPOCH、なければ今日（日本時間）
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// エラーの出力形式: text（コードフレーム付きの文章）または json（ツール向け、標準出力へ）
    #[arg(long, value_name = "形式", default_value = "text")]
    pub format: Format,
}

/// How errors are reported.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `build` also writes.
#[derive(Args)]
pub struct BuildArgs {
    #[command(flatten)]
    site: ContentArgs,
    /// 出力先（生成に成功したときだけ丸ごと置き換えます）
    #[arg(long, value_name = "ディレクトリ", default_value = "public")]
    out: PathBuf,
    /// 確認サイト（出力先の隣の「出力先名-verify」に書き出します）の URL。site.yaml の verification_service.url の代わりに使います（ローカルでの試用: http://127.0.0.1:8788/）
    #[arg(long, value_name = "URL", value_parser = parse_verify_url)]
    verify_url: Option<String>,
}

impl ContentArgs {
    /// `out` is where `build` writes; `check` writes nothing and passes an empty path.
    pub fn options(&self, out: PathBuf) -> Result<BuildOptions, String> {
        Ok(BuildOptions {
            content: self.content.clone(),
            templates: self.templates.clone(),
            out,
            date: match self.date {
                Some(date) => date,
                None => default_date()?,
            },
            verify_url: None,
        })
    }
}

impl BuildArgs {
    pub fn format(&self) -> Format {
        self.site.format
    }

    pub fn options(&self) -> Result<BuildOptions, String> {
        Ok(BuildOptions {
            verify_url: self.verify_url.clone(),
            ..self.site.options(self.out.clone())?
        })
    }
}

fn parse_verify_url(text: &str) -> Result<String, String> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return Err(format!(
            "「{text}」は URL ではありません（http:// か https:// で始めてください）"
        ));
    }
    if !text.ends_with('/') {
        return Err(format!(
            "「{text}」は「/」で終わる必要があります（「{text}/」と書いてください）"
        ));
    }
    Ok(text.to_string())
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("「{text}」は YYYY-MM-DD 形式の実在する日付ではありません"))
}

/// Japan Standard Time: an orderer's start date is a Japanese calendar day.
fn default_date() -> Result<NaiveDate, String> {
    let jst = FixedOffset::east_opt(9 * 3600).ok_or("タイムゾーンを作れません")?;
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => {
            let seconds: i64 = text
                .trim()
                .parse()
                .map_err(|_| format!("SOURCE_DATE_EPOCH「{text}」が整数ではありません"))?;
            let instant = DateTime::<Utc>::from_timestamp(seconds, 0)
                .ok_or(format!("SOURCE_DATE_EPOCH「{text}」は範囲外です"))?;
            Ok(instant.with_timezone(&jst).date_naive())
        }
        Err(_) => Ok(Utc::now().with_timezone(&jst).date_naive()),
    }
}

/// Every error with its code frame on standard error (coloured on a terminal only), or the
/// JSON report on standard output.
pub fn print_errors(errors: &Diagnostics, format: Format) {
    match format {
        Format::Text => eprintln!("{}", frames::render(errors, Colour::for_stream(&std::io::stderr()))),
        Format::Json => print_json(errors),
    }
}

/// The JSON report (`{"ok": …, "errors": […]}`) on standard output.
pub fn print_json(errors: &Diagnostics) {
    match serde_json::to_string_pretty(&JsonReport::new(errors)) {
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("エラー: JSON を作れません: {e}"),
    }
}
