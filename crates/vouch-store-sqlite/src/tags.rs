//! Tags as a managed set (`tags`), keyword rules (`tag_rules`) and the tag operations that
//! touch many responses at once, each one `BEGIN IMMEDIATE` transaction that also writes the
//! responses' history.

use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_core::tag::tag_key;
use vouch_store::{
    APPLY_RULE_ATTEMPTS, Actor, HistoryChange, HistoryEntry, JobPayload, NewJob, NewTagRule,
    ResponseId, RuleId, RuleJob, StoreError, StoreResult, SurveyId, TagRule, TagStore, TagSummary,
    WorkspaceId,
};

use crate::SqliteStore;
use crate::error::SqlContext;
use crate::history;
use crate::outbox::{self, ResponseChange};
use crate::row::{conversion_error, timestamp};

/// The stored spelling of the workspace's tag named `name` in any case, if there is one.
pub(crate) fn stored_name(
    connection: &Connection,
    workspace: WorkspaceId,
    name: &str,
) -> StoreResult<Option<String>> {
    let key = tag_key(name);
    let names: Vec<String> = connection
        .prepare_cached("SELECT name FROM tags WHERE workspace_id = ?1")
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], |row| row.get(0))
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read the workspace's tags")?;
    Ok(names.into_iter().find(|stored| tag_key(stored) == key))
}

/// The stored spelling of a tag, adding it to the set when it is new.
pub(crate) fn ensure_tag(
    connection: &Connection,
    workspace: WorkspaceId,
    name: &str,
    at: i64,
) -> StoreResult<String> {
    if let Some(stored) = stored_name(connection, workspace, name)? {
        return Ok(stored);
    }
    connection
        .prepare_cached("INSERT INTO tags (workspace_id, name, created_at) VALUES (?1, ?2, ?3)")
        .and_then(|mut insert| insert.execute((workspace.0, name, at)))
        .sql_context("failed to add a tag")?;
    Ok(name.to_owned())
}

fn existing(connection: &Connection, workspace: WorkspaceId, name: &str) -> StoreResult<String> {
    stored_name(connection, workspace, name)?
        .ok_or_else(|| StoreError::NotFound(format!("tag {name:?}")))
}

fn count_of(connection: &Connection, workspace: WorkspaceId, tag: &str) -> StoreResult<u64> {
    let count: i64 = connection
        .prepare_cached("SELECT count(*) FROM response_tags WHERE workspace_id = ?1 AND tag = ?2")
        .and_then(|mut statement| statement.query_row((workspace.0, tag), |row| row.get(0)))
        .sql_context("failed to count a tag's responses")?;
    Ok(count.unsigned_abs())
}

fn immediate(connection: &mut Connection) -> StoreResult<rusqlite::Transaction<'_>> {
    connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start changing tags")
}

fn execute(connection: &Connection, sql: &str, params: impl rusqlite::Params) -> StoreResult<()> {
    connection
        .prepare_cached(sql)
        .and_then(|mut statement| statement.execute(params))
        .sql_context("failed to change tags")?;
    Ok(())
}

fn summaries(connection: &Connection, workspace: WorkspaceId) -> StoreResult<Vec<TagSummary>> {
    connection
        .prepare_cached(
            "SELECT t.name,
                 (SELECT count(*) FROM response_tags r
                  WHERE r.workspace_id = t.workspace_id AND r.tag = t.name),
                 (SELECT count(*) FROM tag_rules u
                  WHERE u.workspace_id = t.workspace_id AND u.tag = t.name)
             FROM tags t WHERE t.workspace_id = ?1 ORDER BY t.name",
        )
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], |row| {
                    Ok(TagSummary {
                        name: row.get(0)?,
                        responses: row.get::<_, i64>(1)?.unsigned_abs(),
                        rules: row.get::<_, i64>(2)?.unsigned_abs(),
                    })
                })
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read the workspace's tags")
}

fn create(
    connection: &mut Connection,
    workspace: WorkspaceId,
    name: &str,
    at: i64,
) -> StoreResult<()> {
    let transaction = immediate(connection)?;
    if let Some(stored) = stored_name(&transaction, workspace, name)? {
        return Err(StoreError::Conflict(format!("the tag {stored:?} exists")));
    }
    ensure_tag(&transaction, workspace, name, at)?;
    transaction.commit().sql_context("failed to commit a tag")
}

fn rename(
    connection: &mut Connection,
    workspace: WorkspaceId,
    from: &str,
    to: &str,
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let transaction = immediate(connection)?;
    let from = existing(&transaction, workspace, from)?;
    if let Some(taken) = stored_name(&transaction, workspace, to)?
        && taken != from
    {
        return Err(StoreError::Conflict(format!(
            "the tag {taken:?} exists: merge {from:?} into it instead"
        )));
    }
    let count = count_of(&transaction, workspace, &from)?;
    if to == from {
        // Nothing changes, so nothing is recorded.
        return Ok(count);
    }
    let change = HistoryChange::TagRenamed {
        from: from.clone(),
        to: to.to_owned(),
    };
    history::record_for_tag(&transaction, workspace.0, &from, actor, &change, at)?;
    for table in ["response_tags", "tag_rules"] {
        let sql = format!("UPDATE {table} SET tag = ?3 WHERE workspace_id = ?1 AND tag = ?2");
        execute(&transaction, &sql, (workspace.0, &from, to))?;
    }
    let sql = "UPDATE tags SET name = ?3 WHERE workspace_id = ?1 AND name = ?2";
    execute(&transaction, sql, (workspace.0, &from, to))?;
    transaction
        .commit()
        .sql_context("failed to commit a renamed tag")?;
    Ok(count)
}

fn merge(
    connection: &mut Connection,
    workspace: WorkspaceId,
    from: &[String],
    into: &str,
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let transaction = immediate(connection)?;
    let mut sources = Vec::new();
    for name in from {
        sources.push(existing(&transaction, workspace, name)?);
    }
    let into = ensure_tag(&transaction, workspace, into, at)?;
    let changed: i64 = transaction
        .query_row(
            "SELECT count(DISTINCT response_id) FROM response_tags
             WHERE workspace_id = ?1 AND tag IN (SELECT value FROM json_each(?2)) AND tag <> ?3",
            (workspace.0, json_list(&sources)?, &into),
            |row| row.get(0),
        )
        .sql_context("failed to count the responses of merged tags")?;
    for source in sources.iter().filter(|source| **source != into) {
        let change = HistoryChange::TagRenamed {
            from: source.clone(),
            to: into.clone(),
        };
        history::record_for_tag(&transaction, workspace.0, source, actor, &change, at)?;
        let statements = [
            "INSERT OR IGNORE INTO response_tags (workspace_id, tag, response_id)
             SELECT workspace_id, ?3, response_id FROM response_tags
             WHERE workspace_id = ?1 AND tag = ?2",
            "DELETE FROM response_tags WHERE workspace_id = ?1 AND tag = ?2 AND ?3 = ?3",
            "UPDATE tag_rules SET tag = ?3 WHERE workspace_id = ?1 AND tag = ?2",
            "DELETE FROM tags WHERE workspace_id = ?1 AND name = ?2 AND ?3 = ?3",
        ];
        for sql in statements {
            execute(&transaction, sql, (workspace.0, source, &into))?;
        }
    }
    transaction
        .commit()
        .sql_context("failed to commit merged tags")?;
    Ok(changed.unsigned_abs())
}

fn json_list(names: &[String]) -> StoreResult<String> {
    serde_json::to_string(names)
        .map_err(|error| crate::error::other(format!("failed to write tag names: {error}")))
}

fn delete(
    connection: &mut Connection,
    workspace: WorkspaceId,
    name: &str,
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let transaction = immediate(connection)?;
    let name = existing(&transaction, workspace, name)?;
    let count = count_of(&transaction, workspace, &name)?;
    let change = HistoryChange::TagRemoved(name.clone());
    history::record_for_tag(&transaction, workspace.0, &name, actor, &change, at)?;
    for sql in [
        "DELETE FROM response_tags WHERE workspace_id = ?1 AND tag = ?2",
        "DELETE FROM tag_rules WHERE workspace_id = ?1 AND tag = ?2",
        "DELETE FROM tags WHERE workspace_id = ?1 AND name = ?2",
    ] {
        execute(&transaction, sql, (workspace.0, &name))?;
    }
    transaction
        .commit()
        .sql_context("failed to commit a deleted tag")?;
    Ok(count)
}

/// Puts `tag` on the workspace's responses among `responses` that lack it, with history,
/// inside the caller's transaction; returns how many gained it.
pub(crate) fn tag_responses(
    connection: &Connection,
    workspace: WorkspaceId,
    tag: &str,
    responses: &[ResponseId],
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let tag = ensure_tag(connection, workspace, tag, at)?;
    let mut insert = connection
        .prepare_cached(
            "INSERT OR IGNORE INTO response_tags (workspace_id, tag, response_id)
             SELECT workspace_id, ?2, id FROM responses WHERE id = ?3 AND workspace_id = ?1",
        )
        .sql_context("failed to prepare tagging responses")?;
    let added = HistoryChange::TagAdded(tag.clone());
    let mut gained = 0;
    for response in responses {
        let inserted = insert
            .execute((workspace.0, &tag, response.0))
            .sql_context("failed to tag a response")?;
        if inserted > 0 {
            history::record(connection, workspace.0, *response, actor, &added, at)?;
            let change = ResponseChange::Tagged(&tag);
            outbox::response_changed(connection, workspace.0, *response, change, at)?;
            gained += 1;
        }
    }
    Ok(gained)
}

fn add_tag(
    connection: &mut Connection,
    workspace: WorkspaceId,
    tag: &str,
    responses: &[ResponseId],
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let transaction = immediate(connection)?;
    let gained = tag_responses(&transaction, workspace, tag, responses, actor, at)?;
    transaction
        .commit()
        .sql_context("failed to commit tagged responses")?;
    Ok(gained)
}

const RULE_COLUMNS: &str =
    "id, tag, terms, survey_id, created_at, through_id, backfill_until, tagged";

fn rule(row: &rusqlite::Row<'_>) -> rusqlite::Result<TagRule> {
    let count = |column: usize| -> rusqlite::Result<u64> {
        let value: i64 = row.get(column)?;
        u64::try_from(value).map_err(|_| conversion_error(column, format!("a count of {value}")))
    };
    Ok(TagRule {
        id: RuleId(row.get(0)?),
        tag: row.get(1)?,
        terms: row.get(2)?,
        survey: row.get::<_, Option<i64>>(3)?.map(SurveyId),
        created_at: timestamp(row, 4)?,
        through: ResponseId(row.get(5)?),
        backfill_until: ResponseId(row.get(6)?),
        tagged: count(7)?,
    })
}

fn rule_by_id(connection: &Connection, workspace: WorkspaceId, id: RuleId) -> StoreResult<TagRule> {
    connection
        .prepare_cached(&format!(
            "SELECT {RULE_COLUMNS} FROM tag_rules WHERE id = ?1 AND workspace_id = ?2"
        ))
        .and_then(|mut statement| statement.query_row((id.0, workspace.0), rule).optional())
        .sql_context("failed to read a rule")?
        .ok_or_else(|| StoreError::NotFound(format!("rule {}", id.0)))
}

fn create_rule(
    connection: &mut Connection,
    workspace: WorkspaceId,
    new: &NewTagRule,
    at: i64,
) -> StoreResult<TagRule> {
    let transaction = immediate(connection)?;
    if let Some(survey) = new.survey {
        let found = transaction
            .prepare_cached("SELECT 1 FROM surveys WHERE id = ?1 AND workspace_id = ?2")
            .and_then(|mut statement| statement.exists((survey.0, workspace.0)))
            .sql_context("failed to read a survey")?;
        if !found {
            return Err(StoreError::NotFound(format!("survey {}", survey.0)));
        }
    }
    let tag = ensure_tag(&transaction, workspace, &new.tag, at)?;
    let id: i64 = transaction
        .query_row(
            "INSERT INTO tag_rules (workspace_id, tag, terms, survey_id, created_at, backfill_until)
             VALUES (?1, ?2, ?3, ?4, ?5,
                     (SELECT coalesce(max(id), 0) FROM responses WHERE workspace_id = ?1))
             RETURNING id",
            (workspace.0, &tag, &new.terms, new.survey.map(|s| s.0), at),
            |row| row.get(0),
        )
        .sql_context("failed to save a rule")?;
    let saved = rule_by_id(&transaction, workspace, RuleId(id))?;
    let job = NewJob {
        payload: JobPayload::ApplyRule(RuleJob { rule: id }),
        run_at: saved.created_at,
        max_attempts: APPLY_RULE_ATTEMPTS,
    };
    crate::jobs::queue(&transaction, workspace.0, &job, at)?;
    transaction
        .commit()
        .sql_context("failed to commit a rule")?;
    Ok(saved)
}

fn rules(connection: &Connection, workspace: WorkspaceId) -> StoreResult<Vec<TagRule>> {
    connection
        .prepare_cached(&format!(
            "SELECT {RULE_COLUMNS} FROM tag_rules WHERE workspace_id = ?1 ORDER BY id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], rule)
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read the rules")
}

fn apply_rule(
    connection: &mut Connection,
    workspace: WorkspaceId,
    id: RuleId,
    responses: &[ResponseId],
    through: ResponseId,
    at: i64,
) -> StoreResult<u64> {
    let transaction = immediate(connection)?;
    let saved = rule_by_id(&transaction, workspace, id)?;
    let gained = tag_responses(
        &transaction,
        workspace,
        &saved.tag,
        responses,
        Actor::Rule(id),
        at,
    )?;
    execute(
        &transaction,
        "UPDATE tag_rules SET through_id = max(through_id, ?2), tagged = tagged + ?3
         WHERE id = ?1",
        (id.0, through.0, i64::try_from(gained).unwrap_or(i64::MAX)),
    )?;
    transaction
        .commit()
        .sql_context("failed to commit a rule's tags")?;
    Ok(gained)
}

#[async_trait]
impl TagStore for SqliteStore {
    async fn tags(&self, workspace: WorkspaceId) -> StoreResult<Vec<TagSummary>> {
        self.run(move |connection| summaries(connection, workspace))
            .await
    }

    async fn create_tag(&self, workspace: WorkspaceId, name: &str) -> StoreResult<()> {
        let name = name.to_owned();
        let at = Timestamp::now().as_millisecond();
        self.run(move |connection| create(connection, workspace, &name, at))
            .await
    }

    async fn rename_tag(
        &self,
        workspace: WorkspaceId,
        from: &str,
        to: &str,
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64> {
        let (from, to) = (from.to_owned(), to.to_owned());
        let at = at.as_millisecond();
        self.run(move |connection| rename(connection, workspace, &from, &to, actor, at))
            .await
    }

    async fn merge_tags(
        &self,
        workspace: WorkspaceId,
        from: &[String],
        into: &str,
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64> {
        let (from, into) = (from.to_vec(), into.to_owned());
        let at = at.as_millisecond();
        self.run(move |connection| merge(connection, workspace, &from, &into, actor, at))
            .await
    }

    async fn delete_tag(
        &self,
        workspace: WorkspaceId,
        name: &str,
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64> {
        let name = name.to_owned();
        let at = at.as_millisecond();
        self.run(move |connection| delete(connection, workspace, &name, actor, at))
            .await
    }

    async fn add_tag(
        &self,
        workspace: WorkspaceId,
        tag: &str,
        responses: &[ResponseId],
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64> {
        let (tag, responses) = (tag.to_owned(), responses.to_vec());
        let at = at.as_millisecond();
        self.run(move |connection| add_tag(connection, workspace, &tag, &responses, actor, at))
            .await
    }

    async fn create_rule(
        &self,
        workspace: WorkspaceId,
        rule: &NewTagRule,
        at: Timestamp,
    ) -> StoreResult<TagRule> {
        let rule = rule.clone();
        let at = at.as_millisecond();
        self.run(move |connection| create_rule(connection, workspace, &rule, at))
            .await
    }

    async fn rules(&self, workspace: WorkspaceId) -> StoreResult<Vec<TagRule>> {
        self.run(move |connection| rules(connection, workspace))
            .await
    }

    async fn delete_rule(&self, workspace: WorkspaceId, rule: RuleId) -> StoreResult<()> {
        self.run(move |connection| {
            let deleted = connection
                .prepare_cached("DELETE FROM tag_rules WHERE id = ?1 AND workspace_id = ?2")
                .and_then(|mut statement| statement.execute((rule.0, workspace.0)))
                .sql_context("failed to delete a rule")?;
            match deleted {
                0 => Err(StoreError::NotFound(format!("rule {}", rule.0))),
                _ => Ok(()),
            }
        })
        .await
    }

    async fn apply_rule(
        &self,
        workspace: WorkspaceId,
        rule: RuleId,
        responses: &[ResponseId],
        through: ResponseId,
        at: Timestamp,
    ) -> StoreResult<u64> {
        let responses = responses.to_vec();
        let at = at.as_millisecond();
        self.run(move |connection| apply_rule(connection, workspace, rule, &responses, through, at))
            .await
    }

    async fn response_history(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
    ) -> StoreResult<Vec<HistoryEntry>> {
        self.run(move |connection| {
            crate::follow_up::check_response(connection, workspace, response)?;
            history::of_response(connection, workspace.0, response)
        })
        .await
    }
}
