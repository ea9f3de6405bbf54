//! `POST /api/v1/responses`: check one answer, queue it for the next group commit, and reply
//! once it is durable.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use utoipa::ToSchema;
use vouch_core::Score;
use vouch_store::{
    ContactKey, IdempotencyKey, IngestOutcome, IngestRequest, NewResponse, StoreError, Survey,
    SurveyId, WorkspaceId,
};

use super::ResponseJson;
use crate::idempotency::{idempotency_key, key_reused, replayed};
use crate::openapi::WriteErrors;
use vouch_web::ApiState;
use vouch_web::attributes::typed_attributes;
use vouch_web::auth::WriteCaller;
use vouch_web::contact_key::contact_key;
use vouch_web::error::{ApiError, Result};
use vouch_web::json::ApiJson;
use vouch_web::state::Limits;

/// The channels a response may arrive by.
const CHANNELS: [&str; 5] = ["api", "import", "email", "link", "widget"];

/// The earliest and latest `created_at` accepted: wide enough for any real answer, narrow
/// enough that a trend over them stays small.
const EARLIEST: &str = "1970-01-01T00:00:00Z";
const LATEST: &str = "2200-01-01T00:00:00Z";

/// One answer to record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewResponseBody {
    /// The survey answered (an `id` from `/api/v1/surveys`).
    #[serde(deserialize_with = "survey_id")]
    #[schema(value_type = i64, example = 1)]
    pub survey_id: i64,
    /// The score: a whole number from 0 to 10.
    #[serde(deserialize_with = "score")]
    #[schema(value_type = u8, minimum = 0, maximum = 10, example = 9)]
    pub score: Score,
    /// The answer to "why?".
    #[serde(default)]
    pub comment: Option<String>,
    /// When it was given (RFC 3339, or a date meaning midnight UTC); now by default.
    #[serde(default)]
    #[schema(example = "2026-03-01T09:30:00Z")]
    pub created_at: Option<String>,
    /// `api` (the default), `email`, `link`, `widget` or `import`.
    #[serde(default)]
    pub channel: Option<String>,
    /// Who answered.
    pub contact: ContactBody,
}

/// Who answered, and their attributes.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    /// Their email (compared without case); this or `external_id` is required.
    #[serde(default)]
    pub email: Option<String>,
    /// Their id in your own systems (a string, or a whole number).
    #[serde(default, deserialize_with = "external_id")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<String>,
    /// Attributes to set on the contact: strings, numbers, booleans or `YYYY-MM-DD` dates.
    /// They are merged into the contact's own (given ones win), and the response keeps the
    /// merged set as it was when answering.
    #[serde(default)]
    pub attributes: Option<BTreeMap<String, Value>>,
}

fn score<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Score, D::Error> {
    let value = Value::deserialize(deserializer)?;
    value
        .as_i64()
        .and_then(|whole| Score::new(whole).ok())
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "the score must be a whole number from 0 to 10, not {value}"
            ))
        })
}

fn survey_id<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<i64, D::Error> {
    let value = Value::deserialize(deserializer)?;
    let id = match &value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse::<i64>().ok(),
        _ => None,
    };
    id.filter(|&id| id > 0)
        .ok_or_else(|| serde::de::Error::custom(format!("must be the id of a survey, not {value}")))
}

fn external_id<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<String>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text)),
        Value::Number(number) if number.is_i64() || number.is_u64() => Ok(Some(number.to_string())),
        other => Err(serde::de::Error::custom(format!(
            "must be a string or a whole number, not {other}"
        ))),
    }
}

/// Record a response.
///
/// Replies once the response is committed. With an `Idempotency-Key`, a retry of the same
/// body gets the first reply (with `Idempotent-Replayed: true`) and writes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/responses",
    tag = "responses",
    request_body = NewResponseBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first reply instead of counting twice")),
    responses((status = 201, description = "The stored response", body = ResponseJson), WriteErrors),
    security(("api_key" = []))
)]
pub(super) async fn create_response(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    headers: HeaderMap,
    body: ApiJson<NewResponseBody>,
) -> Result<Response> {
    let workspace = caller.workspace;
    let idempotency = idempotency_key(&headers, state.limits())?.map(|key| IdempotencyKey {
        key,
        fingerprint: body.fingerprint(),
    });
    let given = &body.value;
    let mut response = checked_response(
        given,
        SurveyId(given.survey_id),
        state.limits(),
        Timestamp::now(),
    )?;
    let survey = open_survey(&state, workspace, given.survey_id).await?;
    let attributes = given.contact.attributes.clone().unwrap_or_default();
    let kinds = state
        .caches()
        .attributes
        .kinds(
            state.store(),
            workspace,
            attributes.keys().map(String::as_str),
        )
        .await?;
    let typed = typed_attributes(&attributes, &kinds, state.limits(), "contact.attributes")?;
    response.attributes = typed.values;
    let request = IngestRequest {
        response,
        definitions: typed.new_definitions,
        idempotency,
    };
    let anonymous = survey.kind.is_anonymous();
    match state.app().ingest().submit(workspace, request).await {
        Ok(IngestOutcome::Created(stored)) => Ok((
            StatusCode::CREATED,
            axum::Json(created_json(&state, workspace, &stored, anonymous).await?),
        )
            .into_response()),
        Ok(IngestOutcome::Replayed(stored)) => {
            let json = created_json(&state, workspace, &stored, anonymous).await?;
            let body =
                serde_json::to_string(&json).map_err(|error| ApiError::Internal(error.into()))?;
            Ok(replayed(StatusCode::CREATED, body))
        }
        Ok(IngestOutcome::KeyReused) => Err(key_reused()),
        Err(error) => Err(refused(&state, workspace, survey.id, error).await),
    }
}

/// The survey answered: in the caller's workspace (404) and not archived (422).
async fn open_survey(state: &ApiState, workspace: WorkspaceId, id: i64) -> Result<Survey> {
    let survey = state
        .caches()
        .surveys
        .survey(state.store(), workspace, SurveyId(id))
        .await?
        .ok_or_else(|| ApiError::NotFound {
            message: format!("no survey with id {id}"),
            field: Some("survey_id".into()),
        })?;
    if survey.archived {
        return Err(archived(id));
    }
    Ok(survey)
}

fn archived(id: i64) -> ApiError {
    ApiError::validation(
        "survey_id",
        format!("survey {id} is archived: it takes no new responses"),
    )
}

/// Why the store refused a response: the survey was archived or removed meanwhile (the cache
/// had not seen it yet), a contact clash, or a failure.
async fn refused(
    state: &ApiState,
    workspace: WorkspaceId,
    id: SurveyId,
    error: std::sync::Arc<StoreError>,
) -> ApiError {
    state.caches().surveys.forget(workspace, id);
    match error.as_ref() {
        StoreError::NotFound(_) => match state.store().survey(workspace, id).await {
            Ok(Some(survey)) if survey.archived => archived(id.0),
            Ok(Some(_)) => ApiError::from(error),
            Ok(None) => ApiError::NotFound {
                message: format!("no survey with id {}", id.0),
                field: Some("survey_id".into()),
            },
            Err(error) => error.into(),
        },
        StoreError::Conflict(message) => ApiError::Conflict {
            message: format!("the contact's email and external_id name two contacts: {message}"),
            field: Some("contact".into()),
        },
        StoreError::Other(_) => ApiError::from(error),
    }
}

/// The response a body describes, without its attributes (typed separately): every field
/// checked, errors naming it.
fn checked_response(
    given: &NewResponseBody,
    survey: SurveyId,
    limits: &Limits,
    now: Timestamp,
) -> Result<NewResponse> {
    let contact: ContactKey = contact_key(
        given.contact.email.as_deref(),
        given.contact.external_id.as_deref(),
        limits,
        Some("contact"),
    )?;
    let comment = match given.comment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) if text.chars().count() > limits.comment_chars => {
            return Err(ApiError::validation(
                "comment",
                format!(
                    "a comment may have at most {} characters",
                    limits.comment_chars
                ),
            ));
        }
        Some(text) if text.contains('\0') => {
            return Err(ApiError::validation(
                "comment",
                "a comment may not contain NUL characters",
            ));
        }
        Some(text) => Some(text.to_owned()),
    };
    let created_at = match given.created_at.as_deref() {
        None => now,
        Some(text) => created_at(text)?,
    };
    let channel = match given.channel.as_deref().map(str::trim) {
        None | Some("") => "api".to_owned(),
        Some(channel) if CHANNELS.contains(&channel) => channel.to_owned(),
        Some(other) => {
            return Err(ApiError::validation(
                "channel",
                format!(
                    "unknown channel {other:?} (one of: {})",
                    CHANNELS.join(", ")
                ),
            ));
        }
    };
    Ok(NewResponse {
        survey,
        contact,
        attributes: Default::default(),
        score: given.score,
        comment,
        created_at,
        channel,
    })
}

fn created_at(text: &str) -> Result<Timestamp> {
    let instant = crate::params::parse_instant(text)
        .map_err(|reason| ApiError::validation("created_at", reason))?;
    let (earliest, latest): (Timestamp, Timestamp) = match (EARLIEST.parse(), LATEST.parse()) {
        (Ok(earliest), Ok(latest)) => (earliest, latest),
        _ => return Err(ApiError::Internal(anyhow::anyhow!("bad created_at bounds"))),
    };
    if instant < earliest || instant >= latest {
        return Err(ApiError::validation(
            "created_at",
            format!("created_at must lie between {EARLIEST} and {LATEST}"),
        ));
    }
    Ok(instant)
}

/// The JSON of a response just stored: with the tags its keyword rules put on and its themes,
/// unless it is anonymous (eNPS).
async fn created_json(
    state: &ApiState,
    workspace: vouch_store::WorkspaceId,
    stored: &vouch_store::StoredResponse,
    anonymous: bool,
) -> Result<ResponseJson> {
    if anonymous {
        return Ok(ResponseJson::new(stored, true, Default::default()));
    }
    let mut json = super::responses_json(state.store(), workspace, &[stored]).await?;
    json.pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no JSON for a stored response")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_web::json::parse_json;

    /// The body read and checked, or the `(status, field)` of its error.
    fn check(body: &str) -> std::result::Result<NewResponse, (u16, Option<String>)> {
        let error = |error: ApiError| (error.status().as_u16(), error.body().error.field);
        let given: NewResponseBody = parse_json(body.as_bytes()).map_err(error)?;
        let now = "2026-03-01T00:00:00Z".parse().unwrap();
        checked_response(&given, SurveyId(1), &Limits::default(), now).map_err(error)
    }

    fn with(score: &str) -> String {
        format!(r#"{{"survey_id": 1, "score": {score}, "contact": {{"email": "a@b.co"}}}}"#)
    }

    #[test]
    fn a_score_must_be_a_whole_number_from_0_to_10() {
        for score in ["0", "10", "7"] {
            assert!(check(&with(score)).is_ok(), "{score}");
        }
        for score in [
            "11", "-1", "7.5", "7.0", r#""7""#, "null", "true", "[7]", "1e2",
        ] {
            assert_eq!(
                check(&with(score)).unwrap_err(),
                (422, Some("score".into())),
                "{score}"
            );
        }
        let missing = r#"{"survey_id": 1, "contact": {"email": "a@b.co"}}"#;
        assert_eq!(check(missing).unwrap_err(), (422, Some("score".into())));
    }

    #[test]
    fn every_field_is_checked_and_named() {
        let cases = [
            (
                r#"{"survey_id": "x", "score": 1, "contact": {"email": "a@b.co"}}"#,
                "survey_id",
            ),
            (r#"{"survey_id": 1, "score": 1, "contact": {}}"#, "contact"),
            (
                r#"{"survey_id": 1, "score": 1, "contact": {"email": "nope"}}"#,
                "contact.email",
            ),
            (
                r#"{"survey_id": 1, "score": 1, "contact": {"email": 3}}"#,
                "contact.email",
            ),
            (
                r#"{"survey_id": 1, "score": 1, "contact": {"external_id": true}}"#,
                "contact.external_id",
            ),
            (
                r#"{"survey_id": 1, "score": 1, "contact": {"email": "a@b.co"}, "created_at": "soon"}"#,
                "created_at",
            ),
            (
                r#"{"survey_id": 1, "score": 1, "contact": {"email": "a@b.co"}, "created_at": "1900-01-01"}"#,
                "created_at",
            ),
            (
                r#"{"survey_id": 1, "score": 1, "contact": {"email": "a@b.co"}, "channel": "fax"}"#,
                "channel",
            ),
            (
                r#"{"survey_id": 1, "score": 1, "contact": {"email": "a@b.co"}, "scroe": 1}"#,
                "scroe",
            ),
        ];
        for (body, field) in cases {
            assert_eq!(
                check(body).unwrap_err(),
                (422, Some(field.into())),
                "{body}"
            );
        }
        let long = format!(
            r#"{{"survey_id": 1, "score": 1, "contact": {{"email": "a@b.co"}}, "comment": "{}"}}"#,
            "x".repeat(10_001)
        );
        assert_eq!(check(&long).unwrap_err(), (422, Some("comment".into())));
    }

    #[test]
    fn a_valid_body_becomes_a_response() {
        let body = r#"{"survey_id": "3", "score": 9, "comment": "  Great  ",
            "created_at": "2026-02-01T10:00:00+01:00",
            "contact": {"email": " Ann@Example.COM ", "external_id": 42}}"#;
        let response = check(body).unwrap();
        assert_eq!(response.score.value(), 9);
        assert_eq!(response.comment.as_deref(), Some("Great"));
        assert_eq!(response.created_at.to_string(), "2026-02-01T09:00:00Z");
        assert_eq!(response.channel, "api");
        assert_eq!(response.contact.email.as_deref(), Some("ann@example.com"));
        assert_eq!(response.contact.external_id.as_deref(), Some("42"));
        let blank = check(&with("5").replace("}}", r#"}, "comment": " "}"#)).unwrap();
        assert_eq!(blank.comment, None);
    }
}
