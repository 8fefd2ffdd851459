//! Shared test support: a real DynamoDB-compatible server (moto, one request at a time),
//! fixtures, clocks.
#![allow(dead_code)]

pub mod served;
pub mod stores;

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use verifier::certificate::{Certificate, GuaranteeKind, Party, Period, Status};
use verifier::service::Clock;
use verifier::DynamoStore;

/// moto on a free loopback port, stopped when dropped. It is started through
/// `support/moto_serial.py`, which serves one request at a time: DynamoDB makes every
/// conditional write atomic, and `moto_server`'s threaded server does not.
pub struct MotoServer {
    child: Child,
    pub endpoint: String,
}

impl MotoServer {
    pub fn start() -> MotoServer {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let launcher = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/moto_serial.py");
        let mut child = Command::new("python3")
            .args([launcher, "127.0.0.1", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("moto could not start ({e}). Install it with: python3 -m pip install 'moto[server]'")
            });
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "moto exited ({status}) before listening; install it with: python3 -m pip install 'moto[server]'"
                );
            }
            assert!(
                Instant::now() < deadline,
                "moto did not listen on 127.0.0.1:{port} within 30 s (is moto[server] installed?)"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        MotoServer {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(Region::new("ap-northeast-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }

    /// Secrets Manager on the same server.
    #[allow(dead_code)] // used by one test binary of several
    pub fn secrets_client(&self) -> aws_sdk_secretsmanager::Client {
        let config = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(Region::new("ap-northeast-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
            .build();
        aws_sdk_secretsmanager::Client::from_conf(config)
    }

    /// A store on a fresh table.
    pub async fn fresh_store(&self) -> DynamoStore {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let table = format!("t{}", NEXT.fetch_add(1, Ordering::SeqCst));
        let store = DynamoStore::new(self.client(), table);
        store.create_table().await.expect("create table on moto");
        store
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A clock the test moves.
#[derive(Default)]
pub struct TestClock(pub AtomicU64);

impl TestClock {
    pub fn at(seconds: u64) -> Arc<TestClock> {
        Arc::new(TestClock(AtomicU64::new(seconds)))
    }
    pub fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub fn sample_certificate(number: &str) -> Certificate {
    Certificate {
        certificate_number: number.to_string(),
        guarantee_kind: GuaranteeKind::Advance,
        orderer: "芦屋町長".into(),
        contractor: Party {
            name: "テスト建設株式会社".into(),
            address: "福岡県遠賀郡芦屋町".into(),
        },
        work_name: "町道テスト線改良工事".into(),
        work_location: "芦屋町地内".into(),
        contract_amount: 10_000_000,
        guarantee_amount: 4_000_000,
        guarantee_period: Period {
            from: "2026-04-01".into(),
            to: "2027-03-31".into(),
        },
        issued_on: "2026-04-01".into(),
        status: Status::Valid,
        history: Vec::new(),
    }
}
