//! The inbox's search (`q=`): ranked comment search (`ResponseIndex::search`) with every other
//! filter, a page at a time by the search's own cursor (`after=`).

use vouch_analytics::disclosure::Listing;
use vouch_analytics::search::SearchCursor;
use vouch_analytics::{FollowUp, Query, ResponseIndex};
use vouch_core::text::Term;

use super::filters::one;

/// A search the URL asks for, read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Search {
    /// As typed (empty without a search).
    pub(crate) text: String,
    /// Its terms (empty when there is none or it cannot be read).
    pub(crate) terms: Vec<Term>,
    /// Why it cannot run, shown next to the box.
    pub(crate) error: Option<String>,
    /// Where the page starts.
    pub(crate) after: Option<SearchCursor>,
}

impl Search {
    /// Reads `q` and `after`; a bad search is kept as its message.
    pub(crate) fn parse(pairs: &[(String, String)]) -> Search {
        let Some(text) = one(pairs, "q") else {
            return Search::default();
        };
        let after = one(pairs, "after").and_then(|cursor| cursor.parse().ok());
        match Term::parse_search(text) {
            Ok(terms) if terms.is_empty() => Search {
                text: text.to_owned(),
                error: Some("type a word to search for".to_owned()),
                ..Search::default()
            },
            Ok(terms) => Search {
                text: text.to_owned(),
                terms,
                error: None,
                after,
            },
            Err(error) => Search {
                text: text.to_owned(),
                error: Some(error.to_string()),
                ..Search::default()
            },
        }
    }

    /// True when the list is a search's results.
    pub(crate) fn active(&self) -> bool {
        !self.terms.is_empty()
    }

    /// One page of the search; the error's message when it cannot run.
    pub(crate) fn page(
        &self,
        index: &ResponseIndex,
        query: &Query,
        follow_up: &FollowUp,
        limit: usize,
    ) -> Result<(Listing, Option<SearchCursor>), String> {
        let mut query = query.clone();
        if let FollowUp::Only(ids) = follow_up {
            let rows = index.rows_of_ids(ids);
            query.rows = Some(match query.rows {
                Some(only) => only & rows,
                None => rows,
            });
        }
        index
            .search(&query, &self.terms, self.after, limit)
            .map(|found| (found.listing, found.next))
            .map_err(|error| error.to_string())
    }

    /// "12 answers match “slow support” · best match first".
    pub(crate) fn summary(&self, total: u64) -> String {
        let noun = if total == 1 {
            "answer matches"
        } else {
            "answers match"
        };
        format!(
            "{} {noun} “{}” · best match first",
            vouch_charts::format_count(total),
            self.text
        )
    }
}
