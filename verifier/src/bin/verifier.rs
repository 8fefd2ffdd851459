//! `verifier serve | issue | set-status | history | create-table | import`: the local server and
//! the admin commands, on the embedded store (default) or DynamoDB.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use verifier::admin::{self, commands, Persist};
use verifier::certificate::Status;
use verifier::config::{PepperFallback, Settings};
use verifier::service::{Clock, SystemClock};
use verifier::store::MemoryStore;
use verifier::{router_with_site, CertificateNumber, CertificateStore, DynamoStore, Error};

// The server allocates and frees a few small buffers per request from several threads;
// glibc's allocator was 8 % of its time under load (`bench/verifier-mixed.sh`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "verifier",
    version,
    about = "電子証書の確認サービス（ローカルサーバーと管理コマンド）",
    after_help = verifier::config::environment_help()
)]
struct Cli {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct StoreArgs {
    /// memory: 組み込みストア（YAMLから読み込み）／ dynamodb: DynamoDB（AWS_ENDPOINT_URL で接続先を変更可）
    #[arg(long, value_enum, default_value = "memory", global = true)]
    store: StoreKind,
    /// 組み込みストアの証書ファイル（issue・import・set-status はこのファイルを書き換えます）
    #[arg(
        long,
        value_name = "ファイル",
        default_value = "verifier/demo/certificates.yaml",
        global = true
    )]
    certificates: PathBuf,
    /// DynamoDB のテーブル名
    #[arg(
        long,
        value_name = "テーブル",
        env = "VERIFIER_TABLE",
        default_value = "denshi-hosho",
        global = true
    )]
    table: String,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum StoreKind {
    Memory,
    Dynamodb,
}

#[derive(Subcommand)]
enum Command {
    /// API（/api）と、--site を付けると生成済みサイトを同じオリジンで配信します
    Serve {
        /// 待ち受けるアドレスとポート
        #[arg(long, value_name = "アドレス:ポート", default_value = "127.0.0.1:8787")]
        addr: SocketAddr,
        /// 生成済みサイト（generator build の出力）
        #[arg(long, value_name = "ディレクトリ")]
        site: Option<PathBuf>,
    },
    /// 証書を登録し、認証キーを一度だけ表示します
    Issue {
        /// 証書の内容（YAML。見本: verifier/demo/issue-example.yaml）
        #[arg(value_name = "ファイル")]
        file: PathBuf,
    },
    /// 証書を一括登録し、「保証契約番号<TAB>認証キー」を一度だけ表示します
    Import {
        /// 証書のリスト（YAML）
        #[arg(value_name = "ファイル")]
        file: PathBuf,
    },
    /// 状態を変更します（有効・変更あり・解約・失効）
    SetStatus {
        /// 保証契約番号（例: W2026-040123）
        #[arg(value_name = "保証契約番号", value_parser = CertificateNumber::parse)]
        number: CertificateNumber,
        /// 新しい状態: 有効・変更あり・解約・失効
        #[arg(value_name = "状態", value_parser = commands::parse_status)]
        status: Status,
        /// 変更日 YYYY-MM-DD（省略時は今日、日本時間）
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = admin::parse_date)]
        date: Option<time::Date>,
        /// 履歴に残す理由（例: 契約解除）
        #[arg(long, value_name = "メモ", default_value = "")]
        note: String,
    },
    /// 認証キーを再発行し、新しいキーを一度だけ表示します（古いキーはただちに無効）
    Reissue {
        /// 保証契約番号
        #[arg(value_name = "保証契約番号", value_parser = CertificateNumber::parse)]
        number: CertificateNumber,
    },
    /// 閲覧履歴（日本時間・結果・照会元の仮名）を表示します
    History {
        /// 保証契約番号
        #[arg(value_name = "保証契約番号", value_parser = CertificateNumber::parse)]
        number: CertificateNumber,
    },
    /// DynamoDB にテーブルを作ります（ローカルのサーバー向け）
    CreateTable,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(verifier::logging::filter(std::env::var("RUST_LOG").ok().as_deref()))
        .with_writer(std::io::stderr)
        .init();
    let cli: Cli = cli_ja::parse();
    match run(&cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("エラー: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: &Cli) -> Result<(), Error> {
    // Keys issued under the public development pepper are no secret: DynamoDB is production.
    let fallback = match cli.store.store {
        StoreKind::Memory => PepperFallback::AllowDevelopment,
        StoreKind::Dynamodb => PepperFallback::Require,
    };
    let settings = Settings::from_env(fallback)?;
    if settings.peppers.is_development {
        eprintln!(
            "注意: VERIFIER_PEPPERS が未設定のため、開発用の pepper を使います（デモ専用。本番では使わないでください）"
        );
    }
    match cli.store.store {
        StoreKind::Memory => {
            let store = MemoryStore::load(&cli.store.certificates)?;
            command(store, cli, settings).await
        }
        StoreKind::Dynamodb => command(DynamoStore::from_env(&cli.store.table).await, cli, settings).await,
    }
}

/// One command on `store`: the library's command bodies, wired to standard output.
async fn command<S: CertificateStore + Persist>(store: S, cli: &Cli, settings: Settings) -> Result<(), Error> {
    let now = SystemClock.now();
    let file = &cli.store.certificates;
    let out = &mut std::io::stdout().lock();
    let result = match &cli.command {
        Command::Serve { addr, site } => serve(store, settings, *addr, site.clone()).await,
        Command::CreateTable => match cli.store.store {
            StoreKind::Dynamodb => {
                DynamoStore::from_env(&cli.store.table).await.create_table().await?;
                writeln!(out, "テーブル {} を作成しました", cli.store.table).map_err(Error::Output)
            }
            StoreKind::Memory => Err(Error::CreateTableNeedsDynamodb),
        },
        Command::Issue { file: input } | Command::Import { file: input } => {
            commands::issue(&store, file, &settings.peppers, input, out).await
        }
        Command::SetStatus {
            number,
            status,
            date,
            note,
        } => {
            let change = commands::StatusChange {
                number: number.clone(),
                status: *status,
                date: *date,
                note: note.clone(),
            };
            commands::set_status(&store, file, &change, now, out).await
        }
        Command::Reissue { number } => commands::reissue(&store, file, &settings.peppers, number, out).await,
        Command::History { number } => commands::history(&store, number, now, out).await,
    };
    out.flush().map_err(Error::Output)?;
    result
}

async fn serve<S: CertificateStore>(
    store: S,
    settings: Settings,
    addr: SocketAddr,
    site: Option<PathBuf>,
) -> Result<(), Error> {
    let api = verifier::app(store, &settings);
    let app = match site {
        Some(dir) if dir.join("index.html").is_file() => router_with_site(api, &dir),
        Some(dir) => return Err(Error::NoSite(dir)),
        None => api,
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })?;
    eprintln!("http://{addr}/ で待ち受けています（API: POST /api/verify）");
    verifier::server::serve(listener, app, settings.serve, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(Error::Serve)
}
