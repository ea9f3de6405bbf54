//! `vouch digest send --to ADDR` and `vouch digest preview`: the workspace's weekly digest of
//! the last complete ISO week (in its time zone), sent now to one address or printed as text.
//! The content and its wording are `vouch_jobs::digest`'s, the same the scheduled e-mail uses.

use jiff::Timestamp;
use vouch_core::email::Email;
use vouch_jobs::digest::{DigestView, compose, current_week};
use vouch_jobs::{Mailer, NO_SMTP_SERVER};
use vouch_store::{Store, Workspace};

use crate::cli::{DigestCommand, OutboundArgs};
use crate::settings::{self, FileSettings};
use crate::{bad_input, outln};

/// Runs `vouch digest …`.
pub async fn digest(
    store: &dyn Store,
    workspace: &Workspace,
    command: &DigestCommand,
    file: &FileSettings,
) -> anyhow::Result<()> {
    match command {
        DigestCommand::Send { to, outbound } => send(store, workspace, to, outbound, file).await,
        DigestCommand::Preview { public_url } => {
            let outbound = OutboundArgs {
                public_url: public_url.clone(),
                ..OutboundArgs::default()
            };
            let public_url = settings::public_url(&outbound, file)?;
            let view = view(store, workspace, &public_url).await?;
            outln!("Subject: {}\n", view.subject);
            outln!("{}", view.text().trim_end());
            Ok(())
        }
    }
}

async fn view(
    store: &dyn Store,
    workspace: &Workspace,
    public_url: &str,
) -> anyhow::Result<DigestView> {
    let week = current_week(workspace, Timestamp::now());
    let digest = compose(store, workspace, week).await?;
    Ok(DigestView::new(&digest, workspace, public_url))
}

async fn send(
    store: &dyn Store,
    workspace: &Workspace,
    to: &str,
    outbound: &OutboundArgs,
    file: &FileSettings,
) -> anyhow::Result<()> {
    let to = match Email::parse(to) {
        Ok(address) => address,
        Err(error) => bad_input!("--to {to:?}: {error}"),
    };
    let config = settings::jobs_config(outbound, file)?;
    let Some(url) = &config.smtp_url else {
        bad_input!(
            "{NO_SMTP_SERVER}: give --smtp-url, VOUCH_SMTP_URL or [email] smtp_url in the settings file"
        );
    };
    let mailer = match Mailer::from_url(url, &config.smtp_from, 1) {
        Ok(mailer) => mailer,
        Err(error) => bad_input!("{error}"),
    };
    let view = view(store, workspace, &config.public_url)
        .await?
        .sent_once();
    view.send(&mailer, to.as_str()).await?;
    outln!("sent the digest of {} to {}", view.period, to.as_str());
    Ok(())
}
