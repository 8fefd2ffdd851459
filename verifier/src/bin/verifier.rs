//! `verifier serve | issue | set-status | history | create-table | import`: the local server and
//! the admin commands, on the embedded store (default) or DynamoDB.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use verifier::config::{PepperFallback, Settings};
use verifier::service::{Clock, SystemClock};
use verifier::store::MemoryStore;
use verifier::{admin, router, router_with_site, CertificateNumber, CertificateStore, DynamoStore, Status, Verifier};

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
        #[arg(value_name = "保証契約番号")]
        number: String,
        /// 新しい状態: 有効・変更あり・解約・失効
        #[arg(value_name = "状態")]
        status: String,
        /// 変更日 YYYY-MM-DD（省略時は今日、日本時間）
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// 履歴に残す理由（例: 契約解除）
        #[arg(long, value_name = "メモ", default_value = "")]
        note: String,
    },
    /// 認証キーを再発行し、新しいキーを一度だけ表示します（古いキーはただちに無効）
    Reissue {
        /// 保証契約番号
        #[arg(value_name = "保証契約番号")]
        number: String,
    },
    /// 閲覧履歴（日本時間・結果・照会元の仮名）を表示します
    History {
        /// 保証契約番号
        #[arg(value_name = "保証契約番号")]
        number: String,
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
    // Keys issued under the public development pepper are no secret: DynamoDB is production.
    let fallback = match cli.store.store {
        StoreKind::Memory => PepperFallback::AllowDevelopment,
        StoreKind::Dynamodb => PepperFallback::Require,
    };
    let settings = match Settings::from_env(fallback) {
        Ok(settings) => settings,
        Err(message) => return fail(&message),
    };
    if settings.peppers.is_development {
        eprintln!(
            "注意: VERIFIER_PEPPERS が未設定のため、開発用の pepper を使います（デモ専用。本番では使わないでください）"
        );
    }
    let result = match cli.store.store {
        StoreKind::Memory => match MemoryStore::load(&cli.store.certificates) {
            Ok(store) => run(store, &cli, settings).await,
            Err(message) => Err(format!("証書ファイルを読めません: {message}")),
        },
        StoreKind::Dynamodb => run(DynamoStore::from_env(&cli.store.table).await, &cli, settings).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("エラー: {message}");
    ExitCode::FAILURE
}

async fn run<S: CertificateStore + Persist>(store: S, cli: &Cli, settings: Settings) -> Result<(), String> {
    let now = SystemClock.now();
    match &cli.command {
        Command::Serve { addr, site } => serve(store, settings, *addr, site.as_deref()).await,
        Command::CreateTable => match cli.store.store {
            StoreKind::Dynamodb => {
                let dynamo = DynamoStore::from_env(&cli.store.table).await;
                dynamo.create_table().await.map_err(|e| e.to_string())?;
                println!("テーブル {} を作成しました", cli.store.table);
                Ok(())
            }
            StoreKind::Memory => Err("create-table は --store dynamodb で使います".into()),
        },
        Command::Issue { file } | Command::Import { file } => {
            let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
            let certificates = admin::parse_certificates(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            let mut issued = Vec::new();
            for certificate in &certificates {
                let key = admin::issue(&store, &settings.peppers, certificate).await?;
                issued.push((certificate.certificate_number.clone(), key));
            }
            store.persist(&cli.store.certificates)?;
            println!("# 認証キーはこの一度だけ表示されます。受注者へ安全に伝えてください。");
            for (number, key) in issued {
                println!("{number}\t{}", key.display_grouped());
            }
            Ok(())
        }
        Command::SetStatus {
            number,
            status,
            date,
            note,
        } => {
            let parsed = CertificateNumber::parse(number).map_err(|e| e.message)?;
            let status =
                Status::parse(status).ok_or(format!("状態「{status}」はありません（有効・変更あり・解約・失効）"))?;
            let date = date.clone().unwrap_or_else(|| admin::jst_date(now));
            let certificate = admin::set_status(&store, &parsed, status, &date, note).await?;
            store.persist(&cli.store.certificates)?;
            println!(
                "{} の状態を {} にしました",
                certificate.certificate_number,
                certificate.status.name()
            );
            Ok(())
        }
        Command::Reissue { number } => {
            let parsed = CertificateNumber::parse(number).map_err(|e| e.message)?;
            let key = admin::reissue(&store, &settings.peppers, &parsed).await?;
            store.persist(&cli.store.certificates)?;
            println!(
                "# 新しい認証キーはこの一度だけ表示されます。古いキーはもう使えません。受注者へ安全に伝えてください。"
            );
            println!("{parsed}\t{}", key.display_grouped());
            Ok(())
        }
        Command::History { number } => {
            let parsed = CertificateNumber::parse(number).map_err(|e| e.message)?;
            if cli.store.store == StoreKind::Memory {
                eprintln!("注意: 組み込みストアの閲覧履歴はサーバーのプロセス内にだけあります（ここでは空です）。");
            }
            println!("{}", admin::history(&store, &parsed, now).await?);
            Ok(())
        }
    }
}

async fn serve<S: CertificateStore>(
    store: S,
    settings: Settings,
    addr: SocketAddr,
    site: Option<&Path>,
) -> Result<(), String> {
    let limits = settings.serve;
    let mut verifier = Verifier::new(store, settings.peppers);
    verifier.policy = settings.policy;
    verifier.audit_retention_secs = settings.audit_retention_secs;
    let api = router(Arc::new(verifier), settings.http);
    let app = match site {
        Some(dir) if dir.join("index.html").is_file() => router_with_site(api, dir),
        Some(dir) => {
            return Err(format!(
                "{} にサイトがありません。先に generator build を実行してください",
                dir.display()
            ))
        }
        None => api,
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("{addr}: {e}"))?;
    eprintln!("http://{addr}/ で待ち受けています（API: POST /api/verify）");
    verifier::server::serve(listener, app, limits, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())
}

/// Admin changes to the embedded store are written back to its file; DynamoDB persists itself.
trait Persist {
    fn persist(&self, path: &Path) -> Result<(), String>;
}

impl Persist for MemoryStore {
    /// Rewrites the file through a temporary one, keeping its opening comment (the demo file's
    /// warning that it is hashed with the development pepper).
    fn persist(&self, path: &Path) -> Result<(), String> {
        let entries = self.entries().map_err(|e| e.to_string())?;
        let previous = std::fs::read_to_string(path).unwrap_or_default();
        let header: String = previous
            .lines()
            .take_while(|line| line.starts_with('#'))
            .map(|line| format!("{line}\n"))
            .collect();
        let text = header + &serde_yaml::to_string(&entries).map_err(|e| e.to_string())?;
        let temporary = path.with_extension("yaml.tmp");
        std::fs::write(&temporary, text).map_err(|e| format!("{}: {e}", temporary.display()))?;
        std::fs::rename(&temporary, path).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("{} に保存しました", path.display());
        Ok(())
    }
}

impl Persist for DynamoStore {
    fn persist(&self, _path: &Path) -> Result<(), String> {
        Ok(())
    }
}
