//! Why it moved: the change of a selection's NPS from the period before it (of the same
//! length, just before) split, for each text or yes/no attribute its answers carry, into each
//! value's own change and the shift in the mix of values (`vouch_core::movement`).
//!
//! Numbers and dates are left out: their quartile bands are cut on each period's answers, so
//! the two periods' bands would not be the same segments.
//!
//! Themes and tags overlap (a comment can name several), so they are not one partition: each
//! is split on its own, its answers against all the others ([`theme_parts`]). Its part is what
//! the answers naming it contributed to the change — their own NPS change and their growing or
//! shrinking share — and the parts of two themes can hold the same answer.

use jiff::{SignedDuration, Timestamp};
use vouch_core::movement::{Movement, SegmentMove, decompose};
use vouch_core::{AttributeKind, Histogram};

use crate::index::ResponseIndex;
use crate::query::{Query, QueryError};
use crate::theme_report::ThemeEntry;

/// Attributes with more values than this (an e-mail, a company) are not segments.
pub const MAX_SEGMENTS: usize = 200;

/// The default length of the current period when the selection gives no start.
pub const DEFAULT_DAYS: i64 = 90;

/// Why a change cannot be explained.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExplainError {
    /// The selection includes anonymous (eNPS) answers, whose segments are not broken down
    /// this way.
    #[error("eNPS answers are anonymous: their change is not broken down by segment")]
    Anonymous,
    /// `from` is not before `to`.
    #[error("the period must start before it ends")]
    EmptyPeriod,
    /// The selection could not be planned.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// One attribute's split of the change.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeMovement {
    /// The attribute.
    pub attribute: String,
    /// Per value (`None`: answers without one), the largest part first; they sum to the change.
    pub segments: Vec<(Option<String>, SegmentMove)>,
}

/// The change of a selection and its split.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The current period, `[from, to)`.
    pub current: (Timestamp, Timestamp),
    /// The period before, of the same length.
    pub previous: (Timestamp, Timestamp),
    /// The current period's answers.
    pub current_total: Histogram,
    /// The previous period's answers.
    pub previous_total: Histogram,
    /// The whole change with its test (`None` unless both periods have answers).
    pub movement: Option<Movement>,
    /// Per attribute, the one whose largest part is largest first.
    pub attributes: Vec<AttributeMovement>,
    /// Per theme or tag with answers in either period, the largest part first; empty until
    /// [`theme_parts`] fills it.
    pub themes: Vec<ThemeMovement>,
}

/// One theme's (or tag's) part of a change: its answers against all the others.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeMovement {
    /// `"12"` for an automatic theme, `"tag:billing"` for a tag.
    pub id: String,
    /// Its readable label.
    pub label: String,
    /// True for a tag.
    pub is_tag: bool,
    /// The part of its answers: own change and mix, with their tests.
    pub part: SegmentMove,
}

/// What a part of "why it moved" is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoverSource {
    /// The answers of one value of an attribute.
    Segment {
        /// The attribute, e.g. `plan`.
        attribute: String,
        /// Its value (`None`: answers without one).
        value: Option<String>,
    },
    /// The answers naming a theme, or carrying a tag.
    Theme {
        /// The theme's label or the tag's name.
        label: String,
        /// True for a tag.
        is_tag: bool,
    },
}

/// One part of "why it moved": a segment's or a theme's share of the change.
#[derive(Debug, Clone, PartialEq)]
pub struct Mover {
    /// Whose part it is.
    pub source: MoverSource,
    /// Its part of the change, in NPS points (its own change plus its shift in mix).
    pub points: f64,
    /// Whether its own change is significant at 95 %.
    pub significant: bool,
}

impl Mover {
    /// How a reader names it: `plan = pro`, `plan = (no value)`, `theme “Slow support”`,
    /// `tag “billing”`.
    pub fn label(&self) -> String {
        match &self.source {
            MoverSource::Segment { attribute, value } => {
                format!("{attribute} = {}", value.as_deref().unwrap_or("(no value)"))
            }
            MoverSource::Theme { label, is_tag } => {
                format!("{} “{label}”", if *is_tag { "tag" } else { "theme" })
            }
        }
    }
}

/// Parts under this many NPS points are not worth naming.
const SMALLEST_PART: f64 = 0.05;

/// The `top` largest parts of an explained change over every attribute, largest first;
/// parts under 0.05 points are left out.
pub fn largest_parts(explanation: &Explanation, top: usize) -> Vec<Mover> {
    let movers = explanation.attributes.iter().flat_map(|attribute| {
        attribute.segments.iter().map(|(value, part)| Mover {
            source: MoverSource::Segment {
                attribute: attribute.attribute.clone(),
                value: value.clone(),
            },
            points: part.total(),
            significant: part.own_significant(),
        })
    });
    largest(movers, top)
}

/// The `top` largest theme and tag parts of an explained change, largest first; parts under
/// 0.05 points are left out.
pub fn largest_theme_parts(explanation: &Explanation, top: usize) -> Vec<Mover> {
    let movers = explanation.themes.iter().map(|theme| Mover {
        source: MoverSource::Theme {
            label: theme.label.clone(),
            is_tag: theme.is_tag,
        },
        points: theme.part.total(),
        significant: theme.part.own_significant(),
    });
    largest(movers, top)
}

fn largest(movers: impl Iterator<Item = Mover>, top: usize) -> Vec<Mover> {
    let mut movers: Vec<Mover> = movers
        .filter(|mover| mover.points.abs() >= SMALLEST_PART)
        .collect();
    movers.sort_by(|a, b| b.points.abs().total_cmp(&a.points.abs()));
    movers.truncate(top);
    movers
}

/// The query of one period of the comparison, grouped by `by` when given.
fn period_query(query: &Query, (start, end): (Timestamp, Timestamp), by: Option<&str>) -> Query {
    let mut each = query.clone();
    (each.from, each.to) = (Some(start), Some(end));
    each.group_by = by.map(|name| vec![name.to_owned()]).unwrap_or_default();
    each.bands.clear();
    each.interval = None;
    each
}

/// Fills `explanation.themes`: each entry's answers (kept to `query`'s selection) split
/// against all the others over the explanation's two periods, the largest part first.
/// Entries without an answer in either period are left out.
pub fn theme_parts(
    index: &ResponseIndex,
    query: &Query,
    explanation: &mut Explanation,
    entries: &[ThemeEntry],
) -> Result<(), QueryError> {
    let mut themes = Vec::new();
    for entry in entries {
        let histogram = |period: (Timestamp, Timestamp)| -> Result<Histogram, QueryError> {
            let mut narrowed = period_query(query, period, None);
            narrowed.rows = Some(match &query.rows {
                Some(only) => only & &entry.rows,
                None => entry.rows.clone(),
            });
            Ok(index.run(&index.plan(&narrowed)?).total)
        };
        let (now, before) = (
            histogram(explanation.current)?,
            histogram(explanation.previous)?,
        );
        if now.responses() + before.responses() == 0 {
            continue;
        }
        let others = |total: &Histogram, part: &Histogram| {
            let mut rest = *total.counts();
            for (count, theirs) in rest.iter_mut().zip(part.counts()) {
                *count -= theirs;
            }
            Histogram::from_counts(rest)
        };
        let slots = [
            (now, before),
            (
                others(&explanation.current_total, &now),
                others(&explanation.previous_total, &before),
            ),
        ];
        let Some(movement) = decompose(&slots) else {
            continue;
        };
        themes.push(ThemeMovement {
            id: entry.id.clone(),
            label: entry.label.clone(),
            is_tag: entry.is_tag,
            part: movement.parts[0],
        });
    }
    themes.sort_by(|a, b| b.part.total().abs().total_cmp(&a.part.total().abs()));
    explanation.themes = themes;
    Ok(())
}

/// Explains the change of `query`'s selection (its `from`, else `to` minus
/// [`DEFAULT_DAYS`]; its `to`, else `now`) from the period before.
pub fn explain(
    index: &ResponseIndex,
    query: &Query,
    now: Timestamp,
) -> Result<Explanation, ExplainError> {
    let to = query.to.unwrap_or(now);
    let from = query
        .from
        .unwrap_or_else(|| to - SignedDuration::from_hours(24 * DEFAULT_DAYS));
    if from >= to {
        return Err(ExplainError::EmptyPeriod);
    }
    let previous = (from - to.duration_since(from), from);
    let period = |bounds, by| period_query(query, bounds, by);
    let current_plan = index.plan(&period((from, to), None))?;
    if current_plan.is_anonymous() {
        return Err(ExplainError::Anonymous);
    }
    let current_total = index.run(&current_plan).total;
    let previous_total = index.run(&index.plan(&period(previous, None))?).total;
    let whole = decompose(&[(current_total, previous_total)]);
    let mut attributes = Vec::new();
    let surveys = match query.surveys.is_empty() {
        true => index.survey_ids(),
        false => query.surveys.clone(),
    };
    for (name, kind, _) in index.carried_attributes(&surveys) {
        let column = index.attribute_column(name)?;
        if !matches!(kind, AttributeKind::String | AttributeKind::Boolean)
            || index.attributes[column].code_count() > MAX_SEGMENTS + 1
        {
            continue;
        }
        let now_plan = index.plan(&period((from, to), Some(name)))?;
        let before_plan = index.plan(&period(previous, Some(name)))?;
        let (now, before) = (index.run(&now_plan), index.run(&before_plan));
        let slots: Vec<(Histogram, Histogram)> = now
            .groups
            .iter()
            .zip(&before.groups)
            .map(|(now, before)| (Histogram::from(*now), Histogram::from(*before)))
            .collect();
        let Some(movement) = decompose(&slots) else {
            continue;
        };
        let mut segments: Vec<(Option<String>, SegmentMove)> = movement
            .parts
            .into_iter()
            .enumerate()
            .filter(|(_, part)| part.current.responses() + part.previous.responses() > 0)
            .map(|(slot, part)| {
                let key = index
                    .value_at_code(column, slot as u32)
                    .map(|v| v.canonical());
                (key, part)
            })
            .collect();
        segments.sort_by(|a, b| b.1.total().abs().total_cmp(&a.1.total().abs()));
        attributes.push(AttributeMovement {
            attribute: name.to_owned(),
            segments,
        });
    }
    let largest = |attribute: &AttributeMovement| {
        attribute
            .segments
            .first()
            .map_or(0.0, |(_, part)| part.total().abs())
    };
    attributes.sort_by(|a, b| largest(b).total_cmp(&largest(a)));
    Ok(Explanation {
        current: (from, to),
        previous,
        current_total,
        previous_total,
        movement: whole,
        attributes,
        themes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rows::{answer, index_of};

    #[test]
    fn a_change_is_split_over_the_values_of_each_attribute() {
        let mut answers = Vec::new();
        let mut id = 0;
        let mut add = |count: usize, score: u8, date: &str, plan: &str| {
            for _ in 0..count {
                id += 1;
                answers.push(answer(id, id, score, date, &[("plan", plan)]));
            }
        };
        // January: 10 pro (all 10s), 30 free (all 3s). February: 30 pro, 10 free, same scores.
        add(10, 10, "2026-01-10", "pro");
        add(30, 3, "2026-01-10", "free");
        add(30, 10, "2026-02-10", "pro");
        add(10, 3, "2026-02-10", "free");
        let index = index_of(&answers);
        let query = Query {
            from: Some("2026-02-01T00:00:00Z".parse().expect("an instant")),
            to: Some("2026-03-01T00:00:00Z".parse().expect("an instant")),
            ..Query::default()
        };
        let explained = explain(&index, &query, Timestamp::now()).expect("explained");
        let movement = explained.movement.expect("a movement");
        assert!((movement.change - 100.0).abs() < 1e-9, "−50 → +50");
        let plan = &explained.attributes[0];
        assert_eq!(plan.attribute, "plan");
        let total: f64 = plan.segments.iter().map(|(_, part)| part.total()).sum();
        assert!((total - 100.0).abs() < 1e-9);
        assert!(
            plan.segments.iter().all(|(_, part)| part.own.abs() < 1e-9),
            "all mix"
        );
        assert_eq!(explained.previous.1, query.from.expect("from"));
    }

    #[test]
    fn a_theme_part_is_its_answers_against_all_the_others() {
        let mut answers = Vec::new();
        // January: 10 slow-support 2s and 30 others at 10; February: 30 slow 2s, 10 at 10.
        for (id, (score, date)) in std::iter::repeat_n((2, "2026-01-10"), 10)
            .chain(std::iter::repeat_n((10, "2026-01-11"), 30))
            .chain(std::iter::repeat_n((2, "2026-02-10"), 30))
            .chain(std::iter::repeat_n((10, "2026-02-11"), 10))
            .enumerate()
        {
            let id = id as i64 + 1;
            answers.push(answer(id, id, score, date, &[]));
        }
        let index = index_of(&answers);
        let slow: Vec<vouch_store::ResponseId> = (1..=10)
            .chain(41..=70)
            .map(vouch_store::ResponseId)
            .collect();
        let entry = ThemeEntry {
            id: "7".to_owned(),
            label: "Slow support".to_owned(),
            keywords: Vec::new(),
            is_tag: false,
            rows: index.rows_of_ids(&slow),
        };
        let query = Query {
            from: Some("2026-02-01T00:00:00Z".parse().expect("an instant")),
            to: Some("2026-03-01T00:00:00Z".parse().expect("an instant")),
            ..Query::default()
        };
        let mut explained = explain(&index, &query, Timestamp::now()).expect("explained");
        theme_parts(&index, &query, &mut explained, &[entry]).expect("split");
        let change = explained.movement.as_ref().expect("a movement").change;
        assert!((change - -100.0).abs() < 1e-9, "+50 → −50");
        let theme = &explained.themes[0];
        assert_eq!(theme.part.current.responses(), 30);
        assert_eq!(theme.part.previous.responses(), 10);
        assert!(theme.part.own.abs() < 1e-9, "its answers scored the same");
        assert!(
            (theme.part.mix - -100.0 * 0.5).abs() < 1e-9,
            "share 25 % → 75 %"
        );
        assert!(theme.part.mix_significant());
        let movers = largest_theme_parts(&explained, 3);
        assert_eq!(movers[0].label(), "theme “Slow support”");
        assert!((movers[0].points - -50.0).abs() < 1e-9);
    }
}
