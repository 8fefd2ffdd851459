//! Log filtering shared by both programs. Whatever `RUST_LOG` asks for, the libraries that log
//! requests and responses verbatim stay at `info`: a request body carries a 認証キー, and
//! `lambda_runtime` prints the raw event at TRACE.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tracing_subscriber::EnvFilter;

/// Targets capped at `info`.
const QUIET_TARGETS: &[&str] = &[
    "lambda_runtime",
    "lambda_http",
    "hyper",
    "hyper_util",
    "h2",
    "tower_http",
    "axum",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http_client",
    "aws_sdk_dynamodb",
    "aws_sdk_secretsmanager",
];

/// The filter for `RUST_LOG` (absent or unreadable: `info`).
pub fn filter(rust_log: Option<&str>) -> EnvFilter {
    let mut filter = rust_log
        .and_then(|spec| EnvFilter::try_new(spec).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    for target in QUIET_TARGETS {
        if let Ok(directive) = format!("{target}=info").parse() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}

/// A warning an attacker could repeat at will (a refused connection, an unreadable caller):
/// logged at most once per `EVERY`, with the number of repeats left out since the last line —
/// the log is neither flooded nor silent.
pub struct RateLimitedWarning {
    what: &'static str,
    last: Mutex<(Option<Instant>, u64)>,
}

impl RateLimitedWarning {
    pub const EVERY: Duration = Duration::from_secs(10);

    pub const fn new(what: &'static str) -> RateLimitedWarning {
        RateLimitedWarning {
            what,
            last: Mutex::new((None, 0)),
        }
    }

    pub fn warn(&self) {
        let Ok(mut last) = self.last.lock() else { return };
        let (logged_at, suppressed) = &mut *last;
        if logged_at.is_some_and(|at| at.elapsed() < Self::EVERY) {
            *suppressed += 1;
            return;
        }
        tracing::warn!(
            suppressed = *suppressed,
            "{} (repeats within {} s are counted, not logged)",
            self.what,
            Self::EVERY.as_secs()
        );
        *logged_at = Some(Instant::now());
        *suppressed = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    #[test]
    fn trace_never_reaches_the_libraries_that_print_request_bodies() {
        for rust_log in ["trace", "lambda_runtime=trace,trace"] {
            let captured = Captured::default();
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(filter(Some(rust_log)))
                .with_writer(captured.clone())
                .finish();
            tracing::subscriber::with_default(subscriber, || {
                tracing::trace!(target: "lambda_runtime::layers::api_response", body = "SECRET-KEY-BODY", "raw JSON event received from Lambda");
                tracing::trace!(target: "verifier::service", "our own trace line");
            });
            let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
            assert!(!text.contains("SECRET-KEY-BODY"), "{rust_log}: {text}");
            assert!(
                text.contains("our own trace line"),
                "{rust_log}: trace is on for the rest"
            );
        }
    }
}
