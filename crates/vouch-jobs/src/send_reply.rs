//! Job `send_reply` `{"reply": ID}`: email a reply to the author of a response, and record on
//! the reply what came of it.
//!
//! The email goes To the respondent, From the configured sender (with the brand as display
//! name when it has none), `Reply-To` the address the reply names (the member who wrote it)
//! if any, with the subject "Re: your feedback to BRAND", the reply in text and simple HTML
//! (escaped), quoting the respondent's score and comment.
//!
//! Nothing is sent when the reply is gone (its contact was erased) or was sent already (a job
//! claimed again after a lost lease). The respondent is checked again with
//! [`vouch_core::reply::reachable`]: an address that unsubscribed (or bounced) since the reply
//! was written is refused, and the reply records why. The SMTP server's answer is recorded:
//! accepted → `sent`; anything else → `failed` with the reason, and a failure a retry may
//! cure fails the job so that the worker retries it (a later success records `sent`).

use askama::Template;
use jiff::Timestamp;
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use vouch_analytics::disclosure::{ForReply, answer_for_reply};
use vouch_core::reply::{ReplyTarget, Unreachable, reachable};
use vouch_store::{ReplyId, ReplyJob, ReplyStatus, SuppressionReason, WorkspaceId};

use crate::email::sender_brand;
use crate::mailer::SendError;
use crate::worker::JobContext;
use crate::{JobError, JobResult, NO_SMTP_SERVER};

/// What a reply's email says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyEmail<'a> {
    /// The brand the respondent answered (the survey's, else the workspace's, else the
    /// sender's name).
    pub brand: &'a str,
    /// The reply.
    pub message: &'a str,
    /// The respondent's score.
    pub score: u8,
    /// The respondent's comment.
    pub comment: Option<&'a str>,
    /// Where the respondent's answer goes.
    pub reply_to: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "reply.html")]
struct HtmlTemplate<'a> {
    subject: &'a str,
    paragraphs: Vec<Vec<&'a str>>,
    brand: &'a str,
    score: u8,
    comment: Option<Vec<&'a str>>,
}

#[derive(Template)]
#[template(path = "reply.txt")]
struct TextTemplate<'a> {
    message: &'a str,
    brand: &'a str,
    score: u8,
    comment: Option<Vec<&'a str>>,
}

/// The subject of a reply's email.
pub fn subject(brand: &str) -> String {
    format!("Re: your feedback to {brand}")
}

/// The email of a reply, from `from` to `to`.
pub fn message(email: &ReplyEmail<'_>, from: &Mailbox, to: &str) -> JobResult<Message> {
    let to: Mailbox = to.parse().map_err(|error| {
        JobError::Permanent(format!("invalid recipient address {to:?}: {error}"))
    })?;
    let from = match from.name {
        Some(_) => from.clone(),
        None => Mailbox::new(Some(email.brand.to_owned()), from.email.clone()),
    };
    let subject = subject(email.brand);
    let (text, html) = bodies(email, &subject)?;
    let mut builder = Message::builder().from(from).to(to).subject(subject);
    if let Some(reply_to) = email.reply_to {
        let reply_to: Mailbox = reply_to.parse().map_err(|error| {
            JobError::Permanent(format!("invalid Reply-To address {reply_to:?}: {error}"))
        })?;
        builder = builder.reply_to(reply_to);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|error| JobError::Permanent(format!("cannot build the email: {error}")))
}

/// The text and HTML bodies of a reply's email.
fn bodies(email: &ReplyEmail<'_>, subject: &str) -> JobResult<(String, String)> {
    let comment = email.comment.filter(|c| !c.trim().is_empty());
    let paragraphs = email
        .message
        .split("\n\n")
        .filter(|paragraph| !paragraph.trim().is_empty())
        .map(|paragraph| paragraph.lines().collect())
        .collect();
    let rendering =
        |error: askama::Error| JobError::Permanent(format!("cannot render the email: {error}"));
    let html = HtmlTemplate {
        subject,
        paragraphs,
        brand: email.brand,
        score: email.score,
        comment: comment.map(|c| c.lines().collect()),
    }
    .render()
    .map_err(rendering)?;
    let text = TextTemplate {
        message: email.message,
        brand: email.brand,
        score: email.score,
        comment: comment.map(|c| c.lines().collect()),
    }
    .render()
    .map_err(rendering)?;
    Ok((text, html))
}

/// Runs a `send_reply` job of the workspace.
pub async fn run(context: &JobContext, workspace: WorkspaceId, job: ReplyJob) -> JobResult<()> {
    let id = ReplyId(job.reply);
    let store = &context.store;
    let Some(reply) = store.reply(id).await? else {
        return Ok(()); // erased with its contact
    };
    if reply.workspace != workspace {
        return Err(JobError::Permanent(format!(
            "reply {} belongs to another workspace",
            id.0
        )));
    }
    if reply.status == ReplyStatus::Sent {
        return Ok(());
    }
    let response = match answer_for_reply(store.as_ref(), workspace, reply.response).await? {
        None => return Ok(()), // erased, or replaced by an answer the reply moved to
        Some(ForReply::Anonymous) => {
            let why = Unreachable::Anonymous.to_string();
            return failed(context, id, JobError::Permanent(why)).await;
        }
        Some(ForReply::Open(response)) => response,
    };
    let survey = store.survey(workspace, response.survey).await?;
    let contact = store.contact_by_id(workspace, response.contact).await?;
    let address = contact.and_then(|contact| contact.email);
    let suppression = match &address {
        Some(address) => store.suppression(workspace, address).await?,
        None => None,
    };
    let target = ReplyTarget {
        anonymous: survey.as_ref().is_none_or(|s| s.kind.is_anonymous()),
        email: address.as_deref(),
        unsubscribed: suppression == Some(SuppressionReason::Unsubscribed),
        bounced: suppression == Some(SuppressionReason::Bounced),
    };
    let (Ok(()), Some(address), Some(survey)) = (reachable(&target), &address, survey) else {
        let why = reachable(&target).err().map_or_else(
            || "the respondent cannot be written to".to_owned(),
            |why| why.to_string(),
        );
        return failed(context, id, JobError::Permanent(why)).await;
    };
    let Some(mailer) = &context.mailer else {
        return failed(context, id, JobError::Retry(NO_SMTP_SERVER.to_owned())).await;
    };
    let look = survey
        .settings
        .brand_over(&context.workspace_brand(workspace).await?);
    let brand = look.name.unwrap_or_else(|| sender_brand(mailer.from()));
    let email = ReplyEmail {
        brand: &brand,
        message: &reply.message,
        score: response.score.value(),
        comment: response.comment.as_deref(),
        reply_to: reply.reply_to.as_deref(),
    };
    let message = match message(&email, mailer.from(), address) {
        Ok(message) => message,
        Err(error) => return failed(context, id, error).await,
    };
    match mailer.send(message).await {
        Ok(()) => {
            let at = Timestamp::now();
            Ok(store
                .record_reply_status(id, &ReplyStatus::Sent, at)
                .await?)
        }
        Err(SendError::Bounce(reason)) => failed(context, id, JobError::Permanent(reason)).await,
        Err(SendError::Retry(reason)) => failed(context, id, JobError::Retry(reason)).await,
    }
}

/// Records on the reply that this attempt failed, and fails the job with `error`.
async fn failed(context: &JobContext, id: ReplyId, error: JobError) -> JobResult<()> {
    let status = ReplyStatus::Failed(error.to_string());
    context
        .store
        .record_reply_status(id, &status, Timestamp::now())
        .await?;
    Err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email<'a>(reply_to: Option<&'a str>) -> ReplyEmail<'a> {
        ReplyEmail {
            brand: "Acme",
            message: "Thanks, <Ana>!\n\nWe fixed it & more.",
            score: 4,
            comment: Some("Slow <b>exports</b>\nand more"),
            reply_to,
        }
    }

    #[test]
    fn the_email_quotes_the_answer_and_escapes_html() {
        let from: Mailbox = "nps@example.com".parse().unwrap();
        let built = message(&email(Some("mia@acme.example")), &from, "ana@example.com").unwrap();
        let text = String::from_utf8(built.formatted()).unwrap();
        assert!(
            text.contains("Subject: Re: your feedback to Acme"),
            "{text}"
        );
        assert!(text.contains("To: ana@example.com"), "{text}");
        assert!(text.contains("Reply-To: mia@acme.example"), "{text}");
        assert!(text.contains("From: Acme <nps@example.com>"), "{text}");
        let (plain, html) = bodies(&email(None), "Re").unwrap();
        assert!(
            plain.starts_with("Thanks, <Ana>!\n\nWe fixed it & more."),
            "{plain}"
        );
        assert!(plain.contains("> Score: 4 / 10\n> Slow <b>exports</b>\n> and more"));
        assert!(html.contains("Thanks, &#60;Ana&#62;!"), "escaped: {html}");
        assert!(html.contains("We fixed it &#38; more."), "{html}");
        assert!(
            html.contains("Slow &#60;b&#62;exports&#60;/b&#62;<br>and more"),
            "{html}"
        );
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn without_a_reply_to_there_is_none() {
        let from: Mailbox = "Vouch <nps@example.com>".parse().unwrap();
        let built = message(&email(None), &from, "ana@example.com").unwrap();
        let text = String::from_utf8(built.formatted()).unwrap();
        assert!(!text.contains("Reply-To:"), "{text}");
        assert!(text.contains("From: Vouch <nps@example.com>"), "{text}");
        assert!(message(&email(None), &from, "not an address").is_err());
        assert!(message(&email(Some("nope")), &from, "ana@example.com").is_err());
    }
}
