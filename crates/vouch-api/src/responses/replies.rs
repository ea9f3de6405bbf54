//! `POST /api/v1/responses/{id}/replies`: email a reply to the author of a response ("close
//! the loop"). The reply is recorded in the response's history with its email's state, and
//! sent by a background job; never for an answer to an eNPS survey.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vouch_core::email::Email;
use vouch_core::reply::check_reply_text;
use vouch_store::{Actor, NewReply, Reply, ResponseId};

use crate::openapi::WriteErrors;
use vouch_web::ApiState;
use vouch_web::auth::WriteCaller;
use vouch_web::error::{ApiError, Result};
use vouch_web::json::{ApiJson, PathId, path_id};
use vouch_web::replies::{ReplyRefused, write_reply};

/// A reply to write.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    /// The text (trimmed; 1 to 5000 characters).
    pub message: String,
    /// Where the respondent's answer should go (`Reply-To`); without it, none is set.
    pub reply_to: Option<String>,
}

/// A reply to the author of a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReplyJson {
    /// Its id.
    pub id: i64,
    /// The response replied to.
    pub response_id: i64,
    /// The text.
    pub message: String,
    /// The `Reply-To` address, if any.
    pub reply_to: Option<String>,
    /// `sending` (queued), `sent`, or `failed` (its last attempt; it may be retried).
    pub status: String,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// When it was written (RFC 3339).
    pub created_at: String,
}

impl From<&Reply> for ReplyJson {
    fn from(reply: &Reply) -> ReplyJson {
        ReplyJson {
            id: reply.id.0,
            response_id: reply.response.0,
            message: reply.message.clone(),
            reply_to: reply.reply_to.clone(),
            status: reply.status.as_str().to_owned(),
            error: reply.status.error().map(str::to_owned),
            created_at: reply.created_at.to_string(),
        }
    }
}

/// Email a reply to the author of a response; it is recorded in the response's history and
/// sent in the background. 422 (`field: response`) for an answer to an eNPS survey, a
/// respondent without an email address or one who unsubscribed.
#[utoipa::path(post, path = "/api/v1/responses/{id}/replies", tag = "responses",
    request_body = ReplyBody,
    params(("id" = i64, Path, description = "The response's id")),
    responses((status = 201, description = "The reply, queued", body = ReplyJson), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn create_reply(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
    body: ApiJson<ReplyBody>,
) -> Result<Response> {
    let id = ResponseId(path_id(&id, "response")?);
    let message = check_reply_text(&body.value.message)
        .map_err(|error| ApiError::validation("message", error.to_string()))?;
    let reply_to = body
        .value
        .reply_to
        .as_deref()
        .map(|address| {
            Email::parse(address)
                .map(|email| email.as_str().to_owned())
                .map_err(|error| ApiError::validation("reply_to", error.to_string()))
        })
        .transpose()?;
    let reply = NewReply {
        message,
        reply_to,
        actor: Actor::ApiKey(caller.key.0),
    };
    let written = write_reply(state.store(), caller.workspace, id, &reply)
        .await
        .map_err(|refused| match refused {
            ReplyRefused::NoResponse(id) => {
                ApiError::not_found(format!("no response with id {id}"))
            }
            ReplyRefused::Unreachable(why) => ApiError::validation("response", why.to_string()),
            ReplyRefused::Store(error) => error.into(),
        })?;
    Ok((StatusCode::CREATED, axum::Json(ReplyJson::from(&written))).into_response())
}
