//! Widget keys: the public keys in-app widgets are embedded with, unique across the server.

use rusqlite::{Connection, OptionalExtension};
use vouch_store::{
    NewWidgetKey, StoreError, StoreResult, SurveyId, WidgetKey, WidgetKeyId, WorkspaceId,
};

use crate::error::{SqlContext, is_unique_violation, other};
use crate::now_millis;
use crate::row::{json, optional_timestamp, small_count, timestamp};

/// The columns [`widget_key`] reads, in order.
const WIDGET_KEY_COLUMNS: &str = "id, workspace_id, survey_id, key, origins, sample, min_account_age_days, created_at, \
     revoked_at";

fn widget_key(row: &rusqlite::Row<'_>) -> rusqlite::Result<WidgetKey> {
    Ok(WidgetKey {
        id: WidgetKeyId(row.get(0)?),
        workspace: WorkspaceId(row.get(1)?),
        survey: SurveyId(row.get(2)?),
        key: row.get(3)?,
        origins: json(row, 4, "widget origins")?,
        sample: row.get(5)?,
        min_account_age_days: small_count(row, 6)?,
        created_at: timestamp(row, 7)?,
        revoked_at: optional_timestamp(row, 8)?,
    })
}

/// Stores a widget key for a survey of the workspace; a key that exists is a `Conflict`.
pub(crate) fn create(
    connection: &Connection,
    workspace: WorkspaceId,
    new: &NewWidgetKey,
) -> StoreResult<WidgetKey> {
    let survey_owned = connection
        .prepare_cached("SELECT 1 FROM surveys WHERE id = ?1 AND workspace_id = ?2")
        .and_then(|mut statement| statement.exists((new.survey.0, workspace.0)))
        .sql_context("failed to read a survey")?;
    if !survey_owned {
        return Err(StoreError::NotFound(format!("survey {}", new.survey.0)));
    }
    let origins = serde_json::to_string(&new.origins)
        .map_err(|error| other(format!("failed to write widget origins: {error}")))?;
    let inserted = connection
        .prepare_cached(&format!(
            "INSERT INTO widget_keys
                 (workspace_id, survey_id, key, origins, sample, min_account_age_days, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             RETURNING {WIDGET_KEY_COLUMNS}"
        ))
        .and_then(|mut insert| {
            insert.query_row(
                (
                    workspace.0,
                    new.survey.0,
                    &new.key,
                    &origins,
                    new.sample,
                    new.min_account_age_days,
                    now_millis(),
                ),
                widget_key,
            )
        });
    match inserted {
        Ok(key) => Ok(key),
        Err(error) if is_unique_violation(&error) => Err(StoreError::Conflict(
            "a widget key with the same key already exists".to_owned(),
        )),
        Err(error) => Err(error).sql_context("failed to create a widget key"),
    }
}

/// The widget key with this public key, in any workspace.
pub(crate) fn by_key(connection: &Connection, key: &str) -> StoreResult<Option<WidgetKey>> {
    connection
        .prepare_cached(&format!(
            "SELECT {WIDGET_KEY_COLUMNS} FROM widget_keys WHERE key = ?1"
        ))
        .and_then(|mut statement| statement.query_row([key], widget_key).optional())
        .sql_context("failed to read a widget key")
}

/// Every widget key of the workspace, oldest first.
pub(crate) fn list(connection: &Connection, workspace: WorkspaceId) -> StoreResult<Vec<WidgetKey>> {
    connection
        .prepare_cached(&format!(
            "SELECT {WIDGET_KEY_COLUMNS} FROM widget_keys WHERE workspace_id = ?1 ORDER BY id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], widget_key)
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to list widget keys")
}

/// Revokes a widget key of the workspace. Revoking it again changes nothing (it keeps the
/// first time); a key the workspace does not have is `NotFound`.
pub(crate) fn revoke(
    connection: &Connection,
    workspace: WorkspaceId,
    key: &str,
) -> StoreResult<()> {
    let changed = connection
        .prepare_cached(
            "UPDATE widget_keys SET revoked_at = coalesce(revoked_at, ?3)
             WHERE workspace_id = ?1 AND key = ?2",
        )
        .and_then(|mut update| update.execute((workspace.0, key, now_millis())))
        .sql_context("failed to revoke a widget key")?;
    match changed {
        0 => Err(StoreError::NotFound("no such widget key".to_owned())),
        _ => Ok(()),
    }
}
