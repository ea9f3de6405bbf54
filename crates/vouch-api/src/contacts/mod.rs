//! `/api/v1/contacts`: upsert, list, read, erase (GDPR) and export contacts.

pub(super) mod read;
pub(super) mod write;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use vouch_store::{Contact, ContactId, WorkspaceId};

use crate::Routes;
use crate::responses::ResponseJson;
use crate::surveys::KindJson;
use vouch_web::ApiState;
use vouch_web::error::{ApiError, Result};
use vouch_web::json::path_id;
use vouch_web::wire::attribute_json;

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
