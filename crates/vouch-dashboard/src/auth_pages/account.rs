//! The user's own account page, and changing their password.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use vouch_core::limits::MAX_PASSWORD_CHARS;
use vouch_web::state::AppState;

use super::guards::{ClientIp, Guards, too_many};
use super::passwords::{hash_blocking, password_problem, verify_blocking};
use super::{LOCKED_OUT, redirect_with_cookie};
use crate::layout::{DashboardError, Frame, Nav, render, render_status};
use crate::session::{Csrf, Viewer, start_session};

/// `/app/settings`: who you are, your workspaces, your password.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/account.html")]
struct AccountPage {
    frame: Frame,
    memberships: Vec<(String, &'static str, bool)>,
    error: Option<String>,
    saved: bool,
}

/// The query of the account page.
#[derive(Debug, Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

/// `GET /app/settings`.
pub(crate) async fn account(viewer: Viewer, Query(query): Query<SavedQuery>) -> Response {
    render(&account_page(&viewer, None, query.saved.is_some()))
}

fn account_page(viewer: &Viewer, error: Option<String>, saved: bool) -> AccountPage {
    AccountPage {
        frame: Frame::new(viewer, "Your account", Nav::Settings),
        memberships: viewer
            .memberships
            .iter()
            .map(|m| (m.workspace_slug.clone(), m.role.as_str(), m.hr))
            .collect(),
        error,
        saved,
    }
}

/// The fields of the password change form.
#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /app/settings/password`: checks the current password, sets the new one, ends every
/// other session of the user and starts a new one here.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    ClientIp(ip): ClientIp,
    Csrf(viewer): Csrf,
    Form(form): Form<PasswordForm>,
) -> Result<Response, DashboardError> {
    if !guards.allow_post(ip) {
        return Ok(too_many());
    }
    let again = |error: String| {
        render_status(
            &account_page(&viewer, Some(error), false),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let key = (viewer.user.email.clone(), ip);
    if guards.is_locked(&key) {
        return Ok(again(LOCKED_OUT.to_owned()));
    }
    let hash = state
        .store()
        .user_by_email(&viewer.user.email)
        .await?
        .map(|(_, hash)| hash);
    let current = form.current.chars().take(MAX_PASSWORD_CHARS).collect();
    if !verify_blocking(current, hash).await {
        guards.failed(key);
        return Ok(again("Your current password is not that.".to_owned()));
    }
    if let Some(problem) = password_problem(&form.password) {
        return Ok(again(problem));
    }
    if form.password != form.confirm {
        return Ok(again("The two new passwords differ.".to_owned()));
    }
    let password_hash = hash_blocking(form.password.clone()).await?;
    state
        .store()
        .set_password(viewer.user.id, &password_hash)
        .await?;
    let cookie = start_session(&state, viewer.user.id, viewer.workspace()).await?;
    Ok(redirect_with_cookie("/app/settings?saved=1", cookie))
}
