//! `generator build | check | serve | new | schema`: a thin shell over the library.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Rendering threads allocate and free many short strings at once; glibc's allocator was 12 %
// of a large build's time (`perf record` of a 17,410-orderer build).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "generator",
    version,
    about = "電子保証のご案内サイトを生成します",
    after_help = "環境変数:\n  SOURCE_DATE_EPOCH  --date を省略したときの基準日（UNIX 時刻、日本時間の日付として使います）"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// サイトを生成し、出力先を丸ごと置き換えます（失敗したときは以前の出力を残します）
    Build(cmd::BuildArgs),
    /// すべての内容を検査します（何も書き込みません）
    Check(cmd::ContentArgs),
    /// プレビュー: サイトを生成して 127.0.0.1 で表示し、保存のたびに生成し直してブラウザを再読み込みします
    Serve(cmd::serve::ServeArgs),
    /// 新しい発注者のファイルの下書きを作ります（出典を書くまで生成は止まります）
    New(cmd::new::NewArgs),
    /// JSON Schema（docs/schema/）と項目の一覧（docs/editors/fields.md）を型から生成し直します
    Schema(cmd::schema::SchemaArgs),
}

fn main() -> ExitCode {
    match cli_ja::parse::<Cli>().command {
        Command::Build(args) => cmd::build::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Serve(args) => cmd::serve::run(&args),
        Command::New(args) => cmd::new::run(&args),
        Command::Schema(args) => cmd::schema::run(&args),
    }
}
