//! Replies to respondents (`response_replies`), each written with its history entry and its
//! `send_reply` job in one `BEGIN IMMEDIATE` transaction.

use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::{
    Actor, JobPayload, NewJob, NewReply, Reply, ReplyId, ReplyJob, ReplyStatus, ReplyStore,
    ResponseId, RuleId, SEND_REPLY_ATTEMPTS, StoreError, StoreResult, UserId, WorkspaceId,
};

use crate::SqliteStore;
use crate::error::SqlContext;
use crate::history::actor_columns;
use crate::row::{conversion_error, timestamp};

/// The columns [`reply_of_row`] reads, from `response_replies r` joined with its history
/// entry `h`.
pub(crate) const REPLY_COLUMNS: &str = "r.id, r.workspace_id, r.response_id, r.message, \
     r.reply_to, h.actor_kind, h.actor_id, r.status, r.error, r.created_at, r.updated_at";

/// A reply from the [`REPLY_COLUMNS`] of a row, starting at column `first`.
pub(crate) fn reply_of_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Reply> {
    let actor_kind: String = row.get(first + 5)?;
    let actor_id: Option<i64> = row.get(first + 6)?;
    let actor = match (actor_kind.as_str(), actor_id) {
        ("member", Some(id)) => Actor::Member(UserId(id)),
        ("rule", Some(id)) => Actor::Rule(RuleId(id)),
        ("api_key", Some(id)) => Actor::ApiKey(id),
        ("operator", _) => Actor::Operator,
        _ => {
            let reason = format!("unknown actor {actor_kind:?}");
            return Err(conversion_error(first + 5, reason));
        }
    };
    let status: String = row.get(first + 7)?;
    let status = ReplyStatus::parse(&status, row.get(first + 8)?)
        .ok_or_else(|| conversion_error(first + 7, format!("unknown reply status {status:?}")))?;
    Ok(Reply {
        id: ReplyId(row.get(first)?),
        workspace: WorkspaceId(row.get(first + 1)?),
        response: ResponseId(row.get(first + 2)?),
        message: row.get(first + 3)?,
        reply_to: row.get(first + 4)?,
        actor,
        status,
        created_at: timestamp(row, first + 9)?,
        updated_at: timestamp(row, first + 10)?,
    })
}

fn by_id(connection: &Connection, id: ReplyId) -> StoreResult<Option<Reply>> {
    connection
        .prepare_cached(&format!(
            "SELECT {REPLY_COLUMNS} FROM response_replies r
             JOIN response_history h ON h.reply_id = r.id
             WHERE r.id = ?1"
        ))
        .and_then(|mut statement| {
            statement
                .query_row([id.0], |row| reply_of_row(row, 0))
                .optional()
        })
        .sql_context("failed to read a reply")
}

fn create(
    connection: &mut Connection,
    workspace: WorkspaceId,
    response: ResponseId,
    reply: &NewReply,
    at: i64,
) -> StoreResult<Reply> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start writing a reply")?;
    let found = transaction
        .prepare_cached("SELECT 1 FROM responses WHERE id = ?1 AND workspace_id = ?2")
        .and_then(|mut statement| statement.exists((response.0, workspace.0)))
        .sql_context("failed to read a response")?;
    if !found {
        return Err(StoreError::NotFound(format!("response {}", response.0)));
    }
    let id: i64 = transaction
        .query_row(
            "INSERT INTO response_replies
                 (workspace_id, response_id, message, reply_to, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'sending', ?5, ?5)
             RETURNING id",
            (workspace.0, response.0, &reply.message, &reply.reply_to, at),
            |row| row.get(0),
        )
        .sql_context("failed to write a reply")?;
    let (actor_kind, actor_id) = actor_columns(reply.actor);
    transaction
        .execute(
            "INSERT INTO response_history
                 (workspace_id, response_id, at, actor_kind, actor_id, change, reply_id)
             VALUES (?1, ?2, ?3, ?4, ?5, 'reply', ?6)",
            (workspace.0, response.0, at, actor_kind, actor_id, id),
        )
        .sql_context("failed to record a reply in the history")?;
    let job = NewJob {
        payload: JobPayload::SendReply(ReplyJob { reply: id }),
        run_at: Timestamp::from_millisecond(at).unwrap_or(Timestamp::UNIX_EPOCH),
        max_attempts: SEND_REPLY_ATTEMPTS,
    };
    crate::jobs::queue(&transaction, workspace.0, &job, at)?;
    let written = by_id(&transaction, ReplyId(id))?
        .ok_or_else(|| StoreError::NotFound(format!("reply {id}")))?;
    transaction
        .commit()
        .sql_context("failed to commit a reply")?;
    Ok(written)
}

fn record_status(
    connection: &Connection,
    id: ReplyId,
    status: &ReplyStatus,
    at: i64,
) -> StoreResult<()> {
    let changed = connection
        .prepare_cached(
            "UPDATE response_replies SET status = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
        )
        .and_then(|mut update| update.execute((id.0, status.as_str(), status.error(), at)))
        .sql_context("failed to record the status of a reply")?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("reply {}", id.0)));
    }
    Ok(())
}

#[async_trait]
impl ReplyStore for SqliteStore {
    async fn create_reply(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        reply: &NewReply,
        at: Timestamp,
    ) -> StoreResult<Reply> {
        let reply = reply.clone();
        let at = at.as_millisecond();
        self.run(move |connection| create(connection, workspace, response, &reply, at))
            .await
    }

    async fn reply(&self, id: ReplyId) -> StoreResult<Option<Reply>> {
        self.run(move |connection| by_id(connection, id)).await
    }

    async fn record_reply_status(
        &self,
        id: ReplyId,
        status: &ReplyStatus,
        at: Timestamp,
    ) -> StoreResult<()> {
        let status = status.clone();
        let at = at.as_millisecond();
        self.run(move |connection| record_status(connection, id, &status, at))
            .await
    }
}
