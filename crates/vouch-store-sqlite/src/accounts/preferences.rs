//! What each member chose for themselves in a workspace, kept as a JSON object on their
//! membership.

use rusqlite::{Connection, OptionalExtension};
use vouch_store::{MemberPreferences, StoreError, StoreResult, UserId, WorkspaceId};

use crate::error::SqlContext;

fn not_a_member(workspace: WorkspaceId, user: UserId) -> StoreError {
    StoreError::NotFound(format!("user {} in workspace {}", user.0, workspace.0))
}

/// A member's choices; `NotFound` if they are not a member.
pub(crate) fn read(
    connection: &Connection,
    workspace: WorkspaceId,
    user: UserId,
) -> StoreResult<MemberPreferences> {
    let text: Option<String> = connection
        .prepare_cached(
            "SELECT preferences FROM memberships WHERE workspace_id = ?1 AND user_id = ?2",
        )
        .and_then(|mut select| {
            select
                .query_row((workspace.0, user.0), |row| row.get(0))
                .optional()
        })
        .sql_context("failed to read a member's preferences")?;
    let text = text.ok_or_else(|| not_a_member(workspace, user))?;
    Ok(MemberPreferences::from_json(&text))
}

/// Replaces a member's choices; `NotFound` if they are not a member.
pub(crate) fn write(
    connection: &Connection,
    workspace: WorkspaceId,
    user: UserId,
    preferences: &MemberPreferences,
) -> StoreResult<()> {
    let changed = connection
        .prepare_cached(
            "UPDATE memberships SET preferences = ?3 WHERE workspace_id = ?1 AND user_id = ?2",
        )
        .and_then(|mut update| update.execute((workspace.0, user.0, preferences.to_json())))
        .sql_context("failed to save a member's preferences")?;
    match changed {
        0 => Err(not_a_member(workspace, user)),
        _ => Ok(()),
    }
}
