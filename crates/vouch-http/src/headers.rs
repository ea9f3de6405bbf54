//! The headers every response carries, whatever surface made it: `X-Content-Type-Options:
//! nosniff`; `Strict-Transport-Security` when the server is reached over HTTPS (its public URL
//! starts with `https://`); and, on the API, `Cache-Control: no-store` unless the route said
//! otherwise, so that no shared cache keeps an answer given to one key.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// One year, with subdomains: what a site served only over HTTPS asks browsers to remember.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Adds the headers to `request`'s response; `https` says whether the public URL is HTTPS.
pub async fn add_security_headers(https: bool, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    if https {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS));
    }
    if api {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    response
}
