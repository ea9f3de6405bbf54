//! The rows a store reads and writes.

use std::collections::BTreeMap;

use jiff::Timestamp;
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};

/// Identifies a workspace (one company or brand on a server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkspaceId(pub i64);

/// Identifies a survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SurveyId(pub i64);

/// Identifies a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContactId(pub i64);

/// Identifies a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CampaignId(pub i64);

/// Identifies a response. Ids only grow: a larger id was written later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ResponseId(pub i64);

/// A contact's attributes by name.
pub type Attributes = BTreeMap<String, AttributeValue>;

/// One company or brand: its data is seen only through it.
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    /// Its id.
    pub id: WorkspaceId,
    /// The short name used on the command line (`--workspace`).
    pub slug: String,
    /// The IANA time zone reports bucket periods in (`UTC` by default).
    pub time_zone: String,
    /// How it shows itself to respondents where a survey sets nothing of its own.
    pub brand: Brand,
}

impl Workspace {
    /// The company name respondents read (in the question, the email, the page header), when
    /// the workspace has one; the slug is an internal name and is never shown to them.
    pub fn brand_name(&self) -> Option<&str> {
        self.brand.name.as_deref()
    }
}

/// A company's name, colour and logo as respondents see them (each checked by
/// `vouch_core::brand`); any of them may be unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Brand {
    /// "Acme Analytics".
    pub name: Option<String>,
    /// The accent colour, `#RRGGBB`.
    pub color: Option<String>,
    /// An absolute `http(s)://` URL of the logo.
    pub logo_url: Option<String>,
}

/// An attribute and the kind it was given when first seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeDefinition {
    /// The attribute's name, as in the CSV header or the API.
    pub name: String,
    /// Its kind; values are compared as this kind.
    pub kind: AttributeKind,
}

/// A survey to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSurvey {
    /// Unique within the workspace.
    pub name: String,
    /// NPS or eNPS.
    pub kind: SurveyKind,
    /// The 0–10 question.
    pub question: String,
    /// The "why?" question asked after the score.
    pub follow_up: String,
    /// The public link's slug (`/l/{slug}`), unique across the server; one is made from the
    /// name with a random suffix when `None` (see [`crate::generate_slug`]).
    pub slug: Option<String>,
    /// How it looks and speaks to respondents.
    pub settings: crate::SurveySettings,
}

/// A stored survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    /// Its id.
    pub id: SurveyId,
    /// Unique within the workspace.
    pub name: String,
    /// NPS or eNPS.
    pub kind: SurveyKind,
    /// The 0–10 question.
    pub question: String,
    /// The "why?" question.
    pub follow_up: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// Archived surveys take no new answers.
    pub archived: bool,
    /// The public link's slug (`/l/{slug}`), unique across the server.
    pub slug: String,
    /// How it looks and speaks to respondents.
    pub settings: crate::SurveySettings,
}

/// A survey with its response count, for listings.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyListing {
    /// The survey.
    pub survey: Survey,
    /// How many responses it has.
    pub responses: u64,
}

/// Who answered: an external id, an email, or both. At least one is set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContactKey {
    /// The id of the person in the customer's own systems.
    pub external_id: Option<String>,
    /// Their email address.
    pub email: Option<String>,
}

/// A stored contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Its id.
    pub id: ContactId,
    /// External id, if known.
    pub external_id: Option<String>,
    /// Email, if known.
    pub email: Option<String>,
    /// Its latest attributes.
    pub attributes: Attributes,
}

/// A response to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResponse {
    /// The survey answered.
    pub survey: SurveyId,
    /// Who answered.
    pub contact: ContactKey,
    /// The contact's attributes at the time of the answer.
    pub attributes: Attributes,
    /// The score.
    pub score: Score,
    /// The answer to "why?", if any.
    pub comment: Option<String>,
    /// When it was given.
    pub created_at: Timestamp,
    /// How it arrived: `import`, `api`, `email`, `link`, `widget`.
    pub channel: String,
}

/// A stored response.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    /// Its id.
    pub id: ResponseId,
    /// The survey answered.
    pub survey: SurveyId,
    /// Who answered.
    pub contact: ContactId,
    /// The score.
    pub score: Score,
    /// The answer to "why?", if any.
    pub comment: Option<String>,
    /// When it was given.
    pub created_at: Timestamp,
    /// How it arrived.
    pub channel: String,
    /// The contact's attributes at the time of the answer.
    pub attributes: Attributes,
}

/// The erasure of one response, numbered in the order erasures happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deletion {
    /// The position of this erasure in the workspace's deletion log.
    pub sequence: i64,
    /// The response erased.
    pub response: ResponseId,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    /// Responses inserted.
    pub responses: u64,
    /// Contacts created (the rest already existed).
    pub contacts_created: u64,
}
