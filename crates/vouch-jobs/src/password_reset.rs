//! Job `send_password_reset` `{"user": ID, "token": "…"}`: email a user the link that lets
//! them choose a new password, `{public_url}/reset/{token}`.
//!
//! The dashboard (`POST /reset` in `vouch-http`) stores only the SHA-256 of the token, with a
//! one-hour expiry and single use, and queues this job with the token itself, so that the HTTP
//! layer never speaks SMTP. Nothing is sent when the user is gone. A refused recipient fails
//! the job for good; anything else is retried.

use lettre::Message;
use lettre::message::{Mailbox, header::ContentType};
use vouch_store::{PasswordResetJob, UserId};

use crate::mailer::SendError;
use crate::worker::JobContext;
use crate::{JobError, JobResult, NO_SMTP_SERVER};

/// Runs a `send_password_reset` job (whatever its workspace: accounts are the server's).
pub async fn run(context: &JobContext, reset: PasswordResetJob) -> JobResult<()> {
    let PasswordResetJob { user, token } = reset;
    if token.is_empty() || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(JobError::Permanent("invalid reset token".to_owned()));
    }
    let Some(user) = context.store.user(UserId(user)).await? else {
        return Ok(()); // the account is gone
    };
    let Some(mailer) = &context.mailer else {
        return Err(JobError::Retry(NO_SMTP_SERVER.to_owned()));
    };
    let link = format!(
        "{}/reset/{token}",
        context.config.public_url.trim_end_matches('/')
    );
    let message = message(mailer.from(), &user.email, &user.name, &link)?;
    match mailer.send(message).await {
        Ok(()) => Ok(()),
        Err(SendError::Bounce(reason)) => Err(JobError::Permanent(reason)),
        Err(SendError::Retry(reason)) => Err(JobError::Retry(reason)),
    }
}

/// The email: plain text, the link on a line of its own.
pub fn message(from: &Mailbox, to: &str, name: &str, link: &str) -> JobResult<Message> {
    let to: Mailbox = to.parse().map_err(|error| {
        JobError::Permanent(format!("invalid recipient address {to:?}: {error}"))
    })?;
    let from = match from.name {
        Some(_) => from.clone(),
        None => Mailbox::new(Some("Vouch".to_owned()), from.email.clone()),
    };
    let body = format!(
        "Hello {name},\n\n\
         Someone (we hope you) asked to reset the password of your Vouch account.\n\
         Choose a new password here; the link works once, for one hour:\n\n\
         {link}\n\n\
         If you did not ask for this, ignore this email: your password stays as it is.\n"
    );
    Message::builder()
        .from(from)
        .to(to)
        .subject("Reset your Vouch password")
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|error| JobError::Permanent(format!("cannot build the email: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_email_carries_the_link() {
        let from: Mailbox = "vouch@example.com".parse().unwrap();
        let email = message(
            &from,
            "mia@example.com",
            "Mia",
            "https://nps.example.com/reset/abc123",
        )
        .unwrap();
        let text = String::from_utf8(email.formatted()).unwrap();
        assert!(text.contains("Subject: Reset your Vouch password"));
        assert!(text.contains("https://nps.example.com/reset/abc123"));
        assert!(text.contains("To: mia@example.com"));
        assert!(message(&from, "not an address", "M", "l").is_err());
    }
}
