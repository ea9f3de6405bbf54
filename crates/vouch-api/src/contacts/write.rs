//! Contacts written: upserted, and erased on request (GDPR).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use vouch_store::StoreError;

use super::{ContactJson, find_contact};
use crate::idempotency::SavedWrite;
use crate::openapi::WriteErrors;
use crate::responses::ContactBody;
use vouch_web::ApiState;
use vouch_web::attributes::typed_attributes;
use vouch_web::auth::WriteCaller;
use vouch_web::contact_key::contact_key;
use vouch_web::error::{ApiError, Result};
use vouch_web::json::{ApiJson, PathId};

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
pub(crate) async fn upsert_contact(
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

/// Erase a contact and every response it gave (GDPR). Reports forget them too.
#[utoipa::path(
    delete,
    path = "/api/v1/contacts/{id}",
    tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id")),
    responses((status = 204, description = "Erased"), WriteErrors),
    security(("api_key" = []))
)]
pub(crate) async fn delete_contact(
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
