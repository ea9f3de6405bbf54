//! Reading stored values back into the store's types.

use jiff::Timestamp;
use rusqlite::types::Type;
use vouch_core::{Score, SurveyKind};
use vouch_store::{Survey, SurveyId};

/// The error for a stored value that does not fit its Rust type.
pub(crate) fn conversion_error(column: usize, message: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, Type::Text, message.into().into())
}

/// Milliseconds since the epoch, as stored, back into a timestamp.
pub(crate) fn timestamp(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<Timestamp> {
    let millis: i64 = row.get(column)?;
    Timestamp::from_millisecond(millis)
        .map_err(|error| conversion_error(column, format!("bad timestamp {millis}: {error}")))
}

/// A stored score back into a [`Score`].
pub(crate) fn score(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<Score> {
    let value: i64 = row.get(column)?;
    Score::new(value).map_err(|error| conversion_error(column, error.to_string()))
}

/// The columns [`survey`] reads, in order, for a table aliased `s`.
pub(crate) const SURVEY_COLUMNS: &str =
    "s.id, s.name, s.kind, s.question, s.follow_up, s.created_at, s.archived, s.slug, s.settings";

/// How many columns [`SURVEY_COLUMNS`] has: the index of the first column after them.
pub(crate) const SURVEY_COLUMN_COUNT: usize = 9;

/// A survey from a row that starts with [`SURVEY_COLUMNS`].
pub(crate) fn survey(row: &rusqlite::Row<'_>) -> rusqlite::Result<Survey> {
    let kind: String = row.get(2)?;
    Ok(Survey {
        id: SurveyId(row.get(0)?),
        name: row.get(1)?,
        kind: SurveyKind::parse(&kind)
            .ok_or_else(|| conversion_error(2, format!("unknown survey kind {kind:?}")))?,
        question: row.get(3)?,
        follow_up: row.get(4)?,
        created_at: timestamp(row, 5)?,
        archived: row.get(6)?,
        slug: row.get(7)?,
        settings: serde_json::from_str(row.get_ref(8)?.as_str()?)
            .map_err(|error| conversion_error(8, format!("stored survey settings: {error}")))?,
    })
}

/// A nullable time column back into a timestamp.
pub(crate) fn optional_timestamp(
    row: &rusqlite::Row<'_>,
    column: usize,
) -> rusqlite::Result<Option<Timestamp>> {
    match row.get::<_, Option<i64>>(column)? {
        Some(_) => timestamp(row, column).map(Some),
        None => Ok(None),
    }
}

/// A count or a number of days, stored as an integer, back into a `u32`.
pub(crate) fn small_count(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<u32> {
    let value: i64 = row.get(column)?;
    u32::try_from(value)
        .map_err(|_| conversion_error(column, format!("{value} does not fit a 32-bit count")))
}

/// A nullable number of days back into an `Option<u32>`.
pub(crate) fn optional_small_count(
    row: &rusqlite::Row<'_>,
    column: usize,
) -> rusqlite::Result<Option<u32>> {
    match row.get::<_, Option<i64>>(column)? {
        Some(_) => small_count(row, column).map(Some),
        None => Ok(None),
    }
}

/// A JSON column back into `T`.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    row: &rusqlite::Row<'_>,
    column: usize,
    what: &str,
) -> rusqlite::Result<T> {
    serde_json::from_str(row.get_ref(column)?.as_str()?)
        .map_err(|error| conversion_error(column, format!("stored {what}: {error}")))
}
