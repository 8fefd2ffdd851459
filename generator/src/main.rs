//! `generator build | check`: a thin shell over the library.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "generator", version, about = "電子保証のご案内サイトを生成します")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// サイトを生成し、出力先を丸ごと置き換えます（失敗したときは以前の出力を残します）
    Build(cmd::SiteArgs),
    /// すべての内容を検査します（何も書き込みません）
    Check(cmd::SiteArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build(args) => cmd::build::run(&args),
        Command::Check(args) => cmd::check::run(&args),
    }
}
