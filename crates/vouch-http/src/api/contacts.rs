//! `/api/v1/contacts`: upsert, list, read, erase (GDPR) and export contacts.

use std::collections::{BTreeMap, HashSet};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use vouch_core::AttributeValue;
use vouch_store::{
    Contact, ContactId, ContactKey, ContactQuery, StoreError, StoredResponse, WorkspaceId,
};

use crate::api::attributes::typed_attributes;
use crate::api::idempotency::SavedWrite;
use crate::api::json::{ApiJson, PathId, QueryPairs, path_id};
use crate::api::openapi::{ReadErrors, WriteErrors};
use crate::api::params::{Params, known_attribute};
use crate::api::responses::{ContactBody, ResponseJson};
use crate::api::surveys::KindJson;
use crate::api::{ApiState, Routes};
use crate::auth::{Caller, WriteCaller};
use crate::error::{ApiError, Result};
use crate::state::Limits;
use crate::wire::attribute_json;

/// A contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactJson {
    /// Its id.
    pub id: i64,
    /// Its email, if known (lower case).
    pub email: Option<String>,
    /// Its id in your own systems, if known.
    pub external_id: Option<String>,
    /// Its latest attributes.
    pub attributes: BTreeMap<String, Value>,
}

impl ContactJson {
    fn new(contact: &Contact) -> ContactJson {
        ContactJson {
            id: contact.id.0,
            email: contact.email.clone(),
            external_id: contact.external_id.clone(),
            attributes: contact
                .attributes
                .iter()
                .map(|(name, value)| (name.clone(), attribute_json(Some(value))))
                .collect(),
        }
    }
}

/// A contact and the responses it gave (eNPS answers, anonymous, left out), oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactWithResponses {
    /// The contact.
    #[serde(flatten)]
    pub contact: ContactJson,
    /// Its responses.
    pub responses: Vec<ResponseJson>,
}

/// A page of contacts, in id order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactPage {
    /// The contacts.
    pub data: Vec<ContactJson>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A survey a contact answered, as named in an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExportedSurvey {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// `nps` or `enps`.
    pub kind: KindJson,
    /// The question the contact answered.
    pub question: String,
}

/// Everything kept about a contact, as one document (GDPR access request).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactExport {
    /// The contact and its attributes.
    pub contact: ContactJson,
    /// Every response it gave, oldest first. Answers to eNPS surveys are anonymous and are
    /// never linked back to a person, so they are not part of it.
    pub responses: Vec<ResponseJson>,
    /// The surveys those responses answer.
    pub surveys: Vec<ExportedSurvey>,
    /// When this export was made (RFC 3339).
    pub exported_at: String,
}

/// The contact routes.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add::<__path_upsert_contact, _, _>(upsert_contact)
        .add::<__path_list_contacts, _, _>(list_contacts)
        .add::<__path_get_contact, _, _>(get_contact)
        .add::<__path_delete_contact, _, _>(delete_contact)
        .add::<__path_export_contact, _, _>(export_contact)
}

/// Who a request names: an email (trimmed, lower-cased, plausible) and/or an external id
/// (trimmed); at least one. Errors name `email` and `external_id`, inside `within` when the
/// contact is a field of the body (`contact.email`).
pub(crate) fn contact_key(
    email: Option<&str>,
    external_id: Option<&str>,
    limits: &Limits,
    within: Option<&str>,
) -> Result<ContactKey> {
    let path =
        |field: &str| within.map_or_else(|| field.to_owned(), |outer| format!("{outer}.{field}"));
    let email = email.map(str::trim).filter(|text| !text.is_empty());
    let external_id = external_id.map(str::trim).filter(|text| !text.is_empty());
    if email.is_none() && external_id.is_none() {
        return Err(ApiError::validation(
            within.map_or_else(|| "email".to_owned(), str::to_owned),
            "give the contact's email or external_id",
        ));
    }
    if let Some(id) = external_id
        && (id.chars().count() > limits.key_chars || id.chars().any(char::is_control))
    {
        return Err(ApiError::validation(
            path("external_id"),
            format!(
                "an external_id has at most {} characters, none of them control characters",
                limits.key_chars
            ),
        ));
    }
    let email = email.map(str::to_lowercase);
    if let Some(address) = &email
        && let Err(reason) = check_email(address, limits)
    {
        return Err(ApiError::validation(path("email"), reason));
    }
    Ok(ContactKey {
        external_id: external_id.map(str::to_owned),
        email,
    })
}

/// A plausible address: one `@`, something on both sides, a dot in the domain, no spaces.
fn check_email(address: &str, limits: &Limits) -> std::result::Result<(), String> {
    if address.chars().count() > limits.key_chars {
        return Err(format!(
            "an email has at most {} characters",
            limits.key_chars
        ));
    }
    let valid = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !address.contains(char::is_whitespace)
                && !address.chars().any(char::is_control)
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(format!("{address:?} is not an email address"))
    }
}

/// Create or update a contact.
///
/// The contact is found by its external id or email; attributes given replace those of the
/// same name, the others are kept. 201 when the contact is new, 200 otherwise.
#[utoipa::path(
    method(put, post),
    path = "/api/v1/contacts",
    tag = "contacts",
    request_body = ContactBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first reply")),
    responses(
        (status = 200, description = "The updated contact", body = ContactJson),
        (status = 201, description = "The new contact", body = ContactJson),
        WriteErrors
    ),
    security(("api_key" = []))
)]
async fn upsert_contact(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    headers: HeaderMap,
    body: ApiJson<ContactBody>,
) -> Result<Response> {
    let workspace = caller.workspace;
    let write = SavedWrite::new(
        "contacts",
        workspace,
        &headers,
        state.limits(),
        body.fingerprint(),
    )?;
    if let Some(reply) = write.earlier_reply(&state).await? {
        return Ok(reply);
    }
    let given = &body.value;
    let key = contact_key(
        given.email.as_deref(),
        given.external_id.as_deref(),
        state.limits(),
        None,
    )?;
    let attributes = given.attributes.clone().unwrap_or_default();
    let kinds = state
        .caches()
        .attributes
        .kinds(
            state.store(),
            workspace,
            attributes.keys().map(String::as_str),
        )
        .await?;
    let typed = typed_attributes(&attributes, &kinds, state.limits(), "attributes")?;
    let existed = state.store().contact(workspace, &key).await?.is_some();
    let contact = match state
        .store()
        .upsert_contact(workspace, &key, &typed.values, &typed.new_definitions)
        .await
    {
        Ok(contact) => contact,
        Err(StoreError::Conflict(message)) => {
            return Err(ApiError::Conflict {
                message: format!("the email and external_id name two contacts: {message}"),
                field: Some("email".into()),
            });
        }
        Err(error) => return Err(error.into()),
    };
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    write
        .reply(&state, status, &ContactJson::new(&contact))
        .await
}

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
async fn list_contacts(
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

/// The contact with this id in the caller's workspace, or 404.
async fn find_contact(state: &ApiState, workspace: WorkspaceId, id: &str) -> Result<Contact> {
    let id = path_id(id, "contact")?;
    state
        .store()
        .contact_by_id(workspace, ContactId(id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no contact with id {id}")))
}

/// The contact's responses to surveys that are not anonymous, oldest first.
async fn named_responses(
    state: &ApiState,
    workspace: WorkspaceId,
    contact: ContactId,
) -> Result<(Vec<StoredResponse>, Vec<ExportedSurvey>)> {
    let listings = state.store().surveys(workspace).await?;
    let responses = state.store().contact_responses(workspace, contact).await?;
    let named: Vec<StoredResponse> = responses
        .into_iter()
        .filter(|response| {
            listings
                .iter()
                .find(|listing| listing.survey.id == response.survey)
                .is_some_and(|listing| !listing.survey.kind.is_anonymous())
        })
        .collect();
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
async fn get_contact(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response> {
    let contact = find_contact(&state, caller.workspace, &id).await?;
    let (responses, _) = named_responses(&state, caller.workspace, contact.id).await?;
    let body = ContactWithResponses {
        contact: ContactJson::new(&contact),
        responses: responses
            .iter()
            .map(|response| ResponseJson::new(response, false))
            .collect(),
    };
    Ok(axum::Json(body).into_response())
}

/// Erase a contact and every response it gave (GDPR). Reports forget them too.
#[utoipa::path(
    delete,
    path = "/api/v1/contacts/{id}",
    tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id")),
    responses((status = 204, description = "Erased"), WriteErrors),
    security(("api_key" = []))
)]
async fn delete_contact(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
) -> Result<Response> {
    let contact = find_contact(&state, caller.workspace, &id).await?;
    match state
        .store()
        .delete_contact(caller.workspace, contact.id)
        .await
    {
        Ok(erased) => {
            tracing::info!(contact = contact.id.0, erased, "contact erased on request");
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Err(StoreError::NotFound(_)) => Err(ApiError::not_found(format!(
            "no contact with id {}",
            contact.id.0
        ))),
        Err(error) => Err(error.into()),
    }
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
async fn export_contact(
    State(state): State<ApiState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response> {
    let contact = find_contact(&state, caller.workspace, &id).await?;
    let (responses, surveys) = named_responses(&state, caller.workspace, contact.id).await?;
    let export = ContactExport {
        contact: ContactJson::new(&contact),
        responses: responses
            .iter()
            .map(|response| ResponseJson::new(response, false))
            .collect(),
        surveys,
        exported_at: jiff::Timestamp::now().to_string(),
    };
    Ok(axum::Json(export).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<ContactKey>) -> Option<String> {
        result.unwrap_err().body().error.field
    }

    #[test]
    fn a_contact_needs_a_plausible_email_or_an_external_id() {
        let limits = Limits::default();
        let key = |email, external_id| contact_key(email, external_id, &limits, Some("contact"));
        let found = key(Some(" Ann@Example.com "), None).unwrap();
        assert_eq!(found.email.as_deref(), Some("ann@example.com"));
        assert_eq!(
            key(None, Some(" 42 ")).unwrap().external_id.as_deref(),
            Some("42")
        );
        assert_eq!(field(key(None, None)), Some("contact".into()));
        assert_eq!(field(key(Some(" "), Some(""))), Some("contact".into()));
        for bad in [
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert_eq!(
                field(key(Some(bad), None)),
                Some("contact.email".into()),
                "{bad}"
            );
        }
        let long = "x".repeat(limits.key_chars + 1);
        assert_eq!(
            field(key(None, Some(&long))),
            Some("contact.external_id".into())
        );
    }

    #[test]
    fn upsert_errors_name_top_level_fields() {
        let limits = Limits::default();
        assert_eq!(
            field(contact_key(Some("nope"), None, &limits, None)),
            Some("email".into())
        );
        assert_eq!(
            field(contact_key(None, None, &limits, None)),
            Some("email".into())
        );
    }
}
