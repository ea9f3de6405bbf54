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
//! | `survey`, `status`, `assignee`, `tag` | the inbox's own: a survey id, a follow-up status, a user id, a tag |
//!
//! The filter bar's "add a filter" fields come as `add_attr` + `add_value` and become one more
//! `where`; empty values count as not given, so a form can send every field. Every link a page
//! draws is built back from [`Filters::pairs`], so a view is always a shareable URL.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan, Zoned};
use vouch_analytics::Query;
use vouch_core::{AttributeKind, AttributeValue, Category, Interval};
use vouch_store::{AttributeDefinition, ResponseStatus, SurveyId, UserId};

/// The channels a response can arrive by.
pub(crate) const CHANNELS: [&str; 5] = ["email", "link", "widget", "api", "import"];

/// The longest `where` value or search word accepted, in characters.
const MAX_VALUE_CHARS: usize = 200;

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
    /// Inbox: only responses with this tag.
    pub(crate) tag: Option<String>,
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

/// A category by its name.
pub(crate) fn parse_category(text: &str) -> Option<Category> {
    match text {
        "promoter" => Some(Category::Promoter),
        "passive" => Some(Category::Passive),
        "detractor" => Some(Category::Detractor),
        _ => None,
    }
}

/// `week`, `month` or `quarter`.
pub(crate) fn interval_name(interval: Interval) -> &'static str {
    match interval {
        Interval::Week => "week",
        Interval::Month => "month",
        Interval::Quarter => "quarter",
    }
}

impl Filters {
    /// Reads the filters of a query string's pairs; `where` attributes are checked against the
    /// workspace's definitions and their values read as the attribute's kind.
    pub(crate) fn parse(
        pairs: &[(String, String)],
        definitions: &[AttributeDefinition],
    ) -> Result<Filters, FilterError> {
        let mut filters = Filters {
            period: match one(pairs, "period") {
                None => None,
                Some(text) => Some(Preset::parse(text).ok_or_else(|| {
                    FilterError::new("period", format!("unknown period {text:?}"))
                })?),
            },
            from: bound(pairs, "from")?,
            to: bound(pairs, "to")?,
            interval: match one(pairs, "interval") {
                None => None,
                Some(text) => Some(Interval::parse(text).ok_or_else(|| {
                    FilterError::new(
                        "interval",
                        format!("unknown interval {text:?} (week, month or quarter)"),
                    )
                })?),
            },
            ..Filters::default()
        };
        if let (Some(from), Some(to)) = (&filters.from, &filters.to)
            && from.at >= to.at
        {
            return Err(FilterError::new(
                "to",
                "the end of the range must come after its start",
            ));
        }
        let mut wheres: Vec<(String, String)> = Vec::new();
        for (_, value) in pairs.iter().filter(|(key, _)| key == "where") {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let Some((name, value)) = value.split_once('=') else {
                return Err(FilterError::new(
                    "where",
                    format!("{value:?} is not ATTRIBUTE=VALUE"),
                ));
            };
            wheres.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        if let (Some(name), Some(value)) = (one(pairs, "add_attr"), one(pairs, "add_value")) {
            wheres.push((name.to_owned(), value.to_owned()));
        }
        for (name, value) in &wheres {
            check_where(name, value, definitions)?;
        }
        wheres.dedup();
        filters.wheres = wheres;
        filters.channel = match one(pairs, "channel") {
            None => None,
            Some(text) if CHANNELS.contains(&text) => Some(text.to_owned()),
            Some(text) => {
                return Err(FilterError::new(
                    "channel",
                    format!("unknown channel {text:?} ({})", CHANNELS.join(", ")),
                ));
            }
        };
        filters.category = match one(pairs, "category") {
            None => None,
            Some(text) => Some(parse_category(text).ok_or_else(|| {
                FilterError::new(
                    "category",
                    format!("unknown category {text:?} (promoter, passive or detractor)"),
                )
            })?),
        };
        filters.text = match one(pairs, "text") {
            None => None,
            Some(text) if text.chars().count() > MAX_VALUE_CHARS => {
                return Err(FilterError::new("text", "search for one word at a time"));
            }
            Some(text) if vouch_core::text::search_word(text).is_some() => Some(text.to_owned()),
            Some(text) => {
                return Err(FilterError::new(
                    "text",
                    format!("search for one word at a time: {text:?} is not one word"),
                ));
            }
        };
        filters.survey = match one(pairs, "survey") {
            None => None,
            Some(text) => Some(
                super::path_id(text).ok_or_else(|| FilterError::new("survey", "unknown survey"))?,
            ),
        };
        filters.status = match one(pairs, "status") {
            None => None,
            Some(text) => Some(ResponseStatus::parse(text).ok_or_else(|| {
                FilterError::new(
                    "status",
                    format!("unknown status {text:?} (open, in_progress or closed)"),
                )
            })?),
        };
        filters.assignee = match one(pairs, "assignee") {
            None => None,
            Some(text) => {
                Some(UserId(super::path_id(text).ok_or_else(|| {
                    FilterError::new("assignee", "unknown assignee")
                })?))
            }
        };
        filters.tag = match one(pairs, "tag") {
            None => None,
            Some(text) if text.chars().count() > MAX_VALUE_CHARS => {
                return Err(FilterError::new("tag", "unknown tag"));
            }
            Some(text) => Some(text.to_owned()),
        };
        Ok(filters)
    }

    /// The filters as URL pairs, in a fixed order; only what was given (see [`Filters::pinned`]).
    pub(crate) fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |name: &str, value: String| pairs.push((name.to_owned(), value));
        if let Some(survey) = self.survey {
            push("survey", survey.to_string());
        }
        if self.from.is_none()
            && self.to.is_none()
            && let Some(period) = self.period
        {
            push("period", period.as_str().to_owned());
        }
        if let Some(from) = &self.from {
            push("from", from.text.clone());
        }
        if let Some(to) = &self.to {
            push("to", to.text.clone());
        }
        if let Some(interval) = self.interval {
            push("interval", interval_name(interval).to_owned());
        }
        for (name, value) in &self.wheres {
            push("where", format!("{name}={value}"));
        }
        if let Some(channel) = &self.channel {
            push("channel", channel.clone());
        }
        if let Some(category) = self.category {
            push("category", category.as_str().to_owned());
        }
        if let Some(text) = &self.text {
            push("text", text.clone());
        }
        if let Some(status) = self.status {
            push("status", status.as_str().to_owned());
        }
        if let Some(assignee) = self.assignee {
            push("assignee", assignee.0.to_string());
        }
        if let Some(tag) = &self.tag {
            push("tag", tag.clone());
        }
        pairs
    }

    /// `path` with these filters as its query string.
    pub(crate) fn href(&self, path: &str) -> String {
        with_query(path, &self.pairs())
    }

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
            tag: None,
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
            || self.tag.is_some()
    }

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

    /// The analytics query of these filters over `surveys` between `from` and `to`.
    pub(crate) fn query(
        &self,
        surveys: Vec<SurveyId>,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
    ) -> Query {
        let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in &self.wheres {
            grouped.entry(name.clone()).or_default().push(value.clone());
        }
        Query {
            surveys,
            from,
            to,
            filters: grouped.into_iter().collect(),
            channels: self.channel.iter().cloned().collect(),
            text: self.text.clone(),
            scores: self.category.map(category_scores),
            ..Query::default()
        }
    }

    /// The active filters as chips, each with a link that removes it from `path`.
    pub(crate) fn chips(&self, path: &str, names: &ChipNames) -> Vec<FilterChip> {
        let mut chips = Vec::new();
        let mut chip = |label: String, without: Filters| {
            chips.push(FilterChip {
                label,
                remove_href: without.href(path),
            });
        };
        if let Some(survey) = self.survey {
            let name = names
                .survey
                .clone()
                .unwrap_or_else(|| format!("survey {survey}"));
            chip(
                format!("survey: {name}"),
                Filters {
                    survey: None,
                    ..self.clone()
                },
            );
        }
        for (position, (name, value)) in self.wheres.iter().enumerate() {
            let mut without = self.clone();
            without.wheres.remove(position);
            chip(format!("{name} = {value}"), without);
        }
        if let Some(channel) = &self.channel {
            chip(
                format!("channel: {channel}"),
                Filters {
                    channel: None,
                    ..self.clone()
                },
            );
        }
        if let Some(category) = self.category {
            chip(
                format!("{}s", category.as_str()),
                Filters {
                    category: None,
                    ..self.clone()
                },
            );
        }
        if let Some(text) = &self.text {
            chip(
                format!("“{text}”"),
                Filters {
                    text: None,
                    ..self.clone()
                },
            );
        }
        if let Some(status) = self.status {
            chip(
                format!("status: {}", status_label(status)),
                Filters {
                    status: None,
                    ..self.clone()
                },
            );
        }
        if self.assignee.is_some() {
            let name = names
                .assignee
                .clone()
                .unwrap_or_else(|| "someone".to_owned());
            chip(
                format!("assigned to {name}"),
                Filters {
                    assignee: None,
                    ..self.clone()
                },
            );
        }
        if let Some(tag) = &self.tag {
            chip(
                format!("tag: {tag}"),
                Filters {
                    tag: None,
                    ..self.clone()
                },
            );
        }
        chips
    }
}

/// Names the chips show for ids.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChipNames {
    /// The name of the survey filtered on.
    pub(crate) survey: Option<String>,
    /// The name of the assignee filtered on.
    pub(crate) assignee: Option<String>,
}

/// One active filter, shown in the filter bar with a link that removes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterChip {
    /// What it reads ("plan = pro").
    pub(crate) label: String,
    /// The same page without it.
    pub(crate) remove_href: String,
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

/// The text of a follow-up status for people.
pub(crate) fn status_label(status: ResponseStatus) -> &'static str {
    match status {
        ResponseStatus::Open => "Open",
        ResponseStatus::InProgress => "In progress",
        ResponseStatus::Closed => "Closed",
    }
}

/// `path?query` (or `path` without filters).
pub(crate) fn with_query(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    match serde_urlencoded::to_string(pairs) {
        Ok(query) => format!("{path}?{query}"),
        Err(_) => path.to_owned(),
    }
}

/// The scores of a category, as a query's score mask.
fn category_scores(category: Category) -> [bool; 11] {
    std::array::from_fn(|score| {
        let score = i64::try_from(score).unwrap_or(0);
        vouch_core::Score::new(score).is_ok_and(|score| score.category() == category)
    })
}

fn bound(pairs: &[(String, String)], name: &'static str) -> Result<Option<Bound>, FilterError> {
    let Some(text) = one(pairs, name) else {
        return Ok(None);
    };
    let at = vouch_core::period::parse_instant(text)
        .map_err(|error| FilterError::new(name, error.to_string()))?;
    Ok(Some(Bound {
        text: text.to_owned(),
        at,
    }))
}

fn check_where(
    name: &str,
    value: &str,
    definitions: &[AttributeDefinition],
) -> Result<(), FilterError> {
    let Some(definition) = definitions
        .iter()
        .find(|definition| definition.name == name)
    else {
        let known: Vec<&str> = definitions.iter().map(|d| d.name.as_str()).collect();
        return Err(FilterError::new(
            "where",
            vouch_core::attribute::unknown_attribute_message(name, &known),
        ));
    };
    if value.is_empty() || value.chars().count() > MAX_VALUE_CHARS {
        return Err(FilterError::new(
            "where",
            format!("give {name} a value of at most {MAX_VALUE_CHARS} characters"),
        ));
    }
    if definition.kind != AttributeKind::String
        && let Err(error) = AttributeValue::parse_as(value, definition.kind)
    {
        return Err(FilterError::new(
            "where",
            format!(
                "{name} is a {} attribute, and {error}",
                definition.kind.as_str()
            ),
        ));
    }
    Ok(())
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
pub(crate) fn day_label(at: Timestamp, zone: &TimeZone) -> String {
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

#[cfg(test)]
mod tests {
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
                     &where=seats%3D3&category=detractor&text=slow&status=closed&assignee=7&tag=billing";
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
