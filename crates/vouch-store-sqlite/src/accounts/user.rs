//! Users of the dashboard and their memberships of workspaces.
//!
//! Emails are stored trimmed and ASCII lower-cased, and looked up the same way, so that one
//! person has one account however they type their address.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::{Membership, NewUser, Role, StoreError, StoreResult, User, UserId, WorkspaceId};

use crate::error::{SqlContext, is_unique_violation};
use crate::now_millis;
use crate::row::{conversion_error, timestamp};

/// An email as users are stored and looked up by: trimmed, ASCII letters lower-cased
/// ([`vouch_core::email::normalise`]).
pub(crate) fn normalise_email(email: &str) -> String {
    vouch_core::email::normalise(email)
}

/// The columns [`user`] reads, in order, for a table aliased `u`.
const USER_COLUMNS: &str = "u.id, u.email, u.name, u.created_at";

/// How many columns [`USER_COLUMNS`] has: the index of the first column after them.
const USER_COLUMN_COUNT: usize = 4;

/// A user from a row that starts with [`USER_COLUMNS`].
fn user(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: UserId(row.get(0)?),
        email: row.get(1)?,
        name: row.get(2)?,
        created_at: timestamp(row, 3)?,
    })
}

/// The columns [`membership`] reads, in order, for memberships aliased `m` joined to their
/// workspace aliased `w`.
const MEMBERSHIP_COLUMNS: &str = "m.workspace_id, w.slug, m.user_id, m.role, m.hr, m.created_at";

/// A membership from a row whose columns from `first` on are [`MEMBERSHIP_COLUMNS`].
fn membership(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Membership> {
    Ok(Membership {
        workspace: WorkspaceId(row.get(first)?),
        workspace_slug: row.get(first + 1)?,
        user: UserId(row.get(first + 2)?),
        role: role(row, first + 3)?,
        hr: row.get(first + 4)?,
        created_at: timestamp(row, first + 5)?,
    })
}

/// A stored role back into a [`Role`].
pub(crate) fn role(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<Role> {
    let text: String = row.get(column)?;
    Role::parse(&text).ok_or_else(|| conversion_error(column, format!("unknown role {text:?}")))
}

/// Creates a user; a taken email is a [`StoreError::Conflict`].
pub(crate) fn create(connection: &Connection, new: &NewUser) -> StoreResult<User> {
    let email = normalise_email(&new.email);
    let inserted = connection
        .prepare_cached(
            "INSERT INTO users (email, name, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4)
             RETURNING id, email, name, created_at",
        )
        .and_then(|mut insert| {
            insert.query_row((&email, &new.name, &new.password_hash, now_millis()), user)
        });
    match inserted {
        Ok(user) => Ok(user),
        Err(error) if is_unique_violation(&error) => Err(StoreError::Conflict(format!(
            "a user with the email {email:?} already exists"
        ))),
        Err(error) => Err(error).sql_context("failed to create a user"),
    }
}

/// The user with this email, and their password hash.
pub(crate) fn by_email(
    connection: &Connection,
    email: &str,
) -> StoreResult<Option<(User, String)>> {
    connection
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = ?1"
        ))
        .and_then(|mut statement| {
            statement
                .query_row([normalise_email(email)], |row| {
                    Ok((user(row)?, row.get(USER_COLUMN_COUNT)?))
                })
                .optional()
        })
        .sql_context("failed to read a user")
}

/// The user with this id.
pub(crate) fn by_id(connection: &Connection, id: UserId) -> StoreResult<Option<User>> {
    connection
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1"
        ))
        .and_then(|mut statement| statement.query_row([id.0], user).optional())
        .sql_context("failed to read a user")
}

/// True when the user exists.
pub(crate) fn exists(connection: &Connection, id: UserId) -> StoreResult<bool> {
    connection
        .prepare_cached("SELECT 1 FROM users WHERE id = ?1")
        .and_then(|mut statement| statement.exists([id.0]))
        .sql_context("failed to read a user")
}

/// Replaces a user's password hash and ends every session of theirs, in one transaction.
pub(crate) fn set_password(
    connection: &mut Connection,
    id: UserId,
    password_hash: &str,
) -> StoreResult<()> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start changing a password")?;
    let changed = transaction
        .prepare_cached("UPDATE users SET password_hash = ?2 WHERE id = ?1")
        .and_then(|mut update| update.execute((id.0, password_hash)))
        .sql_context("failed to change a password")?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("user {}", id.0)));
    }
    // Whoever signed in with the old password (perhaps the reason it changes) is signed out.
    transaction
        .prepare_cached("DELETE FROM sessions WHERE user_id = ?1")
        .and_then(|mut delete| delete.execute([id.0]))
        .sql_context("failed to end the user's sessions")?;
    transaction
        .commit()
        .sql_context("failed to commit a new password")
}

/// The workspaces a user belongs to, by workspace slug.
pub(crate) fn memberships(connection: &Connection, id: UserId) -> StoreResult<Vec<Membership>> {
    connection
        .prepare_cached(&format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM memberships m
             JOIN workspaces w ON w.id = m.workspace_id
             WHERE m.user_id = ?1
             ORDER BY w.slug"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([id.0], |row| membership(row, 0))
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read a user's memberships")
}

/// The members of a workspace with their users, by name (then id, for namesakes).
pub(crate) fn members(
    connection: &Connection,
    workspace: WorkspaceId,
) -> StoreResult<Vec<(User, Membership)>> {
    connection
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS}, {MEMBERSHIP_COLUMNS} FROM memberships m
             JOIN workspaces w ON w.id = m.workspace_id
             JOIN users u ON u.id = m.user_id
             WHERE m.workspace_id = ?1
             ORDER BY u.name, u.id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], |row| {
                    Ok((user(row)?, membership(row, USER_COLUMN_COUNT)?))
                })
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read the members of a workspace")
}

/// The user's membership of the workspace, if any.
pub(crate) fn membership_of(
    connection: &Connection,
    workspace: WorkspaceId,
    id: UserId,
) -> StoreResult<Option<Membership>> {
    connection
        .prepare_cached(&format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM memberships m
             JOIN workspaces w ON w.id = m.workspace_id
             WHERE m.workspace_id = ?1 AND m.user_id = ?2"
        ))
        .and_then(|mut statement| {
            statement
                .query_row((workspace.0, id.0), |row| membership(row, 0))
                .optional()
        })
        .sql_context("failed to read a membership")
}

/// Adds a user to a workspace or changes their role and HR permission there (a member keeps
/// the time they joined), inside the caller's write transaction; `NotFound` when the
/// workspace or the user does not exist.
pub(crate) fn upsert_membership(
    connection: &Connection,
    workspace: WorkspaceId,
    id: UserId,
    role: Role,
    hr: bool,
    now: i64,
) -> StoreResult<Membership> {
    if !crate::workspaces::exists(connection, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    if !exists(connection, id)? {
        return Err(StoreError::NotFound(format!("user {}", id.0)));
    }
    connection
        .prepare_cached(
            "INSERT INTO memberships (workspace_id, user_id, role, hr, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET
                 role = excluded.role,
                 hr = excluded.hr",
        )
        .and_then(|mut upsert| upsert.execute((workspace.0, id.0, role.as_str(), hr, now)))
        .sql_context("failed to write a membership")?;
    membership_of(connection, workspace, id)?
        .ok_or_else(|| StoreError::NotFound(format!("the membership of user {}", id.0)))
}

/// Adds a user to a workspace or changes their role there; see
/// [`vouch_store::AccountStore::set_membership`].
pub(crate) fn set_membership(
    connection: &mut Connection,
    workspace: WorkspaceId,
    id: UserId,
    role: Role,
    hr: bool,
) -> StoreResult<Membership> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start writing a membership")?;
    let membership = upsert_membership(&transaction, workspace, id, role, hr, now_millis())?;
    transaction
        .commit()
        .sql_context("failed to commit a membership")?;
    Ok(membership)
}

/// Removes a user from a workspace and ends their sessions looking at it, in one transaction.
/// Their sessions in other workspaces go on.
pub(crate) fn remove_membership(
    connection: &mut Connection,
    workspace: WorkspaceId,
    id: UserId,
) -> StoreResult<()> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start removing a member")?;
    let removed = transaction
        .prepare_cached("DELETE FROM memberships WHERE workspace_id = ?1 AND user_id = ?2")
        .and_then(|mut delete| delete.execute((workspace.0, id.0)))
        .sql_context("failed to remove a member")?;
    if removed == 0 {
        return Err(StoreError::NotFound(format!(
            "user {} is not a member of workspace {}",
            id.0, workspace.0
        )));
    }
    transaction
        .prepare_cached("DELETE FROM sessions WHERE workspace_id = ?1 AND user_id = ?2")
        .and_then(|mut delete| delete.execute((workspace.0, id.0)))
        .sql_context("failed to end the removed member's sessions")?;
    transaction
        .commit()
        .sql_context("failed to commit a removed member")
}
