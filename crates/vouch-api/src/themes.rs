//! `GET /api/v1/surveys/{id}/themes` and `POST /api/v1/surveys/{id}/themes/refresh`: the
//! themes of a survey's comments (found automatically, and the tags) with what each costs or
//! earns the NPS; the same object as `vouch themes --json`.
//!
//! Themes are found the first time they are asked for and kept; new comments belong to them
//! as they arrive. A refresh finds them again from every comment, keeping the id of each theme
//! found again.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use vouch_analytics::theme_report::theme_report;
use vouch_analytics::themes::{ThemeSet, ThemeSources, discover, promotion_rule};
use vouch_store::{Survey, ThemeId};

use crate::Routes;
use crate::openapi::{ReadErrors, WriteErrors};
use crate::params::{Params, query_error, value_attribute};
use crate::report::{report_query, row_filter};
use crate::surveys::find_survey;
use vouch_web::ApiState;
use vouch_web::auth::{Caller, WriteCaller};
use vouch_web::error::{ApiError, Result};
use vouch_web::fresh::fresh_index;
use vouch_web::json::{PathId, QueryPairs};
use vouch_web::wire_themes::ThemesJson;

/// The theme routes.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add::<__path_survey_themes, _, _>(survey_themes)
        .add::<__path_refresh_themes, _, _>(refresh_themes)
        .add::<__path_promote_theme, _, _>(promote_theme)
}

/// How a theme is promoted into a tag.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromoteBody {
    /// The tag's name (the theme's label by default).
    #[serde(default)]
    pub tag: Option<String>,
}

/// Turn a theme into a tag: a keyword rule of its stems (`factur*`) tags the survey's
/// responses, past ones by a background job and new ones as they arrive.
#[utoipa::path(
    post,
    path = "/api/v1/surveys/{id}/themes/{theme}/promote",
    tag = "reports",
    request_body = PromoteBody,
    params(
        ("id" = i64, Path, description = "The survey's id"),
        ("theme" = i64, Path, description = "The theme's id"),
    ),
    responses((status = 201, description = "The rule saved", body = crate::tags::RuleJson), WriteErrors),
    security(("api_key" = []))
)]
async fn promote_theme(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    axum::extract::Path((id, theme)): axum::extract::Path<(String, String)>,
    body: vouch_web::json::ApiJson<PromoteBody>,
) -> Result<Response> {
    let survey = find_survey(&state, &caller, &id).await?;
    let theme_id = vouch_web::json::path_id(&theme, "theme")?;
    let set = ThemeSet::load(state.store(), caller.workspace, Some(survey.id)).await?;
    let theme = set
        .theme(ThemeId(theme_id))
        .ok_or_else(|| ApiError::not_found(format!("no theme {theme_id} in this survey")))?;
    let (rule, _) = promotion_rule(theme, body.value.tag.as_deref())
        .map_err(|error| ApiError::validation("tag", error.to_string()))?;
    let saved = state
        .store()
        .create_rule(caller.workspace, &rule, jiff::Timestamp::now())
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(crate::tags::RuleJson::from(&saved)),
    )
        .into_response())
}

/// The parameters of the themes report.
const THEMES_PARAMETERS: [&str; 7] = [
    "from",
    "to",
    "where",
    "text",
    "tag",
    "theme",
    "value_attribute",
];

/// The themes of a survey's comments, and the tags, each with its volume, category split,
/// NPS and margin of error, `impact` (the survey's NPS minus its NPS without the theme), the
/// summed `value_attribute` of its detractors, and the sentiment of its comments.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/themes",
    tag = "reports",
    params(
        ("id" = i64, Path, description = "The survey's id"),
        ("from" = Option<String>, Query, description = "From this instant on (RFC 3339, or a date)"),
        ("to" = Option<String>, Query, description = "Before this instant (RFC 3339, or a date)"),
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable", explode = true),
        ("text" = Option<String>, Query, description = "A word the comment contains, or a prefix (refund*)"),
        ("tag" = Option<Vec<String>>, Query, description = "Only responses carrying this tag; repeatable", explode = true),
        ("theme" = Option<Vec<String>>, Query, description = "Only responses in this theme; repeatable", explode = true),
        ("value_attribute" = Option<String>, Query, description = "A number attribute (such as `mrr`) summed over each theme's detractors"),
    ),
    responses((status = 200, description = "The themes", body = ThemesJson), ReadErrors),
    security(("api_key" = []))
)]
async fn survey_themes(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let survey = find_survey(&state, &caller, &id).await?;
    let params = Params::new(pairs, &THEMES_PARAMETERS)?;
    let value_attribute = value_attribute(&state, &caller, &params).await?;
    let mut query = report_query(&state, &caller, &params, survey.id).await?;
    let rows = row_filter(&state, &caller, &params, Some(survey.id)).await?;
    let store = state.store();
    if store
        .theme_run(caller.workspace, survey.id)
        .await?
        .is_none()
    {
        find_themes(&state, &caller, &survey).await?;
    }
    let sources = ThemeSources::load(store, caller.workspace, survey.id).await?;
    let index = fresh_index(&state, caller.workspace).await?;
    let report = {
        let index = index.read();
        query.rows = rows.rows(&index);
        let entries = sources.entries(&index);
        theme_report(&index, &query, entries, value_attribute.as_deref()).map_err(query_error)?
    };
    Ok(axum::Json(ThemesJson::from(&report)).into_response())
}

/// Find a survey's themes again from every comment now; a theme found again keeps its id.
#[utoipa::path(
    post,
    path = "/api/v1/surveys/{id}/themes/refresh",
    tag = "reports",
    params(("id" = i64, Path, description = "The survey's id")),
    responses((status = 200, description = "The themes found", body = ThemesJson), WriteErrors),
    security(("api_key" = []))
)]
async fn refresh_themes(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
) -> Result<Response> {
    let survey = find_survey(&state, &caller, &id).await?;
    find_themes(&state, &caller, &survey).await?;
    let params = Params::new(Vec::new(), &THEMES_PARAMETERS)?;
    let query = report_query(&state, &caller, &params, survey.id).await?;
    let sources = ThemeSources::load(state.store(), caller.workspace, survey.id).await?;
    let index = fresh_index(&state, caller.workspace).await?;
    let report = {
        let index = index.read();
        theme_report(&index, &query, sources.entries(&index), None).map_err(query_error)?
    };
    Ok(axum::Json(ThemesJson::from(&report)).into_response())
}

/// Finds the survey's themes from its comments and keeps them.
async fn find_themes(state: &ApiState, caller: &Caller, survey: &Survey) -> Result<()> {
    let index = fresh_index(state, caller.workspace).await?;
    let comments = index.read().stats().comments;
    discover(state.store(), caller.workspace, survey.id, comments).await?;
    Ok(())
}
