//! `generator check`: checks everything and writes nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use generator::Diagnostics;

use super::{print_errors, print_json, ContentArgs, Format};

pub fn run(args: &ContentArgs) -> ExitCode {
    let options = match args.options(PathBuf::new()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("エラー: {message}");
            return ExitCode::from(2);
        }
    };
    match generator::check(&options) {
        Ok(_) if args.format == Format::Json => {
            print_json(&Diagnostics::default());
            ExitCode::SUCCESS
        }
        Ok(report) => {
            println!(
                "問題はありません（{} 発注者、{} ファイル分を検査）",
                report.orderers, report.files
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_errors(&errors, args.format);
            ExitCode::FAILURE
        }
    }
}
