//! The production store: two DynamoDB tables, so that the function answering orderers can be
//! given what it needs and no more — it reads certificates (and may only re-hash a key), while
//! it writes activity; the admin CLI alone writes certificates.
//!
//! Certificates (`<table>`):
//!
//! | PK            | SK                        | what                                  |
//! |---------------|---------------------------|---------------------------------------|
//! | `CERT#<no>`   | `CERT`                    | contents (JSON), key hash, version    |
//!
//! Activity (`<table>-activity`), with TTL:
//!
//! | PK            | SK                        | what                                  |
//! |---------------|---------------------------|---------------------------------------|
//! | `CERT#<no>`   | `THROTTLE#ALL#<window>`   | attempts, ttl (everyone, fixed window)|
//! | `CERT#<no>`   | `THROTTLE#CALLER#<id>`    | attempts, window_end, ttl             |
//! | `CERT#<no>`   | `AUDIT#<at>#<ns>#<rand>`  | at, outcome, caller, ttl              |
//! | `CALLER#<id>` | `THROTTLE#ANY`            | attempts, window_end, ttl (any number)|
//!
//! TTL deletes expired items late (up to days), so every read compares the stored expiry with
//! the clock instead of trusting that an expired item is gone.
//!
//! A look-up has one shape whatever the number is: it reads the key hash alone (a projection:
//! a wrong key costs what an unknown number costs), and only after a match the certificate. A
//! refusal then makes the same writes whether the number exists or anyone looked at it lately:
//! one conditional update per caller counter (one for a caller's first failure too), one
//! unconditional update of everyone's count in the current fixed window, one audit record.

mod activity;

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;

use super::{AuditRecord, CertificateStore, Reservation, StoreError, StoredCertificate, ThrottleScope};
use crate::certificate::Certificate;
use crate::keys::KeyHash;
use crate::normalize::CertificateNumber;

/// Partition key, sort key and TTL attribute names, as the infra template declares them.
pub const TABLE_ATTRIBUTES: (&str, &str, &str) = ("PK", "SK", "ttl");
const CERT_SK: &str = "CERT";
/// Throttle items outlive their window by a day so late TTL deletion never matters.
const THROTTLE_TTL_MARGIN: u64 = 86_400;
const RESERVE_ROUNDS: usize = 5;

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    activity_table: String,
}

/// The activity table's name for a certificates table.
pub fn activity_table_name(table: &str) -> String {
    format!("{table}-activity")
}

fn pk(number: &CertificateNumber) -> AttributeValue {
    AttributeValue::S(format!("CERT#{}", number.as_str()))
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn unavailable<E: std::fmt::Debug>(error: E) -> StoreError {
    StoreError::Unavailable(format!("{error:?}").chars().take(400).collect())
}

fn is_condition_failure<E, R>(error: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    error.as_service_error().and_then(|e| e.code()) == Some("ConditionalCheckFailedException")
}

fn number_attr(item: &HashMap<String, AttributeValue>, name: &str) -> Result<u64, StoreError> {
    match item.get(name) {
        Some(AttributeValue::N(text)) => text
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("{name} is not a number"))),
        _ => Err(StoreError::Corrupt(format!("{name} is missing"))),
    }
}

fn string_attr<'a>(item: &'a HashMap<String, AttributeValue>, name: &str) -> Result<&'a str, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(text)) => Ok(text),
        _ => Err(StoreError::Corrupt(format!("{name} is missing"))),
    }
}

impl DynamoStore {
    /// Certificates in `table`, activity in `<table>-activity`.
    pub fn new(client: Client, table: impl Into<String>) -> DynamoStore {
        let table = table.into();
        DynamoStore {
            client,
            activity_table: activity_table_name(&table),
            table,
        }
    }

    /// From the standard AWS configuration (`AWS_ENDPOINT_URL` points it at a local server).
    pub async fn from_env(table: impl Into<String>) -> DynamoStore {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        DynamoStore::new(Client::new(&config), table)
    }

    /// An update of one item of `number`'s partition.
    fn update_at(&self, number: &CertificateNumber, sort_key: AttributeValue) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("PK", pk(number))
            .key("SK", sort_key)
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn activity_table(&self) -> &str {
        &self.activity_table
    }

    /// Creates both tables as the infra template does (for local servers and tests).
    pub async fn create_table(&self) -> Result<(), StoreError> {
        self.create_one(&self.table, false).await?;
        self.create_one(&self.activity_table, true).await
    }

    async fn create_one(&self, table: &str, with_ttl: bool) -> Result<(), StoreError> {
        let (pk_name, sk_name, ttl_name) = TABLE_ATTRIBUTES;
        let attribute = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(unavailable)
        };
        let key = |name: &str, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .map_err(unavailable)
        };
        self.client
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attribute(pk_name)?)
            .attribute_definitions(attribute(sk_name)?)
            .key_schema(key(pk_name, KeyType::Hash)?)
            .key_schema(key(sk_name, KeyType::Range)?)
            .send()
            .await
            .map_err(unavailable)?;
        if with_ttl {
            let ttl = TimeToLiveSpecification::builder()
                .attribute_name(ttl_name)
                .enabled(true)
                .build()
                .map_err(unavailable)?;
            self.client
                .update_time_to_live()
                .table_name(table)
                .time_to_live_specification(ttl)
                .send()
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    /// A conditional write to a certificate: a failed condition means it changed meanwhile
    /// (`Contention`) or is not there (`NotFound`).
    async fn conditional_write_outcome<T, E, R>(
        &self,
        number: &CertificateNumber,
        result: Result<T, SdkError<E, R>>,
    ) -> Result<(), StoreError>
    where
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::fmt::Debug,
        R: std::fmt::Debug,
    {
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => match self.get(number).await? {
                Some(_) => Err(StoreError::Contention),
                None => Err(StoreError::NotFound),
            },
            Err(e) => Err(unavailable(e)),
        }
    }
}

fn decode_certificate(item: &HashMap<String, AttributeValue>) -> Result<StoredCertificate, StoreError> {
    let certificate: Certificate =
        serde_json::from_str(string_attr(item, "data")?).map_err(|e| StoreError::Corrupt(format!("data: {e}")))?;
    let key_hash = KeyHash::decode(string_attr(item, "key_hash")?).ok_or(StoreError::Corrupt("key_hash".into()))?;
    Ok(StoredCertificate {
        certificate: Arc::new(certificate),
        key_hash,
        version: number_attr(item, "version")?,
    })
}

fn encode_certificate(certificate: &Certificate) -> Result<AttributeValue, StoreError> {
    serde_json::to_string(certificate)
        .map(s)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl CertificateStore for DynamoStore {
    async fn key_hash(&self, number: &CertificateNumber) -> Result<Option<KeyHash>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("PK", pk(number))
            .key("SK", s(CERT_SK))
            .projection_expression("key_hash")
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        match output.item {
            Some(item) => KeyHash::decode(string_attr(&item, "key_hash")?)
                .map(Some)
                .ok_or(StoreError::Corrupt("key_hash".into())),
            None => Ok(None),
        }
    }

    async fn get(&self, number: &CertificateNumber) -> Result<Option<StoredCertificate>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("PK", pk(number))
            .key("SK", s(CERT_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        output.item.as_ref().map(decode_certificate).transpose()
    }

    async fn insert(
        &self,
        number: &CertificateNumber,
        certificate: &Certificate,
        key_hash: &KeyHash,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("PK", pk(number))
            .item("SK", s(CERT_SK))
            .item("data", encode_certificate(certificate)?)
            .item("key_hash", s(key_hash.encode()))
            .item("version", n(1))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Err(StoreError::AlreadyExists),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn update(
        &self,
        number: &CertificateNumber,
        certificate: &Certificate,
        expected_version: u64,
    ) -> Result<(), StoreError> {
        let result = self
            .update_at(number, s(CERT_SK))
            .update_expression("SET #data = :data, #version = :next")
            .condition_expression("#version = :expected")
            .expression_attribute_names("#data", "data")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":data", encode_certificate(certificate)?)
            .expression_attribute_values(":next", n(expected_version + 1))
            .expression_attribute_values(":expected", n(expected_version))
            .send()
            .await;
        self.conditional_write_outcome(number, result).await
    }

    async fn swap_key_hash(
        &self,
        number: &CertificateNumber,
        expected: &KeyHash,
        new: &KeyHash,
    ) -> Result<(), StoreError> {
        let result = self
            .update_at(number, s(CERT_SK))
            .update_expression("SET key_hash = :new")
            .condition_expression("key_hash = :expected")
            .expression_attribute_values(":new", s(new.encode()))
            .expression_attribute_values(":expected", s(expected.encode()))
            .send()
            .await;
        self.conditional_write_outcome(number, result).await
    }

    async fn reserve_attempt(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        limit: u32,
        window_secs: u64,
        now: u64,
    ) -> Result<Reservation, StoreError> {
        self.reserve_window(number, scope, limit, window_secs, now).await
    }

    async fn release_attempt(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        now: u64,
    ) -> Result<(), StoreError> {
        self.release_window(number, scope, now).await
    }

    async fn attempts(&self, number: &CertificateNumber, scope: &ThrottleScope, now: u64) -> Result<u32, StoreError> {
        self.window_attempts(number, scope, now).await
    }

    async fn count_failure(&self, number: &CertificateNumber, window_secs: u64, now: u64) -> Result<u32, StoreError> {
        self.add_failure(number, window_secs, now).await
    }

    async fn failures(&self, number: &CertificateNumber, window_secs: u64, now: u64) -> Result<u32, StoreError> {
        self.failures_now(number, window_secs, now).await
    }

    async fn append_audit(&self, number: &CertificateNumber, record: &AuditRecord) -> Result<(), StoreError> {
        self.put_audit(number, record).await
    }

    async fn audit_history(&self, number: &CertificateNumber, now: u64) -> Result<Vec<AuditRecord>, StoreError> {
        self.read_audit(number, now).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.client
            .get_item()
            .table_name(&self.table)
            .key("PK", s("PING"))
            .key("SK", s("PING"))
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }
}
