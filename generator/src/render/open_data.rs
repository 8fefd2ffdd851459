//! Open data (`municipalities.json`): every listed orderer as its file says it, with what the
//! site derives (full name, start date, whether it has started, the submission rules with the
//! kinds each covers, the page's URL) — each record made only when it is written.

use chrono::NaiveDate;
use serde::Serialize;

use crate::content::Orderer;
use crate::diagnostics::Diagnostic;

use super::cache::Output;
use super::summary::OrdererSummary;
use super::views::RuleView;

/// Writes `municipalities.json`.
pub fn render(orderers: &[Orderer], today: NaiveDate, base_url: &str, out: Output<'_>) -> Result<usize, Diagnostic> {
    out.put_streamed("municipalities.json", &mut |w| write(orderers, today, base_url, w))
}

/// `municipalities.json`: each orderer as its file says it, plus what the site derives.
#[derive(Serialize)]
struct OpenDataRecord<'a> {
    #[serde(flatten)]
    orderer: &'a Orderer,
    full_name: &'a str,
    start_date: &'a str,
    started: bool,
    /// The submission rules with the kinds each one covers.
    submission_rules: &'a [RuleView<'a>],
    url: String,
}

/// Every listed orderer's record, each made only when it is written.
struct OpenData<'a> {
    orderers: &'a [Orderer],
    today: NaiveDate,
    base_url: &'a str,
}

/// One record: the summary it borrows from lives as long as the record is written.
struct OpenDataItem<'a> {
    summary: OrdererSummary<'a>,
    base_url: &'a str,
}

impl Serialize for OpenData<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.orderers.iter().filter_map(|o| {
            Some(OpenDataItem {
                summary: OrdererSummary::new(o, self.today)?,
                base_url: self.base_url,
            })
        }))
    }
}

impl Serialize for OpenDataItem<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = &self.summary;
        OpenDataRecord {
            orderer: s.o,
            full_name: &s.full_name,
            start_date: &s.start.iso,
            started: s.start.passed,
            submission_rules: &s.rules,
            url: format!("{}{}/", self.base_url, s.o.slug),
        }
        .serialize(serializer)
    }
}

fn write(
    orderers: &[Orderer],
    today: NaiveDate,
    base_url: &str,
    out: &mut dyn std::io::Write,
) -> Result<(), Diagnostic> {
    let data = OpenData {
        orderers,
        today,
        base_url,
    };
    serde_json::to_writer_pretty(&mut *out, &data)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| Diagnostic::new("municipalities.json", e.to_string()))
}
