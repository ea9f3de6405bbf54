//! Sign-in sessions, stored by the SHA-256 of their cookie's secret.

use rusqlite::{Connection, OptionalExtension};
use vouch_store::{SessionRecord, StoreError, StoreResult, UserId, WorkspaceId};

use crate::error::{SqlContext, is_foreign_key_violation, is_unique_violation};
use crate::row::timestamp;

/// The columns [`session`] reads, in order.
const SESSION_COLUMNS: &str = "id_hash, user_id, workspace_id, csrf_token, created_at, expires_at";

fn session(row: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id_hash: row.get(0)?,
        user: UserId(row.get(1)?),
        workspace: WorkspaceId(row.get(2)?),
        csrf_token: row.get(3)?,
        created_at: timestamp(row, 4)?,
        expires_at: timestamp(row, 5)?,
    })
}

/// Stores a new session: a hash stored already is a `Conflict`, an unknown user or workspace
/// `NotFound`.
pub(crate) fn create(connection: &Connection, new: &SessionRecord) -> StoreResult<()> {
    let inserted = connection
        .prepare_cached(&format!(
            "INSERT INTO sessions ({SESSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        ))
        .and_then(|mut insert| {
            insert.execute((
                &new.id_hash,
                new.user.0,
                new.workspace.0,
                &new.csrf_token,
                new.created_at.as_millisecond(),
                new.expires_at.as_millisecond(),
            ))
        });
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Err(StoreError::Conflict(
            "a session with the same secret already exists".to_owned(),
        )),
        Err(error) if is_foreign_key_violation(&error) => Err(StoreError::NotFound(format!(
            "user {} or workspace {}",
            new.user.0, new.workspace.0
        ))),
        Err(error) => Err(error).sql_context("failed to create a session"),
    }
}

/// The session with this hash, unless it expired at `now` (milliseconds).
pub(crate) fn by_hash(
    connection: &Connection,
    id_hash: &str,
    now: i64,
) -> StoreResult<Option<SessionRecord>> {
    connection
        .prepare_cached(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE id_hash = ?1 AND expires_at > ?2"
        ))
        .and_then(|mut statement| statement.query_row((id_hash, now), session).optional())
        .sql_context("failed to read a session")
}

/// Points a session at another workspace; `NotFound` for an unknown session or workspace.
pub(crate) fn switch(
    connection: &Connection,
    id_hash: &str,
    workspace: WorkspaceId,
) -> StoreResult<()> {
    let changed = connection
        .prepare_cached("UPDATE sessions SET workspace_id = ?2 WHERE id_hash = ?1")
        .and_then(|mut update| update.execute((id_hash, workspace.0)));
    match changed {
        Ok(0) => Err(StoreError::NotFound("no such session".to_owned())),
        Ok(_) => Ok(()),
        Err(error) if is_foreign_key_violation(&error) => {
            Err(StoreError::NotFound(format!("workspace {}", workspace.0)))
        }
        Err(error) => Err(error).sql_context("failed to switch a session"),
    }
}

/// Ends a session. Ending one that is gone already (signing out twice) is not an error.
pub(crate) fn delete(connection: &Connection, id_hash: &str) -> StoreResult<()> {
    connection
        .prepare_cached("DELETE FROM sessions WHERE id_hash = ?1")
        .and_then(|mut delete| delete.execute([id_hash]))
        .sql_context("failed to end a session")?;
    Ok(())
}
