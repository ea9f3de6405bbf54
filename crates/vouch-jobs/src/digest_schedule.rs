//! Sending the weekly digest on time: `vouch serve` looks every [`CHECK_EVERY`] whether a
//! workspace's digest is due ([`vouch_core::digest::due_week`]: Monday 08:00 in its time zone,
//! or late after a server was down), and sends it to each member who turned it on.
//!
//! **Once per workspace and week**, however many servers share the database: a server claims
//! the week (`claim_digest_week`, a unique row) before it sends, and only the server whose
//! claim wins sends. A server that dies between its claim and its last e-mail leaves that
//! week's digest unsent to the rest: a digest is sent at most once, never twice. Nothing is
//! claimed while the workspace has no member opted in or no SMTP server is configured, so a
//! member who turns the digest on later that day still gets the week's.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::watch;
use vouch_core::digest::due_week;
use vouch_store::{Store, User, Workspace};

use crate::digest::{DigestView, compose, time_zone};
use crate::{JobError, JobResult, JobsConfig, Mailer};

/// How often the server looks for a digest that is due.
pub const CHECK_EVERY: Duration = Duration::from_secs(60);

/// The members of a workspace who turned the weekly digest on.
pub async fn recipients(store: &dyn Store, workspace: &Workspace) -> JobResult<Vec<User>> {
    let mut opted_in = Vec::new();
    for (user, _) in store.members(workspace.id).await? {
        if store
            .member_preferences(workspace.id, user.id)
            .await?
            .weekly_digest
        {
            opted_in.push(user);
        }
    }
    Ok(opted_in)
}

/// Sends every digest due at `now` that no server has claimed yet; returns the e-mails sent.
/// A refused recipient does not stop the others.
pub async fn send_due(
    store: &dyn Store,
    config: &JobsConfig,
    mailer: &Mailer,
    now: Timestamp,
) -> JobResult<u64> {
    let mut sent = 0;
    for workspace in store.workspaces().await? {
        let Some(week) = due_week(now, &time_zone(&workspace)) else {
            continue;
        };
        let to = recipients(store, &workspace).await?;
        if to.is_empty()
            || !store
                .claim_digest_week(workspace.id, &week.label(), now)
                .await?
        {
            continue;
        }
        let digest = compose(store, &workspace, week).await?;
        let view = DigestView::new(&digest, &workspace, &config.public_url);
        for user in to {
            match view.send(mailer, &user.email).await {
                Ok(()) => sent += 1,
                Err(error) => tracing::warn!(
                    workspace = %workspace.slug,
                    week = %week.label(),
                    %error,
                    "a weekly digest was not delivered"
                ),
            }
        }
        tracing::info!(workspace = %workspace.slug, week = %week.label(), "weekly digest sent");
    }
    Ok(sent)
}

/// Looks for due digests every [`CHECK_EVERY`] until `stopped` turns true. Without an SMTP
/// server nothing is claimed or sent.
pub async fn schedule_until_stopped(
    store: Arc<dyn Store>,
    config: JobsConfig,
    mut stopped: watch::Receiver<bool>,
) {
    let mailer = match &config.smtp_url {
        Some(url) => Mailer::from_url(url, &config.smtp_from, 2),
        None => Err(JobError::Config(crate::NO_SMTP_SERVER.to_owned())),
    };
    let mailer = match mailer {
        Ok(mailer) => mailer,
        Err(error) => {
            tracing::info!(%error, "weekly digests are not sent");
            return;
        }
    };
    loop {
        if let Err(error) = send_due(&*store, &config, &mailer, Timestamp::now()).await {
            tracing::warn!(%error, "looking for weekly digests to send failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(CHECK_EVERY) => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
    }
}
