//! CSRF protection of the dashboard's forms.
//!
//! Every session has a random token ([`vouch_store::SessionRecord::csrf_token`]). Every form
//! that changes something carries it as a hidden field named `csrf` (the [`super::layout::Frame`]
//! has it: `<input type="hidden" name="csrf" value="{{ frame.csrf }}">`); scripts may send it
//! as the `X-CSRF-Token` header instead. The [`super::session::Csrf`], `Writer` and `Admin`
//! extractors compare it, in constant time, with the session's: missing or wrong → 403 and the
//! handler never runs. The session cookie is also `SameSite=Lax`, so other sites' POSTs do not
//! carry it in the first place.
//!
//! Reading a form field from an extractor that only sees the request's head needs the body
//! read first: [`read_form_token`] is a middleware on the dashboard router that, for every
//! request that is not GET/HEAD/OPTIONS with an `application/x-www-form-urlencoded` body,
//! buffers the body (at most [`crate::Limits::body_bytes`]; 413 beyond), puts the `csrf`
//! field into the request's extensions as a [`FormToken`], and hands the same bytes on, so
//! that the handler's `Form<T>` reads the body as usual (a `T` may simply ignore `csrf`).
//! Other bodies (multipart, JSON) are not read: they must send the header, or a `csrf`
//! query parameter.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use vouch_web::state::AppState;

use super::layout::message_page;

/// The name of the form field (and query parameter) carrying the token.
pub const FIELD: &str = "csrf";

/// The header carrying the token, for scripts.
pub const HEADER: &str = "x-csrf-token";

/// The `csrf` field of a form body, as read by [`read_form_token`].
#[derive(Debug, Clone)]
pub struct FormToken(pub String);

/// Middleware: reads the `csrf` field of form bodies (see the module documentation).
pub async fn read_form_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || !is_form(&request) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let bytes = match to_bytes(body, state.limits().body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return message_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Too much at once",
                "This form sent more than the server takes. Shorten it and try again.",
            );
        }
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    if let Some((_, token)) = fields.into_iter().find(|(name, _)| name == FIELD) {
        parts.extensions.insert(FormToken(token));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// True when the body is a urlencoded form.
fn is_form(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The token the request carries: the form field, else the header, else the query parameter.
fn request_token(parts: &Parts) -> Option<String> {
    if let Some(FormToken(token)) = parts.extensions.get::<FormToken>() {
        return Some(token.clone());
    }
    if let Some(value) = parts.headers.get(HEADER) {
        return value.to_str().ok().map(str::to_owned);
    }
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|query| serde_urlencoded::from_str(query).unwrap_or_default())
        .unwrap_or_default();
    query
        .into_iter()
        .find(|(name, _)| name == FIELD)
        .map(|(_, token)| token)
}

/// True when the request carries `expected` (compared in constant time).
pub(crate) fn request_token_matches(parts: &Parts, expected: &str) -> bool {
    request_token(parts)
        .is_some_and(|given| constant_time_eq(given.as_bytes(), expected.as_bytes()))
}

/// Compares two byte strings in time that depends only on their lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str, header: Option<&str>, field: Option<&str>) -> Parts {
        let mut request = axum::http::Request::builder().method("POST").uri(uri);
        if let Some(value) = header {
            request = request.header(HEADER, value);
        }
        let mut parts = request.body(()).unwrap().into_parts().0;
        if let Some(token) = field {
            parts.extensions.insert(FormToken(token.to_owned()));
        }
        parts
    }

    #[test]
    fn the_token_is_read_from_the_field_the_header_or_the_query() {
        assert!(request_token_matches(
            &parts("/x", None, Some("abc")),
            "abc"
        ));
        assert!(request_token_matches(
            &parts("/x", Some("abc"), None),
            "abc"
        ));
        assert!(request_token_matches(
            &parts("/x?csrf=abc", None, None),
            "abc"
        ));
        assert!(!request_token_matches(
            &parts("/x", None, Some("abd")),
            "abc"
        ));
        assert!(!request_token_matches(&parts("/x", None, None), "abc"));
        assert!(!request_token_matches(&parts("/x", None, Some("")), ""));
    }

    #[test]
    fn comparison_needs_equal_lengths_and_bytes() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"abc", b"abx"));
        assert!(!constant_time_eq(b"", b""));
    }
}
