//! Tags as a managed set (`tags`), keyword rules (`tag_rules`, in [`rules`]) and the tag
//! operations that touch many responses at once.
//!
//! # One tag set at a time
//!
//! Names are unique ignoring case by the core's rule (`vouch_core::tag::tag_key`), which SQL
//! cannot state, so every transaction that reads the set to change it — here, and
//! `change_workflow` when it sets tags — first locks the workspace's row `FOR NO KEY UPDATE`
//! ([`lock_tag_set`]): they run one after the other, and of two creating "Bug" and "bug" the
//! second sees the first's tag. (`FOR NO KEY UPDATE` rather than `FOR UPDATE`: the foreign
//! keys to the workspace, checked `FOR KEY SHARE` by every insert of its rows, do not wait.)
//!
//! # Responses first
//!
//! Like every writer of follow-up (see the `follow_up` module), an operation locks the
//! responses it tags or writes history for `FOR SHARE`, in id order, before it writes their
//! rows, so that an erasure waits for it and then deletes what it wrote. The order is always
//! the tag set, then responses, then their tags and history. Each operation is a few set-based
//! statements whatever the number of responses.

mod carriers;
mod rules;

use async_trait::async_trait;
use deadpool_postgres::Transaction;
use jiff::Timestamp;
use vouch_core::tag::tag_key;
use vouch_store::{
    Actor, HistoryEntry, NewTagRule, ResponseId, RuleId, StoreError, StoreResult, TagRule,
    TagStore, TagSummary, WorkspaceId,
};

use crate::PostgresStore;
use crate::error::PgContext;
use crate::history::{self, actor_columns};
use crate::outbox::{self, ResponseChange};

/// Locks the workspace's tag set until the transaction ends; `NotFound` without the workspace.
pub(crate) async fn lock_tag_set(
    transaction: &Transaction<'_>,
    workspace: WorkspaceId,
) -> StoreResult<()> {
    let found = transaction
        .query_opt(
            "SELECT 1 FROM workspaces WHERE id = $1 FOR NO KEY UPDATE",
            &[&workspace.0],
        )
        .await
        .pg_context("failed to lock the workspace's tags")?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound(format!("workspace {}", workspace.0))),
    }
}

/// The names of the workspace's tags, in byte order.
pub(crate) async fn names(
    client: &impl tokio_postgres::GenericClient,
    workspace: WorkspaceId,
) -> StoreResult<Vec<String>> {
    let rows = client
        .query(
            "SELECT name FROM tags WHERE workspace_id = $1 ORDER BY name COLLATE \"C\"",
            &[&workspace.0],
        )
        .await
        .pg_context("failed to read the workspace's tags")?;
    rows.iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()
        .pg_context("failed to read the workspace's tags")
}

/// The spelling among `names` of the tag named `name` in any case.
pub(crate) fn spelling<'a>(names: &'a [String], name: &str) -> Option<&'a str> {
    let key = tag_key(name);
    names
        .iter()
        .find(|stored| tag_key(stored) == key)
        .map(String::as_str)
}

/// The stored spelling of each of `wanted`, in the order given, adding the new ones to the set;
/// inside a transaction holding [`lock_tag_set`].
pub(crate) async fn ensure_tags(
    transaction: &Transaction<'_>,
    workspace: WorkspaceId,
    wanted: &[String],
    at: i64,
) -> StoreResult<Vec<String>> {
    let mut known = names(&**transaction, workspace).await?;
    let mut added = Vec::new();
    let mut spelt = Vec::with_capacity(wanted.len());
    for name in wanted {
        match spelling(&known, name) {
            Some(stored) => spelt.push(stored.to_owned()),
            None => {
                known.push(name.clone());
                added.push(name.clone());
                spelt.push(name.clone());
            }
        }
    }
    if !added.is_empty() {
        transaction
            .execute(
                "INSERT INTO tags (workspace_id, name, created_at)
                 SELECT $1, name, $3 FROM unnest($2::text[]) AS t (name)",
                &[&workspace.0, &added, &at],
            )
            .await
            .pg_context("failed to add tags")?;
    }
    Ok(spelt)
}

/// The stored spelling of a tag in a transaction holding [`lock_tag_set`]; `NotFound` without.
async fn existing(
    transaction: &Transaction<'_>,
    workspace: WorkspaceId,
    name: &str,
) -> StoreResult<String> {
    let known = names(&**transaction, workspace).await?;
    spelling(&known, name)
        .map(str::to_owned)
        .ok_or_else(|| StoreError::NotFound(format!("tag {name:?}")))
}

/// Tags the workspace's responses among `$2` that lack tag `$3`, with history (`$4` time,
/// `$5`–`$6` the actor); returns those that gained it.
const TAG_RESPONSES: &str = "
    WITH locked AS (
        SELECT id FROM responses WHERE workspace_id = $1 AND id = ANY($2)
        ORDER BY id
        FOR SHARE
    ),
    added AS (
        INSERT INTO response_tags (workspace_id, tag, response_id)
        SELECT $1, $3, id FROM locked
        ON CONFLICT DO NOTHING
        RETURNING response_id
    ),
    logged AS (
        INSERT INTO response_history
            (workspace_id, response_id, at, actor_kind, actor_id, change, value)
        SELECT $1, response_id, $4, $5, $6, 'tag_added', $3 FROM added
        ORDER BY response_id
    )
    SELECT response_id FROM added";

/// Puts `tag` (created if missing) on the workspace's responses among `responses` that lack
/// it, with history, inside a transaction holding [`lock_tag_set`]; returns how many gained it.
pub(crate) async fn tag_responses(
    transaction: &Transaction<'_>,
    workspace: WorkspaceId,
    tag: &str,
    responses: &[ResponseId],
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let spelt = ensure_tags(transaction, workspace, &[tag.to_owned()], at).await?;
    if responses.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = responses.iter().map(|id| id.0).collect();
    let (actor_kind, actor_id) = actor_columns(actor);
    let statement = transaction
        .prepare_cached(TAG_RESPONSES)
        .await
        .pg_context("failed to prepare tagging responses")?;
    let gained = transaction
        .query(
            &statement,
            &[&workspace.0, &ids, &spelt[0], &at, &actor_kind, &actor_id],
        )
        .await
        .pg_context("failed to tag responses")?;
    let ids = gained
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<Vec<i64>, _>>()
        .pg_context("failed to tag responses")?;
    let change = ResponseChange::Tagged(&spelt[0]);
    outbox::responses_changed(transaction, workspace.0, &ids, change, at).await?;
    Ok(ids.len() as u64)
}

async fn summaries(store: &PostgresStore, workspace: WorkspaceId) -> StoreResult<Vec<TagSummary>> {
    let client = store.client().await?;
    let rows = client
        .query(
            "SELECT t.name,
                 (SELECT count(*) FROM response_tags r
                  WHERE r.workspace_id = t.workspace_id AND r.tag = t.name),
                 (SELECT count(*) FROM tag_rules u
                  WHERE u.workspace_id = t.workspace_id AND u.tag = t.name)
             FROM tags t WHERE t.workspace_id = $1 ORDER BY t.name COLLATE \"C\"",
            &[&workspace.0],
        )
        .await
        .pg_context("failed to read the workspace's tags")?;
    rows.iter()
        .map(|row| {
            let responses: i64 = row.try_get(1)?;
            let rules: i64 = row.try_get(2)?;
            Ok(TagSummary {
                name: row.try_get(0)?,
                responses: responses.unsigned_abs(),
                rules: rules.unsigned_abs(),
            })
        })
        .collect::<Result<_, tokio_postgres::Error>>()
        .pg_context("failed to read the workspace's tags")
}

async fn create(store: &PostgresStore, workspace: WorkspaceId, name: &str) -> StoreResult<()> {
    let mut client = store.client().await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start adding a tag")?;
    lock_tag_set(&transaction, workspace).await?;
    let known = names(&*transaction, workspace).await?;
    if let Some(stored) = spelling(&known, name) {
        return Err(StoreError::Conflict(format!("the tag {stored:?} exists")));
    }
    let at = Timestamp::now().as_millisecond();
    ensure_tags(&transaction, workspace, &[name.to_owned()], at).await?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit a tag")
}

async fn add_tag(
    store: &PostgresStore,
    workspace: WorkspaceId,
    tag: &str,
    responses: &[ResponseId],
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let mut client = store.client().await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start tagging responses")?;
    lock_tag_set(&transaction, workspace).await?;
    let gained = tag_responses(&transaction, workspace, tag, responses, actor, at).await?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit tagged responses")?;
    Ok(gained)
}

async fn response_history(
    store: &PostgresStore,
    workspace: WorkspaceId,
    response: ResponseId,
) -> StoreResult<Vec<HistoryEntry>> {
    let client = store.client().await?;
    let found = client
        .query_opt(
            "SELECT 1 FROM responses WHERE workspace_id = $1 AND id = $2",
            &[&workspace.0, &response.0],
        )
        .await
        .pg_context("failed to read a response")?;
    if found.is_none() {
        return Err(StoreError::NotFound(format!("response {}", response.0)));
    }
    history::of_response(&client, workspace.0, response).await
}

#[async_trait]
impl TagStore for PostgresStore {
    async fn tags(&self, workspace: WorkspaceId) -> StoreResult<Vec<TagSummary>> {
        summaries(self, workspace).await
    }

    async fn create_tag(&self, workspace: WorkspaceId, name: &str) -> StoreResult<()> {
        create(self, workspace, name).await
    }

    async fn rename_tag(
        &self,
        workspace: WorkspaceId,
        from: &str,
        to: &str,
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64> {
        carriers::rename(self, workspace, from, to, actor, at.as_millisecond()).await
    }

    async fn merge_tags(
        &self,
        workspace: WorkspaceId,
        from: &[String],
        into: &str,
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64> {
        carriers::merge(self, workspace, from, into, actor, at.as_millisecond()).await
    }

    async fn delete_tag(
        &self,
        workspace: WorkspaceId,
        name: &str,
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64> {
        carriers::delete(self, workspace, name, actor, at.as_millisecond()).await
    }

    async fn add_tag(
        &self,
        workspace: WorkspaceId,
        tag: &str,
        responses: &[ResponseId],
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64> {
        add_tag(self, workspace, tag, responses, actor, at.as_millisecond()).await
    }

    async fn create_rule(
        &self,
        workspace: WorkspaceId,
        rule: &NewTagRule,
        at: Timestamp,
    ) -> StoreResult<TagRule> {
        rules::create(self, workspace, rule, at.as_millisecond()).await
    }

    async fn rules(&self, workspace: WorkspaceId) -> StoreResult<Vec<TagRule>> {
        rules::list(self, workspace).await
    }

    async fn delete_rule(&self, workspace: WorkspaceId, rule: RuleId) -> StoreResult<()> {
        rules::delete(self, workspace, rule).await
    }

    async fn apply_rule(
        &self,
        workspace: WorkspaceId,
        rule: RuleId,
        responses: &[ResponseId],
        through: ResponseId,
        at: Timestamp,
    ) -> StoreResult<u64> {
        rules::apply(
            self,
            workspace,
            rule,
            responses,
            through,
            at.as_millisecond(),
        )
        .await
    }

    async fn response_history(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
    ) -> StoreResult<Vec<HistoryEntry>> {
        response_history(self, workspace, response).await
    }
}
