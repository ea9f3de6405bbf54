//! `GET /app/campaigns`: every campaign of the workspace, newest first, with its rules (as
//! `vouch campaigns list` describes them), its status, its next run and its numbers.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;
use vouch_charts::{NO_VALUE, format_count, format_percent};
use vouch_jobs::campaign_rules::describe_rules;
use vouch_store::{Campaign, CampaignNumbers};
use vouch_web::state::AppState;

use super::visible_surveys;
use crate::layout::{DashboardError, Frame, Nav, render};
use crate::session::Viewer;

/// One row of the campaigns table.
#[derive(Debug, Clone)]
struct CampaignRow {
    name: String,
    survey: String,
    rules: String,
    status: &'static str,
    next_run: String,
    /// invited, sent, bounced, pending, failing, suppressed, opened, answered.
    numbers: [String; 8],
    response_rate: String,
}

/// `templates/dashboard/campaigns/list.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/campaigns/list.html")]
struct ListPage {
    frame: Frame,
    tab: &'static str,
    rows: Vec<CampaignRow>,
    /// The name of the campaign just created.
    created: Option<String>,
}

/// The query after creating a campaign (`?created=ID`).
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    created: Option<String>,
}

/// Where a campaign stands: `scheduled` (not run yet), `sending` (emails pending), `repeating`
/// (a next cycle is queued) or `finished`.
pub(crate) fn status(campaign: &Campaign, numbers: &CampaignNumbers) -> &'static str {
    if campaign.last_run_at.is_none() {
        "scheduled"
    } else if numbers.pending > 0 {
        "sending"
    } else if campaign.next_run_at.is_some() {
        "repeating"
    } else {
        "finished"
    }
}

/// An instant as the pages print it, in UTC.
fn when(at: Option<Timestamp>) -> String {
    at.map_or_else(
        || NO_VALUE.to_owned(),
        |at| at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

fn row(campaign: &Campaign, numbers: &CampaignNumbers, survey: &str) -> CampaignRow {
    CampaignRow {
        name: campaign.name.clone(),
        survey: survey.to_owned(),
        rules: describe_rules(&campaign.rules),
        status: status(campaign, numbers),
        next_run: when(campaign.next_run_at),
        numbers: [
            numbers.invited,
            numbers.sent,
            numbers.bounced,
            numbers.pending,
            numbers.failing,
            numbers.suppressed,
            numbers.opened,
            numbers.answered,
        ]
        .map(format_count),
        // Answered per delivered email, as `CampaignNumbers::response_rate`.
        response_rate: format_percent(numbers.answered, numbers.delivered()),
    }
}

/// `GET /app/campaigns`: anyone may read the numbers; campaigns of surveys the viewer may not
/// see (eNPS without HR) are left out.
pub(crate) async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, DashboardError> {
    let surveys = visible_surveys(&state, &viewer).await?;
    let campaigns = state.store().campaigns(viewer.workspace()).await?;
    let created_id = query.created.as_deref().and_then(crate::pages::path_id);
    let mut created = None;
    let mut rows = Vec::new();
    for (campaign, numbers) in &campaigns {
        let Some(survey) = surveys.get(&campaign.survey) else {
            continue;
        };
        if Some(campaign.id.0) == created_id {
            created = Some(campaign.name.clone());
        }
        rows.push(row(campaign, numbers, &survey.name));
    }
    Ok(render(&ListPage {
        frame: Frame::new(&viewer, "Campaigns", Nav::Campaigns),
        tab: "campaigns",
        rows,
        created,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_store::{CampaignId, CampaignRules, SurveyId, WorkspaceId};

    fn campaign(last: Option<Timestamp>, next: Option<Timestamp>) -> Campaign {
        Campaign {
            id: CampaignId(1),
            workspace: WorkspaceId(1),
            survey: SurveyId(1),
            name: "Q1".into(),
            rules: CampaignRules {
                filters: Vec::new(),
                sample: 1.0,
                throttle_days: 90,
                reminder_after_days: None,
                repeat_every_days: None,
                spread_over_weekdays: false,
            },
            created_at: Timestamp::UNIX_EPOCH,
            next_run_at: next,
            last_run_at: last,
        }
    }

    #[test]
    fn a_campaign_s_status_follows_its_runs_and_emails() {
        let at = Some(Timestamp::UNIX_EPOCH);
        let idle = CampaignNumbers::default();
        let pending = CampaignNumbers {
            pending: 2,
            ..CampaignNumbers::default()
        };
        assert_eq!(status(&campaign(None, at), &idle), "scheduled");
        assert_eq!(status(&campaign(at, None), &pending), "sending");
        assert_eq!(status(&campaign(at, at), &idle), "repeating");
        assert_eq!(status(&campaign(at, None), &idle), "finished");
    }
}
