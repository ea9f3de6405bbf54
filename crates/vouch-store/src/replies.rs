//! Replies to respondents ("close the loop"): rows and the store area.
//!
//! A reply is written once, with its entry in the response's history and the `send_reply`
//! job that emails it, in one transaction: a crash never loses one, nor sends one twice on its
//! own. The job then records whether the email went out.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::{Actor, ResponseId, StoreResult, WorkspaceId};

/// Attempts of the job that emails a reply.
pub const SEND_REPLY_ATTEMPTS: u32 = 8;

/// Identifies a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplyId(pub i64);

/// Where the email of a reply is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyStatus {
    /// Queued: not sent yet.
    Sending,
    /// Accepted by the SMTP server.
    Sent,
    /// The last attempt failed, for this reason (a later attempt may still send it).
    Failed(String),
}

impl ReplyStatus {
    /// `sending`, `sent` or `failed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ReplyStatus::Sending => "sending",
            ReplyStatus::Sent => "sent",
            ReplyStatus::Failed(_) => "failed",
        }
    }

    /// The reason of a failure.
    pub fn error(&self) -> Option<&str> {
        match self {
            ReplyStatus::Failed(reason) => Some(reason),
            _ => None,
        }
    }

    /// Reads a status from its stored name and error; `None` for an unknown name.
    pub fn parse(name: &str, error: Option<String>) -> Option<ReplyStatus> {
        match name {
            "sending" => Some(ReplyStatus::Sending),
            "sent" => Some(ReplyStatus::Sent),
            "failed" => Some(ReplyStatus::Failed(error.unwrap_or_default())),
            _ => None,
        }
    }
}

/// A reply to the author of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Its id.
    pub id: ReplyId,
    /// The workspace.
    pub workspace: WorkspaceId,
    /// The response replied to.
    pub response: ResponseId,
    /// The text (checked with `vouch_core::reply::check_reply_text`).
    pub message: String,
    /// The address the respondent's answer goes to (the member who wrote it), if any.
    pub reply_to: Option<String>,
    /// Who wrote it.
    pub actor: Actor,
    /// Where its email is.
    pub status: ReplyStatus,
    /// When it was written.
    pub created_at: Timestamp,
    /// When its status last changed.
    pub updated_at: Timestamp,
}

/// A reply to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReply {
    /// The text, already checked with `vouch_core::reply::check_reply_text`.
    pub message: String,
    /// The address answers go to (a checked `vouch_core::email::Email`), if any.
    pub reply_to: Option<String>,
    /// Who writes it.
    pub actor: Actor,
}

/// Replies to respondents.
#[async_trait]
pub trait ReplyStore: Send + Sync {
    /// Records a reply to a response of the workspace, its `reply` entry in the response's
    /// history and its `send_reply` job (payload `{"reply": ID}`, due at `at`), in one
    /// transaction; `NotFound` if the workspace has no such response. Whether the respondent
    /// may be written to is the caller's to check (`vouch_core::reply::reachable`); the job
    /// checks again before sending.
    async fn create_reply(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        reply: &NewReply,
        at: Timestamp,
    ) -> StoreResult<Reply>;

    /// A reply by id, whatever its workspace (the job's view); `None` once erased with its
    /// response's contact.
    async fn reply(&self, id: ReplyId) -> StoreResult<Option<Reply>>;

    /// Records what came of sending a reply; `NotFound` if it is gone.
    async fn record_reply_status(
        &self,
        id: ReplyId,
        status: &ReplyStatus,
        at: Timestamp,
    ) -> StoreResult<()>;
}
