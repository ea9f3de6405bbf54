//! Reading requests: JSON bodies, query strings and ids in paths, every failure an
//! [`ApiError`] naming what is wrong.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::ApiState;
use crate::error::ApiError;

/// A JSON body read as `T`, and the raw bytes it came from (for idempotency fingerprints).
///
/// Rejections: 415 when the body is not sent as JSON, 413 over the body limit, 400
/// `invalid_json` when it is not JSON (or not an object), 422 `validation` naming the field
/// when a field is missing, unknown, or of the wrong type.
#[derive(Debug, Clone)]
pub struct ApiJson<T> {
    /// The body.
    pub value: T,
    raw: Bytes,
}

impl<T> ApiJson<T> {
    /// The hex SHA-256 of the raw body: a retry with the same key must send the same bytes.
    pub fn fingerprint(&self) -> String {
        crate::auth::hex(&Sha256::digest(&self.raw))
    }
}

impl<T: DeserializeOwned> FromRequest<ApiState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &ApiState) -> Result<ApiJson<T>, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::UnsupportedMediaType(
                "send the body as JSON, with `Content-Type: application/json`".into(),
            ));
        }
        let limit = state.limits().body_bytes;
        let raw = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge(format!(
                        "the body is larger than the limit of {limit} bytes"
                    ))
                } else {
                    ApiError::BadRequest {
                        code: "bad_request",
                        message: format!("the body could not be read: {rejection}"),
                        field: None,
                    }
                }
            })?;
        let value = parse_json(&raw)?;
        Ok(ApiJson { value, raw })
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json") || subtype.to_ascii_lowercase().ends_with("+json"))
}

/// Reads a JSON object as `T`, with errors that name the field at fault.
pub fn parse_json<T: DeserializeOwned>(raw: &[u8]) -> Result<T, ApiError> {
    let first = raw.iter().find(|byte| !byte.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(ApiError::BadRequest {
            code: "invalid_json",
            message: "the body must be a JSON object".into(),
            field: None,
        });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(raw);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
    deserializer.end().map_err(|error| ApiError::BadRequest {
        code: "invalid_json",
        message: format!("the body is not valid JSON: {}", without_position(&error)),
        field: None,
    })?;
    Ok(value)
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.inner();
    let message = without_position(inner);
    let mut field = (path != "." && path != "?").then_some(path);
    match inner.classify() {
        serde_json::error::Category::Data => {
            // Serde names a missing or repeated field in the message, with the path of the
            // object that holds it: name the field itself.
            for prefix in ["missing field `", "duplicate field `"] {
                if let Some(name) = message
                    .strip_prefix(prefix)
                    .and_then(|rest| rest.split('`').next())
                {
                    field = Some(match field {
                        Some(parent) => format!("{parent}.{name}"),
                        None => name.to_owned(),
                    });
                }
            }
            let message = match &field {
                Some(field) => format!("{field}: {message}"),
                None => message,
            };
            ApiError::Unprocessable {
                code: "validation",
                message,
                field,
            }
        }
        _ => ApiError::BadRequest {
            code: "invalid_json",
            message: format!("the body is not valid JSON: {message}"),
            field,
        },
    }
}

/// A serde_json error's message without its " at line L column C" suffix.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(end) if error.line() > 0 => text[..end].to_owned(),
        _ => text,
    }
}

/// The query string as `(name, value)` pairs in order, names and values percent-decoded.
#[derive(Debug, Clone, Default)]
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<QueryPairs, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|pairs| QueryPairs(pairs.0))
            .map_err(|_| ApiError::BadRequest {
                code: "bad_request",
                message: format!("the query string {query:?} cannot be read"),
                field: None,
            })
    }
}

/// The `{id}` of a path, as text: [`path_id`] reads it. Unreadable text names nothing: 404.
#[derive(Debug, Clone)]
pub struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<PathId, ApiError> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(id)| PathId(id))
            .map_err(|_| ApiError::not_found(format!("nothing at {}", parts.uri.path())))
    }
}

/// The numeric id in a path; anything else names nothing, so it is a 404 like an unknown id.
pub fn path_id(text: &str, what: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| ApiError::not_found(format!("no {what} with id {text:?}")))
}

/// Reads an optional field that must be a JSON object (or `null`): serde would otherwise read
/// an array into a struct by position, so that `"settings": []` meant "every default".
/// For `#[serde(default, deserialize_with = "object_only")]`.
pub fn object_only<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    use serde::Deserialize;
    use serde::de::Error;
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(None),
        object @ serde_json::Value::Object(_) => serde_json::from_value(object)
            .map(Some)
            .map_err(D::Error::custom),
        other => Err(D::Error::custom(format!(
            "must be a JSON object, not {}",
            match other {
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                _ => "a boolean",
            }
        ))),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        score: u8,
        contact: Contact,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Contact {
        email: Option<String>,
        attributes: Option<BTreeMap<String, String>>,
    }

    /// `(status, code, field)` of the error a body gives.
    fn check(body: &str) -> (u16, String, Option<String>) {
        let error = parse_json::<Body>(body.as_bytes()).unwrap_err();
        let detail = error.body().error;
        (error.status().as_u16(), detail.code, detail.field)
    }

    fn named(field: &str) -> Option<String> {
        Some(field.to_owned())
    }

    #[test]
    fn fields_at_fault_are_named_by_their_path() {
        let v = "validation".to_owned();
        assert_eq!(
            check(r#"{"score": "7", "contact": {}}"#),
            (422, v.clone(), named("score"))
        );
        assert_eq!(check(r#"{"score": 7}"#), (422, v.clone(), named("contact")));
        assert_eq!(
            check(r#"{"score": 7, "contact": {"emial": "a@b.c"}}"#),
            (422, v.clone(), named("contact.emial"))
        );
        assert_eq!(
            check(r#"{"score": 7, "contact": {"attributes": {"plan": 3}}}"#),
            (422, v.clone(), named("contact.attributes.plan"))
        );
        assert_eq!(
            check(r#"{"score": 7, "score": 8, "contact": {}}"#),
            (422, v, named("score"))
        );
    }

    #[test]
    fn a_body_that_is_not_a_json_object_is_a_400() {
        for body in [
            "",
            "[1]",
            "7",
            r#"{"score": 7,"#,
            "{\"score\": 7, \"contact\": {}} x",
            "nul",
        ] {
            let (status, code, _) = check(body);
            assert_eq!((status, code.as_str()), (400, "invalid_json"), "{body:?}");
        }
    }

    #[test]
    fn only_json_content_types_are_accepted() {
        let headers = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, value.parse().unwrap());
            headers
        };
        assert!(is_json(&headers("application/json")));
        assert!(is_json(&headers("application/json; charset=utf-8")));
        assert!(is_json(&headers("application/merge-patch+json")));
        assert!(!is_json(&headers("text/plain")));
        assert!(!is_json(&HeaderMap::new()));
    }

    #[test]
    fn ids_in_paths_are_positive_integers() {
        assert_eq!(path_id("12", "survey").unwrap(), 12);
        for bad in ["0", "-3", "abc", "99999999999999999999", ""] {
            assert_eq!(
                path_id(bad, "survey").unwrap_err().status(),
                StatusCode::NOT_FOUND
            );
        }
    }
}
