//! `GET /app/inbox`: every response the viewer may see, latest answer first, a page at a time
//! (the `before` cursor), with the overview's filters plus survey, status, assignee and tag,
//! and how many answers the whole selection holds.
//!
//! Each row: score chip, comment, who (email or external id; "anonymous" for eNPS), a few
//! attributes (never for eNPS), status, assignee, tags. `j`/`k` move between rows and Enter
//! opens one (`assets/dashboard-pages.js`); without script the rows are plain links.
//!
//! Rows come from `vouch_analytics::disclosure`, which applies the anonymity rules: an eNPS
//! survey with fewer than 5 answers under the filters, or filtered by an attribute, is left
//! out (and said so); its comments show only from 10, its dates only as finely as allowed.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use vouch_analytics::disclosure::{Listing, ShownAnswer, Withheld};
use vouch_analytics::{FollowUp, ListPosition, Query, ResponseIndex};
use vouch_core::ANONYMITY_MIN_RESPONSES;
use vouch_store::{
    Membership, ResponseId, ResponseWorkflow, Store, Survey, SurveyId, User, WorkspaceId,
};

use super::directory::Directory;
use super::filter_bar::{BarOptions, Choice, FilterBar, InboxFields, bad_filter, status_choices};
use super::filters::selection::Selector;
use super::filters::{
    ChipNames, FilterError, Filters, Preset, Range, one, query_pairs, status_label, with_query,
};
use super::fresh::Freshness;
use super::inbox_columns::{self, ColumnChoice};
use super::inbox_search::Search;
use super::listing::{follow_up, known_tags, who_answered};
use super::view::{ScoreChip, date_time, iso_date, shown_date};
use super::visible_surveys;
use crate::layout::{DashboardError, Frame, Nav, render};
use crate::session::Viewer;
use vouch_web::state::AppState;

/// Responses per page.
const PAGE_SIZE: usize = 50;

/// One response of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InboxRow {
    /// The response's page (with the list's filters, to come back to).
    pub(crate) href: String,
    /// The score.
    pub(crate) chip: ScoreChip,
    /// Email or external id; "anonymous" for eNPS.
    pub(crate) who: String,
    /// True for eNPS.
    pub(crate) anonymous: bool,
    /// When (a month for eNPS).
    pub(crate) when: String,
    /// The date for `<time datetime>` (empty for eNPS).
    pub(crate) when_iso: String,
    /// The comment, when there is one to show.
    pub(crate) comment: String,
    /// Why the comment is not shown (eNPS under 10 answers).
    pub(crate) comment_hidden: bool,
    /// The survey's name.
    pub(crate) survey: String,
    /// `open`, `progress` or `closed`: the status chip's modifier.
    pub(crate) status_class: &'static str,
    /// "Open", "In progress", "Closed".
    pub(crate) status: &'static str,
    /// Who is on it.
    pub(crate) assignee: Option<String>,
    /// Its tags.
    pub(crate) tags: Vec<String>,
    /// "plan: pro · country: FR": the chosen columns (never for eNPS).
    pub(crate) attributes: String,
}

/// `templates/dashboard/pages/inbox.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/inbox.html")]
pub(crate) struct InboxPage {
    /// The frame.
    pub(crate) frame: Frame,
    /// The filter bar.
    pub(crate) bar: FilterBar,
    /// The range shown.
    pub(crate) range_label: String,
    /// "1,234 answers": the whole selection, over every page.
    pub(crate) total_label: String,
    /// The page's responses.
    pub(crate) rows: Vec<InboxRow>,
    /// The next (older) page, when there is one.
    pub(crate) older_href: Option<String>,
    /// The first page, when this is not it.
    pub(crate) newest_href: Option<String>,
    /// Sentences under the list: hidden eNPS surveys, an unapplied filter.
    pub(crate) notes: Vec<String>,
    /// When the list is empty: its title and text.
    pub(crate) empty: Option<(String, String)>,
    /// The columns form's checkboxes.
    pub(crate) columns: Vec<ColumnChoice>,
    /// This page's URL, to come back to after choosing columns.
    pub(crate) columns_back: String,
    /// The most columns a row shows.
    pub(crate) max_columns: usize,
    /// The view's download links.
    pub(crate) download: super::inbox_export::Download,
}

/// `GET /app/inbox`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Extension(directory): Extension<Arc<Directory>>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let store = state.store();
    let workspace = viewer.workspace();
    let frame = Frame::new(&viewer, "Inbox", Nav::Inbox);
    let definitions = store.attribute_definitions(workspace).await?;
    let pairs = query_pairs(query.as_deref());
    let mut filters = match Filters::parse(&pairs, &definitions) {
        Ok(filters) => filters,
        Err(error) => return Ok(bad_filter(frame, "/app/inbox", error)),
    };
    let before = match one(&pairs, "before").map(str::parse::<ListPosition>) {
        None => None,
        Some(Ok(position)) => Some(position),
        Some(Err(_)) => {
            let error = FilterError {
                field: "before",
                message: "not a page of this list: start from the newest answers".to_owned(),
            };
            return Ok(bad_filter(frame, "/app/inbox", error));
        }
    };
    let visible = visible_surveys(&state, &viewer, &directory).await?;
    let surveys = match chosen_surveys(&visible, filters.survey) {
        Ok(surveys) => surveys,
        Err(error) => return Ok(bad_filter(frame, "/app/inbox", error)),
    };
    let survey = filters.survey.map(SurveyId);
    let selector = match Selector::load(store, workspace, survey, &filters).await? {
        Ok(selector) => selector,
        Err(error) => return Ok(bad_filter(frame, "/app/inbox", error)),
    };
    let mut search = Search::parse(&pairs);
    let members = store.members(workspace).await?;
    let follow_up = follow_up(store, workspace, &filters).await?;
    let live = freshness.index(&state, workspace).await?;
    let saved = inbox_columns::saved(&state, &viewer).await;
    let (selection, columns) = {
        let index = live.read();
        selector.apply(&index, &mut filters);
        let ids: Vec<SurveyId> = surveys.iter().map(|survey| survey.id).collect();
        let saved = saved.inbox_columns.as_deref();
        let columns = inbox_columns::shown_columns(saved, &definitions, &index, &ids);
        let mut selection = select(&index, &filters, &surveys, &follow_up, before);
        if search.active() && selection.listing.is_some() {
            let (_, query) = list_query(&index, &filters, &ids);
            match search.page(&index, &query, &follow_up, PAGE_SIZE) {
                Ok((listing, next)) => {
                    selection.listing = Some(listing);
                    selection.search_next = next;
                }
                Err(message) => search.error = Some(message),
            }
        }
        (selection, columns)
    };
    let names = member_names(&members);
    let context = ListContext {
        filters: &filters,
        surveys: &surveys,
        names: &names,
        columns: &columns,
    };
    let listed = list_rows(&state, workspace, &context, &selection, before).await?;
    let mut inbox = inbox_fields(store, workspace, &filters, &visible, &members).await;
    inbox.search = search.text.clone();
    inbox.search_error = search.error.clone();
    let options = BarOptions {
        names: ChipNames {
            themes: selector.theme_names.clone(),
            ..chip_names(&filters, &surveys, &names)
        },
        inbox: Some(inbox),
        ..BarOptions::default()
    };
    let bar = FilterBar::new(
        "/app/inbox",
        &filters,
        &selection.range,
        &definitions,
        options,
    );
    let page = InboxPage {
        frame,
        bar,
        range_label: selection.range.label.clone(),
        total_label: match search.active() && search.error.is_none() {
            true => search.summary(listed.total),
            false => total_label(listed.total),
        },
        older_href: match search.active() {
            true => selection.search_next.map(|next| {
                let mut pairs = filters.pairs();
                pairs.push(("q".to_owned(), search.text.clone()));
                pairs.push(("after".to_owned(), next.to_string()));
                with_query("/app/inbox", &pairs)
            }),
            false => older_href(&filters, &listed),
        },
        newest_href: before.map(|_| filters.href("/app/inbox")),
        empty: listed
            .rows
            .is_empty()
            .then(|| empty_state(&surveys, selection.any_answers)),
        rows: listed.rows,
        notes: listed.notes,
        columns: inbox_columns::choices(&columns, &definitions),
        columns_back: current_href(&filters, before),
        max_columns: inbox_columns::MAX_COLUMNS,
        download: super::inbox_export::download(&filters, &surveys),
    };
    Ok(render(&page))
}

/// The surveys listed: the one the filters name, or every visible one.
pub(crate) fn chosen_surveys(
    visible: &[Survey],
    chosen: Option<i64>,
) -> Result<Vec<&Survey>, FilterError> {
    let Some(id) = chosen else {
        return Ok(visible.iter().collect());
    };
    match visible.iter().find(|survey| survey.id.0 == id) {
        Some(survey) => Ok(vec![survey]),
        None => Err(FilterError {
            field: "survey",
            message: "no such survey".to_owned(),
        }),
    }
}

/// What the index selects for the page, read under one lock.
struct Selection {
    zone: TimeZone,
    range: Range,
    /// The page of answers; `None` when no survey is listed.
    listing: Option<Listing>,
    /// True when the surveys have any answers at all (for the empty state).
    any_answers: bool,
    /// Where a search's next page starts.
    search_next: Option<vouch_analytics::search::SearchCursor>,
}

/// The range, the page of answers below `before`, and whether the surveys have any answers.
fn select(
    index: &ResponseIndex,
    filters: &Filters,
    surveys: &[&Survey],
    follow_up: &FollowUp,
    before: Option<ListPosition>,
) -> Selection {
    let zone = index.time_zone().clone();
    let all: Vec<SurveyId> = surveys.iter().map(|survey| survey.id).collect();
    let (range, query) = list_query(index, filters, &all);
    let any_answers = !all.is_empty()
        && index
            .plan(&Query {
                surveys: all.clone(),
                ..Query::default()
            })
            .is_ok_and(|plan| index.run(&plan).total.responses() > 0);
    // An empty survey list would mean "every survey": list nothing instead.
    let listing = if all.is_empty() {
        None
    } else {
        index.listing(&query, follow_up, before, PAGE_SIZE).ok()
    };
    Selection {
        zone,
        range,
        listing,
        any_answers,
        search_next: None,
    }
}

/// The list's range (all time unless the filters say otherwise) and its query over `surveys`.
pub(crate) fn list_query(
    index: &ResponseIndex,
    filters: &Filters,
    surveys: &[SurveyId],
) -> (Range, Query) {
    let range = filters.range(index.time_zone(), Timestamp::now(), Preset::All);
    let query = filters.query(surveys.to_vec(), range.from, range.to);
    (range, query)
}

/// The members' names by user id.
fn member_names(members: &[(User, Membership)]) -> HashMap<i64, String> {
    members
        .iter()
        .map(|(user, _)| (user.id.0, user.name.clone()))
        .collect()
}

/// The rows of a page, with the notes on what is left out.
struct Listed {
    rows: Vec<InboxRow>,
    /// Sentences on the eNPS surveys whose answers are left out.
    notes: Vec<String>,
    /// Where the next (older) page starts, when there is one.
    next: Option<ListPosition>,
    /// How many answers the selection lists over every page.
    total: u64,
}

/// What every row of the list is read with.
struct ListContext<'a> {
    filters: &'a Filters,
    surveys: &'a [&'a Survey],
    /// Members' names by user id.
    names: &'a HashMap<i64, String>,
    /// The attributes each row shows.
    columns: &'a [String],
}

/// This page's own URL: its filters and cursor.
fn current_href(filters: &Filters, before: Option<ListPosition>) -> String {
    let mut pairs = filters.pairs();
    if let Some(before) = before {
        pairs.push(("before".to_owned(), before.to_string()));
    }
    with_query("/app/inbox", &pairs)
}

/// Reads the selected answers, their follow-up and contacts, as rows linking back to the list.
async fn list_rows(
    state: &AppState,
    workspace: WorkspaceId,
    list: &ListContext<'_>,
    selection: &Selection,
    before: Option<ListPosition>,
) -> Result<Listed, DashboardError> {
    let ListContext {
        filters,
        surveys,
        names,
        columns,
    } = *list;
    let store = state.store();
    let survey_of: HashMap<SurveyId, &Survey> = surveys.iter().map(|s| (s.id, *s)).collect();
    let mut notes: Vec<String> = Vec::new();
    let (answers, next, total) = match &selection.listing {
        Some(listing) => {
            for (survey, why) in &listing.withheld {
                if let Some(survey) = survey_of.get(survey) {
                    notes.push(withheld_note(&survey.name, *why));
                }
            }
            let answers = listing.read(store, workspace).await?;
            (answers, listing.next, listing.total)
        }
        None => (Vec::new(), None, 0),
    };
    let ids: Vec<ResponseId> = answers.iter().map(ShownAnswer::id).collect();
    let workflows = if ids.is_empty() {
        Vec::new()
    } else {
        store.workflows(workspace, &ids).await?
    };
    let mut list_pairs = filters.pairs();
    if let Some(before) = before {
        list_pairs.push(("before".to_owned(), before.to_string()));
    }
    let mut rows = Vec::with_capacity(answers.len());
    for answer in answers {
        let Some(survey) = survey_of.get(&answer.survey()) else {
            continue;
        };
        let id = answer.id();
        let context = RowContext {
            survey,
            workflow: workflows.iter().find(|w| w.response == id),
            names,
            columns,
            zone: &selection.zone,
            href: with_query(&format!("/app/inbox/{}", id.0), &list_pairs),
        };
        rows.push(inbox_row(state, workspace, answer, context).await?);
    }
    Ok(Listed {
        rows,
        notes,
        next,
        total,
    })
}

/// The next (older) page, when there is one.
fn older_href(filters: &Filters, listed: &Listed) -> Option<String> {
    let next = listed.next?;
    let mut pairs = filters.pairs();
    pairs.push(("before".to_owned(), next.to_string()));
    Some(with_query("/app/inbox", &pairs))
}

/// "1 answer", "1,234 answers".
fn total_label(total: u64) -> String {
    let noun = if total == 1 { "answer" } else { "answers" };
    format!("{} {noun}", vouch_charts::format_count(total))
}

/// The names the chips show for the survey and the assignee filtered on.
fn chip_names(filters: &Filters, surveys: &[&Survey], names: &HashMap<i64, String>) -> ChipNames {
    ChipNames {
        survey: surveys
            .first()
            .filter(|_| filters.survey.is_some())
            .map(|s| s.name.clone()),
        assignee: filters
            .assignee
            .and_then(|user| names.get(&user.0).cloned()),
        themes: Vec::new(),
    }
}

/// The filter bar's inbox fields: survey, status, assignee and tag (with the workspace's
/// tags to suggest, none when they cannot be read).
async fn inbox_fields(
    store: &dyn Store,
    workspace: WorkspaceId,
    filters: &Filters,
    visible: &[Survey],
    members: &[(User, Membership)],
) -> InboxFields {
    let known_tags = known_tags(store, workspace).await;
    InboxFields {
        surveys: survey_choices(visible, filters.survey),
        statuses: status_choices(filters.status),
        assignees: assignee_choices(members, filters.assignee.map(|user| user.0), "Anyone"),
        search: String::new(),
        search_error: None,
        known_tags,
    }
}

/// What a row needs besides its response.
struct RowContext<'a> {
    survey: &'a Survey,
    workflow: Option<&'a ResponseWorkflow>,
    names: &'a HashMap<i64, String>,
    columns: &'a [String],
    zone: &'a TimeZone,
    href: String,
}

async fn inbox_row(
    state: &AppState,
    workspace: WorkspaceId,
    answer: ShownAnswer,
    context: RowContext<'_>,
) -> Result<InboxRow, DashboardError> {
    let status = context
        .workflow
        .map_or(vouch_store::ResponseStatus::Open, |w| w.status);
    let mut row = InboxRow {
        href: context.href,
        chip: ScoreChip::new(answer.score()),
        who: String::new(),
        anonymous: false,
        when: String::new(),
        when_iso: String::new(),
        comment: String::new(),
        comment_hidden: false,
        survey: context.survey.name.clone(),
        status_class: status_class(status),
        status: status_label(status),
        assignee: context
            .workflow
            .and_then(|w| w.assignee)
            .and_then(|user| context.names.get(&user.0).cloned()),
        tags: context.workflow.map(|w| w.tags.clone()).unwrap_or_default(),
        attributes: String::new(),
    };
    match answer {
        ShownAnswer::Open(response) => {
            row.who = who_answered(state.store(), workspace, response.contact).await?;
            row.attributes = inbox_columns::row_text(context.columns, &response.attributes);
            row.when = date_time(response.created_at, context.zone);
            row.when_iso = iso_date(response.created_at, context.zone);
            row.comment = response.comment.unwrap_or_default();
        }
        ShownAnswer::Anonymous(answer) => {
            row.who = "anonymous".to_owned();
            row.anonymous = true;
            row.when = shown_date(answer.when);
            row.comment = answer.comment.unwrap_or_default();
            row.comment_hidden = answer.comment_withheld;
        }
    }
    Ok(row)
}

/// Why an eNPS survey's answers are not in the list.
fn withheld_note(survey: &str, why: Withheld) -> String {
    match why {
        Withheld::TooFew => format!(
            "The answers of {survey} are left out: fewer than {ANONYMITY_MIN_RESPONSES} in this \
             selection, to protect anonymity."
        ),
        Withheld::Narrowed => format!(
            "The answers of {survey} are left out: eNPS answers are listed for the whole survey \
             or a period, never under an attribute or channel filter, to protect anonymity. \
             Its figures by attribute are on its overview and segments."
        ),
    }
}

/// The status chip's modifier: `status--open`, `status--progress`, `status--closed`.
pub(crate) fn status_class(status: vouch_store::ResponseStatus) -> &'static str {
    match status {
        vouch_store::ResponseStatus::Open => "open",
        vouch_store::ResponseStatus::InProgress => "progress",
        vouch_store::ResponseStatus::Closed => "closed",
    }
}

fn empty_state(surveys: &[&Survey], any_answers: bool) -> (String, String) {
    if surveys.is_empty() {
        return (
            "No surveys yet".to_owned(),
            "Answers land here once a survey has some: create one and send it.".to_owned(),
        );
    }
    if !any_answers {
        return (
            "No answers yet".to_owned(),
            "Send your first survey (its public link, the widget or an email campaign): every \
             answer shows here, newest first."
                .to_owned(),
        );
    }
    (
        "No answers match".to_owned(),
        "Nothing in this range matches these filters. Clear a filter or widen the range."
            .to_owned(),
    )
}

fn survey_choices(surveys: &[Survey], current: Option<i64>) -> Vec<Choice> {
    let mut choices = vec![Choice {
        value: String::new(),
        label: "Every survey".to_owned(),
        selected: current.is_none(),
    }];
    choices.extend(surveys.iter().map(|survey| Choice {
        value: survey.id.0.to_string(),
        label: survey.name.clone(),
        selected: current == Some(survey.id.0),
    }));
    choices
}

/// The members as choices, `current` selected; first an empty value reading `none_label`
/// ("Anyone" as a filter, "Nobody" as an assignment).
pub(crate) fn assignee_choices(
    members: &[(User, Membership)],
    current: Option<i64>,
    none_label: &str,
) -> Vec<Choice> {
    let mut choices = vec![Choice {
        value: String::new(),
        label: none_label.to_owned(),
        selected: current.is_none(),
    }];
    choices.extend(members.iter().map(|(user, _)| Choice {
        value: user.id.0.to_string(),
        label: user.name.clone(),
        selected: current == Some(user.id.0),
    }));
    choices
}
