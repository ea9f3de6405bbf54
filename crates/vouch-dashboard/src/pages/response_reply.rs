//! `POST /app/inbox/{id}/replies`: `message`, a reply emailed to the author of the response
//! ("close the loop"), with the member who writes it as `Reply-To`. It is recorded in the
//! response's history and sent by a background job; the page then shows it with its state.
//!
//! The text is checked by `vouch_core::reply::check_reply_text`, the respondent by
//! `vouch_web::replies` (never an eNPS answer, a contact without an email address, or an
//! address that unsubscribed or bounced): a refusal shows the page again with the reason beside
//! the field (422) and writes nothing.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use vouch_core::reply::check_reply_text;
use vouch_store::{Actor, NewReply};
use vouch_web::replies::{ReplyRefused, write_reply};
use vouch_web::state::AppState;

use super::fresh::Freshness;
use super::response::{back_to, build, find, list_pairs};
use super::response_forms::FormState;
use crate::layout::{DashboardError, render_status};
use crate::session::Writer;

/// `POST /app/inbox/{id}/replies`.
pub(crate) async fn send_reply(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let found = find(&state, &viewer, &freshness, &id).await?;
    let pairs = list_pairs(query.as_deref());
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let typed = fields
        .iter()
        .find(|(key, _)| key == "message")
        .map(|(_, value)| value.as_str())
        .unwrap_or_default();
    let refused = |message: String| FormState {
        reply_error: Some(message),
        reply: typed.to_owned(),
        ..FormState::default()
    };
    let message = match check_reply_text(typed) {
        Ok(message) => message,
        Err(error) => {
            let page = build(&state, &viewer, found, &pairs, refused(format!("{error}."))).await?;
            return Ok(render_status(&page, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let reply = NewReply {
        message,
        reply_to: Some(viewer.user.email.clone()),
        actor: Actor::Member(viewer.user.id),
    };
    let id = found.id;
    match write_reply(state.store(), viewer.workspace(), id, &reply).await {
        Ok(_) => Ok(back_to(id, &pairs, "reply")),
        Err(ReplyRefused::Unreachable(why)) => {
            let page = build(&state, &viewer, found, &pairs, refused(format!("{why}."))).await?;
            Ok(render_status(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(ReplyRefused::NoResponse(_)) => Err(DashboardError::NotFound),
        Err(ReplyRefused::Store(error)) => Err(error.into()),
    }
}
