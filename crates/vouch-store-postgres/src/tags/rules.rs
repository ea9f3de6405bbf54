//! Keyword rules (`tag_rules`): saved with their tag, listed, deleted, and applied to
//! responses in batches, each batch one transaction that tags and moves the rule on.

use tokio_postgres::Row;
use vouch_store::{
    APPLY_RULE_ATTEMPTS, Actor, JobPayload, NewTagRule, ResponseId, RuleId, RuleJob, StoreError,
    StoreResult, SurveyId, TagRule, WorkspaceId,
};

use super::{ensure_tags, lock_tag_set, tag_responses};
use crate::PostgresStore;
use crate::error::{PgContext, other};
use crate::row::timestamp;

/// The columns [`rule_of_row`] reads, in its order.
const RULE_COLUMNS: &str =
    "id, tag, terms, survey_id, created_at, through_id, backfill_until, tagged";

/// A rule from a row of [`RULE_COLUMNS`].
fn rule_of_row(row: &Row) -> StoreResult<TagRule> {
    let context = "failed to read a rule";
    let tagged: i64 = row.try_get(7).pg_context(context)?;
    Ok(TagRule {
        id: RuleId(row.try_get(0).pg_context(context)?),
        tag: row.try_get(1).pg_context(context)?,
        terms: row.try_get(2).pg_context(context)?,
        survey: row
            .try_get::<_, Option<i64>>(3)
            .pg_context(context)?
            .map(SurveyId),
        created_at: timestamp(row.try_get(4).pg_context(context)?)?,
        through: ResponseId(row.try_get(5).pg_context(context)?),
        backfill_until: ResponseId(row.try_get(6).pg_context(context)?),
        tagged: u64::try_from(tagged).map_err(|_| other(format!("a rule tagged {tagged}")))?,
    })
}

/// Saves a rule, creating its tag if needed; `NotFound` for another workspace's survey.
pub(super) async fn create(
    store: &PostgresStore,
    workspace: WorkspaceId,
    new: &NewTagRule,
    at: i64,
) -> StoreResult<TagRule> {
    let mut client = store.client().await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start saving a rule")?;
    lock_tag_set(&transaction, workspace).await?;
    if let Some(survey) = new.survey {
        let found = transaction
            .query_opt(
                "SELECT 1 FROM surveys WHERE id = $1 AND workspace_id = $2",
                &[&survey.0, &workspace.0],
            )
            .await
            .pg_context("failed to read a survey")?;
        if found.is_none() {
            return Err(StoreError::NotFound(format!("survey {}", survey.0)));
        }
    }
    let tag = ensure_tags(&transaction, workspace, std::slice::from_ref(&new.tag), at)
        .await?
        .remove(0);
    let row = transaction
        .query_one(
            &format!(
                "INSERT INTO tag_rules
                     (workspace_id, tag, terms, survey_id, created_at, backfill_until)
                 VALUES ($1, $2, $3, $4, $5,
                         (SELECT coalesce(max(id), 0) FROM responses WHERE workspace_id = $1))
                 RETURNING {RULE_COLUMNS}"
            ),
            &[
                &workspace.0,
                &tag,
                &new.terms,
                &new.survey.map(|survey| survey.0),
                &at,
            ],
        )
        .await
        .pg_context("failed to save a rule")?;
    let saved = rule_of_row(&row)?;
    let job = JobPayload::ApplyRule(RuleJob { rule: saved.id.0 });
    let attempts = i32::try_from(APPLY_RULE_ATTEMPTS).unwrap_or(i32::MAX);
    crate::jobs::queue_jobs(&transaction, workspace.0, &[job], attempts, at, at).await?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit a rule")?;
    Ok(saved)
}

/// The workspace's rules, oldest first.
pub(super) async fn list(
    store: &PostgresStore,
    workspace: WorkspaceId,
) -> StoreResult<Vec<TagRule>> {
    let client = store.client().await?;
    let rows = client
        .query(
            &format!("SELECT {RULE_COLUMNS} FROM tag_rules WHERE workspace_id = $1 ORDER BY id"),
            &[&workspace.0],
        )
        .await
        .pg_context("failed to read the rules")?;
    rows.iter().map(rule_of_row).collect()
}

/// Deletes a rule (the tags it set stay); `NotFound` without it.
pub(super) async fn delete(
    store: &PostgresStore,
    workspace: WorkspaceId,
    rule: RuleId,
) -> StoreResult<()> {
    let mut client = store.client().await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start deleting a rule")?;
    lock_tag_set(&transaction, workspace).await?;
    let deleted = transaction
        .execute(
            "DELETE FROM tag_rules WHERE id = $1 AND workspace_id = $2",
            &[&rule.0, &workspace.0],
        )
        .await
        .pg_context("failed to delete a rule")?;
    if deleted == 0 {
        return Err(StoreError::NotFound(format!("rule {}", rule.0)));
    }
    transaction
        .commit()
        .await
        .pg_context("failed to commit a deleted rule")
}

/// Tags `responses` by the rule and moves its `through` on (never back), in one transaction;
/// `NotFound` for a rule that is gone. Returns how many responses gained the tag.
pub(super) async fn apply(
    store: &PostgresStore,
    workspace: WorkspaceId,
    rule: RuleId,
    responses: &[ResponseId],
    through: ResponseId,
    at: i64,
) -> StoreResult<u64> {
    let mut client = store.client().await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start applying a rule")?;
    lock_tag_set(&transaction, workspace).await?;
    let tag: String = transaction
        .query_opt(
            "SELECT tag FROM tag_rules WHERE id = $1 AND workspace_id = $2 FOR UPDATE",
            &[&rule.0, &workspace.0],
        )
        .await
        .pg_context("failed to read a rule")?
        .ok_or_else(|| StoreError::NotFound(format!("rule {}", rule.0)))?
        .try_get(0)
        .pg_context("failed to read a rule")?;
    let gained = tag_responses(
        &transaction,
        workspace,
        &tag,
        responses,
        Actor::Rule(rule),
        at,
    )
    .await?;
    transaction
        .execute(
            "UPDATE tag_rules
             SET through_id = GREATEST(through_id, $2), tagged = tagged + $3
             WHERE id = $1",
            &[
                &rule.0,
                &through.0,
                &i64::try_from(gained).unwrap_or(i64::MAX),
            ],
        )
        .await
        .pg_context("failed to move a rule on")?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit a rule's tags")?;
    Ok(gained)
}
