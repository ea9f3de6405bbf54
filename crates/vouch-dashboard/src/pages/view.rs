//! Small pieces of presentation the pages share: score chips, dates, attributes, figures.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use vouch_core::{NpsFigures, Score};
use vouch_store::Attributes;

use vouch_charts::{NO_VALUE, format_count, format_margin, format_nps};

/// A score in its category's colour (`chip chip--promoter`), the number always printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScoreChip {
    /// 0 to 10.
    pub(crate) score: u8,
    /// `detractor`, `passive` or `promoter`: the CSS modifier and the words read out.
    pub(crate) category: &'static str,
}

impl ScoreChip {
    /// The chip of a score.
    pub(crate) fn new(score: Score) -> ScoreChip {
        ScoreChip {
            score: score.value(),
            category: score.category().as_str(),
        }
    }
}

/// The headline figures of a selection as printed: whole NPS, `± MOE`, `n = 1,234`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Headline {
    /// The NPS as a whole number (`42`, `−12`), or `—`.
    pub(crate) nps: String,
    /// `± 8`, or empty without a figure.
    pub(crate) margin: String,
    /// `1,234`.
    pub(crate) responses: String,
    /// True when n < 30: greyed, with "n < 30: read with care".
    pub(crate) small: bool,
    /// True when there is an NPS to show.
    pub(crate) has_nps: bool,
}

impl Headline {
    /// The headline of some figures.
    pub(crate) fn new(figures: &NpsFigures) -> Headline {
        Headline {
            nps: figures.nps.map_or_else(|| NO_VALUE.to_owned(), format_nps),
            margin: figures
                .margin_of_error
                .map(format_margin)
                .unwrap_or_default(),
            responses: format_count(figures.responses),
            small: figures.nps.is_some() && figures.is_small_sample(),
            has_nps: figures.nps.is_some(),
        }
    }
}

/// One attribute as printed: its name and canonical value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttributeRow {
    /// The attribute's name.
    pub(crate) name: String,
    /// Its value (`3`, `true`, `2026-01-31`, text).
    pub(crate) value: String,
}

/// The attributes in name order.
pub(crate) fn attribute_rows(attributes: &Attributes) -> Vec<AttributeRow> {
    attributes
        .iter()
        .map(|(name, value)| AttributeRow {
            name: name.clone(),
            value: value.canonical(),
        })
        .collect()
}

/// "28 Mar 2026, 14:02" in the workspace's time zone.
pub(crate) fn date_time(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone())
        .strftime("%-d %b %Y, %H:%M")
        .to_string()
}

/// "2026-03-28": for `<time datetime>`.
pub(crate) fn iso_date(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).date().to_string()
}

/// "March 2026", "Q1 2026" or "2026": as much of an eNPS answer's time as may show.
pub(crate) fn shown_date(when: vouch_analytics::disclosure::ShownDate) -> String {
    match when {
        vouch_analytics::disclosure::ShownDate::Withheld => {
            "on a date withheld to protect anonymity".to_owned()
        }
        shown => shown.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use vouch_core::Histogram;

    use super::*;

    #[test]
    fn headlines_print_whole_numbers_and_flag_small_samples() {
        let mut histogram = Histogram::default();
        for raw in [10, 10, 9, 8, 3] {
            histogram.add(Score::new(raw).unwrap());
        }
        let headline = Headline::new(&NpsFigures::from_histogram(&histogram));
        assert_eq!(headline.nps, "40");
        assert!(headline.small && headline.has_nps);
        assert_eq!(headline.responses, "5");
        let none = Headline::new(&NpsFigures::from_histogram(&Histogram::default()));
        assert_eq!((none.nps.as_str(), none.margin.as_str()), (NO_VALUE, ""));
        assert!(!none.small);
    }

    #[test]
    fn times_read_in_the_workspace_zone() {
        let at: Timestamp = "2026-03-28T23:30:00Z".parse().unwrap();
        let paris = TimeZone::get("Europe/Paris").unwrap();
        assert_eq!(date_time(at, &paris), "29 Mar 2026, 00:30");
        assert_eq!(iso_date(at, &TimeZone::UTC), "2026-03-28");
    }

    #[test]
    fn anonymous_dates_read_as_coarsely_as_they_are_shown() {
        use vouch_analytics::disclosure::ShownDate;
        let march = jiff::civil::date(2026, 3, 1);
        assert_eq!(shown_date(ShownDate::Month(march)), "March 2026");
        assert_eq!(shown_date(ShownDate::Quarter(2026, 1)), "Q1 2026");
        assert_eq!(shown_date(ShownDate::Year(2026)), "2026");
        assert!(shown_date(ShownDate::Withheld).contains("withheld"));
    }
}
