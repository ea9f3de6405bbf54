//! Conversions of column values shared by every area.

use jiff::Timestamp;
use vouch_store::StoreResult;

use crate::error::other;

/// A stored millisecond count as a timestamp.
pub(crate) fn timestamp(millis: i64) -> StoreResult<Timestamp> {
    Timestamp::from_millisecond(millis)
        .map_err(|error| other(format!("stored time {millis} is out of range: {error}")))
}
