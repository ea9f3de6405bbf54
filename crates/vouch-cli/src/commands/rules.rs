//! `vouch rules add|list|delete`: keyword rules that tag responses by their comments.

use std::collections::HashMap;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use serde_json::json;
use vouch_analytics::rules::{check_rule, count_matches, run_rule};
use vouch_store::{RuleId, Store, StoreError, SurveyId, Workspace};

use super::survey_name::existing_survey;
use crate::feedback_cli::RulesCommand;
use crate::{bad_input, out, outln, table};

/// Runs a `vouch rules` command.
pub async fn rules(
    store: &dyn Store,
    workspace: &Workspace,
    command: &RulesCommand,
) -> anyhow::Result<()> {
    match command {
        RulesCommand::Add {
            tag,
            terms,
            survey,
            dry_run,
        } => add(store, workspace, tag, terms, survey.as_deref(), *dry_run).await,
        RulesCommand::List { json } => list(store, workspace, *json).await,
        RulesCommand::Delete { id } => {
            let Ok(id) = id.trim().parse::<i64>() else {
                bad_input!("the rule id {id:?} is not a number: see vouch rules list");
            };
            match store.delete_rule(workspace.id, RuleId(id)).await {
                Ok(()) => {
                    outln!("deleted rule {id}; the tags it put on stay");
                    Ok(())
                }
                Err(StoreError::NotFound(_)) => bad_input!("no rule {id} in this workspace"),
                Err(error) => Err(error.into()),
            }
        }
    }
}

async fn add(
    store: &dyn Store,
    workspace: &Workspace,
    tag: &str,
    terms: &str,
    survey: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let survey = match survey {
        Some(name) => Some(existing_survey(store, workspace, name).await?),
        None => None,
    };
    let (rule, matcher) = match check_rule(tag, terms, survey.as_ref().map(|s| s.id)) {
        Ok(checked) => checked,
        Err(error) => bad_input!("--{}: {}", error.field(), error),
    };
    let scope = survey
        .as_ref()
        .map_or("every survey's responses".to_owned(), |s| {
            format!("the responses of {:?}", s.name)
        });
    let bar = progress_bar(store, workspace, survey.as_ref().map(|s| s.id)).await?;
    if dry_run {
        let matched =
            count_matches(store, workspace.id, &matcher, |read| bar.set_position(read)).await?;
        bar.finish_and_clear();
        outln!(
            "dry run: a rule tagging {:?} on {scope} matching {} would tag these; nothing saved",
            rule.tag,
            rule.terms
        );
        outln!("matched {matched}");
        return Ok(());
    }
    let saved = store
        .create_rule(workspace.id, &rule, Timestamp::now())
        .await?;
    let pass = run_rule(store, workspace.id, &saved, |read| bar.set_position(read)).await?;
    bar.finish_and_clear();
    outln!(
        "saved rule {}: {:?} on {scope} matching {}; new responses are tagged as they arrive",
        saved.id.0,
        saved.tag,
        saved.terms
    );
    outln!("matched {}", pass.matched);
    Ok(())
}

/// A bar over the responses a rule reads: the survey's, or the workspace's.
async fn progress_bar(
    store: &dyn Store,
    workspace: &Workspace,
    survey: Option<SurveyId>,
) -> anyhow::Result<ProgressBar> {
    let total: u64 = store
        .surveys(workspace.id)
        .await?
        .iter()
        .filter(|listing| survey.is_none_or(|id| id == listing.survey.id))
        .map(|listing| listing.responses)
        .sum();
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} matching [{bar:40}] {percent}%") {
        bar.set_style(style.progress_chars("=> "));
    }
    Ok(bar)
}

async fn list(store: &dyn Store, workspace: &Workspace, json: bool) -> anyhow::Result<()> {
    let rules = store.rules(workspace.id).await?;
    let surveys: HashMap<_, _> = store
        .survey_list(workspace.id)
        .await?
        .into_iter()
        .map(|survey| (survey.id, survey.name))
        .collect();
    let survey_name = |rule: &vouch_store::TagRule| rule.survey.and_then(|id| surveys.get(&id));
    if json {
        let items: Vec<serde_json::Value> = rules
            .iter()
            .map(|rule| {
                json!({
                    "id": rule.id.0,
                    "tag": rule.tag,
                    "match": rule.terms,
                    "survey": survey_name(rule),
                    "tagged": rule.tagged,
                    "caught_up": rule.caught_up(),
                    "created_at": rule.created_at.to_string(),
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = rules
        .iter()
        .map(|rule| {
            vec![
                rule.id.0.to_string(),
                rule.tag.clone(),
                rule.terms.clone(),
                survey_name(rule)
                    .cloned()
                    .unwrap_or_else(|| "every survey".into()),
                rule.tagged.to_string(),
            ]
        })
        .collect();
    let header = ["id", "tag", "match", "survey", "tagged"];
    out!(
        "{}",
        table::render(&header, &rows, &[true, false, false, false, true])
    );
    Ok(())
}
