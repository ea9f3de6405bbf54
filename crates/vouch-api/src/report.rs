//! `GET /api/v1/surveys/{id}/report`: the same JSON object as `vouch report --json` with the
//! same options, checked the same way.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use vouch_analytics::Query;
use vouch_analytics::report::build_report;
use vouch_analytics::selection::{RowFilter, SelectionError};
use vouch_analytics::themes::ThemeSources;
use vouch_core::Interval;
use vouch_core::bands::{check_fits, parse_group_by};

use crate::Routes;
use crate::openapi::ReadErrors;
use crate::params::{
    Params, known_attribute, one_word, query_error, value_attribute, where_filters,
};
use crate::surveys::find_survey;
use vouch_web::ApiState;
use vouch_web::auth::Caller;
use vouch_web::error::{ApiError, Result};
use vouch_web::fresh::fresh_index;
use vouch_web::json::{PathId, QueryPairs};
use vouch_web::wire::ReportJson;

/// The report route.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.add::<__path_survey_report, _, _>(survey_report)
}

/// The parameters of the report, as the flags of `vouch report`.
const REPORT_PARAMETERS: [&str; 10] = [
    "by",
    "interval",
    "from",
    "to",
    "where",
    "text",
    "tag",
    "theme",
    "explain",
    "value_attribute",
];

/// The NPS of a survey: its figures, filtered, grouped and over time.
///
/// The same object `vouch report --json` prints with the same options. For an eNPS survey,
/// groups and periods under 5 responses are left out and counted in `suppressed`.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/report",
    tag = "reports",
    params(
        ("id" = i64, Path, description = "The survey's id"),
        ("by" = Option<String>, Query, description = "Group by one or two attributes: ATTR or ATTR1,ATTR2; ATTR:quartiles bands a number, ATTR:month or ATTR:quarter a date"),
        ("interval" = Option<String>, Query, description = "Trend per `week`, `month` or `quarter`"),
        ("from" = Option<String>, Query, description = "From this instant on, inclusive (RFC 3339, or a date: midnight UTC)"),
        ("to" = Option<String>, Query, description = "Before this instant (RFC 3339, or a date: midnight UTC)"),
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable: AND across attributes, OR between values of one", explode = true),
        ("text" = Option<String>, Query, description = "A word the comment contains (case-insensitive, whole word)"),
        ("tag" = Option<Vec<String>>, Query, description = "Only responses carrying this tag; repeatable (any of them)", explode = true),
        ("theme" = Option<Vec<String>>, Query, description = "Only responses in this theme (an id from the themes report, or tag:NAME); repeatable (any of them)", explode = true),
        ("value_attribute" = Option<String>, Query, description = "The number attribute that weighs `revenue_weighted` (default mrr, when contacts carry it)"),
        ("explain" = Option<bool>, Query, description = "`true`: also `explain`, why the NPS moved from the period before (of the same length), split per segment into own change and mix"),
    ),
    responses((status = 200, description = "The report", body = ReportJson), ReadErrors),
    security(("api_key" = []))
)]
async fn survey_report(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let survey = find_survey(&state, &caller, &id).await?;
    let params = Params::new(pairs, &REPORT_PARAMETERS)?;
    let mut query = report_query(&state, &caller, &params, survey.id).await?;
    let rows = row_filter(&state, &caller, &params, Some(survey.id)).await?;
    let index = fresh_index(&state, caller.workspace).await?;
    let explain = match params.one("explain")? {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::validation(
                "explain",
                "explain must be true or false",
            ));
        }
    };
    let value_attribute = value_attribute(&state, &caller, &params)
        .await?
        .filter(|_| !survey.kind.is_anonymous());
    let themes = match explain {
        true => Some(ThemeSources::load(state.store(), caller.workspace, survey.id).await?),
        false => None,
    };
    let json = {
        let index = index.read();
        query.rows = rows.rows(&index);
        let plan = index.plan(&query).map_err(query_error)?;
        let counts = index.run(&plan);
        let mut json = ReportJson::from(&build_report(&index, &plan, &counts));
        json.revenue_weighted =
            vouch_web::wire::WeightedNpsJson::of(&index, &query, value_attribute.as_deref());
        if explain {
            let mut explained =
                vouch_analytics::explain::explain(&index, &query, jiff::Timestamp::now())
                    .map_err(|error| ApiError::validation("explain", error.to_string()))?;
            if let Some(themes) = &themes {
                let entries = themes.entries(&index);
                vouch_analytics::explain::theme_parts(&index, &query, &mut explained, &entries)
                    .map_err(query_error)?;
            }
            json.explain = Some(vouch_web::wire_explain::ExplainJson::from(&explained));
        }
        json
    };
    Ok(axum::Json(json).into_response())
}

/// The `tag` and `theme` parameters, read from the store; an unknown one is a 422 naming it.
pub(crate) async fn row_filter(
    state: &ApiState,
    caller: &Caller,
    params: &Params,
    survey: Option<vouch_store::SurveyId>,
) -> Result<RowFilter> {
    let owned =
        |name: &str| -> Vec<String> { params.all(name).into_iter().map(str::to_owned).collect() };
    RowFilter::load(
        state.store(),
        caller.workspace,
        survey,
        &owned("tag"),
        &owned("theme"),
    )
    .await
    .map_err(|error| match (error.field(), error) {
        (Some(field), error) => ApiError::validation(field, error.to_string()),
        (None, SelectionError::Store(error)) => error.into(),
        (None, error) => ApiError::Internal(error.into()),
    })
}

/// The parameters as a query, checked as `vouch report` checks its flags.
pub(crate) async fn report_query(
    state: &ApiState,
    caller: &Caller,
    params: &Params,
    survey: vouch_store::SurveyId,
) -> Result<Query> {
    let from = params.instant("from")?;
    let to = params.instant("to")?;
    let groupings = match params.one("by")? {
        None => Vec::new(),
        Some(list) => parse_group_by(list).map_err(|reason| ApiError::validation("by", reason))?,
    };
    let group_by: Vec<String> = groupings.iter().map(|(name, _)| name.clone()).collect();
    let filters = params.all("where");
    let where_names = filters
        .iter()
        .filter_map(|filter| filter.split_once('=').map(|(name, _)| name.trim()));
    let names: Vec<&str> = group_by
        .iter()
        .map(String::as_str)
        .chain(where_names)
        .collect();
    let kinds = state
        .caches()
        .attributes
        .kinds(state.store(), caller.workspace, names)
        .await?;
    let mut bands = Vec::new();
    for (name, banding) in &groupings {
        let kind = known_attribute("by", name, &kinds)?;
        if let Some(banding) = banding {
            check_fits(name, *banding, kind)
                .map_err(|reason| ApiError::validation("by", reason))?;
            bands.push((name.clone(), *banding));
        }
    }
    let interval = match params.one("interval")? {
        None => None,
        Some("week") => Some(Interval::Week),
        Some("month") => Some(Interval::Month),
        Some("quarter") => Some(Interval::Quarter),
        Some(other) => {
            return Err(ApiError::validation(
                "interval",
                format!("unknown interval {other:?} (week, month or quarter)"),
            ));
        }
    };
    Ok(Query {
        surveys: vec![survey],
        from,
        to,
        filters: where_filters(&filters, &kinds)?,
        text: one_word(params.one("text")?)?,
        group_by,
        bands,
        interval,
        ..Query::default()
    })
}
