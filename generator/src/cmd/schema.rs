//! `generator schema [--check]`: writes the JSON Schemas of the orderer's and the site's files
//! (docs/schema/) and the editors' field reference (docs/editors/fields.md), all generated from
//! the model's types and generator/src/schema/fields.yaml; `--check` writes nothing and fails
//! when a committed file differs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use generator::schema::{generate, ORDERER_SCHEMA_PATH, REFERENCE_PATH, SITE_SCHEMA_PATH};

#[derive(Args)]
pub struct SchemaArgs {
    /// 書き込まずに、コミットされたファイルが最新かどうかだけを確かめます
    #[arg(long)]
    check: bool,
    /// リポジトリの最上位
    #[arg(long, value_name = "ディレクトリ", default_value = ".")]
    root: PathBuf,
}

pub fn run(args: &SchemaArgs) -> ExitCode {
    let generated = match generate() {
        Ok(generated) => generated,
        Err(message) => {
            eprintln!("エラー: {message}");
            return ExitCode::FAILURE;
        }
    };
    if !generated.undescribed.is_empty() {
        eprintln!(
            "注意: 次の項目の日本語の説明と例が generator/src/schema/fields.yaml にありません: {}",
            generated.undescribed.join(", ")
        );
    }
    let files = [
        (ORDERER_SCHEMA_PATH, &generated.orderer),
        (SITE_SCHEMA_PATH, &generated.site),
        (REFERENCE_PATH, &generated.reference),
    ];
    let mut stale = Vec::new();
    for (relative, text) in files {
        let path = args.root.join(relative);
        if fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if args.check {
            stale.push(relative);
        } else if let Err(e) = write(&path, text) {
            eprintln!("エラー: {} を書けません: {e}", path.display());
            return ExitCode::FAILURE;
        } else {
            println!("{relative} を書きました");
        }
    }
    if !stale.is_empty() {
        eprintln!(
            "エラー: {} が型と fields.yaml に合っていません\n  ヒント: cargo run -p generator -- schema を実行してコミットしてください",
            stale.join("、")
        );
        return ExitCode::FAILURE;
    }
    if generated.undescribed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}
