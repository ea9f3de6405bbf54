//! `vouch themes`: the themes of a survey's comments (found automatically, and the tags), with
//! their volume, NPS, what each costs or earns the survey's NPS, their detractors' value and
//! how their comments feel.

use vouch_analytics::rules::run_rule;
use vouch_analytics::theme_report::theme_report;
use vouch_analytics::themes::{ThemeSet, ThemeSources, discover, promotion_rule};
use vouch_analytics::{ResponseIndex, sync};
use vouch_store::{Store, Survey, ThemeId, Workspace};
use vouch_web::wire_themes::ThemesJson;

use super::report::{selection_query, tag_and_theme_filters, value_attribute, workspace_time_zone};
use super::survey_name::existing_survey;
use crate::feedback_cli::ThemesArgs;
use crate::{bad_input, out, outln, table};

/// Runs `vouch themes`.
pub async fn themes(
    store: &dyn Store,
    workspace: &Workspace,
    args: &ThemesArgs,
) -> anyhow::Result<()> {
    let survey = existing_survey(store, workspace, &args.survey).await?;
    let definitions = store.attribute_definitions(workspace.id).await?;
    let mut query = selection_query(&args.selection, &survey, &definitions)?;
    let value = value_attribute(args.value_attribute.as_deref(), &definitions)?;
    let mut index = ResponseIndex::new(workspace_time_zone(workspace)?);
    sync::catch_up(store, workspace.id, Some(survey.id), &mut index).await?;
    find_themes_if_needed(store, workspace, &survey, &index, args.refresh).await?;
    if let Some(id) = &args.promote {
        return promote(store, workspace, &survey, id, args.as_tag.as_deref()).await;
    }
    query.rows = tag_and_theme_filters(store, &index, workspace, &survey, &args.selection).await?;
    let sources = ThemeSources::load(store, workspace.id, survey.id).await?;
    let report = match theme_report(&index, &query, sources.entries(&index), value.as_deref()) {
        Ok(report) => report,
        Err(error) => bad_input!("{error}"),
    };
    let json = ThemesJson::from(&report);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        out!("{}", render_table(&survey, &json));
    }
    Ok(())
}

/// Saves the rule that turns a theme into a tag and runs it over the past.
async fn promote(
    store: &dyn Store,
    workspace: &Workspace,
    survey: &Survey,
    id: &str,
    tag: Option<&str>,
) -> anyhow::Result<()> {
    let set = ThemeSet::load(store, workspace.id, Some(survey.id)).await?;
    let theme = id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| set.theme(ThemeId(id)));
    let Some(theme) = theme else {
        bad_input!(
            "--promote: no theme {id:?} in {:?} (see vouch themes --survey)",
            survey.name
        );
    };
    let (rule, _) = match promotion_rule(theme, tag) {
        Ok(checked) => checked,
        Err(error) => bad_input!("--as: {error}"),
    };
    let saved = store
        .create_rule(workspace.id, &rule, jiff::Timestamp::now())
        .await?;
    let pass = run_rule(store, workspace.id, &saved, |_| {}).await?;
    outln!(
        "theme {} ({:?}) is now the tag {:?}: rule {} matches {}",
        theme.id.0,
        theme.label,
        saved.tag,
        saved.id.0,
        saved.terms
    );
    outln!("matched {}", pass.matched);
    Ok(())
}

/// Finds the survey's themes when it has none yet, or when asked.
async fn find_themes_if_needed(
    store: &dyn Store,
    workspace: &Workspace,
    survey: &Survey,
    index: &ResponseIndex,
    refresh: bool,
) -> anyhow::Result<()> {
    if !refresh && store.theme_run(workspace.id, survey.id).await?.is_some() {
        return Ok(());
    }
    let comments = index.stats().comments;
    let found = discover(store, workspace.id, survey.id, comments).await?;
    eprintln!(
        "found {} theme(s) in the comments of {:?}",
        found.len(),
        survey.name
    );
    Ok(())
}

fn render_table(survey: &Survey, report: &ThemesJson) -> String {
    let figure = |value: Option<f64>| value.map_or("–".to_owned(), |v| format!("{v:.1}"));
    let rows: Vec<Vec<String>> = report
        .themes
        .iter()
        .map(|theme| {
            vec![
                theme.id.clone(),
                theme.label.clone(),
                theme.responses.to_string(),
                figure(theme.nps),
                figure(theme.margin_of_error).replace('–', ""),
                figure(theme.impact),
                theme
                    .detractor_value
                    .map_or(String::new(), |v| format!("{v:.0}")),
            ]
        })
        .collect();
    let header = [
        "id",
        "theme",
        "responses",
        "NPS",
        "±",
        "impact",
        "detractor value",
    ];
    format!(
        "{}: {} responses, NPS {}\n{}",
        survey.name,
        report.responses,
        figure(report.nps),
        table::render(
            &header,
            &rows,
            &[false, false, true, true, true, true, true]
        )
    )
}
