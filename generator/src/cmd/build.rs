use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use clap::Args;

use super::{print_errors, BuildArgs};

pub fn run(args: &BuildArgs) -> ExitCode {
    let options = match args.options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("エラー: {message}");
            return ExitCode::from(2);
        }
    };
    match generator::build_keeping_previous(&options) {
        Ok(report) => {
            println!(
                "{} に {} 発注者・{} ファイルを書き出しました（生成 {}、うち内容が変わったもの {}、{} バイト。基準日 {}、{:.1} ms）",
                options.out.display(),
                report.orderers,
                report.files,
                report.rendered,
                report.written,
                report.bytes,
                options.date,
                report.elapsed.as_secs_f64() * 1000.0
            );
            if let Some(previous) = report.previous {
                remove_in_background(&previous);
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_errors(&errors);
            ExitCode::FAILURE
        }
    }
}

/// The previous site is removed by a process of its own, so the build returns as soon as the
/// new site is in place; if that process cannot start, it is removed here. A removal cut short
/// is finished by the next build (leftovers beside the output are cleared).
fn remove_in_background(previous: &Path) {
    let spawned = std::env::current_exe().and_then(|exe| {
        Command::new(exe)
            .arg("remove-previous")
            .arg(previous)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    });
    if spawned.is_err() {
        if let Err(e) = generator::write::remove_previous(previous) {
            eprintln!("{e}");
        }
    }
}

/// `remove-previous`: what `build` starts to remove the site it replaced.
#[derive(Args)]
pub struct RemovePreviousArgs {
    /// build が退避した以前の出力
    path: PathBuf,
}

pub fn remove_previous(args: &RemovePreviousArgs) -> ExitCode {
    match generator::write::remove_previous(&args.path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
