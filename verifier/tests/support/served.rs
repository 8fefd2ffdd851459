//! A running `verifier serve` on a free loopback port, its standard error kept in a file, and
//! raw HTTP/1.1 against it. `VERIFIER_UNDER_TEST=path` runs another build of the program (an
//! older commit's) to show that a test fails there.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn program() -> String {
    std::env::var("VERIFIER_UNDER_TEST").unwrap_or_else(|_| env!("CARGO_BIN_EXE_verifier").to_string())
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

pub struct Served {
    child: Child,
    pub addr: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Served {
    pub fn start(env: &[(&str, &str)]) -> Served {
        Served::start_with(&[], env)
    }

    /// `verifier serve --addr … ARGS…` with `env` (and none of the secret variables).
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("stderr.log");
        let child = Command::new(program())
            .args(["serve", "--addr", &addr])
            .args(args)
            .current_dir(repo_root())
            .env_remove("VERIFIER_PEPPERS")
            .env_remove("VERIFIER_CALLER_KEY")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        for _ in 0..200 {
            if TcpStream::connect(&addr).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Served {
            child,
            addr,
            log,
            _dir: dir,
        }
    }

    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        stream
    }

    /// One request on a fresh connection; the whole answer.
    pub fn request(&self, raw: &str) -> String {
        let mut stream = self.connect();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    pub fn socket_addr(&self) -> std::net::SocketAddr {
        self.addr.to_socket_addrs().unwrap().next().unwrap()
    }

    /// Stops the server; everything it wrote on standard error.
    pub fn stderr(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::fs::read_to_string(&self.log).unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `POST /api/verify` of `body`, closing the connection after the answer.
pub fn post(body: &str) -> String {
    post_with(body, "")
}

/// The same with extra header lines (each ending in `\r\n`).
pub fn post_with(body: &str, headers: &str) -> String {
    format!(
        "POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}Connection: close\r\n\r\n{body}",
        body.len()
    )
}

pub const DEMO_LOOK_UP: &str = r#"{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}"#;
