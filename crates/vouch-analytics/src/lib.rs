//! The analytics engine: a compact columnar index of responses held in memory, and the query
//! engine that answers "NPS, counts and margin of error for this selection, grouped by this
//! attribute or period" over millions of responses in milliseconds.
//!
//! The index is built from the store (the source of truth) and kept in step with it by
//! [`sync::catch_up`], which reads responses and deletions newer than what the index holds.
//! A [`Query`] selects rows (survey, time range, attribute values, a word in the comment) and
//! groups them; the engine only counts scores into histograms, and [`report::build_report`]
//! turns histograms into figures with `vouch-core`, applying eNPS anonymity on the way out.
//!
//! ```
//! use vouch_analytics::{Query, ResponseIndex};
//! let index = ResponseIndex::new(jiff::tz::TimeZone::UTC);
//! let counts = index.run(&index.plan(&Query::default()).unwrap());
//! assert_eq!(counts.total.responses(), 0);
//! ```

pub mod at_risk;
mod bands;
pub mod churn;
mod column;
pub mod digest;
pub mod disclosure;
mod engine;
pub mod explain;
mod follow_up;
mod index;
pub mod leads;
pub mod leads_features;
mod leads_parts;
pub mod leads_saved;
mod listing;
pub mod live;
pub mod objections;
mod per_contact;
pub mod personas;
mod query;
pub mod rates;
pub mod report;
pub mod revenue;
pub mod rules;
pub mod search;
pub mod selection;
pub mod sentiment;
pub mod sync;
#[cfg(test)]
mod test_rows;
pub mod theme_report;
pub mod themes;
mod value_groups;

pub use engine::Counts;
pub use follow_up::FollowUp;
pub use index::{IndexStats, ResponseIndex, SentimentMix};
pub use listing::{BadPosition, ListPosition};
pub use per_contact::LatestAnswers;
pub use query::{GroupKey, Query, QueryError, QueryPlan};
