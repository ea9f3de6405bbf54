//! `GET /app/digest`: the weekly digest e-mail as it would be sent this week (the last complete
//! ISO week in the workspace's time zone), and `POST /app/digest`: the member's own choice to
//! receive it (off until they turn it on, kept in their `MemberPreferences`).
//!
//! The figures come from `analytics::digest` over the live index and the wording from
//! `vouch_jobs::digest::DigestView`, exactly as the scheduled e-mail and `vouch digest preview`
//! have them; the page shows that wording in the dashboard's own markup (its policy allows no
//! inline style, which the e-mail's HTML needs).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use vouch_analytics::digest::{DigestSources, figures};
use vouch_jobs::digest::{DIGEST_PATH, DigestView, current_week};
use vouch_web::state::AppState;

use super::fresh::Freshness;
use crate::layout::{DashboardError, Frame, Nav, render};
use crate::session::{Csrf, Viewer};

/// `templates/dashboard/pages/digest.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/digest.html")]
struct DigestPage {
    frame: Frame,
    view: DigestView,
    /// Whether the member receives it.
    receiving: bool,
    /// Set after the choice was saved.
    saved: bool,
}

/// The query of the page.
#[derive(Debug, Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

/// `GET /app/digest`.
pub(crate) async fn digest(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, DashboardError> {
    let store = state.store();
    let workspace_id = viewer.workspace();
    let Some(workspace) = store.workspace_by_id(workspace_id).await? else {
        return Err(DashboardError::from(vouch_store::StoreError::NotFound(
            "workspace".to_owned(),
        )));
    };
    let sources = DigestSources::load(store, workspace_id).await?;
    let week = current_week(&workspace, Timestamp::now());
    let live = freshness.index(&state, workspace_id).await?;
    let planned = figures(&live.read(), &sources, week);
    let digest = planned.read(store, workspace_id, &sources).await?;
    let receiving = super::inbox_columns::saved(&state, &viewer)
        .await
        .weekly_digest;
    Ok(render(&DigestPage {
        frame: Frame::new(&viewer, "Weekly digest", Nav::Digest),
        view: DigestView::new(&digest, &workspace, &state.config().public_url),
        receiving,
        saved: query.saved.is_some(),
    }))
}

/// `POST /app/digest`: `receive=on` turns the digest on, its absence off. Any member, viewers
/// included, chooses for themselves.
pub(crate) async fn choose(
    Csrf(viewer): Csrf,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let receive = fields
        .iter()
        .any(|(name, value)| name == "receive" && value == "on");
    let store = state.store();
    let workspace = viewer.workspace();
    let mut preferences = store.member_preferences(workspace, viewer.user.id).await?;
    preferences.weekly_digest = receive;
    store
        .set_member_preferences(workspace, viewer.user.id, &preferences)
        .await?;
    Ok(Redirect::to(&format!("{DIGEST_PATH}?saved=1")).into_response())
}
