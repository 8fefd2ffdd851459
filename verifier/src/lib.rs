//! The verifier: an orderer submits a 保証契約番号 and the 認証キー the contractor handed over
//! and gets the electronic certificate, or one uniform refusal. One router serves it under
//! Lambda and locally; certificates live in a `CertificateStore` (embedded or DynamoDB).

pub mod admin;
pub mod certificate;
pub mod config;
pub mod error;
pub mod http;
pub mod keys;
pub mod logging;
pub mod normalize;
pub mod notice;
pub mod secrets;
pub mod server;
pub mod service;
pub mod store;

pub use certificate::{Certificate, Status};
pub use error::{Error, FieldError};
pub use http::{app, router, router_with_site, HttpConfig};
pub use keys::{AuthKey, Peppers};
pub use normalize::CertificateNumber;
pub use service::{Outcome, ThrottlePolicy, Verifier};
pub use store::{CertificateStore, DynamoStore, MemoryStore};
