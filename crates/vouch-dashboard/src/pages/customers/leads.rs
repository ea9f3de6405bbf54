//! `GET /app/surveys/{id}/customers/leads`: sales' lead scoring. The survey's saved model —
//! how well it tells promoters apart on contacts it had not seen (cross-validated AUC and
//! Brier score, calibration by decile, in sentences) and the attribute values that move it —
//! and a form that scores one lead with it. `POST …/leads/train` learns it again from the
//! selection (members and admins); `vouch serve` also learns it every night.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use vouch_analytics::leads::{LeadError, train as train_model};
use vouch_analytics::leads_saved;
use vouch_analytics::themes::ThemeSources;

use super::leads_objections::{ObjectionLine, lead_objections, objection_lines};
use super::leads_view::{LeadField, LeadResult, ModelView, lead_fields, lead_result, model_view};
use super::{Loaded, Tab};
use crate::layout::{DashboardError, Frame, NavItem, render};
use crate::pages::filter_bar::FilterBar;
use crate::pages::filters::{one, with_query};
use crate::pages::fresh::Freshness;
use crate::session::{Viewer, Writer};
use vouch_web::state::AppState;

/// `templates/dashboard/customers/leads.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/customers/leads.html")]
pub(crate) struct LeadsPage {
    pub(crate) frame: Frame,
    pub(crate) tabs: Vec<NavItem>,
    pub(crate) survey_name: String,
    pub(crate) range_label: String,
    pub(crate) bar: FilterBar,
    /// The saved model, if one was learnt.
    pub(crate) model: Option<ModelView>,
    /// Where "Learn again" posts, with the selection's filters.
    pub(crate) train_action: String,
    /// The page itself (the score form's action).
    pub(crate) path: String,
    /// The score form's fields.
    pub(crate) fields: Vec<LeadField>,
    /// The lead scored, when the form was sent and fits.
    pub(crate) result: Option<LeadResult>,
    /// True right after a training.
    pub(crate) trained: bool,
    /// Per segment of the model's attributes, what its detractors object to.
    pub(crate) objections: Vec<ObjectionLine>,
    /// Those of the segments the scored lead belongs to.
    pub(crate) lead_objections: Vec<ObjectionLine>,
}

/// `GET /app/surveys/{id}/customers/leads`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let loaded = match Loaded::load(
        &viewer,
        &state,
        &freshness,
        &id,
        query.as_deref(),
        Tab::Leads,
    )
    .await?
    {
        Ok(loaded) => loaded,
        Err(page) => return Ok(page),
    };
    let saved = leads_saved::load(state.store(), viewer.workspace(), loaded.survey.id).await?;
    let time_zone = loaded.index.read().time_zone().clone();
    let sources = match &saved {
        Some(_) => {
            Some(ThemeSources::load(state.store(), viewer.workspace(), loaded.survey.id).await?)
        }
        None => None,
    };
    let (mut objections, mut for_lead) = (Vec::new(), Vec::new());
    let (model, fields, result) = match &saved {
        None => (None, Vec::new(), None),
        Some(saved) => {
            let view = model_view(&saved.trained, saved.trained_at, &time_zone);
            let parts = saved.trained.to_parts();
            if let Some(sources) = &sources {
                let index = loaded.index.read();
                objections =
                    objection_lines(&index, &loaded.query, &parts, &sources.entries(&index));
            }
            let (fields, lead) = lead_fields(&parts, &loaded.pairs);
            let asked = one(&loaded.pairs, "score").is_some();
            let today = jiff::Timestamp::now().to_zoned(time_zone.clone()).date();
            let result = match lead {
                Some(lead) if asked => {
                    for_lead = lead_objections(&objections, &lead);
                    saved
                        .trained
                        .model
                        .score(&lead, today)
                        .ok()
                        .map(|score| lead_result(&score))
                }
                _ => None,
            };
            (Some(view), fields, result)
        }
    };
    let train_action = with_query(&format!("{}/train", loaded.path), &selection(&loaded));
    let page = LeadsPage {
        bar: loaded.bar(&[]),
        tabs: loaded.tabs.clone(),
        survey_name: loaded.survey.name.clone(),
        range_label: loaded.range.label.clone(),
        model,
        train_action,
        path: loaded.path.clone(),
        fields,
        result,
        trained: one(&loaded.pairs, "trained").is_some(),
        objections,
        lead_objections: for_lead,
        frame: loaded.frame,
    };
    Ok(render(&page))
}

/// The page's filters without the score form's own parameters.
fn selection(loaded: &Loaded) -> Vec<(String, String)> {
    loaded
        .pairs
        .iter()
        .filter(|(key, _)| {
            !key.starts_with(super::leads_view::LEAD_PREFIX) && key != "score" && key != "trained"
        })
        .cloned()
        .collect()
}

/// `POST /app/surveys/{id}/customers/leads/train`: learns the survey's model from the latest
/// answer of each contact in the selection, saves it, and shows it.
pub(crate) async fn train(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let loaded = match Loaded::load(
        &viewer,
        &state,
        &freshness,
        &id,
        query.as_deref(),
        Tab::Leads,
    )
    .await?
    {
        Ok(loaded) => loaded,
        Err(page) => return Ok(page),
    };
    let trained = {
        let index = loaded.index.read();
        train_model(&index, &loaded.query)
    };
    let trained = match trained {
        Ok(trained) => trained,
        Err(LeadError::Query(error)) => return Ok(loaded.refuse("where", error.to_string())),
        Err(error) => return Ok(loaded.refuse("survey", error.to_string())),
    };
    let now = leads_saved::trained_now();
    leads_saved::save(
        state.store(),
        viewer.workspace(),
        loaded.survey.id,
        &trained,
        now,
    )
    .await?;
    let mut pairs = selection(&loaded);
    pairs.push(("trained".to_owned(), "1".to_owned()));
    Ok(Redirect::to(&with_query(&loaded.path, &pairs)).into_response())
}
