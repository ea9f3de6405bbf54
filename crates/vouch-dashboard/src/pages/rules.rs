//! The keyword rules of `/app/tags`: `POST /app/rules` (members+), whose two buttons post the
//! whole form — `intent=count` counts the responses the rule would tag now
//! (`vouch_analytics::rules::count_matches`, the API's and the command line's dry run) and
//! saves nothing, `intent=save` saves it (`TagStore::create_rule`, which queues the job that
//! matches it against past responses) and goes back to the page —, `POST /app/rules/delete`
//! (the tags it put on stay), and `GET /app/rules/progress`, the share of the past each rule
//! has matched, as JSON for the page's script.
//!
//! A rule is checked by `vouch_analytics::rules::check_rule`, the one check of a typed rule;
//! each wrong field comes back with its sentence beside it (422) and nothing saved.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Serialize;
use vouch_analytics::rules::{Matcher, RuleInputError, check_rule, count_matches};
use vouch_core::text::Term;
use vouch_store::{NewTagRule, StoreError, Survey, SurveyId, TagRule};
use vouch_web::state::AppState;

use super::tag_forms::{Fields, checked_name, sentence};
use super::tags::{RuleForm, TagForms, percent_done, render_tags, saved_redirect, visible_surveys};
use crate::layout::{DashboardError, with_page_headers};
use crate::session::{Viewer, Writer};

/// What is wrong with the terms as typed, if anything.
fn terms_error(typed: &str) -> Option<String> {
    if typed.trim().is_empty() {
        return Some(
            "Give at least one term to match: a word, a prefix* or a \"phrase\".".to_owned(),
        );
    }
    Term::parse_list(typed)
        .err()
        .map(|error| sentence(&error.to_string()))
}

/// The survey chosen in the form: `Ok(None)` for every survey, else one the viewer may see.
fn chosen_survey(
    typed: &str,
    surveys: &HashMap<SurveyId, Survey>,
) -> Result<Option<SurveyId>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    super::path_id(typed)
        .map(SurveyId)
        .filter(|id| surveys.contains_key(id))
        .map(Some)
        .ok_or_else(|| "Choose a survey of the list, or every survey.".to_owned())
}

/// The rule form checked into the rule and its matcher; else the form with every error.
fn checked_rule(
    mut form: RuleForm,
    surveys: &HashMap<SurveyId, Survey>,
) -> Result<(NewTagRule, Matcher), Box<RuleForm>> {
    let survey = chosen_survey(&form.survey, surveys);
    form.survey_error = survey.clone().err();
    form.tag_error = checked_name(&form.tag).err();
    form.terms_error = terms_error(&form.terms);
    let Ok(survey) = survey else {
        return Err(Box::new(form));
    };
    if form.tag_error.is_some() || form.terms_error.is_some() {
        return Err(Box::new(form));
    }
    check_rule(&form.tag, &form.terms, survey).map_err(|error| {
        match &error {
            RuleInputError::Tag(error) => form.tag_error = Some(sentence(&error.to_string())),
            RuleInputError::Terms(error) => form.terms_error = Some(sentence(&error.to_string())),
        }
        Box::new(form)
    })
}

/// "This rule would tag 1,234 responses now."
fn count_sentence(matched: u64) -> String {
    let noun = if matched == 1 {
        "response"
    } else {
        "responses"
    };
    format!(
        "This rule would tag {} {noun} now.",
        vouch_charts::format_count(matched)
    )
}

/// `POST /app/rules`: `tag`, `terms` (comma-separated words, `prefix*`, `"phrases"`),
/// `survey` (an id, empty for every survey) and `intent` (`count` or `save`).
pub(crate) async fn submit(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let fields = Fields::read(&body);
    let form = RuleForm {
        tag: fields.get("tag").to_owned(),
        terms: fields.get("terms").to_owned(),
        survey: fields.get("survey").to_owned(),
        ..RuleForm::default()
    };
    let surveys = visible_surveys(&state, &viewer).await?;
    let (rule, matcher) = match checked_rule(form.clone(), &surveys) {
        Ok(checked) => checked,
        Err(refused) => return rule_form(&state, &viewer, *refused).await,
    };
    let store = state.store();
    let workspace = viewer.workspace();
    if fields.get("intent") == "count" {
        let matched = count_matches(store, workspace, &matcher, |_| {})
            .await
            .map_err(|error| DashboardError::Internal(error.into()))?;
        let counted = RuleForm {
            count: Some(count_sentence(matched)),
            matched,
            ..form
        };
        let forms = TagForms {
            rule: counted,
            ..TagForms::default()
        };
        return render_tags(&state, &viewer, forms, StatusCode::OK).await;
    }
    match store.create_rule(workspace, &rule, Timestamp::now()).await {
        Ok(_) => Ok(saved_redirect("rule", &rule.tag, "rules")),
        Err(StoreError::NotFound(_)) => {
            let refused = RuleForm {
                survey_error: Some("That survey no longer exists: choose another.".to_owned()),
                ..form
            };
            rule_form(&state, &viewer, refused).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The page with the rule form sent back (422).
async fn rule_form(
    state: &AppState,
    viewer: &Viewer,
    form: RuleForm,
) -> Result<Response, DashboardError> {
    let forms = TagForms {
        rule: form,
        ..TagForms::default()
    };
    render_tags(state, viewer, forms, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// The rule with this id, if the viewer may see it (its survey is visible, or it has none).
async fn visible_rule(
    state: &AppState,
    viewer: &Viewer,
    id: Option<i64>,
) -> Result<TagRule, DashboardError> {
    let id = id.ok_or(DashboardError::NotFound)?;
    let surveys = visible_surveys(state, viewer).await?;
    let rules = state.store().rules(viewer.workspace()).await?;
    rules
        .into_iter()
        .filter(|rule| {
            rule.survey
                .is_none_or(|survey| surveys.contains_key(&survey))
        })
        .find(|rule| rule.id.0 == id)
        .ok_or(DashboardError::NotFound)
}

/// `POST /app/rules/delete`: `rule`, the id of the rule to delete; the tags it put on stay.
pub(crate) async fn delete(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let fields = Fields::read(&body);
    let id = super::path_id(fields.get("rule").trim());
    let rule = visible_rule(&state, &viewer, id).await?;
    state
        .store()
        .delete_rule(viewer.workspace(), rule.id)
        .await?;
    Ok(saved_redirect("rule-deleted", "", "rules"))
}

/// One rule's progress, as `GET /app/rules/progress` gives it.
#[derive(Debug, Serialize)]
struct RuleProgress {
    id: i64,
    /// 0 to 100; 100 only once caught up.
    percent: u32,
    caught_up: bool,
    /// Responses it tagged, printed as the page prints it (`1,234`).
    tagged: String,
}

/// `GET /app/rules/progress`: `{"rules": [{"id", "percent", "caught_up", "tagged"}]}` for every
/// rule the viewer may see, oldest first; never cached.
pub(crate) async fn progress(
    viewer: Viewer,
    State(state): State<AppState>,
) -> Result<Response, DashboardError> {
    let surveys = visible_surveys(&state, &viewer).await?;
    let rules = state.store().rules(viewer.workspace()).await?;
    let shown: Vec<RuleProgress> = rules
        .iter()
        .filter(|rule| {
            rule.survey
                .is_none_or(|survey| surveys.contains_key(&survey))
        })
        .map(|rule| RuleProgress {
            id: rule.id.0,
            percent: percent_done(rule),
            caught_up: rule.caught_up(),
            tagged: vouch_charts::format_count(rule.tagged),
        })
        .collect();
    let body = axum::Json(serde_json::json!({ "rules": shown }));
    Ok(with_page_headers(body.into_response()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(tag: &str, terms: &str, survey: &str) -> RuleForm {
        RuleForm {
            tag: tag.into(),
            terms: terms.into(),
            survey: survey.into(),
            ..RuleForm::default()
        }
    }

    #[test]
    fn every_wrong_field_of_a_rule_gets_its_sentence() {
        let surveys = HashMap::new();
        let refused = checked_rule(form("", "", "9"), &surveys).unwrap_err();
        assert_eq!(refused.tag_error.as_deref(), Some("Give the tag a name."));
        assert!(refused.terms_error.is_some() && refused.survey_error.is_some());
        let short = checked_rule(form("billing", "re*", ""), &surveys).unwrap_err();
        let message = short.terms_error.unwrap_or_default();
        assert!(
            message.starts_with("The prefix \"re*\" is too short"),
            "{message}"
        );
        let long = checked_rule(form("billing", &"a".repeat(10_000), ""), &surveys).unwrap_err();
        let message = long.terms_error.unwrap_or_default();
        assert!(message.contains("at most 100 characters"), "{message}");
        let (rule, _) = checked_rule(form(" billing ", "refund*,  \"money back\"", ""), &surveys)
            .expect("a rule");
        assert_eq!(
            (rule.tag.as_str(), rule.terms.as_str()),
            ("billing", "refund*, \"money back\"")
        );
        assert_eq!(rule.survey, None);
    }

    #[test]
    fn counts_read_as_a_sentence() {
        assert_eq!(count_sentence(1), "This rule would tag 1 response now.");
        assert_eq!(
            count_sentence(1234),
            "This rule would tag 1,234 responses now."
        );
    }
}
