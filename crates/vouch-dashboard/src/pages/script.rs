//! `GET /assets/dashboard-pages.js`: the pages' one script (`assets/dashboard-pages.js`),
//! built into the binary, cached for a year (pages name it with its version).
//!
//! It only adds: keyboard navigation of the inbox (`j`, `k`, Enter), on a phone a filter bar
//! folded behind "More filters", and on the Tags page the progress of rules still tagging past
//! responses, refreshed from `GET /app/rules/progress`. Every page works without
//! it, and the dashboard's Content Security Policy allows no inline script, so pages load it
//! with `<script src defer>`.

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The script, built into the binary.
static SCRIPT: &[u8] = include_bytes!("../../assets/dashboard-pages.js");

/// A short hash of the script: its ETag and its version in URLs.
static VERSION: LazyLock<String> =
    LazyLock::new(|| vouch_web::auth::hex(&Sha256::digest(SCRIPT))[..12].to_owned());

/// The script's URL, with its version.
pub(crate) fn script_src() -> String {
    format!("/assets/dashboard-pages.js?v={}", *VERSION)
}

/// `GET /assets/dashboard-pages.js`: 304 when the browser holds this version.
pub(crate) async fn serve(request: HeaderMap) -> Response {
    let etag = format!("\"{}\"", *VERSION);
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let content_type = HeaderValue::from_static("text/javascript; charset=utf-8");
        ([(header::CONTENT_TYPE, content_type)], SCRIPT).into_response()
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
