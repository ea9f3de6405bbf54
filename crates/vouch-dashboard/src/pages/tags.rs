//! `GET /app/tags`: the workspace's managed set of tags and the keyword rules that put them on
//! responses, for every member; members and admins also get the forms that change them.
//!
//! The page lists each tag (its responses, linked to the inbox filtered by it, and how many
//! rules set it) with a rename form and a delete button that asks for confirmation inside a
//! `<details>` (no script needed), a "New tag" form and a merge form; then each rule (tag,
//! terms, survey, responses tagged, and while it is still matching the past a `<progress>`
//! that `dashboard-pages.js` refreshes from `GET /app/rules/progress`, a reload link without
//! script) with a delete button, and the "Add rule" form with its dry run.
//!
//! The forms post to [`super::tag_forms`] and [`super::rules`], which answer 303 back here
//! with `saved=…` (post/redirect/get), or render this page again with the form as typed and
//! the error beside its field (422). Rules of a survey the viewer may not see (an eNPS survey
//! without the HR permission) are not listed, as the survey itself is not.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use vouch_charts::format_count;
use vouch_store::{Survey, SurveyId, TagRule, TagSummary};
use vouch_web::state::AppState;

use super::filters::{one, query_pairs, with_query};
use crate::layout::{DashboardError, Frame, Nav, render_status};
use crate::session::Viewer;

/// Where the page lives.
pub(crate) const TAGS_PATH: &str = "/app/tags";

/// One tag as listed.
#[derive(Debug, Clone)]
pub(crate) struct TagRow {
    /// Its name.
    pub(crate) name: String,
    /// Responses carrying it, printed (`1,234`).
    pub(crate) responses: String,
    /// Responses carrying it.
    pub(crate) response_count: u64,
    /// Rules setting it.
    pub(crate) rules: u64,
    /// The inbox filtered by it.
    pub(crate) inbox_href: String,
}

/// One rule as listed.
#[derive(Debug, Clone)]
pub(crate) struct RuleRow {
    /// Its id.
    pub(crate) id: i64,
    /// The tag it puts on.
    pub(crate) tag: String,
    /// Its terms as saved.
    pub(crate) terms: String,
    /// Its survey's name, or "Every survey".
    pub(crate) survey: String,
    /// Responses it tagged, printed.
    pub(crate) tagged: String,
    /// True once it has matched every response stored before it.
    pub(crate) caught_up: bool,
    /// How far through the past, 0 to 99 while not caught up.
    pub(crate) percent: u32,
}

/// A survey of the rule form's `<select>`.
#[derive(Debug, Clone)]
pub(crate) struct SurveyOption {
    /// Its id.
    pub(crate) id: i64,
    /// Its name and kind.
    pub(crate) label: String,
    /// Whether the form has it chosen.
    pub(crate) selected: bool,
}

/// A form with one name field.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameForm {
    /// The name as typed.
    pub(crate) value: String,
    /// What is wrong with it.
    pub(crate) error: Option<String>,
}

/// The rename form of one tag, sent back with an error.
#[derive(Debug, Clone, Default)]
pub(crate) struct RenameForm {
    /// The tag renamed.
    pub(crate) from: String,
    /// The new name as typed.
    pub(crate) value: String,
    /// What is wrong.
    pub(crate) error: String,
}

/// The merge form.
#[derive(Debug, Clone, Default)]
pub(crate) struct MergeForm {
    /// The tags ticked.
    pub(crate) from: Vec<String>,
    /// The name they become, as typed.
    pub(crate) into: String,
    /// What is wrong with the ticked tags.
    pub(crate) from_error: Option<String>,
    /// What is wrong with the name.
    pub(crate) into_error: Option<String>,
}

/// The "Add rule" form.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleForm {
    /// The tag as typed.
    pub(crate) tag: String,
    /// The terms as typed.
    pub(crate) terms: String,
    /// The survey chosen (its id), empty for every survey.
    pub(crate) survey: String,
    /// What is wrong with the tag.
    pub(crate) tag_error: Option<String>,
    /// What is wrong with the terms.
    pub(crate) terms_error: Option<String>,
    /// What is wrong with the survey.
    pub(crate) survey_error: Option<String>,
    /// The dry run's count, printed, after "Count matches".
    pub(crate) count: Option<String>,
    /// The dry run's count.
    pub(crate) matched: u64,
}

/// Every form of the page, as typed and with its errors when one comes back.
#[derive(Debug, Clone, Default)]
pub(crate) struct TagForms {
    /// "New tag".
    pub(crate) create: NameForm,
    /// The rename form sent back, if one was.
    pub(crate) rename: Option<RenameForm>,
    /// "Merge tags".
    pub(crate) merge: MergeForm,
    /// "Add rule".
    pub(crate) rule: RuleForm,
}

/// `templates/dashboard/pages/tags.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/tags.html")]
pub(crate) struct TagsPage {
    /// The frame.
    pub(crate) frame: Frame,
    /// The tags, by name.
    pub(crate) tags: Vec<TagRow>,
    /// The rules the viewer may see, oldest first.
    pub(crate) rules: Vec<RuleRow>,
    /// The surveys a rule may be limited to.
    pub(crate) surveys: Vec<SurveyOption>,
    /// What the last form did, once.
    pub(crate) saved: Option<String>,
    /// The forms.
    pub(crate) forms: TagForms,
    /// The pages' script (progress of rules).
    pub(crate) script: String,
}

impl TagsPage {
    /// The error of `tag`'s rename form, when it came back.
    fn rename_error(&self, tag: &str) -> Option<&str> {
        self.forms
            .rename
            .as_ref()
            .filter(|form| form.from == tag)
            .map(|form| form.error.as_str())
    }

    /// The value of `tag`'s rename field: as typed when it came back, else its name.
    fn rename_value<'a>(&'a self, tag: &'a str) -> &'a str {
        match &self.forms.rename {
            Some(form) if form.from == tag => &form.value,
            _ => tag,
        }
    }

    /// Whether the merge form has `tag` ticked.
    fn merging(&self, tag: &str) -> bool {
        self.forms.merge.from.iter().any(|from| from == tag)
    }

    /// True while some rule is still matching the past.
    fn matching(&self) -> bool {
        self.rules.iter().any(|rule| !rule.caught_up)
    }
}

/// The page with `forms` as typed (their errors beside their fields).
pub(crate) async fn tags_page(
    state: &AppState,
    viewer: &Viewer,
    forms: TagForms,
    saved: Option<String>,
) -> Result<TagsPage, DashboardError> {
    let store = state.store();
    let workspace = viewer.workspace();
    let tags = store.tags(workspace).await?;
    let rules = store.rules(workspace).await?;
    let surveys = visible_surveys(state, viewer).await?;
    let chosen = super::path_id(forms.rule.survey.trim());
    Ok(TagsPage {
        frame: Frame::new(viewer, "Tags", Nav::Tags),
        tags: tags.iter().map(tag_row).collect(),
        rules: rules
            .iter()
            .filter_map(|rule| rule_row(rule, &surveys))
            .collect(),
        surveys: survey_options(&surveys, chosen),
        saved,
        forms,
        script: super::script::script_src(),
    })
}

/// The page rendered with `status` (422 when a form came back).
pub(crate) async fn render_tags(
    state: &AppState,
    viewer: &Viewer,
    forms: TagForms,
    status: StatusCode,
) -> Result<Response, DashboardError> {
    let page = tags_page(state, viewer, forms, None).await?;
    Ok(render_status(&page, status))
}

/// The surveys of the workspace the viewer may see, by id.
pub(crate) async fn visible_surveys(
    state: &AppState,
    viewer: &Viewer,
) -> Result<HashMap<SurveyId, Survey>, DashboardError> {
    let surveys = state.store().survey_list(viewer.workspace()).await?;
    Ok(surveys
        .into_iter()
        .filter(|survey| viewer.can_see(survey))
        .map(|survey| (survey.id, survey))
        .collect())
}

fn tag_row(tag: &TagSummary) -> TagRow {
    let pairs = [("tag".to_owned(), tag.name.clone())];
    TagRow {
        name: tag.name.clone(),
        responses: format_count(tag.responses),
        response_count: tag.responses,
        rules: tag.rules,
        inbox_href: with_query("/app/inbox", &pairs),
    }
}

/// A rule as listed; `None` for a rule of a survey the viewer may not see.
fn rule_row(rule: &TagRule, surveys: &HashMap<SurveyId, Survey>) -> Option<RuleRow> {
    let survey = match rule.survey {
        None => "Every survey".to_owned(),
        Some(id) => surveys.get(&id)?.name.clone(),
    };
    Some(RuleRow {
        id: rule.id.0,
        tag: rule.tag.clone(),
        terms: rule.terms.clone(),
        survey,
        tagged: format_count(rule.tagged),
        caught_up: rule.caught_up(),
        percent: percent_done(rule),
    })
}

/// How far a rule got through the past, as a whole percentage: 100 only once caught up.
pub(crate) fn percent_done(rule: &TagRule) -> u32 {
    if rule.caught_up() {
        return 100;
    }
    ((rule.progress() * 100.0).floor() as u32).min(99)
}

/// The surveys a rule may be limited to (those taking answers), oldest first, `chosen`
/// selected.
fn survey_options(surveys: &HashMap<SurveyId, Survey>, chosen: Option<i64>) -> Vec<SurveyOption> {
    let mut open: Vec<&Survey> = surveys
        .values()
        .filter(|survey| !survey.archived || Some(survey.id.0) == chosen)
        .collect();
    open.sort_by_key(|survey| survey.id);
    open.into_iter()
        .map(|survey| SurveyOption {
            id: survey.id.0,
            label: format!("{} ({})", survey.name, survey.kind.as_str()),
            selected: Some(survey.id.0) == chosen,
        })
        .collect()
}

/// What a form did, as the notice after its redirect says it.
fn saved_notice(pairs: &[(String, String)]) -> Option<String> {
    let name = one(pairs, "name").unwrap_or_default();
    Some(match one(pairs, "saved")? {
        "created" => format!("Tag “{name}” created."),
        "renamed" => format!("Tag renamed to “{name}”."),
        "merged" => format!("Tags merged into “{name}”."),
        "deleted" => format!("Tag “{name}” deleted."),
        "rule" => "Rule saved: tagging past responses…".to_owned(),
        "rule-deleted" => "Rule deleted. The tags it put on stay.".to_owned(),
        _ => return None,
    })
}

/// 303 back to the page saying what was `saved` (about the tag `name`), at `anchor`.
pub(crate) fn saved_redirect(saved: &str, name: &str, anchor: &str) -> Response {
    let mut pairs = vec![("saved".to_owned(), saved.to_owned())];
    if !name.is_empty() {
        pairs.push(("name".to_owned(), name.to_owned()));
    }
    let to = format!("{}#{anchor}", with_query(TAGS_PATH, &pairs));
    Redirect::to(&to).into_response()
}

/// `GET /app/tags`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let saved = saved_notice(&query_pairs(query.as_deref()));
    let page = tags_page(&state, &viewer, TagForms::default(), saved).await?;
    Ok(render_status(&page, StatusCode::OK))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use vouch_store::{ResponseId, RuleId};

    fn rule(through: i64, until: i64) -> TagRule {
        TagRule {
            id: RuleId(1),
            tag: "billing".into(),
            terms: "refund*".into(),
            survey: None,
            created_at: Timestamp::UNIX_EPOCH,
            through: ResponseId(through),
            backfill_until: ResponseId(until),
            tagged: 0,
        }
    }

    #[test]
    fn progress_reaches_100_only_once_caught_up() {
        assert_eq!(percent_done(&rule(0, 200)), 0);
        assert_eq!(percent_done(&rule(50, 200)), 25);
        assert_eq!(percent_done(&rule(199, 200)), 99);
        assert_eq!(percent_done(&rule(200, 200)), 100);
        assert_eq!(percent_done(&rule(0, 0)), 100);
    }

    #[test]
    fn notices_name_what_was_done() {
        let pairs = |saved: &str| {
            vec![
                ("saved".to_owned(), saved.to_owned()),
                ("name".to_owned(), "billing".to_owned()),
            ]
        };
        assert_eq!(
            saved_notice(&pairs("renamed")).as_deref(),
            Some("Tag renamed to “billing”.")
        );
        assert_eq!(
            saved_notice(&pairs("rule")).as_deref(),
            Some("Rule saved: tagging past responses…")
        );
        assert_eq!(saved_notice(&pairs("other")), None);
        assert_eq!(saved_notice(&[]), None);
    }
}
