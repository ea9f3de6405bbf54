//! A campaign's rules from what a person typed — `vouch send`'s flags or the dashboard's send
//! form — checked once for both: the attribute filters, the sample, the throttle window, the
//! reminder, the repeat and the weekday spread. Also the campaign's default name, the sentence
//! of a dry run and the one-line description of saved rules, so that both surfaces say the same.

use jiff::Timestamp;
use thiserror::Error;
use vouch_core::AttributeValue;
use vouch_core::attribute::unknown_attribute_message;
use vouch_core::sample::check_sample;
use vouch_store::{AttributeDefinition, CampaignRules, Survey};

use crate::campaign::Preview;

/// What a campaign is made from, as typed.
#[derive(Debug, Clone, Default)]
pub struct CampaignInput {
    /// `ATTR=VALUE` filters: AND across attributes, OR between values of one attribute.
    pub filters: Vec<String>,
    /// The share of eligible contacts asked, in (0, 1].
    pub sample: f64,
    /// Skip contacts asked anything within this many days; `None`: the survey's window.
    pub throttle_days: Option<u32>,
    /// Remind non-responders once, this many days after the email.
    pub reminder_days: Option<u32>,
    /// Send again every this many days.
    pub every_days: Option<u32>,
    /// With a repeat: spread each cycle's contacts over its weekdays.
    pub spread: bool,
}

/// The input a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesField {
    /// The survey sent.
    Survey,
    /// One of the filters.
    Filter,
    /// The sample.
    Sample,
    /// The reminder delay.
    ReminderDays,
    /// The repeat.
    Every,
    /// The weekday spread.
    Spread,
}

impl RulesField {
    /// The command-line flag of the field (`--sample`).
    pub fn flag(self) -> &'static str {
        match self {
            RulesField::Survey => "--survey",
            RulesField::Filter => "--filter",
            RulesField::Sample => "--sample",
            RulesField::ReminderDays => "--reminder-days",
            RulesField::Every => "--every",
            RulesField::Spread => "--spread",
        }
    }
}

/// Why the input makes no campaign: the field and a sentence without it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct RulesError {
    /// The input at fault.
    pub field: RulesField,
    /// What is wrong with it.
    pub message: String,
}

fn refuse<T>(field: RulesField, message: impl Into<String>) -> Result<T, RulesError> {
    Err(RulesError {
        field,
        message: message.into(),
    })
}

/// Checks the input into the rules a campaign of `survey` sends by; `definitions` are the
/// workspace's attributes, which filters must name (values are compared as their type).
pub fn campaign_rules(
    input: &CampaignInput,
    survey: &Survey,
    definitions: &[AttributeDefinition],
) -> Result<CampaignRules, RulesError> {
    if survey.archived {
        return refuse(
            RulesField::Survey,
            format!("survey {:?} is archived and takes no answers", survey.name),
        );
    }
    let sample = check_sample(input.sample)
        .or_else(|error| refuse(RulesField::Sample, error.to_string()))?;
    if input.every_days == Some(0) {
        return refuse(RulesField::Every, "at least 1 day");
    }
    if input.spread && input.every_days.is_none() {
        return refuse(RulesField::Spread, "only with a repeat (every N days)");
    }
    if input.reminder_days == Some(0) {
        return refuse(RulesField::ReminderDays, "at least 1 day");
    }
    let mut filters = Vec::new();
    for filter in &input.filters {
        filters.push(parse_filter(filter, definitions)?);
    }
    Ok(CampaignRules {
        filters,
        sample,
        throttle_days: input.throttle_days.unwrap_or(survey.settings.throttle_days),
        reminder_after_days: input.reminder_days,
        repeat_every_days: input.every_days,
        spread_over_weekdays: input.spread,
    })
}

/// `ATTR=VALUE` as `(attribute, canonical value)`, the value read as the attribute's type.
fn parse_filter(
    filter: &str,
    definitions: &[AttributeDefinition],
) -> Result<(String, String), RulesError> {
    let Some((name, value)) = filter.split_once('=') else {
        return refuse(RulesField::Filter, format!("{filter:?} is not ATTR=VALUE"));
    };
    let (name, value) = (name.trim(), value.trim());
    let Some(definition) = definitions.iter().find(|d| d.name == name) else {
        let known: Vec<&str> = definitions.iter().map(|d| d.name.as_str()).collect();
        return refuse(RulesField::Filter, unknown_attribute_message(name, &known));
    };
    match AttributeValue::parse_as(value, definition.kind) {
        Ok(value) => Ok((name.to_owned(), value.canonical())),
        Err(error) => refuse(
            RulesField::Filter,
            format!(
                "{name} is a {} attribute, and {error}",
                definition.kind.as_str()
            ),
        ),
    }
}

/// The campaign's name: the one given (trimmed), else the survey's name and the time.
pub fn campaign_name(given: Option<&str>, survey: &Survey, now: Timestamp) -> String {
    given
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map_or_else(
            || format!("{} {}", survey.name, now.strftime("%Y-%m-%d %H:%M")),
            str::to_owned,
        )
}

/// What a dry run found, as one sentence: how many are eligible and how many would be asked
/// (marked "about" when the sample or the spread draws per campaign).
pub fn preview_sentence(preview: &Preview, rules: &CampaignRules) -> String {
    format!(
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
    )
}

/// The rules in one line: `plan=pro, sample 0.5, throttle 90 d, reminder after 3 d, every 7 d`.
pub fn describe_rules(rules: &CampaignRules) -> String {
    let mut parts = Vec::new();
    for (name, value) in &rules.filters {
        parts.push(format!("{name}={value}"));
    }
    if rules.sample < 1.0 {
        parts.push(format!("sample {}", rules.sample));
    }
    parts.push(format!("throttle {} d", rules.throttle_days));
    if let Some(days) = rules.reminder_after_days {
        parts.push(format!("reminder after {days} d"));
    }
    if let Some(days) = rules.repeat_every_days {
        let spread = if rules.spread_over_weekdays {
            " over weekdays"
        } else {
            ""
        };
        parts.push(format!("every {days} d{spread}"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_core::{AttributeKind, SurveyKind};
    use vouch_store::{SurveyId, SurveySettings};

    fn survey() -> Survey {
        Survey {
            id: SurveyId(1),
            name: "Customers".into(),
            kind: SurveyKind::Nps,
            question: SurveyKind::Nps.default_question(None),
            follow_up: String::new(),
            slug: "customers".into(),
            archived: false,
            settings: SurveySettings::default(),
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn definitions() -> Vec<AttributeDefinition> {
        vec![
            AttributeDefinition {
                name: "plan".into(),
                kind: AttributeKind::String,
            },
            AttributeDefinition {
                name: "seats".into(),
                kind: AttributeKind::Number,
            },
        ]
    }

    fn input() -> CampaignInput {
        CampaignInput {
            sample: 1.0,
            ..CampaignInput::default()
        }
    }

    #[test]
    fn filters_are_read_as_their_attribute_s_type() {
        let typed = CampaignInput {
            filters: vec!["plan = pro".into(), "seats=3.0".into()],
            throttle_days: Some(30),
            ..input()
        };
        let rules = campaign_rules(&typed, &survey(), &definitions()).unwrap();
        assert_eq!(
            rules.filters,
            [("plan".into(), "pro".into()), ("seats".into(), "3".into())]
        );
        assert_eq!(rules.throttle_days, 30);
        let default = campaign_rules(&input(), &survey(), &definitions()).unwrap();
        assert_eq!(default.throttle_days, survey().settings.throttle_days);
    }

    #[test]
    fn each_refusal_names_its_field() {
        let cases = [
            (
                CampaignInput {
                    sample: 1.5,
                    ..input()
                },
                RulesField::Sample,
            ),
            (
                CampaignInput {
                    every_days: Some(0),
                    ..input()
                },
                RulesField::Every,
            ),
            (
                CampaignInput {
                    spread: true,
                    ..input()
                },
                RulesField::Spread,
            ),
            (
                CampaignInput {
                    reminder_days: Some(0),
                    ..input()
                },
                RulesField::ReminderDays,
            ),
            (
                CampaignInput {
                    filters: vec!["plan".into()],
                    ..input()
                },
                RulesField::Filter,
            ),
            (
                CampaignInput {
                    filters: vec!["tier=a".into()],
                    ..input()
                },
                RulesField::Filter,
            ),
            (
                CampaignInput {
                    filters: vec!["seats=many".into()],
                    ..input()
                },
                RulesField::Filter,
            ),
        ];
        for (typed, field) in cases {
            let error = campaign_rules(&typed, &survey(), &definitions()).unwrap_err();
            assert_eq!(error.field, field, "{error}");
        }
        let archived = Survey {
            archived: true,
            ..survey()
        };
        let error = campaign_rules(&input(), &archived, &definitions()).unwrap_err();
        assert_eq!(error.field, RulesField::Survey);
        assert_eq!(
            campaign_rules(
                &CampaignInput {
                    sample: 0.0,
                    ..input()
                },
                &survey(),
                &[]
            )
            .unwrap_err()
            .to_string(),
            "0 is not in (0, 1]"
        );
    }

    #[test]
    fn a_campaign_without_a_name_is_named_after_its_survey_and_time() {
        let now: Timestamp = "2026-03-04T05:06:00Z".parse().unwrap();
        assert_eq!(
            campaign_name(None, &survey(), now),
            "Customers 2026-03-04 05:06"
        );
        assert_eq!(
            campaign_name(Some("  "), &survey(), now),
            "Customers 2026-03-04 05:06"
        );
        assert_eq!(campaign_name(Some(" Q1 "), &survey(), now), "Q1");
    }
}
