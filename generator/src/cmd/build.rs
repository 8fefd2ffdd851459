//! `generator build`: builds the site and says what it wrote, or every error.

use std::process::ExitCode;

use generator::Diagnostics;

use super::{print_errors, print_json, BuildArgs, Format};

pub fn run(args: &BuildArgs) -> ExitCode {
    let options = match args.options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("エラー: {message}");
            return ExitCode::from(2);
        }
    };
    match generator::build(&options) {
        Ok(_) if args.format() == Format::Json => {
            print_json(&Diagnostics::default());
            ExitCode::SUCCESS
        }
        Ok(report) => {
            println!(
                "{} に {} 発注者・{} ファイル（うち {} の確認サイト {} ファイル）を書き出しました（生成 {}、うち内容が変わったもの {}、{} バイト。基準日 {}、{:.1} ms）",
                options.out.display(),
                report.orderers,
                report.files,
                options.verify_out().display(),
                report.verify_files,
                report.rendered,
                report.written,
                report.bytes,
                options.date,
                report.elapsed.as_secs_f64() * 1000.0
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_errors(&errors, args.format());
            ExitCode::FAILURE
        }
    }
}
