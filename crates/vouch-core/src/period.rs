//! Calendar days and the periods (ISO weeks, months, quarters) reports are bucketed into.
//!
//! A day is a count of days since 1970-01-01 in the workspace's time zone (UTC unless set),
//! which makes bucketing a table lookup instead of date arithmetic per response.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The length of the periods of a trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    /// ISO 8601 weeks, Monday to Sunday, labelled `2026-W09`.
    Week,
    /// Calendar months, labelled `2026-03`.
    Month,
    /// Calendar quarters, labelled `2026-Q1`.
    Quarter,
}

impl Interval {
    /// Parses `week`, `month` or `quarter`.
    pub fn parse(text: &str) -> Option<Interval> {
        match text {
            "week" => Some(Interval::Week),
            "month" => Some(Interval::Month),
            "quarter" => Some(Interval::Quarter),
            _ => None,
        }
    }
}

/// One period of a trend: its interval and first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    start_day: i32,
    interval_rank: u8,
}

impl Period {
    /// The period of `interval` that contains `day`.
    pub fn containing(day: i32, interval: Interval) -> Period {
        let date = date_of_day(day);
        let start = match interval {
            Interval::Week => {
                let back = i64::from(date.weekday().to_monday_zero_offset());
                date.checked_sub(back.days()).unwrap_or(date)
            }
            Interval::Month => date.first_of_month(),
            Interval::Quarter => {
                let first_month = (date.month() - 1) / 3 * 3 + 1;
                Date::new(date.year(), first_month, 1).unwrap_or(date)
            }
        };
        Period {
            start_day: day_of_date(start),
            interval_rank: rank(interval),
        }
    }

    /// The first day of the period.
    pub fn start_day(&self) -> i32 {
        self.start_day
    }

    /// The period's interval.
    pub fn interval(&self) -> Interval {
        match self.interval_rank {
            0 => Interval::Week,
            1 => Interval::Month,
            _ => Interval::Quarter,
        }
    }

    /// The label reports use: `2026-W09`, `2026-03` or `2026-Q1`.
    pub fn label(&self) -> String {
        let date = date_of_day(self.start_day);
        match self.interval() {
            Interval::Week => {
                let iso = date.iso_week_date();
                format!("{:04}-W{:02}", iso.year(), iso.week())
            }
            Interval::Month => format!("{:04}-{:02}", date.year(), date.month()),
            Interval::Quarter => format!("{:04}-Q{}", date.year(), (date.month() - 1) / 3 + 1),
        }
    }
}

fn rank(interval: Interval) -> u8 {
    match interval {
        Interval::Week => 0,
        Interval::Month => 1,
        Interval::Quarter => 2,
    }
}

/// Days since 1970-01-01 of a calendar date (negative before it).
pub fn day_of_date(date: Date) -> i32 {
    // Howard Hinnant's days_from_civil, exact for the proleptic Gregorian calendar.
    let (month, day) = (i32::from(date.month()), i32::from(date.day()));
    let year = i32::from(date.year()) - i32::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The calendar date of a day number.
pub fn date_of_day(day: i32) -> Date {
    let epoch = Date::constant(1970, 1, 1);
    epoch
        .checked_add(i64::from(day).days())
        .unwrap_or(if day < 0 { Date::MIN } else { Date::MAX })
}

/// The day number on which `timestamp` falls in `time_zone`.
pub fn day_of_timestamp(timestamp: Timestamp, time_zone: &TimeZone) -> i32 {
    if time_zone == &TimeZone::UTC {
        // Fast path for the default: no offset lookup.
        return timestamp.as_second().div_euclid(86_400) as i32;
    }
    day_of_date(timestamp.to_zoned(time_zone.clone()).date())
}

/// Why a text is not an instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstantError {
    /// Nothing was given.
    #[error("empty: expected an RFC 3339 time or a YYYY-MM-DD date")]
    Empty,
    /// The text is neither form.
    #[error("{0:?} is not an RFC 3339 time (2026-03-01T09:30:00Z) or a date (2026-03-01)")]
    Unreadable(String),
}

/// An instant as every Vouch input takes one: RFC 3339 (`2026-03-01T09:30:00Z`, `…+02:00`)
/// or a bare date (`2026-03-01`), which means midnight UTC.
pub fn parse_instant(text: &str) -> Result<Timestamp, InstantError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(InstantError::Empty);
    }
    if text.len() == 10
        && let Ok(date) = text.parse::<Date>()
    {
        return date
            .to_zoned(TimeZone::UTC)
            .map(|zoned| zoned.timestamp())
            .map_err(|_| InstantError::Unreadable(text.to_owned()));
    }
    text.parse::<Timestamp>()
        .map_err(|_| InstantError::Unreadable(text.to_owned()))
}

/// True for Saturday and Sunday.
pub fn is_weekend(day: i32) -> bool {
    matches!(
        date_of_day(day).weekday(),
        Weekday::Saturday | Weekday::Sunday
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_through_dates() {
        for day in [-800_000, -1, 0, 1, 19_000, 20_454, 2_000_000] {
            assert_eq!(day_of_date(date_of_day(day)), day);
        }
        assert_eq!(day_of_date(Date::constant(2026, 3, 1)), 20_513);
    }

    #[test]
    fn labels_follow_iso_8601() {
        let day = day_of_date(Date::constant(2026, 3, 1)); // a Sunday
        assert_eq!(Period::containing(day, Interval::Month).label(), "2026-03");
        assert_eq!(
            Period::containing(day, Interval::Quarter).label(),
            "2026-Q1"
        );
        assert_eq!(Period::containing(day, Interval::Week).label(), "2026-W09");
        // 2027-01-01 is a Friday: it belongs to the last ISO week of 2026.
        let new_year = day_of_date(Date::constant(2027, 1, 1));
        assert_eq!(
            Period::containing(new_year, Interval::Week).label(),
            "2026-W53"
        );
        // 2024-12-30 is a Monday in ISO week 1 of 2025.
        let monday = day_of_date(Date::constant(2024, 12, 30));
        assert_eq!(
            Period::containing(monday, Interval::Week).label(),
            "2025-W01"
        );
    }

    #[test]
    fn instants_are_rfc_3339_or_dates_at_midnight_utc() {
        let midnight: Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
        assert_eq!(parse_instant(" 2026-03-01 "), Ok(midnight));
        let offset = parse_instant("2026-03-01T10:00:00+02:00").unwrap();
        assert_eq!(offset.to_string(), "2026-03-01T08:00:00Z");
        assert_eq!(parse_instant(""), Err(InstantError::Empty));
        assert!(matches!(
            parse_instant("2026-02-30"),
            Err(InstantError::Unreadable(_))
        ));
        assert!(matches!(
            parse_instant("yesterday"),
            Err(InstantError::Unreadable(_))
        ));
    }

    #[test]
    fn a_week_starts_on_monday() {
        let sunday = day_of_date(Date::constant(2026, 3, 1));
        let week = Period::containing(sunday, Interval::Week);
        assert_eq!(date_of_day(week.start_day()), Date::constant(2026, 2, 23));
    }

    #[test]
    fn the_time_zone_decides_the_day() {
        let timestamp: Timestamp = "2026-03-31T23:30:00Z".parse().unwrap();
        let utc = day_of_timestamp(timestamp, &TimeZone::UTC);
        let paris = day_of_timestamp(timestamp, &TimeZone::get("Europe/Paris").unwrap());
        assert_eq!(paris, utc + 1);
        let month_in_paris = Period::containing(paris, Interval::Month).label();
        assert_eq!(month_in_paris, "2026-04");
    }
}
