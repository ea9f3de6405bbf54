//! Contacts read: listed by attribute, one with its responses, and everything about one.

use std::collections::HashSet;
use vouch_analytics::disclosure;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use vouch_core::AttributeValue;
use vouch_store::{ContactId, ContactQuery, StoredResponse, WorkspaceId};

use super::{
    ContactExport, ContactJson, ContactPage, ContactWithResponses, ExportedSurvey, find_contact,
};
use crate::openapi::ReadErrors;
use crate::params::{Params, known_attribute};
use crate::responses::responses_json;
use vouch_web::ApiState;
use vouch_web::auth::Caller;
use vouch_web::error::{ApiError, Result};
use vouch_web::json::{PathId, QueryPairs};

/// List contacts in id order, optionally filtered by their latest attributes.
#[utoipa::path(
    get,
    path = "/api/v1/contacts",
    tag = "contacts",
    params(
        ("where" = Option<Vec<String>>, Query, description = "ATTR=VALUE, repeatable (AND); compared as the attribute's kind", explode = true),
        ("limit" = Option<usize>, Query, description = "Page size (default 100, at most 1000)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
    ),
    responses((status = 200, description = "A page of contacts", body = ContactPage), ReadErrors),
    security(("api_key" = []))
)]
pub(crate) async fn list_contacts(
    State(state): State<ApiState>,
    caller: Caller,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response> {
    let params = Params::new(pairs, &["where", "limit", "cursor"])?;
    let workspace = caller.workspace;
    let limit = params.limit(state.limits())?;
    let after = params.cursor()?.map(ContactId);
    let filters = contact_filters(&state, workspace, &params.all("where")).await?;
    let query = ContactQuery {
        filters,
        after,
        limit: limit + 1,
    };
    let mut contacts = state.store().contacts(workspace, &query).await?;
    let more = contacts.len() > limit;
    contacts.truncate(limit);
    let page = ContactPage {
        data: contacts.iter().map(ContactJson::new).collect(),
        next_cursor: more
            .then(|| contacts.last().map(|contact| contact.id.0.to_string()))
            .flatten(),
    };
    Ok(axum::Json(page).into_response())
}

/// `where` filters as the store takes them: canonical values, one per attribute.
async fn contact_filters(
    state: &ApiState,
    workspace: WorkspaceId,
    filters: &[&str],
) -> Result<Vec<(String, String)>> {
    let names = filters
        .iter()
        .filter_map(|filter| filter.split_once('=').map(|(name, _)| name.trim()));
    let kinds = state
        .caches()
        .attributes
        .kinds(state.store(), workspace, names)
        .await?;
    let mut seen = HashSet::new();
    let mut checked = Vec::new();
    for filter in filters {
        let Some((name, value)) = filter.split_once('=') else {
            return Err(ApiError::validation(
                "where",
                format!("{filter:?} is not ATTR=VALUE"),
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        let kind = known_attribute("where", name, &kinds)?;
        let value = AttributeValue::parse_as(value, kind).map_err(|error| {
            ApiError::validation(
                "where",
                format!("{name} is a {} attribute, and {error}", kind.as_str()),
            )
        })?;
        if !seen.insert(name.to_owned()) {
            return Err(ApiError::validation(
                "where",
                format!("contacts are filtered by one value of {name:?} at a time"),
            ));
        }
        checked.push((name.to_owned(), value.canonical()));
    }
    Ok(checked)
}

/// The contact's responses to surveys that are not anonymous, oldest first.
async fn named_responses(
    state: &ApiState,
    workspace: WorkspaceId,
    contact: ContactId,
) -> Result<(Vec<StoredResponse>, Vec<ExportedSurvey>)> {
    let listings = state.store().surveys(workspace).await?;
    let named = disclosure::contact_answers(state.store(), workspace, contact).await?;
    let surveys = listings
        .iter()
        .filter(|listing| {
            named
                .iter()
                .any(|response| response.survey == listing.survey.id)
        })
        .map(|listing| ExportedSurvey {
            id: listing.survey.id.0,
            name: listing.survey.name.clone(),
            kind: listing.survey.kind.into(),
            question: listing.survey.question.clone(),
        })
        .collect();
    Ok((named, surveys))
}

/// Read a contact with its responses.
#[utoipa::path(
    get,
    path = "/api/v1/contacts/{id}",
    tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id")),
    responses((status = 200, description = "The contact and its responses", body = ContactWithResponses), ReadErrors),
    security(("api_key" = []))
)]
pub(crate) async fn get_contact(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response> {
    let contact = find_contact(&state, caller.workspace, &id).await?;
    let (responses, _) = named_responses(&state, caller.workspace, contact.id).await?;
    let body = ContactWithResponses {
        contact: ContactJson::new(&contact),
        responses: responses_json(
            state.store(),
            caller.workspace,
            &responses.iter().collect::<Vec<_>>(),
        )
        .await?,
    };
    Ok(axum::Json(body).into_response())
}

/// Everything kept about a contact, as one JSON document (GDPR access request).
#[utoipa::path(
    get,
    path = "/api/v1/contacts/{id}/export",
    tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id")),
    responses((status = 200, description = "The contact's data", body = ContactExport), ReadErrors),
    security(("api_key" = []))
)]
pub(crate) async fn export_contact(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response> {
    let contact = find_contact(&state, caller.workspace, &id).await?;
    let (responses, surveys) = named_responses(&state, caller.workspace, contact.id).await?;
    let export = ContactExport {
        contact: ContactJson::new(&contact),
        responses: responses_json(
            state.store(),
            caller.workspace,
            &responses.iter().collect::<Vec<_>>(),
        )
        .await?,
        surveys,
        exported_at: jiff::Timestamp::now().to_string(),
    };
    Ok(axum::Json(export).into_response())
}
