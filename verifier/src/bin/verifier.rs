//! `verifier serve | issue | set-status | history | create-table | import`: the local server and
//! the admin commands, on the embedded store (default) or DynamoDB.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use axum::Router;
use clap::{Args, Parser, Subcommand, ValueEnum};
use verifier::admin::{self, commands, Persist};
use verifier::certificate::Status;
use verifier::config::{PepperFallback, Settings};
use verifier::keys::Peppers;
use verifier::secrets::DeploymentSecrets;
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
    #[command(flatten)]
    secret: SecretArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the deployment's secret comes from (serve, issue, import, reissue read it; the other
/// commands hash no key and read none). Never from an environment variable.
#[derive(Args, Clone)]
struct SecretArgs {
    /// 秘密（JSON: {"peppers": …, "caller_key": …}）を所有者だけが読めるファイル（chmod 600）から読みます
    #[arg(long, value_name = "ファイル", global = true, conflicts_with = "secret_arn")]
    secret_file: Option<PathBuf>,
    /// 秘密を AWS Secrets Manager のシークレットから読みます（Lambda と同じもの）
    #[arg(long, value_name = "ARN", global = true)]
    secret_arn: Option<String>,
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

/// Where the 「認証キー等のお知らせ」 PDFs go (issue, import, reissue); without `--notice-dir` the
/// key is printed on standard output instead.
#[derive(Args, Clone)]
struct NoticeArgs {
    /// 「認証キー等のお知らせ」（A4 PDF、QRコード付き）を1件ごとに書き出すディレクトリ（所有者だけが読めるように 700 で作ります）。指定すると認証キーは画面に表示せず、お知らせにだけ記載します
    #[arg(long, value_name = "ディレクトリ")]
    notice_dir: Option<PathBuf>,
    /// お知らせのフォント（日本語の TrueType/OpenType）
    #[arg(long, value_name = "ファイル", env = "VERIFIER_NOTICE_FONT", default_value = verifier::notice::DEFAULT_FONT)]
    notice_font: PathBuf,
    /// お知らせに載せる確認サービスの URL（省略時は --site-config の verification_service.url）
    #[arg(long, value_name = "URL")]
    verify_url: Option<String>,
    /// 発行者名と確認サービスを読む site.yaml
    #[arg(long, value_name = "ファイル", default_value = "content/site.yaml")]
    site_config: PathBuf,
}

impl NoticeArgs {
    fn settings(&self) -> Result<Option<verifier::notice::NoticeSettings>, Error> {
        let Some(dir) = &self.notice_dir else { return Ok(None) };
        verifier::notice::NoticeSettings::from_site(
            dir,
            &self.notice_font,
            self.verify_url.as_deref(),
            &self.site_config,
        )
        .map(Some)
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum StoreKind {
    Memory,
    Dynamodb,
}

#[derive(Subcommand)]
enum Command {
    /// API（/api）と生成済みサイトを配信します。--verify-site を付けると、確認サイトを API とともに別のオリジン（--verify-addr）で、案内サイト（--site）を --addr で配信します
    Serve {
        /// 待ち受けるアドレスとポート（--verify-site がなければ API も）
        #[arg(long, value_name = "アドレス:ポート", default_value = "127.0.0.1:8787")]
        addr: SocketAddr,
        /// 生成済みの案内サイト（generator build の出力、既定 public）
        #[arg(long, value_name = "ディレクトリ")]
        site: Option<PathBuf>,
        /// 生成済みの確認サイト（generator build が出力先の隣に書き出す public-verify）。API はこちらのオリジンで答えます
        #[arg(long, value_name = "ディレクトリ")]
        verify_site: Option<PathBuf>,
        /// 確認サイトと API を待ち受けるアドレスとポート
        #[arg(
            long,
            value_name = "アドレス:ポート",
            default_value = "127.0.0.1:8788",
            requires = "verify_site"
        )]
        verify_addr: SocketAddr,
    },
    /// 証書を登録し、認証キーを一度だけ表示します（登録済みの番号があれば何も登録しません）
    Issue {
        /// 証書の内容（YAML。見本: verifier/demo/issue-example.yaml）
        #[arg(value_name = "ファイル")]
        file: PathBuf,
        #[command(flatten)]
        notice: NoticeArgs,
    },
    /// 証書を一括登録し、1件登録するごとに「保証契約番号<TAB>認証キー」を一度だけ表示します（同じ内容で登録済みの証書は飛ばすので、途中で止まっても再実行で続きから登録できます）
    Import {
        /// 証書のリスト（YAML）
        #[arg(value_name = "ファイル")]
        file: PathBuf,
        #[command(flatten)]
        notice: NoticeArgs,
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
        #[command(flatten)]
        notice: NoticeArgs,
    },
    /// 閲覧履歴（日本時間・結果・照会元の仮名・照会番号）を表示します
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
    verifier::config::check_environment(|name| std::env::var(name).ok())?;
    match cli.store.store {
        StoreKind::Memory => {
            let store = MemoryStore::load(&cli.store.certificates)?;
            command(store, cli).await
        }
        StoreKind::Dynamodb => command(DynamoStore::from_env(&cli.store.table).await, cli).await,
    }
}

impl Cli {
    /// Keys issued under the public development pepper are no secret: DynamoDB is production.
    fn fallback(&self) -> PepperFallback {
        match self.store.store {
            StoreKind::Memory => PepperFallback::AllowDevelopment,
            StoreKind::Dynamodb => PepperFallback::Require,
        }
    }

    async fn secrets(&self) -> Result<Option<DeploymentSecrets>, Error> {
        DeploymentSecrets::for_cli(self.secret.secret_arn.as_deref(), self.secret.secret_file.as_deref()).await
    }

    async fn peppers(&self) -> Result<Peppers, Error> {
        let peppers = verifier::config::peppers(self.secrets().await?.as_ref(), self.fallback())?;
        warn_if_development(&peppers);
        Ok(peppers)
    }
}

fn warn_if_development(peppers: &Peppers) {
    if peppers.is_development {
        eprintln!(
            "注意: 秘密（--secret-file / --secret-arn）がないため、開発用の pepper を使います（デモ専用。本番では使わないでください）"
        );
    }
}

/// One command on `store`: the library's command bodies, wired to standard output.
async fn command<S: CertificateStore + Persist>(store: S, cli: &Cli) -> Result<(), Error> {
    let now = SystemClock.now();
    let file = &cli.store.certificates;
    let out = &mut std::io::stdout().lock();
    let result = match &cli.command {
        Command::Serve {
            addr,
            site,
            verify_site,
            verify_addr,
        } => {
            let settings = Settings::from_env(cli.secrets().await?.as_ref(), cli.fallback())?;
            warn_if_development(&settings.peppers);
            let origins = Origins {
                addr: *addr,
                site: site.clone(),
                verify: verify_site.clone().map(|dir| (*verify_addr, dir)),
            };
            serve(store, settings, origins).await
        }
        Command::CreateTable => match cli.store.store {
            StoreKind::Dynamodb => {
                DynamoStore::from_env(&cli.store.table).await.create_table().await?;
                writeln!(out, "テーブル {} を作成しました", cli.store.table).map_err(Error::Output)
            }
            StoreKind::Memory => Err(Error::CreateTableNeedsDynamodb),
        },
        // One import; `issue` refuses a number already stored, `import` skips it (a rerun).
        Command::Issue { file: input, notice } | Command::Import { file: input, notice } => {
            let rerun = match &cli.command {
                Command::Issue { .. } => commands::Rerun::Refuse,
                _ => commands::Rerun::Skip,
            };
            let notices = notice.settings()?;
            let peppers = cli.peppers().await?;
            commands::import(&store, file, &peppers, input, rerun, notices.as_ref(), out).await
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
        Command::Reissue { number, notice } => {
            let notices = notice.settings()?;
            let peppers = cli.peppers().await?;
            commands::reissue(&store, file, &peppers, number, notices.as_ref(), out).await
        }
        Command::History { number } => commands::history(&store, number, now, out).await,
    };
    out.flush().map_err(Error::Output)?;
    result
}

/// What `serve` listens on: `addr` with the guidance site, and the verify site on its own
/// origin when given. The API answers on the verify site's origin when there is one (its page
/// calls it there), else on `addr`.
struct Origins {
    addr: SocketAddr,
    site: Option<PathBuf>,
    verify: Option<(SocketAddr, PathBuf)>,
}

/// `dir` holds a built site (its `index.html`).
fn built_site(dir: PathBuf) -> Result<PathBuf, Error> {
    if dir.join("index.html").is_file() {
        Ok(dir)
    } else {
        Err(Error::NoSite(dir))
    }
}

async fn serve<S: CertificateStore>(store: S, settings: Settings, origins: Origins) -> Result<(), Error> {
    let api = verifier::app(store, &settings);
    let site = origins.site.map(built_site).transpose()?;
    let verify = origins
        .verify
        .map(|(addr, dir)| built_site(dir).map(|dir| (addr, dir)))
        .transpose()?;
    let mut listeners = Vec::new();
    match verify {
        Some((verify_addr, verify_dir)) => {
            // The guidance site has no API of its own: /api there is the site's 404 page.
            if let Some(dir) = site {
                listeners.push((origins.addr, router_with_site(Router::new(), &dir), "案内サイト"));
            }
            listeners.push((verify_addr, router_with_site(api, &verify_dir), "確認サイトと API"));
        }
        None => {
            let app = match site {
                Some(dir) => router_with_site(api, &dir),
                None => api,
            };
            listeners.push((origins.addr, app, "API: POST /api/verify"));
        }
    }
    let mut bound = Vec::new();
    for (addr, app, what) in listeners {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        bound.push((listener, app, addr, what));
    }
    // Ctrl-C stops every listener.
    let (stop_all, shutdown) = tokio::sync::watch::channel(false);
    let mut servers = tokio::task::JoinSet::new();
    for (listener, app, addr, what) in bound {
        eprintln!("http://{addr}/ で待ち受けています（{what}）");
        let limits = settings.serve.clone();
        let stop = shutdown.clone();
        servers.spawn(async move {
            verifier::server::serve(listener, app, limits, async move {
                let mut stop = stop;
                let _ = stop.changed().await;
            })
            .await
        });
    }
    let _ = tokio::signal::ctrl_c().await;
    let _ = stop_all.send(true);
    while let Some(result) = servers.join_next().await {
        if let Ok(Err(e)) = result {
            return Err(Error::Serve(e));
        }
    }
    Ok(())
}
