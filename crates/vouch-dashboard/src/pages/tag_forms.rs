//! The tag forms of `/app/tags` (members+): `POST /app/tags` (a new tag), `POST
//! /app/tags/rename`, `POST /app/tags/merge` and `POST /app/tags/delete`.
//!
//! Names are checked by `vouch_core::tag::check_tag_name`, the one check the API and the
//! command line use; the store's `Conflict` (a name another tag has) and `NotFound` come back
//! as the error of the field at fault. A refused form renders the page again with what was
//! typed (422) and changes nothing; a done one answers 303 back to the page. A delete posted
//! without `confirm=yes` (the button inside the page's `<details>` sends it) shows a
//! confirmation step first, so nothing is deleted by a single click.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use vouch_core::tag::{check_tag_name, tag_key};
use vouch_store::{Actor, StoreError};
use vouch_web::state::AppState;

use super::tags::{MergeForm, NameForm, RenameForm, TagForms, render_tags, saved_redirect};
use crate::layout::{DashboardError, Frame, Nav, render};
use crate::session::{Viewer, Writer};

/// A form's fields, in order (a field may repeat: the merge form's ticked tags).
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    /// The fields of an `application/x-www-form-urlencoded` body (none when it cannot be read).
    pub(crate) fn read(body: &Bytes) -> Fields {
        Fields(serde_urlencoded::from_bytes(body).unwrap_or_default())
    }

    /// The first value of `name`, as typed ("" without one).
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// Every value of `name`, as typed.
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }
}

/// A message as a sentence: its first letter up, a full stop at the end.
pub(crate) fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut text: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !text.ends_with(['.', '?', '!', '…']) {
        text.push('.');
    }
    text
}

/// A tag name as kept, or the sentence saying what is wrong with it.
pub(crate) fn checked_name(typed: &str) -> Result<String, String> {
    if typed.is_empty() {
        return Err("Give the tag a name.".to_owned());
    }
    check_tag_name(typed).map_err(|error| sentence(&error.to_string()))
}

/// The sentence of a store refusal that names what is wrong (`Conflict`), else the error.
fn refusal(error: StoreError) -> Result<String, DashboardError> {
    match error {
        StoreError::Conflict(message) => Ok(sentence(&message)),
        StoreError::NotFound(_) => Ok("That tag no longer exists: reload the page.".to_owned()),
        other => Err(other.into()),
    }
}

/// `POST /app/tags`: `name`, a new tag of the set.
pub(crate) async fn create(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let fields = Fields::read(&body);
    let typed = fields.get("name");
    let error = match checked_name(typed) {
        Ok(name) => match state.store().create_tag(viewer.workspace(), &name).await {
            Ok(()) => return Ok(saved_redirect("created", &name, "tags")),
            Err(error) => refusal(error)?,
        },
        Err(message) => message,
    };
    let forms = TagForms {
        create: NameForm {
            value: typed.to_owned(),
            error: Some(error),
        },
        ..TagForms::default()
    };
    render_tags(&state, &viewer, forms, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// `POST /app/tags/rename`: `from`, the tag; `name`, its new name (a change of case alone is a
/// rename; the name of another tag is refused: merge instead).
pub(crate) async fn rename(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let fields = Fields::read(&body);
    let (from, typed) = (fields.get("from").trim(), fields.get("name"));
    let error = match checked_name(typed) {
        Ok(to) => {
            let actor = Actor::Member(viewer.user.id);
            let store = state.store();
            match store
                .rename_tag(viewer.workspace(), from, &to, actor, Timestamp::now())
                .await
            {
                Ok(_) => return Ok(saved_redirect("renamed", &to, "tags")),
                Err(error) => refusal(error)?,
            }
        }
        Err(message) => message,
    };
    let forms = TagForms {
        rename: Some(RenameForm {
            from: from.to_owned(),
            value: typed.to_owned(),
            error,
        }),
        ..TagForms::default()
    };
    render_tags(&state, &viewer, forms, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// The merge form checked: the tags merged away and the name they become; else the form with
/// its errors.
fn checked_merge(fields: &Fields) -> Result<(Vec<String>, String), MergeForm> {
    let ticked = fields.all("from");
    let mut form = MergeForm {
        from: ticked.clone(),
        into: fields.get("into").to_owned(),
        ..MergeForm::default()
    };
    let into = checked_name(&form.into).map_err(|message| form.into_error = Some(message));
    let from: Vec<String> = ticked
        .iter()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    if from.is_empty() {
        form.from_error = Some("Tick at least one tag to merge.".to_owned());
    } else if let Ok(into) = &into
        && from.iter().all(|name| tag_key(name) == tag_key(into))
    {
        form.from_error = Some(format!(
            "Tick at least one tag other than “{into}”, the one they are merged into."
        ));
    }
    match into {
        Ok(into) if form.from_error.is_none() => Ok((from, into)),
        _ => Err(form),
    }
}

/// `POST /app/tags/merge`: `from` (repeated), the tags merged away; `into`, the tag they
/// become (created if missing).
pub(crate) async fn merge(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let fields = Fields::read(&body);
    let form = match checked_merge(&fields) {
        Ok((from, into)) => {
            let actor = Actor::Member(viewer.user.id);
            let store = state.store();
            match store
                .merge_tags(viewer.workspace(), &from, &into, actor, Timestamp::now())
                .await
            {
                Ok(_) => return Ok(saved_redirect("merged", &into, "tags")),
                Err(StoreError::NotFound(_)) => MergeForm {
                    from,
                    into,
                    from_error: Some(
                        "One of the ticked tags no longer exists: reload the page.".to_owned(),
                    ),
                    into_error: None,
                },
                Err(error) => MergeForm {
                    into_error: Some(refusal(error)?),
                    from,
                    into,
                    from_error: None,
                },
            }
        }
        Err(form) => form,
    };
    let forms = TagForms {
        merge: form,
        ..TagForms::default()
    };
    render_tags(&state, &viewer, forms, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// `templates/dashboard/pages/tag_delete.html`: the confirmation step of a delete.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/tag_delete.html")]
struct DeletePage {
    frame: Frame,
    name: String,
    responses: String,
    rules: u64,
}

/// `POST /app/tags/delete`: `name`; with `confirm=yes` the tag leaves every response and its
/// rules are deleted, without it the confirmation step shows.
pub(crate) async fn delete(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let fields = Fields::read(&body);
    let name = fields.get("name").trim();
    if fields.get("confirm") != "yes" {
        return confirm_delete(&state, &viewer, name).await;
    }
    let actor = Actor::Member(viewer.user.id);
    state
        .store()
        .delete_tag(viewer.workspace(), name, actor, Timestamp::now())
        .await?;
    Ok(saved_redirect("deleted", name, "tags"))
}

/// The confirmation step of deleting `name`; 404 without such a tag.
async fn confirm_delete(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
) -> Result<Response, DashboardError> {
    let tags = state.store().tags(viewer.workspace()).await?;
    let tag = tags
        .into_iter()
        .find(|tag| tag_key(&tag.name) == tag_key(name))
        .ok_or(DashboardError::NotFound)?;
    let page = DeletePage {
        frame: Frame::new(viewer, format!("Delete “{}”", tag.name), Nav::Tags),
        responses: vouch_charts::format_count(tag.responses),
        rules: tag.rules,
        name: tag.name,
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn names_are_refused_with_a_sentence_naming_the_fault() {
        assert_eq!(checked_name(" Billing "), Ok("Billing".to_owned()));
        assert_eq!(checked_name(""), Err("Give the tag a name.".to_owned()));
        let blank = checked_name("   ").unwrap_err();
        assert!(blank.starts_with("A tag name needs"), "{blank}");
        let long = checked_name(&"x".repeat(41)).unwrap_err();
        assert_eq!(
            long,
            "A tag name has at most 40 characters; this one has 41."
        );
    }

    #[test]
    fn a_merge_needs_a_tag_other_than_its_target() {
        let none = checked_merge(&fields(&[("into", "billing")])).unwrap_err();
        assert!(none.from_error.is_some() && none.into_error.is_none());
        let itself =
            checked_merge(&fields(&[("from", "Billing"), ("into", "billing")])).unwrap_err();
        assert!(itself.from_error.unwrap_or_default().contains("other than"));
        let blank = checked_merge(&fields(&[("from", "a"), ("into", " ")])).unwrap_err();
        assert!(blank.into_error.is_some());
        let done = checked_merge(&fields(&[("from", "a"), ("from", "b"), ("into", "c")]));
        assert_eq!(done.ok(), Some((vec!["a".into(), "b".into()], "c".into())));
    }

    #[test]
    fn sentences_start_up_and_end_with_a_stop() {
        assert_eq!(sentence("the tag \"a\" exists"), "The tag \"a\" exists.");
        assert_eq!(sentence("done."), "Done.");
        assert_eq!(sentence(""), "");
    }
}
