//! `generator serve`: the live preview. Builds the site into memory, serves it on 127.0.0.1,
//! watches `content/` and `templates/`, takes each save (an orderer's file: its page first, the
//! lists after) and tells open browsers through a small event stream (`/__preview/events`)
//! which pages to reload — or, when an edit is broken, the same error text as the terminal's,
//! code frames included, shown over the last good page. The verify site is served under
//! `/verify/` with the API beside it (`/verify/api/verify`), answering from the verifier's
//! embedded store with the demo certificates.

mod http;
mod watch;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, PoisonError, RwLock};

use clap::Args;
use generator::frames::{self, Colour};
use generator::preview::{Preview, SiteFiles};
use tokio::sync::broadcast;

use super::ContentArgs;

/// What `serve` reads.
#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    site: ContentArgs,
    /// 待ち受けるポート（127.0.0.1 のみ。0 なら空いているポート）
    #[arg(long, value_name = "番号", default_value_t = 1111)]
    port: u16,
    /// 確認ページで使う見本の電子証書（verifier の組み込みストア）。ファイルがなければ確認ページの照会は動きません
    #[arg(long, value_name = "ファイル", default_value = "verifier/demo/certificates.yaml")]
    certificates: PathBuf,
}

/// What the server tells the browsers.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// These pages (site paths, `*` for every page) changed: reload them.
    Reload(Vec<String>),
    /// The last edit is broken: the report, as the terminal shows it without colour.
    Errors(String),
    /// The errors are mended.
    Fixed,
}

/// What the server and the rebuilding thread share.
pub struct Live {
    pub files: Arc<SiteFiles>,
    /// The current errors' report, shown to every browser that connects meanwhile.
    pub errors: RwLock<Option<String>>,
    pub events: broadcast::Sender<LiveEvent>,
}

impl Live {
    pub fn errors(&self) -> Option<String> {
        self.errors.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn set_errors(&self, report: Option<String>) {
        *self.errors.write().unwrap_or_else(PoisonError::into_inner) = report;
    }

    fn send(&self, event: LiveEvent) {
        // No browser open is no error.
        let _ = self.events.send(event);
    }
}

pub fn run(args: &ServeArgs) -> ExitCode {
    let mut options = match args.site.options(PathBuf::new()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("エラー: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("エラー: 非同期ランタイムを始められません: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Bound first: the pages link to the verify site at the address actually taken (`--port 0`).
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let listener = match runtime.block_on(http::bind(address)) {
        Ok(bound) => bound,
        Err(message) => {
            eprintln!("エラー: {message}");
            return ExitCode::FAILURE;
        }
    };
    options.verify_url = Some(http::verify_url(&listener));
    let started = std::time::Instant::now();
    let preview = match Preview::start(options) {
        Ok(preview) => preview,
        Err(errors) => {
            eprintln!("{}", frames::render(&errors, Colour::for_stream(&std::io::stderr())));
            eprintln!("最初の生成に失敗したため、プレビューを始められません。直してからもう一度実行してください。");
            return ExitCode::FAILURE;
        }
    };
    let (events, _) = broadcast::channel(64);
    let live = Arc::new(Live {
        files: preview.files(),
        errors: RwLock::new(None),
        events,
    });
    eprintln!(
        "{} ファイルをメモリ上に生成しました（{:.0} ms）",
        live.files.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let watching = match watch::start(preview, live.clone()) {
        Ok(watching) => watching,
        Err(message) => {
            eprintln!("エラー: {message}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(http::serve(listener, live, &args.certificates));
    drop(watching);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("エラー: {message}");
            ExitCode::FAILURE
        }
    }
}
