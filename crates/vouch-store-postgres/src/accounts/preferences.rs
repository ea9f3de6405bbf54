//! What each member chose for themselves in a workspace, kept as a JSON object on their
//! membership.

use deadpool_postgres::ClientWrapper;
use vouch_store::{MemberPreferences, StoreError, StoreResult, UserId, WorkspaceId};

use crate::error::PgContext;

fn not_a_member(workspace: WorkspaceId, user: UserId) -> StoreError {
    StoreError::NotFound(format!("user {} in workspace {}", user.0, workspace.0))
}

/// A member's choices; `NotFound` if they are not a member.
pub(crate) async fn read(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    user: UserId,
) -> StoreResult<MemberPreferences> {
    let row = client
        .query_opt(
            "SELECT preferences FROM memberships WHERE workspace_id = $1 AND user_id = $2",
            &[&workspace.0, &user.0],
        )
        .await
        .pg_context("failed to read a member's preferences")?
        .ok_or_else(|| not_a_member(workspace, user))?;
    let text: String = row
        .try_get(0)
        .pg_context("failed to read a member's preferences")?;
    Ok(MemberPreferences::from_json(&text))
}

/// Replaces a member's choices; `NotFound` if they are not a member.
pub(crate) async fn write(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    user: UserId,
    preferences: &MemberPreferences,
) -> StoreResult<()> {
    let changed = client
        .execute(
            "UPDATE memberships SET preferences = $3 WHERE workspace_id = $1 AND user_id = $2",
            &[&workspace.0, &user.0, &preferences.to_json()],
        )
        .await
        .pg_context("failed to save a member's preferences")?;
    match changed {
        0 => Err(not_a_member(workspace, user)),
        _ => Ok(()),
    }
}
