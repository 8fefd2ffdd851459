//! `generator new <slug> --name … --prefecture … [--kind …]`: a new orderer's file, commented,
//! that parses and passes every rule but two — its stubs for `sources` and `guarantee_kinds`,
//! which the build refuses until the editor fills them from the source, so that nothing is
//! published before its source is named and no kind is drafted as a fact. Nothing else is
//! drafted: the category and start date are left unstated until the editor writes them. An
//! existing file name or orderer is refused.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use generator::frames::{self, Colour};
use generator::load::load_orderer_file;
use generator::Diagnostics;

const SCAFFOLD: &str = include_str!("orderer.yaml");

/// The kinds of orderer, as the file spells them.
const KINDS: [&str; 4] = ["市町村", "都道府県", "一部事務組合・広域連合", "企業局・公営企業"];

/// The fields of the stubs the build refuses until they are filled.
const STUB_FIELDS: [&str; 2] = ["sources[0].url", "guarantee_kinds"];

#[derive(Args)]
pub struct NewArgs {
    /// ファイル名（ページの URL になります。半角英小文字・数字・ハイフン。例: ashiya-machi）
    #[arg(value_name = "スラッグ")]
    slug: String,
    /// 発注者の名前（例: 芦屋町）
    #[arg(long, value_name = "名前")]
    name: String,
    /// 都道府県（例: 福岡県）
    #[arg(long, value_name = "都道府県")]
    prefecture: String,
    /// 種類
    #[arg(long, value_name = "種類", default_value = "市町村", value_parser = KINDS)]
    kind: String,
    /// コンテンツの場所
    #[arg(long, value_name = "ディレクトリ", default_value = "content")]
    content: PathBuf,
}

pub fn run(args: &NewArgs) -> ExitCode {
    match create(args) {
        Ok(path) => {
            println!(
                "{} を作りました。出典（sources）と保証の種類（guarantee_kinds）を書くまで check と build はこのファイルをエラーにします。\n\
                 すべての値を出典と照らし合わせてから保存してください（手順: docs/editors/README.md）",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn create(args: &NewArgs) -> Result<PathBuf, String> {
    let dir = args.content.join("municipalities");
    if !dir.is_dir() {
        return Err(format!(
            "エラー: {} がありません\n  ヒント: リポジトリの最上位で実行するか、--content で content/ の場所を指定してください",
            dir.display()
        ));
    }
    let path = dir.join(format!("{}.yaml", args.slug));
    if path.exists() {
        return Err(format!(
            "エラー: {} はもうあります\n  ヒント: 既にある発注者ならそのファイルを直してください。別の発注者なら別のファイル名にしてください",
            path.display()
        ));
    }
    if let Some(existing) = same_orderer(&dir, &args.name, &args.prefecture) {
        return Err(format!(
            "エラー: {}{} のファイルはもうあります（{}）\n  ヒント: そのファイルを直してください",
            args.prefecture,
            args.name,
            existing.display()
        ));
    }
    let text = scaffold(&args.name, &args.kind, &args.prefecture, super::default_date()?);
    fs::write(&path, text).map_err(|e| format!("エラー: {} を書けません: {e}", path.display()))?;
    // The file is checked by the build's own rules: anything refused but the stubs is this
    // command's mistake or the arguments' (a file name the site cannot use, an unknown
    // prefecture), and the file is taken back.
    // The national code list too: a misspelt name or the wrong prefecture is refused here.
    let mut list_errors = Diagnostics::default();
    let local_governments = generator::load::load_local_governments(&args.content, &mut list_errors);
    let refused = match load_orderer_file(&path, &[], local_governments.as_ref(), None, None) {
        Ok(_) => Diagnostics::default(),
        Err(errors) => errors,
    };
    let others: Vec<_> = refused
        .iter()
        .filter(|d| !d.field.as_deref().is_some_and(|f| STUB_FIELDS.contains(&f)))
        .cloned()
        .collect();
    if !others.is_empty() || refused.is_empty() {
        let report = frames::render(&Diagnostics(others), Colour::for_stream(&std::io::stderr()));
        let _ = fs::remove_file(&path);
        return Err(format!(
            "{report}\nファイルは作りませんでした。引数を直してもう一度実行してください。"
        ));
    }
    Ok(path)
}

/// The scaffold with the orderer's name, kind, prefecture and today's date.
pub fn scaffold(name: &str, kind: &str, prefecture: &str, today: NaiveDate) -> String {
    let full_name = if name.starts_with(prefecture) {
        name.to_string()
    } else {
        format!("{prefecture}{name}")
    };
    SCAFFOLD
        .replace("{{full_name}}", &full_name)
        .replace("{{name}}", &yaml_scalar(name))
        .replace("{{kind}}", kind)
        .replace("{{prefecture}}", &yaml_scalar(prefecture))
        .replace("{{today}}", &today.to_string())
}

/// A value written so that YAML reads it back as the same string, whatever it holds.
fn yaml_scalar(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
}

/// The file in `dir` of the orderer named `name` in `prefecture`, if there is one.
fn same_orderer(dir: &Path, name: &str, prefecture: &str) -> Option<PathBuf> {
    #[derive(serde::Deserialize)]
    struct Named {
        name: Option<String>,
        prefecture: Option<String>,
    }
    let entries = fs::read_dir(dir).ok()?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files.into_iter().find(|path| {
        generator::read::text(path)
            .ok()
            .and_then(|text| serde_yaml::from_str::<Named>(&text).ok())
            .is_some_and(|n| n.name.as_deref() == Some(name) && n.prefecture.as_deref() == Some(prefecture))
    })
}
