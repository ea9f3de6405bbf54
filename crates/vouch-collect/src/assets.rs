//! The files survey pages and host pages load, built into the binary: one stylesheet and one
//! script for the pages (`/assets/…`, cached for a year: pages name them with a version), and
//! the widget script (`/widget.js`, a stable URL that host pages embed, cached for an hour).

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One embedded file.
struct Asset {
    body: &'static [u8],
    content_type: &'static str,
    /// A short hash of the body: its ETag and its version in URLs.
    version: String,
}

impl Asset {
    fn new(body: &'static [u8], content_type: &'static str) -> Asset {
        let version = vouch_web::auth::hex(&Sha256::digest(body))[..12].to_owned();
        Asset {
            body,
            content_type,
            version,
        }
    }

    /// The file with caching headers, or 304 when the client holds this version.
    fn reply(&self, request: &HeaderMap, cache_control: &'static str) -> Response {
        let etag = format!("\"{}\"", self.version);
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
                    HeaderValue::from_static(self.content_type),
                )],
                self.body,
            )
                .into_response()
        };
        let headers = response.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        // Host pages that isolate themselves (COEP) may still load the widget.
        headers.insert(
            "cross-origin-resource-policy",
            HeaderValue::from_static("cross-origin"),
        );
        response
    }
}

static STYLESHEET: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_bytes!("../assets/survey.css"),
        "text/css; charset=utf-8",
    )
});

static SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_bytes!("../assets/survey.js"),
        "text/javascript; charset=utf-8",
    )
});

static WIDGET: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_bytes!("../assets/widget.js"),
        "text/javascript; charset=utf-8",
    )
});

/// Versioned files may be kept for a year: a new version has a new URL.
const VERSIONED: &str = "public, max-age=31536000, immutable";

/// The widget's URL never changes, so a new release reaches host pages within an hour.
const STABLE: &str = "public, max-age=3600";

/// The stylesheet's URL relative to a page at `/x/y` (so it works under a path prefix).
pub(crate) fn stylesheet_href() -> String {
    format!("../assets/survey.css?v={}", STYLESHEET.version)
}

/// The page script's URL relative to a page at `/x/y`.
pub(crate) fn script_src() -> String {
    format!("../assets/survey.js?v={}", SCRIPT.version)
}

/// `GET /assets/survey.css`.
pub(crate) async fn stylesheet(headers: HeaderMap) -> Response {
    STYLESHEET.reply(&headers, VERSIONED)
}

/// `GET /assets/survey.js`.
pub(crate) async fn script(headers: HeaderMap) -> Response {
    SCRIPT.reply(&headers, VERSIONED)
}

/// `GET /widget.js`.
pub(crate) async fn widget_script(headers: HeaderMap) -> Response {
    WIDGET.reply(&headers, STABLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_differ_between_files_and_are_short() {
        assert_eq!(STYLESHEET.version.len(), 12);
        assert_ne!(STYLESHEET.version, SCRIPT.version);
        assert!(stylesheet_href().starts_with("../assets/survey.css?v="));
    }

    #[test]
    fn a_held_version_is_not_sent_again() {
        let mut headers = HeaderMap::new();
        let etag = format!("\"{}\"", SCRIPT.version);
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&etag).unwrap());
        let reply = SCRIPT.reply(&headers, VERSIONED);
        assert_eq!(reply.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(reply.headers()[header::ETAG], etag.as_str());
        let reply = SCRIPT.reply(&HeaderMap::new(), VERSIONED);
        assert_eq!(reply.status(), StatusCode::OK);
        assert_eq!(reply.headers()[header::CACHE_CONTROL], VERSIONED);
    }
}
