//! Rows of answer collection: how a survey presents itself, invitations (one per person asked),
//! campaigns, email suppressions and widget keys, and the store area that keeps them.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::StoreResult;
use crate::types::{CampaignId, ContactId, ResponseId, StoredResponse, SurveyId, WorkspaceId};

/// The throttle window when a survey or campaign does not set one: nobody is asked twice within
/// it, across every survey and channel.
pub const DEFAULT_THROTTLE_DAYS: u32 = 90;

/// How many days an invitation's links stay valid after it is created.
pub const DEFAULT_INVITATION_DAYS: u32 = 60;

/// How a survey looks and speaks to respondents. Stored as one JSON document per survey, so
/// that new presentation settings need no migration; every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SurveySettings {
    /// The name shown on pages and in emails ("Acme"); the workspace slug when unset.
    pub brand_name: Option<String>,
    /// The accent colour of survey pages, `#RRGGBB`.
    pub brand_color: Option<String>,
    /// An absolute `https://` (or `http://`) URL of a logo image.
    pub logo_url: Option<String>,
    /// The language (`en`, `fr`, `de`, `es`) when neither the contact nor the browser picks one.
    pub default_language: String,
    /// Follow-up asked of promoters (9–10) instead of the survey's follow-up.
    pub follow_up_promoter: Option<String>,
    /// Follow-up asked of passives (7–8).
    pub follow_up_passive: Option<String>,
    /// Follow-up asked of detractors (0–6).
    pub follow_up_detractor: Option<String>,
    /// Wording per language other than the default: language code → question and follow-up.
    pub translations: std::collections::BTreeMap<String, Wording>,
    /// Nobody is asked this survey if anyone asked them anything within this many days.
    pub throttle_days: u32,
    /// Whether the public link `/l/{slug}` takes answers.
    pub link_enabled: bool,
}

impl SurveySettings {
    /// The brand respondents of this survey see: each field the survey sets, else the
    /// workspace's.
    pub fn brand_over(&self, workspace: &crate::Brand) -> crate::Brand {
        let own = |field: &Option<String>| field.clone().filter(|text| !text.trim().is_empty());
        crate::Brand {
            name: own(&self.brand_name).or_else(|| workspace.name.clone()),
            color: own(&self.brand_color).or_else(|| workspace.color.clone()),
            logo_url: own(&self.logo_url).or_else(|| workspace.logo_url.clone()),
        }
    }
}

impl Default for SurveySettings {
    fn default() -> Self {
        SurveySettings {
            brand_name: None,
            brand_color: None,
            logo_url: None,
            default_language: "en".to_owned(),
            follow_up_promoter: None,
            follow_up_passive: None,
            follow_up_detractor: None,
            translations: Default::default(),
            throttle_days: DEFAULT_THROTTLE_DAYS,
            link_enabled: true,
        }
    }
}

/// A survey's question and follow-up in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    /// The 0–10 question.
    pub question: Option<String>,
    /// The "why?" question.
    pub follow_up: Option<String>,
}

/// Identifies an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InvitationId(pub i64);

/// How a person was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// An email with the score buttons in it.
    Email,
    /// The public link page of a survey.
    Link,
    /// The in-app widget.
    Widget,
}

impl Channel {
    /// `email`, `link` or `widget`: also the `channel` of the responses it brings.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Link => "link",
            Channel::Widget => "widget",
        }
    }

    /// Parses `email`, `link` or `widget`.
    pub fn parse(text: &str) -> Option<Channel> {
        match text {
            "email" => Some(Channel::Email),
            "link" => Some(Channel::Link),
            "widget" => Some(Channel::Widget),
            _ => None,
        }
    }
}

/// One person asked one survey once. Links in emails and widget answers point at it, so
/// answering again replaces its answer instead of counting twice. Creating one counts as
/// surveying the contact for the throttle window.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    /// Its id (signed into the links that point at it).
    pub id: InvitationId,
    /// Its workspace.
    pub workspace: WorkspaceId,
    /// The survey asked.
    pub survey: SurveyId,
    /// The person asked.
    pub contact: ContactId,
    /// The campaign that sent it, for email invitations.
    pub campaign: Option<CampaignId>,
    /// How the person was asked.
    pub channel: Channel,
    /// When it was created.
    pub created_at: Timestamp,
    /// After this its links show "this survey has closed" and record nothing.
    pub expires_at: Timestamp,
    /// When the email was accepted by the SMTP server.
    pub sent_at: Option<Timestamp>,
    /// When the SMTP server refused the recipient for good.
    pub bounced_at: Option<Timestamp>,
    /// Why the last send attempt failed (a bounce, or a failure that will be retried).
    pub last_error: Option<String>,
    /// When the survey page was first opened from it.
    pub opened_at: Option<Timestamp>,
    /// When a reminder was queued for it.
    pub reminded_at: Option<Timestamp>,
    /// The current answer, if any.
    pub response: Option<ResponseId>,
    /// When it was first answered.
    pub answered_at: Option<Timestamp>,
}

/// An invitation to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInvitation {
    /// The survey asked.
    pub survey: SurveyId,
    /// The person asked.
    pub contact: ContactId,
    /// The campaign sending it.
    pub campaign: Option<CampaignId>,
    /// How the person is asked.
    pub channel: Channel,
    /// When its links stop working.
    pub expires_at: Timestamp,
}

/// What a send attempt of an invitation's email came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The SMTP server accepted the message.
    Sent,
    /// The SMTP server refused the recipient for good: recorded as a bounce, and the address
    /// is suppressed.
    Bounced(String),
    /// A failure that a retry may cure (server down, timeout); the error is kept for display.
    Failed(String),
    /// Not sent because the address is suppressed (unsubscribed or bounced before).
    Suppressed,
}

/// An answer given through an invitation.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The invitation answered.
    pub invitation: InvitationId,
    /// The score.
    pub score: vouch_core::Score,
    /// The answer to "why?", if any.
    pub comment: Option<String>,
    /// When it was given.
    pub at: Timestamp,
}

/// A campaign: a survey sent by email to the contacts that match its filters, once or on a
/// schedule, within the throttle window.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// Its id.
    pub id: CampaignId,
    /// Its workspace.
    pub workspace: WorkspaceId,
    /// The survey sent.
    pub survey: SurveyId,
    /// A name for people.
    pub name: String,
    /// The rules it sends by.
    pub rules: CampaignRules,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it next sends; `None` when it will not send again.
    pub next_run_at: Option<Timestamp>,
    /// When it last sent.
    pub last_run_at: Option<Timestamp>,
}

/// Who a campaign sends to and when.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignRules {
    /// `(attribute, canonical value)`: only contacts whose attribute has that value (AND across
    /// entries; OR between values of the same attribute), as in [`crate::ContactQuery`].
    pub filters: Vec<(String, String)>,
    /// The share of eligible contacts asked, in (0, 1].
    pub sample: f64,
    /// Contacts asked anything within this many days are skipped.
    pub throttle_days: u32,
    /// Non-responders get one reminder this many days after the first email.
    pub reminder_after_days: Option<u32>,
    /// Send again every this many days (each contact once per cycle); `None` sends once.
    pub repeat_every_days: Option<u32>,
    /// With a repeat: spread each cycle's contacts over its weekdays instead of all at once.
    pub spread_over_weekdays: bool,
}

/// A campaign to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCampaign {
    /// The survey sent.
    pub survey: SurveyId,
    /// A name for people.
    pub name: String,
    /// The rules it sends by.
    pub rules: CampaignRules,
    /// When it first sends (now for "send now").
    pub first_run_at: Timestamp,
}

/// A campaign's numbers, counted over its invitations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CampaignNumbers {
    /// Invitations created (people asked or about to be).
    pub invited: u64,
    /// Emails accepted by the SMTP server.
    pub sent: u64,
    /// Emails refused by the SMTP server for good.
    pub bounced: u64,
    /// Neither sent nor bounced yet (queued, or failing and being retried).
    pub pending: u64,
    /// Pending invitations whose last attempt failed.
    pub failing: u64,
    /// Not sent because the address was suppressed.
    pub suppressed: u64,
    /// Survey pages opened from the email.
    pub opened: u64,
    /// Invitations answered.
    pub answered: u64,
    /// Reminders queued.
    pub reminded: u64,
}

impl CampaignNumbers {
    /// Emails delivered: sent and not bounced.
    pub fn delivered(&self) -> u64 {
        self.sent
    }

    /// Answered per delivered email, in [0, 1]; `None` before anything is delivered.
    pub fn response_rate(&self) -> Option<f64> {
        (self.sent > 0).then(|| self.answered as f64 / self.sent as f64)
    }
}

/// Which contacts may be asked now. See [`crate::ContactStore::eligible_contacts`].
#[derive(Debug, Clone, PartialEq)]
pub struct Eligibility {
    /// Attribute filters, as in [`CampaignRules::filters`].
    pub filters: Vec<(String, String)>,
    /// Skip contacts invited (any survey, any channel) or who answered at or after this time.
    pub not_surveyed_since: Timestamp,
    /// Skip contacts this campaign already invited at or after this time (a cycle of a repeat).
    pub campaign: Option<(CampaignId, Timestamp)>,
    /// Only contacts with an email that is not suppressed.
    pub need_email: bool,
    /// Only contacts with an id above this one (the cursor).
    pub after: Option<ContactId>,
    /// At most this many, in id order.
    pub limit: usize,
}

/// Why an email address receives nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuppressionReason {
    /// The person unsubscribed: honoured forever, even after they are erased and added again.
    Unsubscribed,
    /// The SMTP server refused the address for good.
    Bounced,
}

impl SuppressionReason {
    /// `unsubscribed` or `bounced`.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionReason::Unsubscribed => "unsubscribed",
            SuppressionReason::Bounced => "bounced",
        }
    }

    /// Parses `unsubscribed` or `bounced`.
    pub fn parse(text: &str) -> Option<SuppressionReason> {
        match text {
            "unsubscribed" => Some(SuppressionReason::Unsubscribed),
            "bounced" => Some(SuppressionReason::Bounced),
            _ => None,
        }
    }
}

/// Identifies a widget key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WidgetKeyId(pub i64);

/// The public key an in-app widget is embedded with. It is not secret (it sits in the host
/// page) and can do one thing only: ask its survey and submit answers to it, from its origins.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetKey {
    /// Its id.
    pub id: WidgetKeyId,
    /// Its workspace.
    pub workspace: WorkspaceId,
    /// The survey the widget asks.
    pub survey: SurveyId,
    /// The key itself (`pk_…`), unique across the server.
    pub key: String,
    /// The origins (`https://app.example.com`) whose pages may use it.
    pub origins: Vec<String>,
    /// The share of eligible visitors shown the survey, in (0, 1].
    pub sample: f64,
    /// Visitors whose account (the `created_at` trait) is younger than this are not asked.
    pub min_account_age_days: u32,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was revoked; a revoked key shows nothing and takes nothing.
    pub revoked_at: Option<Timestamp>,
}

/// A widget key to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWidgetKey {
    /// The survey the widget asks.
    pub survey: SurveyId,
    /// The key itself.
    pub key: String,
    /// The origins whose pages may use it.
    pub origins: Vec<String>,
    /// The share of eligible visitors shown the survey.
    pub sample: f64,
    /// The minimum account age in days.
    pub min_account_age_days: u32,
}

/// Answer collection: the link secret, invitations and answers, suppressions, campaigns and widget
/// keys.
#[async_trait]
pub trait CollectStore: Send + Sync {
    /// The secret that signs survey links, made at random on first use and the same for every
    /// server sharing the database.
    async fn link_secret(&self) -> StoreResult<Vec<u8>>;

    /// Creates invitations in one transaction. For each email invitation a `send_email` job
    /// (payload `{"invitation": ID, "reminder": false}`, 8 attempts) is queued in that same
    /// transaction, so an invitation is never left without its send.
    async fn invite(
        &self,
        workspace: WorkspaceId,
        invitations: &[NewInvitation],
    ) -> StoreResult<Vec<Invitation>>;

    /// The invitation with this id, in any workspace (links carry only the id).
    async fn invitation(&self, id: InvitationId) -> StoreResult<Option<Invitation>>;

    /// Records that the survey page was opened from the invitation (the first time only).
    async fn mark_opened(&self, id: InvitationId, at: Timestamp) -> StoreResult<()>;

    /// Records what an attempt to email the invitation came to. `Bounced` also suppresses the
    /// contact's address; `Failed` keeps the error for display and leaves the invitation
    /// pending.
    async fn record_send(
        &self,
        id: InvitationId,
        outcome: &SendOutcome,
        at: Timestamp,
    ) -> StoreResult<()>;

    /// Records an answer through an invitation, in one transaction. The response is written with
    /// the invitation's survey, contact, channel and the contact's current attributes. When the
    /// invitation was answered before, the earlier response is erased (recorded as a
    /// [`Deletion`](crate::Deletion)) and replaced, keeping its `created_at`: answering twice never
    /// counts twice. An answer equal to the current one changes nothing and returns it.
    async fn record_answer(&self, answer: &Answer) -> StoreResult<StoredResponse>;

    /// Suppresses an address for good (unsubscribe or bounce). Kept by address, so it outlives
    /// the contact; suppressing twice keeps the first reason.
    async fn suppress_email(
        &self,
        workspace: WorkspaceId,
        email: &str,
        reason: SuppressionReason,
        at: Timestamp,
    ) -> StoreResult<()>;

    /// Why the address is suppressed, if it is.
    async fn suppression(
        &self,
        workspace: WorkspaceId,
        email: &str,
    ) -> StoreResult<Option<SuppressionReason>>;

    /// Creates a campaign and queues its first `run_campaign` job (payload
    /// `{"campaign": ID}`) at `first_run_at`, in one transaction.
    async fn create_campaign(
        &self,
        workspace: WorkspaceId,
        campaign: NewCampaign,
    ) -> StoreResult<Campaign>;

    /// The campaign with this id in the workspace, if any.
    async fn campaign(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
    ) -> StoreResult<Option<Campaign>>;

    /// Every campaign of the workspace with its numbers, newest first.
    async fn campaigns(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<(Campaign, CampaignNumbers)>>;

    /// A campaign's numbers.
    async fn campaign_numbers(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
    ) -> StoreResult<CampaignNumbers>;

    /// Records that a run of the campaign finished at `ran_at`; with `next_run_at`, queues the
    /// next `run_campaign` job then, in the same transaction.
    async fn finish_campaign_run(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
        ran_at: Timestamp,
        next_run_at: Option<Timestamp>,
    ) -> StoreResult<()>;

    /// Queues one reminder for each of the campaign's invitations sent before `sent_before`,
    /// not answered, not bounced, not reminded yet, whose address is not suppressed: marks
    /// them reminded and queues a `send_email` job (payload `{"invitation": ID, "reminder":
    /// true}`) for each, in one transaction. Returns how many were queued.
    async fn queue_reminders(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
        sent_before: Timestamp,
        now: Timestamp,
    ) -> StoreResult<u64>;

    /// Stores a widget key; `Conflict` if the key exists.
    async fn create_widget_key(
        &self,
        workspace: WorkspaceId,
        key: NewWidgetKey,
    ) -> StoreResult<WidgetKey>;

    /// The widget key with this public key, in any workspace (revoked or not).
    async fn widget_key(&self, key: &str) -> StoreResult<Option<WidgetKey>>;

    /// Every widget key of the workspace, oldest first.
    async fn widget_keys(&self, workspace: WorkspaceId) -> StoreResult<Vec<WidgetKey>>;

    /// Revokes a widget key of the workspace; `NotFound` if it has none such.
    async fn revoke_widget_key(&self, workspace: WorkspaceId, key: &str) -> StoreResult<()>;
}
