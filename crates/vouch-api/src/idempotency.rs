//! `Idempotency-Key`: a retried write gets the first reply instead of writing twice.
//!
//! A key names one write; its fingerprint is the SHA-256 of the raw body, so the same key with
//! another body is a client error (422 `idempotency_key_reused`). Responses keep keys in the
//! ingest transaction itself; surveys and contacts save their successful reply through
//! `Store::save_reply`, under a key scoped to the route so that one client key cannot replay
//! another route's reply.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vouch_store::{SavedReply, WorkspaceId};

use vouch_web::ApiState;
use vouch_web::error::ApiError;
use vouch_web::state::Limits;

/// The request header.
pub(crate) const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Set on a reply that repeats an earlier one.
pub(crate) static REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The request's `Idempotency-Key`, if it sent one: 1 to `limits.idempotency_key_chars`
/// visible ASCII characters.
pub(crate) fn idempotency_key(
    headers: &HeaderMap,
    limits: &Limits,
) -> Result<Option<String>, ApiError> {
    let mut values = headers.get_all(IDEMPOTENCY_KEY).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    let bad = |reason: String| ApiError::bad_request("Idempotency-Key", reason);
    if values.next().is_some() {
        return Err(bad("send one Idempotency-Key header, not several".into()));
    }
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|key| !key.is_empty() && key.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| bad("the Idempotency-Key must be visible ASCII characters".into()))?;
    if key.len() > limits.idempotency_key_chars {
        return Err(bad(format!(
            "the Idempotency-Key may have at most {} characters",
            limits.idempotency_key_chars
        )));
    }
    Ok(Some(key.to_owned()))
}

/// The 422 for a key sent again with another body.
pub(crate) fn key_reused() -> ApiError {
    ApiError::Unprocessable {
        code: "idempotency_key_reused",
        message: "this Idempotency-Key was already used with a different body".into(),
        field: Some("Idempotency-Key".into()),
    }
}

/// A JSON reply marked as the repeat of an earlier one.
pub(crate) fn replayed(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(REPLAYED.clone(), HeaderValue::from_static("true"));
    response
}

/// A write of a route that saves its reply for an idempotency key.
#[derive(Debug)]
pub(crate) struct SavedWrite {
    workspace: WorkspaceId,
    /// The stored key: the route's name and the client's key.
    key: Option<String>,
    fingerprint: String,
}

impl SavedWrite {
    /// The write of `route` (`surveys`, `contacts`) with the request's key, if any.
    pub(crate) fn new(
        route: &str,
        workspace: WorkspaceId,
        headers: &HeaderMap,
        limits: &Limits,
        fingerprint: String,
    ) -> Result<SavedWrite, ApiError> {
        let key = idempotency_key(headers, limits)?.map(|key| format!("{route}:{key}"));
        Ok(SavedWrite {
            workspace,
            key,
            fingerprint,
        })
    }

    /// The first reply, when this is a retry; 422 when the key came with another body.
    pub(crate) async fn earlier_reply(
        &self,
        state: &ApiState,
    ) -> Result<Option<Response>, ApiError> {
        let Some(key) = &self.key else {
            return Ok(None);
        };
        match state.store().saved_reply(self.workspace, key).await? {
            None => Ok(None),
            Some(saved) => self.replay(saved).map(Some),
        }
    }

    /// Saves a successful reply for the key and returns it — or, when a concurrent request
    /// with the same key saved first, that one's.
    pub(crate) async fn reply(
        &self,
        state: &ApiState,
        status: StatusCode,
        body: &impl serde::Serialize,
    ) -> Result<Response, ApiError> {
        let text = serde_json::to_string(body)
            .map_err(|error| ApiError::Internal(anyhow::Error::new(error)))?;
        if let Some(key) = &self.key {
            let saved = SavedReply {
                fingerprint: self.fingerprint.clone(),
                status: status.as_u16(),
                body: text.clone(),
            };
            if !state
                .store()
                .save_reply(self.workspace, key, &saved)
                .await?
                && let Some(first) = state.store().saved_reply(self.workspace, key).await?
            {
                return self.replay(first);
            }
        }
        let mut response = (status, text).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Ok(response)
    }

    fn replay(&self, saved: SavedReply) -> Result<Response, ApiError> {
        if saved.fingerprint != self.fingerprint {
            return Err(key_reused());
        }
        let status = StatusCode::from_u16(saved.status).unwrap_or(StatusCode::OK);
        Ok(replayed(status, saved.body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(IDEMPOTENCY_KEY, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn keys_are_short_visible_ascii() {
        let limits = Limits::default();
        assert_eq!(idempotency_key(&headers(&[]), &limits).unwrap(), None);
        assert_eq!(
            idempotency_key(&headers(&[" order-17 "]), &limits).unwrap(),
            Some("order-17".into())
        );
        let long = "k".repeat(limits.idempotency_key_chars + 1);
        for bad in [vec![""], vec!["a b"], vec![long.as_str()], vec!["a", "b"]] {
            let error = idempotency_key(&headers(&bad), &limits).unwrap_err();
            assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{bad:?}");
            assert_eq!(error.body().error.field.as_deref(), Some("Idempotency-Key"));
        }
    }
}
