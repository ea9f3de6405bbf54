//! Bands of number and date attributes, so that `mrr` or `signed_up` make a handful of
//! segments instead of one per value: quartiles of numbers, months or quarters of dates.
//!
//! Quartile bands are cut where a quarter, a half and three quarters of the answers lie
//! (each value weighted by its answers); equal cut points merge, so a value shared by most
//! answers makes one band of its own rather than empty ones. Bands read `[120, 480)`, the
//! last one closed: `[480, 2000]`.

use jiff::civil::Date;

use crate::attribute::{AttributeKind, AttributeValue};
use crate::limits::MAX_GROUP_BY_ATTRIBUTES;

/// How an attribute's values are gathered into bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Banding {
    /// Numbers in four bands of about equal answers.
    Quartiles,
    /// Dates by calendar month: `2026-03`.
    Month,
    /// Dates by calendar quarter: `2026-Q1`.
    Quarter,
}

impl Banding {
    /// Every banding, as [`Banding::as_str`] names them.
    pub const ALL: [Banding; 3] = [Banding::Quartiles, Banding::Month, Banding::Quarter];

    /// `quartiles`, `month` or `quarter`.
    pub fn parse(text: &str) -> Option<Banding> {
        Banding::ALL
            .into_iter()
            .find(|banding| banding.as_str() == text)
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Banding::Quartiles => "quartiles",
            Banding::Month => "month",
            Banding::Quarter => "quarter",
        }
    }

    /// The kind of attribute it bands.
    pub fn kind(self) -> AttributeKind {
        match self {
            Banding::Quartiles => AttributeKind::Number,
            Banding::Month | Banding::Quarter => AttributeKind::Date,
        }
    }

    /// The natural banding of an attribute kind: quartiles for numbers, months for dates,
    /// none for text and yes/no.
    pub fn natural(kind: AttributeKind) -> Option<Banding> {
        match kind {
            AttributeKind::Number => Some(Banding::Quartiles),
            AttributeKind::Date => Some(Banding::Month),
            _ => None,
        }
    }
}

/// A grouping as typed after `--by` or `by=`: `ATTR`, or `ATTR:quartiles|month|quarter`.
/// A suffix that names no banding is part of the attribute's name.
pub fn parse_grouping(text: &str) -> (&str, Option<Banding>) {
    match text.rsplit_once(':') {
        Some((name, suffix)) if !name.is_empty() => match Banding::parse(suffix) {
            Some(banding) => (name, Some(banding)),
            None => (text, None),
        },
        _ => (text, None),
    }
}

/// `--by`/`by=` as typed: at most [`MAX_GROUP_BY_ATTRIBUTES`] comma-separated groupings,
/// each `ATTR` or `ATTR:BANDING`, trimmed.
pub fn parse_group_by(list: &str) -> Result<Vec<(String, Option<Banding>)>, String> {
    let groupings: Vec<(String, Option<Banding>)> = list
        .split(',')
        .map(|item| {
            let (name, banding) = parse_grouping(item.trim());
            (name.trim().to_owned(), banding)
        })
        .collect();
    if groupings.len() > MAX_GROUP_BY_ATTRIBUTES {
        return Err(format!(
            "at most {MAX_GROUP_BY_ATTRIBUTES} attributes, got {}",
            groupings.len()
        ));
    }
    Ok(groupings)
}

/// Whether `banding` may band attribute `name` of `kind`; the sentence saying why not.
pub fn check_fits(name: &str, banding: Banding, kind: AttributeKind) -> Result<(), String> {
    if banding.kind() == kind {
        return Ok(());
    }
    let fitting: Vec<&str> = Banding::ALL
        .into_iter()
        .filter(|b| b.kind() == kind)
        .map(Banding::as_str)
        .collect();
    let offer = if fitting.is_empty() {
        "group it by value".to_owned()
    } else {
        format!("use {}", fitting.join(" or "))
    };
    Err(format!(
        "{name} is a {} attribute, so it cannot be grouped by {}: {offer}",
        kind.as_str(),
        banding.as_str()
    ))
}

/// Quartile bands of numbers: the edges from the smallest value to the largest.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberBands {
    /// Ascending: the first is the smallest value, the last the largest; band `i` holds
    /// `[edges[i], edges[i + 1])`, the last band also its upper edge.
    edges: Vec<f64>,
}

impl NumberBands {
    /// The quartile bands of `values`, each `(value, answers)`; `None` without any value.
    pub fn quartiles(values: &[(f64, u64)]) -> Option<NumberBands> {
        let mut sorted: Vec<(f64, u64)> = values
            .iter()
            .copied()
            .filter(|(value, weight)| value.is_finite() && *weight > 0)
            .collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (first, last) = (sorted.first()?.0, sorted.last()?.0);
        let total: u64 = sorted.iter().map(|(_, weight)| weight).sum();
        let mut edges = vec![first];
        for quarter in 1..=3u64 {
            // The smallest value at or above which more than `quarter / 4` of the answers lie.
            let wanted = total * quarter / 4;
            let mut seen = 0u64;
            let cut = sorted.iter().find_map(|(value, weight)| {
                let below = seen;
                seen += weight;
                (below >= wanted && below > 0).then_some(*value)
            });
            if let Some(cut) = cut
                && cut > *edges.last().unwrap_or(&first)
                && cut < last
            {
                edges.push(cut);
            }
        }
        edges.push(last);
        Some(NumberBands { edges })
    }

    /// How many bands there are (one when every value is equal).
    pub fn len(&self) -> usize {
        (self.edges.len() - 1).max(1)
    }

    /// True when there is no band (never: a band always holds the values given).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The band holding `value` (values outside the edges go to the nearest band).
    pub fn band_of(&self, value: f64) -> usize {
        let inner = &self.edges[1..self.edges.len() - 1];
        inner.partition_point(|edge| *edge <= value)
    }

    /// `[120, 480)`; the last band closed: `[480, 2000]`.
    pub fn label(&self, band: usize) -> String {
        self.label_with(band, |value| AttributeValue::Number(value).canonical())
    }

    /// The label of a band with its edges written by `number` (day numbers as dates, say).
    pub fn label_with(&self, band: usize, number: impl Fn(f64) -> String) -> String {
        let low = self.edges[band.min(self.edges.len() - 1)];
        if band + 2 >= self.edges.len() {
            let high = self.edges[self.edges.len() - 1];
            return format!("[{}, {}]", number(low), number(high));
        }
        format!("[{}, {})", number(low), number(self.edges[band + 1]))
    }
}

/// The band of a date: its month (`2026-03`) or its quarter (`2026-Q1`), with a number that
/// orders the bands; `None` for a banding of numbers.
pub fn date_band(date: Date, banding: Banding) -> Option<(i32, String)> {
    let (year, month) = (i32::from(date.year()), i32::from(date.month()));
    match banding {
        Banding::Month => Some((year * 12 + month - 1, format!("{year:04}-{month:02}"))),
        Banding::Quarter => {
            let quarter = (month - 1) / 3 + 1;
            Some((year * 4 + quarter - 1, format!("{year:04}-Q{quarter}")))
        }
        Banding::Quartiles => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grouping_names_its_banding_after_a_colon() {
        assert_eq!(parse_grouping("mrr"), ("mrr", None));
        assert_eq!(
            parse_grouping("mrr:quartiles"),
            ("mrr", Some(Banding::Quartiles))
        );
        assert_eq!(
            parse_grouping("signed_up:quarter"),
            ("signed_up", Some(Banding::Quarter))
        );
        assert_eq!(parse_grouping("a:b"), ("a:b", None));
        assert_eq!(parse_grouping(":month"), (":month", None));
        assert_eq!(
            Banding::natural(AttributeKind::Number),
            Some(Banding::Quartiles)
        );
        assert_eq!(Banding::natural(AttributeKind::String), None);
    }

    #[test]
    fn a_list_of_groupings_is_checked_for_count_and_kind() {
        assert_eq!(
            parse_group_by(" plan , mrr:quartiles"),
            Ok(vec![
                ("plan".into(), None),
                ("mrr".into(), Some(Banding::Quartiles))
            ])
        );
        assert!(parse_group_by("a,b,c").unwrap_err().contains("at most 2"));
        assert_eq!(
            check_fits("mrr", Banding::Quartiles, AttributeKind::Number),
            Ok(())
        );
        let months_of_a_number = check_fits("mrr", Banding::Month, AttributeKind::Number);
        assert_eq!(
            months_of_a_number.unwrap_err(),
            "mrr is a number attribute, so it cannot be grouped by month: use quartiles"
        );
        let text = check_fits("plan", Banding::Quartiles, AttributeKind::String).unwrap_err();
        assert!(text.ends_with("group it by value"), "{text}");
    }

    #[test]
    fn quartiles_cut_where_a_quarter_of_the_answers_lie() {
        // 1..=100, one answer each: cuts at 26, 51, 76.
        let values: Vec<(f64, u64)> = (1..=100).map(|v| (f64::from(v), 1)).collect();
        let bands = NumberBands::quartiles(&values).unwrap();
        assert_eq!(bands.len(), 4);
        let labels: Vec<String> = (0..4).map(|band| bands.label(band)).collect();
        assert_eq!(labels, ["[1, 26)", "[26, 51)", "[51, 76)", "[76, 100]"]);
        let count = |band: usize| {
            values
                .iter()
                .filter(|(v, _)| bands.band_of(*v) == band)
                .count()
        };
        assert_eq!((0..4).map(count).collect::<Vec<_>>(), [25, 25, 25, 25]);
        assert_eq!(bands.band_of(100.0), 3);
        assert_eq!(bands.band_of(0.5), 0);
    }

    #[test]
    fn a_value_most_answers_share_makes_fewer_bands_not_empty_ones() {
        let values = [(10.0, 90), (500.0, 5), (2000.0, 5)];
        let bands = NumberBands::quartiles(&values).unwrap();
        assert_eq!(bands.len(), 2, "{bands:?}");
        assert_eq!(
            (bands.label(0), bands.label(1)),
            ("[10, 500)".into(), "[500, 2000]".into())
        );
        let single = NumberBands::quartiles(&[(7.5, 3)]).unwrap();
        assert_eq!(
            (single.len(), single.label(0)),
            (1, "[7.5, 7.5]".to_owned())
        );
        assert_eq!(NumberBands::quartiles(&[]), None);
        let skewed = [(1.0, 30), (2.0, 30), (3.0, 30), (4.0, 10)];
        let bands = NumberBands::quartiles(&skewed).unwrap();
        let labels: Vec<String> = (0..bands.len()).map(|band| bands.label(band)).collect();
        assert_eq!(labels, ["[1, 2)", "[2, 3)", "[3, 4]"]);
    }

    #[test]
    fn dates_band_by_month_or_quarter_in_order() {
        let date = Date::constant(2026, 5, 17);
        let (may, label) = date_band(date, Banding::Month).unwrap();
        assert_eq!(label, "2026-05");
        let (june, _) = date_band(Date::constant(2026, 6, 1), Banding::Month).unwrap();
        assert_eq!(june, may + 1);
        assert_eq!(date_band(date, Banding::Quarter).unwrap().1, "2026-Q2");
        assert_eq!(date_band(date, Banding::Quartiles), None);
    }
}
