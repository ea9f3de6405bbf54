//! What a collection request brings besides its path: the client's address, the languages
//! and formats it accepts, and its form fields.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

/// The client's IP address, from the connection (`None` when the server was not started with
/// connection info, as in `oneshot` tests: such requests are not limited by address).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientIp(pub(crate) Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ClientIp, Infallible> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        Ok(ClientIp(ip))
    }
}

/// The `Accept-Language` header, if readable.
pub(crate) fn accept_language(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
}

/// True when the client asks for JSON (`Accept: application/json`), as the page script does.
pub(crate) fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let media = parts.next().unwrap_or("").trim();
            let refused = parts.any(|param| {
                let param = param.trim().replace(' ', "");
                param == "q=0" || param == "q=0.0" || param == "q=0.00" || param == "q=0.000"
            });
            media.eq_ignore_ascii_case("application/json") && !refused
        })
}

/// The fields of a form body (`application/x-www-form-urlencoded`), in order. A body that is
/// not one gives no fields (and so a missing score).
pub(crate) fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

/// The first value of `name` among the fields.
pub(crate) fn field<'f>(fields: &'f [(String, String)], name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The query string's pairs (none when it cannot be read).
pub(crate) fn query_fields(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|query| serde_urlencoded::from_str(query).unwrap_or_default())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn json_is_wanted_only_when_asked_for() {
        assert!(wants_json(&accept("application/json")));
        assert!(wants_json(&accept("text/html, Application/JSON;q=0.5")));
        assert!(!wants_json(&accept("text/html,*/*;q=0.8")));
        assert!(!wants_json(&accept("application/json;q=0")));
        assert!(!wants_json(&HeaderMap::new()));
    }

    #[test]
    fn form_fields_are_read_in_order_and_garbage_gives_none() {
        let fields = form_fields(b"score=9&comment=Fast+%26+kind&score=3");
        assert_eq!(field(&fields, "score"), Some("9"));
        assert_eq!(field(&fields, "comment"), Some("Fast & kind"));
        assert_eq!(field(&fields, "email"), None);
        assert!(form_fields(b"\xff\xfe=%").len() <= 1);
        assert_eq!(field(&query_fields(Some("score=x")), "score"), Some("x"));
        assert!(query_fields(None).is_empty());
    }
}
