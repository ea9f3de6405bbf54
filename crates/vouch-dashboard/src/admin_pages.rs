//! The admin pages of a workspace: its members and its API keys. Everyone may be shown they
//! exist in the nav only when admin; every route here answers 403 to anyone else.
//!
//! - `GET /app/settings/members`: the members with role and HR permission, a form per member
//!   to change them (`POST /app/settings/members/{user_id}`) or remove them
//!   (`POST /app/settings/members/{user_id}/remove`), and the invitation form
//!   (`POST /app/settings/members/invite`), whose answer shows the link
//!   `{public_url}/invite/{token}` once (it works once, for [`INVITE_DAYS`] days). The last
//!   admin can be neither demoted nor removed.
//! - `GET /app/settings/api-keys`: the keys (never the secrets), the creation form
//!   (`POST /app/settings/api-keys`, whose answer shows the new key once) and a revoke button
//!   per key (`POST /app/settings/api-keys/revoke`). Keys are made and hashed by
//!   [`vouch_web::auth`], as `vouch keys create` does.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use vouch_store::{
    ApiKey, KeyScope, MemberInvite, Membership, NewApiKey, Role, StoreError, User, UserId,
};

use vouch_core::Email;
use vouch_core::limits::MAX_API_KEY_NAME_CHARS;
use vouch_web::auth::{generate_api_key, hash_api_key};
use vouch_web::state::AppState;

use super::layout::{DashboardError, Frame, Nav, render, render_status};
use super::session::{Admin, Viewer, hash_secret, random_token};

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;

/// 403 for anyone but admins.
pub(crate) fn require_admin(viewer: &Viewer) -> Result<(), DashboardError> {
    if viewer.is_admin() {
        Ok(())
    } else {
        Err(DashboardError::Forbidden(
            "Only the workspace's admins can see this page.",
        ))
    }
}

/// The query of admin pages after a change (`?saved=1`).
#[derive(Debug, Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

impl SavedQuery {
    /// True after a change was saved.
    pub(crate) fn is_saved(&self) -> bool {
        self.saved.is_some()
    }
}

/// True when the hr checkbox was ticked.
fn ticked(value: Option<&str>) -> bool {
    matches!(value, Some("on" | "1" | "true" | "yes"))
}

// ---- Members ---------------------------------------------------------------------------------

/// One row of the members table.
#[derive(Debug, Clone)]
struct MemberRow {
    id: i64,
    name: String,
    email: String,
    role: &'static str,
    hr: bool,
    since: String,
    is_self: bool,
}

/// The members page.
#[derive(Debug, Template)]
#[template(path = "dashboard/admin/members.html")]
struct MembersPage {
    frame: Frame,
    members: Vec<MemberRow>,
    roles: [&'static str; 3],
    /// The invitation link just made, shown once.
    new_link: Option<String>,
    error: Option<String>,
    saved: bool,
}

async fn members_page(
    state: &AppState,
    viewer: &Viewer,
    new_link: Option<String>,
    error: Option<String>,
    saved: bool,
) -> Result<MembersPage, DashboardError> {
    let members = state.store().members(viewer.workspace()).await?;
    Ok(MembersPage {
        frame: Frame::new(viewer, "Members", Nav::Members),
        members: members
            .into_iter()
            .map(|(user, membership)| MemberRow {
                id: user.id.0,
                is_self: user.id == viewer.user.id,
                name: user.name,
                email: user.email,
                role: membership.role.as_str(),
                hr: membership.hr,
                since: membership.created_at.strftime("%Y-%m-%d").to_string(),
            })
            .collect(),
        roles: ["viewer", "member", "admin"],
        new_link,
        error,
        saved,
    })
}

/// The refusal of a role that is none of the three.
const ROLE_NEEDED: &str = "Choose a role: viewer, member or admin.";

/// The refusal to leave a workspace without an admin.
const LAST_ADMIN: &str = "A workspace needs an admin: make someone else admin first.";

/// The members page with an error, nothing changed.
async fn members_refused(
    state: &AppState,
    viewer: &Viewer,
    error: &str,
    status: StatusCode,
) -> Result<Response, DashboardError> {
    let page = members_page(state, viewer, None, Some(error.to_owned()), false).await?;
    Ok(render_status(&page, status))
}

/// `GET /app/settings/members`.
pub(crate) async fn members(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<SavedQuery>,
) -> Result<Response, DashboardError> {
    require_admin(&viewer)?;
    let page = members_page(&state, &viewer, None, None, query.saved.is_some()).await?;
    Ok(render(&page))
}

/// The fields of the invitation form.
#[derive(Debug, Deserialize)]
pub(crate) struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    hr: Option<String>,
}

/// `POST /app/settings/members/invite`: makes an invitation link and shows it once.
pub(crate) async fn invite(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Form(form): Form<InviteForm>,
) -> Result<Response, DashboardError> {
    let Some(role) = Role::parse(&form.role) else {
        return members_refused(
            &state,
            &viewer,
            ROLE_NEEDED,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let email = if form.email.trim().is_empty() {
        None
    } else {
        match Email::parse(&form.email) {
            Ok(email) => Some(email.into_string()),
            Err(_) => {
                return members_refused(
                    &state,
                    &viewer,
                    "That email address is not valid.",
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    };
    let token = random_token();
    let now = Timestamp::now();
    let invite = MemberInvite {
        token_hash: hash_secret(&token),
        workspace: viewer.workspace(),
        role,
        hr: ticked(form.hr.as_deref()),
        email,
        invited_by: viewer.user.id,
        created_at: now,
        expires_at: now
            .saturating_add(SignedDuration::from_hours(24 * INVITE_DAYS))
            .unwrap_or(now),
        accepted_at: None,
    };
    state.store().create_member_invite(&invite).await?;
    let link = format!(
        "{}/invite/{token}",
        state.config().public_url.trim_end_matches('/')
    );
    let page = members_page(&state, &viewer, Some(link), None, false).await?;
    Ok(render(&page))
}

/// The fields of a member's row.
#[derive(Debug, Deserialize)]
pub(crate) struct MemberForm {
    #[serde(default)]
    role: String,
    hr: Option<String>,
}

/// The member `user` of the admin's workspace, and how many admins it has.
async fn member(
    state: &AppState,
    viewer: &Viewer,
    user: UserId,
) -> Result<(User, Membership, usize), DashboardError> {
    let members = state.store().members(viewer.workspace()).await?;
    let admins = members
        .iter()
        .filter(|(_, membership)| membership.role == Role::Admin)
        .count();
    let (user, membership) = members
        .into_iter()
        .find(|(found, _)| found.id == user)
        .ok_or(DashboardError::NotFound)?;
    Ok((user, membership, admins))
}

/// `POST /app/settings/members/{user_id}`: changes a member's role and HR permission.
pub(crate) async fn change_member(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Path(user_id): Path<i64>,
    Form(form): Form<MemberForm>,
) -> Result<Response, DashboardError> {
    let (user, membership, admins) = member(&state, &viewer, UserId(user_id)).await?;
    let Some(role) = Role::parse(&form.role) else {
        return members_refused(
            &state,
            &viewer,
            ROLE_NEEDED,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if membership.role == Role::Admin && role != Role::Admin && admins <= 1 {
        return members_refused(&state, &viewer, LAST_ADMIN, StatusCode::CONFLICT).await;
    }
    state
        .store()
        .set_membership(
            viewer.workspace(),
            user.id,
            role,
            ticked(form.hr.as_deref()),
        )
        .await?;
    Ok(Redirect::to("/app/settings/members?saved=1").into_response())
}

/// `POST /app/settings/members/{user_id}/remove`: removes a member (and ends their sessions
/// in this workspace).
pub(crate) async fn remove_member(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Path(user_id): Path<i64>,
) -> Result<Response, DashboardError> {
    let (user, membership, admins) = member(&state, &viewer, UserId(user_id)).await?;
    if membership.role == Role::Admin && admins <= 1 {
        return members_refused(&state, &viewer, LAST_ADMIN, StatusCode::CONFLICT).await;
    }
    match state
        .store()
        .remove_membership(viewer.workspace(), user.id)
        .await
    {
        Ok(()) | Err(StoreError::NotFound(_)) => {}
        Err(error) => return Err(error.into()),
    }
    if user.id == viewer.user.id {
        return Ok(Redirect::to("/app").into_response());
    }
    Ok(Redirect::to("/app/settings/members?saved=1").into_response())
}

// ---- API keys --------------------------------------------------------------------------------

/// One row of the keys table.
#[derive(Debug, Clone)]
struct KeyRow {
    name: String,
    scope: &'static str,
    prefix: String,
    created: String,
    revoked: Option<String>,
}

impl From<ApiKey> for KeyRow {
    fn from(key: ApiKey) -> KeyRow {
        KeyRow {
            scope: key.scope.as_str(),
            created: key.created_at.strftime("%Y-%m-%d").to_string(),
            revoked: key.revoked_at.map(|at| at.strftime("%Y-%m-%d").to_string()),
            name: key.name,
            prefix: key.prefix,
        }
    }
}

/// The API keys page.
#[derive(Debug, Template)]
#[template(path = "dashboard/admin/api_keys.html")]
struct KeysPage {
    frame: Frame,
    keys: Vec<KeyRow>,
    /// The key just made, shown once: (name, secret).
    new_key: Option<(String, String)>,
    error: Option<String>,
    name: String,
    saved: bool,
}

async fn keys_page(
    state: &AppState,
    viewer: &Viewer,
    new_key: Option<(String, String)>,
    error: Option<String>,
    saved: bool,
) -> Result<KeysPage, DashboardError> {
    let keys = state.store().api_keys(viewer.workspace()).await?;
    Ok(KeysPage {
        frame: Frame::new(viewer, "API keys", Nav::ApiKeys),
        keys: keys.into_iter().rev().map(KeyRow::from).collect(),
        new_key,
        error,
        name: String::new(),
        saved,
    })
}

/// The keys page with an error and the name typed, nothing changed.
async fn keys_refused(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    error: &str,
    status: StatusCode,
) -> Result<Response, DashboardError> {
    let mut page = keys_page(state, viewer, None, Some(error.to_owned()), false).await?;
    page.name = name.to_owned();
    Ok(render_status(&page, status))
}

/// `GET /app/settings/api-keys`.
pub(crate) async fn api_keys(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<SavedQuery>,
) -> Result<Response, DashboardError> {
    require_admin(&viewer)?;
    let page = keys_page(&state, &viewer, None, None, query.saved.is_some()).await?;
    Ok(render(&page))
}

/// The fields of the key creation form.
#[derive(Debug, Deserialize)]
pub(crate) struct KeyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
}

/// `POST /app/settings/api-keys`: makes a key and shows it once.
pub(crate) async fn create_api_key(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Form(form): Form<KeyForm>,
) -> Result<Response, DashboardError> {
    let name = form.name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_API_KEY_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return keys_refused(
            &state,
            &viewer,
            name,
            &format!("Name the key (1 to {MAX_API_KEY_NAME_CHARS} characters)."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let Some(scope) = KeyScope::parse(&form.scope) else {
        return keys_refused(
            &state,
            &viewer,
            name,
            "Choose what the key may do: read or write.",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let (secret, prefix) = generate_api_key();
    let created = state
        .store()
        .create_api_key(
            viewer.workspace(),
            NewApiKey {
                name: name.to_owned(),
                scope,
                prefix,
                secret_hash: hash_api_key(&secret),
            },
        )
        .await;
    match created {
        Ok(key) => {
            let page = keys_page(&state, &viewer, Some((key.name, secret)), None, false).await?;
            Ok(render(&page))
        }
        Err(StoreError::Conflict(_)) => {
            keys_refused(
                &state,
                &viewer,
                name,
                "A key that is not revoked already has this name.",
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// The field of a revoke button.
#[derive(Debug, Deserialize)]
pub(crate) struct RevokeForm {
    #[serde(default)]
    name: String,
}

/// `POST /app/settings/api-keys/revoke`: revokes the active key of that name (refused by the
/// API within a second).
pub(crate) async fn revoke_api_key(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Form(form): Form<RevokeForm>,
) -> Result<Response, DashboardError> {
    state
        .store()
        .revoke_api_key(viewer.workspace(), &form.name)
        .await?;
    Ok(Redirect::to("/app/settings/api-keys?saved=1").into_response())
}
