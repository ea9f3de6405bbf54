//! `/api/v1/contacts`: upsert, list, read, erase (GDPR) and export contacts.

pub(super) mod read;
pub(super) mod write;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use vouch_store::{Contact, ContactId, ContactKey, WorkspaceId};

use crate::api::json::path_id;
use crate::api::responses::ResponseJson;
use crate::api::surveys::KindJson;
use crate::api::{ApiState, Routes};
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
        .add::<write::__path_upsert_contact, _, _>(write::upsert_contact)
        .add::<read::__path_list_contacts, _, _>(read::list_contacts)
        .add::<read::__path_get_contact, _, _>(read::get_contact)
        .add::<write::__path_delete_contact, _, _>(write::delete_contact)
        .add::<read::__path_export_contact, _, _>(read::export_contact)
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

/// The contact with this id in the caller's workspace, or 404.
pub(crate) async fn find_contact(
    state: &ApiState,
    workspace: WorkspaceId,
    id: &str,
) -> Result<Contact> {
    let id = path_id(id, "contact")?;
    state
        .store()
        .contact_by_id(workspace, ContactId(id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no contact with id {id}")))
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
