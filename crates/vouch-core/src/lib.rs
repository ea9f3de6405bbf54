//! The pure core of Vouch: the NPS method and nothing else.
//!
//! Every figure Vouch shows is a function of an 11-bin [`Histogram`] of scores: the engine
//! counts, this crate turns counts into figures. No I/O, no SQL, no HTTP, no wire formats.
//!
//! ```
//! use vouch_core::{Histogram, Score, NpsFigures};
//! let mut histogram = Histogram::default();
//! for raw in [10, 9, 8, 3] {
//!     histogram.add(Score::new(raw).unwrap());
//! }
//! let figures = NpsFigures::from_histogram(&histogram);
//! assert_eq!(figures.nps, Some(25.0));
//! ```
#![deny(missing_docs)]

pub mod account;
pub mod attribute;
pub mod bands;
pub mod brand;
pub mod digest;
pub mod email;
pub mod histogram;
pub mod language;
pub mod limits;
pub mod logistic;
pub mod movement;
pub mod nps;
pub mod origin;
pub mod password;
pub mod period;
pub mod reply;
pub mod revenue;
pub mod sample;
pub mod score;
pub mod share;
pub mod suppression;
pub mod survey;
pub mod tag;
pub mod text;
pub mod token;
pub mod webhook;

pub use account::{UserName, UserNameError};
pub use attribute::{AttributeKind, AttributeValue};
pub use bands::Banding;
pub use email::{Email, EmailError};
pub use histogram::Histogram;
pub use language::Language;
pub use nps::{Comparison, NpsFigures, compare};
pub use password::PasswordError;
pub use period::{Interval, Period};
pub use score::{Category, Score, ScoreError};
pub use suppression::{ANONYMITY_MIN_COMMENTS, ANONYMITY_MIN_RESPONSES, suppressed_groups};
pub use survey::SurveyKind;
pub use tag::normalise_tags;
