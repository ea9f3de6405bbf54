//! `GET /api/v1/responses/{id}` and `GET /api/v1/responses`: reading answers back.
//!
//! The list selects with the workspace's live index — the same selection a report with the
//! same filters counts — and reads the page's responses through
//! `vouch_analytics::disclosure`, which applies the anonymity rules.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use vouch_analytics::disclosure::{self, ShownAnswer};
use vouch_analytics::{FollowUp, Query};
use vouch_store::{ResponseId, SurveyId};

use super::{ResponseJson, ResponsePage, anonymous_answers, responses_json};
use crate::openapi::ReadErrors;
use crate::params::{Params, one_word, query_error, where_filters};
use crate::report::row_filter;
use vouch_analytics::search::SearchCursor;
use vouch_core::text::Term;
use vouch_web::ApiState;
use vouch_web::auth::Caller;
use vouch_web::error::{ApiError, Result};
use vouch_web::fresh::fresh_index;
use vouch_web::json::{PathId, QueryPairs, path_id};

/// Read one response.
#[utoipa::path(
    get,
    path = "/api/v1/responses/{id}",
    tag = "responses",
    params(("id" = i64, Path, description = "The response's id")),
    responses((status = 200, description = "The response", body = ResponseJson), ReadErrors),
    security(("api_key" = []))
)]
pub(super) async fn get_response(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response> {
    let id = path_id(&id, "response")?;
    let workspace = caller.workspace;
    let index = fresh_index(&state, workspace).await?;
    let found = disclosure::answer(state.store(), workspace, &index, ResponseId(id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no response with id {id}")))?;
    match found.answer {
        Ok(ShownAnswer::Open(response)) => {
            let mut json = responses_json(state.store(), workspace, &[&response]).await?;
            let json = json
                .pop()
                .ok_or_else(|| ApiError::not_found("no such response"))?;
            Ok(axum::Json(json).into_response())
        }
        Ok(ShownAnswer::Anonymous(_)) | Err(_) => Err(anonymous_answers()),
    }
}

/// The parameters of the list.
const LIST_PARAMETERS: [&str; 12] = [
    "survey_id",
    "from",
    "to",
    "category",
    "score",
    "where",
    "text",
    "tag",
    "theme",
    "q",
    "limit",
    "cursor",
];

/// List responses, latest answer first (by `created_at`, then id), filtered; with `q`, the
/// responses whose comment matches the search, best match first.
///
/// Filters combine like those of the report: `where` is repeatable (AND across attributes,
/// OR between values of one attribute), values compared as the attribute's kind. Answers to
/// eNPS surveys are never listed.
#[utoipa::path(
    get,
    path = "/api/v1/responses",
    tag = "responses",
    params(
        ("survey_id" = Option<i64>, Query, description = "Only this survey's responses"),
        ("from" = Option<String>, Query, description = "Given at or after (RFC 3339, or a date: midnight UTC)"),
        ("to" = Option<String>, Query, description = "Given before (RFC 3339, or a date: midnight UTC)"),
        ("category" = Option<String>, Query, description = "`promoter`, `passive` or `detractor`"),
        ("score" = Option<u8>, Query, description = "Only this score, 0 to 10"),
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable", explode = true),
        ("text" = Option<String>, Query, description = "A word the comment contains (case-insensitive, whole word)"),
        ("tag" = Option<Vec<String>>, Query, description = "Only responses carrying this tag; repeatable (any of them)", explode = true),
        ("theme" = Option<Vec<String>>, Query, description = "Only responses in this theme (an id from the themes report, or tag:NAME); repeatable", explode = true),
        ("q" = Option<String>, Query, description = "Ranked search of comments: words, prefix*, \"quoted phrases\" (at most 8 terms); responses holding more and rarer terms first"),
        ("limit" = Option<usize>, Query, description = "Page size (default 100, at most 1000)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
    ),
    responses((status = 200, description = "A page of responses", body = ResponsePage), ReadErrors),
    security(("api_key" = []))
)]
pub(super) async fn list_responses(
    State(state): State<ApiState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let params = Params::new(pairs, &LIST_PARAMETERS)?;
    let workspace = caller.workspace;
    let Some(surveys) = listed_surveys(&state, workspace, params.one("survey_id")?).await? else {
        return Ok(axum::Json(ResponsePage {
            data: Vec::new(),
            next_cursor: None,
        })
        .into_response());
    };
    let filters = params.all("where");
    let names = filters
        .iter()
        .filter_map(|filter| filter.split_once('=').map(|(name, _)| name.trim()));
    let kinds = state
        .caches()
        .attributes
        .kinds(state.store(), workspace, names)
        .await?;
    let query = Query {
        surveys,
        from: params.instant("from")?,
        to: params.instant("to")?,
        filters: where_filters(&filters, &kinds)?,
        text: one_word(params.one("text")?)?,
        scores: score_mask(params.one("category")?, params.one("score")?)?,
        ..Query::default()
    };
    let limit = params.limit(state.limits())?;
    let search = match params.one("q")? {
        Some(q) => Some(
            Term::parse_search(q).map_err(|error| ApiError::validation("q", error.to_string()))?,
        ),
        None => None,
    };
    let rows = row_filter(&state, &caller, &params, None).await?;
    let index = fresh_index(&state, workspace).await?;
    let (listing, next_cursor) = {
        let index = index.read();
        let query = Query {
            rows: rows.rows(&index),
            ..query
        };
        match &search {
            Some(terms) => {
                let cursor = search_cursor(params.one("cursor")?)?;
                let found = index
                    .search(&query, terms, cursor, limit)
                    .map_err(query_error)?;
                (found.listing, found.next.map(|next| next.to_string()))
            }
            None => {
                let cursor = params.list_position()?;
                let listing = index
                    .listing(&query, &FollowUp::Any, cursor, limit)
                    .map_err(query_error)?;
                let next = listing.next.map(|position| position.to_string());
                (listing, next)
            }
        }
    };
    let answers = listing.read(state.store(), workspace).await?;
    // Only customer surveys are listed here (see `listed_surveys`).
    let open: Vec<&vouch_store::StoredResponse> = answers
        .iter()
        .filter_map(|answer| match answer {
            ShownAnswer::Open(response) => Some(response),
            ShownAnswer::Anonymous(_) => None,
        })
        .collect();
    let page = ResponsePage {
        data: responses_json(state.store(), workspace, &open).await?,
        next_cursor,
    };
    Ok(axum::Json(page).into_response())
}

/// The `cursor` of a search's next page.
fn search_cursor(text: Option<&str>) -> Result<Option<SearchCursor>> {
    text.map(|text| {
        text.parse()
            .map_err(|reason: String| ApiError::validation("cursor", reason))
    })
    .transpose()
}

/// The surveys a list may show: the one asked for (404 when unknown, 403 when eNPS), or every
/// NPS survey; `None` when there is none.
async fn listed_surveys(
    state: &ApiState,
    workspace: vouch_store::WorkspaceId,
    asked: Option<&str>,
) -> Result<Option<Vec<SurveyId>>> {
    let listings = state.store().surveys(workspace).await?;
    let Some(text) = asked else {
        let open: Vec<SurveyId> = listings
            .iter()
            .filter(|listing| !listing.survey.kind.is_anonymous())
            .map(|listing| listing.survey.id)
            .collect();
        return Ok((!open.is_empty()).then_some(open));
    };
    let id = text
        .parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| ApiError::validation("survey_id", "survey_id must be a survey's id"))?;
    let listing = listings
        .iter()
        .find(|listing| listing.survey.id == SurveyId(id))
        .ok_or_else(|| ApiError::NotFound {
            message: format!("no survey with id {id}"),
            field: Some("survey_id".into()),
        })?;
    if listing.survey.kind.is_anonymous() {
        return Err(anonymous_answers());
    }
    Ok(Some(vec![SurveyId(id)]))
}

/// The scores a `category` and a `score` parameter keep (both: those both keep).
fn score_mask(category: Option<&str>, score: Option<&str>) -> Result<Option<[bool; 11]>> {
    let by_category = match category {
        None => None,
        Some("promoter") => Some(std::array::from_fn(|s| s >= 9)),
        Some("passive") => Some(std::array::from_fn(|s| s == 7 || s == 8)),
        Some("detractor") => Some(std::array::from_fn(|s| s <= 6)),
        Some(other) => {
            return Err(ApiError::validation(
                "category",
                format!("unknown category {other:?} (promoter, passive or detractor)"),
            ));
        }
    };
    let by_score: Option<[bool; 11]> = match score {
        None => None,
        Some(text) => match text.parse::<usize>() {
            Ok(score) if score <= 10 => Some(std::array::from_fn(|s| s == score)),
            _ => {
                return Err(ApiError::validation(
                    "score",
                    "score must be a whole number from 0 to 10",
                ));
            }
        },
    };
    Ok(match (by_category, by_score) {
        (Some(a), Some(b)) => Some(std::array::from_fn(|s| a[s] && b[s])),
        (a, b) => a.or(b),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(mask: Option<[bool; 11]>) -> Vec<usize> {
        let mask = mask.expect("a mask");
        (0..=10).filter(|&score| mask[score]).collect()
    }

    #[test]
    fn categories_and_scores_select_scores() {
        assert_eq!(score_mask(None, None).unwrap(), None);
        assert_eq!(kept(score_mask(Some("promoter"), None).unwrap()), [9, 10]);
        assert_eq!(kept(score_mask(Some("passive"), None).unwrap()), [7, 8]);
        assert_eq!(
            kept(score_mask(Some("detractor"), None).unwrap()),
            [0, 1, 2, 3, 4, 5, 6]
        );
        assert_eq!(kept(score_mask(None, Some("3")).unwrap()), [3]);
        assert_eq!(
            kept(score_mask(Some("promoter"), Some("3")).unwrap()),
            Vec::<usize>::new()
        );
        for (category, score, field) in [
            (Some("fan"), None, "category"),
            (None, Some("11"), "score"),
            (None, Some("7.5"), "score"),
        ] {
            let error = score_mask(category, score).unwrap_err();
            assert_eq!(error.body().error.field.as_deref(), Some(field));
        }
    }
}
