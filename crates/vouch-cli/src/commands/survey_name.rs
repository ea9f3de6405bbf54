//! Finding a survey by the name typed after `--survey`: the exact name, else the one name it
//! matches ignoring case; a near miss is offered back rather than guessed.

use vouch_core::survey::{near_name, same_name};
use vouch_store::{Store, Survey, Workspace};

use crate::bad_input;

/// What a typed survey name found.
pub(crate) enum Found {
    /// The survey it names.
    Survey(Box<Survey>),
    /// No survey; `near` is the name it was probably meant to be.
    Missing {
        /// A survey name a few edits away, if any.
        near: Option<String>,
        /// Every survey name of the workspace, oldest first.
        names: Vec<String>,
    },
}

/// The survey `typed` names in `workspace`: exactly, else ignoring case. Two surveys whose
/// names differ only by case make a case-insensitive match ambiguous: bad input.
pub(crate) async fn find_survey(
    store: &dyn Store,
    workspace: &Workspace,
    typed: &str,
) -> anyhow::Result<Found> {
    let typed = typed.trim();
    if let Some(survey) = store.survey_by_name(workspace.id, typed).await? {
        return Ok(Found::Survey(Box::new(survey)));
    }
    let surveys = store.survey_list(workspace.id).await?;
    let mut matching = surveys
        .iter()
        .filter(|survey| same_name(typed, &survey.name));
    match (matching.next(), matching.next()) {
        (Some(survey), None) => return Ok(Found::Survey(Box::new(survey.clone()))),
        (Some(one), Some(other)) => bad_input!(
            "--survey: {typed:?} matches both {:?} and {:?}: type the name exactly",
            one.name,
            other.name
        ),
        _ => {}
    }
    let names: Vec<String> = surveys.into_iter().map(|survey| survey.name).collect();
    let near = near_name(typed, names.iter().map(String::as_str)).map(str::to_owned);
    Ok(Found::Missing { near, names })
}

/// The survey `typed` names, or bad input that says what there is instead.
pub(crate) async fn existing_survey(
    store: &dyn Store,
    workspace: &Workspace,
    typed: &str,
) -> anyhow::Result<Survey> {
    match find_survey(store, workspace, typed).await? {
        Found::Survey(survey) => Ok(*survey),
        Found::Missing { near, names } => {
            bad_input!("{}", missing_message(typed, workspace, near, &names))
        }
    }
}

/// "no survey named X in workspace W; did you mean Y?" (or the list of surveys).
pub(crate) fn missing_message(
    typed: &str,
    workspace: &Workspace,
    near: Option<String>,
    names: &[String],
) -> String {
    let typed = typed.trim();
    let start = format!(
        "--survey: no survey named {typed:?} in workspace {:?}",
        workspace.slug
    );
    match near {
        Some(near) => format!("{start}; did you mean {near:?}?"),
        None if names.is_empty() => format!("{start}, and the workspace has none yet"),
        None => {
            let quoted: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
            format!("{start}; it has {}", quoted.join(", "))
        }
    }
}
