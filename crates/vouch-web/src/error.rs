//! The one error type of the API, and the JSON shape every error has:
//! `{"error": {"code": "...", "message": "...", "field": "..." | null}}`.
//!
//! Handlers return [`Result`]; whatever goes wrong becomes an [`ApiError`], whose status and
//! `code` tell a client what to do. Only [`ApiError::Internal`] is the server's fault: it is
//! logged with its cause, and the client gets a generic message.

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use vouch_store::StoreError;

/// The result of a handler.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// Everything an API request can fail with, one variant per status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be read (`bad_request`, or `invalid_json` for a body that is
    /// not JSON).
    #[error("{message}")]
    BadRequest {
        /// `bad_request` or `invalid_json`.
        code: &'static str,
        /// What is wrong, for people.
        message: String,
        /// The header, parameter or body field at fault.
        field: Option<String>,
    },
    /// 401: no API key, an unknown one, or a revoked one.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the key may not do this (a read key writing, or a view anonymity forbids).
    #[error("{0}")]
    Forbidden(String),
    /// 404: nothing with this id in the key's workspace.
    #[error("{message}")]
    NotFound {
        /// What was not found.
        message: String,
        /// The field that named it, when it came from the body or the query.
        field: Option<String>,
    },
    /// 405: the path exists, the method does not.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 409: the write would break a uniqueness rule (a survey name already taken).
    #[error("{message}")]
    Conflict {
        /// What clashed.
        message: String,
        /// The field whose value clashed.
        field: Option<String>,
    },
    /// 410: the thing exists but is closed for good (an expired survey link, an archived
    /// survey).
    #[error("{0}")]
    Gone(String),
    /// 413: the body is larger than the limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not sent as `application/json`.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the request is well-formed but a value is not acceptable.
    #[error("{message}")]
    Unprocessable {
        /// `validation`, or a more precise code such as `idempotency_key_reused`.
        code: &'static str,
        /// What is wrong, for people.
        message: String,
        /// The field at fault, as a path: `score`, `contact.email`, `contact.attributes.plan`.
        field: Option<String>,
    },
    /// 429: too many requests; try again later.
    #[error("{0}")]
    TooManyRequests(String),
    /// 500: the server failed. Logged; the client gets a generic message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The body of every error reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable, machine-readable code: `bad_request`, `invalid_json`, `unauthorized`,
    /// `forbidden`, `not_found`, `method_not_allowed`, `conflict`, `gone`, `payload_too_large`,
    /// `unsupported_media_type`, `validation`, `idempotency_key_reused`, `too_many_requests`
    /// or `internal`.
    #[schema(example = "validation")]
    pub code: String,
    /// What is wrong, for people.
    #[schema(example = "score must be a whole number from 0 to 10")]
    pub message: String,
    /// The offending field (a body path such as `contact.attributes.plan`, a query parameter
    /// or a header), or null.
    #[schema(example = "score")]
    pub field: Option<String>,
}

impl ApiError {
    /// 422 `validation` naming a field.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Unprocessable {
            code: "validation",
            message: message.into(),
            field: Some(field.into()),
        }
    }

    /// 400 `bad_request` naming a field (a header or a query parameter).
    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            code: "bad_request",
            message: message.into(),
            field: Some(field.into()),
        }
    }

    /// 404 for a thing named in the path.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::NotFound {
            message: message.into(),
            field: None,
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body a client sees.
    pub fn body(&self) -> ErrorBody {
        let (code, field) = match self {
            ApiError::BadRequest { code, field, .. }
            | ApiError::Unprocessable { code, field, .. } => (*code, field.clone()),
            ApiError::Unauthorized(_) => ("unauthorized", None),
            ApiError::Forbidden(_) => ("forbidden", None),
            ApiError::NotFound { field, .. } => ("not_found", field.clone()),
            ApiError::MethodNotAllowed(_) => ("method_not_allowed", None),
            ApiError::Conflict { field, .. } => ("conflict", field.clone()),
            ApiError::Gone(_) => ("gone", None),
            ApiError::PayloadTooLarge(_) => ("payload_too_large", None),
            ApiError::UnsupportedMediaType(_) => ("unsupported_media_type", None),
            ApiError::TooManyRequests(_) => ("too_many_requests", None),
            ApiError::Internal(_) => ("internal", None),
        };
        let message = match self {
            // The cause stays in the log: it may name tables, paths or hosts.
            ApiError::Internal(_) => "the server failed to handle the request".to_owned(),
            other => other.to_string(),
        };
        ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                field,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(
                error = format!("{cause:#}"),
                "internal error in an API request"
            );
        }
        let status = self.status();
        let mut response = (status, axum::Json(self.body())).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound(message) => ApiError::not_found(message),
            StoreError::Conflict(message) => ApiError::Conflict {
                message,
                field: None,
            },
            StoreError::Other(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<Arc<StoreError>> for ApiError {
    fn from(error: Arc<StoreError>) -> ApiError {
        match Arc::try_unwrap(error) {
            Ok(error) => ApiError::from(error),
            Err(shared) => match shared.as_ref() {
                StoreError::NotFound(message) => ApiError::not_found(message.clone()),
                StoreError::Conflict(message) => ApiError::Conflict {
                    message: message.clone(),
                    field: None,
                },
                StoreError::Other(cause) => ApiError::Internal(anyhow::anyhow!("{cause:#}")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(error: ApiError) -> (StatusCode, serde_json::Value) {
        let response = error.into_response();
        let status = response.status();
        let body = futures_body(response);
        (status, serde_json::from_slice(&body).unwrap())
    }

    fn futures_body(response: Response) -> Vec<u8> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .unwrap()
            .to_vec()
    }

    #[test]
    fn a_validation_error_names_its_field() {
        let (status, body) = reply(ApiError::validation("contact.email", "not an email"));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body,
            serde_json::json!({"error": {"code": "validation", "message": "not an email",
                "field": "contact.email"}})
        );
    }

    #[test]
    fn an_internal_error_hides_its_cause() {
        let (status, body) = reply(ApiError::Internal(anyhow::anyhow!(
            "connection to db.internal:5432 refused"
        )));
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal");
        assert!(!body.to_string().contains("db.internal"));
        assert_eq!(body["error"]["field"], serde_json::Value::Null);
    }

    #[test]
    fn store_errors_map_to_404_409_and_500() {
        let status = |error| ApiError::from(error).status();
        assert_eq!(
            status(StoreError::NotFound("survey 3".into())),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            status(StoreError::Conflict("name taken".into())),
            StatusCode::CONFLICT
        );
        assert_eq!(
            status(StoreError::Other(anyhow::anyhow!("disk full"))),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let shared = Arc::new(StoreError::NotFound("survey 3".into()));
        let _keep = Arc::clone(&shared);
        assert_eq!(ApiError::from(shared).status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn an_unauthorized_reply_asks_for_a_bearer_key() {
        let response = ApiError::Unauthorized("no key".into()).into_response();
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
    }
}
