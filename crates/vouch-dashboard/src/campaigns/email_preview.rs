//! `GET /app/campaigns/email?survey=ID` (members+): the HTML body of the survey's invitation
//! email, rendered by `vouch_jobs::email::render_preview` — the renderer of the `send_email`
//! job, with the same brand precedence (survey, then workspace, then the sender's name) — for
//! the send form's `<iframe sandbox>`. The email's own inline styles need a policy of their
//! own: styles inline only, no script, no form, no plugin, framed by this server's pages only,
//! and sandboxed even when opened directly.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use vouch_jobs::email::render_preview;
use vouch_web::state::AppState;

use super::{chosen_survey, require_writer, visible_surveys};
use crate::layout::DashboardError;
use crate::session::Viewer;

/// The policy of the email's HTML: it may style itself and show its logo, nothing else.
const EMAIL_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
    img-src https: http: data:; form-action 'none'; base-uri 'none'; \
    frame-ancestors 'self'; sandbox";

/// The query: which survey's email.
#[derive(Debug, Deserialize)]
pub(crate) struct EmailQuery {
    #[serde(default)]
    survey: String,
}

/// `GET /app/campaigns/email?survey=ID`.
pub(crate) async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<EmailQuery>,
) -> Result<Response, DashboardError> {
    require_writer(&viewer)?;
    let surveys = visible_surveys(&state, &viewer).await?;
    let survey = chosen_survey(&surveys, &query.survey).ok_or(DashboardError::NotFound)?;
    let workspace = state
        .store()
        .workspace_by_id(viewer.workspace())
        .await?
        .ok_or(DashboardError::NotFound)?;
    let config = state.config();
    let email = render_preview(
        survey,
        &workspace.brand,
        config.smtp_from.as_deref(),
        &config.public_url,
    )
    .map_err(|error| DashboardError::Internal(error.into()))?;
    let mut response = Html(email.html).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, EMAIL_POLICY),
        (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    Ok(response)
}
