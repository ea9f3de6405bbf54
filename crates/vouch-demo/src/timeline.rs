//! Time as whole seconds and days since the Unix epoch, and the demo's window of time.
//!
//! The streams do their arithmetic on plain integers, which is fast and cannot fail, and only
//! turn them into [`Timestamp`]s and [`Date`]s at the edge.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use crate::DemoConfig;

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

/// The window answers are given in: `[start, end)`, in seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    /// The first second inside the window.
    pub start: i64,
    /// The first second after the window.
    pub end: i64,
}

impl Window {
    /// The `years` calendar years (UTC) that end at the configured end.
    pub fn of(config: &DemoConfig) -> Window {
        let end = config.end.as_second();
        let start = Span::new()
            .try_years(i64::from(config.years))
            .ok()
            .and_then(|span| config.end.to_zoned(TimeZone::UTC).checked_sub(span).ok())
            .map_or(Timestamp::MIN.as_second(), |start| {
                start.timestamp().as_second()
            });
        Window {
            start: start.min(end),
            end,
        }
    }

    /// The instant a share of the way through the window (0 at the start, 1 at the end).
    pub fn at(&self, share: f64) -> i64 {
        self.start + (self.length() as f64 * share) as i64
    }

    /// The window's length in seconds.
    pub fn length(&self) -> i64 {
        self.end - self.start
    }

    /// Whether an instant lies inside the window.
    pub fn contains(&self, second: i64) -> bool {
        self.start <= second && second < self.end
    }
}

/// The day (since the epoch) an instant falls on, in UTC.
pub(crate) fn day_of(second: i64) -> i64 {
    second.div_euclid(DAY)
}

/// The weekday of a day since the epoch: 0 for Monday to 6 for Sunday.
pub(crate) fn weekday(day: i64) -> i64 {
    // 1970-01-01 was a Thursday.
    (day + 3).rem_euclid(7)
}

/// The first weekday on or after `day`: a Saturday or Sunday moves to the Monday after.
pub(crate) fn next_working_day(day: i64) -> i64 {
    match weekday(day) {
        5 => day + 2,
        6 => day + 1,
        _ => day,
    }
}

/// The instant `second` seconds after the epoch, kept within what a [`Timestamp`] can hold.
pub(crate) fn timestamp(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap_or(if second < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// The calendar date of a day since the epoch, kept within what a [`Date`] can hold.
pub(crate) fn date(day: i64) -> Date {
    let (year, month, day_of_month) = civil_from_days(day);
    i16::try_from(year)
        .ok()
        .and_then(|year| Date::new(year, month, day_of_month).ok())
        .unwrap_or(if day < 0 { Date::MIN } else { Date::MAX })
}

/// Year, month and day of a day since the epoch (proleptic Gregorian calendar).
///
/// This is Howard Hinnant's `civil_from_days`: plain integer arithmetic, exact for every day.
pub(crate) fn civil_from_days(day: i64) -> (i64, i8, i8) {
    let shifted = day + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day_of_month = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as i8, day_of_month as i8)
}

/// The day since the epoch of a calendar date (the inverse of [`civil_from_days`]).
pub(crate) fn days_from_civil(year: i64, month: i64, day_of_month: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day_of_month - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_agree_with_jiff() {
        for day in (-800_000..800_000).step_by(997) {
            let expected = timestamp(day * DAY).to_zoned(TimeZone::UTC).date();
            assert_eq!(date(day), expected, "day {day}");
            let (year, month, day_of_month) = civil_from_days(day);
            assert_eq!(
                days_from_civil(year, month.into(), day_of_month.into()),
                day
            );
        }
    }

    #[test]
    fn the_window_is_whole_calendar_years() {
        let config = DemoConfig {
            end: "2026-03-01T12:00:00Z".parse().expect("a valid timestamp"),
            years: 2,
            ..DemoConfig::default()
        };
        let window = Window::of(&config);
        assert_eq!(timestamp(window.start).to_string(), "2024-03-01T12:00:00Z");
        assert_eq!(timestamp(window.end).to_string(), "2026-03-01T12:00:00Z");
        let too_long = DemoConfig {
            years: u32::MAX,
            ..config
        };
        assert_eq!(Window::of(&too_long).start, Timestamp::MIN.as_second());
    }

    #[test]
    fn weekends_move_to_monday() {
        let saturday = days_from_civil(2026, 3, 7);
        assert_eq!(weekday(saturday), 5);
        assert_eq!(next_working_day(saturday), saturday + 2);
        assert_eq!(next_working_day(saturday + 1), saturday + 2);
        assert_eq!(next_working_day(saturday + 2), saturday + 2);
    }
}
