//! Invitations to join a workspace: links that work once, until they expire.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::{MemberInvite, Membership, StoreError, StoreResult, UserId, WorkspaceId};

use crate::accounts::user::{self, role};
use crate::error::{SqlContext, is_foreign_key_violation, is_unique_violation};
use crate::row::{optional_timestamp, timestamp};

/// The columns [`member_invite`] reads, in order.
const INVITE_COLUMNS: &str = "token_hash, workspace_id, role, hr, email, invited_by, created_at, \
                              expires_at, accepted_at";

fn member_invite(row: &rusqlite::Row<'_>) -> rusqlite::Result<MemberInvite> {
    Ok(MemberInvite {
        token_hash: row.get(0)?,
        workspace: WorkspaceId(row.get(1)?),
        role: role(row, 2)?,
        hr: row.get(3)?,
        email: row.get(4)?,
        invited_by: UserId(row.get(5)?),
        created_at: timestamp(row, 6)?,
        expires_at: timestamp(row, 7)?,
        accepted_at: optional_timestamp(row, 8)?,
    })
}

/// Stores an invitation as given: a hash stored already is a `Conflict`, an unknown workspace
/// or inviting user `NotFound`.
pub(crate) fn create(connection: &Connection, invite: &MemberInvite) -> StoreResult<()> {
    let inserted = connection
        .prepare_cached(&format!(
            "INSERT INTO member_invites ({INVITE_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ))
        .and_then(|mut insert| {
            insert.execute((
                &invite.token_hash,
                invite.workspace.0,
                invite.role.as_str(),
                invite.hr,
                &invite.email,
                invite.invited_by.0,
                invite.created_at.as_millisecond(),
                invite.expires_at.as_millisecond(),
                invite.accepted_at.map(Timestamp::as_millisecond),
            ))
        });
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Err(StoreError::Conflict(
            "an invitation with the same secret already exists".to_owned(),
        )),
        Err(error) if is_foreign_key_violation(&error) => Err(StoreError::NotFound(format!(
            "workspace {} or user {}",
            invite.workspace.0, invite.invited_by.0
        ))),
        Err(error) => Err(error).sql_context("failed to create an invitation to join"),
    }
}

/// The invitation with this hash, accepted or not.
pub(crate) fn by_hash(
    connection: &Connection,
    token_hash: &str,
) -> StoreResult<Option<MemberInvite>> {
    connection
        .prepare_cached(&format!(
            "SELECT {INVITE_COLUMNS} FROM member_invites WHERE token_hash = ?1"
        ))
        .and_then(|mut statement| statement.query_row([token_hash], member_invite).optional())
        .sql_context("failed to read an invitation to join")
}

/// Accepts an invitation for a user in one transaction; see
/// [`vouch_store::AccountStore::accept_member_invite`]. A user who is a member already keeps the
/// higher of the two roles and the HR permission if either gives it.
pub(crate) fn accept(
    connection: &mut Connection,
    token_hash: &str,
    id: UserId,
    at: i64,
) -> StoreResult<Membership> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start accepting an invitation to join")?;
    // Marking it accepted first, under the write lock, is what makes a link work once.
    let invite = transaction
        .prepare_cached(&format!(
            "UPDATE member_invites SET accepted_at = ?2
             WHERE token_hash = ?1 AND accepted_at IS NULL AND expires_at > ?2
             RETURNING {INVITE_COLUMNS}"
        ))
        .and_then(|mut update| update.query_row((token_hash, at), member_invite).optional())
        .sql_context("failed to accept an invitation to join")?
        .ok_or_else(|| {
            StoreError::NotFound("no such invitation that is unused and not expired".to_owned())
        })?;
    let (role, hr) = match user::membership_of(&transaction, invite.workspace, id)? {
        Some(current) => (current.role.max(invite.role), current.hr || invite.hr),
        None => (invite.role, invite.hr),
    };
    let membership = user::upsert_membership(&transaction, invite.workspace, id, role, hr, at)?;
    transaction
        .commit()
        .sql_context("failed to commit an accepted invitation")?;
    Ok(membership)
}
