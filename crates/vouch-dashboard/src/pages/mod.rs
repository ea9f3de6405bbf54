//! The dashboard's content pages: the survey list, a survey's overview and segments, the
//! response inbox with each response's follow-up, contacts, and survey settings.
//!
//! | route | page |
//! |---|---|
//! | `GET /app/surveys` | [`surveys`]: every survey the viewer may see, with its NPS and a sparkline |
//! | `GET /app/surveys/{id}` | [`overview`]: NPS ± MOE, change, split, distribution, trend, rate, comments |
//! | `GET /app/surveys/{id}/segments?by=ATTR` | [`segments`]: NPS by an attribute's values |
//! | `GET /app/surveys/{id}/themes` | [`themes`]: automatic themes and tags with NPS, impact, value, trend |
//! | `POST /app/surveys/{id}/themes/find`, `POST …/themes/{theme}/tag` | find themes again; make a theme a tag (members+) |
//! | `GET /app/surveys/{id}/customers/…` | [`customers`]: personas, revenue, churn, accounts at risk |
//! | `GET, POST /app/surveys/{id}/settings` | [`settings`]: wording, brand, languages, link, widget (members+) |
//! | `GET /app/inbox` | [`inbox`]: every response, latest answer first, filtered, counted and paged by cursor |
//! | `POST /app/inbox/columns` | [`inbox_columns`]: the attributes the member's inbox rows show |
//! | `GET /app/inbox/export` | [`inbox_export`]: the view's answers of one survey as CSV, JSON lines or Parquet |
//! | `GET /app/inbox/{id}` | [`response`]: one response, its follow-up, notes and history |
//! | `POST /app/inbox/{id}/workflow`, `POST /app/inbox/{id}/notes` | status, assignee, tags; a note (members+) |
//! | `GET /app/contacts/{id}` | [`contact`]: a contact's attributes and NPS answers |
//! | `GET /app/tags` | `tags`: the tags with their responses and rules, the keyword rules and their progress |
//! | `POST /app/tags`, `POST /app/tags/rename`, `/merge`, `/delete` | `tag_forms`: a new tag, a rename, a merge, a delete (confirmed) (members+) |
//! | `POST /app/rules`, `POST /app/rules/delete` | `rules`: count a rule's matches or save it; delete one (members+) |
//! | `GET /app/rules/progress` | `rules`: each rule's share of the past matched, JSON for the page's script |
//! | `GET /assets/dashboard-pages.js` | [`script`]: keyboard navigation and small conveniences |
//!
//! Every filter is a GET parameter ([`filters`]), so a view is a URL. Figures come from the
//! workspace's live analytics index (never a scan of the store), through
//! `vouch_analytics::report::build_report`, which applies eNPS anonymity; these pages only
//! lay the figures out.
//!
//! **Anonymity (eNPS).** A viewer without the HR permission never learns that an eNPS survey
//! exists: it is not listed and its pages answer 404, as for a survey of another workspace.
//! With HR, figures are those of `build_report` (groups and periods under 5 left out), the
//! comments of a selection show only from 10 answers, and nothing that could identify a
//! respondent is shown: no contact, no attributes, no time finer than the month.

mod comments;
pub(crate) mod contact;
mod customers;
mod digest;
mod directory;
mod filter_bar;
pub(crate) mod filters;
mod fresh;
mod history;
pub(crate) mod inbox;
mod inbox_columns;
mod inbox_export;
mod inbox_search;
mod listing;
pub(crate) mod overview;
mod periods;
pub(crate) mod response;
mod response_forms;
mod response_nav;
mod response_reply;
mod rules;
pub(crate) mod script;
pub(crate) mod segments;
pub(crate) mod settings;
pub(crate) mod surveys;
mod tag_forms;
mod tags;
mod theme_rows;
pub(crate) mod themes;
mod view;
mod why_moved;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::{Extension, Router};
use vouch_store::{Survey, SurveyId};

use super::layout::DashboardError;
use super::session::Viewer;
use vouch_web::state::AppState;

/// The routes of the content pages (merged into [`super::router`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/surveys", get(surveys::page))
        .route("/app/surveys/{id}", get(overview::page))
        .route("/app/surveys/{id}/segments", get(segments::page))
        .route("/app/surveys/{id}/themes", get(themes::page))
        .route("/app/surveys/{id}/themes/find", post(themes::find_again))
        .route(
            "/app/surveys/{id}/themes/{theme}/tag",
            post(themes::make_tag),
        )
        .route(
            "/app/surveys/{id}/customers/personas",
            get(customers::personas::page),
        )
        .route(
            "/app/surveys/{id}/customers/leads",
            get(customers::leads::page),
        )
        .route(
            "/app/surveys/{id}/customers/leads/train",
            post(customers::leads::train),
        )
        .route(
            "/app/surveys/{id}/customers/revenue",
            get(customers::revenue::page),
        )
        .route(
            "/app/surveys/{id}/customers/revenue/rates",
            post(customers::revenue::save_rates),
        )
        .route(
            "/app/surveys/{id}/customers/churn",
            get(customers::churn::page),
        )
        .route(
            "/app/surveys/{id}/customers/at-risk",
            get(customers::at_risk::page),
        )
        .route(
            "/app/surveys/{id}/settings",
            get(settings::page).post(settings::save),
        )
        .route("/app/inbox", get(inbox::page))
        .route("/app/inbox/columns", post(inbox_columns::save))
        .route("/app/inbox/export", get(inbox_export::export))
        .route(
            vouch_jobs::digest::DIGEST_PATH,
            get(digest::digest).post(digest::choose),
        )
        .route("/app/inbox/{id}", get(response::page))
        .route("/app/inbox/{id}/workflow", post(response::change_workflow))
        .route("/app/inbox/{id}/notes", post(response::add_note))
        .route("/app/inbox/{id}/replies", post(response_reply::send_reply))
        .route("/app/contacts/{id}", get(contact::page))
        .route("/app/tags", get(tags::page).post(tag_forms::create))
        .route("/app/tags/rename", post(tag_forms::rename))
        .route("/app/tags/merge", post(tag_forms::merge))
        .route("/app/tags/delete", post(tag_forms::delete))
        .route("/app/rules", post(rules::submit))
        .route("/app/rules/delete", post(rules::delete))
        .route("/app/rules/progress", get(rules::progress))
        .route("/assets/dashboard-pages.js", get(script::serve))
        .layer(Extension(Arc::new(fresh::Freshness::default())))
        .layer(Extension(Arc::new(directory::Directory::default())))
}

/// An id from a path: a positive whole number, else nothing (the page answers 404).
pub(crate) fn path_id(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|&id| id > 0)
}

/// The survey with this path id, if the viewer may see it: 404 for an id of another
/// workspace, an unknown one, and an eNPS survey without the HR permission alike.
pub(crate) async fn visible_survey(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<Survey, DashboardError> {
    let id = path_id(id).ok_or(DashboardError::NotFound)?;
    let survey = state
        .store()
        .survey(viewer.workspace(), SurveyId(id))
        .await?
        .ok_or(DashboardError::NotFound)?;
    if viewer.can_see(&survey) {
        Ok(survey)
    } else {
        Err(DashboardError::NotFound)
    }
}

/// Every survey of the workspace the viewer may see, oldest first (from the pages' directory:
/// see [`directory`]).
pub(crate) async fn visible_surveys(
    state: &AppState,
    viewer: &Viewer,
    directory: &Arc<directory::Directory>,
) -> Result<Vec<Survey>, DashboardError> {
    let surveys = directory.surveys(state, viewer.workspace()).await?;
    Ok(surveys
        .iter()
        .filter(|survey| viewer.can_see(survey))
        .cloned()
        .collect())
}

/// How many answers a survey has, from the index (every answer, whatever the filters).
pub(crate) fn answer_count(index: &vouch_analytics::ResponseIndex, survey: SurveyId) -> u64 {
    let query = vouch_analytics::Query {
        surveys: vec![survey],
        ..vouch_analytics::Query::default()
    };
    index
        .plan(&query)
        .map(|plan| index.run(&plan).total.responses())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_are_positive_whole_numbers() {
        assert_eq!(path_id("12"), Some(12));
        for refused in ["0", "-3", "x", "", "1.5", "99999999999999999999"] {
            assert_eq!(path_id(refused), None, "{refused}");
        }
    }
}
