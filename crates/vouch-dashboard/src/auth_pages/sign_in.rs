//! Signing in and out, and switching workspace.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use vouch_core::email::normalise;
use vouch_core::limits::{MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS};
use vouch_web::state::AppState;

use super::guards::{ClientIp, Guards, too_many};
use super::passwords::verify_blocking;
use super::{LOCKED_OUT, WRONG_CREDENTIALS, redirect_with_cookie};
use crate::layout::{DashboardError, message_page, render, render_status, stylesheet_href};
use crate::session::{
    Csrf, SessionRejection, Viewer, clear_session_cookie, safe_next, start_session,
};

/// The sign-in form.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/login.html")]
struct LoginPage {
    css: String,
    email: String,
    next: String,
    error: Option<&'static str>,
    notice: Option<&'static str>,
}

/// The query of `GET /login`.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
}

/// `GET /login`.
pub(crate) async fn login_form(
    viewer: Option<Viewer>,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if viewer.is_some() {
        return Redirect::to(&next).into_response();
    }
    let notice = match query.done.as_deref() {
        Some("reset") => Some("Your password was changed. Sign in with the new one."),
        Some("logout") => Some("You are signed out."),
        _ => None,
    };
    render(&LoginPage {
        css: stylesheet_href(),
        email: String::new(),
        next,
        error: None,
        notice,
    })
}

/// The fields of the sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /login`.
pub(crate) async fn login(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, DashboardError> {
    let next = safe_next(form.next.as_deref());
    let again = |error: &'static str, status: StatusCode| {
        render_status(
            &LoginPage {
                css: stylesheet_href(),
                email: form.email.trim().to_owned(),
                next: next.clone(),
                error: Some(error),
                notice: None,
            },
            status,
        )
    };
    if !guards.allow_post(ip) {
        return Ok(too_many());
    }
    let key = (normalise(&form.email), ip);
    if guards.is_locked(&key) {
        return Ok(again(LOCKED_OUT, StatusCode::TOO_MANY_REQUESTS));
    }
    let found = match may_be_stored(&key.0) {
        true => state.store().user_by_email(&key.0).await?,
        false => None,
    };
    let password = form.password.chars().take(MAX_PASSWORD_CHARS).collect();
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = verify_blocking(password, hash).await;
    let Some(user) = user.filter(|_| matches) else {
        guards.failed(key);
        return Ok(again(WRONG_CREDENTIALS, StatusCode::UNAUTHORIZED));
    };
    guards.succeeded(&key);
    let memberships = state.store().memberships(user.id).await?;
    let Some(first) = memberships.first() else {
        return Ok(message_page(
            StatusCode::FORBIDDEN,
            "No workspace yet",
            "Your account is not a member of any workspace. Ask an admin for an invitation.",
        ));
    };
    let cookie = start_session(&state, user.id, first.workspace).await?;
    Ok(redirect_with_cookie(&next, cookie))
}

/// An address to look a user up by: [`normalise`]d as the store keeps it, or `None` when no
/// stored address can be it. Nothing else is checked: an address that
/// [`vouch_core::Email::parse`] refuses today may have been stored before.
pub(super) fn lookup_email(text: &str) -> Option<String> {
    let email = normalise(text);
    may_be_stored(&email).then_some(email)
}

/// False for a normalised address that no stored one can be: empty, or longer than
/// [`MAX_EMAIL_CHARS`].
fn may_be_stored(email: &str) -> bool {
    !email.is_empty() && email.chars().count() <= MAX_EMAIL_CHARS
}

/// `POST /logout`: ends the session (the form must carry its CSRF token) and clears the cookie.
/// Without a live session, only clears the cookie.
pub(crate) async fn logout(
    State(state): State<AppState>,
    signed: Result<Csrf, SessionRejection>,
) -> Result<Response, DashboardError> {
    match signed {
        Ok(Csrf(viewer)) => {
            state.store().delete_session(viewer.session_hash()).await?;
        }
        Err(SessionRejection::SignedOut) => {}
        Err(rejection) => return Ok(rejection.into_response()),
    }
    Ok(redirect_with_cookie(
        "/login?done=logout",
        clear_session_cookie(&state),
    ))
}

/// The fields of the workspace switcher.
#[derive(Debug, Deserialize)]
pub(crate) struct SwitchForm {
    #[serde(default)]
    workspace: String,
}

/// `POST /app/workspace`: looks at another of the user's workspaces.
pub(crate) async fn switch_workspace(
    State(state): State<AppState>,
    Csrf(viewer): Csrf,
    Form(form): Form<SwitchForm>,
) -> Result<Response, DashboardError> {
    let Some(target) = viewer
        .memberships
        .iter()
        .find(|membership| membership.workspace_slug == form.workspace)
    else {
        return Err(DashboardError::Forbidden(
            "You are not a member of that workspace.",
        ));
    };
    state
        .store()
        .switch_session(viewer.session_hash(), target.workspace)
        .await?;
    Ok(Redirect::to("/app").into_response())
}
