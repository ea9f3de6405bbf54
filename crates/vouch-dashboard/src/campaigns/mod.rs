//! The campaign pages: email campaigns and their numbers, the send form with its dry-run count
//! and the invitation email's preview, and the in-app widget keys with their snippets.
//!
//! | route | who | page |
//! |---|---|---|
//! | `GET /app/campaigns` | everyone | [`list`]: each campaign's rules, status, next run and numbers |
//! | `GET, POST /app/campaigns/new` | members+ | [`send`]: the send form; a POST counts (`intent=preview`) or creates |
//! | `GET /app/campaigns/email?survey=ID` | members+ | [`email_preview`]: the email's HTML, for a sandboxed frame |
//! | `GET, POST /app/widgets` | everyone; POST members+ | [`widgets`]: widget keys, their snippets, a new key |
//! | `POST /app/widgets/revoke` | members+ | [`widgets`]: revokes a key |
//!
//! Every rule is the command line's: `vouch_jobs::campaign_rules` checks the send form as it
//! checks `vouch send`'s flags, `vouch_jobs::campaign::preview` is `--dry-run`'s count,
//! `Store::create_campaign` queues the first `run_campaign` job as `vouch send` does,
//! `vouch_jobs::email::render_preview` renders what the `send_email` job sends, and
//! `vouch_web::widget_keys` makes keys and snippets as `vouch widget` does. Campaigns and keys
//! of eNPS surveys show only to members with the HR permission, as the surveys themselves.

mod email_preview;
mod list;
mod send;
mod widgets;

use std::collections::HashMap;

use axum::Router;
use axum::routing::{get, post};
use vouch_store::{Survey, SurveyId};
use vouch_web::state::AppState;

use super::layout::DashboardError;
use super::session::Viewer;

/// The routes of the campaign pages (merged into [`super::router`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/campaigns", get(list::page))
        .route("/app/campaigns/new", get(send::page).post(send::submit))
        .route("/app/campaigns/email", get(email_preview::page))
        .route("/app/widgets", get(widgets::page).post(widgets::create))
        .route("/app/widgets/revoke", post(widgets::revoke))
}

/// 403 for viewers: only members and admins send surveys.
fn require_writer(viewer: &Viewer) -> Result<(), DashboardError> {
    if viewer.can_write() {
        Ok(())
    } else {
        Err(DashboardError::Forbidden(
            "Viewers can look but not send. Ask an admin to make you a member.",
        ))
    }
}

/// The surveys of the workspace the viewer may see, by id.
async fn visible_surveys(
    state: &AppState,
    viewer: &Viewer,
) -> Result<HashMap<SurveyId, Survey>, DashboardError> {
    let surveys = state.store().survey_list(viewer.workspace()).await?;
    Ok(surveys
        .into_iter()
        .filter(|survey| viewer.can_see(survey))
        .map(|survey| (survey.id, survey))
        .collect())
}

/// One survey of a form's `<select>`.
#[derive(Debug, Clone)]
struct SurveyChoice {
    id: i64,
    name: String,
    kind: &'static str,
    selected: bool,
}

/// The surveys that take answers, oldest first, with `chosen` (else the first) selected.
fn survey_choices(surveys: &HashMap<SurveyId, Survey>, chosen: Option<i64>) -> Vec<SurveyChoice> {
    let mut open: Vec<&Survey> = surveys.values().filter(|survey| !survey.archived).collect();
    open.sort_by_key(|survey| survey.id);
    let chosen = chosen
        .filter(|id| open.iter().any(|survey| survey.id.0 == *id))
        .or_else(|| open.first().map(|survey| survey.id.0));
    open.into_iter()
        .map(|survey| SurveyChoice {
            id: survey.id.0,
            name: survey.name.clone(),
            kind: survey.kind.as_str(),
            selected: Some(survey.id.0) == chosen,
        })
        .collect()
}

/// The survey a form names by id, if the viewer may see it.
fn chosen_survey<'a>(surveys: &'a HashMap<SurveyId, Survey>, id: &str) -> Option<&'a Survey> {
    let id = super::pages::path_id(id.trim())?;
    surveys.get(&SurveyId(id))
}

/// An error under a form's field: `(field name, sentence)`.
type FieldError = (&'static str, String);

/// A sentence: the first letter up, a full stop at the end.
fn sentence(label: &str, message: &str) -> String {
    let text = format!("{label}: {message}");
    if text.ends_with(['.', '?', '!']) {
        text
    } else {
        format!("{text}.")
    }
}
