//! `GET /app/contacts/{id}`: a contact's email, external id and attributes, and the history
//! of their answers to NPS surveys, newest first.
//!
//! eNPS answers are never listed by person, for anyone (HR included): the method promises
//! that no respondent identity is ever shown, and a contact's page is exactly that.

use std::collections::HashMap;

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use vouch_analytics::disclosure;
use vouch_store::{ContactId, SurveyId};

use super::directory::Directory;
use super::path_id;
use super::view::{AttributeRow, ScoreChip, attribute_rows, date_time, iso_date};
use crate::layout::{DashboardError, Frame, Nav, render};
use crate::session::Viewer;
use vouch_web::state::AppState;

/// One answer of the contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AnswerRow {
    /// The response's page.
    pub(crate) href: String,
    /// The score.
    pub(crate) chip: ScoreChip,
    /// The comment.
    pub(crate) comment: String,
    /// The survey's name.
    pub(crate) survey: String,
    /// When.
    pub(crate) when: String,
    /// When, for `<time datetime>`.
    pub(crate) when_iso: String,
}

/// `templates/dashboard/pages/contact.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/contact.html")]
pub(crate) struct ContactPage {
    /// The frame.
    pub(crate) frame: Frame,
    /// Email or external id.
    pub(crate) name: String,
    /// The email, if known.
    pub(crate) email: Option<String>,
    /// The external id, if known.
    pub(crate) external_id: Option<String>,
    /// The latest attributes.
    pub(crate) attributes: Vec<AttributeRow>,
    /// Answers to NPS surveys, newest first.
    pub(crate) answers: Vec<AnswerRow>,
}

/// `GET /app/contacts/{id}`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(directory): Extension<Arc<Directory>>,
    Path(id): Path<String>,
) -> Result<Response, DashboardError> {
    let id = path_id(&id).ok_or(DashboardError::NotFound)?;
    let workspace = viewer.workspace();
    let store = state.store();
    let contact = store
        .contact_by_id(workspace, ContactId(id))
        .await?
        .ok_or(DashboardError::NotFound)?;
    let surveys: HashMap<SurveyId, String> = directory
        .surveys(&state, workspace)
        .await?
        .iter()
        .map(|survey| (survey.id, survey.name.clone()))
        .collect();
    let zone = state
        .indexes()
        .get(workspace)
        .await
        .map(|live| live.read().time_zone().clone())?;
    // Answers to eNPS surveys never show beside who gave them, not even to HR.
    let responses = disclosure::contact_answers(store, workspace, contact.id).await?;
    let answers: Vec<AnswerRow> = responses
        .into_iter()
        .rev()
        .filter_map(|response| {
            let survey = surveys.get(&response.survey)?;
            Some(AnswerRow {
                href: format!("/app/inbox/{}", response.id.0),
                chip: ScoreChip::new(response.score),
                comment: response.comment.clone().unwrap_or_default(),
                survey: survey.clone(),
                when: date_time(response.created_at, &zone),
                when_iso: iso_date(response.created_at, &zone),
            })
        })
        .collect();
    let name = contact
        .email
        .clone()
        .or_else(|| contact.external_id.clone())
        .unwrap_or_else(|| format!("Contact {}", contact.id.0));
    let page = ContactPage {
        frame: Frame::new(&viewer, name.clone(), Nav::Inbox),
        name,
        email: contact.email.clone(),
        external_id: contact.external_id.clone(),
        attributes: attribute_rows(&contact.attributes),
        answers,
    };
    Ok(render(&page))
}
