//! The weekly digest's calendar: which ISO week it reports and when it is due.
//!
//! A digest reports one whole ISO week (Monday 00:00 to the next Monday 00:00 in the
//! workspace's time zone) against the week before, and is due at [`SEND_HOUR`]:00 on the
//! Monday after the week it reports, local time, whatever the offset that day (daylight saving
//! time included). A server that was down at that moment sends it as soon as it is back, up to
//! [`LATE_DAYS`] days late; after that the week is skipped rather than sent stale. Whether it
//! was sent already is not decided here: the week's label is the key a server claims once.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The local hour on Monday at which the digest is due.
pub const SEND_HOUR: i8 = 8;

/// How many days after it was due a digest may still be sent.
pub const LATE_DAYS: i64 = 3;

/// One reported ISO week, by its Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DigestWeek {
    monday: Date,
}

impl DigestWeek {
    /// The ISO week holding `date`.
    pub fn containing(date: Date) -> DigestWeek {
        let back = i64::from(date.weekday().to_monday_zero_offset());
        DigestWeek {
            monday: date.checked_sub(back.days()).unwrap_or(date),
        }
    }

    /// The last ISO week that has ended by `now` in `time_zone`.
    pub fn last_complete(now: Timestamp, time_zone: &TimeZone) -> DigestWeek {
        let today = now.to_zoned(time_zone.clone()).date();
        DigestWeek::containing(today).previous()
    }

    /// Its Monday.
    pub fn monday(&self) -> Date {
        self.monday
    }

    /// The week before.
    pub fn previous(&self) -> DigestWeek {
        DigestWeek {
            monday: self.monday.checked_sub(7.days()).unwrap_or(self.monday),
        }
    }

    /// The week after.
    pub fn next(&self) -> DigestWeek {
        DigestWeek {
            monday: self.monday.checked_add(7.days()).unwrap_or(self.monday),
        }
    }

    /// Its ISO label, `2026-W49`: the key its sending is claimed by.
    pub fn label(&self) -> String {
        let iso = self.monday.iso_week_date();
        format!("{:04}-W{:02}", iso.year(), iso.week())
    }

    /// Its Sunday.
    pub fn sunday(&self) -> Date {
        self.monday.checked_add(6.days()).unwrap_or(self.monday)
    }

    /// Its instants in `time_zone`: `[Monday's first instant, the next Monday's first)`.
    pub fn bounds(&self, time_zone: &TimeZone) -> (Timestamp, Timestamp) {
        (
            start_of(self.monday, time_zone),
            start_of(self.next().monday, time_zone),
        )
    }

    /// When its digest is due: [`SEND_HOUR`]:00 local on the Monday after it (a time a
    /// daylight-saving change skips is read as the offset before the change would give).
    pub fn due_at(&self, time_zone: &TimeZone) -> Timestamp {
        let morning = self.next().monday.at(SEND_HOUR, 0, 0, 0);
        match morning.to_zoned(time_zone.clone()) {
            Ok(zoned) => zoned.timestamp(),
            Err(_) => start_of(self.next().monday, time_zone),
        }
    }
}

/// The first instant of `date` in `time_zone` (midnight, or the first moment after a gap).
fn start_of(date: Date, time_zone: &TimeZone) -> Timestamp {
    match date.to_zoned(time_zone.clone()) {
        Ok(zoned) => zoned.timestamp(),
        Err(_) => Timestamp::MIN,
    }
}

/// The week whose digest should go out at `now` in `time_zone`, if any: the latest week due
/// by `now`, while it is at most [`LATE_DAYS`] days late. Asked again and again (every
/// minute, by every server), it names the same week until the next one is due, so claiming
/// its label sends each week once.
pub fn due_week(now: Timestamp, time_zone: &TimeZone) -> Option<DigestWeek> {
    let mut week = DigestWeek::last_complete(now, time_zone);
    if week.due_at(time_zone) > now {
        week = week.previous();
    }
    let late = now.duration_since(week.due_at(time_zone));
    (late.as_secs() <= LATE_DAYS * 86_400).then_some(week)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).expect("a bundled time zone")
    }

    fn at(text: &str) -> Timestamp {
        text.parse().expect("an instant")
    }

    #[test]
    fn a_week_runs_monday_to_monday_in_the_workspace_zone() {
        let paris = zone("Europe/Paris");
        // Wednesday 9 December 2026 in Paris.
        let week = DigestWeek::last_complete(at("2026-12-09T10:00:00Z"), &paris);
        assert_eq!(week.label(), "2026-W49");
        assert_eq!(week.monday(), Date::constant(2026, 11, 30));
        assert_eq!(week.sunday(), Date::constant(2026, 12, 6));
        assert_eq!(
            week.bounds(&paris),
            (at("2026-11-29T23:00:00Z"), at("2026-12-06T23:00:00Z"))
        );
        assert_eq!(week.previous().label(), "2026-W48");
        // Sunday 23:30 in UTC is already Monday in Paris: W49 is over there, not in UTC.
        let sunday_night = at("2026-12-06T23:30:00Z");
        assert_eq!(
            DigestWeek::last_complete(sunday_night, &paris).label(),
            "2026-W49"
        );
        assert_eq!(
            DigestWeek::last_complete(sunday_night, &TimeZone::UTC).label(),
            "2026-W48"
        );
    }

    #[test]
    fn due_at_eight_on_monday_local_time() {
        let tokyo = zone("Asia/Tokyo");
        let week = DigestWeek::containing(Date::constant(2026, 12, 2));
        assert_eq!(week.due_at(&tokyo), at("2026-12-06T23:00:00Z"));
        // A second before, the week before was due a week ago: too late, nothing is due.
        assert_eq!(due_week(at("2026-12-06T22:59:59Z"), &tokyo), None);
        assert_eq!(due_week(at("2026-12-06T23:00:00Z"), &tokyo), Some(week));
        let new_york = zone("America/New_York");
        assert_eq!(week.due_at(&new_york), at("2026-12-07T13:00:00Z"));
        assert_eq!(due_week(at("2026-12-07T12:00:00Z"), &new_york), None);
    }

    #[test]
    fn daylight_saving_time_moves_the_instant_not_the_local_hour() {
        let paris = zone("Europe/Paris");
        // Clocks go forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
        let before_spring = DigestWeek::containing(Date::constant(2026, 3, 23));
        assert_eq!(before_spring.due_at(&paris), at("2026-03-30T06:00:00Z"));
        assert_eq!(
            before_spring.bounds(&paris),
            (at("2026-03-22T23:00:00Z"), at("2026-03-29T22:00:00Z"))
        );
        let before_autumn = DigestWeek::containing(Date::constant(2026, 10, 19));
        assert_eq!(before_autumn.due_at(&paris), at("2026-10-26T07:00:00Z"));
        let (start, end) = before_autumn.bounds(&paris);
        assert_eq!(end.duration_since(start).as_hours(), 7 * 24 + 1);
    }

    #[test]
    fn a_server_down_on_monday_sends_late_once_then_waits_for_the_next_week() {
        let paris = zone("Europe/Paris");
        let week = DigestWeek::containing(Date::constant(2026, 12, 2));
        // Down from Sunday to Tuesday afternoon: the week is still due, and stays the same
        // week (one claim key) for every later look until the next Monday 08:00.
        let tuesday = due_week(at("2026-12-08T15:00:00Z"), &paris);
        let wednesday = due_week(at("2026-12-09T06:59:00Z"), &paris);
        assert_eq!(tuesday, Some(week));
        assert_eq!(wednesday, Some(week));
        assert_eq!(tuesday.map(|w| w.label()), wednesday.map(|w| w.label()));
        // More than three days late: skipped, never sent stale.
        assert_eq!(due_week(at("2026-12-10T07:00:01Z"), &paris), None);
        assert_eq!(due_week(at("2026-12-14T06:59:59Z"), &paris), None);
        // The next Monday at 08:00 the next week is due, never the skipped one again.
        assert_eq!(
            due_week(at("2026-12-14T07:00:00Z"), &paris),
            Some(week.next())
        );
    }

    #[test]
    fn the_iso_year_of_a_week_across_new_year() {
        let week = DigestWeek::containing(Date::constant(2027, 1, 1));
        assert_eq!(week.label(), "2026-W53");
        assert_eq!(week.next().label(), "2027-W01");
    }
}
