//! The teams' tools over HTTP, the same objects as their commands print with `--json`:
//! `GET /api/v1/surveys/{id}/personas`, `…/revenue`, `…/churn`, `…/accounts/at-risk`, and the
//! workspace's revenue rates at `/api/v1/revenue/rates`. Each counts a contact once, with its
//! latest answer in the selection; none is made for an eNPS survey.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use vouch_analytics::at_risk::at_risk;
use vouch_analytics::churn::{DEFAULT_WITHIN_DAYS, check_window, churn};
use vouch_analytics::objections::likely_objections;
use vouch_analytics::personas::{DEFAULT_MIN_CONTACTS, personas};
use vouch_analytics::revenue::revenue;
use vouch_analytics::themes::ThemeSources;
use vouch_analytics::{Query, QueryError};
use vouch_core::revenue::{DEFAULT_VALUE_ATTRIBUTE, Rates};
use vouch_store::Survey;
use vouch_web::ApiState;
use vouch_web::auth::{Caller, WriteCaller};
use vouch_web::error::{ApiError, Result};
use vouch_web::fresh::fresh_index;
use vouch_web::json::{ApiJson, PathId, QueryPairs};
use vouch_web::wire_teams::{
    AtRiskJson, ChurnJson, ObjectionsJson, PersonasJson, RatesJson, RevenueJson, choose_rates,
    contacts_named, refuse_anonymous,
};

use crate::Routes;
use crate::openapi::{ReadErrors, WriteErrors};
use crate::params::{Params, known_attribute, query_error, value_attribute};
use crate::report::{report_query, row_filter};
use crate::surveys::find_survey;

/// The routes of the teams' tools.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add::<__path_survey_personas, _, _>(survey_personas)
        .add::<__path_survey_revenue, _, _>(survey_revenue)
        .add::<__path_survey_churn, _, _>(survey_churn)
        .add::<__path_survey_at_risk, _, _>(survey_at_risk)
        .add::<__path_survey_objections, _, _>(survey_objections)
        .add::<__path_get_rates, _, _>(get_rates)
        .add::<__path_put_rates, _, _>(put_rates)
        .add::<__path_delete_rates, _, _>(delete_rates)
}

/// The selection parameters every tool takes.
const SELECTION: [&str; 6] = ["from", "to", "where", "text", "tag", "theme"];

/// The most themes listed per segment of the likely objections.
const MAX_OBJECTIONS_TOP: i64 = 20;

/// The most accounts one at-risk answer lists.
const MAX_AT_RISK_LIMIT: usize = 10_000;

/// The parameters allowed: the selection's and the tool's own.
fn allowed(own: &[&'static str]) -> Vec<&'static str> {
    SELECTION.iter().chain(own).copied().collect()
}

/// The survey of the path, refused when its answers are anonymous, and the selection's query.
async fn selection(
    state: &ApiState,
    caller: &Caller,
    id: &str,
    params: &Params,
) -> Result<(Survey, Query, vouch_analytics::selection::RowFilter)> {
    let survey = customer_survey(state, caller, id, "survey_id").await?;
    let query = report_query(state, caller, params, survey.id).await?;
    let rows = row_filter(state, caller, params, Some(survey.id)).await?;
    Ok((survey, query, rows))
}

/// The survey of the path, refused (naming `field`) when its answers are anonymous: nothing is
/// counted per person of an eNPS survey.
pub(crate) async fn customer_survey(
    state: &ApiState,
    caller: &Caller,
    id: &str,
    field: &str,
) -> Result<Survey> {
    let survey = find_survey(state, caller, id).await?;
    if let Some(reason) = refuse_anonymous(&survey) {
        return Err(ApiError::validation(field, reason));
    }
    Ok(survey)
}

/// A whole-number parameter in a range, or its default.
fn number(params: &Params, name: &str, default: i64, range: (i64, i64)) -> Result<i64> {
    let Some(text) = params.one(name)? else {
        return Ok(default);
    };
    match text.parse::<i64>() {
        Ok(value) if (range.0..=range.1).contains(&value) => Ok(value),
        _ => Err(ApiError::validation(
            name,
            format!(
                "{name} must be a whole number from {} to {}",
                range.0, range.1
            ),
        )),
    }
}

/// A parameter naming any known attribute.
async fn attribute(
    state: &ApiState,
    caller: &Caller,
    params: &Params,
    name: &str,
) -> Result<Option<String>> {
    let Some(given) = params.one(name)? else {
        return Ok(None);
    };
    let kinds = state
        .caches()
        .attributes
        .kinds(state.store(), caller.workspace, [given])
        .await?;
    known_attribute(name, given, &kinds)?;
    Ok(Some(given.to_owned()))
}

/// The promoter personas: per value of every attribute (numbers and dates in quartile bands),
/// promoter share, lift with its 95 % interval, NPS with its margin of error, highest lift
/// first; values held by fewer than `min_contacts` contacts left out.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/personas",
    tag = "teams",
    params(
        ("id" = i64, Path, description = "The survey's id"),
        ("min_contacts" = Option<u64>, Query, description = "Leave out values held by fewer contacts (default 30)"),
        ("from" = Option<String>, Query, description = "From this instant on (RFC 3339, or a date)"),
        ("to" = Option<String>, Query, description = "Before this instant (RFC 3339, or a date)"),
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable", explode = true),
        ("text" = Option<String>, Query, description = "A word the comment contains, or a prefix"),
        ("tag" = Option<Vec<String>>, Query, description = "Only responses carrying this tag", explode = true),
        ("theme" = Option<Vec<String>>, Query, description = "Only responses in this theme", explode = true),
    ),
    responses((status = 200, description = "The personas", body = PersonasJson), ReadErrors),
    security(("api_key" = []))
)]
async fn survey_personas(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let params = Params::new(pairs, &allowed(&["min_contacts"]))?;
    let min = number(
        &params,
        "min_contacts",
        DEFAULT_MIN_CONTACTS as i64,
        (1, 1_000_000_000),
    )?;
    let (_, mut query, rows) = selection(&state, &caller, &id, &params).await?;
    let index = fresh_index(&state, caller.workspace).await?;
    let index = index.read();
    query.rows = rows.rows(&index);
    let report = personas(&index, &query, min as u64).map_err(query_error)?;
    Ok(axum::Json(PersonasJson::from(&report)).into_response())
}

/// Revenue at risk and referral potential: each contact's value (`value_attribute`, 0 when
/// missing) summed by the category of its latest answer, times the rates (saved, else observed
/// from `churned_at`, else 0.5 / 0.3 / 0.3); per value of `by` too.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/revenue",
    tag = "teams",
    params(
        ("id" = i64, Path, description = "The survey's id"),
        ("value_attribute" = Option<String>, Query, description = "The number attribute that is a contact's value (default mrr)"),
        ("by" = Option<String>, Query, description = "Also per value of this attribute"),
        ("from" = Option<String>, Query, description = "From this instant on"),
        ("to" = Option<String>, Query, description = "Before this instant"),
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable", explode = true),
        ("text" = Option<String>, Query, description = "A word the comment contains"),
        ("tag" = Option<Vec<String>>, Query, description = "Only responses carrying this tag", explode = true),
        ("theme" = Option<Vec<String>>, Query, description = "Only responses in this theme", explode = true),
    ),
    responses((status = 200, description = "The revenue figures", body = RevenueJson), ReadErrors),
    security(("api_key" = []))
)]
async fn survey_revenue(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let params = Params::new(pairs, &allowed(&["value_attribute", "by"]))?;
    let value = value_attribute(&state, &caller, &params)
        .await?
        .unwrap_or_else(|| DEFAULT_VALUE_ATTRIBUTE.to_owned());
    let by = attribute(&state, &caller, &params, "by").await?;
    let (_, mut query, rows) = selection(&state, &caller, &id, &params).await?;
    // `by` groups the revenue figures, not the selection.
    query.group_by.clear();
    query.bands.clear();
    let saved = state.store().revenue_rates(caller.workspace).await?;
    let index = fresh_index(&state, caller.workspace).await?;
    let index = index.read();
    query.rows = rows.rows(&index);
    let report = match revenue(&index, &query, &value, by.as_deref()) {
        Ok(report) => report,
        Err(QueryError::NotANumber(name)) => {
            return Err(ApiError::validation(
                "value_attribute",
                format!("{name:?} is not a number attribute"),
            ));
        }
        Err(error) => return Err(query_error(error)),
    };
    let (rates, source) = choose_rates(saved, &index, &query);
    Ok(axum::Json(RevenueJson::new(&report, &value, rates, source)).into_response())
}

/// Score against churn: the churn rate of promoters, passives and detractors with 95 %
/// intervals (a contact churned when its `churned_at` falls within `within_days` of its latest
/// answer), and how well the score ranks who churned (`auc`).
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/churn",
    tag = "teams",
    params(
        ("id" = i64, Path, description = "The survey's id"),
        ("within_days" = Option<u32>, Query, description = "Days after the latest answer (default 180)"),
        ("from" = Option<String>, Query, description = "From this instant on"),
        ("to" = Option<String>, Query, description = "Before this instant"),
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable", explode = true),
        ("text" = Option<String>, Query, description = "A word the comment contains"),
        ("tag" = Option<Vec<String>>, Query, description = "Only responses carrying this tag", explode = true),
        ("theme" = Option<Vec<String>>, Query, description = "Only responses in this theme", explode = true),
    ),
    responses((status = 200, description = "The churn report", body = ChurnJson), ReadErrors),
    security(("api_key" = []))
)]
async fn survey_churn(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let params = Params::new(pairs, &allowed(&["within_days"]))?;
    let days = match params.one("within_days")? {
        None => DEFAULT_WITHIN_DAYS,
        Some(text) => text
            .parse::<i64>()
            .map_err(|_| {
                ApiError::validation("within_days", "within_days must be a whole number of days")
            })
            .and_then(|days| {
                check_window(days)
                    .map_err(|error| ApiError::validation("within_days", error.to_string()))
            })?,
    };
    let (_, mut query, rows) = selection(&state, &caller, &id, &params).await?;
    let index = fresh_index(&state, caller.workspace).await?;
    let index = index.read();
    query.rows = rows.rows(&index);
    let report = churn(&index, &query, days)
        .map_err(|error| ApiError::validation("churned_at", error.to_string()))?;
    Ok(axum::Json(ChurnJson::from(&report)).into_response())
}

/// The accounts at risk: contacts (or every contact sharing `account_attribute`) whose latest
/// answer is a detractor's or fell by 3 or more from the one before, most valuable first.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/accounts/at-risk",
    tag = "teams",
    params(
        ("id" = i64, Path, description = "The survey's id"),
        ("account_attribute" = Option<String>, Query, description = "Group contacts sharing this attribute into one account"),
        ("value_attribute" = Option<String>, Query, description = "The number attribute that is an account's value (default mrr)"),
        ("limit" = Option<u32>, Query, description = "List at most this many (1–10000, default 1000)"),
        ("from" = Option<String>, Query, description = "From this instant on"),
        ("to" = Option<String>, Query, description = "Before this instant"),
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable", explode = true),
        ("text" = Option<String>, Query, description = "A word the comment contains"),
        ("tag" = Option<Vec<String>>, Query, description = "Only responses carrying this tag", explode = true),
        ("theme" = Option<Vec<String>>, Query, description = "Only responses in this theme", explode = true),
    ),
    responses((status = 200, description = "The accounts at risk", body = AtRiskJson), ReadErrors),
    security(("api_key" = []))
)]
async fn survey_at_risk(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let own = ["account_attribute", "value_attribute", "limit"];
    let params = Params::new(pairs, &allowed(&own))?;
    let limit = number(&params, "limit", 1000, (1, MAX_AT_RISK_LIMIT as i64))? as usize;
    let value = value_attribute(&state, &caller, &params)
        .await?
        .unwrap_or_else(|| DEFAULT_VALUE_ATTRIBUTE.to_owned());
    let account = attribute(&state, &caller, &params, "account_attribute").await?;
    let (_, mut query, rows) = selection(&state, &caller, &id, &params).await?;
    let index = fresh_index(&state, caller.workspace).await?;
    let accounts = {
        let index = index.read();
        query.rows = rows.rows(&index);
        match at_risk(&index, &query, account.as_deref(), &value) {
            Ok(accounts) => accounts,
            Err(QueryError::UnknownAttribute(_)) => Vec::new(),
            Err(error) => return Err(query_error(error)),
        }
    };
    let named = contacts_named(&accounts, limit);
    let contacts = state
        .store()
        .contacts_by_ids(caller.workspace, &named)
        .await?;
    Ok(axum::Json(AtRiskJson::new(&accounts, limit, &contacts)).into_response())
}

/// The revenue rates a workspace saves.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatesBody {
    /// The share of detractors' value expected to churn soon (0–1).
    pub detractor: f64,
    /// The share of passives' value expected to churn in the long run (0–1).
    pub passive: f64,
    /// The share of promoters' value expected back from referrals (0–1).
    pub promoter: f64,
}

fn rates_json(rates: Option<Rates>) -> RatesJson {
    let (rates, source) = match rates {
        Some(rates) => (rates, "saved"),
        None => (Rates::DEFAULT, "default"),
    };
    RatesJson {
        detractor: rates.detractor,
        passive: rates.passive,
        promoter: rates.promoter,
        source: source.into(),
    }
}

/// The workspace's saved revenue rates (`source: saved`), or the defaults (`source:
/// default`) when it saved none.
#[utoipa::path(
    get,
    path = "/api/v1/revenue/rates",
    tag = "teams",
    responses((status = 200, description = "The rates", body = RatesJson), ReadErrors),
    security(("api_key" = []))
)]
async fn get_rates(State(state): State<ApiState>, caller: Caller) -> Result<Response> {
    let saved = state.store().revenue_rates(caller.workspace).await?;
    Ok(axum::Json(rates_json(saved)).into_response())
}

/// Save the workspace's revenue rates, each a share from 0 to 1.
#[utoipa::path(
    put,
    path = "/api/v1/revenue/rates",
    tag = "teams",
    request_body = RatesBody,
    responses((status = 200, description = "The rates saved", body = RatesJson), WriteErrors),
    security(("api_key" = []))
)]
async fn put_rates(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    body: ApiJson<RatesBody>,
) -> Result<Response> {
    let body = body.value;
    let rates = Rates::new(body.detractor, body.passive, body.promoter)
        .map_err(|error| ApiError::validation(error.category, error.to_string()))?;
    state
        .store()
        .set_revenue_rates(caller.workspace, Some(rates))
        .await?;
    Ok(axum::Json(rates_json(Some(rates))).into_response())
}

/// Forget the saved rates: observed or default rates apply again.
#[utoipa::path(
    delete,
    path = "/api/v1/revenue/rates",
    tag = "teams",
    responses((status = 204, description = "Forgotten"), WriteErrors),
    security(("api_key" = []))
)]
async fn delete_rates(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
) -> Result<Response> {
    state
        .store()
        .set_revenue_rates(caller.workspace, None)
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// Likely objections: per value of `by` (default: every text or yes/no attribute the survey's
/// answers carry), the themes and tags its detractors name most, with how many and their share
/// of the segment's detractors; segments with fewer than 10 detractors, and themes named by
/// fewer than two, left out.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/objections",
    tag = "teams",
    params(
        ("id" = i64, Path, description = "The survey's id"),
        ("by" = Option<String>, Query, description = "Only the segments of this attribute"),
        ("top" = Option<u32>, Query, description = "Themes per segment, 1 to 20 (default 3)"),
        ("from" = Option<String>, Query, description = "From this instant on"),
        ("to" = Option<String>, Query, description = "Before this instant"),
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable", explode = true),
        ("text" = Option<String>, Query, description = "A word the comment contains"),
        ("tag" = Option<Vec<String>>, Query, description = "Only responses carrying this tag", explode = true),
        ("theme" = Option<Vec<String>>, Query, description = "Only responses in this theme", explode = true),
    ),
    responses((status = 200, description = "The likely objections", body = ObjectionsJson), ReadErrors),
    security(("api_key" = []))
)]
async fn survey_objections(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let params = Params::new(pairs, &allowed(&["by", "top"]))?;
    let top = number(&params, "top", 3, (1, MAX_OBJECTIONS_TOP))? as usize;
    let by = attribute(&state, &caller, &params, "by").await?;
    let (survey, mut query, rows) = selection(&state, &caller, &id, &params).await?;
    let sources = ThemeSources::load(state.store(), caller.workspace, survey.id).await?;
    let index = fresh_index(&state, caller.workspace).await?;
    let index = index.read();
    query.rows = rows.rows(&index);
    let attributes: Vec<&str> = match &by {
        Some(by) => vec![by.as_str()],
        None => index
            .carried_attributes(&[survey.id])
            .into_iter()
            .map(|(name, ..)| name)
            .collect(),
    };
    let entries = sources.entries(&index);
    let found =
        likely_objections(&index, &query, &attributes, &entries, top).map_err(query_error)?;
    Ok(axum::Json(ObjectionsJson::from(found.as_slice())).into_response())
}
