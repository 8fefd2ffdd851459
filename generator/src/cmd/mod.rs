pub mod build;
pub mod check;

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use clap::Args;
use generator::{BuildOptions, Diagnostics};

#[derive(Args)]
pub struct SiteArgs {
    /// コンテンツ（site.yaml, sections/, municipalities/）の場所
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// テンプレートの場所
    #[arg(long, default_value = "templates")]
    templates: PathBuf,
    /// 出力先
    #[arg(long, default_value = "public")]
    out: PathBuf,
    /// 基準日 YYYY-MM-DD（運用中／運用開始予定の判定）。省略時は SOURCE_DATE_EPOCH、なければ今日（日本時間）
    #[arg(long, value_parser = parse_date)]
    date: Option<NaiveDate>,
}

impl SiteArgs {
    pub fn options(&self) -> Result<BuildOptions, String> {
        Ok(BuildOptions {
            content: self.content.clone(),
            templates: self.templates.clone(),
            out: self.out.clone(),
            date: match self.date {
                Some(date) => date,
                None => default_date()?,
            },
        })
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("「{text}」は YYYY-MM-DD 形式の実在する日付ではありません"))
}

/// Japan Standard Time: a municipality's start date is a Japanese calendar day.
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

pub fn print_errors(errors: &Diagnostics) {
    eprintln!("{errors}");
}
