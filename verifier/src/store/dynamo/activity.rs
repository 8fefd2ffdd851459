//! The activity table's items: callers' throttle windows, everyone's failures per number and
//! fixed window, and audit records (see the tables in `mod.rs`). Every write here has one
//! shape whatever the number: see the module's description.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};

use super::{
    is_condition_failure, n, number_attr, pk, s, string_attr, unavailable, DynamoStore, RESERVE_ROUNDS,
    TABLE_ATTRIBUTES, THROTTLE_TTL_MARGIN,
};
use crate::normalize::CertificateNumber;
use crate::store::{fixed_window, AuditOutcome, AuditRecord, Reservation, StoreError, ThrottleScope};

/// A caller's throttle counter's sort key (see the table above).
fn throttle_sort_key(scope: &ThrottleScope) -> String {
    match scope {
        ThrottleScope::Caller(id) => format!("THROTTLE#CALLER#{id}"),
        ThrottleScope::CallerAnywhere(_) => "THROTTLE#ANY".to_string(),
    }
}

/// Everyone's failures on a number in fixed window `window`.
fn failures_sort_key(window: u64) -> AttributeValue {
    s(format!("THROTTLE#ALL#{window}"))
}

/// Where a throttle counter lives: a caller-wide one in the caller's partition.
fn throttle_key(number: &CertificateNumber, scope: &ThrottleScope) -> (AttributeValue, AttributeValue) {
    match scope.caller_wide() {
        Some(id) => (s(format!("CALLER#{id}")), s(throttle_sort_key(scope))),
        None => (pk(number), s(throttle_sort_key(scope))),
    }
}

fn wall_clock_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

impl DynamoStore {
    /// The update of a throttle counter: in `number`'s partition, or the caller's own.
    fn update_throttle(&self, number: &CertificateNumber, scope: &ThrottleScope) -> UpdateItemFluentBuilder {
        let (partition, sort) = throttle_key(number, scope);
        self.client
            .update_item()
            .table_name(&self.activity_table)
            .key("PK", partition)
            .key("SK", sort)
    }

    /// A throttle window's end, read (only when a failed condition did not hand the item back).
    async fn window_end(&self, number: &CertificateNumber, scope: &ThrottleScope) -> Result<Option<u64>, StoreError> {
        self.throttle_item(number, scope)
            .await?
            .map(|item| number_attr(&item, "window_end"))
            .transpose()
    }

    async fn throttle_item(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.activity_table)
            .key("PK", throttle_key(number, scope).0)
            .key("SK", throttle_key(number, scope).1)
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(output.item)
    }

    pub(super) async fn reserve_window(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        limit: u32,
        window_secs: u64,
        now: u64,
    ) -> Result<Reservation, StoreError> {
        let end = now + window_secs;
        for _ in 0..RESERVE_ROUNDS {
            // 1. No window yet, or a live one with room: one more attempt, in one write. A
            //    failed condition hands back the item as it was, so no read follows.
            let counted = self
                .update_throttle(number, scope)
                .update_expression("ADD attempts :one SET window_end = if_not_exists(window_end, :end), #ttl = if_not_exists(#ttl, :ttl)")
                .condition_expression("attribute_not_exists(window_end) OR (window_end > :now AND attempts < :limit)")
                .expression_attribute_names("#ttl", TABLE_ATTRIBUTES.2)
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":end", n(end))
                .expression_attribute_values(":ttl", n(end + THROTTLE_TTL_MARGIN))
                .expression_attribute_values(":now", n(now))
                .expression_attribute_values(":limit", n(limit))
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                .send()
                .await;
            let old = match counted {
                Ok(_) => return Ok(Reservation::Granted),
                Err(SdkError::ServiceError(context)) => match context.into_err() {
                    UpdateItemError::ConditionalCheckFailedException(failed) => failed.item,
                    other => return Err(unavailable(other)),
                },
                Err(e) => return Err(unavailable(e)),
            };
            // 2. The window is live and full: locked until it ends.
            let window_end = match old.as_ref() {
                Some(item) => number_attr(item, "window_end")?,
                None => self.window_end(number, scope).await?.unwrap_or(0),
            };
            if window_end > now {
                return Ok(Reservation::Locked { until: window_end });
            }
            // 3. An expired window (TTL has not deleted it yet): start afresh, unless another
            //    look-up just did.
            let started = self
                .update_throttle(number, scope)
                .update_expression("SET attempts = :one, window_end = :end, #ttl = :ttl")
                .condition_expression("window_end <= :now")
                .expression_attribute_names("#ttl", TABLE_ATTRIBUTES.2)
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":end", n(end))
                .expression_attribute_values(":ttl", n(end + THROTTLE_TTL_MARGIN))
                .expression_attribute_values(":now", n(now))
                .send()
                .await;
            match started {
                Ok(_) => return Ok(Reservation::Granted),
                Err(e) if is_condition_failure(&e) => {}
                Err(e) => return Err(unavailable(e)),
            }
        }
        Err(StoreError::Contention)
    }

    pub(super) async fn release_window(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        now: u64,
    ) -> Result<(), StoreError> {
        let result = self
            .update_throttle(number, scope)
            .update_expression("ADD attempts :minus")
            .condition_expression("window_end > :now AND attempts > :zero")
            .expression_attribute_values(":minus", n(-1))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":zero", n(0))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub(super) async fn window_attempts(
        &self,
        number: &CertificateNumber,
        scope: &ThrottleScope,
        now: u64,
    ) -> Result<u32, StoreError> {
        match self.throttle_item(number, scope).await? {
            Some(item) if number_attr(&item, "window_end")? > now => {
                Ok(u32::try_from(number_attr(&item, "attempts")?).unwrap_or(u32::MAX))
            }
            _ => Ok(0),
        }
    }

    pub(super) async fn add_failure(
        &self,
        number: &CertificateNumber,
        window_secs: u64,
        now: u64,
    ) -> Result<u32, StoreError> {
        let (window, ends_at) = fixed_window(now, window_secs);
        // Unconditional: the same single write whether or not anyone failed here before.
        let output = self
            .client
            .update_item()
            .table_name(&self.activity_table)
            .key("PK", pk(number))
            .key("SK", failures_sort_key(window))
            .update_expression("ADD attempts :one SET #ttl = :ttl")
            .expression_attribute_names("#ttl", TABLE_ATTRIBUTES.2)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":ttl", n(ends_at + THROTTLE_TTL_MARGIN))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(unavailable)?;
        let attributes = output.attributes.unwrap_or_default();
        Ok(u32::try_from(number_attr(&attributes, "attempts")?).unwrap_or(u32::MAX))
    }

    pub(super) async fn failures_now(
        &self,
        number: &CertificateNumber,
        window_secs: u64,
        now: u64,
    ) -> Result<u32, StoreError> {
        let (window, _) = fixed_window(now, window_secs);
        let output = self
            .client
            .get_item()
            .table_name(&self.activity_table)
            .key("PK", pk(number))
            .key("SK", failures_sort_key(window))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        match output.item {
            Some(item) => Ok(u32::try_from(number_attr(&item, "attempts")?).unwrap_or(u32::MAX)),
            None => Ok(0),
        }
    }

    pub(super) async fn put_audit(&self, number: &CertificateNumber, record: &AuditRecord) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.activity_table)
            .item("PK", pk(number))
            // Look-ups within one second keep their order through the wall clock's nanoseconds;
            // the look-up's random reference keeps two in one nanosecond apart.
            .item(
                "SK",
                s(format!(
                    "AUDIT#{:020}#{:020}#{}",
                    record.at,
                    wall_clock_nanos(),
                    record.reference
                )),
            )
            .item("at", n(record.at))
            .item("outcome", s(record.outcome.as_str()))
            .item("caller", s(&record.caller))
            .item("reference", s(&record.reference))
            .item(TABLE_ATTRIBUTES.2, n(record.expires_at))
            .condition_expression("attribute_not_exists(SK)")
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    pub(super) async fn read_audit(
        &self,
        number: &CertificateNumber,
        now: u64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut records = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.activity_table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :audit)")
                .expression_attribute_values(":pk", pk(number))
                .expression_attribute_values(":audit", s("AUDIT#"))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(unavailable)?;
            for item in output.items() {
                let record = AuditRecord {
                    at: number_attr(item, "at")?,
                    outcome: AuditOutcome::parse(string_attr(item, "outcome")?)
                        .ok_or(StoreError::Corrupt("outcome".into()))?,
                    caller: string_attr(item, "caller")?.to_string(),
                    // Records written before references existed have none.
                    reference: match item.get("reference") {
                        Some(AttributeValue::S(text)) => text.clone(),
                        _ => String::new(),
                    },
                    expires_at: number_attr(item, TABLE_ATTRIBUTES.2)?,
                };
                if record.expires_at > now {
                    records.push(record);
                }
            }
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        Ok(records)
    }
}
