//! `/api/v1/tags` and `/api/v1/rules`: the workspace's managed set of tags (create, rename,
//! merge, delete) and the keyword rules that put tags on responses by their comments.
//!
//! Every change to a response's tags is written to its history
//! (`GET /api/v1/responses/{id}/history`) with the key that made it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vouch_analytics::rules::{check_rule, count_matches};
use vouch_core::tag::check_tag_name;
use vouch_store::{Actor, RuleId, SurveyId, TagRule, TagSummary};

use crate::Routes;
use crate::openapi::{ReadErrors, WriteErrors};
use vouch_web::ApiState;
use vouch_web::auth::{Caller, WriteCaller};
use vouch_web::error::{ApiError, Result};
use vouch_web::json::{ApiJson, PathId, path_id};

/// The tag and rule routes.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add::<__path_list_tags, _, _>(list_tags)
        .add::<__path_create_tag, _, _>(create_tag)
        .add::<__path_rename_tag, _, _>(rename_tag)
        .add::<__path_delete_tag, _, _>(delete_tag)
        .add::<__path_merge_tags, _, _>(merge_tags)
        .add::<__path_list_rules, _, _>(list_rules)
        .add::<__path_create_rule, _, _>(create_rule)
        .add::<__path_delete_rule, _, _>(delete_rule)
}

/// A tag of the workspace.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TagJson {
    /// Its name (unique ignoring case).
    pub name: String,
    /// How many responses carry it.
    pub responses: u64,
    /// How many keyword rules set it.
    pub rules: u64,
}

impl From<&TagSummary> for TagJson {
    fn from(tag: &TagSummary) -> TagJson {
        TagJson {
            name: tag.name.clone(),
            responses: tag.responses,
            rules: tag.rules,
        }
    }
}

/// The workspace's tags, by name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TagList {
    /// The tags.
    pub data: Vec<TagJson>,
}

/// A tag to create, or the new name of one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagName {
    /// The name: 1 to 40 characters, not only spaces.
    pub name: String,
}

/// Tags to merge into one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagMerge {
    /// The tags merged away.
    pub from: Vec<String>,
    /// The tag they become (created if missing).
    pub into: String,
}

/// How many responses a change touched.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TagChange {
    /// The tag's name after the change.
    pub name: String,
    /// Responses changed.
    pub responses: u64,
}

fn checked_name(field: &str, typed: &str) -> Result<String> {
    check_tag_name(typed).map_err(|error| ApiError::validation(field, error.to_string()))
}

/// List the workspace's tags with how many responses and rules use each.
#[utoipa::path(get, path = "/api/v1/tags", tag = "tags",
    responses((status = 200, description = "The tags", body = TagList), ReadErrors),
    security(("api_key" = [])))]
pub(crate) async fn list_tags(State(state): State<ApiState>, caller: Caller) -> Result<Response> {
    let tags = state.store().tags(caller.workspace).await?;
    let data = tags.iter().map(TagJson::from).collect();
    Ok(axum::Json(TagList { data }).into_response())
}

/// Add a tag to the set; 409 if one of that name exists in any case.
#[utoipa::path(post, path = "/api/v1/tags", tag = "tags", request_body = TagName,
    responses((status = 201, description = "Created", body = TagChange), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn create_tag(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    body: ApiJson<TagName>,
) -> Result<Response> {
    let name = checked_name("name", &body.value.name)?;
    state.store().create_tag(caller.workspace, &name).await?;
    let created = TagChange { name, responses: 0 };
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

/// Rename a tag on every response and rule; 409 if another tag has the new name.
#[utoipa::path(patch, path = "/api/v1/tags/{name}", tag = "tags", request_body = TagName,
    params(("name" = String, Path, description = "The tag's name")),
    responses((status = 200, description = "Renamed", body = TagChange), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn rename_tag(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(from): PathId,
    body: ApiJson<TagName>,
) -> Result<Response> {
    let from = checked_name("name", &from)?;
    let to = checked_name("name", &body.value.name)?;
    let actor = Actor::ApiKey(caller.key.0);
    let responses = state
        .store()
        .rename_tag(caller.workspace, &from, &to, actor, Timestamp::now())
        .await?;
    Ok(axum::Json(TagChange {
        name: to,
        responses,
    })
    .into_response())
}

/// Delete a tag from every response; the rules setting it go too.
#[utoipa::path(delete, path = "/api/v1/tags/{name}", tag = "tags",
    params(("name" = String, Path, description = "The tag's name")),
    responses((status = 200, description = "Deleted", body = TagChange), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn delete_tag(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(name): PathId,
) -> Result<Response> {
    let name = checked_name("name", &name)?;
    let actor = Actor::ApiKey(caller.key.0);
    let responses = state
        .store()
        .delete_tag(caller.workspace, &name, actor, Timestamp::now())
        .await?;
    Ok(axum::Json(TagChange { name, responses }).into_response())
}

/// Merge tags into one: their responses and rules carry it instead.
#[utoipa::path(post, path = "/api/v1/tags/merge", tag = "tags", request_body = TagMerge,
    responses((status = 200, description = "Merged", body = TagChange), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn merge_tags(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    body: ApiJson<TagMerge>,
) -> Result<Response> {
    if body.value.from.is_empty() {
        return Err(ApiError::validation(
            "from",
            "name at least one tag to merge",
        ));
    }
    let from = body
        .value
        .from
        .iter()
        .map(|name| checked_name("from", name))
        .collect::<Result<Vec<_>>>()?;
    let into = checked_name("into", &body.value.into)?;
    let actor = Actor::ApiKey(caller.key.0);
    let responses = state
        .store()
        .merge_tags(caller.workspace, &from, &into, actor, Timestamp::now())
        .await?;
    Ok(axum::Json(TagChange {
        name: into,
        responses,
    })
    .into_response())
}

/// A keyword rule.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RuleJson {
    /// Its id.
    pub id: i64,
    /// The tag it puts on.
    pub tag: String,
    /// Its terms: words, `prefix*`, `"phrases"`, comma-separated.
    #[serde(rename = "match")]
    pub terms: String,
    /// Only this survey's responses; null for every survey's.
    pub survey_id: Option<i64>,
    /// Responses it tagged.
    pub tagged: u64,
    /// Share of the responses stored before it that it has been matched against, 0 to 1.
    pub progress: f64,
    /// When it was saved (RFC 3339).
    pub created_at: String,
}

impl From<&TagRule> for RuleJson {
    fn from(rule: &TagRule) -> RuleJson {
        RuleJson {
            id: rule.id.0,
            tag: rule.tag.clone(),
            terms: rule.terms.clone(),
            survey_id: rule.survey.map(|survey| survey.0),
            tagged: rule.tagged,
            progress: rule.progress(),
            created_at: rule.created_at.to_string(),
        }
    }
}

/// The workspace's rules.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RuleList {
    /// The rules, oldest first.
    pub data: Vec<RuleJson>,
}

/// A rule to save (or count, with `dry_run`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRuleBody {
    /// The tag to put on (created if missing).
    pub tag: String,
    /// Comma-separated terms: `refund*, "money back", cancel` (at most 50, each at most 100
    /// characters), matched ignoring case and accents.
    #[serde(rename = "match")]
    pub terms: String,
    /// Only this survey's responses.
    #[serde(default)]
    pub survey_id: Option<i64>,
    /// Count the responses it would tag now, and save nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a dry run would tag.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DryRun {
    /// Responses the rule matches now.
    pub matched: u64,
}

/// List the keyword rules.
#[utoipa::path(get, path = "/api/v1/rules", tag = "tags",
    responses((status = 200, description = "The rules", body = RuleList), ReadErrors),
    security(("api_key" = [])))]
pub(crate) async fn list_rules(State(state): State<ApiState>, caller: Caller) -> Result<Response> {
    let rules = state.store().rules(caller.workspace).await?;
    let data = rules.iter().map(RuleJson::from).collect();
    Ok(axum::Json(RuleList { data }).into_response())
}

/// Save a keyword rule: new responses are tagged as they arrive, past ones by a background job
/// (its `progress` grows to 1). With `dry_run`, only count what it would tag.
#[utoipa::path(post, path = "/api/v1/rules", tag = "tags", request_body = NewRuleBody,
    responses(
        (status = 201, description = "Saved", body = RuleJson),
        (status = 200, description = "The dry run's count", body = DryRun),
        WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn create_rule(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    body: ApiJson<NewRuleBody>,
) -> Result<Response> {
    let given = &body.value;
    let survey = match given.survey_id {
        Some(id) => {
            let found = state.store().survey(caller.workspace, SurveyId(id)).await?;
            Some(
                found
                    .ok_or_else(|| ApiError::validation("survey_id", format!("no survey {id}")))?
                    .id,
            )
        }
        None => None,
    };
    let (rule, matcher) = check_rule(&given.tag, &given.terms, survey)
        .map_err(|error| ApiError::validation(error.field(), error.to_string()))?;
    let store = state.store();
    if given.dry_run {
        let matched = count_matches(store, caller.workspace, &matcher, |_| {})
            .await
            .map_err(|error| ApiError::Internal(error.into()))?;
        return Ok(axum::Json(DryRun { matched }).into_response());
    }
    let saved = store
        .create_rule(caller.workspace, &rule, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(RuleJson::from(&saved))).into_response())
}

/// Delete a rule; the tags it put on stay.
#[utoipa::path(delete, path = "/api/v1/rules/{id}", tag = "tags",
    params(("id" = i64, Path, description = "The rule's id")),
    responses((status = 204, description = "Deleted"), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn delete_rule(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
) -> Result<Response> {
    let id = path_id(&id, "rule")?;
    state
        .store()
        .delete_rule(caller.workspace, RuleId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
