//! The inbox's columns: which attributes each row shows, chosen by each member for themselves
//! and kept with their membership (`POST /app/inbox/columns`).
//!
//! Until a member chooses, rows show the [`DEFAULT_COLUMNS`] attributes the listed surveys'
//! answers carry most. A saved choice keeps its order; an attribute that no longer exists is
//! dropped from it when shown.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use vouch_analytics::ResponseIndex;
use vouch_store::{AttributeDefinition, Attributes, MemberPreferences, SurveyId};

use crate::layout::{DashboardError, message_page};
use crate::session::Csrf;
use vouch_web::state::AppState;

/// The most attributes a row shows.
pub(crate) const MAX_COLUMNS: usize = 6;

/// How many attributes a row shows until the member chooses.
pub(crate) const DEFAULT_COLUMNS: usize = 3;

/// One attribute offered in the columns form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnChoice {
    /// The attribute's name.
    pub(crate) name: String,
    /// True when rows show it.
    pub(crate) checked: bool,
}

/// The attributes rows show: the member's saved choice (of attributes still defined), else
/// the ones the surveys' answers carry most.
pub(crate) fn shown_columns(
    saved: Option<&[String]>,
    definitions: &[AttributeDefinition],
    index: &ResponseIndex,
    surveys: &[SurveyId],
) -> Vec<String> {
    match saved {
        Some(saved) => saved
            .iter()
            .filter(|name| definitions.iter().any(|d| &d.name == *name))
            .take(MAX_COLUMNS)
            .cloned()
            .collect(),
        None => index
            .carried_attributes(surveys)
            .into_iter()
            .take(DEFAULT_COLUMNS)
            .map(|(name, _, _)| name.to_owned())
            .collect(),
    }
}

/// The form's checkboxes: the shown attributes first, in their order, then the others by name.
pub(crate) fn choices(shown: &[String], definitions: &[AttributeDefinition]) -> Vec<ColumnChoice> {
    let mut choices: Vec<ColumnChoice> = shown
        .iter()
        .map(|name| ColumnChoice {
            name: name.clone(),
            checked: true,
        })
        .collect();
    let mut others: Vec<&str> = definitions
        .iter()
        .map(|d| d.name.as_str())
        .filter(|name| !shown.iter().any(|shown| shown == name))
        .collect();
    others.sort_unstable();
    choices.extend(others.into_iter().map(|name| ColumnChoice {
        name: name.to_owned(),
        checked: false,
    }));
    choices
}

/// "plan: pro · mrr: 120": the shown attributes a response carries, in the columns' order.
pub(crate) fn row_text(columns: &[String], attributes: &Attributes) -> String {
    columns
        .iter()
        .filter_map(|name| {
            let value = attributes.get(name)?;
            Some(format!("{name}: {}", value.canonical()))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// What the columns form asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Asked {
    /// Back to the default choice.
    Default,
    /// These attributes, in order.
    Columns(Vec<String>),
}

/// Reads the form: `column` (repeated), or `reset`; every name must be a defined attribute.
fn asked(
    fields: &[(String, String)],
    definitions: &[AttributeDefinition],
) -> Result<Asked, String> {
    if fields.iter().any(|(key, _)| key == "reset") {
        return Ok(Asked::Default);
    }
    let mut columns: Vec<String> = Vec::new();
    for (_, name) in fields.iter().filter(|(key, _)| key == "column") {
        if !definitions.iter().any(|d| &d.name == name) {
            return Err(format!(
                "There is no attribute named “{name}” in this workspace."
            ));
        }
        if !columns.contains(name) {
            columns.push(name.clone());
        }
    }
    if columns.len() > MAX_COLUMNS {
        return Err(format!(
            "Choose at most {MAX_COLUMNS} columns ({} were chosen).",
            columns.len()
        ));
    }
    Ok(Asked::Columns(columns))
}

/// Where to go back to after saving: the inbox page the form was on (its filters), never
/// another site or another page.
fn back_path(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .find(|(key, _)| key == "back")
        .map(|(_, back)| back.as_str())
        .filter(|back| {
            (*back == "/app/inbox" || back.starts_with("/app/inbox?"))
                && !back.contains(['\\', '\r', '\n'])
        })
        .unwrap_or("/app/inbox")
        .to_owned()
}

/// `POST /app/inbox/columns`: `column` (repeated, in order) or `reset`, and `back`. Any
/// member, viewers included, chooses their own columns.
pub(crate) async fn save(
    Csrf(viewer): Csrf,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let store = state.store();
    let workspace = viewer.workspace();
    let definitions = store.attribute_definitions(workspace).await?;
    let inbox_columns = match asked(&fields, &definitions) {
        Ok(Asked::Default) => None,
        Ok(Asked::Columns(columns)) => Some(columns),
        Err(message) => {
            let body = format!("{message} Nothing was changed.");
            return Ok(message_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "These columns cannot be shown",
                &body,
            ));
        }
    };
    let mut preferences = store.member_preferences(workspace, viewer.user.id).await?;
    preferences.inbox_columns = inbox_columns;
    store
        .set_member_preferences(workspace, viewer.user.id, &preferences)
        .await?;
    Ok(Redirect::to(&back_path(&fields)).into_response())
}

/// A member's saved choices, the defaults when they cannot be read.
pub(crate) async fn saved(state: &AppState, viewer: &crate::session::Viewer) -> MemberPreferences {
    state
        .store()
        .member_preferences(viewer.workspace(), viewer.user.id)
        .await
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use vouch_core::AttributeKind;

    use super::*;

    fn definitions() -> Vec<AttributeDefinition> {
        ["country", "mrr", "plan"]
            .into_iter()
            .map(|name| AttributeDefinition {
                name: name.to_owned(),
                kind: AttributeKind::String,
            })
            .collect()
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn the_form_keeps_the_order_asked_and_refuses_unknown_or_too_many() {
        let defined = definitions();
        let asked_for = fields(&[("column", "plan"), ("column", "mrr"), ("column", "plan")]);
        assert_eq!(
            asked(&asked_for, &defined),
            Ok(Asked::Columns(vec!["plan".into(), "mrr".into()]))
        );
        assert_eq!(asked(&fields(&[]), &defined), Ok(Asked::Columns(vec![])));
        assert_eq!(
            asked(&fields(&[("column", "plan"), ("reset", "")]), &defined),
            Ok(Asked::Default)
        );
        let unknown = asked(&fields(&[("column", "seats")]), &defined).unwrap_err();
        assert!(unknown.contains("seats"), "{unknown}");
        let many: Vec<AttributeDefinition> = (0..=MAX_COLUMNS)
            .map(|n| AttributeDefinition {
                name: format!("a{n}"),
                kind: AttributeKind::String,
            })
            .collect();
        let all: Vec<(String, String)> = many
            .iter()
            .map(|d| ("column".to_owned(), d.name.clone()))
            .collect();
        assert!(asked(&all, &many).unwrap_err().contains("at most"));
    }

    #[test]
    fn saving_goes_back_to_the_inbox_only() {
        let back = |to: &str| back_path(&fields(&[("back", to)]));
        assert_eq!(
            back("/app/inbox?survey=2&before=1.2"),
            "/app/inbox?survey=2&before=1.2"
        );
        assert_eq!(back("/app/inbox"), "/app/inbox");
        for elsewhere in [
            "https://evil.example/",
            "//evil.example",
            "/app/settings",
            "/app/inboxes",
        ] {
            assert_eq!(back(elsewhere), "/app/inbox", "{elsewhere}");
        }
        assert_eq!(back_path(&[]), "/app/inbox");
    }

    #[test]
    fn the_checkboxes_list_the_shown_columns_first_then_the_rest_by_name() {
        let shown = vec!["plan".to_owned(), "country".to_owned()];
        let listed: Vec<(String, bool)> = choices(&shown, &definitions())
            .into_iter()
            .map(|choice| (choice.name, choice.checked))
            .collect();
        assert_eq!(
            listed,
            [
                ("plan".to_owned(), true),
                ("country".to_owned(), true),
                ("mrr".to_owned(), false)
            ]
        );
    }
}
