//! The filters every page shares, read from and written back to the URL.
//!
//! | parameter | meaning |
//! |---|---|
//! | `period` | `30d`, `90d`, `12m` or `all`: a range ending today (the page's default when absent) |
//! | `from`, `to` | a custom range (`YYYY-MM-DD` or RFC 3339); `from` inclusive, `to` exclusive, as in the API; either wins over `period` |
//! | `interval` | `week`, `month` or `quarter`: the trend's periods (chosen from the range's length when absent) |
//! | `where` | `ATTR=VALUE`, repeatable: AND across attributes, OR between values of one (as the API) |
//! | `channel` | `email`, `link`, `widget`, `api` or `import` (see [`Filters::channel`]) |
//! | `category` | `promoter`, `passive` or `detractor` |
//! | `text` | one word the comment contains |
//! | `tag` | a tag, repeatable: responses carrying any of them |
//! | `theme` | a theme id (`12`) or a tag as `tag:NAME`, repeatable: responses in any of them |
//! | `survey`, `status`, `assignee` | the inbox's own: a survey id, a follow-up status, a user id |
//!
//! The filter bar's "add a filter" fields come as `add_attr` + `add_value` and become one more
//! `where`; empty values count as not given, so a form can send every field. Every link a page
//! draws is built back from [`Filters::pairs`], so a view is always a shareable URL.

//!
//! The parts: `parse` reads the URL, `range` turns presets and dates into a time range,
//! `query` builds the analytics query, and `links` writes filters back into links and
//! chips.

mod links;
mod parse;
mod query;
mod range;
pub(crate) mod selection;

use jiff::Timestamp;
use vouch_core::{Category, Interval};
use vouch_store::{ResponseStatus, UserId};

pub(crate) use links::{ChipNames, FilterChip, interval_name, status_label, with_query};
pub(crate) use range::{Preset, Range};

/// The channels a response can arrive by.
pub(crate) const CHANNELS: [&str; 5] = ["email", "link", "widget", "api", "import"];

/// The longest `where` value or search word accepted, in characters.
const MAX_VALUE_CHARS: usize = 200;

/// A filter the URL gave that cannot be applied, with the parameter at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterError {
    /// The parameter (`from`, `where`, `text`…).
    pub(crate) field: &'static str,
    /// A sentence saying what is wrong.
    pub(crate) message: String,
}

impl FilterError {
    fn new(field: &'static str, message: impl Into<String>) -> FilterError {
        FilterError {
            field,
            message: message.into(),
        }
    }
}

/// An instant parameter: the text as given (to write it back) and what it means.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bound {
    /// As given in the URL.
    pub(crate) text: String,
    /// The instant.
    pub(crate) at: Timestamp,
}

/// What the URL asks for, checked. See the module documentation.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Filters {
    /// A preset range, when one was asked for.
    pub(crate) period: Option<Preset>,
    /// The start of a custom range (inclusive).
    pub(crate) from: Option<Bound>,
    /// The end of a custom range (exclusive).
    pub(crate) to: Option<Bound>,
    /// The trend's periods, when asked for.
    pub(crate) interval: Option<Interval>,
    /// `(attribute, value)` pairs, in the order given.
    pub(crate) wheres: Vec<(String, String)>,
    /// Only responses that arrived by this channel.
    pub(crate) channel: Option<String>,
    /// Only this category's responses.
    pub(crate) category: Option<Category>,
    /// One word the comment must contain.
    pub(crate) text: Option<String>,
    /// Inbox: one survey only.
    pub(crate) survey: Option<i64>,
    /// Inbox: only responses in this follow-up status.
    pub(crate) status: Option<ResponseStatus>,
    /// Inbox: only responses assigned to this user.
    pub(crate) assignee: Option<UserId>,
    /// Only responses carrying one of these tags (every page).
    pub(crate) tags: Vec<String>,
    /// Only responses in one of these themes (every page).
    pub(crate) themes: Vec<String>,
    /// The rows the tags and themes select in the index read (set by the page under the
    /// index's lock, see [`selection`]); never written into URLs.
    pub(crate) rows: Option<roaring::RoaringBitmap>,
}

/// The pairs of a query string; a string that does not decode gives none.
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .and_then(|query| serde_urlencoded::from_str(query).ok())
        .unwrap_or_default()
}

/// The first non-empty value of a parameter, trimmed.
pub(crate) fn one<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.trim())
        .find(|value| !value.is_empty())
}

/// The number attribute that is a contact's value on a page: `value=` (which must be a number
/// attribute of the workspace), else `mrr` when the workspace has it as a number, else none
/// (`vouch_core::revenue::value_attribute`).
pub(crate) fn value_attribute(
    pairs: &[(String, String)],
    definitions: &[vouch_store::AttributeDefinition],
) -> Result<Option<String>, FilterError> {
    let kind_of = |name: &str| definitions.iter().find(|d| d.name == name).map(|d| d.kind);
    vouch_core::revenue::value_attribute(one(pairs, "value"), kind_of).map_err(|error| {
        let message = match error {
            vouch_core::revenue::ValueAttributeError::Unknown(name) => {
                format!("{name:?} is not an attribute of this workspace")
            }
            other => other.to_string(),
        };
        FilterError {
            field: "value",
            message,
        }
    })
}

impl Filters {
    /// The same filters with the range made explicit: `period` set to `default` when neither
    /// a preset nor dates were given. Links to another page (whose default may differ) use it,
    /// so that the other page shows the same selection.
    pub(crate) fn pinned(&self, default: Preset) -> Filters {
        let mut pinned = self.clone();
        if pinned.period.is_none() && pinned.from.is_none() && pinned.to.is_none() {
            pinned.period = Some(default);
        }
        pinned
    }

    /// Only the filters a report applies (no inbox parameters).
    pub(crate) fn report_only(&self) -> Filters {
        Filters {
            survey: None,
            status: None,
            assignee: None,
            ..self.clone()
        }
    }

    /// True when any filter narrows the selection (the range does not count).
    pub(crate) fn narrows(&self) -> bool {
        !self.wheres.is_empty()
            || self.channel.is_some()
            || self.category.is_some()
            || self.text.is_some()
            || self.status.is_some()
            || self.assignee.is_some()
            || !self.tags.is_empty()
            || !self.themes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;
    use vouch_core::AttributeKind;
    use vouch_store::{AttributeDefinition, SurveyId};

    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        query_pairs(Some(query))
    }

    fn definitions() -> Vec<AttributeDefinition> {
        vec![
            AttributeDefinition {
                name: "plan".into(),
                kind: AttributeKind::String,
            },
            AttributeDefinition {
                name: "seats".into(),
                kind: AttributeKind::Number,
            },
        ]
    }

    fn parse(query: &str) -> Result<Filters, FilterError> {
        Filters::parse(&pairs(query), &definitions())
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let query = "survey=3&from=2026-01-01&to=2026-04-01&interval=week&where=plan%3Dpro\
                     &where=seats%3D3&category=detractor&text=slow&status=closed&assignee=7&tag=billing&theme=3";
        let filters = parse(query).unwrap();
        assert_eq!(filters.wheres.len(), 2);
        assert_eq!(filters.category, Some(Category::Detractor));
        assert_eq!(filters.status, Some(ResponseStatus::Closed));
        let again = Filters::parse(&filters.pairs(), &definitions()).unwrap();
        assert_eq!(again, filters);
        assert_eq!(filters.href("/app/inbox"), format!("/app/inbox?{query}"));
    }

    #[test]
    fn empty_fields_count_as_not_given_and_add_fields_become_a_where() {
        let filters =
            parse("period=&from=&text=&category=&add_attr=plan&add_value=team&where=").unwrap();
        assert_eq!(
            filters,
            Filters {
                wheres: vec![("plan".into(), "team".into())],
                ..Filters::default()
            }
        );
        assert!(!parse("add_attr=plan&add_value=").unwrap().narrows());
    }

    #[test]
    fn bad_filters_name_their_parameter() {
        for (query, field) in [
            ("from=yesterday", "from"),
            ("from=2026-03-01&to=2026-02-01", "to"),
            ("interval=day", "interval"),
            ("where=plan", "where"),
            ("where=country%3DFR", "where"),
            ("where=seats%3Dmany", "where"),
            ("category=fan", "category"),
            ("text=two+words", "text"),
            ("status=done", "status"),
            ("assignee=me", "assignee"),
            ("channel=fax", "channel"),
            ("period=week", "period"),
        ] {
            assert_eq!(parse(query).unwrap_err().field, field, "{query}");
        }
    }

    #[test]
    fn presets_end_today_and_compare_with_the_span_before() {
        let now: Timestamp = "2026-03-31T15:00:00Z".parse().unwrap();
        let range = Filters::default().range(&TimeZone::UTC, now, Preset::Days90);
        assert_eq!(range.to, Some("2026-04-01T00:00:00Z".parse().unwrap()));
        assert_eq!(range.from, Some("2026-01-01T00:00:00Z".parse().unwrap()));
        assert_eq!(
            range.previous,
            Some((
                "2025-10-03T00:00:00Z".parse().unwrap(),
                "2026-01-01T00:00:00Z".parse().unwrap()
            ))
        );
        assert_eq!(range.interval, Interval::Week);
        assert_eq!(range.previous_label, "the 90 days before");
        let all = parse("period=all")
            .unwrap()
            .range(&TimeZone::UTC, now, Preset::Days90);
        assert_eq!((all.from, all.to, all.previous), (None, None, None));
        let year = parse("period=12m")
            .unwrap()
            .range(&TimeZone::UTC, now, Preset::Days90);
        assert_eq!(year.from, Some("2025-04-01T00:00:00Z".parse().unwrap()));
        assert_eq!(year.interval, Interval::Month);
    }

    #[test]
    fn custom_ranges_win_over_presets_and_read_as_days() {
        let now: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
        let range = parse("period=30d&from=2026-01-01&to=2026-04-01")
            .unwrap()
            .range(&TimeZone::UTC, now, Preset::Days90);
        assert_eq!(range.label, "1 Jan 2026 – 31 Mar 2026");
        assert_eq!(range.previous_label, "the 90 days before");
        assert_eq!(
            range.previous.map(|(from, _)| from),
            Some("2025-10-03T00:00:00Z".parse().unwrap())
        );
        let since = parse("from=2026-05-01")
            .unwrap()
            .range(&TimeZone::UTC, now, Preset::Days90);
        assert_eq!(since.label, "Since 1 May 2026");
        assert_eq!(since.to, None);
        let until = parse("to=2026-05-01")
            .unwrap()
            .range(&TimeZone::UTC, now, Preset::Days90);
        assert_eq!(
            (until.label.as_str(), until.previous),
            ("Until 30 Apr 2026", None)
        );
    }

    #[test]
    fn a_query_groups_values_of_one_attribute_and_masks_a_category() {
        let filters =
            parse("where=plan%3Dpro&where=seats%3D3&where=plan%3Dteam&category=passive").unwrap();
        let query = filters.query(vec![SurveyId(1)], None, None);
        assert_eq!(
            query.filters,
            vec![
                ("plan".to_owned(), vec!["pro".to_owned(), "team".to_owned()]),
                ("seats".to_owned(), vec!["3".to_owned()]),
            ]
        );
        let scores = query.scores.unwrap();
        assert_eq!(
            (0..11).filter(|&s| scores[s]).collect::<Vec<_>>(),
            vec![7, 8]
        );
    }

    #[test]
    fn chips_remove_one_filter_each() {
        let filters = parse("period=12m&where=plan%3Dpro&text=slow").unwrap();
        let chips = filters.chips("/app/surveys/1", &ChipNames::default());
        assert_eq!(chips.len(), 2);
        assert_eq!(chips[0].label, "plan = pro");
        assert_eq!(chips[0].remove_href, "/app/surveys/1?period=12m&text=slow");
        assert_eq!(
            chips[1].remove_href,
            "/app/surveys/1?period=12m&where=plan%3Dpro"
        );
        assert_eq!(
            Filters::default().pinned(Preset::Days90).href("/app/inbox"),
            "/app/inbox?period=90d"
        );
    }
}
