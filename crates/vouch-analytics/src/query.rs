//! What a report asks for, and its plan: the query resolved against one index.

use jiff::Timestamp;
use vouch_core::period::day_of_timestamp;
use vouch_core::{AttributeValue, Banding, Interval, Period, text};
use vouch_store::SurveyId;

use crate::index::ResponseIndex;

/// A selection of responses and how to group it. The default selects everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// Only responses to these surveys (all surveys when empty).
    pub surveys: Vec<SurveyId>,
    /// Only responses given at or after this instant.
    pub from: Option<Timestamp>,
    /// Only responses given before this instant.
    pub to: Option<Timestamp>,
    /// `(attribute, values)`: keep responses whose attribute equals one of the values (read as
    /// the attribute's kind). AND across entries, OR within one entry's values.
    pub filters: Vec<(String, Vec<String>)>,
    /// Only responses that arrived by one of these channels (`import`, `api`, `email`, `link`,
    /// `widget`); all channels when empty.
    pub channels: Vec<String>,
    /// Only responses whose comment holds this word, or a word starting so (`refund*`): case-
    /// and accent-insensitive, whole words.
    pub text: Option<String>,
    /// Only responses with these scores (e.g. 0–6 for detractors); all when `None`.
    pub scores: Option<[bool; 11]>,
    /// Group by one or two attributes.
    pub group_by: Vec<String>,
    /// Attributes of `group_by` grouped in bands rather than one group per value (quartiles
    /// of a number, months or quarters of a date).
    pub bands: Vec<(String, Banding)>,
    /// Also count per period of this length.
    pub interval: Option<Interval>,
    /// Also sum this number attribute per group (e.g. `mrr` for revenue at risk).
    pub sum_of: Option<String>,
    /// Only these rows of the index the query is planned on: the responses of tags or themes
    /// (`ResponseIndex::rows_of_ids`, `themes::ThemeRows`). `None` keeps every row.
    pub rows: Option<roaring::RoaringBitmap>,
}

/// Why a query cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// `--text` was not exactly one word or a prefix.
    #[error("the text filter {0:?} must be exactly one word, or the start of one (refund*)")]
    NotOneWord(String),
    /// More than two attributes to group by.
    #[error("group by at most two attributes, not {0}")]
    TooManyGroupings(usize),
    /// No answer in the index carries this attribute.
    #[error("no answer carries the attribute {0:?}")]
    UnknownAttribute(String),
    /// `sum_of` (or a value attribute) names an attribute that is not a number.
    #[error("attribute {0:?} is not a number, so it cannot be summed")]
    NotANumber(String),
    /// A banding asked of an attribute of another kind (quartiles of a text, months of a
    /// number).
    #[error("attribute {attribute:?} is not a {kind}, so it cannot be grouped by {banding}")]
    BandingDoesNotFit {
        /// The attribute.
        attribute: String,
        /// The banding asked.
        banding: &'static str,
        /// The kind the banding needs.
        kind: &'static str,
    },
    /// A search of more than `search::MAX_SEARCH_TERMS` terms.
    #[error("search at most {max} terms at once, not {0}", max = crate::search::MAX_SEARCH_TERMS)]
    TooManyTerms(usize),
    /// The grouping would make too many groups to count at once.
    #[error("grouping by {0} makes more than {MAX_GROUPS} groups")]
    TooManyGroups(String),
}

/// The most groups one query may count (a two-attribute grouping multiplies their values).
pub const MAX_GROUPS: usize = vouch_core::limits::MAX_GROUPS;

/// The value of one grouping attribute for a group; `None` when contacts had no value.
pub type GroupKey = Option<AttributeValue>;

/// A query resolved against an index: codes instead of values, day numbers instead of instants.
#[derive(Debug)]
pub struct QueryPlan {
    /// True when the selection may hold answers to an anonymous (eNPS) survey: its report and
    /// listing follow the anonymity rules.
    pub(crate) anonymous: bool,
    pub(crate) surveys: Option<Vec<bool>>,
    pub(crate) from: Option<(i32, i64)>,
    pub(crate) to: Option<(i32, i64)>,
    /// True when `from` is the first instant of its day (so whole days can be counted).
    pub(crate) from_is_midnight: bool,
    /// True when `to` is the first instant of its day.
    pub(crate) to_is_midnight: bool,
    /// Allowed by channel code; `None` when there is no channel filter.
    pub(crate) channels: Option<Vec<bool>>,
    /// `(column, allowed by code)`.
    pub(crate) filters: Vec<(usize, Vec<bool>)>,
    /// `None` when there is no text filter; an empty set when the word never occurs.
    pub(crate) text_rows: Option<roaring::RoaringBitmap>,
    pub(crate) scores: Option<[bool; 11]>,
    pub(crate) group_columns: Vec<usize>,
    /// Per grouping column, its banding when grouped in bands.
    pub(crate) group_bands: Vec<Option<Banding>>,
    pub(crate) group_count: usize,
    pub(crate) period_of_day: Option<PeriodTable>,
    pub(crate) sum_column: Option<usize>,
    /// True when some filter can match nothing at all.
    pub(crate) matches_nothing: bool,
}

/// The first instant of a day in a time zone, in milliseconds.
fn day_start_ms(day: i32, zone: &jiff::tz::TimeZone) -> Option<i64> {
    let date = vouch_core::period::date_of_day(day);
    date.to_zoned(zone.clone())
        .ok()
        .map(|zoned| zoned.timestamp().as_millisecond())
}

/// Period index per day, for days from `first_day` on.
#[derive(Debug)]
pub(crate) struct PeriodTable {
    pub(crate) first_day: i32,
    pub(crate) period_index: Vec<u32>,
    pub(crate) periods: Vec<Period>,
}

impl QueryPlan {
    /// True when the selection may hold answers to an anonymous (eNPS) survey.
    pub fn is_anonymous(&self) -> bool {
        self.anonymous
    }
}

impl ResponseIndex {
    /// Resolves a query against this index.
    pub fn plan(&self, query: &Query) -> Result<QueryPlan, QueryError> {
        let mut matches_nothing = false;
        let surveys = (!query.surveys.is_empty()).then(|| {
            let mut allowed = vec![false; self.survey_codes.len()];
            for survey in &query.surveys {
                if let Some(&code) = self.survey_codes.get(survey) {
                    allowed[code as usize] = true;
                }
            }
            matches_nothing |= !allowed.contains(&true);
            allowed
        });
        let channels = (!query.channels.is_empty()).then(|| {
            let mut allowed = vec![false; self.channel_names.len()];
            for channel in &query.channels {
                if let Some(code) = self.channel_names.iter().position(|name| name == channel) {
                    allowed[code] = true;
                }
            }
            matches_nothing |= !allowed.contains(&true);
            allowed
        });
        let mut filters = Vec::new();
        for (name, values) in &query.filters {
            let Some(&column) = self.attribute_by_name.get(name) else {
                matches_nothing = true;
                continue;
            };
            let attribute = &self.attributes[column];
            let mut allowed = vec![false; attribute.code_count()];
            for value in values {
                if let Some(code) = attribute.lookup(value) {
                    allowed[code as usize] = true;
                }
            }
            matches_nothing |= !allowed.contains(&true);
            filters.push((column, allowed));
        }
        let text_rows = match &query.text {
            None => None,
            Some(text) => {
                let term =
                    text::filter_term(text).ok_or_else(|| QueryError::NotOneWord(text.clone()))?;
                Some(self.rows_holding(&term))
            }
        };
        let text_rows = match (text_rows, &query.rows) {
            (None, None) => None,
            (Some(rows), None) => Some(rows),
            (None, Some(only)) => Some(only.clone()),
            (Some(rows), Some(only)) => Some(rows & only),
        };
        let (group_columns, group_count) = self.plan_grouping(&query.group_by)?;
        let group_bands = self.plan_bands(query, &group_columns)?;
        let sum_column = match &query.sum_of {
            None => None,
            Some(name) => match self.attribute_by_name.get(name) {
                Some(&column)
                    if self.attributes[column].kind == vouch_core::AttributeKind::Number =>
                {
                    Some(column)
                }
                Some(_) => return Err(QueryError::NotANumber(name.clone())),
                None => None,
            },
        };
        let zone = self.time_zone();
        let bound =
            |instant: &Timestamp| (day_of_timestamp(*instant, zone), instant.as_millisecond());
        let (from, to) = (query.from.as_ref().map(bound), query.to.as_ref().map(bound));
        let is_midnight = |bound: Option<(i32, i64)>| {
            bound.is_none_or(|(day, ms)| day_start_ms(day, zone) == Some(ms))
        };
        let anonymous = if query.surveys.is_empty() {
            !self.anonymous_surveys.is_empty()
        } else {
            query
                .surveys
                .iter()
                .any(|survey| self.anonymous_surveys.contains(survey))
        };
        Ok(QueryPlan {
            anonymous,
            surveys,
            from,
            to,
            from_is_midnight: is_midnight(from),
            to_is_midnight: is_midnight(to),
            channels,
            filters,
            text_rows,
            scores: query.scores,
            group_columns,
            group_bands,
            group_count,
            period_of_day: query.interval.map(|interval| self.period_table(interval)),
            sum_column,
            matches_nothing,
        })
    }

    /// Columns to group by and the number of group slots (product of their code counts).
    fn plan_grouping(&self, names: &[String]) -> Result<(Vec<usize>, usize), QueryError> {
        if names.len() > vouch_core::limits::MAX_GROUP_BY_ATTRIBUTES {
            return Err(QueryError::TooManyGroupings(names.len()));
        }
        let mut columns = Vec::new();
        let mut count = 1usize;
        for name in names {
            // An attribute no response has groups everything under "no value".
            let (column, codes) = match self.attribute_by_name.get(name) {
                Some(&column) => (column, self.attributes[column].code_count()),
                None => (usize::MAX, 1),
            };
            columns.push(column);
            count = count.saturating_mul(codes);
        }
        if count > MAX_GROUPS {
            return Err(QueryError::TooManyGroups(names.join(", ")));
        }
        Ok((columns, count))
    }

    /// The rows whose comment holds a word or a prefix term (a phrase holds nothing here).
    pub(crate) fn rows_holding(&self, term: &text::Term) -> roaring::RoaringBitmap {
        match term {
            text::Term::Word(word) => self.words.get(word).cloned().unwrap_or_default(),
            text::Term::Prefix(prefix) => self
                .words
                .iter()
                .filter(|(word, _)| word.starts_with(prefix.as_str()))
                .fold(roaring::RoaringBitmap::new(), |rows, (_, more)| rows | more),
            text::Term::Phrase(words) => {
                let mut pairs = words.windows(2).map(|pair| {
                    self.pairs
                        .get(&crate::index::pair_key(&pair[0], &pair[1]))
                        .cloned()
                        .unwrap_or_default()
                });
                let first = pairs.next().unwrap_or_default();
                pairs.fold(first, |rows, more| rows & more)
            }
        }
    }

    /// The banding of each grouping column; a banding that does not fit its attribute's kind
    /// is an error (an attribute no answer carries has nothing to band).
    fn plan_bands(
        &self,
        query: &Query,
        columns: &[usize],
    ) -> Result<Vec<Option<Banding>>, QueryError> {
        let mut bands = Vec::with_capacity(columns.len());
        for (name, column) in query.group_by.iter().zip(columns) {
            let banding = query
                .bands
                .iter()
                .find(|(banded, _)| banded == name)
                .map(|(_, banding)| *banding);
            if let (Some(banding), Some(attribute)) = (banding, self.attributes.get(*column))
                && attribute.kind != banding.kind()
            {
                return Err(QueryError::BandingDoesNotFit {
                    attribute: name.clone(),
                    banding: banding.as_str(),
                    kind: banding.kind().as_str(),
                });
            }
            bands.push(banding);
        }
        Ok(bands)
    }

    fn period_table(&self, interval: Interval) -> PeriodTable {
        let first_day = self.chunks.iter().map(|c| c.min_day).min().unwrap_or(0);
        let last_day = self.chunks.iter().map(|c| c.max_day).max().unwrap_or(0);
        let mut periods: Vec<Period> = Vec::new();
        let mut period_index = Vec::with_capacity((last_day - first_day + 1).max(0) as usize);
        for day in first_day..=last_day {
            let period = Period::containing(day, interval);
            if periods.last() != Some(&period) {
                periods.push(period);
            }
            period_index.push(periods.len() as u32 - 1);
        }
        PeriodTable {
            first_day,
            period_index,
            periods,
        }
    }

    /// The key of group slot `slot` of a plan: one value per grouping attribute.
    pub fn group_key(&self, plan: &QueryPlan, slot: usize) -> Vec<GroupKey> {
        let mut keys = Vec::with_capacity(plan.group_columns.len());
        let mut rest = slot;
        for &column in plan.group_columns.iter().rev() {
            let (code, codes) = match self.attributes.get(column) {
                Some(attribute) => {
                    let codes = attribute.code_count();
                    ((rest % codes) as u32, codes)
                }
                None => (0, 1),
            };
            rest /= codes;
            keys.push(
                self.attributes
                    .get(column)
                    .and_then(|a| a.value(code))
                    .cloned(),
            );
        }
        keys.reverse();
        keys
    }
}
