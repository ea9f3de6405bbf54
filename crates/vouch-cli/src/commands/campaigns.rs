//! `vouch campaigns list`: every campaign with its rules, schedule and numbers.

use std::collections::HashMap;

use serde_json::json;
use vouch_jobs::campaign_rules::describe_rules;
use vouch_store::{Campaign, CampaignNumbers, Store, Workspace};

use crate::{out, outln, table};

/// Runs `vouch campaigns list`.
pub async fn list(store: &dyn Store, workspace: &Workspace, json: bool) -> anyhow::Result<()> {
    let campaigns = store.campaigns(workspace.id).await?;
    let surveys: HashMap<_, _> = store
        .surveys(workspace.id)
        .await?
        .into_iter()
        .map(|listing| (listing.survey.id, listing.survey.name))
        .collect();
    let survey_name = |campaign: &Campaign| {
        surveys
            .get(&campaign.survey)
            .cloned()
            .unwrap_or_else(|| format!("#{}", campaign.survey.0))
    };
    if json {
        let items: Vec<serde_json::Value> = campaigns
            .iter()
            .map(|(campaign, numbers)| to_json(campaign, &survey_name(campaign), numbers))
            .collect();
        outln!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    if campaigns.is_empty() {
        outln!("no campaigns yet: `vouch send --survey NAME` emails a survey");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = campaigns
        .iter()
        .map(|(campaign, numbers)| {
            vec![
                campaign.id.0.to_string(),
                campaign.name.clone(),
                survey_name(campaign),
                describe_rules(&campaign.rules),
                campaign
                    .next_run_at
                    .map_or("-".into(), |at| at.strftime("%Y-%m-%d %H:%M").to_string()),
                numbers.invited.to_string(),
                numbers.sent.to_string(),
                numbers.bounced.to_string(),
                numbers.pending.to_string(),
                numbers.failing.to_string(),
                numbers.suppressed.to_string(),
                numbers.opened.to_string(),
                numbers.answered.to_string(),
                numbers
                    .response_rate()
                    .map_or("-".into(), |rate| format!("{:.1} %", rate * 100.0)),
            ]
        })
        .collect();
    let header = [
        "id",
        "name",
        "survey",
        "rules",
        "next run",
        "invited",
        "sent",
        "bounced",
        "pending",
        "failing",
        "suppressed",
        "opened",
        "answered",
        "response rate",
    ];
    let numeric = [
        true, false, false, false, false, true, true, true, true, true, true, true, true, true,
    ];
    out!("{}", table::render(&header, &rows, &numeric));
    Ok(())
}

fn to_json(campaign: &Campaign, survey: &str, numbers: &CampaignNumbers) -> serde_json::Value {
    let rules = &campaign.rules;
    json!({
        "id": campaign.id.0,
        "name": campaign.name,
        "survey": survey,
        "survey_id": campaign.survey.0,
        "rules": {
            "filters": rules.filters,
            "sample": rules.sample,
            "throttle_days": rules.throttle_days,
            "reminder_after_days": rules.reminder_after_days,
            "repeat_every_days": rules.repeat_every_days,
            "spread_over_weekdays": rules.spread_over_weekdays,
        },
        "created_at": campaign.created_at.to_string(),
        "last_run_at": campaign.last_run_at.map(|at| at.to_string()),
        "next_run_at": campaign.next_run_at.map(|at| at.to_string()),
        "invited": numbers.invited,
        "sent": numbers.sent,
        "delivered": numbers.delivered(),
        "bounced": numbers.bounced,
        "pending": numbers.pending,
        "failing": numbers.failing,
        "suppressed": numbers.suppressed,
        "opened": numbers.opened,
        "answered": numbers.answered,
        "reminded": numbers.reminded,
        "response_rate": numbers.response_rate(),
    })
}
