//! Open data (`municipalities.json`): what the data is (its licence from `site.yaml`'s
//! `open_data`, the day its facts were last confirmed, the build date its `started` flags are
//! relative to) and every listed orderer as its file says it — one field per fact, `null` where
//! the sources say nothing — with what the site derives (full name, start date, whether it has
//! started, the page's URL, each rule's kinds spelled out). Each record is made only when it is
//! written. Its shape is `docs/schema/open-data.schema.json`.

use chrono::NaiveDate;
use serde::ser::{Error as _, SerializeStruct};
use serde::Serialize;
use serde_json::Value;

use crate::content::{Orderer, SiteConfig};
use crate::diagnostics::Diagnostic;

use super::cache::Output;
use super::summary::OrdererSummary;

/// Writes `municipalities.json`.
pub fn render(orderers: &[Orderer], site: &SiteConfig, today: NaiveDate, out: Output<'_>) -> Result<usize, Diagnostic> {
    out.put_streamed("municipalities.json", &mut |w| write(orderers, site, today, w))
}

/// The whole file: what the data is, then the records.
struct OpenData<'a> {
    orderers: &'a [Orderer],
    site: &'a SiteConfig,
    today: NaiveDate,
}

impl Serialize for OpenData<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let site = self.site;
        let as_of = self.orderers.iter().map(|o| o.confirmed).max().map(|d| d.iso());
        let mut s = serializer.serialize_struct("OpenData", 7)?;
        s.serialize_field("title", &site.open_data.title)?;
        s.serialize_field("publisher", &site.issuer.name)?;
        s.serialize_field("license", &site.open_data.license)?;
        s.serialize_field("url", &format!("{}municipalities.json", site.base_url))?;
        // The day the latest record was confirmed against its sources: the data's own date.
        s.serialize_field("as_of", &as_of)?;
        // The build date: `started` of every record is relative to it.
        s.serialize_field("built", &self.today.format("%Y-%m-%d").to_string())?;
        s.serialize_field(
            "orderers",
            &Records {
                orderers: self.orderers,
                today: self.today,
                base_url: &site.base_url,
            },
        )?;
        s.end()
    }
}

/// Every listed orderer's record, each made only when it is written.
struct Records<'a> {
    orderers: &'a [Orderer],
    today: NaiveDate,
    base_url: &'a str,
}

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.orderers.iter().filter_map(|o| {
            let summary = OrdererSummary::new(o, self.today)?;
            Some(Fallible(record(&summary, self.base_url)))
        }))
    }
}

/// One record: the orderer's file as it says it, each rule's `guarantee_kinds` resolved (a
/// catch-all rule lists the kinds no other rule names), and the derived fields.
fn record(s: &OrdererSummary<'_>, base_url: &str) -> Result<Value, String> {
    let mut record = serde_json::to_value(s.o).map_err(|e| e.to_string())?;
    let fields = record.as_object_mut().ok_or("an orderer is not a JSON object")?;
    let rules: Vec<Value> = s
        .rules
        .iter()
        .map(|view| {
            let mut rule = serde_json::to_value(view.rule)?;
            if let Some(rule) = rule.as_object_mut() {
                rule.insert("guarantee_kinds".into(), serde_json::to_value(&view.kinds)?);
            }
            Ok(rule)
        })
        .collect::<Result<_, serde_json::Error>>()
        .map_err(|e| e.to_string())?;
    if let Some(submission) = fields.get_mut("submission").and_then(Value::as_object_mut) {
        submission.insert("rules".into(), Value::Array(rules));
    }
    fields.insert("full_name".into(), Value::from(s.full_name.as_str()));
    // No start date in the sources: null, and whether it has started is not known either.
    fields.insert(
        "start_date".into(),
        s.start.as_ref().map_or(Value::Null, |d| Value::from(d.iso.as_str())),
    );
    fields.insert(
        "started".into(),
        s.start.as_ref().map_or(Value::Null, |d| Value::from(d.passed)),
    );
    fields.insert("url".into(), Value::from(format!("{base_url}{}/", s.o.slug)));
    Ok(record)
}

/// A record that could not be made is an error of the build, never a record left out.
struct Fallible(Result<Value, String>);

impl Serialize for Fallible {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Ok(value) => value.serialize(serializer),
            Err(e) => Err(S::Error::custom(e)),
        }
    }
}

fn write(
    orderers: &[Orderer],
    site: &SiteConfig,
    today: NaiveDate,
    out: &mut dyn std::io::Write,
) -> Result<(), Diagnostic> {
    let data = OpenData { orderers, site, today };
    // serde_json writes UTF-8 as it is: no \uXXXX escapes.
    serde_json::to_writer_pretty(&mut *out, &data)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| Diagnostic::new("municipalities.json", e.to_string()))
}
