//! The in-app widget: `GET /widget.js` and its two calls, `POST /w/v1/{key}/decide` and
//! `POST /w/v1/{key}/answer`.
//!
//! A host page embeds it with its widget key (public, `pk_…`) and says who is signed in:
//!
//! ```html
//! <script>
//!   window.Vouch = window.Vouch || { q: [], identify: function () { this.q.push(["identify", arguments]); } };
//!   Vouch.identify({ id: "user-42", email: "ann@example.com",
//!                    traits: { plan: "pro", created_at: "2025-11-02" } });
//! </script>
//! <script src="https://vouch.example.com/widget.js" data-key="pk_…" async></script>
//! ```
//!
//! Calls made before the script loads wait in `window.Vouch.q`. The script finds the server
//! from its own `src`, asks `decide`, and when told to, shows an accessible dialog whose
//! answer it posts to `answer`. `decide` upserts the contact with its traits (`created_at`
//! only decides the account's age and is not stored: the name is reserved; `email` and
//! `external_id` traits are ignored, identity comes from `id` and `email`) and shows the
//! survey unless the contact was asked anything within the survey's throttle window, the
//! account is younger than the key's minimum age, or the contact is outside the key's
//! (deterministic) sample. Showing it creates a `widget` invitation: that is what throttles
//! the next visit.
//!
//! Only the key's origins get CORS headers (the origin echoed, `Vary: Origin`); a call from
//! another origin is refused with 403, one without `Origin` (server to server) is served.
//! Calls are limited per client address and per visitor (429 with `Retry-After`).

mod decide;
mod rules;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use vouch_core::Score;
use vouch_core::token::Purpose;
use vouch_store::{Answer, InvitationId, Store, StoreError, StoreResult, WidgetKey};

use super::Collect;
use super::answer::{AnswerJson, checked_comment, refresh_after_answer};
use super::limiter::{ip_key, retry_after_seconds};
use super::request::ClientIp;
use vouch_web::error::ApiError;
use vouch_web::json::parse_json;

pub(crate) use decide::decide;

/// How long a widget key read from the store is trusted (a revocation takes this long).
const KEY_CACHE_TTL: Duration = Duration::from_secs(1);

/// The longest key looked up; anything longer is unknown without a query.
const MAX_KEY_CHARS: usize = 128;

/// Widget keys (and unknown keys) read in the last second, by key.
#[derive(Debug, Default)]
pub(crate) struct KeyCache {
    entries: Mutex<HashMap<String, (Instant, Option<WidgetKey>)>>,
}

impl KeyCache {
    /// The key if it exists and is not revoked.
    async fn get(&self, store: &dyn Store, key: &str) -> StoreResult<Option<WidgetKey>> {
        if key.is_empty() || key.len() > MAX_KEY_CHARS {
            return Ok(None);
        }
        if let Some((read_at, found)) = self.lock().get(key)
            && read_at.elapsed() < KEY_CACHE_TTL
        {
            return Ok(found.clone());
        }
        let found = store
            .widget_key(key)
            .await?
            .filter(|found| found.revoked_at.is_none());
        let mut entries = self.lock();
        if entries.len() >= 10_000 {
            entries.clear();
        }
        entries.insert(key.to_owned(), (Instant::now(), found.clone()));
        Ok(found)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Option<WidgetKey>)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Why a widget call is refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Refusal {
    /// An error of the API's shape.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// 429, to be retried after the wait.
    #[error("too many requests")]
    Limited(Duration),
}

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Refusal {
        Refusal::Api(error.into())
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Api(error) => error.into_response(),
            Refusal::Limited(wait) => {
                let seconds = retry_after_seconds(wait);
                let error = ApiError::TooManyRequests(format!(
                    "too many widget requests: try again in {seconds} s"
                ));
                let mut response = error.into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                response
            }
        }
    }
}

/// What the `Origin` of a call is to a key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// No `Origin` header: not a browser's cross-origin call.
    Absent,
    /// One of the key's origins: echoed back.
    Allowed(HeaderValue),
    /// Any other origin.
    Refused,
}

fn origin_of(headers: &HeaderMap, key: &WidgetKey) -> Origin {
    let Some(value) = headers.get(header::ORIGIN) else {
        return Origin::Absent;
    };
    let given = value.to_str().unwrap_or("").trim().trim_end_matches('/');
    let listed = key.origins.iter().any(|origin| {
        origin
            .trim()
            .trim_end_matches('/')
            .eq_ignore_ascii_case(given)
    });
    if listed && !given.is_empty() && given != "null" {
        Origin::Allowed(value.clone())
    } else {
        Origin::Refused
    }
}

/// The key of a call, from its origin: 404 when unknown or revoked, 403 from another origin.
/// `allowed` is set to the origin to echo as soon as it is known to be allowed.
async fn open_key(
    collect: &Collect,
    key: &str,
    headers: &HeaderMap,
    allowed: &mut Option<HeaderValue>,
) -> Result<WidgetKey, Refusal> {
    let found = collect
        .shared
        .widget_keys
        .get(collect.store(), key)
        .await?
        .ok_or_else(|| ApiError::not_found("no such widget key (or it was revoked)"))?;
    match origin_of(headers, &found) {
        Origin::Absent => {}
        Origin::Allowed(origin) => *allowed = Some(origin),
        Origin::Refused => {
            return Err(ApiError::Forbidden(
                "this page's origin may not use this widget key: add it to the key's origins"
                    .into(),
            )
            .into());
        }
    }
    Ok(found)
}

/// Counts a call against the client address's limit.
fn limit_ip(collect: &Collect, ip: Option<std::net::IpAddr>) -> Result<(), Refusal> {
    match ip {
        Some(ip) => collect
            .limiters()
            .widget_ip
            .check(&ip_key(ip))
            .map_err(Refusal::Limited),
        None => Ok(()),
    }
}

/// A reply with the CORS headers of an allowed origin (and `Vary: Origin` always: replies
/// differ by origin).
fn with_cors(mut response: Response, allowed: Option<HeaderValue>) -> Response {
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = allowed {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}

/// `OPTIONS /w/v1/{key}/…`: the CORS preflight, answered for the key's origins only.
pub(crate) async fn preflight(
    State(collect): State<Collect>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut allowed = None;
    let response = match open_key(&collect, &key, &headers, &mut allowed).await {
        Ok(_) => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            if allowed.is_some() {
                let headers = response.headers_mut();
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static("POST, OPTIONS"),
                );
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static("content-type, accept"),
                );
                headers.insert(
                    header::ACCESS_CONTROL_MAX_AGE,
                    HeaderValue::from_static("600"),
                );
            }
            response
        }
        Err(refusal) => refusal.into_response(),
    };
    with_cors(response, allowed)
}

/// The body of `answer`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    /// The token `decide` gave.
    token: String,
    /// 0 to 10.
    score: Value,
    /// The answer to "why?".
    #[serde(default)]
    comment: Option<String>,
}

/// `POST /w/v1/{key}/answer` `{token, score, comment?}` → `{response_id, score}`.
pub(crate) async fn answer(
    State(collect): State<Collect>,
    Path(key): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut allowed = None;
    let response = record(&collect, &key, ip, &headers, &body, &mut allowed)
        .await
        .unwrap_or_else(IntoResponse::into_response);
    with_cors(response, allowed)
}

async fn record(
    collect: &Collect,
    key: &str,
    ip: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    body: &[u8],
    allowed: &mut Option<HeaderValue>,
) -> Result<Response, Refusal> {
    let now = Timestamp::now();
    let key = open_key(collect, key, headers, allowed).await?;
    limit_ip(collect, ip)?;
    let given: AnswerBody = parse_json(body)?;
    let unknown = || ApiError::NotFound {
        message: "the token is not valid for this widget".into(),
        field: Some("token".into()),
    };
    let id = collect
        .verify(Purpose::Answer, &given.token)
        .await?
        .ok_or_else(unknown)?;
    let invitation = collect
        .store()
        .invitation(InvitationId(id))
        .await?
        .filter(|found| found.workspace == key.workspace && found.survey == key.survey)
        .ok_or_else(unknown)?;
    let survey = collect
        .survey(invitation.workspace, invitation.survey)
        .await?
        .ok_or_else(unknown)?;
    if invitation.expires_at < now || survey.archived {
        return Err(ApiError::Gone("this survey no longer takes answers".into()).into());
    }
    collect
        .limiters()
        .widget_contact
        .check(&format!("{}:contact:{}", key.id.0, invitation.contact.0))
        .map_err(Refusal::Limited)?;
    let score = given
        .score
        .as_i64()
        .and_then(|value| Score::new(value).ok())
        .ok_or_else(|| {
            ApiError::validation("score", "the score must be a whole number from 0 to 10")
        })?;
    let lang = super::wording::survey_language(&survey);
    let comment = checked_comment(given.comment.as_deref(), collect.limits(), lang)
        .map_err(|message| ApiError::validation("comment", message))?;
    let answer = Answer {
        invitation: invitation.id,
        score,
        comment,
        at: now,
    };
    let stored = collect.store().record_answer(&answer).await?;
    refresh_after_answer(collect, invitation.workspace).await;
    Ok(axum::Json(AnswerJson::new(&stored, None)).into_response())
}

#[cfg(test)]
mod tests {
    use vouch_store::{SurveyId, WidgetKeyId, WorkspaceId};

    use super::*;

    fn key(origins: &[&str]) -> WidgetKey {
        WidgetKey {
            id: WidgetKeyId(1),
            workspace: WorkspaceId(1),
            survey: SurveyId(1),
            key: "pk_test".into(),
            origins: origins.iter().map(|origin| (*origin).to_owned()).collect(),
            sample: 1.0,
            min_account_age_days: 0,
            created_at: Timestamp::UNIX_EPOCH,
            revoked_at: None,
        }
    }

    fn from(origin: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        headers
    }

    #[test]
    fn only_listed_origins_are_allowed() {
        let key = key(&["https://app.example.com/", "http://localhost:3000"]);
        assert!(matches!(
            origin_of(&from("https://APP.example.com"), &key),
            Origin::Allowed(_)
        ));
        assert!(matches!(
            origin_of(&from("http://localhost:3000"), &key),
            Origin::Allowed(_)
        ));
        assert_eq!(
            origin_of(&from("https://evil.example"), &key),
            Origin::Refused
        );
        assert_eq!(origin_of(&from("null"), &key), Origin::Refused);
        assert_eq!(origin_of(&HeaderMap::new(), &key), Origin::Absent);
    }
}
