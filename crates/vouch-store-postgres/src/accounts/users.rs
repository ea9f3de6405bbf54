//! The dashboard's accounts: users, their memberships of workspaces, sessions, invitations to
//! join a workspace and password resets.
//!
//! Links that work once (invitations, password resets) are used up by one `UPDATE … WHERE
//! <still usable> RETURNING …`: of two requests racing on one link, the second waits for the
//! first's row lock, then finds the row changed and no longer matching, so exactly one wins
//! without any explicit lock. Every write that touches two tables does so in one statement
//! (data-modifying `WITH`), which is one transaction.

use deadpool_postgres::ClientWrapper;
use jiff::Timestamp;
use tokio_postgres::Row;
use vouch_store::{
    MemberInvite, Membership, NewUser, Role, SessionRecord, StoreError, StoreResult, User, UserId,
    WorkspaceId,
};

use crate::error::{PgContext, other};
use crate::now_millis;
use crate::row::timestamp;

/// An email as users are kept and looked up: trimmed, ASCII letters in lower case
/// ([`vouch_core::email::normalise`]).
pub(crate) fn email_key(email: &str) -> String {
    vouch_core::email::normalise(email)
}

/// The columns [`user_of_row`] reads, in its order.
const USER_COLUMNS: &str = "id, email, name, created_at";

/// The user in the [`USER_COLUMNS`] of `row`, the first one at `first`.
fn user_of_row(row: &Row, first: usize) -> StoreResult<User> {
    let context = "failed to read a user";
    Ok(User {
        id: UserId(row.try_get(first).pg_context(context)?),
        email: row.try_get(first + 1).pg_context(context)?,
        name: row.try_get(first + 2).pg_context(context)?,
        created_at: timestamp(row.try_get(first + 3).pg_context(context)?)?,
    })
}

/// The role stored as `text`.
fn role(text: &str) -> StoreResult<Role> {
    Role::parse(text).ok_or_else(|| other(format!("a stored role is unknown: {text:?}")))
}

/// Creates a user; a taken email is a [`StoreError::Conflict`].
pub(crate) async fn create_user(client: &ClientWrapper, user: &NewUser) -> StoreResult<User> {
    let email = email_key(&user.email);
    let inserted = client
        .query_one(
            &format!(
                "INSERT INTO users (email, name, password_hash, created_at)
                 VALUES ($1, $2, $3, $4)
                 RETURNING {USER_COLUMNS}"
            ),
            &[&email, &user.name, &user.password_hash, &now_millis()],
        )
        .await;
    match inserted.pg_context("failed to create a user") {
        Ok(row) => user_of_row(&row, 0),
        Err(StoreError::Conflict(_)) => Err(StoreError::Conflict(format!(
            "a user with the email {email:?} already exists"
        ))),
        Err(error) => Err(error),
    }
}

/// The user with this email, with their password hash.
pub(crate) async fn user_by_email(
    client: &ClientWrapper,
    email: &str,
) -> StoreResult<Option<(User, String)>> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
        ))
        .await
        .pg_context("failed to prepare the user lookup")?;
    let row = client
        .query_opt(&statement, &[&email_key(email)])
        .await
        .pg_context("failed to read a user")?;
    let Some(row) = row else { return Ok(None) };
    let hash = row.try_get(4).pg_context("failed to read a user")?;
    Ok(Some((user_of_row(&row, 0)?, hash)))
}

/// The user with this id.
pub(crate) async fn user(client: &ClientWrapper, id: UserId) -> StoreResult<Option<User>> {
    let statement = client
        .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .await
        .pg_context("failed to prepare the user lookup")?;
    let row = client
        .query_opt(&statement, &[&id.0])
        .await
        .pg_context("failed to read a user")?;
    row.map(|row| user_of_row(&row, 0)).transpose()
}

/// Replaces a user's password hash and ends all their sessions, in one statement.
pub(crate) async fn set_password(
    client: &ClientWrapper,
    id: UserId,
    password_hash: &str,
) -> StoreResult<()> {
    let row = client
        .query_one(
            "WITH changed AS (
                 UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING id
             ),
             ended AS (
                 DELETE FROM sessions WHERE user_id IN (SELECT id FROM changed)
             )
             SELECT count(*) FROM changed",
            &[&id.0, &password_hash],
        )
        .await
        .pg_context("failed to change a password")?;
    let changed: i64 = row.try_get(0).pg_context("failed to change a password")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("user {}", id.0))),
        _ => Ok(()),
    }
}

/// The columns [`membership_of_row`] reads, of `memberships m` joined with `workspaces w`.
const MEMBERSHIP_COLUMNS: &str = "m.workspace_id, w.slug, m.user_id, m.role, m.hr, m.created_at";

/// The membership in the [`MEMBERSHIP_COLUMNS`] of `row`, the first one at `first`.
fn membership_of_row(row: &Row, first: usize) -> StoreResult<Membership> {
    let context = "failed to read a membership";
    Ok(Membership {
        workspace: WorkspaceId(row.try_get(first).pg_context(context)?),
        workspace_slug: row.try_get(first + 1).pg_context(context)?,
        user: UserId(row.try_get(first + 2).pg_context(context)?),
        role: role(row.try_get(first + 3).pg_context(context)?)?,
        hr: row.try_get(first + 4).pg_context(context)?,
        created_at: timestamp(row.try_get(first + 5).pg_context(context)?)?,
    })
}

/// The workspaces a user belongs to, by slug (byte order, as SQLite sorts).
pub(crate) async fn memberships(
    client: &ClientWrapper,
    user: UserId,
) -> StoreResult<Vec<Membership>> {
    let rows = client
        .query(
            &format!(
                "SELECT {MEMBERSHIP_COLUMNS}
                 FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
                 WHERE m.user_id = $1
                 ORDER BY w.slug COLLATE \"C\", w.id"
            ),
            &[&user.0],
        )
        .await
        .pg_context("failed to list a user's workspaces")?;
    rows.iter().map(|row| membership_of_row(row, 0)).collect()
}

/// The members of a workspace, by name (byte order, as SQLite sorts).
pub(crate) async fn members(
    client: &ClientWrapper,
    workspace: WorkspaceId,
) -> StoreResult<Vec<(User, Membership)>> {
    let rows = client
        .query(
            &format!(
                "SELECT u.id, u.email, u.name, u.created_at, {MEMBERSHIP_COLUMNS}
                 FROM memberships m
                 JOIN workspaces w ON w.id = m.workspace_id
                 JOIN users u ON u.id = m.user_id
                 WHERE m.workspace_id = $1
                 ORDER BY u.name COLLATE \"C\", u.id"
            ),
            &[&workspace.0],
        )
        .await
        .pg_context("failed to list a workspace's members")?;
    rows.iter()
        .map(|row| Ok((user_of_row(row, 0)?, membership_of_row(row, 4)?)))
        .collect()
}

/// Makes a user a member of a workspace, or changes their role and HR permission there (keeping
/// the time they joined). An unknown user or workspace is [`StoreError::NotFound`].
pub(crate) async fn set_membership(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    user: UserId,
    role: Role,
    hr: bool,
) -> StoreResult<Membership> {
    let row = client
        .query_one(
            &format!(
                "WITH m AS (
                     INSERT INTO memberships (workspace_id, user_id, role, hr, created_at)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (workspace_id, user_id)
                         DO UPDATE SET role = excluded.role, hr = excluded.hr
                     RETURNING *
                 )
                 SELECT {MEMBERSHIP_COLUMNS} FROM m JOIN workspaces w ON w.id = m.workspace_id"
            ),
            &[&workspace.0, &user.0, &role.as_str(), &hr, &now_millis()],
        )
        .await;
    match row.pg_context("failed to set a membership") {
        Ok(row) => membership_of_row(&row, 0),
        Err(StoreError::NotFound(_)) => Err(StoreError::NotFound(format!(
            "user {} or workspace {}",
            user.0, workspace.0
        ))),
        Err(error) => Err(error),
    }
}

/// Removes a user from a workspace and ends their sessions looking at it, in one statement.
pub(crate) async fn remove_membership(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    user: UserId,
) -> StoreResult<()> {
    let row = client
        .query_one(
            "WITH removed AS (
                 DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2
                 RETURNING user_id
             ),
             ended AS (
                 DELETE FROM sessions
                 WHERE workspace_id = $1 AND user_id IN (SELECT user_id FROM removed)
             )
             SELECT count(*) FROM removed",
            &[&workspace.0, &user.0],
        )
        .await
        .pg_context("failed to remove a member")?;
    let removed: i64 = row.try_get(0).pg_context("failed to remove a member")?;
    match removed {
        0 => Err(StoreError::NotFound(format!(
            "user {} in workspace {}",
            user.0, workspace.0
        ))),
        _ => Ok(()),
    }
}

/// Stores a new session; an unknown user or workspace is [`StoreError::NotFound`].
pub(crate) async fn create_session(
    client: &ClientWrapper,
    session: &SessionRecord,
) -> StoreResult<()> {
    client
        .execute(
            "INSERT INTO sessions
                 (id_hash, user_id, workspace_id, csrf_token, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &session.id_hash,
                &session.user.0,
                &session.workspace.0,
                &session.csrf_token,
                &session.created_at.as_millisecond(),
                &session.expires_at.as_millisecond(),
            ],
        )
        .await
        .pg_context("failed to create a session")?;
    Ok(())
}

/// The session with this hash, unless it has expired at `now`. Every dashboard request asks,
/// so the statement is prepared once per connection.
pub(crate) async fn session(
    client: &ClientWrapper,
    id_hash: &str,
    now: Timestamp,
) -> StoreResult<Option<SessionRecord>> {
    let statement = client
        .prepare_cached(
            "SELECT id_hash, user_id, workspace_id, csrf_token, created_at, expires_at
             FROM sessions WHERE id_hash = $1 AND expires_at > $2",
        )
        .await
        .pg_context("failed to prepare the session lookup")?;
    let row = client
        .query_opt(&statement, &[&id_hash, &now.as_millisecond()])
        .await
        .pg_context("failed to read a session")?;
    let Some(row) = row else { return Ok(None) };
    let context = "failed to read a session";
    Ok(Some(SessionRecord {
        id_hash: row.try_get(0).pg_context(context)?,
        user: UserId(row.try_get(1).pg_context(context)?),
        workspace: WorkspaceId(row.try_get(2).pg_context(context)?),
        csrf_token: row.try_get(3).pg_context(context)?,
        created_at: timestamp(row.try_get(4).pg_context(context)?)?,
        expires_at: timestamp(row.try_get(5).pg_context(context)?)?,
    }))
}

/// Points a session at another workspace; an unknown session or workspace is
/// [`StoreError::NotFound`].
pub(crate) async fn switch_session(
    client: &ClientWrapper,
    id_hash: &str,
    workspace: WorkspaceId,
) -> StoreResult<()> {
    let changed = client
        .execute(
            "UPDATE sessions SET workspace_id = $2 WHERE id_hash = $1",
            &[&id_hash, &workspace.0],
        )
        .await
        .pg_context("failed to switch a session's workspace")?;
    match changed {
        0 => Err(StoreError::NotFound("session".to_owned())),
        _ => Ok(()),
    }
}

/// Ends a session; ending one that does not exist (signing out twice) is no error.
pub(crate) async fn delete_session(client: &ClientWrapper, id_hash: &str) -> StoreResult<()> {
    client
        .execute("DELETE FROM sessions WHERE id_hash = $1", &[&id_hash])
        .await
        .pg_context("failed to end a session")?;
    Ok(())
}

/// The columns [`invite_of_row`] reads, in its order.
const INVITE_COLUMNS: &str =
    "token_hash, workspace_id, role, hr, email, invited_by, created_at, expires_at, accepted_at";

fn invite_of_row(row: &Row) -> StoreResult<MemberInvite> {
    let context = "failed to read an invitation to join";
    let accepted_at: Option<i64> = row.try_get(8).pg_context(context)?;
    Ok(MemberInvite {
        token_hash: row.try_get(0).pg_context(context)?,
        workspace: WorkspaceId(row.try_get(1).pg_context(context)?),
        role: role(row.try_get(2).pg_context(context)?)?,
        hr: row.try_get(3).pg_context(context)?,
        email: row.try_get(4).pg_context(context)?,
        invited_by: UserId(row.try_get(5).pg_context(context)?),
        created_at: timestamp(row.try_get(6).pg_context(context)?)?,
        expires_at: timestamp(row.try_get(7).pg_context(context)?)?,
        accepted_at: accepted_at.map(timestamp).transpose()?,
    })
}

/// Stores an invitation to join a workspace as given; a hash stored already is
/// [`StoreError::Conflict`], an unknown workspace or inviter [`StoreError::NotFound`].
pub(crate) async fn create_member_invite(
    client: &ClientWrapper,
    invite: &MemberInvite,
) -> StoreResult<()> {
    client
        .execute(
            &format!(
                "INSERT INTO member_invites ({INVITE_COLUMNS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            ),
            &[
                &invite.token_hash,
                &invite.workspace.0,
                &invite.role.as_str(),
                &invite.hr,
                &invite.email,
                &invite.invited_by.0,
                &invite.created_at.as_millisecond(),
                &invite.expires_at.as_millisecond(),
                &invite.accepted_at.map(Timestamp::as_millisecond),
            ],
        )
        .await
        .pg_context("failed to create an invitation to join")?;
    Ok(())
}

/// The invitation with this hash, accepted or not.
pub(crate) async fn member_invite(
    client: &ClientWrapper,
    token_hash: &str,
) -> StoreResult<Option<MemberInvite>> {
    let row = client
        .query_opt(
            &format!("SELECT {INVITE_COLUMNS} FROM member_invites WHERE token_hash = $1"),
            &[&token_hash],
        )
        .await
        .pg_context("failed to read an invitation to join")?;
    row.as_ref().map(invite_of_row).transpose()
}

/// Uses an invitation up and makes the user a member, in one statement (so one transaction):
/// `$1` the hash, `$2` the user, `$3` the time. A user who is a member already keeps the higher
/// role and gets `hr` if either has it; a new member joins at `$3`. No row when the invitation
/// does not exist, is used or has expired: then nothing changes.
const ACCEPT_INVITE: &str = "
    WITH accepted AS (
        UPDATE member_invites SET accepted_at = $3
        WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $3
        RETURNING workspace_id, role, hr
    ),
    m AS (
        INSERT INTO memberships (workspace_id, user_id, role, hr, created_at)
        SELECT workspace_id, $2, role, hr, $3 FROM accepted
        ON CONFLICT (workspace_id, user_id) DO UPDATE SET
            role = CASE
                WHEN array_position(ARRAY['viewer', 'member', 'admin'], excluded.role)
                   > array_position(ARRAY['viewer', 'member', 'admin'], memberships.role)
                THEN excluded.role ELSE memberships.role END,
            hr = memberships.hr OR excluded.hr
        RETURNING *
    )
    SELECT m.workspace_id, w.slug, m.user_id, m.role, m.hr, m.created_at
    FROM m JOIN workspaces w ON w.id = m.workspace_id";

/// Accepts an invitation for a user; see [`ACCEPT_INVITE`]. Of two acceptances racing, the
/// second waits for the first and then finds the invitation used: [`StoreError::NotFound`].
pub(crate) async fn accept_member_invite(
    client: &ClientWrapper,
    token_hash: &str,
    user: UserId,
    at: Timestamp,
) -> StoreResult<Membership> {
    let row = client
        .query_opt(ACCEPT_INVITE, &[&token_hash, &user.0, &at.as_millisecond()])
        .await;
    match row.pg_context("failed to accept an invitation to join") {
        Ok(Some(row)) => membership_of_row(&row, 0),
        Ok(None) => Err(StoreError::NotFound(
            "an invitation to join that is neither used nor expired".to_owned(),
        )),
        Err(StoreError::NotFound(_)) => Err(StoreError::NotFound(format!("user {}", user.0))),
        Err(error) => Err(error),
    }
}

/// Stores a password reset link for a user; an unknown user is [`StoreError::NotFound`].
pub(crate) async fn create_password_reset(
    client: &ClientWrapper,
    user: UserId,
    token_hash: &str,
    expires_at: Timestamp,
) -> StoreResult<()> {
    let inserted = client
        .execute(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
            &[
                &token_hash,
                &user.0,
                &now_millis(),
                &expires_at.as_millisecond(),
            ],
        )
        .await;
    match inserted.pg_context("failed to create a password reset") {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound(_)) => Err(StoreError::NotFound(format!("user {}", user.0))),
        Err(error) => Err(error),
    }
}

/// Uses a password reset link up: the user it was for, if it was unused and had not expired at
/// `now`. Of two uses racing, the second waits for the first and then gets `None`.
pub(crate) async fn take_password_reset(
    client: &ClientWrapper,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<Option<UserId>> {
    let row = client
        .query_opt(
            "UPDATE password_resets SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
             RETURNING user_id",
            &[&token_hash, &now.as_millisecond()],
        )
        .await
        .pg_context("failed to use a password reset")?;
    row.map(|row| row.try_get(0).map(UserId))
        .transpose()
        .pg_context("failed to use a password reset")
}
