//! Surveys written: created, changed, archived and restored.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use vouch_core::SurveyKind;
use vouch_core::survey::DEFAULT_FOLLOW_UP;
use vouch_store::{NewSurvey, StoreError, SurveyChanges, SurveyId, WorkspaceId};

use super::{
    KindJson, NewSurveyBody, SurveyJson, SurveyPatch, name_taken, no_survey, survey_json, wording,
};
use crate::api::ApiState;
use crate::api::idempotency::SavedWrite;
use crate::api::json::{ApiJson, PathId, path_id};
use crate::api::openapi::WriteErrors;
use crate::auth::{Caller, WriteCaller};
use crate::error::Result;

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
    let name = wording("name", &given.name, limits)?;
    let question = match &given.question {
        Some(text) => wording("question", text, limits)?,
        None => kind.default_question(None),
    };
    let follow_up = match &given.follow_up {
        Some(text) => wording("follow_up", text, limits)?,
        None => DEFAULT_FOLLOW_UP.to_owned(),
    };
    let new = NewSurvey {
        slug: None,
        settings: Default::default(),
        name: name.clone(),
        kind,
        question,
        follow_up,
    };
    let survey = match state.store().create_survey(caller.workspace, new).await {
        Ok(survey) => survey,
        Err(StoreError::Conflict(_)) => return Err(name_taken(&name)),
        Err(error) => return Err(error.into()),
    };
    write
        .reply(&state, StatusCode::CREATED, &SurveyJson::new(&survey, 0))
        .await
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
        name: checked("name", &patch.name)?,
        question: checked("question", &patch.question)?,
        follow_up: checked("follow_up", &patch.follow_up)?,
        archived: None,
        slug: None,
        settings: None,
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
    match state.store().update_survey(workspace, id, changes).await {
        Ok(_) => {}
        Err(StoreError::NotFound(_)) => return Err(no_survey(id.0)),
        Err(StoreError::Conflict(_)) => return Err(name_taken(name.as_deref().unwrap_or(""))),
        Err(error) => return Err(error.into()),
    }
    state.caches().surveys.forget(workspace, id);
    let survey = survey_json(state.store(), workspace, id).await?;
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
