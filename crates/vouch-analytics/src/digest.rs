//! The weekly digest's content, computed once for the e-mail, its preview and the CLI: over a
//! workspace's NPS surveys, one reported ISO week against the week before — NPS with its
//! margin of error, the change and its z-test, the "why it moved" parts, the themes whose
//! share rose most, the revenue at risk, and three recent comments.
//!
//! eNPS surveys are left out entirely: their answers are anonymous, and a digest naming a
//! comment or a figure of a small week would identify people.

use jiff::Timestamp;
use vouch_core::digest::DigestWeek;
use vouch_core::nps::{Comparison, compare};
use vouch_core::revenue::{Rates, value_attribute};
use vouch_core::{Category, Histogram, NpsFigures, SurveyKind};
use vouch_store::{Store, StoreResult, SurveyId, WorkspaceId};

use crate::disclosure::ShownAnswer;
use crate::explain::{explain, largest_parts, largest_theme_parts, theme_parts};
use crate::follow_up::FollowUp;
use crate::index::ResponseIndex;
use crate::query::Query;
use crate::rates::{RatesSource, choose_rates};
use crate::revenue::{revenue, revenue_weighted_nps};
use crate::theme_report::ThemeEntry;
use crate::themes::ThemeSet;

/// How many "why it moved" parts and rising themes a digest names.
pub const TOP: usize = 3;

/// Answers read per category while looking for one with a comment.
const VERBATIM_PAGE: usize = 50;

/// What the digest reads from the store besides the index.
#[derive(Debug)]
pub struct DigestSources {
    /// The NPS surveys (never eNPS), by id, with their names.
    pub surveys: Vec<(SurveyId, String)>,
    /// Every survey's automatic themes.
    pub themes: ThemeSet,
    /// The revenue rates the workspace saved.
    pub saved_rates: Option<Rates>,
    /// The number attribute that is each contact's value, when there is one.
    pub value_attribute: Option<String>,
}

impl DigestSources {
    /// Reads them for a workspace.
    pub async fn load(store: &dyn Store, workspace: WorkspaceId) -> StoreResult<DigestSources> {
        let surveys = store
            .survey_list(workspace)
            .await?
            .into_iter()
            .filter(|survey| survey.kind == SurveyKind::Nps && !survey.archived)
            .map(|survey| (survey.id, survey.name))
            .collect();
        let definitions = store.attribute_definitions(workspace).await?;
        let kind_of = |name: &str| {
            definitions
                .iter()
                .find(|definition| definition.name == name)
                .map(|definition| definition.kind)
        };
        Ok(DigestSources {
            surveys,
            themes: ThemeSet::load(store, workspace, None).await?,
            saved_rates: store.revenue_rates(workspace).await?,
            value_attribute: value_attribute(None, kind_of).ok().flatten(),
        })
    }
}

pub use crate::explain::{Mover, MoverSource};

/// A theme whose share of the week's answers rose.
#[derive(Debug, Clone, PartialEq)]
pub struct RisingTheme {
    /// Its label.
    pub label: String,
    /// Its answers in the reported week.
    pub responses: u64,
    /// Its share of the reported week's answers, 0…1.
    pub share: f64,
    /// Its share of the week before's.
    pub previous_share: f64,
}

/// The value at risk among the week's answers.
#[derive(Debug, Clone, PartialEq)]
pub struct AtRisk {
    /// The value attribute, e.g. `mrr`.
    pub attribute: String,
    /// Detractors' value × the detractor rate: what may be lost soon.
    pub short: f64,
    /// Passives' value × the passive rate: what may drift away.
    pub long: f64,
    /// Detractors counted (each contact once).
    pub detractors: u64,
    /// Where the rates come from.
    pub source: RatesSource,
}

/// The NPS of both weeks with each answer weighted by its contact's value.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedWeeks {
    /// The value attribute, e.g. `mrr`.
    pub attribute: String,
    /// The reported week's (`None` when none of its answers carries a value).
    pub current: Option<f64>,
    /// The week before's.
    pub previous: Option<f64>,
}

/// One comment quoted.
#[derive(Debug, Clone, PartialEq)]
pub struct Verbatim {
    /// The score given.
    pub score: u8,
    /// Its category.
    pub category: Category,
    /// The comment.
    pub comment: String,
    /// The survey's name.
    pub survey: String,
    /// When it was given.
    pub at: Timestamp,
}

/// Everything a digest says.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    /// The reported week.
    pub week: DigestWeek,
    /// The surveys it covers (NPS only), by name.
    pub surveys: Vec<String>,
    /// The reported week's figures.
    pub current: NpsFigures,
    /// The week before's.
    pub previous: NpsFigures,
    /// The change and its test (`None` unless both weeks have answers).
    pub change: Option<Comparison>,
    /// The largest parts of the change by segment.
    pub movers: Vec<Mover>,
    /// The largest parts of the change by theme (answers naming it against all others).
    pub theme_movers: Vec<Mover>,
    /// The revenue-weighted NPS of both weeks (`None` without a value attribute or without
    /// valued answers).
    pub revenue_weighted: Option<WeightedWeeks>,
    /// The themes whose share rose most.
    pub themes: Vec<RisingTheme>,
    /// Value at risk (`None` without a value attribute or without answers).
    pub at_risk: Option<AtRisk>,
    /// Up to three comments of the week: a detractor's, a passive's, a promoter's, newest
    /// first.
    pub verbatims: Vec<Verbatim>,
}

/// The digest's figures, computed under the index's lock; the comments it quotes are read
/// from the store afterwards ([`Figures::read`]).
#[derive(Debug, Clone)]
pub struct Figures {
    digest: Digest,
    listings: Vec<crate::disclosure::Listing>,
}

/// Computes the figures of `week` over `index` (built in the workspace's time zone).
pub fn figures(index: &ResponseIndex, sources: &DigestSources, week: DigestWeek) -> Figures {
    let time_zone = index.time_zone().clone();
    let (from, to) = week.bounds(&time_zone);
    let (before, _) = week.previous().bounds(&time_zone);
    let surveys: Vec<SurveyId> = sources.surveys.iter().map(|(id, _)| *id).collect();
    let query = |(from, to): (Timestamp, Timestamp)| Query {
        surveys: surveys.clone(),
        from: Some(from),
        to: Some(to),
        ..Query::default()
    };
    let (now_query, before_query) = (query((from, to)), query((before, from)));
    let total = |query: &Query| match (surveys.is_empty(), index.plan(query)) {
        (false, Ok(plan)) => index.run(&plan).total,
        _ => Histogram::default(),
    };
    let (current, previous) = (total(&now_query), total(&before_query));
    // The themes' rows are read once, for the parts of the change and the rising themes.
    let entries = theme_entries(index, sources);
    let mut digest = Digest {
        week,
        surveys: sources
            .surveys
            .iter()
            .map(|(_, name)| name.clone())
            .collect(),
        current: NpsFigures::from_histogram(&current),
        previous: NpsFigures::from_histogram(&previous),
        change: compare(&current, &previous),
        movers: Vec::new(),
        theme_movers: Vec::new(),
        revenue_weighted: weighted(index, sources, &now_query, &before_query),
        themes: rising_themes(
            index,
            &entries,
            &now_query,
            &before_query,
            &current,
            &previous,
        ),
        at_risk: at_risk(index, sources, &now_query, current.responses() > 0),
        verbatims: Vec::new(),
    };
    if current.responses() > 0 {
        (digest.movers, digest.theme_movers) = movers(index, &entries, &now_query, to);
    }
    let listings = match current.responses() > 0 {
        true => verbatim_listings(index, &now_query),
        false => Vec::new(),
    };
    Figures { digest, listings }
}

impl Figures {
    /// The digest, with the comments it quotes read from the store.
    pub async fn read(
        self,
        store: &dyn Store,
        workspace: WorkspaceId,
        sources: &DigestSources,
    ) -> StoreResult<Digest> {
        let Figures {
            mut digest,
            listings,
        } = self;
        for listing in listings {
            let quoted = listing
                .read(store, workspace)
                .await?
                .into_iter()
                .find_map(|answer| match answer {
                    ShownAnswer::Open(response) => {
                        let comment = response.comment.as_deref()?.trim();
                        (!comment.is_empty()).then(|| Verbatim {
                            score: response.score.value(),
                            category: response.score.category(),
                            comment: comment.to_owned(),
                            survey: survey_name(sources, response.survey),
                            at: response.created_at,
                        })
                    }
                    ShownAnswer::Anonymous(_) => None,
                });
            digest.verbatims.extend(quoted);
        }
        digest
            .verbatims
            .sort_by_key(|verbatim| std::cmp::Reverse(verbatim.at));
        Ok(digest)
    }
}

fn survey_name(sources: &DigestSources, id: SurveyId) -> String {
    sources
        .surveys
        .iter()
        .find(|(survey, _)| *survey == id)
        .map_or_else(String::new, |(_, name)| name.clone())
}

/// The largest parts of the change, at most [`TOP`] by segment and [`TOP`] by theme.
fn movers(
    index: &ResponseIndex,
    entries: &[ThemeEntry],
    query: &Query,
    to: Timestamp,
) -> (Vec<Mover>, Vec<Mover>) {
    if query.surveys.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let Ok(mut explanation) = explain(index, query, to) else {
        return (Vec::new(), Vec::new());
    };
    let segments = largest_parts(&explanation, TOP);
    let themes = match theme_parts(index, query, &mut explanation, entries) {
        Ok(()) => largest_theme_parts(&explanation, TOP),
        Err(_) => Vec::new(),
    };
    (segments, themes)
}

/// The automatic themes of every survey as entries over `index`.
fn theme_entries(index: &ResponseIndex, sources: &DigestSources) -> Vec<ThemeEntry> {
    sources
        .themes
        .themes()
        .iter()
        .zip(sources.themes.rows(index))
        .map(|(theme, rows)| ThemeEntry {
            id: theme.id.0.to_string(),
            label: theme.label.clone(),
            keywords: Vec::new(),
            is_tag: false,
            rows,
        })
        .collect()
}

/// The revenue-weighted NPS of both weeks, when contacts carry a value.
fn weighted(
    index: &ResponseIndex,
    sources: &DigestSources,
    now: &Query,
    before: &Query,
) -> Option<WeightedWeeks> {
    let attribute = sources.value_attribute.as_deref()?;
    if now.surveys.is_empty() {
        return None;
    }
    let of = |query: &Query| revenue_weighted_nps(index, query, attribute).ok().flatten();
    let (current, previous) = (of(now), of(before));
    (current.is_some() || previous.is_some()).then(|| WeightedWeeks {
        attribute: attribute.to_owned(),
        current,
        previous,
    })
}

/// The themes whose share of answers rose most from the week before, at most [`TOP`].
fn rising_themes(
    index: &ResponseIndex,
    entries: &[ThemeEntry],
    now: &Query,
    before: &Query,
    current: &Histogram,
    previous: &Histogram,
) -> Vec<RisingTheme> {
    if current.responses() == 0 {
        return Vec::new();
    }
    let count = |query: &Query, entry: &ThemeEntry| {
        let mut narrowed = query.clone();
        narrowed.rows = Some(entry.rows.clone());
        index
            .plan(&narrowed)
            .map_or(0, |plan| index.run(&plan).total.responses())
    };
    let share = |part: u64, whole: &Histogram| match whole.responses() {
        0 => 0.0,
        all => part as f64 / all as f64,
    };
    let mut rising: Vec<RisingTheme> = entries
        .iter()
        .map(|entry| {
            let responses = count(now, entry);
            RisingTheme {
                label: entry.label.clone(),
                responses,
                share: share(responses, current),
                previous_share: share(count(before, entry), previous),
            }
        })
        .filter(|theme| theme.responses > 0 && theme.share > theme.previous_share)
        .collect();
    rising.sort_by(|a, b| {
        (b.share - b.previous_share)
            .total_cmp(&(a.share - a.previous_share))
            .then_with(|| a.label.cmp(&b.label))
    });
    rising.truncate(TOP);
    rising
}

/// The value at risk among the contacts who answered in the week, by their latest answer.
fn at_risk(
    index: &ResponseIndex,
    sources: &DigestSources,
    query: &Query,
    any: bool,
) -> Option<AtRisk> {
    let attribute = sources.value_attribute.as_deref().filter(|_| any)?;
    let report = revenue(index, query, attribute, None).ok()?;
    let (rates, source) = choose_rates(sources.saved_rates, index, query);
    let figures = report.total.figures();
    Some(AtRisk {
        attribute: attribute.to_owned(),
        short: figures.at_risk_short(&rates),
        long: figures.at_risk_long(&rates),
        detractors: report.total.detractors.contacts,
        source,
    })
}

/// One page of the week's answers per category (detractors, passives, promoters), newest
/// first, to quote the first comment of each.
fn verbatim_listings(index: &ResponseIndex, query: &Query) -> Vec<crate::disclosure::Listing> {
    [0..=6, 7..=8, 9..=10]
        .into_iter()
        .filter_map(|scores| {
            let mut mask = [false; 11];
            for score in scores {
                mask[score] = true;
            }
            let one = Query {
                scores: Some(mask),
                ..query.clone()
            };
            index
                .listing(&one, &FollowUp::Any, None, VERBATIM_PAGE)
                .ok()
        })
        .collect()
}

#[cfg(test)]
#[path = "digest_tests.rs"]
mod tests;
