//! Surveys written: created, changed, archived and restored.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use vouch_core::SurveyKind;
use vouch_core::survey::DEFAULT_FOLLOW_UP;
use vouch_store::{NewSurvey, StoreError, SurveyChanges, SurveyId, WorkspaceId};

use super::{
    KindJson, NewSurveyBody, SurveyJson, SurveyPatch, checked_slug, name_taken, no_survey,
    slug_taken, survey_json, survey_name, wording,
};
use crate::idempotency::SavedWrite;
use crate::openapi::WriteErrors;
use vouch_web::ApiState;
use vouch_web::auth::{Caller, WriteCaller};
use vouch_web::error::Result;
use vouch_web::json::{ApiJson, PathId, path_id};
use vouch_web::survey_settings::checked_settings;

/// Create a survey.
#[utoipa::path(
    post,
    path = "/api/v1/surveys",
    tag = "surveys",
    request_body = NewSurveyBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first reply")),
    responses((status = 201, description = "The new survey", body = SurveyJson), WriteErrors),
    security(("api_key" = []))
)]
pub(crate) async fn create_survey(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    headers: HeaderMap,
    body: ApiJson<NewSurveyBody>,
) -> Result<Response> {
    let write = SavedWrite::new(
        "surveys",
        caller.workspace,
        &headers,
        state.limits(),
        body.fingerprint(),
    )?;
    if let Some(reply) = write.earlier_reply(&state).await? {
        return Ok(reply);
    }
    let limits = state.limits();
    let given = &body.value;
    let kind: SurveyKind = given.kind.unwrap_or(KindJson::Nps).into();
    let name = survey_name("name", &given.name)?;
    let question = match &given.question {
        Some(text) => wording("question", text, limits)?,
        None => kind.default_question(None),
    };
    let follow_up = match &given.follow_up {
        Some(text) => wording("follow_up", text, limits)?,
        None => DEFAULT_FOLLOW_UP.to_owned(),
    };
    let slug = given.slug.as_deref().map(checked_slug).transpose()?;
    let settings = match &given.settings {
        Some(settings) => checked_settings(settings, limits)?,
        None => Default::default(),
    };
    let new = NewSurvey {
        slug: slug.clone(),
        settings,
        name: name.clone(),
        kind,
        question,
        follow_up,
    };
    let survey = match state.store().create_survey(caller.workspace, new).await {
        Ok(survey) => survey,
        Err(StoreError::Conflict(_)) => {
            let clash = clash(&state, caller.workspace, None, Some(&name), slug.as_deref());
            return Err(clash.await);
        }
        Err(error) => return Err(error.into()),
    };
    let public_url = &state.app().config().public_url;
    write
        .reply(
            &state,
            StatusCode::CREATED,
            &SurveyJson::new(&survey, 0, public_url),
        )
        .await
}

/// Which uniqueness rule a create or change (of survey `changed`) broke: the name (in the
/// workspace) when another survey has it, else the slug (across the server).
async fn clash(
    state: &ApiState,
    workspace: WorkspaceId,
    changed: Option<SurveyId>,
    name: Option<&str>,
    slug: Option<&str>,
) -> vouch_web::error::ApiError {
    if let Some(name) = name {
        match state.store().survey_by_name(workspace, name).await {
            Ok(Some(found)) if Some(found.id) != changed => return name_taken(name),
            Ok(_) => {}
            Err(error) => return error.into(),
        }
    }
    match slug {
        Some(slug) => slug_taken(slug),
        None => name_taken(name.unwrap_or("")),
    }
}

/// Rename a survey or change its wording.
#[utoipa::path(
    patch,
    path = "/api/v1/surveys/{id}",
    tag = "surveys",
    params(("id" = i64, Path, description = "The survey's id")),
    request_body = SurveyPatch,
    responses((status = 200, description = "The changed survey", body = SurveyJson), WriteErrors),
    security(("api_key" = []))
)]
pub(crate) async fn update_survey(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
    body: ApiJson<SurveyPatch>,
) -> Result<Response> {
    let id = path_id(&id, "survey")?;
    let limits = state.limits();
    let patch = &body.value;
    let checked = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|text| wording(field, text, limits))
            .transpose()
    };
    let changes = SurveyChanges {
        name: patch
            .name
            .as_deref()
            .map(|text| survey_name("name", text))
            .transpose()?,
        question: checked("question", &patch.question)?,
        follow_up: checked("follow_up", &patch.follow_up)?,
        archived: None,
        slug: patch.slug.as_deref().map(checked_slug).transpose()?,
        settings: patch
            .settings
            .as_ref()
            .map(|settings| checked_settings(settings, limits))
            .transpose()?,
    };
    change(&state, caller.workspace, SurveyId(id), changes).await
}

/// Applies changes and replies with the survey.
async fn change(
    state: &ApiState,
    workspace: WorkspaceId,
    id: SurveyId,
    changes: SurveyChanges,
) -> Result<Response> {
    let name = changes.name.clone();
    let slug = changes.slug.clone();
    match state.store().update_survey(workspace, id, changes).await {
        Ok(_) => {}
        Err(StoreError::NotFound(_)) => return Err(no_survey(id.0)),
        Err(StoreError::Conflict(_)) => {
            let clash = clash(state, workspace, Some(id), name.as_deref(), slug.as_deref());
            return Err(clash.await);
        }
        Err(error) => return Err(error.into()),
    }
    state.caches().surveys.forget(workspace, id);
    let survey = survey_json(state, workspace, id).await?;
    Ok(axum::Json(survey).into_response())
}

/// Archive a survey: it keeps its responses and reports, and takes no new responses.
#[utoipa::path(
    post,
    path = "/api/v1/surveys/{id}/archive",
    tag = "surveys",
    params(("id" = i64, Path, description = "The survey's id")),
    responses((status = 200, description = "The archived survey", body = SurveyJson), WriteErrors),
    security(("api_key" = []))
)]
pub(crate) async fn archive_survey(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
) -> Result<Response> {
    set_archived(&state, &caller, &id, true).await
}

/// Restore an archived survey, so that it takes responses again.
#[utoipa::path(
    post,
    path = "/api/v1/surveys/{id}/unarchive",
    tag = "surveys",
    params(("id" = i64, Path, description = "The survey's id")),
    responses((status = 200, description = "The restored survey", body = SurveyJson), WriteErrors),
    security(("api_key" = []))
)]
pub(crate) async fn unarchive_survey(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
) -> Result<Response> {
    set_archived(&state, &caller, &id, false).await
}

async fn set_archived(
    state: &ApiState,
    caller: &Caller,
    id: &str,
    archived: bool,
) -> Result<Response> {
    let id = SurveyId(path_id(id, "survey")?);
    let changes = SurveyChanges {
        archived: Some(archived),
        ..SurveyChanges::default()
    };
    change(state, caller.workspace, id, changes).await
}
