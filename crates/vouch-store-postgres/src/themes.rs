//! Themes found in a survey's comments (`themes`, `theme_runs`). A run replaces a survey's
//! themes in one transaction that locks the survey's row, so two runs of one survey apply one
//! after the other.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use jiff::Timestamp;
use serde_json::{Value, json};
use tokio_postgres::Row;
use vouch_store::{
    FoundTheme, StoreError, StoreResult, StoredTheme, SurveyId, ThemeId, ThemeKeywordRow, ThemeRun,
    ThemeStore, WorkspaceId,
};

use crate::PostgresStore;
use crate::error::{PgContext, other};
use crate::row::timestamp;

/// The `keywords` column of a theme: a JSON array of `{lang, stem, word, weight}`.
fn keywords_json(keywords: &[ThemeKeywordRow]) -> String {
    let rows: Vec<Value> = keywords
        .iter()
        .map(|keyword| {
            json!({
                "lang": keyword.lang,
                "stem": keyword.stem,
                "word": keyword.word,
                "weight": keyword.weight,
            })
        })
        .collect();
    Value::Array(rows).to_string()
}

/// The keywords of a stored `keywords` column.
fn keywords_of(text: &str) -> StoreResult<Vec<ThemeKeywordRow>> {
    let unreadable =
        |what: &str| other(format!("a theme's stored keywords are unreadable: {what}"));
    let value: Value =
        serde_json::from_str(text).map_err(|error| unreadable(&error.to_string()))?;
    let Value::Array(rows) = value else {
        return Err(unreadable("not an array"));
    };
    rows.iter()
        .map(|row| {
            let field = |name: &str| {
                row.get(name)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| unreadable(&format!("no {name}")))
            };
            let weight = row
                .get("weight")
                .and_then(Value::as_f64)
                .ok_or_else(|| unreadable("no weight"))?;
            Ok(ThemeKeywordRow {
                lang: field("lang")?,
                stem: field("stem")?,
                word: field("word")?,
                // Written from an f32, so it reads back exactly.
                weight: weight as f32,
            })
        })
        .collect()
}

/// The columns [`theme_of_row`] reads, in its order.
const THEME_COLUMNS: &str = "id, survey_id, label, keywords, created_at, updated_at";

fn theme_of_row(row: &Row) -> StoreResult<StoredTheme> {
    let context = "failed to read a theme";
    let keywords: &str = row.try_get(3).pg_context(context)?;
    Ok(StoredTheme {
        id: ThemeId(row.try_get(0).pg_context(context)?),
        survey: SurveyId(row.try_get(1).pg_context(context)?),
        label: row.try_get(2).pg_context(context)?,
        keywords: keywords_of(keywords)?,
        created_at: timestamp(row.try_get(4).pg_context(context)?)?,
        updated_at: timestamp(row.try_get(5).pg_context(context)?)?,
    })
}

/// The current themes of the workspace, or of one of its surveys, by id.
async fn current(
    client: &impl GenericClient,
    workspace: WorkspaceId,
    survey: Option<SurveyId>,
) -> StoreResult<Vec<StoredTheme>> {
    let rows = client
        .query(
            &format!(
                "SELECT {THEME_COLUMNS} FROM themes
                 WHERE workspace_id = $1 AND ($2::bigint IS NULL OR survey_id = $2)
                   AND retired_at IS NULL
                 ORDER BY id"
            ),
            &[&workspace.0, &survey.map(|survey| survey.0)],
        )
        .await
        .pg_context("failed to read themes")?;
    rows.iter().map(theme_of_row).collect()
}

async fn replace(
    store: &PostgresStore,
    workspace: WorkspaceId,
    survey: SurveyId,
    found: &[FoundTheme],
    comments: u64,
    at: i64,
) -> StoreResult<Vec<StoredTheme>> {
    let mut client = store.client().await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start replacing themes")?;
    let exists = transaction
        .query_opt(
            "SELECT 1 FROM surveys WHERE id = $1 AND workspace_id = $2 FOR NO KEY UPDATE",
            &[&survey.0, &workspace.0],
        )
        .await
        .pg_context("failed to lock a survey")?;
    if exists.is_none() {
        return Err(StoreError::NotFound(format!("survey {}", survey.0)));
    }
    let kept: Vec<ThemeId> = current(&transaction, workspace, Some(survey))
        .await?
        .into_iter()
        .map(|theme| theme.id)
        .collect();
    let mut continued = Vec::new();
    for theme in found {
        let keywords = keywords_json(&theme.keywords);
        match theme.continues {
            Some(id) if kept.contains(&id) => {
                transaction
                    .execute(
                        "UPDATE themes SET label = $2, keywords = $3, updated_at = $4 WHERE id = $1",
                        &[&id.0, &theme.label, &keywords, &at],
                    )
                    .await
                    .pg_context("failed to update a theme")?;
                continued.push(id.0);
            }
            Some(id) => return Err(StoreError::NotFound(format!("theme {}", id.0))),
            None => {
                transaction
                    .execute(
                        "INSERT INTO themes
                             (workspace_id, survey_id, label, keywords, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $5)",
                        &[&workspace.0, &survey.0, &theme.label, &keywords, &at],
                    )
                    .await
                    .pg_context("failed to add a theme")?;
            }
        }
    }
    let retired: Vec<i64> = kept
        .iter()
        .map(|id| id.0)
        .filter(|id| !continued.contains(id))
        .collect();
    transaction
        .execute(
            "UPDATE themes SET retired_at = $2 WHERE id = ANY($1)",
            &[&retired, &at],
        )
        .await
        .pg_context("failed to retire themes")?;
    transaction
        .execute(
            "INSERT INTO theme_runs (survey_id, workspace_id, at, comments) VALUES ($1, $2, $3, $4)
             ON CONFLICT (survey_id) DO UPDATE SET at = excluded.at, comments = excluded.comments",
            &[
                &survey.0,
                &workspace.0,
                &at,
                &i64::try_from(comments).unwrap_or(i64::MAX),
            ],
        )
        .await
        .pg_context("failed to record a theme run")?;
    let themes = current(&transaction, workspace, Some(survey)).await?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit themes")?;
    Ok(themes)
}

async fn run_of(
    store: &PostgresStore,
    workspace: WorkspaceId,
    survey: SurveyId,
) -> StoreResult<Option<ThemeRun>> {
    let client = store.client().await?;
    let row = client
        .query_opt(
            "SELECT at, comments FROM theme_runs WHERE survey_id = $1 AND workspace_id = $2",
            &[&survey.0, &workspace.0],
        )
        .await
        .pg_context("failed to read a theme run")?;
    row.map(|row| {
        let context = "failed to read a theme run";
        let comments: i64 = row.try_get(1).pg_context(context)?;
        Ok(ThemeRun {
            at: timestamp(row.try_get(0).pg_context(context)?)?,
            comments: comments.unsigned_abs(),
        })
    })
    .transpose()
}

#[async_trait]
impl ThemeStore for PostgresStore {
    async fn themes(
        &self,
        workspace: WorkspaceId,
        survey: Option<SurveyId>,
    ) -> StoreResult<Vec<StoredTheme>> {
        current(&self.client().await?, workspace, survey).await
    }

    async fn replace_themes(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
        found: &[FoundTheme],
        comments: u64,
        at: Timestamp,
    ) -> StoreResult<Vec<StoredTheme>> {
        replace(
            self,
            workspace,
            survey,
            found,
            comments,
            at.as_millisecond(),
        )
        .await
    }

    async fn theme_run(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
    ) -> StoreResult<Option<ThemeRun>> {
        run_of(self, workspace, survey).await
    }
}
