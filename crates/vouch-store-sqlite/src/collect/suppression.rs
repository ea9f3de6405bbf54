//! Email suppressions: addresses that receive nothing more, kept by address.

use rusqlite::{Connection, OptionalExtension};
use vouch_store::{StoreError, StoreResult, SuppressionReason, WorkspaceId};

use crate::error::SqlContext;
use crate::row::conversion_error;

/// An address as suppressions store it: trimmed and lower-cased. Only ASCII letters are
/// lowered, as SQLite's `lower()` does, so that the stored form equals `lower(contacts.email)`
/// for the contact's address ([`vouch_core::email::normalise`]).
pub(crate) fn normalise(email: &str) -> String {
    vouch_core::email::normalise(email)
}

/// Suppresses an address; an address suppressed already keeps its first reason. Runs in the
/// caller's transaction; the workspace must exist.
pub(crate) fn suppress(
    connection: &Connection,
    workspace: WorkspaceId,
    email: &str,
    reason: SuppressionReason,
    at: i64,
) -> StoreResult<()> {
    let address = normalise(email);
    let suppressed = connection
        .prepare_cached(
            "INSERT INTO email_suppressions (workspace_id, email, reason, created_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (workspace_id, email) DO NOTHING",
        )
        .and_then(|mut insert| insert.execute((workspace.0, &address, reason.as_str(), at)))
        .sql_context("failed to suppress an address")?;
    if suppressed > 0 && reason == SuppressionReason::Unsubscribed {
        crate::outbox::unsubscribed(connection, workspace.0, &address, at)?;
    }
    Ok(())
}

/// Suppresses an address of an existing workspace; see [`vouch_store::CollectStore::suppress_email`].
pub(crate) fn suppress_email(
    connection: &Connection,
    workspace: WorkspaceId,
    email: &str,
    reason: SuppressionReason,
    at: i64,
) -> StoreResult<()> {
    if !crate::workspaces::exists(connection, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    suppress(connection, workspace, email, reason, at)
}

/// Why the address is suppressed, if it is.
pub(crate) fn reason(
    connection: &Connection,
    workspace: WorkspaceId,
    email: &str,
) -> StoreResult<Option<SuppressionReason>> {
    connection
        .prepare_cached(
            "SELECT reason FROM email_suppressions WHERE workspace_id = ?1 AND email = ?2",
        )
        .and_then(|mut statement| {
            statement
                .query_row((workspace.0, normalise(email)), |row| {
                    let reason: String = row.get(0)?;
                    SuppressionReason::parse(&reason).ok_or_else(|| {
                        conversion_error(0, format!("unknown suppression reason {reason:?}"))
                    })
                })
                .optional()
        })
        .sql_context("failed to read a suppression")
}
