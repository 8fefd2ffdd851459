//! 和暦: Japanese era dates as municipal sites print them, 「令和8年(2026年)4月1日」.

use chrono::{Datelike, NaiveDate};

/// An era and the first day it was in use (the Gregorian calendar since 明治6年).
struct Era {
    name: &'static str,
    first_day: (i32, u32, u32),
}

/// Newest first. Dates before 明治6年1月1日 (the adoption of the Gregorian calendar) are not
/// supported: earlier 和暦 dates used the lunisolar calendar and cannot be derived this way.
const ERAS: &[Era] = &[
    Era {
        name: "令和",
        first_day: (2019, 5, 1),
    },
    Era {
        name: "平成",
        first_day: (1989, 1, 8),
    },
    Era {
        name: "昭和",
        first_day: (1926, 12, 25),
    },
    Era {
        name: "大正",
        first_day: (1912, 7, 30),
    },
    Era {
        name: "明治",
        first_day: (1868, 10, 23),
    },
];

const FIRST_SUPPORTED: (i32, u32, u32) = (1873, 1, 1);

/// A date that has no 和暦 form here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} は和暦に変換できません（明治6年(1873年)1月1日より前の日付です）")]
pub struct UnsupportedDate(pub NaiveDate);

/// The era name and year within it, e.g. ("令和", 8) for 2026-04-01.
pub fn era_year(date: NaiveDate) -> Result<(&'static str, i32), UnsupportedDate> {
    let (y, m, d) = FIRST_SUPPORTED;
    if (date.year(), date.month(), date.day()) < (y, m, d) {
        return Err(UnsupportedDate(date));
    }
    let key = (date.year(), date.month(), date.day());
    ERAS.iter()
        .find(|era| key >= era.first_day)
        .map(|era| (era.name, date.year() - era.first_day.0 + 1))
        .ok_or(UnsupportedDate(date))
}

/// 「令和8年4月1日」; the first year of an era is 元年.
pub fn format(date: NaiveDate) -> Result<String, UnsupportedDate> {
    let (era, year) = era_year(date)?;
    Ok(format!("{era}{}年{}月{}日", year_text(year), date.month(), date.day()))
}

/// 「令和8年(2026年)4月1日」: 和暦 first, 西暦 in parentheses.
pub fn format_with_gregorian(date: NaiveDate) -> Result<String, UnsupportedDate> {
    let (era, year) = era_year(date)?;
    Ok(format!(
        "{era}{}年({}年){}月{}日",
        year_text(year),
        date.year(),
        date.month(),
        date.day()
    ))
}

fn year_text(year: i32) -> String {
    if year == 1 {
        "元".to_string()
    } else {
        year.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn reiwa_starts_on_2019_05_01() {
        assert_eq!(format(date(2019, 4, 30)).unwrap(), "平成31年4月30日");
        assert_eq!(format(date(2019, 5, 1)).unwrap(), "令和元年5月1日");
        assert_eq!(format(date(2020, 1, 1)).unwrap(), "令和2年1月1日");
    }

    #[test]
    fn flyer_dates() {
        assert_eq!(format(date(2026, 4, 1)).unwrap(), "令和8年4月1日");
        assert_eq!(format(date(2024, 12, 1)).unwrap(), "令和6年12月1日");
        assert_eq!(format(date(2025, 5, 1)).unwrap(), "令和7年5月1日");
        assert_eq!(
            format_with_gregorian(date(2026, 4, 1)).unwrap(),
            "令和8年(2026年)4月1日"
        );
    }

    #[test]
    fn earlier_era_boundaries() {
        assert_eq!(format(date(1989, 1, 7)).unwrap(), "昭和64年1月7日");
        assert_eq!(format(date(1989, 1, 8)).unwrap(), "平成元年1月8日");
        assert_eq!(format(date(1926, 12, 24)).unwrap(), "大正15年12月24日");
        assert_eq!(format(date(1926, 12, 25)).unwrap(), "昭和元年12月25日");
        assert_eq!(format(date(1912, 7, 29)).unwrap(), "明治45年7月29日");
        assert_eq!(format(date(1912, 7, 30)).unwrap(), "大正元年7月30日");
        assert_eq!(format(date(1873, 1, 1)).unwrap(), "明治6年1月1日");
    }

    #[test]
    fn dates_before_the_supported_eras_are_errors() {
        assert_eq!(format(date(1872, 12, 31)), Err(UnsupportedDate(date(1872, 12, 31))));
        assert!(format_with_gregorian(date(1600, 1, 1)).is_err());
    }
}
