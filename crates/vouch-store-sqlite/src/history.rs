//! The history of each response (`response_history`): every change to its tags, status or
//! assignee, and every reply to its author, written in the transaction that makes it.

use rusqlite::Connection;
use vouch_store::{Actor, HistoryChange, HistoryEntry, ResponseId, RuleId, StoreResult, UserId};

use crate::error::SqlContext;
use crate::replies::{REPLY_COLUMNS, reply_of_row};
use crate::row::{conversion_error, timestamp};

/// How an actor is stored: its kind and id.
pub(crate) fn actor_columns(actor: Actor) -> (&'static str, Option<i64>) {
    match actor {
        Actor::Member(user) => ("member", Some(user.0)),
        Actor::Rule(rule) => ("rule", Some(rule.0)),
        Actor::ApiKey(key) => ("api_key", Some(key)),
        Actor::Operator => ("operator", None),
    }
}

/// How a change is stored: its kind, value and previous value.
fn change_columns(change: &HistoryChange) -> (&'static str, Option<String>, Option<String>) {
    match change {
        HistoryChange::TagAdded(tag) => ("tag_added", Some(tag.clone()), None),
        HistoryChange::TagRemoved(tag) => ("tag_removed", Some(tag.clone()), None),
        HistoryChange::TagRenamed { from, to } => {
            ("tag_renamed", Some(to.clone()), Some(from.clone()))
        }
        HistoryChange::Status(status) => ("status", Some(status.clone()), None),
        HistoryChange::Assignee(user) => ("assignee", user.map(|user| user.0.to_string()), None),
        // Written with its reply by `replies` only: a row without `reply_id` fails its CHECK.
        HistoryChange::Reply(_) => ("reply", None, None),
    }
}

/// Records one change to a response, inside the caller's transaction.
pub(crate) fn record(
    connection: &Connection,
    workspace: i64,
    response: ResponseId,
    actor: Actor,
    change: &HistoryChange,
    at: i64,
) -> StoreResult<()> {
    let (actor_kind, actor_id) = actor_columns(actor);
    let (kind, value, previous) = change_columns(change);
    connection
        .prepare_cached(
            "INSERT INTO response_history
                 (workspace_id, response_id, at, actor_kind, actor_id, change, value, previous)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .and_then(|mut insert| {
            insert.execute((
                workspace, response.0, at, actor_kind, actor_id, kind, value, previous,
            ))
        })
        .sql_context("failed to record a change to a response")?;
    Ok(())
}

/// Records one change for every response carrying `tag`, inside the caller's transaction.
pub(crate) fn record_for_tag(
    connection: &Connection,
    workspace: i64,
    tag: &str,
    actor: Actor,
    change: &HistoryChange,
    at: i64,
) -> StoreResult<()> {
    let (actor_kind, actor_id) = actor_columns(actor);
    let (kind, value, previous) = change_columns(change);
    connection
        .prepare_cached(
            "INSERT INTO response_history
                 (workspace_id, response_id, at, actor_kind, actor_id, change, value, previous)
             SELECT ?1, response_id, ?3, ?4, ?5, ?6, ?7, ?8
             FROM response_tags WHERE workspace_id = ?1 AND tag = ?2",
        )
        .and_then(|mut insert| {
            insert.execute((
                workspace, tag, at, actor_kind, actor_id, kind, value, previous,
            ))
        })
        .sql_context("failed to record a change to a tag's responses")?;
    Ok(())
}

/// The changes made to a response, oldest first.
pub(crate) fn of_response(
    connection: &Connection,
    workspace: i64,
    response: ResponseId,
) -> StoreResult<Vec<HistoryEntry>> {
    connection
        .prepare_cached(&format!(
            "SELECT h.at, h.actor_kind, h.actor_id, u.name, h.change, h.value, h.previous,
                        {REPLY_COLUMNS}
             FROM response_history h
             LEFT JOIN users u ON h.actor_kind = 'member' AND u.id = h.actor_id
             LEFT JOIN response_replies r ON r.id = h.reply_id
             WHERE h.response_id = ?1 AND h.workspace_id = ?2
             ORDER BY h.at, h.id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map((response.0, workspace), entry)
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read the history of a response")
}

fn entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<HistoryEntry> {
    let actor_kind: String = row.get(1)?;
    let actor_id: Option<i64> = row.get(2)?;
    let actor = match (actor_kind.as_str(), actor_id) {
        ("member", Some(id)) => Actor::Member(UserId(id)),
        ("rule", Some(id)) => Actor::Rule(RuleId(id)),
        ("api_key", Some(id)) => Actor::ApiKey(id),
        ("operator", _) => Actor::Operator,
        _ => return Err(conversion_error(1, format!("unknown actor {actor_kind:?}"))),
    };
    let kind: String = row.get(4)?;
    let value: Option<String> = row.get(5)?;
    let text = |value: Option<String>| value.unwrap_or_default();
    let change = match kind.as_str() {
        "tag_added" => HistoryChange::TagAdded(text(value)),
        "tag_removed" => HistoryChange::TagRemoved(text(value)),
        "tag_renamed" => HistoryChange::TagRenamed {
            from: text(row.get(6)?),
            to: text(value),
        },
        "status" => HistoryChange::Status(text(value)),
        "assignee" => HistoryChange::Assignee(
            value
                .map(|id| id.parse().map(UserId))
                .transpose()
                .map_err(|_| conversion_error(5, "an assignee that is not an id"))?,
        ),
        "reply" => HistoryChange::Reply(Box::new(reply_of_row(row, 7)?)),
        _ => return Err(conversion_error(4, format!("unknown change {kind:?}"))),
    };
    Ok(HistoryEntry {
        at: timestamp(row, 0)?,
        actor,
        actor_name: row.get(3)?,
        change,
    })
}
