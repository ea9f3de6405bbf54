//! The history of each response (`response_history`): every change to its tags, status or
//! assignee and every reply to its author, written in the transaction that makes it, by a writer holding the response `FOR
//! SHARE` (see the `follow_up` module), so that no entry outlives an erasure.

use deadpool_postgres::{ClientWrapper, Transaction};
use tokio_postgres::Row;
use vouch_store::{Actor, HistoryChange, HistoryEntry, ResponseId, RuleId, StoreResult, UserId};

use crate::error::{PgContext, other};
use crate::replies::{REPLY_COLUMNS, reply_of_row};
use crate::row::timestamp;

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

/// Records changes to one response, in the order given: `$1` workspace, `$2` response, `$3`
/// time, `$4`–`$5` the actor, `$6`–`$8` the changes' kinds, values and previous values.
const RECORD: &str = "
    INSERT INTO response_history
        (workspace_id, response_id, at, actor_kind, actor_id, change, value, previous)
    SELECT $1, $2, $3, $4, $5, e.change, e.value, e.previous
    FROM unnest($6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS e (change, value, previous, n)
    ORDER BY e.n";

/// Records changes to one response, inside the caller's transaction (which holds the response
/// `FOR SHARE`).
pub(crate) async fn record(
    client: &Transaction<'_>,
    workspace: i64,
    response: ResponseId,
    actor: Actor,
    changes: &[HistoryChange],
    at: i64,
) -> StoreResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let (actor_kind, actor_id) = actor_columns(actor);
    let mut kinds = Vec::with_capacity(changes.len());
    let mut values = Vec::with_capacity(changes.len());
    let mut previous = Vec::with_capacity(changes.len());
    for change in changes {
        let (kind, value, before) = change_columns(change);
        kinds.push(kind);
        values.push(value);
        previous.push(before);
    }
    let statement = client
        .prepare_cached(RECORD)
        .await
        .pg_context("failed to prepare recording a change")?;
    client
        .execute(
            &statement,
            &[
                &workspace,
                &response.0,
                &at,
                &actor_kind,
                &actor_id,
                &kinds,
                &values,
                &previous,
            ],
        )
        .await
        .pg_context("failed to record a change to a response")?;
    Ok(())
}

/// The changes made to a response of the workspace, oldest first.
pub(crate) async fn of_response(
    client: &ClientWrapper,
    workspace: i64,
    response: ResponseId,
) -> StoreResult<Vec<HistoryEntry>> {
    let rows = client
        .query(
            &format!(
                "SELECT h.at, h.actor_kind, h.actor_id, u.name, h.change, h.value, h.previous,
                        {REPLY_COLUMNS}
                 FROM response_history h
                 LEFT JOIN users u ON h.actor_kind = 'member' AND u.id = h.actor_id
                 LEFT JOIN response_replies r ON r.id = h.reply_id
                 WHERE h.response_id = $1 AND h.workspace_id = $2
                 ORDER BY h.at, h.id"
            ),
            &[&response.0, &workspace],
        )
        .await
        .pg_context("failed to read the history of a response")?;
    rows.iter().map(entry).collect()
}

/// One entry from a row of [`of_response`].
fn entry(row: &Row) -> StoreResult<HistoryEntry> {
    let context = "failed to read the history of a response";
    let actor_kind: &str = row.try_get(1).pg_context(context)?;
    let actor_id: Option<i64> = row.try_get(2).pg_context(context)?;
    let actor = match (actor_kind, actor_id) {
        ("member", Some(id)) => Actor::Member(UserId(id)),
        ("rule", Some(id)) => Actor::Rule(RuleId(id)),
        ("api_key", Some(id)) => Actor::ApiKey(id),
        ("operator", _) => Actor::Operator,
        _ => return Err(other(format!("a stored actor is unknown: {actor_kind:?}"))),
    };
    let kind: &str = row.try_get(4).pg_context(context)?;
    let value: Option<String> = row.try_get(5).pg_context(context)?;
    let text = |value: Option<String>| value.unwrap_or_default();
    let change = match kind {
        "tag_added" => HistoryChange::TagAdded(text(value)),
        "tag_removed" => HistoryChange::TagRemoved(text(value)),
        "tag_renamed" => HistoryChange::TagRenamed {
            from: text(row.try_get(6).pg_context(context)?),
            to: text(value),
        },
        "status" => HistoryChange::Status(text(value)),
        "assignee" => HistoryChange::Assignee(
            value
                .map(|id| id.parse().map(UserId))
                .transpose()
                .map_err(|_| other("a stored assignee is not a user id"))?,
        ),
        "reply" => HistoryChange::Reply(Box::new(reply_of_row(row, 7)?)),
        _ => return Err(other(format!("a stored change is unknown: {kind:?}"))),
    };
    Ok(HistoryEntry {
        at: timestamp(row.try_get(0).pg_context(context)?)?,
        actor,
        actor_name: row.try_get(3).pg_context(context)?,
        change,
    })
}
