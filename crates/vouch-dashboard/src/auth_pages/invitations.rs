//! Joining a workspace through an invitation link: a signed-in user accepts it, anyone else
//! creates their account there.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use jiff::Timestamp;
use serde::Deserialize;
use vouch_core::limits::MAX_USER_NAME_CHARS;
use vouch_core::{Email, UserName};
use vouch_store::{MemberInvite, NewUser, Store, StoreError};
use vouch_web::state::AppState;

use super::guards::{ClientIp, Guards, too_many};
use super::passwords::{hash_blocking, password_problem};
use super::redirect_with_cookie;
use crate::layout::{DashboardError, message_page, render, render_status, stylesheet_href};
use crate::session::{Csrf, SessionRejection, Viewer, hash_secret, start_session};

/// The invitation page: accept (signed in) or create an account.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/invite.html")]
struct InvitePage {
    css: String,
    action: String,
    workspace: String,
    role: &'static str,
    hr: bool,
    /// The signed-in user who may accept, with their session's CSRF token.
    signed_in: Option<(String, String)>,
    /// The address the invitation is for, if it names one.
    fixed_email: Option<String>,
    name: String,
    email: String,
    error: Option<String>,
}

/// A live invitation and the slug of its workspace.
async fn live_invite(
    store: &dyn Store,
    token: &str,
) -> Result<Option<(MemberInvite, String)>, DashboardError> {
    let Some(invite) = store.member_invite(&hash_secret(token)).await? else {
        return Ok(None);
    };
    if invite.accepted_at.is_some() || invite.expires_at <= Timestamp::now() {
        return Ok(None);
    }
    let slug = store
        .workspace_by_id(invite.workspace)
        .await?
        .map(|workspace| workspace.slug)
        .unwrap_or_default();
    Ok(Some((invite, slug)))
}

/// 410 for a used, expired or unknown invitation.
fn invite_gone() -> Response {
    message_page(
        StatusCode::GONE,
        "This invitation no longer works",
        "The link was used already, has expired, or is not complete. Ask an admin of the \
         workspace for a new one.",
    )
}

/// `GET /invite/{token}`.
pub(crate) async fn invite_page(
    State(state): State<AppState>,
    viewer: Option<Viewer>,
    Path(token): Path<String>,
) -> Result<Response, DashboardError> {
    let Some((invite, workspace)) = live_invite(state.store(), &token).await? else {
        return Ok(invite_gone());
    };
    let page = InvitePage {
        css: stylesheet_href(),
        action: format!("/invite/{token}"),
        workspace,
        role: invite.role.as_str(),
        hr: invite.hr,
        signed_in: viewer.map(|viewer| (viewer.user.email, viewer.csrf_token)),
        email: invite.email.clone().unwrap_or_default(),
        fixed_email: invite.email,
        name: String::new(),
        error: None,
    };
    Ok(render(&page))
}

/// The fields of the invitation form.
#[derive(Debug, Deserialize)]
pub(crate) struct InviteForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /invite/{token}`: a signed-in user accepts (with the CSRF token); anyone else creates
/// an account, joins and is signed in.
pub(crate) async fn accept_invite(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    ClientIp(ip): ClientIp,
    signed: Result<Csrf, SessionRejection>,
    Path(token): Path<String>,
    Form(form): Form<InviteForm>,
) -> Result<Response, DashboardError> {
    if !guards.allow_post(ip) {
        return Ok(too_many());
    }
    let Some((invite, workspace)) = live_invite(state.store(), &token).await? else {
        return Ok(invite_gone());
    };
    match signed {
        Ok(Csrf(viewer)) => accept_signed_in(state.store(), &invite, &token, viewer).await,
        Err(SessionRejection::SignedOut) => {
            let invitation = Invitation {
                token: &token,
                invite: &invite,
                workspace: &workspace,
            };
            join_with_new_account(&state, &invitation, &form).await
        }
        Err(rejection) => Ok(rejection.into_response()),
    }
}

/// A signed-in user accepts the invitation, if it is for their address (or for anyone), and
/// goes on in the workspace joined.
async fn accept_signed_in(
    store: &dyn Store,
    invite: &MemberInvite,
    token: &str,
    viewer: Viewer,
) -> Result<Response, DashboardError> {
    if invite
        .email
        .as_deref()
        .is_some_and(|email| email != viewer.user.email)
    {
        return Err(DashboardError::Forbidden(
            "This invitation is for another email address.",
        ));
    }
    let membership = match store
        .accept_member_invite(&hash_secret(token), viewer.user.id, Timestamp::now())
        .await
    {
        Ok(membership) => membership,
        Err(StoreError::NotFound(_)) => return Ok(invite_gone()),
        Err(error) => return Err(error.into()),
    };
    store
        .switch_session(viewer.session_hash(), membership.workspace)
        .await?;
    Ok(Redirect::to("/app").into_response())
}

/// A live invitation being answered.
struct Invitation<'a> {
    /// The token of its link.
    token: &'a str,
    invite: &'a MemberInvite,
    /// The slug of its workspace.
    workspace: &'a str,
}

impl Invitation<'_> {
    /// The form again, filled in as it was posted, with what is wrong with it (422).
    fn again(&self, form: &InviteForm, error: String) -> Response {
        render_status(
            &InvitePage {
                css: stylesheet_href(),
                action: format!("/invite/{}", self.token),
                workspace: self.workspace.to_owned(),
                role: self.invite.role.as_str(),
                hr: self.invite.hr,
                signed_in: None,
                fixed_email: self.invite.email.clone(),
                name: form.name.trim().to_owned(),
                email: self
                    .invite
                    .email
                    .clone()
                    .unwrap_or_else(|| form.email.trim().to_owned()),
                error: Some(error),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    }

    /// The account the form asks for: its name and email (the invitation's, when it names
    /// one), or what is wrong with the form.
    fn checked_account(&self, form: &InviteForm) -> Result<(String, String), String> {
        let Some(name) = normalize_name(&form.name) else {
            return Err(format!(
                "Give your name (1 to {MAX_USER_NAME_CHARS} characters)."
            ));
        };
        let email = match &self.invite.email {
            Some(email) => Some(email.clone()),
            None => normalize_email(&form.email),
        };
        let Some(email) = email else {
            return Err("Give a valid email address.".to_owned());
        };
        if let Some(problem) = password_problem(&form.password) {
            return Err(problem);
        }
        Ok((name, email))
    }
}

/// Someone signed out creates their account, joins the workspace and is signed in.
async fn join_with_new_account(
    state: &AppState,
    invitation: &Invitation<'_>,
    form: &InviteForm,
) -> Result<Response, DashboardError> {
    let (name, email) = match invitation.checked_account(form) {
        Ok(account) => account,
        Err(problem) => return Ok(invitation.again(form, problem)),
    };
    let store = state.store();
    let password_hash = hash_blocking(form.password.clone()).await?;
    let user = match store
        .create_user(NewUser {
            email,
            name,
            password_hash,
        })
        .await
    {
        Ok(user) => user,
        Err(StoreError::Conflict(_)) => {
            return Ok(invitation.again(
                form,
                "An account already uses this email: sign in first, then open this link again."
                    .to_owned(),
            ));
        }
        Err(error) => return Err(error.into()),
    };
    let membership = match store
        .accept_member_invite(&hash_secret(invitation.token), user.id, Timestamp::now())
        .await
    {
        Ok(membership) => membership,
        Err(StoreError::NotFound(_)) => return Ok(invite_gone()),
        Err(error) => return Err(error.into()),
    };
    let cookie = start_session(state, user.id, membership.workspace).await?;
    Ok(redirect_with_cookie("/app", cookie))
}

/// An email as the store keeps it ([`Email::parse`]), if it is a plausible address.
fn normalize_email(email: &str) -> Option<String> {
    Email::parse(email).ok().map(Email::into_string)
}

/// A name as stored ([`UserName::parse`]), if it can be one.
fn normalize_name(name: &str) -> Option<String> {
    UserName::parse(name).ok().map(UserName::into_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_names_are_normalised() {
        assert_eq!(
            normalize_email("  Mia@Example.COM "),
            Some("mia@example.com".into())
        );
        for bad in ["", "mia", "@x", "mia@", "a b@x", "a@b@c"] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
        assert_eq!(normalize_name("  Mia  "), Some("Mia".into()));
        assert_eq!(normalize_name("   "), None);
        assert_eq!(normalize_name(&"x".repeat(101)), None);
    }
}
