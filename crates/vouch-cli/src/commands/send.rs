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
use vouch_core::AttributeValue;
use vouch_jobs::{NO_SMTP_SERVER, Worker};
use vouch_store::{
    Campaign, CampaignNumbers, CampaignRules, NewCampaign, Store, Survey, Workspace,
};

use super::report::known_attribute;
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
        outln!(
            "{} contact(s) eligible (filters, email, not unsubscribed or bounced, not asked \
             within {} days); {} would be asked{}; nothing was written",
            preview.eligible,
            rules.throttle_days,
            preview.asked,
            if rules.sample < 1.0 || rules.spread_over_weekdays {
                " (about: the sample is drawn per campaign)"
            } else {
                ""
            },
        );
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
    let name = args
        .name
        .clone()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| format!("{} {}", survey.name, now.strftime("%Y-%m-%d %H:%M")));
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
    if survey.archived {
        bad_input!("--survey: survey {name:?} is archived and takes no answers");
    }
    Ok(survey)
}

/// Checks the flags into campaign rules.
async fn rules(
    store: &dyn Store,
    workspace: &Workspace,
    survey: &Survey,
    args: &SendArgs,
) -> anyhow::Result<CampaignRules> {
    if !(args.sample > 0.0 && args.sample <= 1.0) {
        bad_input!("--sample: {} is not in (0, 1]", args.sample);
    }
    if args.every == Some(0) {
        bad_input!("--every: at least 1 day");
    }
    if args.reminder_days == Some(0) {
        bad_input!("--reminder-days: at least 1 day");
    }
    let definitions = store.attribute_definitions(workspace.id).await?;
    let mut filters = Vec::new();
    for filter in &args.filters {
        let Some((name, value)) = filter.split_once('=') else {
            bad_input!("--filter: {filter:?} is not ATTR=VALUE");
        };
        let (name, value) = (name.trim(), value.trim());
        let kind = known_attribute("--filter", name, &definitions)?;
        match AttributeValue::parse_as(value, kind) {
            Ok(value) => filters.push((name.to_owned(), value.canonical())),
            Err(error) => bad_input!(
                "--filter: {name} is a {} attribute, and {error}",
                kind.as_str()
            ),
        }
    }
    Ok(CampaignRules {
        filters,
        sample: args.sample,
        throttle_days: args.throttle_days.unwrap_or(survey.settings.throttle_days),
        reminder_after_days: args.reminder_days,
        repeat_every_days: args.every,
        spread_over_weekdays: args.spread,
    })
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
