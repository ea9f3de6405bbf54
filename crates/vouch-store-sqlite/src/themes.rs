//! Themes found in a survey's comments (`themes`, `theme_runs`).

use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use vouch_store::{
    FoundTheme, StoreError, StoreResult, StoredTheme, SurveyId, ThemeId, ThemeKeywordRow, ThemeRun,
    ThemeStore, WorkspaceId,
};

use crate::SqliteStore;
use crate::error::{SqlContext, other};
use crate::row::{json, timestamp};

/// One keyword as the `keywords` JSON column holds it.
#[derive(Serialize, Deserialize)]
struct KeywordJson {
    lang: String,
    stem: String,
    word: String,
    weight: f32,
}

fn keywords_json(keywords: &[ThemeKeywordRow]) -> StoreResult<String> {
    let rows: Vec<KeywordJson> = keywords
        .iter()
        .map(|keyword| KeywordJson {
            lang: keyword.lang.clone(),
            stem: keyword.stem.clone(),
            word: keyword.word.clone(),
            weight: keyword.weight,
        })
        .collect();
    serde_json::to_string(&rows).map_err(|error| other(format!("theme keywords: {error}")))
}

fn theme(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredTheme> {
    let keywords: Vec<KeywordJson> = json(row, 3, "theme keywords")?;
    Ok(StoredTheme {
        id: ThemeId(row.get(0)?),
        survey: SurveyId(row.get(1)?),
        label: row.get(2)?,
        keywords: keywords
            .into_iter()
            .map(|keyword| ThemeKeywordRow {
                lang: keyword.lang,
                stem: keyword.stem,
                word: keyword.word,
                weight: keyword.weight,
            })
            .collect(),
        created_at: timestamp(row, 4)?,
        updated_at: timestamp(row, 5)?,
    })
}

fn current(
    connection: &Connection,
    workspace: WorkspaceId,
    survey: Option<SurveyId>,
) -> StoreResult<Vec<StoredTheme>> {
    connection
        .prepare_cached(
            "SELECT id, survey_id, label, keywords, created_at, updated_at FROM themes
             WHERE workspace_id = ?1 AND (?2 IS NULL OR survey_id = ?2) AND retired_at IS NULL
             ORDER BY id",
        )
        .and_then(|mut statement| {
            statement
                .query_map((workspace.0, survey.map(|s| s.0)), theme)
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read themes")
}

fn replace(
    connection: &mut Connection,
    workspace: WorkspaceId,
    survey: SurveyId,
    found: &[FoundTheme],
    comments: u64,
    at: i64,
) -> StoreResult<Vec<StoredTheme>> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start replacing themes")?;
    let exists = transaction
        .prepare_cached("SELECT 1 FROM surveys WHERE id = ?1 AND workspace_id = ?2")
        .and_then(|mut statement| statement.exists((survey.0, workspace.0)))
        .sql_context("failed to read a survey")?;
    if !exists {
        return Err(StoreError::NotFound(format!("survey {}", survey.0)));
    }
    let kept: Vec<ThemeId> = current(&transaction, workspace, Some(survey))?
        .into_iter()
        .map(|theme| theme.id)
        .collect();
    let mut continued = Vec::new();
    for theme in found {
        let keywords = keywords_json(&theme.keywords)?;
        match theme.continues {
            Some(id) if kept.contains(&id) => {
                transaction
                    .prepare_cached(
                        "UPDATE themes SET label = ?2, keywords = ?3, updated_at = ?4 WHERE id = ?1",
                    )
                    .and_then(|mut update| update.execute((id.0, &theme.label, &keywords, at)))
                    .sql_context("failed to update a theme")?;
                continued.push(id);
            }
            Some(id) => return Err(StoreError::NotFound(format!("theme {}", id.0))),
            None => {
                transaction
                    .prepare_cached(
                        "INSERT INTO themes
                             (workspace_id, survey_id, label, keywords, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    )
                    .and_then(|mut insert| {
                        insert.execute((workspace.0, survey.0, &theme.label, &keywords, at))
                    })
                    .sql_context("failed to add a theme")?;
            }
        }
    }
    for id in kept.iter().filter(|id| !continued.contains(id)) {
        transaction
            .prepare_cached("UPDATE themes SET retired_at = ?2 WHERE id = ?1")
            .and_then(|mut update| update.execute((id.0, at)))
            .sql_context("failed to retire a theme")?;
    }
    transaction
        .prepare_cached(
            "INSERT INTO theme_runs (survey_id, workspace_id, at, comments) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (survey_id) DO UPDATE SET at = excluded.at, comments = excluded.comments",
        )
        .and_then(|mut upsert| {
            upsert.execute((
                survey.0,
                workspace.0,
                at,
                i64::try_from(comments).unwrap_or(i64::MAX),
            ))
        })
        .sql_context("failed to record a theme run")?;
    let themes = current(&transaction, workspace, Some(survey))?;
    transaction
        .commit()
        .sql_context("failed to commit themes")?;
    Ok(themes)
}

fn run_of(
    connection: &Connection,
    workspace: WorkspaceId,
    survey: SurveyId,
) -> StoreResult<Option<ThemeRun>> {
    connection
        .prepare_cached(
            "SELECT at, comments FROM theme_runs WHERE survey_id = ?1 AND workspace_id = ?2",
        )
        .and_then(|mut statement| {
            statement
                .query_row((survey.0, workspace.0), |row| {
                    Ok(ThemeRun {
                        at: timestamp(row, 0)?,
                        comments: row.get::<_, i64>(1)?.unsigned_abs(),
                    })
                })
                .optional()
        })
        .sql_context("failed to read a theme run")
}

#[async_trait]
impl ThemeStore for SqliteStore {
    async fn themes(
        &self,
        workspace: WorkspaceId,
        survey: Option<SurveyId>,
    ) -> StoreResult<Vec<StoredTheme>> {
        self.run(move |connection| current(connection, workspace, survey))
            .await
    }

    async fn replace_themes(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
        found: &[FoundTheme],
        comments: u64,
        at: Timestamp,
    ) -> StoreResult<Vec<StoredTheme>> {
        let found = found.to_vec();
        let at = at.as_millisecond();
        self.run(move |connection| replace(connection, workspace, survey, &found, comments, at))
            .await
    }

    async fn theme_run(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
    ) -> StoreResult<Option<ThemeRun>> {
        self.run(move |connection| run_of(connection, workspace, survey))
            .await
    }
}
