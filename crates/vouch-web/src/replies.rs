//! Replies to respondents, as the API and the dashboard offer them: whether an answer may be
//! replied to (`vouch_core::reply::reachable`, over what the store knows of it) and writing
//! one, so that both surfaces refuse the same answers for the same reasons.

use vouch_analytics::disclosure::{ForReply, answer_for_reply};
use vouch_core::reply::{ReplyTarget, Unreachable, reachable};
use vouch_store::{
    NewReply, Reply, ResponseId, Store, StoreResult, StoredResponse, SuppressionReason, WorkspaceId,
};

/// Whether the author of `response` may be written to.
pub async fn reply_possible(
    store: &dyn Store,
    workspace: WorkspaceId,
    response: &StoredResponse,
) -> StoreResult<Result<(), Unreachable>> {
    let anonymous = store
        .survey(workspace, response.survey)
        .await?
        .is_none_or(|survey| survey.kind.is_anonymous());
    if anonymous {
        // Nothing about an eNPS respondent is even read.
        return Ok(Err(Unreachable::Anonymous));
    }
    let email = store
        .contact_by_id(workspace, response.contact)
        .await?
        .and_then(|contact| contact.email);
    let suppression = match &email {
        Some(email) => store.suppression(workspace, email).await?,
        None => None,
    };
    Ok(reachable(&ReplyTarget {
        anonymous,
        email: email.as_deref(),
        unsubscribed: suppression == Some(SuppressionReason::Unsubscribed),
        bounced: suppression == Some(SuppressionReason::Bounced),
    }))
}

/// Why a reply was not written.
#[derive(Debug, thiserror::Error)]
pub enum ReplyRefused {
    /// The workspace has no such response.
    #[error("no response with id {0}")]
    NoResponse(i64),
    /// Its author may not be written to.
    #[error(transparent)]
    Unreachable(#[from] Unreachable),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] vouch_store::StoreError),
}

/// Writes a reply (already checked text) to the author of a response, with its history entry
/// and its email job, when the author may be written to; otherwise nothing is written.
pub async fn write_reply(
    store: &dyn Store,
    workspace: WorkspaceId,
    id: ResponseId,
    reply: &NewReply,
) -> Result<Reply, ReplyRefused> {
    let response = match answer_for_reply(store, workspace, id).await? {
        None => return Err(ReplyRefused::NoResponse(id.0)),
        Some(ForReply::Anonymous) => return Err(Unreachable::Anonymous.into()),
        Some(ForReply::Open(response)) => response,
    };
    reply_possible(store, workspace, &response).await??;
    match store
        .create_reply(workspace, id, reply, jiff::Timestamp::now())
        .await
    {
        Err(vouch_store::StoreError::NotFound(_)) => Err(ReplyRefused::NoResponse(id.0)),
        other => Ok(other?),
    }
}
