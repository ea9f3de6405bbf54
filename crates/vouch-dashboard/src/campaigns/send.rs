//! `GET, POST /app/campaigns/new` (members+): the send form. Its fields are `vouch send`'s
//! flags — survey, filters (`ATTR=VALUE`, one a line), sample, throttle days, reminder days,
//! repeat every N days, spread over weekdays, a name — plus when to start (now, or a time in
//! the workspace's time zone). Both buttons post the whole form: `intent=preview` counts the
//! recipients as `vouch send --dry-run` does and writes nothing; `intent=send` creates the
//! campaign, whose first `run_campaign` job the store queues in the same transaction, and
//! goes to the campaign list. A refused form comes back with what was typed and the error
//! under its field (422). The page also shows the invitation email as it will be sent.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::Deserialize;
use vouch_jobs::campaign_rules::{
    CampaignInput, RulesField, campaign_name, campaign_rules, preview_sentence,
};
use vouch_jobs::email::render_preview;
use vouch_store::{CampaignRules, NewCampaign, Survey, SurveyId, Workspace};
use vouch_web::state::AppState;

use super::{FieldError, SurveyChoice, chosen_survey, require_writer, sentence, survey_choices};
use crate::layout::{DashboardError, Frame, Nav, render, render_status};
use crate::session::{Viewer, Writer};

/// The fields of the form, as typed (every field text, so that a refused form shows it again).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct SendForm {
    #[serde(default)]
    survey: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    filters: String,
    #[serde(default)]
    sample: String,
    #[serde(default)]
    throttle_days: String,
    #[serde(default)]
    reminder_days: String,
    #[serde(default)]
    when: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    every_days: String,
    spread: Option<String>,
    #[serde(default)]
    intent: String,
}

impl SendForm {
    /// True when the campaign starts at a chosen time rather than now.
    fn later(&self) -> bool {
        self.when == "later"
    }

    /// True when the spread box was ticked.
    fn spread(&self) -> bool {
        matches!(self.spread.as_deref(), Some("on" | "1" | "true" | "yes"))
    }
}

/// The query of the empty form (`?survey=ID` preselects a survey).
#[derive(Debug, Deserialize)]
pub(crate) struct NewQuery {
    survey: Option<String>,
}

/// The invitation email as the page shows it: its subject, and its body in a frame.
#[derive(Debug, Clone)]
struct EmailShown {
    subject: String,
    src: String,
}

/// What a dry run found.
#[derive(Debug, Clone)]
struct Count {
    eligible: String,
    asked: String,
    sentence: String,
}

/// `templates/dashboard/campaigns/send.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/campaigns/send.html")]
struct SendPage {
    frame: Frame,
    tab: &'static str,
    form: SendForm,
    surveys: Vec<SurveyChoice>,
    /// The workspace's attributes, for the filters' hint.
    attributes: String,
    time_zone: String,
    error: Option<FieldError>,
    count: Option<Count>,
    email: Option<EmailShown>,
}

impl SendPage {
    /// True when the refusal is about `field`.
    fn invalid(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|(name, _)| *name == field)
    }
}

/// What the page needs besides the form.
struct Context {
    workspace: Workspace,
    surveys: HashMap<SurveyId, Survey>,
    attributes: Vec<vouch_store::AttributeDefinition>,
}

async fn context(state: &AppState, viewer: &Viewer) -> Result<Context, DashboardError> {
    let store = state.store();
    let workspace = store
        .workspace_by_id(viewer.workspace())
        .await?
        .ok_or(DashboardError::NotFound)?;
    Ok(Context {
        workspace,
        surveys: super::visible_surveys(state, viewer).await?,
        attributes: store.attribute_definitions(viewer.workspace()).await?,
    })
}

/// The page for `form`, with the email of its survey (else the first one's).
fn send_page(
    state: &AppState,
    viewer: &Viewer,
    context: &Context,
    form: SendForm,
    error: Option<FieldError>,
    count: Option<Count>,
) -> SendPage {
    let surveys = survey_choices(&context.surveys, crate::pages::path_id(form.survey.trim()));
    let email = surveys
        .iter()
        .find(|choice| choice.selected)
        .and_then(|choice| context.surveys.get(&SurveyId(choice.id)))
        .and_then(|survey| email_shown(state, &context.workspace, survey));
    let attributes: Vec<&str> = context.attributes.iter().map(|d| d.name.as_str()).collect();
    SendPage {
        frame: Frame::new(viewer, "Send a survey", Nav::Campaigns),
        tab: "send",
        form,
        surveys,
        attributes: attributes.join(", "),
        time_zone: context.workspace.time_zone.clone(),
        error,
        count,
        email,
    }
}

/// The subject of the survey's invitation email and the frame showing its body.
fn email_shown(state: &AppState, workspace: &Workspace, survey: &Survey) -> Option<EmailShown> {
    let config = state.config();
    match render_preview(
        survey,
        &workspace.brand,
        config.smtp_from.as_deref(),
        &config.public_url,
    ) {
        Ok(email) => Some(EmailShown {
            subject: email.subject,
            src: format!("/app/campaigns/email?survey={}", survey.id.0),
        }),
        Err(error) => {
            tracing::error!(%error, "rendering an email preview failed");
            None
        }
    }
}

/// `GET /app/campaigns/new`.
pub(crate) async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NewQuery>,
) -> Result<Response, DashboardError> {
    require_writer(&viewer)?;
    let context = context(&state, &viewer).await?;
    let form = SendForm {
        survey: query.survey.unwrap_or_default(),
        sample: "1".to_owned(),
        when: "now".to_owned(),
        ..SendForm::default()
    };
    Ok(render(&send_page(
        &state, &viewer, &context, form, None, None,
    )))
}

/// `POST /app/campaigns/new`: counts (`intent=preview`) or creates the campaign.
pub(crate) async fn submit(
    State(state): State<AppState>,
    Writer(viewer): Writer,
    Form(form): Form<SendForm>,
) -> Result<Response, DashboardError> {
    let context = context(&state, &viewer).await?;
    let now = Timestamp::now();
    let checked = check(&form, &context, now);
    let (survey, rules, first_run_at) = match checked {
        Ok(checked) => checked,
        Err(error) => {
            let page = send_page(&state, &viewer, &context, form, Some(error), None);
            return Ok(render_status(&page, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let store = state.store();
    if form.intent == "preview" {
        let preview = vouch_jobs::campaign::preview(store, viewer.workspace(), &rules, now)
            .await
            .map_err(|error| DashboardError::Internal(error.into()))?;
        let count = Count {
            eligible: vouch_charts::format_count(preview.eligible),
            asked: vouch_charts::format_count(preview.asked),
            sentence: preview_sentence(&preview, &rules),
        };
        let page = send_page(&state, &viewer, &context, form, None, Some(count));
        return Ok(render(&page));
    }
    let campaign = store
        .create_campaign(
            viewer.workspace(),
            NewCampaign {
                survey: survey.id,
                name: campaign_name(Some(&form.name), &survey, now),
                rules,
                first_run_at,
            },
        )
        .await?;
    let to = format!("/app/campaigns?created={}", campaign.id.0);
    Ok(Redirect::to(&to).into_response())
}

/// The form checked into the survey, the rules and the first run; else the first error.
fn check(
    form: &SendForm,
    context: &Context,
    now: Timestamp,
) -> Result<(Survey, CampaignRules, Timestamp), FieldError> {
    let survey = chosen_survey(&context.surveys, &form.survey)
        .ok_or_else(|| ("survey", "Choose the survey to send.".to_owned()))?;
    let input = CampaignInput {
        filters: form
            .filters
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect(),
        sample: number(
            &form.sample,
            "sample",
            "Sample",
            "a share such as 0.25 or 1",
        )?,
        throttle_days: days(&form.throttle_days, "throttle_days", "Throttle")?,
        reminder_days: days(&form.reminder_days, "reminder_days", "Reminder")?,
        every_days: days(&form.every_days, "every_days", "Repeat")?,
        spread: form.spread(),
    };
    let rules = campaign_rules(&input, survey, &context.attributes).map_err(|error| {
        let (field, label) = field_of(error.field);
        (field, sentence(label, &error.message))
    })?;
    let first_run_at = if form.later() {
        start(&form.start, &context.workspace.time_zone, now)?
    } else {
        now
    };
    Ok((survey.clone(), rules, first_run_at))
}

/// The form field and label of a rule's field.
fn field_of(field: RulesField) -> (&'static str, &'static str) {
    match field {
        RulesField::Survey => ("survey", "Survey"),
        RulesField::Filter => ("filters", "Audience"),
        RulesField::Sample => ("sample", "Sample"),
        RulesField::ReminderDays => ("reminder_days", "Reminder"),
        RulesField::Every => ("every_days", "Repeat"),
        RulesField::Spread => ("spread", "Spread over weekdays"),
    }
}

/// A number typed into `field` (empty: 1, everyone).
fn number(text: &str, field: &'static str, label: &str, example: &str) -> Result<f64, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(1.0);
    }
    text.parse::<f64>().map_err(|_| {
        (
            field,
            sentence(label, &format!("{text:?} is not {example}")),
        )
    })
}

/// A whole number of days typed into `field`; empty means none.
fn days(text: &str, field: &'static str, label: &str) -> Result<Option<u32>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u32>().map(Some).map_err(|_| {
        let message = format!("{text:?} is not a whole number of days");
        (field, sentence(label, &message))
    })
}

/// The start typed as `YYYY-MM-DDTHH:MM` in the workspace's time zone; not in the past.
fn start(text: &str, time_zone: &str, now: Timestamp) -> Result<Timestamp, FieldError> {
    let refused = |message: &str| ("start", sentence("Start", message));
    let civil: DateTime = text
        .trim()
        .parse()
        .map_err(|_| refused("give a date and time such as 2026-03-02T09:00"))?;
    let zone = TimeZone::get(time_zone).unwrap_or(TimeZone::UTC);
    let at = civil
        .to_zoned(zone)
        .map_err(|_| refused("that time does not exist in the workspace's time zone"))?
        .timestamp();
    if at < now - jiff::SignedDuration::from_mins(1) {
        return Err(refused(
            "that time has passed; choose a later one or send now",
        ));
    }
    Ok(at.max(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_numbers_are_read_or_refused_naming_their_field() {
        assert_eq!(days(" 7 ", "every_days", "Repeat"), Ok(Some(7)));
        assert_eq!(days("", "every_days", "Repeat"), Ok(None));
        let (field, message) = days("-1", "every_days", "Repeat").unwrap_err();
        assert_eq!(field, "every_days");
        assert!(message.starts_with("Repeat: \"-1\""), "{message}");
        assert_eq!(number("0.5", "sample", "Sample", "x"), Ok(0.5));
        assert_eq!(number("", "sample", "Sample", "x"), Ok(1.0));
        assert_eq!(
            number("half", "sample", "Sample", "x").unwrap_err().0,
            "sample"
        );
    }

    #[test]
    fn a_start_is_read_in_the_workspace_s_time_zone_and_not_in_the_past() {
        let now: Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
        let at = start("2026-03-02T09:00", "Europe/Paris", now).unwrap();
        assert_eq!(at.to_string(), "2026-03-02T08:00:00Z");
        assert_eq!(
            start("2026-02-01T09:00", "UTC", now).unwrap_err().0,
            "start"
        );
        assert_eq!(start("tomorrow", "UTC", now).unwrap_err().0, "start");
    }
}
