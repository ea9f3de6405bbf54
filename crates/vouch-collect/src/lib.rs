//! Answer collection: the pages respondents answer on and the in-app widget.
//!
//! - `GET|POST /s/{token}`: the survey page of one invitation (the link of a survey email,
//!   whose score buttons open `?score=N`). A GET never records anything (mail scanners
//!   follow links); the page's script posts the score at once, or its "Send" button does.
//! - `GET|POST /l/{slug}`: a survey's public link, anonymous or self-identified.
//! - `GET|POST /u/{token}`: unsubscribe (the POST also serves RFC 8058 one-click).
//! - `GET /widget.js`, `POST|OPTIONS /w/v1/{key}/decide|answer`: the in-app widget
//!   ([`widget`] documents the snippet).
//! - `GET /assets/survey.css`, `/assets/survey.js`: the pages' one stylesheet and one script,
//!   built into the binary.
//!
//! Pages are askama templates (`templates/survey/`), readable without JavaScript. Every
//! answer goes through [`vouch_store::Store::record_answer`] on an invitation, so answering
//! again replaces the earlier answer instead of counting twice, and the workspace's live index
//! is refreshed right after, so reports show it at once.

mod answer;
mod assets;
mod limiter;
mod link;
mod page;
mod request;
mod unsubscribe;
mod widget;
mod wording;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use jiff::{SignedDuration, Timestamp};
use vouch_core::token::{self, Purpose};
use vouch_store::{Brand, Store, StoreError, StoreResult, Survey, SurveyId, WorkspaceId};

use vouch_web::ApiState;
use vouch_web::state::{AppState, Limits};

use limiter::Limiters;

/// What the collection handlers share.
#[derive(Debug, Clone)]
pub(crate) struct Collect {
    api: ApiState,
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// The secret that signs links, read once from the store.
    secret: tokio::sync::OnceCell<Vec<u8>>,
    limiters: Limiters,
    widget_keys: widget::KeyCache,
}

impl Collect {
    fn new(api: ApiState) -> Collect {
        let limiters = Limiters::new(api.limits());
        Collect {
            api,
            shared: Arc::new(Shared {
                secret: tokio::sync::OnceCell::new(),
                limiters,
                widget_keys: widget::KeyCache::default(),
            }),
        }
    }

    fn store(&self) -> &dyn Store {
        self.api.store()
    }

    fn limits(&self) -> &Limits {
        self.api.limits()
    }

    fn limiters(&self) -> &Limiters {
        &self.shared.limiters
    }

    /// The base of the links handed out, without a trailing `/`.
    fn public_url(&self) -> &str {
        self.api.app().config().public_url.trim_end_matches('/')
    }

    /// The secret that signs links (the same for every server on the database).
    async fn secret(&self) -> StoreResult<&[u8]> {
        let secret = self
            .shared
            .secret
            .get_or_try_init(|| self.store().link_secret())
            .await?;
        Ok(secret.as_slice())
    }

    /// The token of `id` for `purpose`.
    async fn sign(&self, purpose: Purpose, id: i64) -> StoreResult<String> {
        Ok(token::sign(self.secret().await?, purpose, id))
    }

    /// The id a token carries, if it is genuine.
    async fn verify(&self, purpose: Purpose, token: &str) -> StoreResult<Option<i64>> {
        Ok(token::verify(self.secret().await?, purpose, token))
    }

    /// The survey, as read at most a second ago.
    async fn survey(&self, workspace: WorkspaceId, id: SurveyId) -> StoreResult<Option<Survey>> {
        self.api
            .caches()
            .surveys
            .survey(self.store(), workspace, id)
            .await
    }

    /// The brand respondents of `survey` see: the survey's, else its workspace's.
    async fn brand(&self, workspace: WorkspaceId, survey: &Survey) -> StoreResult<Brand> {
        let own = self
            .store()
            .workspace_by_id(workspace)
            .await?
            .map(|found| found.brand)
            .unwrap_or_default();
        Ok(survey.settings.brand_over(&own))
    }

    /// The name respondents read in sentences ("… emails from NAME"): the brand's name, else
    /// the host of the public address (never the workspace's internal slug).
    fn brand_text(&self, brand: &Brand) -> String {
        brand.name.clone().unwrap_or_else(|| {
            let url = self.public_url();
            let host = url.split_once("://").map_or(url, |(_, rest)| rest);
            host.split(['/', ':']).next().unwrap_or(host).to_owned()
        })
    }

    /// Brings the workspace's live index up to date after an answer, so that the next report
    /// or list, here or through the API, counts it. An index nobody has read yet is left
    /// unloaded (a respondent must not wait for a whole workspace to load): it will hold the
    /// answer when it is first loaded.
    async fn answered(&self, workspace: WorkspaceId) -> StoreResult<()> {
        if self.api.app().indexes().is_loaded(workspace) {
            vouch_web::fresh::fresh_index(&self.api, workspace).await?;
        }
        Ok(())
    }
}

/// When a new invitation's links stop working.
fn invitation_expiry(now: Timestamp) -> Timestamp {
    let days = i64::from(vouch_store::DEFAULT_INVITATION_DAYS);
    now.saturating_add(SignedDuration::from_hours(24 * days))
        .unwrap_or(now)
}

/// Maps a store failure to an `anyhow` error for the 500 path.
fn store_failure(error: StoreError) -> anyhow::Error {
    match error {
        StoreError::Other(cause) => cause,
        other => anyhow::Error::new(other),
    }
}

/// The routes of answer collection.
pub fn router(api: ApiState) -> Router<AppState> {
    Router::new()
        // Named one by one, so that other routers may serve their own files under /assets/.
        .route("/assets/survey.css", get(assets::stylesheet))
        .route("/assets/survey.js", get(assets::script))
        .route("/widget.js", get(assets::widget_script))
        .route("/s/{token}", get(answer::show).post(answer::submit))
        .route("/l/{slug}", get(link::show).post(link::submit))
        .route(
            "/u/{token}",
            get(unsubscribe::confirm).post(unsubscribe::submit),
        )
        .route(
            "/w/v1/{key}/decide",
            post(widget::decide).options(widget::preflight),
        )
        .route(
            "/w/v1/{key}/answer",
            post(widget::answer).options(widget::preflight),
        )
        .with_state(Collect::new(api))
}
