//! `GET /api/v1/surveys/{id}/export`: a survey's responses as CSV, JSON lines or Parquet,
//! streamed, with the report's filters checked by the report's own parsing.

use axum::extract::State;
use axum::response::Response;
use vouch_export::{Export, ExportError, Format, ResponseExport, Selection};
use vouch_web::ApiState;
use vouch_web::auth::Caller;
use vouch_web::error::{ApiError, Result};
use vouch_web::export_body::{file_name, streamed};
use vouch_web::fresh::fresh_index;
use vouch_web::json::{PathId, QueryPairs};

use crate::Routes;
use crate::openapi::ReadErrors;
use crate::params::Params;
use crate::report::{report_query, row_filter};
use crate::responses::anonymous_answers;
use crate::surveys::find_survey;

/// The export route.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.add::<__path_survey_export, _, _>(survey_export)
}

/// The parameters of an export: its format, `since`, and the report's filters.
const EXPORT_PARAMETERS: [&str; 8] = [
    "format", "since", "from", "to", "where", "text", "tag", "theme",
];

/// A survey's responses, one row each, streamed: columns `id`, `survey`, `created_at`,
/// `score`, `category`, `comment`, `channel`, `external_id`, `email`, `tags`, `themes`,
/// `sentiment`, `sentiment_score`, then one per attribute (Parquet: typed, timestamps in UTC
/// microseconds). The filters mean what they mean in the report. eNPS answers are anonymous
/// and only exported by `vouch export` (without identity): here they are refused (403).
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/export",
    tag = "exports",
    params(
        ("id" = i64, Path, description = "The survey's id"),
        ("format" = Option<String>, Query, description = "`csv` (default), `jsonl` or `parquet`"),
        ("since" = Option<String>, Query, description = "Only responses given at or after this instant (RFC 3339, or a date: midnight UTC)"),
        ("from" = Option<String>, Query, description = "From this instant on, inclusive (RFC 3339, or a date: midnight UTC)"),
        ("to" = Option<String>, Query, description = "Before this instant (RFC 3339, or a date: midnight UTC)"),
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable: AND across attributes, OR between values of one", explode = true),
        ("text" = Option<String>, Query, description = "A word the comment contains (case-insensitive, whole word)"),
        ("tag" = Option<Vec<String>>, Query, description = "Only responses carrying this tag; repeatable (any of them)", explode = true),
        ("theme" = Option<Vec<String>>, Query, description = "Only responses in this theme (an id, or tag:NAME); repeatable", explode = true),
    ),
    responses(
        (status = 200, description = "The rows, streamed as an attachment", content(
            (String = "text/csv"),
            (String = "application/x-ndjson"),
            (Vec<u8> = "application/vnd.apache.parquet"),
        )),
        ReadErrors
    ),
    security(("api_key" = []))
)]
async fn survey_export(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let survey = find_survey(&state, &caller, &id).await?;
    let params = Params::new(pairs, &EXPORT_PARAMETERS)?;
    if survey.kind.is_anonymous() {
        return Err(anonymous_answers());
    }
    let format: Format = params
        .one("format")?
        .unwrap_or("csv")
        .parse()
        .map_err(export_error)?;
    let query = report_query(&state, &caller, &params, survey.id).await?;
    let since = params.instant("since")?;
    let rows = row_filter(&state, &caller, &params, Some(survey.id)).await?;
    let time_zone = fresh_index(&state, caller.workspace)
        .await?
        .read()
        .time_zone()
        .clone();
    let selection = Selection {
        query,
        rows,
        since,
        chosen: None,
    };
    let name = file_name(&survey.name, format);
    let export = ResponseExport::prepare(
        state.store(),
        caller.workspace,
        survey,
        selection,
        time_zone,
    )
    .await
    .map_err(export_error)?;
    Ok(streamed(
        state.app().clone(),
        Export::Responses(Box::new(export)),
        format,
        &name,
    ))
}

/// An export's failure as the API's error: a client's mistake is a 422 naming its field.
pub(crate) fn export_error(error: ExportError) -> ApiError {
    match error {
        ExportError::Invalid { field, message } => ApiError::validation(field, message),
        ExportError::Store(error) => error.into(),
        other => ApiError::Internal(other.into()),
    }
}
