//! Dates as administrators write and read them: in Japan Standard Time, where the orderers and
//! the surety company live. A typed date is parsed here, at the edge, into a calendar date.

use time::macros::{format_description, offset};
use time::{Date, OffsetDateTime, UtcOffset};

use crate::error::Error;

const JST: UtcOffset = offset!(+9);

fn in_japan(seconds: u64) -> OffsetDateTime {
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
    OffsetDateTime::from_unix_timestamp(seconds)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(JST)
}

/// `2026-11-24T01:55:00+09:00`.
pub fn format_jst(seconds: u64) -> String {
    let moment = in_japan(seconds);
    moment
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
        ))
        .unwrap_or_else(|_| moment.to_string())
}

/// The calendar day in Japan: the default date of a status change.
pub fn jst_date(seconds: u64) -> Date {
    in_japan(seconds).date()
}

/// `YYYY-MM-DD`, a real calendar day (`--date`).
pub fn parse_date(text: &str) -> Result<Date, Error> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| Error::InvalidDate(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_times_in_japan() {
        assert_eq!(format_jst(0), "1970-01-01T09:00:00+09:00");
        assert_eq!(format_jst(1_795_437_296), "2026-11-23T21:34:56+09:00");
        assert_eq!(format_jst(951_782_400 - 9 * 3600), "2000-02-29T00:00:00+09:00");
    }

    #[test]
    fn japan_is_nine_hours_ahead() {
        // 16:55 UTC on the 23rd is 01:55 on the 24th in Japan.
        let late_evening_utc = 1_795_452_900;
        assert_eq!(format_jst(late_evening_utc), "2026-11-24T01:55:00+09:00");
        assert_eq!(jst_date(late_evening_utc).to_string(), "2026-11-24");
        assert_eq!(jst_date(late_evening_utc - 2 * 3600).to_string(), "2026-11-23");
    }

    #[test]
    fn typed_dates_are_calendar_days() {
        assert_eq!(parse_date("2026-06-30").unwrap().to_string(), "2026-06-30");
        for wrong in ["banana", "2026-02-30", "2026-6-30", "", "2026-06-30T00:00"] {
            assert!(
                matches!(parse_date(wrong), Err(Error::InvalidDate(text)) if text == wrong),
                "{wrong}"
            );
        }
    }
}
