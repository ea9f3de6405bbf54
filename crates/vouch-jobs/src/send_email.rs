//! Job `send_email` `{"invitation": ID, "reminder": BOOL}`: email one invitation (or its
//! reminder) and record what came of it on the invitation.
//!
//! Nothing is sent when the invitation is gone (its contact was erased), has expired, bounced
//! before, was already sent (a job claimed again after a lost lease), or — for a reminder — was
//! answered. A suppressed address is recorded as such. The SMTP server's answer is recorded
//! with [`vouch_store::Store::record_send`]: accepted → `Sent`; recipient refused for good →
//! `Bounced` (which also suppresses the address); anything else → `Failed`, and the job fails
//! so that the worker retries it.

use jiff::Timestamp;
use vouch_store::{InvitationId, SendEmailJob, SendOutcome, WorkspaceId};

use crate::email::{self, EmailInput};
use crate::mailer::SendError;
use crate::worker::JobContext;
use crate::{JobError, JobResult, NO_SMTP_SERVER};

/// Runs a `send_email` job of the workspace.
pub async fn run(
    context: &JobContext,
    workspace: WorkspaceId,
    send: SendEmailJob,
) -> JobResult<()> {
    let SendEmailJob {
        invitation: id,
        reminder,
    } = send;
    let id = InvitationId(id);
    let store = &context.store;
    let Some(invitation) = store.invitation(id).await? else {
        return Ok(()); // erased with its contact
    };
    if invitation.workspace != workspace {
        return Err(JobError::Permanent(format!(
            "invitation {} belongs to another workspace",
            id.0
        )));
    }
    let now = Timestamp::now();
    let answered = invitation.response.is_some();
    let skip = invitation.expires_at <= now
        || invitation.bounced_at.is_some()
        || (!reminder && invitation.sent_at.is_some())
        || (reminder && answered);
    if skip {
        return Ok(());
    }
    let workspace = invitation.workspace;
    let Some(survey) = store.survey(workspace, invitation.survey).await? else {
        return Ok(());
    };
    if survey.archived {
        return Ok(());
    }
    let Some(contact) = store.contact_by_id(workspace, invitation.contact).await? else {
        return Ok(());
    };
    let Some(address) = contact.email.as_deref().filter(|a| !a.trim().is_empty()) else {
        store.record_send(id, &SendOutcome::Suppressed, now).await?;
        return Err(JobError::Permanent(format!(
            "contact {} has no email address",
            contact.id.0
        )));
    };
    if store.suppression(workspace, address).await?.is_some() {
        store.record_send(id, &SendOutcome::Suppressed, now).await?;
        return Ok(());
    }
    let Some(mailer) = &context.mailer else {
        if !reminder {
            let outcome = SendOutcome::Failed(NO_SMTP_SERVER.to_owned());
            store.record_send(id, &outcome, now).await?;
        }
        return Err(JobError::Retry(NO_SMTP_SERVER.to_owned()));
    };
    let workspace_brand = context.workspace_brand(workspace).await?;
    // Without a brand name anywhere, sentences name the sender, never the internal slug.
    let fallback_brand = email::sender_brand(mailer.from());
    let rendered = email::render(&EmailInput {
        survey: &survey,
        contact: &contact,
        invitation: id,
        workspace_brand: &workspace_brand,
        fallback_brand: &fallback_brand,
        link_secret: context.link_secret().await?,
        public_url: &context.config.public_url,
        reminder,
    })?;
    let message = match email::message(&rendered, mailer.from(), address) {
        Ok(message) => message,
        Err(error) => {
            // An address the message cannot even be addressed to will never be delivered.
            store
                .record_send(id, &SendOutcome::Bounced(error.to_string()), now)
                .await?;
            return Ok(());
        }
    };
    let sent = mailer.send(message).await;
    let at = Timestamp::now();
    match sent {
        Ok(()) if reminder => Ok(()),
        Ok(()) => Ok(store.record_send(id, &SendOutcome::Sent, at).await?),
        Err(SendError::Bounce(reason)) => {
            store
                .record_send(id, &SendOutcome::Bounced(reason), at)
                .await?;
            Ok(())
        }
        Err(SendError::Retry(reason)) => {
            if !reminder {
                let outcome = SendOutcome::Failed(reason.clone());
                store.record_send(id, &outcome, at).await?;
            }
            Err(JobError::Retry(reason))
        }
    }
}
