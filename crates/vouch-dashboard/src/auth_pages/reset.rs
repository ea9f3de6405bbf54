//! Resetting a forgotten password: asking for a link by email, and choosing a new password
//! through it.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use vouch_store::{JobPayload, NewJob, PasswordResetJob, Store, UserId, WorkspaceId};
use vouch_web::state::AppState;

use super::guards::{ClientIp, Guards, too_many};
use super::passwords::{hash_blocking, password_problem};
use super::sign_in::lookup_email;
use super::{RESET_LINK_MINUTES, redirect_with_cookie};
use crate::layout::{DashboardError, message_page, render, render_status, stylesheet_href};
use crate::session::{hash_secret, random_token, start_session};

/// The `now + minutes`.
fn minutes_from_now(minutes: i64) -> Timestamp {
    let now = Timestamp::now();
    now.saturating_add(SignedDuration::from_mins(minutes))
        .unwrap_or(now)
}

/// The form asking for an email, or its answer.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/reset_request.html")]
struct ResetRequestPage {
    css: String,
    sent: bool,
    email: String,
}

/// `GET /reset`.
pub(crate) async fn reset_form() -> Response {
    render(&ResetRequestPage {
        css: stylesheet_href(),
        sent: false,
        email: String::new(),
    })
}

/// The field of the reset form.
#[derive(Debug, Deserialize)]
pub(crate) struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

/// `POST /reset`: answers at once, the same way for any email; the lookup, the link and the
/// queued email happen afterwards.
pub(crate) async fn request_reset(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    ClientIp(ip): ClientIp,
    Form(form): Form<ResetRequestForm>,
) -> Response {
    if !guards.allow_post(ip) {
        return too_many();
    }
    let email = lookup_email(&form.email);
    if let Some(email) = email.filter(|email| guards.allow_reset(email)) {
        let public_url = state.config().public_url.clone();
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(error) = queue_reset(state.store(), &email).await {
                tracing::error!(
                    error = format!("{error:#}"),
                    public_url,
                    "queueing a password reset failed"
                );
            }
        });
    }
    render(&ResetRequestPage {
        css: stylesheet_href(),
        sent: true,
        email: form.email.trim().to_owned(),
    })
}

/// Makes a reset link for the user with this email, if any, and queues its email.
async fn queue_reset(store: &dyn Store, email: &str) -> anyhow::Result<()> {
    let Some((user, _)) = store.user_by_email(email).await? else {
        return Ok(());
    };
    let token = random_token();
    store
        .create_password_reset(
            user.id,
            &hash_secret(&token),
            minutes_from_now(RESET_LINK_MINUTES),
        )
        .await?;
    let Some(workspace) = job_workspace(store, user.id).await? else {
        anyhow::bail!(
            "no workspace to queue the reset email of user {} in",
            user.id.0
        );
    };
    let payload = JobPayload::SendPasswordReset(PasswordResetJob {
        user: user.id.0,
        token,
    });
    store
        .enqueue_job(
            workspace,
            NewJob {
                payload,
                run_at: Timestamp::now(),
                max_attempts: 5,
            },
        )
        .await?;
    Ok(())
}

/// The workspace a user's reset email is queued in: their first, else the server's first.
async fn job_workspace(store: &dyn Store, user: UserId) -> anyhow::Result<Option<WorkspaceId>> {
    if let Some(membership) = store.memberships(user).await?.first() {
        return Ok(Some(membership.workspace));
    }
    Ok(store
        .workspaces()
        .await?
        .first()
        .map(|workspace| workspace.id))
}

/// The form choosing a new password.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/reset.html")]
struct ResetPage {
    css: String,
    action: String,
    error: Option<String>,
}

/// `GET /reset/{token}`: the form (the link is not used up by looking at it).
pub(crate) async fn reset_page(Path(token): Path<String>) -> Response {
    render(&ResetPage {
        css: stylesheet_href(),
        action: format!("/reset/{token}"),
        error: None,
    })
}

/// The fields of the new password form.
#[derive(Debug, Deserialize)]
pub(crate) struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /reset/{token}`: uses the link up, sets the password, ends the user's other sessions
/// and signs in.
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, DashboardError> {
    if !guards.allow_post(ip) {
        return Ok(too_many());
    }
    let again = |error: String| {
        render_status(
            &ResetPage {
                css: stylesheet_href(),
                action: format!("/reset/{token}"),
                error: Some(error),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if let Some(problem) = password_problem(&form.password) {
        return Ok(again(problem));
    }
    if form.password != form.confirm {
        return Ok(again("The two passwords differ.".to_owned()));
    }
    let store = state.store();
    let Some(user) = store
        .take_password_reset(&hash_secret(&token), Timestamp::now())
        .await?
    else {
        return Ok(message_page(
            StatusCode::GONE,
            "This link no longer works",
            "A reset link works once, for one hour. Ask for a new one on the sign-in page.",
        ));
    };
    let password_hash = hash_blocking(form.password.clone()).await?;
    store.set_password(user, &password_hash).await?;
    match store.memberships(user).await?.first() {
        Some(membership) => {
            let cookie = start_session(&state, user, membership.workspace).await?;
            Ok(redirect_with_cookie("/app", cookie))
        }
        None => Ok(Redirect::to("/login?done=reset").into_response()),
    }
}
