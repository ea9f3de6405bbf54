//! `GET, POST /app/widgets` and `POST /app/widgets/revoke`: the workspace's in-app widget keys
//! with the snippet to paste into the app's pages, the form that makes one, and a revoke
//! button per key. Keys are made by `vouch_web::widget_keys` and revoked through the store, as
//! `vouch widget create|revoke` do; everyone may read the list, members and admins change it.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vouch_store::{StoreError, Survey, SurveyId, WidgetKey};
use vouch_web::state::AppState;
use vouch_web::widget_keys::{WidgetKeyInput, create_widget_key, snippet};

use super::{FieldError, SurveyChoice, chosen_survey, sentence, survey_choices, visible_surveys};
use crate::admin_pages::SavedQuery;
use crate::layout::{DashboardError, Frame, Nav, render, render_status};
use crate::session::{Viewer, Writer};

/// One row of the keys table.
#[derive(Debug, Clone)]
struct KeyRow {
    key: String,
    survey: String,
    origins: String,
    sample: String,
    min_age_days: u32,
    created: String,
    revoked: Option<String>,
    snippet: String,
}

/// The fields of the creation form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct KeyForm {
    #[serde(default)]
    survey: String,
    #[serde(default)]
    origins: String,
    #[serde(default)]
    sample: String,
    #[serde(default)]
    min_age_days: String,
}

/// `templates/dashboard/campaigns/widgets.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/campaigns/widgets.html")]
struct WidgetsPage {
    frame: Frame,
    tab: &'static str,
    keys: Vec<KeyRow>,
    surveys: Vec<SurveyChoice>,
    form: KeyForm,
    error: Option<FieldError>,
    /// The key just made and its snippet.
    created: Option<(String, String)>,
    saved: bool,
}

impl WidgetsPage {
    /// True when the refusal is about `field`.
    fn invalid(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|(name, _)| *name == field)
    }
}

fn key_row(key: WidgetKey, survey: &Survey, public_url: &str) -> KeyRow {
    KeyRow {
        snippet: snippet(public_url, &key.key),
        survey: survey.name.clone(),
        origins: key.origins.join(", "),
        sample: key.sample.to_string(),
        min_age_days: key.min_account_age_days,
        created: key.created_at.strftime("%Y-%m-%d").to_string(),
        revoked: key.revoked_at.map(|at| at.strftime("%Y-%m-%d").to_string()),
        key: key.key,
    }
}

/// The page: keys of surveys the viewer may see, newest first.
async fn widgets_page(
    state: &AppState,
    viewer: &Viewer,
    surveys: &HashMap<SurveyId, Survey>,
    form: KeyForm,
    error: Option<FieldError>,
) -> Result<WidgetsPage, DashboardError> {
    let keys = state.store().widget_keys(viewer.workspace()).await?;
    let public_url = &state.config().public_url;
    let mut rows: Vec<KeyRow> = keys
        .into_iter()
        .filter_map(|key| {
            let survey = surveys.get(&key.survey)?;
            Some(key_row(key, survey, public_url))
        })
        .collect();
    rows.reverse();
    let chosen = crate::pages::path_id(form.survey.trim());
    Ok(WidgetsPage {
        frame: Frame::new(viewer, "Widget keys", Nav::Campaigns),
        tab: "widgets",
        keys: rows,
        surveys: survey_choices(surveys, chosen),
        form,
        error,
        created: None,
        saved: false,
    })
}

/// `GET /app/widgets`.
pub(crate) async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<SavedQuery>,
) -> Result<Response, DashboardError> {
    let surveys = visible_surveys(&state, &viewer).await?;
    let form = KeyForm {
        sample: "1".into(),
        min_age_days: "0".into(),
        ..KeyForm::default()
    };
    let mut page = widgets_page(&state, &viewer, &surveys, form, None).await?;
    page.saved = query.is_saved();
    Ok(render(&page))
}

/// `POST /app/widgets`: makes a key and shows its snippet, or the form again with the error.
pub(crate) async fn create(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Form(form): Form<KeyForm>,
) -> Result<Response, DashboardError> {
    let surveys = visible_surveys(&state, &viewer).await?;
    let made = make_key(&state, &viewer, &surveys, &form).await?;
    match made {
        Ok(key) => {
            let code = snippet(&state.config().public_url, &key.key);
            let mut page =
                widgets_page(&state, &viewer, &surveys, KeyForm::default(), None).await?;
            page.form.sample = "1".into();
            page.form.min_age_days = "0".into();
            page.created = Some((key.key, code));
            Ok(render(&page))
        }
        Err(error) => {
            let page = widgets_page(&state, &viewer, &surveys, form, Some(error)).await?;
            Ok(render_status(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// Checks the form and stores the key: the key, or the field error to show.
async fn make_key(
    state: &AppState,
    viewer: &Viewer,
    surveys: &HashMap<SurveyId, Survey>,
    form: &KeyForm,
) -> Result<Result<WidgetKey, FieldError>, DashboardError> {
    let Some(survey) = chosen_survey(surveys, &form.survey) else {
        return Ok(Err(("survey", "Choose the survey the widget asks.".into())));
    };
    let Ok(sample) = form.sample.trim().parse::<f64>() else {
        let typed = form.sample.trim();
        let message = format!("{typed:?} is not a share such as 0.25 or 1");
        return Ok(Err(("sample", sentence("Sample", &message))));
    };
    let Ok(min_age) = form.min_age_days.trim().parse::<u32>() else {
        let typed = form.min_age_days.trim();
        let message = format!("{typed:?} is not a whole number of days");
        return Ok(Err((
            "min_age_days",
            sentence("Minimum account age", &message),
        )));
    };
    let origins: Vec<String> = form
        .origins
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|origin| !origin.is_empty())
        .map(str::to_owned)
        .collect();
    let input = WidgetKeyInput {
        survey,
        origins: &origins,
        sample,
        min_account_age_days: min_age,
    };
    match create_widget_key(state.store(), viewer.workspace(), &input).await {
        Ok(key) => Ok(Ok(key)),
        Err(error) => match error.field() {
            Some(field) => {
                let label = match field {
                    "origins" => "Origins",
                    "sample" => "Sample",
                    _ => "Survey",
                };
                Ok(Err((field, sentence(label, &error.to_string()))))
            }
            None => Err(DashboardError::Internal(error.into())),
        },
    }
}

/// The field of a revoke button.
#[derive(Debug, Deserialize)]
pub(crate) struct RevokeForm {
    #[serde(default)]
    key: String,
}

/// `POST /app/widgets/revoke`: the widget of that key stops showing at once.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Form(form): Form<RevokeForm>,
) -> Result<Response, DashboardError> {
    let surveys = visible_surveys(&state, &viewer).await?;
    let keys = state.store().widget_keys(viewer.workspace()).await?;
    let key = form.key.trim();
    let visible = keys
        .iter()
        .any(|found| found.key == key && surveys.contains_key(&found.survey));
    if !visible {
        return Err(DashboardError::NotFound);
    }
    match state
        .store()
        .revoke_widget_key(viewer.workspace(), key)
        .await
    {
        Ok(()) => Ok(Redirect::to("/app/widgets?saved=1").into_response()),
        Err(StoreError::NotFound(_)) => Err(DashboardError::NotFound),
        Err(error) => Err(error.into()),
    }
}
