//! `GET /app/inbox/{id}`: one response — score, comment, who and their attributes (never for
//! eNPS), its follow-up (status, assignee, tags) and internal notes — with the forms that
//! change them: `POST /app/inbox/{id}/workflow` and `POST /app/inbox/{id}/notes` — a Reply box
//! that emails its author (`response_reply.rs`; never offered for eNPS) — and its history
//! (`history.rs`).
//!
//! The forms post the session's CSRF token as `csrf`; the POST handlers take a [`Writer`], so a
//! viewer (whose forms are drawn disabled) or a forged form gets 403 and changes nothing. A
//! valid change answers 303 back to the page (post/redirect/get); an invalid one shows the
//! page again with the error beside its field (422).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use vouch_analytics::disclosure::{self, AnonymousAnswer, ShownAnswer, ShownDate, Withheld};
use vouch_core::{ANONYMITY_MIN_COMMENTS, ANONYMITY_MIN_RESPONSES};
use vouch_store::{
    Actor, ResponseId, ResponseNote, ResponseStatus, StoredResponse, Survey, WorkspaceId,
};

use super::directory::Directory;
use super::filter_bar::{Choice, status_choices};
use super::filters::{one, query_pairs, status_label, with_query};
use super::fresh::Freshness;
use super::history::{HistoryLine, history_lines};
use super::inbox::{assignee_choices, status_class};
use super::listing::known_tags;
use super::path_id;
use super::response_forms::{FormState, checked_note, checked_workflow};
use super::response_nav::{self, Neighbours};
use super::view::{AttributeRow, ScoreChip, attribute_rows, date_time, iso_date, shown_date};
use crate::layout::{DashboardError, Frame, Nav, render_status};
use crate::session::{Viewer, Writer};
use vouch_web::replies::reply_possible;
use vouch_web::state::AppState;

/// The inbox parameters carried from the list to a response and back.
const LIST_PARAMETERS: [&str; 15] = [
    "survey",
    "period",
    "from",
    "to",
    "interval",
    "where",
    "channel",
    "category",
    "text",
    "status",
    "assignee",
    "tag",
    "before",
    "add_attr",
    "add_value",
];

/// One note as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoteView {
    /// Who wrote it.
    pub(crate) author: String,
    /// The text.
    pub(crate) body: String,
    /// When.
    pub(crate) when: String,
    /// When, for `<time datetime>`.
    pub(crate) when_iso: String,
}

/// `templates/dashboard/pages/response.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/response.html")]
pub(crate) struct ResponsePage {
    /// The frame.
    pub(crate) frame: Frame,
    /// The inbox with the filters it was opened from.
    pub(crate) back_href: String,
    /// The newer and older answers of that list.
    pub(crate) neighbours: Neighbours,
    /// "Follow-up saved.", "Note added.": what the last form did.
    pub(crate) saved: Option<&'static str>,
    /// True when the contact's attributes now are those they had when answering (shown once).
    pub(crate) attributes_unchanged: bool,
    /// The survey's name and overview.
    pub(crate) survey_name: String,
    /// The survey's overview.
    pub(crate) survey_href: String,
    /// The score; `None` when hidden (eNPS survey under 5 answers).
    pub(crate) chip: Option<ScoreChip>,
    /// The comment, when there is one to show.
    pub(crate) comment: Option<String>,
    /// Why the score or comment is not shown, if so.
    pub(crate) hidden_note: Option<String>,
    /// Email or external id; "anonymous" for eNPS.
    pub(crate) who: String,
    /// True for eNPS.
    pub(crate) anonymous: bool,
    /// The contact's page (not for eNPS).
    pub(crate) contact_href: Option<String>,
    /// When (a month for eNPS).
    pub(crate) when: String,
    /// How it arrived.
    pub(crate) channel: String,
    /// The attributes as they were when answering (not for eNPS).
    pub(crate) answer_attributes: Vec<AttributeRow>,
    /// The contact's latest attributes (not for eNPS).
    pub(crate) contact_attributes: Vec<AttributeRow>,
    /// The status chip's modifier.
    pub(crate) status_class: &'static str,
    /// The status.
    pub(crate) status: &'static str,
    /// The status choices.
    pub(crate) statuses: Vec<Choice>,
    /// The assignee choices.
    pub(crate) assignees: Vec<Choice>,
    /// The tags as the field holds them: `billing, support`.
    pub(crate) tags: String,
    /// Tags in use, for suggestions.
    pub(crate) known_tags: Vec<String>,
    /// The notes, oldest first.
    pub(crate) notes: Vec<NoteView>,
    /// The changes made to its tags, status and assignee, oldest first.
    pub(crate) history: Vec<HistoryLine>,
    /// Where the follow-up form posts.
    pub(crate) workflow_action: String,
    /// Where the note form posts.
    pub(crate) notes_action: String,
    /// Whether the Reply box is shown (its author may be written to).
    pub(crate) reply_offered: bool,
    /// Why the author may not be written to (never said for eNPS: no box at all).
    pub(crate) reply_reason: Option<String>,
    /// Where the reply form posts.
    pub(crate) reply_action: String,
    /// Errors and values of a form sent back.
    pub(crate) form: FormState,
}

/// A response the viewer may see, as it may show, with its survey.
pub(super) struct Found {
    /// Its id.
    pub(super) id: ResponseId,
    answer: Result<ShownAnswer, Withheld>,
    survey: Survey,
}

/// The response with this path id, if the viewer may see its survey; 404 otherwise.
pub(super) async fn find(
    state: &AppState,
    viewer: &Viewer,
    freshness: &Freshness,
    id: &str,
) -> Result<Found, DashboardError> {
    let id = path_id(id).ok_or(DashboardError::NotFound)?;
    let workspace = viewer.workspace();
    let live = freshness.index(state, workspace).await?;
    let found = disclosure::answer(state.store(), workspace, &live, ResponseId(id))
        .await?
        .ok_or(DashboardError::NotFound)?;
    let survey = state
        .store()
        .survey(workspace, found.survey)
        .await?
        .filter(|survey| viewer.can_see(survey))
        .ok_or(DashboardError::NotFound)?;
    Ok(Found {
        id: found.id,
        answer: found.answer,
        survey,
    })
}

/// The list parameters of a query string, to carry back to the inbox.
pub(super) fn list_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query_pairs(query)
        .into_iter()
        .filter(|(name, _)| LIST_PARAMETERS.contains(&name.as_str()))
        .collect()
}

/// `GET /app/inbox/{id}`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Extension(directory): Extension<Arc<Directory>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let found = find(&state, &viewer, &freshness, &id).await?;
    let pairs = list_pairs(query.as_deref());
    let saved = match one(&query_pairs(query.as_deref()), SAVED) {
        Some("follow-up") => Some("Follow-up saved."),
        Some("note") => Some("Note added."),
        Some("reply") => Some("Reply sent: it is emailed in a moment, see the history."),
        _ => None,
    };
    let id = found.id;
    let mut page = build(&state, &viewer, found, &pairs, FormState::default()).await?;
    page.neighbours =
        response_nav::neighbours(&state, &viewer, &freshness, &directory, id, &pairs).await?;
    page.saved = saved;
    Ok(render_status(&page, StatusCode::OK))
}

/// `POST /app/inbox/{id}/workflow`: `status`, `assignee` (a member's id, empty: nobody),
/// `tags` (comma-separated).
pub(crate) async fn change_workflow(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let found = find(&state, &viewer, &freshness, &id).await?;
    let pairs = list_pairs(query.as_deref());
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let workspace = viewer.workspace();
    let members = state.store().members(workspace).await?;
    let (change, form) = checked_workflow(&fields, &members);
    if form.status_error.is_some() || form.assignee_error.is_some() || form.tags_error.is_some() {
        let page = build(&state, &viewer, found, &pairs, form).await?;
        return Ok(render_status(&page, StatusCode::UNPROCESSABLE_ENTITY));
    }
    state
        .store()
        .change_workflow(
            workspace,
            found.id,
            &change,
            Actor::Member(viewer.user.id),
            Timestamp::now(),
        )
        .await?;
    Ok(back_to(found.id, &pairs, "follow-up"))
}

/// `POST /app/inbox/{id}/notes`: `note`, the text of an internal note.
pub(crate) async fn add_note(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let found = find(&state, &viewer, &freshness, &id).await?;
    let pairs = list_pairs(query.as_deref());
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let text = fields
        .iter()
        .find(|(key, _)| key == "note")
        .map(|(_, value)| value.trim())
        .unwrap_or_default();
    if let Err(message) = checked_note(text) {
        let form = FormState {
            note_error: Some(message),
            note: text.to_owned(),
            ..FormState::default()
        };
        let page = build(&state, &viewer, found, &pairs, form).await?;
        return Ok(render_status(&page, StatusCode::UNPROCESSABLE_ENTITY));
    }
    state
        .store()
        .add_note(
            viewer.workspace(),
            found.id,
            viewer.user.id,
            text,
            Timestamp::now(),
        )
        .await?;
    Ok(back_to(found.id, &pairs, "note"))
}

/// The parameter that says, once, what the last form saved.
const SAVED: &str = "saved";

/// 303 to the response's page, with the list's parameters and what was `saved`.
pub(super) fn back_to(id: ResponseId, pairs: &[(String, String)], saved: &str) -> Response {
    let mut pairs = pairs.to_vec();
    pairs.push((SAVED.to_owned(), saved.to_owned()));
    Redirect::to(&with_query(&format!("/app/inbox/{}", id.0), &pairs)).into_response()
}

/// The page of a response, with `form`'s errors and values.
pub(super) async fn build(
    state: &AppState,
    viewer: &Viewer,
    found: Found,
    pairs: &[(String, String)],
    form: FormState,
) -> Result<ResponsePage, DashboardError> {
    let store = state.store();
    let workspace = viewer.workspace();
    let Found { id, answer, survey } = found;
    let anonymous = survey.kind.is_anonymous();
    let zone = state
        .indexes()
        .get(workspace)
        .await
        .map(|live| live.read().time_zone().clone())?;
    let workflow = store.workflows(workspace, &[id]).await?.into_iter().next();
    let notes = store.notes(workspace, id).await?;
    let members = store.members(workspace).await?;
    let history = history_lines(store, workspace, id, &members, &zone, anonymous).await?;
    let reachable = match &answer {
        Ok(ShownAnswer::Open(response)) => Some(reply_possible(store, workspace, response).await?),
        _ => None,
    };
    let shown = match answer {
        Ok(ShownAnswer::Open(response)) => open_answer(store, workspace, response, &zone).await?,
        Ok(ShownAnswer::Anonymous(answer)) => anonymous_answer(answer),
        Err(why) => withheld_answer(why),
    };
    let status = workflow.as_ref().map_or(ResponseStatus::Open, |w| w.status);
    let assignee = workflow
        .as_ref()
        .and_then(|w| w.assignee)
        .map(|user| user.0);
    let tags = form.tags.clone().unwrap_or_else(|| {
        workflow
            .as_ref()
            .map(|w| w.tags.join(", "))
            .unwrap_or_default()
    });
    let path = format!("/app/inbox/{}", id.0);
    let title = format!("Answer {} · {}", id.0, survey.name);
    Ok(ResponsePage {
        frame: Frame::new(viewer, title, Nav::Inbox).for_survey(survey.id),
        back_href: with_query("/app/inbox", pairs),
        survey_href: format!("/app/surveys/{}", survey.id.0),
        survey_name: survey.name,
        chip: shown.chip,
        comment: shown.comment.filter(|c| !c.trim().is_empty()),
        hidden_note: shown.hidden_note,
        who: shown.who,
        anonymous,
        contact_href: shown.contact_href,
        when: shown.when,
        channel: shown.channel,
        attributes_unchanged: !shown.answer_attributes.is_empty()
            && shown.answer_attributes == shown.contact_attributes,
        contact_attributes: if shown.answer_attributes == shown.contact_attributes {
            Vec::new()
        } else {
            shown.contact_attributes
        },
        answer_attributes: shown.answer_attributes,
        neighbours: Neighbours::default(),
        saved: None,
        status_class: status_class(status),
        status: status_label(status),
        statuses: workflow_statuses(status),
        assignees: assignee_choices(&members, assignee, "Nobody"),
        tags,
        known_tags: known_tags(store, workspace).await,
        notes: note_views(notes, &zone),
        history,
        workflow_action: with_query(&format!("{path}/workflow"), pairs),
        notes_action: with_query(&format!("{path}/notes"), pairs),
        reply_offered: matches!(reachable, Some(Ok(()))),
        reply_reason: match reachable {
            Some(Err(why)) if !anonymous => Some(format!("No reply possible: {why}.")),
            _ => None,
        },
        reply_action: with_query(&format!("{path}/replies"), pairs),
        form,
    })
}

/// The statuses an answer can be moved to (without the filter's "any"), `current` selected.
fn workflow_statuses(current: ResponseStatus) -> Vec<Choice> {
    let mut statuses = status_choices(Some(current));
    statuses.remove(0);
    statuses
}

/// The team's notes, with their times in the workspace's zone.
fn note_views(notes: Vec<ResponseNote>, zone: &jiff::tz::TimeZone) -> Vec<NoteView> {
    notes
        .into_iter()
        .map(|note| NoteView {
            author: note.author_name,
            body: note.body,
            when: date_time(note.created_at, zone),
            when_iso: iso_date(note.created_at, zone),
        })
        .collect()
}

/// What the page shows of the answer itself.
struct ShownParts {
    chip: Option<ScoreChip>,
    comment: Option<String>,
    hidden_note: Option<String>,
    who: String,
    contact_href: Option<String>,
    when: String,
    channel: String,
    answer_attributes: Vec<AttributeRow>,
    contact_attributes: Vec<AttributeRow>,
}

/// A customer's answer: who gave it, when, and their attributes then and now.
async fn open_answer(
    store: &dyn vouch_store::Store,
    workspace: WorkspaceId,
    response: StoredResponse,
    zone: &jiff::tz::TimeZone,
) -> Result<ShownParts, DashboardError> {
    let contact = store.contact_by_id(workspace, response.contact).await?;
    let who = contact
        .as_ref()
        .and_then(|c| c.email.clone().or_else(|| c.external_id.clone()))
        .unwrap_or_else(|| "unknown contact".to_owned());
    let latest = contact
        .as_ref()
        .map(|c| attribute_rows(&c.attributes))
        .unwrap_or_default();
    Ok(ShownParts {
        chip: Some(ScoreChip::new(response.score)),
        comment: response.comment.clone(),
        hidden_note: None,
        who,
        contact_href: contact.map(|c| format!("/app/contacts/{}", c.id.0)),
        when: date_time(response.created_at, zone),
        channel: response.channel.clone(),
        answer_attributes: attribute_rows(&response.attributes),
        contact_attributes: latest,
    })
}

/// An eNPS answer, as its survey's listing shows it.
fn anonymous_answer(answer: AnonymousAnswer) -> ShownParts {
    let hidden_note = answer.comment_withheld.then(|| {
        format!(
            "Comments of this eNPS survey show from {ANONYMITY_MIN_COMMENTS} answers, to protect \
             anonymity."
        )
    });
    ShownParts {
        chip: Some(ScoreChip::new(answer.score)),
        comment: answer.comment,
        hidden_note,
        who: "anonymous".to_owned(),
        contact_href: None,
        when: shown_date(answer.when),
        channel: String::new(),
        answer_attributes: Vec::new(),
        contact_attributes: Vec::new(),
    }
}

/// An eNPS answer that may not show at all.
fn withheld_answer(why: Withheld) -> ShownParts {
    let note = match why {
        Withheld::TooFew => format!(
            "This eNPS survey has fewer than {ANONYMITY_MIN_RESPONSES} answers: its answers are \
             hidden to protect anonymity."
        ),
        Withheld::Narrowed => "This answer is hidden to protect anonymity.".to_owned(),
    };
    ShownParts {
        chip: None,
        comment: None,
        hidden_note: Some(note),
        who: "anonymous".to_owned(),
        contact_href: None,
        when: shown_date(ShownDate::Withheld),
        channel: String::new(),
        answer_attributes: Vec::new(),
        contact_attributes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_list_parameters_ride_along() {
        let pairs = list_pairs(Some("status=closed&before=9&csrf=secret&x=1"));
        assert_eq!(
            pairs,
            vec![
                ("status".to_owned(), "closed".to_owned()),
                ("before".to_owned(), "9".to_owned())
            ]
        );
    }
}
