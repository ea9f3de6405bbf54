//! Time ranges: the presets, and the range and comparison range that filters select.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan, Zoned};
use vouch_core::Interval;

use super::Filters;

/// A range ending today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Preset {
    /// The last 30 days, today included.
    Days30,
    /// The last 90 days, today included.
    Days90,
    /// The last 12 months, today included.
    Months12,
    /// Every answer.
    All,
}

impl Preset {
    /// Every preset, in the order the filter bar offers them.
    pub(crate) const ALL: [Preset; 4] = [
        Preset::Days30,
        Preset::Days90,
        Preset::Months12,
        Preset::All,
    ];

    /// Parses the names [`Preset::as_str`] gives.
    pub(crate) fn parse(text: &str) -> Option<Preset> {
        Preset::ALL
            .into_iter()
            .find(|preset| preset.as_str() == text)
    }

    /// `30d`, `90d`, `12m` or `all`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Preset::Days30 => "30d",
            Preset::Days90 => "90d",
            Preset::Months12 => "12m",
            Preset::All => "all",
        }
    }

    /// "Last 30 days"…
    pub(crate) fn label(self) -> &'static str {
        match self {
            Preset::Days30 => "Last 30 days",
            Preset::Days90 => "Last 90 days",
            Preset::Months12 => "Last 12 months",
            Preset::All => "All time",
        }
    }

    /// What the previous range of the same length is called.
    fn previous_label(self) -> &'static str {
        match self {
            Preset::Days30 => "the 30 days before",
            Preset::Days90 => "the 90 days before",
            Preset::Months12 => "the 12 months before",
            Preset::All => "",
        }
    }
}

/// The time range a page shows, and the one before it to compare with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Range {
    /// The first instant (inclusive); `None` from the beginning.
    pub(crate) from: Option<Timestamp>,
    /// The end (exclusive); `None` up to now.
    pub(crate) to: Option<Timestamp>,
    /// "Last 90 days", "1 Jan 2026 – 31 Mar 2026", "All time".
    pub(crate) label: String,
    /// The range of the same length just before, when there is one.
    pub(crate) previous: Option<(Timestamp, Timestamp)>,
    /// "the 90 days before".
    pub(crate) previous_label: String,
    /// The trend's periods.
    pub(crate) interval: Interval,
    /// The preset it came from, if any.
    pub(crate) preset: Option<Preset>,
}

impl Filters {
    /// The range these filters select, at `now` in the workspace's time zone; `default` when
    /// neither a preset nor dates were given.
    pub(crate) fn range(&self, zone: &TimeZone, now: Timestamp, default: Preset) -> Range {
        if self.from.is_some() || self.to.is_some() {
            return self.custom_range(zone, now);
        }
        let preset = self.period.unwrap_or(default);
        let end = start_of_tomorrow(zone, now);
        let span = match preset {
            Preset::Days30 => Some(30.days()),
            Preset::Days90 => Some(90.days()),
            Preset::Months12 => Some(12.months()),
            Preset::All => None,
        };
        let Some(start) = span.and_then(|span| end.checked_sub(span).ok()) else {
            return Range {
                from: None,
                to: None,
                label: Preset::All.label().to_owned(),
                previous: None,
                previous_label: String::new(),
                interval: self.interval.unwrap_or(Interval::Month),
                preset: Some(Preset::All),
            };
        };
        let previous = span
            .and_then(|span| start.checked_sub(span).ok())
            .map(|previous| (previous.timestamp(), start.timestamp()));
        let length = end.timestamp().duration_since(start.timestamp());
        Range {
            from: Some(start.timestamp()),
            to: Some(end.timestamp()),
            label: preset.label().to_owned(),
            previous,
            previous_label: preset.previous_label().to_owned(),
            interval: self.interval.unwrap_or_else(|| interval_for(length)),
            preset: Some(preset),
        }
    }

    fn custom_range(&self, zone: &TimeZone, now: Timestamp) -> Range {
        let from = self.from.as_ref().map(|bound| bound.at);
        let to = self.to.as_ref().map(|bound| bound.at);
        let label = match (from, to) {
            (Some(from), Some(to)) => format!(
                "{} – {}",
                day_label(from, zone),
                day_label(last_instant_before(to), zone)
            ),
            (Some(from), None) => format!("Since {}", day_label(from, zone)),
            (None, Some(to)) => format!("Until {}", day_label(last_instant_before(to), zone)),
            (None, None) => Preset::All.label().to_owned(),
        };
        let span = from.map(|from| to.unwrap_or(now).duration_since(from));
        let previous = match (from, span) {
            (Some(from), Some(span)) if span.is_positive() => {
                from.checked_sub(span).ok().map(|previous| (previous, from))
            }
            _ => None,
        };
        let previous_label = match span {
            Some(span) => format!("the {} before", span_label(span)),
            None => String::new(),
        };
        Range {
            from,
            to,
            label,
            previous,
            previous_label,
            interval: self
                .interval
                .unwrap_or_else(|| span.map_or(Interval::Month, interval_for)),
            preset: None,
        }
    }
}

/// The first instant of tomorrow in `zone`: the end of every preset range, so that today's
/// answers count.
fn start_of_tomorrow(zone: &TimeZone, now: Timestamp) -> Zoned {
    let today = now.to_zoned(zone.clone()).date();
    today
        .tomorrow()
        .ok()
        .and_then(|day| day.to_zoned(zone.clone()).ok())
        .unwrap_or_else(|| now.to_zoned(zone.clone()))
}

/// The instant just before `to`: the last one an exclusive end includes.
fn last_instant_before(to: Timestamp) -> Timestamp {
    to.checked_sub(SignedDuration::from_nanos(1)).unwrap_or(to)
}

/// "1 Jan 2026": the day of an instant in `zone`.
fn day_label(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%-d %b %Y").to_string()
}

/// "90 days", "1 day", "12 hours": a span in whole days when it has any.
fn span_label(span: SignedDuration) -> String {
    let days = span.as_secs() / 86_400;
    match days {
        0 => {
            let hours = (span.as_secs() / 3_600).max(1);
            format!("{hours} hour{}", if hours == 1 { "" } else { "s" })
        }
        1 => "day".to_owned(),
        days => format!("{days} days"),
    }
}

/// The trend's periods for a range of this length: weeks up to 4 months, months up to 2
/// years, quarters beyond.
fn interval_for(span: SignedDuration) -> Interval {
    let days = span.as_secs() / 86_400;
    if days <= 120 {
        Interval::Week
    } else if days <= 731 {
        Interval::Month
    } else {
        Interval::Quarter
    }
}
