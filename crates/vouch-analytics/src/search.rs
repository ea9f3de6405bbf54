//! Ranked search over comments: words, `prefix*`es and `"phrases"`, with every other filter.
//!
//! A response matches when its comment holds at least one term. Responses are ranked by the
//! summed rarity of the terms they hold (`ln(1 + N / df)` per term, so a response holding every
//! term comes first and a rare term counts more than a common one), then latest received
//! first. The ranking is computed on the posting lists alone: the responses holding exactly
//! the same terms form one tier, found by splitting the matches term by term, and a page walks
//! the tiers best first. Answers to anonymous (eNPS) surveys are never searched.

use std::collections::HashMap;

use roaring::RoaringBitmap;
use vouch_core::text::Term;
use vouch_store::ResponseId;

use crate::disclosure::{Listing, Verdict};
use crate::follow_up::FollowUp;
use crate::index::ResponseIndex;
use crate::query::{Query, QueryError};

/// The most terms one search may hold.
pub const MAX_SEARCH_TERMS: usize = 8;

/// Where the next page of a search starts: the tier (the set of terms held, as bits) and the
/// last response listed in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchCursor {
    terms: u32,
    after: ResponseId,
}

impl std::fmt::Display for SearchCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s{}.{}", self.terms, self.after.0)
    }
}

impl std::str::FromStr for SearchCursor {
    type Err = String;

    fn from_str(text: &str) -> Result<SearchCursor, String> {
        let bad = || format!("{text:?} is not a search cursor (pass next_cursor back as it is)");
        let (terms, after) = text
            .strip_prefix('s')
            .and_then(|rest| rest.split_once('.'))
            .ok_or_else(bad)?;
        Ok(SearchCursor {
            terms: terms.parse().map_err(|_| bad())?,
            after: ResponseId(after.parse().map_err(|_| bad())?),
        })
    }
}

/// One page of a search, planned: read it with [`Listing::read`].
#[derive(Debug, Clone)]
pub struct SearchListing {
    /// The page, best match first, with every survey's rules attached.
    pub listing: Listing,
    /// Where the next page starts, when there is one.
    pub next: Option<SearchCursor>,
}

/// The responses holding exactly one set of terms, with that set's rank.
struct Tier {
    terms: u32,
    score: f64,
    rows: RoaringBitmap,
}

impl ResponseIndex {
    /// One page of the responses `query` selects whose comment holds one of `terms`, best
    /// match first, after `cursor`.
    pub fn search(
        &self,
        query: &Query,
        terms: &[Term],
        cursor: Option<SearchCursor>,
        limit: usize,
    ) -> Result<SearchListing, QueryError> {
        if terms.len() > MAX_SEARCH_TERMS {
            return Err(QueryError::TooManyTerms(terms.len()));
        }
        let open: Vec<_> = self
            .listable_surveys(query)?
            .into_iter()
            .filter(|(_, verdict)| *verdict == Verdict::Open)
            .collect();
        let postings: Vec<RoaringBitmap> = terms.iter().map(|t| self.rows_holding(t)).collect();
        let matched = postings
            .iter()
            .fold(RoaringBitmap::new(), |all, rows| all | rows);
        let selected = Query {
            surveys: open.iter().map(|(survey, _)| *survey).collect(),
            rows: Some(match &query.rows {
                Some(only) => only & &matched,
                None => matched,
            }),
            ..query.clone()
        };
        let plan = self.plan(&selected)?;
        let total = match open.is_empty() {
            true => 0,
            false => self.run(&plan).total.responses(),
        };
        let tiers = self.tiers(&postings, selected.rows.unwrap_or_default());
        let mut ids = Vec::new();
        let mut next = None;
        let start = cursor.map_or(0, |cursor| {
            tiers
                .iter()
                .position(|tier| tier.terms == cursor.terms)
                .unwrap_or(tiers.len())
        });
        'tiers: for tier in tiers.iter().skip(start) {
            let below = cursor
                .filter(|cursor| cursor.terms == tier.terms)
                .and_then(|cursor| self.row_of(cursor.after));
            let rows = tier.rows.iter().rev().map(|row| row as usize);
            for row in rows.filter(|row| below.is_none_or(|below| *row < below)) {
                if open.is_empty() || !self.selects(&plan, row) {
                    continue;
                }
                if ids.len() == limit {
                    next = ids.last().map(|after| SearchCursor {
                        terms: tier_of(&tiers, *after, self),
                        after: *after,
                    });
                    break 'tiers;
                }
                ids.push(ResponseId(self.ids[row]));
            }
        }
        let verdicts: HashMap<_, _> = open.into_iter().collect();
        let listing = Listing::planned(self, ids, verdicts, Vec::new(), total);
        Ok(SearchListing { listing, next })
    }

    /// The matches split by which terms each holds, best ranked first.
    fn tiers(&self, postings: &[RoaringBitmap], matched: RoaringBitmap) -> Vec<Tier> {
        let rows = self.ids.len().max(1) as f64;
        let mut tiers = vec![Tier {
            terms: 0,
            score: 0.0,
            rows: matched,
        }];
        for (at, holding) in postings.iter().enumerate() {
            let rarity = (1.0 + rows / holding.len().max(1) as f64).ln();
            let mut split = Vec::with_capacity(tiers.len() * 2);
            for tier in tiers {
                let with = &tier.rows & holding;
                let without = &tier.rows - holding;
                if !with.is_empty() {
                    split.push(Tier {
                        terms: tier.terms | 1 << at,
                        score: tier.score + rarity,
                        rows: with,
                    });
                }
                if !without.is_empty() {
                    split.push(Tier {
                        rows: without,
                        ..tier
                    });
                }
            }
            tiers = split;
        }
        tiers.retain(|tier| tier.terms != 0);
        tiers.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.terms.cmp(&a.terms)));
        tiers
    }
}

/// The tier a listed response was found in.
fn tier_of(tiers: &[Tier], id: ResponseId, index: &ResponseIndex) -> u32 {
    index
        .row_of(id)
        .and_then(|row| tiers.iter().find(|tier| tier.rows.contains(row as u32)))
        .map_or(0, |tier| tier.terms)
}

/// The surveys a listing or search may show, with their verdicts.
pub(crate) type ListableSurveys = Vec<(vouch_store::SurveyId, Verdict)>;

impl ResponseIndex {
    /// The surveys of the selection whose answers may be listed, with their verdicts.
    pub(crate) fn listable_surveys(&self, query: &Query) -> Result<ListableSurveys, QueryError> {
        let (verdicts, _) = self.verdicts(query, &FollowUp::Any)?;
        let mut listable: ListableSurveys = verdicts.into_iter().collect();
        listable.sort_by_key(|(survey, _)| *survey);
        Ok(listable)
    }
}
