//! `GET /api/v1/responses/{id}/history` and `PUT /api/v1/responses/{id}/tags`: a response's
//! tags, set by a program, and every change made to its tags, status and assignee.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vouch_analytics::disclosure::{self, ShownAnswer};
use vouch_core::tag::{MAX_TAGS, check_tag_name};
use vouch_store::{Actor, HistoryChange, HistoryEntry, ResponseId, WorkflowChange, WorkspaceId};

use super::anonymous_answers;
use super::replies::ReplyJson;
use crate::openapi::{ReadErrors, WriteErrors};
use vouch_web::ApiState;
use vouch_web::auth::{Caller, WriteCaller};
use vouch_web::error::{ApiError, Result};
use vouch_web::fresh::fresh_index;
use vouch_web::json::{ApiJson, PathId, path_id};

/// Who made a change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActorJson {
    /// `member`, `rule`, `api_key` or `operator` (the command line).
    pub kind: String,
    /// The member's user id, the rule's id or the key's id; null for the operator.
    pub id: Option<i64>,
    /// The member's name.
    pub name: Option<String>,
}

/// One change to a response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntryJson {
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub actor: ActorJson,
    /// `tag_added`, `tag_removed`, `tag_renamed`, `status`, `assignee` or `reply`.
    pub change: String,
    /// The tag added or removed, the new name, the new status, the new assignee's user id
    /// (null when unassigned), or a reply's text.
    pub value: Option<String>,
    /// The old name of a renamed tag.
    pub previous: Option<String>,
    /// The reply, with its email's state (`reply` entries only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplyJson>,
}

impl From<&HistoryEntry> for HistoryEntryJson {
    fn from(entry: &HistoryEntry) -> HistoryEntryJson {
        let (kind, id) = match entry.actor {
            Actor::Member(user) => ("member", Some(user.0)),
            Actor::Rule(rule) => ("rule", Some(rule.0)),
            Actor::ApiKey(key) => ("api_key", Some(key)),
            Actor::Operator => ("operator", None),
        };
        let (change, value, previous) = match &entry.change {
            HistoryChange::TagAdded(tag) => ("tag_added", Some(tag.clone()), None),
            HistoryChange::TagRemoved(tag) => ("tag_removed", Some(tag.clone()), None),
            HistoryChange::TagRenamed { from, to } => {
                ("tag_renamed", Some(to.clone()), Some(from.clone()))
            }
            HistoryChange::Status(status) => ("status", Some(status.clone()), None),
            HistoryChange::Assignee(user) => ("assignee", user.map(|u| u.0.to_string()), None),
            HistoryChange::Reply(reply) => ("reply", Some(reply.message.clone()), None),
        };
        let reply = match &entry.change {
            HistoryChange::Reply(reply) => Some(ReplyJson::from(&**reply)),
            _ => None,
        };
        HistoryEntryJson {
            at: entry.at.to_string(),
            actor: ActorJson {
                kind: kind.into(),
                id,
                name: entry.actor_name.clone(),
            },
            change: change.into(),
            value,
            previous,
            reply,
        }
    }
}

/// A response's history, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HistoryJson {
    /// The changes.
    pub data: Vec<HistoryEntryJson>,
}

/// A response's new set of tags.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagsBody {
    /// Every tag it should carry (at most 20; tags differing only in case are one).
    pub tags: Vec<String>,
}

/// The response's tags after a change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TagsJson {
    /// Its tags, sorted.
    pub tags: Vec<String>,
}

/// The response, if the key may see it one by one (not an eNPS answer).
async fn open_response(state: &ApiState, workspace: WorkspaceId, id: &str) -> Result<ResponseId> {
    let id = ResponseId(path_id(id, "response")?);
    let index = fresh_index(state, workspace).await?;
    let found = disclosure::answer(state.store(), workspace, &index, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no response with id {}", id.0)))?;
    match found.answer {
        Ok(ShownAnswer::Open(_)) => Ok(id),
        Ok(ShownAnswer::Anonymous(_)) | Err(_) => Err(anonymous_answers()),
    }
}

/// Read the changes made to a response's tags, status and assignee, and the replies to its
/// author with their state, oldest first.
#[utoipa::path(get, path = "/api/v1/responses/{id}/history", tag = "responses",
    params(("id" = i64, Path, description = "The response's id")),
    responses((status = 200, description = "Its history", body = HistoryJson), ReadErrors),
    security(("api_key" = [])))]
pub(crate) async fn response_history(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response> {
    let id = open_response(&state, caller.workspace, &id).await?;
    let entries = state.store().response_history(caller.workspace, id).await?;
    let data = entries.iter().map(HistoryEntryJson::from).collect();
    Ok(axum::Json(HistoryJson { data }).into_response())
}

/// Replace a response's tags; what changed goes into its history as this key's.
#[utoipa::path(put, path = "/api/v1/responses/{id}/tags", tag = "responses",
    request_body = TagsBody,
    params(("id" = i64, Path, description = "The response's id")),
    responses((status = 200, description = "Its tags", body = TagsJson), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn set_tags(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
    body: ApiJson<TagsBody>,
) -> Result<Response> {
    let given = &body.value.tags;
    if given.len() > MAX_TAGS {
        return Err(ApiError::validation(
            "tags",
            format!("at most {MAX_TAGS} tags; {} were given", given.len()),
        ));
    }
    let tags = given
        .iter()
        .map(|tag| check_tag_name(tag).map_err(|e| ApiError::validation("tags", e.to_string())))
        .collect::<Result<Vec<_>>>()?;
    let id = open_response(&state, caller.workspace, &id).await?;
    let change = WorkflowChange {
        tags: Some(tags),
        ..WorkflowChange::default()
    };
    let actor = Actor::ApiKey(caller.key.0);
    let changed = state
        .store()
        .change_workflow(caller.workspace, id, &change, actor, Timestamp::now())
        .await?;
    Ok(axum::Json(TagsJson { tags: changed.tags }).into_response())
}
