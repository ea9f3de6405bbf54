//! Replies to respondents (`response_replies`), each written with its history entry and its
//! `send_reply` job in one transaction that holds the response `FOR SHARE` (see the
//! `follow_up` module), so that no reply outlives an erasure.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use jiff::Timestamp;
use tokio_postgres::Row;
use vouch_store::{
    Actor, JobPayload, NewReply, Reply, ReplyId, ReplyJob, ReplyStatus, ReplyStore, ResponseId,
    RuleId, SEND_REPLY_ATTEMPTS, StoreError, StoreResult, UserId, WorkspaceId,
};

use crate::PostgresStore;
use crate::error::{PgContext, other};
use crate::history::actor_columns;
use crate::row::timestamp;

/// The columns [`reply_of_row`] reads, from `response_replies r` joined with its history
/// entry `h`.
pub(crate) const REPLY_COLUMNS: &str = "r.id, r.workspace_id, r.response_id, r.message, \
     r.reply_to, h.actor_kind, h.actor_id, r.status, r.error, r.created_at, r.updated_at";

/// A reply from the [`REPLY_COLUMNS`] of a row, starting at column `first`.
pub(crate) fn reply_of_row(row: &Row, first: usize) -> StoreResult<Reply> {
    let context = "failed to read a reply";
    let get = |column: usize| first + column;
    let actor_kind: &str = row.try_get(get(5)).pg_context(context)?;
    let actor_id: Option<i64> = row.try_get(get(6)).pg_context(context)?;
    let actor = match (actor_kind, actor_id) {
        ("member", Some(id)) => Actor::Member(UserId(id)),
        ("rule", Some(id)) => Actor::Rule(RuleId(id)),
        ("api_key", Some(id)) => Actor::ApiKey(id),
        ("operator", _) => Actor::Operator,
        _ => return Err(other(format!("a stored actor is unknown: {actor_kind:?}"))),
    };
    let status: &str = row.try_get(get(7)).pg_context(context)?;
    let error: Option<String> = row.try_get(get(8)).pg_context(context)?;
    let status = ReplyStatus::parse(status, error)
        .ok_or_else(|| other(format!("a stored reply status is unknown: {status:?}")))?;
    Ok(Reply {
        id: ReplyId(row.try_get(get(0)).pg_context(context)?),
        workspace: WorkspaceId(row.try_get(get(1)).pg_context(context)?),
        response: ResponseId(row.try_get(get(2)).pg_context(context)?),
        message: row.try_get(get(3)).pg_context(context)?,
        reply_to: row.try_get(get(4)).pg_context(context)?,
        actor,
        status,
        created_at: timestamp(row.try_get(get(9)).pg_context(context)?)?,
        updated_at: timestamp(row.try_get(get(10)).pg_context(context)?)?,
    })
}

async fn by_id(client: &impl GenericClient, id: ReplyId) -> StoreResult<Option<Reply>> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {REPLY_COLUMNS} FROM response_replies r
                 JOIN response_history h ON h.reply_id = r.id
                 WHERE r.id = $1"
            ),
            &[&id.0],
        )
        .await
        .pg_context("failed to read a reply")?;
    row.map(|row| reply_of_row(&row, 0)).transpose()
}

/// Writes a reply, its history entry and its job in one transaction.
async fn create(
    store: &PostgresStore,
    workspace: WorkspaceId,
    response: ResponseId,
    reply: &NewReply,
    at: i64,
) -> StoreResult<Reply> {
    let mut client = store.client().await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start writing a reply")?;
    let found = transaction
        .query_opt(
            "SELECT 1 FROM responses WHERE workspace_id = $1 AND id = $2 FOR SHARE",
            &[&workspace.0, &response.0],
        )
        .await
        .pg_context("failed to lock the response")?;
    if found.is_none() {
        return Err(StoreError::NotFound(format!("response {}", response.0)));
    }
    let (actor_kind, actor_id) = actor_columns(reply.actor);
    let row = transaction
        .query_one(
            "WITH r AS (
                 INSERT INTO response_replies
                     (workspace_id, response_id, message, reply_to, status, created_at,
                      updated_at)
                 VALUES ($1, $2, $3, $4, 'sending', $5, $5)
                 RETURNING id
             )
             INSERT INTO response_history
                 (workspace_id, response_id, at, actor_kind, actor_id, change, reply_id)
             SELECT $1, $2, $5, $6, $7, 'reply', r.id FROM r
             RETURNING reply_id",
            &[
                &workspace.0,
                &response.0,
                &reply.message,
                &reply.reply_to,
                &at,
                &actor_kind,
                &actor_id,
            ],
        )
        .await
        .pg_context("failed to write a reply")?;
    let id: i64 = row.try_get(0).pg_context("failed to write a reply")?;
    let job = JobPayload::SendReply(ReplyJob { reply: id });
    let attempts = i32::try_from(SEND_REPLY_ATTEMPTS).unwrap_or(i32::MAX);
    crate::jobs::queue_jobs(&transaction, workspace.0, &[job], attempts, at, at).await?;
    let written = by_id(&transaction, ReplyId(id))
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("reply {id}")))?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit a reply")?;
    Ok(written)
}

#[async_trait]
impl ReplyStore for PostgresStore {
    async fn create_reply(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        reply: &NewReply,
        at: Timestamp,
    ) -> StoreResult<Reply> {
        create(self, workspace, response, reply, at.as_millisecond()).await
    }

    async fn reply(&self, id: ReplyId) -> StoreResult<Option<Reply>> {
        let client = self.client().await?;
        by_id(&client, id).await
    }

    async fn record_reply_status(
        &self,
        id: ReplyId,
        status: &ReplyStatus,
        at: Timestamp,
    ) -> StoreResult<()> {
        let changed = self
            .client()
            .await?
            .execute(
                "UPDATE response_replies SET status = $2, error = $3, updated_at = $4
                 WHERE id = $1",
                &[
                    &id.0,
                    &status.as_str(),
                    &status.error(),
                    &at.as_millisecond(),
                ],
            )
            .await
            .pg_context("failed to record the status of a reply")?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("reply {}", id.0)));
        }
        Ok(())
    }
}
