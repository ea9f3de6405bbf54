//! `vouch send`: create an email campaign and run it here, with a progress bar, until nothing
//! is due; `--dry-run` only counts.
//!
//! The campaign's first run is a job like any other; this command runs the due jobs itself
//! (the run, then its emails), so `vouch send` works without a server. Emails that fail are
//! retried later by `vouch serve`'s worker, as are the later cycles of `--every`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use vouch_jobs::campaign_rules::{CampaignInput, campaign_name, campaign_rules, preview_sentence};
use vouch_jobs::{NO_SMTP_SERVER, Worker};
use vouch_store::{
    Campaign, CampaignNumbers, CampaignRules, NewCampaign, Store, Survey, Workspace,
};

use super::survey_name::{Found, find_survey as find_survey_named};
use crate::cli::SendArgs;
use crate::settings::{self, FileSettings};
use crate::{bad_input, outln};

/// Runs `vouch send`.
pub async fn send(
    shared_store: Arc<dyn Store>,
    workspace: &Workspace,
    args: &SendArgs,
    file: &FileSettings,
) -> anyhow::Result<()> {
    let store = shared_store.as_ref();
    let survey = find_survey(store, workspace, &args.survey).await?;
    let rules = rules(store, workspace, &survey, args).await?;
    let now = Timestamp::now();
    if args.dry_run {
        let preview = vouch_jobs::campaign::preview(store, workspace.id, &rules, now).await?;
        outln!("{}", preview_sentence(&preview, &rules));
        return Ok(());
    }
    let config = settings::jobs_config(&args.outbound, file)?;
    if config.smtp_url.is_none() {
        bad_input!(
            "{NO_SMTP_SERVER}: give --smtp-url, VOUCH_SMTP_URL or [email] smtp_url in the settings file"
        );
    }
    let worker = match Worker::new(Arc::clone(&shared_store), config) {
        Ok(worker) => worker,
        Err(error) => bad_input!("{error}"),
    };
    let name = campaign_name(args.name.as_deref(), &survey, now);
    let campaign = store
        .create_campaign(
            workspace.id,
            NewCampaign {
                survey: survey.id,
                name,
                rules,
                first_run_at: now,
            },
        )
        .await?;
    let started = Instant::now();
    let progress = progress_bar();
    let watching = watch_progress(Arc::clone(&shared_store), workspace, &campaign, &progress);
    let ran = worker.run_due_jobs().await;
    watching.abort();
    progress.finish_and_clear();
    ran?;
    let numbers = store.campaign_numbers(workspace.id, campaign.id).await?;
    let campaign = store
        .campaign(workspace.id, campaign.id)
        .await?
        .unwrap_or(campaign);
    print_outcome(&campaign, &numbers, started.elapsed())
}

async fn find_survey(
    store: &dyn Store,
    workspace: &Workspace,
    name: &str,
) -> anyhow::Result<Survey> {
    let survey = match find_survey_named(store, workspace, name).await? {
        Found::Survey(survey) => *survey,
        Found::Missing {
            near: Some(near), ..
        } => bad_input!("--survey: no survey {name:?}; did you mean {near:?}?"),
        Found::Missing { names, .. } if names.is_empty() => {
            bad_input!("--survey: no survey {name:?}, and the workspace has none yet")
        }
        Found::Missing { names, .. } => {
            let quoted: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
            bad_input!(
                "--survey: no survey {name:?}; the workspace has {}",
                quoted.join(", ")
            )
        }
    };
    Ok(survey)
}

/// Checks the flags into campaign rules, as the dashboard's send form does.
async fn rules(
    store: &dyn Store,
    workspace: &Workspace,
    survey: &Survey,
    args: &SendArgs,
) -> anyhow::Result<CampaignRules> {
    let definitions = store.attribute_definitions(workspace.id).await?;
    let input = CampaignInput {
        filters: args.filters.clone(),
        sample: args.sample,
        throttle_days: args.throttle_days,
        reminder_days: args.reminder_days,
        every_days: args.every,
        spread: args.spread,
    };
    match campaign_rules(&input, survey, &definitions) {
        Ok(rules) => Ok(rules),
        Err(error) => bad_input!("{}: {error}", error.field.flag()),
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} emailing [{bar:40}] {pos}/{len} ({per_sec}, {eta} left) {msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Updates the bar from the campaign's numbers until aborted.
fn watch_progress(
    store: Arc<dyn Store>,
    workspace: &Workspace,
    campaign: &Campaign,
    bar: &ProgressBar,
) -> tokio::task::JoinHandle<()> {
    let (workspace, campaign, bar) = (workspace.id, campaign.id, bar.clone());
    tokio::spawn(async move {
        loop {
            if let Ok(numbers) = store.campaign_numbers(workspace, campaign).await {
                bar.set_length(numbers.invited);
                bar.set_position(numbers.invited - numbers.pending + numbers.failing);
                bar.set_message(format!(
                    "sent {}, bounced {}, failed {}",
                    numbers.sent, numbers.bounced, numbers.failing
                ));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
}

fn print_outcome(
    campaign: &Campaign,
    numbers: &CampaignNumbers,
    took: Duration,
) -> anyhow::Result<()> {
    let seconds = took.as_secs_f64();
    outln!(
        "campaign {:?} (id {}): {} invited, {} sent, {} bounced, {} failing, {} suppressed \
         in {seconds:.1} s ({:.0} emails/s)",
        campaign.name,
        campaign.id.0,
        numbers.invited,
        numbers.sent,
        numbers.bounced,
        numbers.failing,
        numbers.suppressed,
        (numbers.sent + numbers.bounced) as f64 / seconds.max(1e-9),
    );
    if numbers.pending > 0 {
        outln!(
            "{} email(s) not sent yet{}: `vouch serve` retries them (see `vouch jobs list`)",
            numbers.pending,
            if numbers.failing > 0 {
                " after a failure"
            } else {
                ""
            },
        );
    }
    if let Some(next) = campaign.next_run_at {
        outln!(
            "next run at {}: later runs are sent by `vouch serve`",
            next.strftime("%Y-%m-%d %H:%M UTC")
        );
    }
    Ok(())
}
