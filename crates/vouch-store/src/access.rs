//! Rows of the server's own bookkeeping: API keys, idempotency, ingest, contact queries.

use jiff::Timestamp;

use crate::types::{AttributeDefinition, ContactId, NewResponse, StoredResponse, WorkspaceId};

/// Identifies an API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiKeyId(pub i64);

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyScope {
    /// Read surveys, contacts, responses and reports.
    Read,
    /// Everything `Read` may, and create, change and erase.
    Write,
}

impl KeyScope {
    /// `read` or `write`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Read => "read",
            KeyScope::Write => "write",
        }
    }

    /// Parses `read` or `write`.
    pub fn parse(text: &str) -> Option<KeyScope> {
        match text {
            "read" => Some(KeyScope::Read),
            "write" => Some(KeyScope::Write),
            _ => None,
        }
    }
}

/// A stored API key. The secret itself is never stored, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Its id.
    pub id: ApiKeyId,
    /// The workspace it gives access to, and only that one.
    pub workspace: WorkspaceId,
    /// A name for people (unique among the workspace's keys that are not revoked).
    pub name: String,
    /// What it may do.
    pub scope: KeyScope,
    /// The first characters of the key, to recognise it in listings.
    pub prefix: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was revoked; a revoked key opens nothing.
    pub revoked_at: Option<Timestamp>,
}

/// An API key to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    /// A name for people.
    pub name: String,
    /// What it may do.
    pub scope: KeyScope,
    /// The first characters of the key.
    pub prefix: String,
    /// The hex SHA-256 of the whole key: what requests are checked against.
    pub secret_hash: String,
}

/// Changes to a survey; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SurveyChanges {
    /// A new name (unique in the workspace).
    pub name: Option<String>,
    /// New question wording.
    pub question: Option<String>,
    /// New follow-up wording.
    pub follow_up: Option<String>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
    /// A new public link slug (unique across the server).
    pub slug: Option<String>,
    /// New presentation settings (replacing the old ones whole).
    pub settings: Option<crate::SurveySettings>,
}

/// A page of contacts, optionally filtered by attribute values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactQuery {
    /// `(attribute, canonical value)`: keep contacts whose attribute has that value, compared
    /// as text of the canonical form (`3`, `true`, `2026-01-31`). AND across entries.
    pub filters: Vec<(String, String)>,
    /// Only contacts with an id above this one (the cursor).
    pub after: Option<ContactId>,
    /// At most this many contacts, in id order.
    pub limit: usize,
}

/// An `Idempotency-Key` and what the request carried, to tell a retry from a reuse.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey {
    /// The client's key.
    pub key: String,
    /// A digest of the request body: the same key with another body is a client error.
    pub fingerprint: String,
}

/// One response to write through [`crate::ResponseStore::ingest`].
#[derive(Debug, Clone, PartialEq)]
pub struct IngestRequest {
    /// The response; its attributes are merged into the contact's (given values win), and the
    /// response keeps the merged set as its snapshot.
    pub response: NewResponse,
    /// Kinds of attributes this response introduces (already-defined ones are ignored).
    pub definitions: Vec<AttributeDefinition>,
    /// The request's idempotency key, if it sent one.
    pub idempotency: Option<IdempotencyKey>,
}

/// What became of one [`IngestRequest`].
#[derive(Debug, Clone, PartialEq)]
pub enum IngestOutcome {
    /// Written now.
    Created(StoredResponse),
    /// The key was seen before with the same fingerprint: the response written then.
    Replayed(StoredResponse),
    /// The key was seen before with another fingerprint: nothing written.
    KeyReused,
}

/// A reply remembered for an idempotency key, so that a retried request gets it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedReply {
    /// A digest of the request body that produced the reply.
    pub fingerprint: String,
    /// The HTTP status of the reply.
    pub status: u16,
    /// The reply's body.
    pub body: String,
}
