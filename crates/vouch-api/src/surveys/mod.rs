//! `/api/v1/surveys`: create, list, read, change, archive and restore surveys.

pub(super) mod write;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vouch_core::SurveyKind;
use vouch_store::{Survey, SurveyId, WorkspaceId};

use crate::Routes;
use crate::openapi::ReadErrors;
use vouch_web::ApiState;
use vouch_web::auth::Caller;
use vouch_web::error::{ApiError, Result};
use vouch_web::json::{PathId, path_id};

pub use vouch_web::survey_settings::{SurveySettingsJson, link_url, survey_name, wording};

/// NPS (customers) or eNPS (employees, reported anonymously).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum KindJson {
    /// Customer Net Promoter Score.
    Nps,
    /// Employee Net Promoter Score: reports hide groups under 5 responses.
    Enps,
}

impl From<SurveyKind> for KindJson {
    fn from(kind: SurveyKind) -> KindJson {
        match kind {
            SurveyKind::Nps => KindJson::Nps,
            SurveyKind::Enps => KindJson::Enps,
        }
    }
}

impl From<KindJson> for SurveyKind {
    fn from(kind: KindJson) -> SurveyKind {
        match kind {
            KindJson::Nps => SurveyKind::Nps,
            KindJson::Enps => SurveyKind::Enps,
        }
    }
}

/// A survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SurveyJson {
    /// Its id.
    pub id: i64,
    /// Unique within the workspace.
    pub name: String,
    /// `nps` or `enps`.
    pub kind: KindJson,
    /// The 0–10 question.
    pub question: String,
    /// The "why?" asked after the score.
    pub follow_up: String,
    /// Archived surveys take no new responses.
    pub archived: bool,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// How many responses it has.
    pub responses: u64,
    /// The public link's slug, unique across the server.
    #[schema(example = "checkout-3fa9c1")]
    pub slug: String,
    /// The public survey page: `{public_url}/l/{slug}`.
    #[schema(example = "https://vouch.example.com/l/checkout-3fa9c1")]
    pub link_url: String,
    /// How it looks and speaks to respondents.
    pub settings: SurveySettingsJson,
}

impl SurveyJson {
    fn new(survey: &Survey, responses: u64, public_url: &str) -> SurveyJson {
        SurveyJson {
            id: survey.id.0,
            name: survey.name.clone(),
            kind: survey.kind.into(),
            question: survey.question.clone(),
            follow_up: survey.follow_up.clone(),
            archived: survey.archived,
            created_at: survey.created_at.to_string(),
            responses,
            slug: survey.slug.clone(),
            link_url: link_url(public_url, &survey.slug),
            settings: SurveySettingsJson::from(&survey.settings),
        }
    }
}

/// A list of surveys, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SurveyList {
    /// The surveys.
    pub data: Vec<SurveyJson>,
}

/// A survey to create.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSurveyBody {
    /// Unique within the workspace.
    #[schema(example = "Checkout")]
    pub name: String,
    /// `nps` (the default) or `enps`.
    #[serde(default)]
    pub kind: Option<KindJson>,
    /// The 0–10 question; a standard wording for the kind by default.
    #[serde(default)]
    pub question: Option<String>,
    /// The "why?" asked after the score; a standard wording by default.
    #[serde(default)]
    pub follow_up: Option<String>,
    /// The public link's slug (`a-z`, `0-9`, inner `-`, at most 64), unique across the
    /// server; made from the name with a random suffix by default.
    #[serde(default)]
    pub slug: Option<String>,
    /// Brand, languages, per-category follow-ups, throttle window, public link switch.
    #[serde(default, deserialize_with = "vouch_web::json::object_only")]
    pub settings: Option<SurveySettingsJson>,
}

/// Changes to a survey; fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyPatch {
    /// A new name, unique within the workspace.
    #[serde(default)]
    pub name: Option<String>,
    /// A new question.
    #[serde(default)]
    pub question: Option<String>,
    /// A new follow-up.
    #[serde(default)]
    pub follow_up: Option<String>,
    /// A new public link slug (the old link stops working).
    #[serde(default)]
    pub slug: Option<String>,
    /// New settings, replacing the old ones whole (fields left out take their defaults).
    #[serde(default, deserialize_with = "vouch_web::json::object_only")]
    pub settings: Option<SurveySettingsJson>,
}

/// The survey routes.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add::<write::__path_create_survey, _, _>(write::create_survey)
        .add::<__path_list_surveys, _, _>(list_surveys)
        .add::<__path_get_survey, _, _>(get_survey)
        .add::<write::__path_update_survey, _, _>(write::update_survey)
        .add::<write::__path_archive_survey, _, _>(write::archive_survey)
        .add::<write::__path_unarchive_survey, _, _>(write::unarchive_survey)
}

/// A slug given in a body: valid, or a 422 naming `slug`.
pub(crate) fn checked_slug(slug: &str) -> Result<String> {
    let slug = slug.trim();
    if vouch_store::is_valid_slug(slug) {
        Ok(slug.to_owned())
    } else {
        Err(ApiError::validation(
            "slug",
            "a slug has 1 to 64 characters: a-z, 0-9 and `-` (not at either end)",
        ))
    }
}

/// The 409 of a slug another survey has.
pub(crate) fn slug_taken(slug: &str) -> ApiError {
    ApiError::Conflict {
        message: format!("another survey already has the link slug {slug:?}"),
        field: Some("slug".into()),
    }
}

pub(crate) fn name_taken(name: &str) -> ApiError {
    ApiError::Conflict {
        message: format!("a survey named {name:?} already exists in this workspace"),
        field: Some("name".into()),
    }
}

/// List the workspace's surveys with their response counts, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/surveys",
    tag = "surveys",
    responses((status = 200, description = "Every survey", body = SurveyList), ReadErrors),
    security(("api_key" = []))
)]
pub(crate) async fn list_surveys(
    State(state): State<ApiState>,
    caller: Caller,
) -> Result<Response> {
    let listings = state.store().surveys(caller.workspace).await?;
    let public_url = &state.app().config().public_url;
    let data = listings
        .iter()
        .map(|listing| SurveyJson::new(&listing.survey, listing.responses, public_url))
        .collect();
    Ok(axum::Json(SurveyList { data }).into_response())
}

/// The survey with its response count, or 404.
pub(crate) async fn survey_json(
    state: &ApiState,
    workspace: WorkspaceId,
    id: SurveyId,
) -> Result<SurveyJson> {
    let listings = state.store().surveys(workspace).await?;
    let public_url = &state.app().config().public_url;
    listings
        .iter()
        .find(|listing| listing.survey.id == id)
        .map(|listing| SurveyJson::new(&listing.survey, listing.responses, public_url))
        .ok_or_else(|| no_survey(id.0))
}

/// The 404 of a survey id.
pub(crate) fn no_survey(id: i64) -> ApiError {
    ApiError::not_found(format!("no survey with id {id}"))
}

/// The survey with this id in the caller's workspace, or 404; possibly as read a second ago
/// (its kind never changes, and reports do not depend on the rest).
pub(crate) async fn find_survey(state: &ApiState, caller: &Caller, id: &str) -> Result<Survey> {
    let id = path_id(id, "survey")?;
    state
        .caches()
        .surveys
        .survey(state.store(), caller.workspace, SurveyId(id))
        .await?
        .ok_or_else(|| no_survey(id))
}

/// Read one survey.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}",
    tag = "surveys",
    params(("id" = i64, Path, description = "The survey's id")),
    responses((status = 200, description = "The survey", body = SurveyJson), ReadErrors),
    security(("api_key" = []))
)]
pub(crate) async fn get_survey(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response> {
    let id = path_id(&id, "survey")?;
    let survey = survey_json(&state, caller.workspace, SurveyId(id)).await?;
    Ok(axum::Json(survey).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_written_in_lower_case() {
        assert_eq!(serde_json::to_value(KindJson::Enps).unwrap(), "enps");
        let body: NewSurveyBody =
            serde_json::from_str(r#"{"name": "People", "kind": "enps"}"#).unwrap();
        assert_eq!(body.kind, Some(KindJson::Enps));
    }
}
