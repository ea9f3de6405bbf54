//! The frame every dashboard page shares, and how pages are rendered.
//!
//! A page is an askama template that extends `templates/dashboard/base.html` and has a field
//! `frame: Frame`:
//!
//! ```text
//! #[derive(askama::Template)]
//! #[template(path = "dashboard/pages/overview.html")]
//! struct OverviewPage { frame: Frame, /* the page's own fields */ }
//!
//! // handler
//! async fn overview(viewer: Viewer, ...) -> Result<Response, DashboardError> {
//!     let frame = Frame::new(&viewer, survey.name.clone(), Nav::Overview).for_survey(survey.id);
//!     Ok(render(&OverviewPage { frame, ... }))
//! }
//! ```
//!
//! ```text
//! {% extends "dashboard/base.html" %}
//! {% block content %}
//!   <div class="page-header"><h1>…</h1></div>
//!   <form method="post" action="…" class="form">
//!     <input type="hidden" name="csrf" value="{{ frame.csrf }}">
//!     …
//!   </form>
//! {% endblock %}
//! ```
//!
//! The base has the landmarks: a skip link to `#main`, the `<header class="site-header">` with
//! the brand, the main `<nav>` (Overview, Segments, Inbox, Tags, Surveys, Campaigns, Settings; admins
//! also see Members, API keys and Brand) with `aria-current="page"` on [`Frame::active`], the workspace switcher
//! (a form posting `workspace=SLUG` to `/app/workspace`, shown when the user has more than one
//! workspace), the user's name and the sign-out form (POST `/logout`); then
//! `<main id="main" class="page">` holding block `content`, and a footer. Block `title` is the
//! `<title>` (default: [`Frame::title`] · Vouch); block `head` adds to `<head>`. The stylesheet
//! is `/assets/dashboard.css` (versioned, cached for a year).
//!
//! Links of the nav (the contract with the content pages):
//!
//! | item | href |
//! |---|---|
//! | Overview | `/app/surveys/{id}` (the frame's survey), else `/app` (the first visible survey) |
//! | Segments | `/app/surveys/{id}/segments`, else `/app/segments` (the first visible survey's) |
//! | Inbox | `/app/inbox` |
//! | Tags | `/app/tags` (the tags, their rules, and their forms for members) |
//! | Surveys | `/app/surveys` |
//! | Campaigns | `/app/campaigns` (also the send form and the widget keys) |
//! | Settings | `/app/settings` (the user's account) |
//! | Members (admins) | `/app/settings/members` |
//! | API keys (admins) | `/app/settings/api-keys` |
//! | Brand (admins) | `/app/settings/brand` |
//!
//! [`render`] adds the dashboard's security headers (no caching, a strict Content Security
//! Policy: styles, scripts and images from this server only, no inline script or style, forms to
//! this server only; no framing).

use std::sync::LazyLock;

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use sha2::{Digest, Sha256};
use vouch_store::{StoreError, SurveyId};

use super::session::Viewer;

/// The items of the main navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// A survey's overview.
    Overview,
    /// A survey's segments.
    Segments,
    /// A survey's themes and tags.
    Themes,
    /// A survey's customers: personas, revenue, churn, accounts at risk.
    Customers,
    /// The response inbox.
    Inbox,
    /// The workspace's tags and keyword rules.
    Tags,
    /// The list of surveys and their settings.
    Surveys,
    /// Email campaigns, the send form and widget keys.
    Campaigns,
    /// The user's own account.
    Settings,
    /// The workspace's members (admins).
    Members,
    /// The workspace's API keys (admins).
    ApiKeys,
    /// The workspace's brand (admins).
    Brand,
    /// The weekly digest's preview and the member's choice to receive it.
    Digest,
    /// The workspace's webhooks and alerts (admins).
    Webhooks,
    /// None of them (a page outside the navigation).
    None,
}

/// One link of the main navigation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavItem {
    /// What it reads.
    pub label: &'static str,
    /// Where it goes.
    pub href: String,
    /// Whether it is the page shown (`aria-current="page"`).
    pub current: bool,
}

/// One entry of the workspace switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceChoice {
    /// The workspace's slug (the value posted to `/app/workspace`).
    pub slug: String,
    /// Whether the session looks at it.
    pub current: bool,
}

/// What `templates/dashboard/base.html` shows around every page's content.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The page's title (`<title>`, before "· Vouch").
    pub title: String,
    /// The navigation item marked current.
    pub active: Nav,
    /// The survey the page is about, if any: the Overview and Segments links go to it.
    pub survey: Option<SurveyId>,
    /// The signed-in user's name.
    pub user_name: String,
    /// Their email.
    pub user_email: String,
    /// Their role in the workspace: `viewer`, `member` or `admin`.
    pub role: &'static str,
    /// Whether they may change things (member or admin).
    pub can_write: bool,
    /// Whether they are an admin.
    pub is_admin: bool,
    /// Whether they have the HR permission (eNPS surveys).
    pub hr: bool,
    /// The slug of the workspace looked at.
    pub workspace_slug: String,
    /// Every workspace of the user, by slug (the switcher shows when there are several).
    pub workspaces: Vec<WorkspaceChoice>,
    /// The session's CSRF token: every form posts it as the hidden field `csrf`.
    pub csrf: String,
    /// The stylesheet's URL (`/assets/dashboard.css?v=…`).
    pub css: String,
}

impl Frame {
    /// The frame of a page titled `title` for this viewer, with `active` marked in the nav.
    pub fn new(viewer: &Viewer, title: impl Into<String>, active: Nav) -> Frame {
        Frame {
            title: title.into(),
            active,
            survey: None,
            user_name: viewer.user.name.clone(),
            user_email: viewer.user.email.clone(),
            role: viewer.membership.role.as_str(),
            can_write: viewer.can_write(),
            is_admin: viewer.is_admin(),
            hr: viewer.membership.hr,
            workspace_slug: viewer.workspace_slug().to_owned(),
            workspaces: viewer
                .memberships
                .iter()
                .map(|membership| WorkspaceChoice {
                    slug: membership.workspace_slug.clone(),
                    current: membership.workspace == viewer.workspace(),
                })
                .collect(),
            csrf: viewer.csrf_token.clone(),
            css: stylesheet_href(),
        }
    }

    /// The same frame about a survey: Overview and Segments link to it.
    pub fn for_survey(mut self, survey: SurveyId) -> Frame {
        self.survey = Some(survey);
        self
    }

    /// The links of the main navigation. The settings pages (the account, and for admins
    /// members, API keys and brand) share one entry, with [`Frame::settings_tabs`] inside.
    pub fn nav(&self) -> Vec<NavItem> {
        let (overview, segments, themes, customers) = match self.survey {
            Some(id) => (
                format!("/app/surveys/{}", id.0),
                format!("/app/surveys/{}/segments", id.0),
                format!("/app/surveys/{}/themes", id.0),
                format!("/app/surveys/{}/customers/personas", id.0),
            ),
            None => (
                "/app".to_owned(),
                "/app/segments".to_owned(),
                "/app/themes".to_owned(),
                "/app/customers".to_owned(),
            ),
        };
        let in_settings = matches!(
            self.active,
            Nav::Settings | Nav::Members | Nav::ApiKeys | Nav::Brand | Nav::Digest | Nav::Webhooks
        );
        [
            (Nav::Overview, "Overview", overview),
            (Nav::Segments, "Segments", segments),
            (Nav::Themes, "Themes", themes),
            (Nav::Customers, "Customers", customers),
            (Nav::Inbox, "Inbox", "/app/inbox".to_owned()),
            (Nav::Tags, "Tags", "/app/tags".to_owned()),
            (Nav::Surveys, "Surveys", "/app/surveys".to_owned()),
            (Nav::Campaigns, "Campaigns", "/app/campaigns".to_owned()),
            (Nav::Settings, "Settings", "/app/settings".to_owned()),
        ]
        .into_iter()
        .map(|(nav, label, href)| NavItem {
            label,
            href,
            current: nav == self.active || (nav == Nav::Settings && in_settings),
        })
        .collect()
    }

    /// The tabs of the settings pages: the account, and for admins members, API keys and
    /// brand.
    pub fn settings_tabs(&self) -> Vec<NavItem> {
        let mut tabs = vec![
            (Nav::Settings, "Your account", "/app/settings"),
            (
                Nav::Digest,
                "Weekly digest",
                vouch_jobs::digest::DIGEST_PATH,
            ),
        ];
        if self.is_admin {
            tabs.push((Nav::Members, "Members", "/app/settings/members"));
            tabs.push((Nav::ApiKeys, "API keys", "/app/settings/api-keys"));
            tabs.push((Nav::Brand, "Brand", "/app/settings/brand"));
            tabs.push((
                Nav::Webhooks,
                "Webhooks and alerts",
                crate::webhooks_page::WEBHOOKS_PATH,
            ));
        }
        tabs.into_iter()
            .map(|(nav, label, href)| NavItem {
                label,
                href: href.to_owned(),
                current: nav == self.active,
            })
            .collect()
    }

    /// True when the workspace switcher should show (more than one workspace).
    pub fn has_switcher(&self) -> bool {
        self.workspaces.len() > 1
    }
}

/// The policy of every dashboard page: everything from this server, nothing inline but
/// markup (the charts are inline SVG without `style` attributes), no framing of it; it may
/// frame this server's own pages (the email preview, sandboxed).
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A rendered page (200) with the dashboard's headers.
pub fn render(template: &impl Template) -> Response {
    render_status(template, StatusCode::OK)
}

/// A rendered page with its status and the dashboard's headers: never cached (pages show
/// private data and carry the CSRF token), never framed, a strict Content Security Policy.
pub fn render_status(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => with_page_headers((status, Html(html)).into_response()),
        Err(error) => {
            tracing::error!(%error, "rendering a dashboard page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

/// Adds the dashboard's security headers to a response.
pub(crate) fn with_page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// A page with a heading and a sentence, outside the frame (no session needed): errors,
/// confirmations.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/message.html")]
pub(crate) struct MessagePage {
    /// The stylesheet's URL.
    pub(crate) css: String,
    /// The heading (and title).
    pub(crate) heading: String,
    /// The sentence.
    pub(crate) body: String,
    /// A link onwards: (href, text).
    pub(crate) link: Option<(String, String)>,
}

/// A heading and a sentence with a status, outside the frame; links back to the dashboard.
pub fn message_page(status: StatusCode, heading: &str, body: &str) -> Response {
    let page = MessagePage {
        css: stylesheet_href(),
        heading: heading.to_owned(),
        body: body.to_owned(),
        link: Some(("/app".to_owned(), "Back to the dashboard".to_owned())),
    };
    render_status(&page, status)
}

/// Why a dashboard page cannot be shown. `?` on a store call gives `NotFound` or `Internal`.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// 404: nothing with that id in the viewer's workspace, or nothing they may see (an eNPS
    /// survey without HR) — both answer the same, so ids of other workspaces reveal nothing.
    #[error("not found")]
    NotFound,
    /// 403 with a sentence saying why.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 500: the server failed (logged).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for DashboardError {
    fn from(error: StoreError) -> DashboardError {
        match error {
            StoreError::NotFound(_) => DashboardError::NotFound,
            StoreError::Other(cause) => DashboardError::Internal(cause),
            other => DashboardError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl IntoResponse for DashboardError {
    fn into_response(self) -> Response {
        match self {
            DashboardError::NotFound => message_page(
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here, or it belongs to another workspace.",
            ),
            DashboardError::Forbidden(why) => {
                message_page(StatusCode::FORBIDDEN, "Not allowed", why)
            }
            DashboardError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "a dashboard page failed");
                message_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server could not show this page. Try again in a moment.",
                )
            }
        }
    }
}

/// The dashboard's stylesheet, built into the binary.
static STYLESHEET: &[u8] = include_bytes!("../assets/dashboard.css");

/// A short hash of the stylesheet: its ETag and its version in URLs.
static STYLESHEET_VERSION: LazyLock<String> =
    LazyLock::new(|| vouch_web::auth::hex(&Sha256::digest(STYLESHEET))[..12].to_owned());

/// The stylesheet's URL, with its version.
pub fn stylesheet_href() -> String {
    format!("/assets/dashboard.css?v={}", *STYLESHEET_VERSION)
}

/// `GET /assets/dashboard.css`: cached for a year (pages name it with its version), 304 when
/// the browser holds this version.
pub(crate) async fn stylesheet(request: HeaderMap) -> Response {
    let etag = format!("\"{}\"", *STYLESHEET_VERSION);
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            )],
            STYLESHEET,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
