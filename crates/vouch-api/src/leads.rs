//! Lead scoring over HTTP: learn a survey's model (`POST /api/v1/surveys/{id}/leads/train`),
//! read it (`GET /api/v1/surveys/{id}/leads/model`), and score a batch of leads with it
//! (`POST /api/v1/leads/score`). The model is saved per survey, so scoring never learns.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::Value;
use vouch_analytics::leads::LeadError;
use vouch_analytics::leads_saved;
use vouch_store::{Survey, SurveyId};
use vouch_web::ApiState;
use vouch_web::auth::{Caller, WriteCaller};
use vouch_web::error::{ApiError, Result};
use vouch_web::fresh::fresh_index;
use vouch_web::json::{ApiJson, PathId, QueryPairs};
use vouch_web::wire_leads::{
    LeadModelJson, LeadScoreJson, LeadScoresJson, MAX_LEADS_PER_REQUEST, ScoringModelJson,
    lead_attributes, lead_error,
};
use vouch_web::wire_teams::refuse_anonymous;

use crate::Routes;
use crate::openapi::{ReadErrors, WriteErrors};
use crate::params::{Params, query_error};
use crate::report::{report_query, row_filter};
use crate::teams::customer_survey;

/// The routes of lead scoring.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add::<__path_train_leads, _, _>(train_leads)
        .add::<__path_lead_model, _, _>(lead_model)
        .add::<__path_score_leads, _, _>(score_leads)
}

/// Why a model could not be learnt, as a reply.
fn training_failed(error: LeadError) -> ApiError {
    match error {
        LeadError::Query(error) => query_error(error),
        error => ApiError::validation("id", error.to_string()),
    }
}

/// Learn the survey's lead model from the latest answer of each contact in the selection (its
/// attributes when it answered; the target: a 9 or 10), judge it by five-fold
/// cross-validation, and save it as the survey's model.
#[utoipa::path(
    post,
    path = "/api/v1/surveys/{id}/leads/train",
    tag = "teams",
    params(
        ("id" = i64, Path, description = "The survey's id"),
        ("from" = Option<String>, Query, description = "From this instant on"),
        ("to" = Option<String>, Query, description = "Before this instant"),
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable", explode = true),
        ("text" = Option<String>, Query, description = "A word the comment contains"),
        ("tag" = Option<Vec<String>>, Query, description = "Only responses carrying this tag", explode = true),
        ("theme" = Option<Vec<String>>, Query, description = "Only responses in this theme", explode = true),
    ),
    responses((status = 200, description = "The model learnt and saved", body = LeadModelJson), WriteErrors),
    security(("api_key" = []))
)]
async fn train_leads(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let params = Params::new(pairs, &["from", "to", "where", "text", "tag", "theme"])?;
    let survey = customer_survey(&state, &caller, &id, "id").await?;
    let mut query = report_query(&state, &caller, &params, survey.id).await?;
    let rows = row_filter(&state, &caller, &params, Some(survey.id)).await?;
    let live = fresh_index(&state, caller.workspace).await?;
    let now = leads_saved::trained_now();
    // Learning reads the index under its lock, then the save runs without it.
    let trained = {
        let index = live.read();
        query.rows = rows.rows(&index);
        vouch_analytics::leads::train(&index, &query)
    };
    let trained = trained.map_err(training_failed)?;
    leads_saved::save(state.store(), caller.workspace, survey.id, &trained, now).await?;
    Ok(axum::Json(LeadModelJson::new(&trained, now)).into_response())
}

/// The survey's saved lead model: its cross-validated quality, calibration by decile and
/// strongest factors; 404 before one is learnt.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/leads/model",
    tag = "teams",
    params(("id" = i64, Path, description = "The survey's id")),
    responses((status = 200, description = "The saved model", body = LeadModelJson), ReadErrors),
    security(("api_key" = []))
)]
async fn lead_model(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response> {
    let survey = customer_survey(&state, &caller, &id, "id").await?;
    let saved = leads_saved::load(state.store(), caller.workspace, survey.id)
        .await?
        .ok_or_else(|| ApiError::not_found(no_model(&survey)))?;
    Ok(axum::Json(LeadModelJson::new(&saved.trained, saved.trained_at)).into_response())
}

fn no_model(survey: &Survey) -> String {
    format!(
        "no lead model has been learnt for survey {:?} yet: POST /api/v1/surveys/{}/leads/train \
         or run `vouch leads train --survey {:?}`",
        survey.name, survey.id.0, survey.name
    )
}

/// A batch of leads to score.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreBody {
    /// The survey whose model scores them.
    pub survey_id: i64,
    /// From 1 to 1 000 leads.
    pub leads: Vec<LeadBody>,
}

/// One lead.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadBody {
    /// Its attributes, as a contact's: strings, numbers, booleans, `"YYYY-MM-DD"` dates.
    #[schema(value_type = Object)]
    pub attributes: BTreeMap<String, Value>,
}

/// Score leads with the survey's saved model: each lead's chance of being a promoter and the
/// three attributes that move it most. Attributes the model does not use are ignored; ones
/// the workspace does not know, or values of another kind, are refused.
#[utoipa::path(
    post,
    path = "/api/v1/leads/score",
    tag = "teams",
    request_body = ScoreBody,
    responses((status = 200, description = "One score per lead, in order", body = LeadScoresJson), ReadErrors),
    security(("api_key" = []))
)]
async fn score_leads(
    State(state): State<ApiState>,
    caller: Caller,
    body: ApiJson<ScoreBody>,
) -> Result<Response> {
    let body = body.value;
    if body.leads.is_empty() || body.leads.len() > MAX_LEADS_PER_REQUEST {
        return Err(ApiError::validation(
            "leads",
            format!(
                "send from 1 to {MAX_LEADS_PER_REQUEST} leads, not {}",
                body.leads.len()
            ),
        ));
    }
    let survey = state
        .caches()
        .surveys
        .survey(state.store(), caller.workspace, SurveyId(body.survey_id))
        .await?
        .ok_or_else(|| {
            ApiError::validation("survey_id", format!("no survey {}", body.survey_id))
        })?;
    if let Some(reason) = refuse_anonymous(&survey) {
        return Err(ApiError::validation("survey_id", reason));
    }
    let saved = leads_saved::load(state.store(), caller.workspace, survey.id)
        .await?
        .ok_or_else(|| ApiError::validation("survey_id", no_model(&survey)))?;
    let names = body.leads.iter().flat_map(|lead| lead.attributes.keys());
    let kinds = state
        .caches()
        .attributes
        .kinds(state.store(), caller.workspace, names.map(String::as_str))
        .await?;
    let today = Timestamp::now()
        .to_zoned(workspace_zone(&state, &caller).await?)
        .date();
    let mut scores = Vec::with_capacity(body.leads.len());
    for (at, lead) in body.leads.iter().enumerate() {
        let field = format!("leads[{at}].attributes");
        let attributes = lead_attributes(&lead.attributes, &kinds, state.limits(), &field)?;
        let score = saved
            .trained
            .model
            .score(&attributes, today)
            .map_err(|error| lead_error(error, &field))?;
        scores.push(LeadScoreJson::from(&score));
    }
    let model = ScoringModelJson {
        auc: saved.trained.auc,
        trained_at: saved.trained_at.to_string(),
    };
    Ok(axum::Json(LeadScoresJson { model, scores }).into_response())
}

/// The workspace's time zone: a lead's dates count days before today there.
async fn workspace_zone(state: &ApiState, caller: &Caller) -> Result<jiff::tz::TimeZone> {
    let workspace = state.store().workspace_by_id(caller.workspace).await?;
    Ok(workspace
        .and_then(|workspace| jiff::tz::TimeZone::get(&workspace.time_zone).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC))
}
