//! The job queue: rows, the jobs this version runs, and the store area.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{StoreResult, WorkspaceId};

/// Identifies a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub i64);

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// Waiting for its `run_at`, or for a worker.
    Queued,
    /// Claimed by a worker until its lease ends (then claimable again: a crash loses nothing).
    Running,
    /// Finished.
    Done,
    /// Failed on its last allowed attempt.
    Failed,
}

impl JobStatus {
    /// `queued`, `running`, `done` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    /// Parses the names [`JobStatus::as_str`] gives.
    pub fn parse(text: &str) -> Option<JobStatus> {
        match text {
            "queued" => Some(JobStatus::Queued),
            "running" => Some(JobStatus::Running),
            "done" => Some(JobStatus::Done),
            "failed" => Some(JobStatus::Failed),
            _ => None,
        }
    }
}

/// The kind stored for [`JobPayload::SendEmail`].
const SEND_EMAIL: &str = "send_email";
/// The kind stored for [`JobPayload::RunCampaign`].
const RUN_CAMPAIGN: &str = "run_campaign";
/// The kind stored for [`JobPayload::CampaignReminders`].
const CAMPAIGN_REMINDERS: &str = "campaign_reminders";
/// The kind stored for [`JobPayload::SendPasswordReset`].
const SEND_PASSWORD_RESET: &str = "send_password_reset";
/// The kind stored for [`JobPayload::ApplyRule`].
const APPLY_RULE: &str = "apply_rule";
/// The kind stored for [`JobPayload::DiscoverThemes`].
const DISCOVER_THEMES: &str = "discover_themes";
/// The kind stored for [`JobPayload::SendReply`].
const SEND_REPLY: &str = "send_reply";

/// A job this version of Vouch runs, with its arguments.
///
/// A job is stored as two columns: its kind, a name the worker dispatches on, and its payload,
/// a JSON object of the variant's fields. Both are part of the database's format — rows
/// written by earlier versions must keep working — so they never change:
///
/// | variant | kind | payload |
/// |---|---|---|
/// | [`SendEmail`](JobPayload::SendEmail) | `send_email` | `{"invitation":ID,"reminder":BOOL}` |
/// | [`RunCampaign`](JobPayload::RunCampaign) | `run_campaign` | `{"campaign":ID}` |
/// | [`CampaignReminders`](JobPayload::CampaignReminders) | `campaign_reminders` | `{"campaign":ID}` |
/// | [`SendPasswordReset`](JobPayload::SendPasswordReset) | `send_password_reset` | `{"user":ID,"token":"…"}` |
/// | [`ApplyRule`](JobPayload::ApplyRule) | `apply_rule` | `{"rule":ID}` |
/// | [`DiscoverThemes`](JobPayload::DiscoverThemes) | `discover_themes` | `{"survey":ID}` |
/// | [`SendReply`](JobPayload::SendReply) | `send_reply` | `{"reply":ID}` |
///
/// [`JobPayload::kind`] and [`JobPayload::to_payload_json`] give the two columns of a job to
/// queue; [`JobPayload::parse`] (or [`Job::parse_payload`]) reads them back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobPayload {
    /// Email an invitation, or its reminder.
    SendEmail(SendEmailJob),
    /// Run one cycle (or day) of a campaign.
    RunCampaign(CampaignJob),
    /// Queue the reminders of a campaign's invitations.
    CampaignReminders(CampaignJob),
    /// Email a user the link that lets them choose a new password.
    SendPasswordReset(PasswordResetJob),
    /// Match a new keyword rule against the responses stored before it.
    ApplyRule(RuleJob),
    /// Find a survey's themes again from all its comments.
    DiscoverThemes(ThemesJob),
    /// Email a reply to the author of a response.
    SendReply(ReplyJob),
}

/// The arguments of a [`JobPayload::SendReply`] job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyJob {
    /// The reply.
    pub reply: i64,
}

/// The arguments of a [`JobPayload::ApplyRule`] job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleJob {
    /// The rule.
    pub rule: i64,
}

/// The arguments of a [`JobPayload::DiscoverThemes`] job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemesJob {
    /// The survey.
    pub survey: i64,
}

/// The arguments of a [`JobPayload::SendEmail`] job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendEmailJob {
    /// The invitation to email.
    pub invitation: i64,
    /// Whether this is its reminder (absent in a payload: `false`).
    #[serde(default)]
    pub reminder: bool,
}

/// The arguments of a [`JobPayload::RunCampaign`] or [`JobPayload::CampaignReminders`] job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignJob {
    /// The campaign.
    pub campaign: i64,
}

/// The arguments of a [`JobPayload::SendPasswordReset`] job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordResetJob {
    /// The user to email.
    pub user: i64,
    /// The link's secret (only its hash is stored with the reset).
    pub token: String,
}

/// Why a stored job could not be read as a [`JobPayload`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobPayloadError {
    /// The kind is none that this version runs (a newer or an older version wrote it).
    #[error("unknown job kind {0:?}")]
    UnknownKind(String),
    /// The payload is not what its (known) kind needs.
    #[error("invalid {kind} payload {payload:?}: {reason}")]
    BadPayload {
        /// The job's kind.
        kind: &'static str,
        /// The payload as stored.
        payload: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl JobPayload {
    /// The kind stored with the job: what the worker dispatches on.
    pub fn kind(&self) -> &'static str {
        match self {
            JobPayload::SendEmail(_) => SEND_EMAIL,
            JobPayload::RunCampaign(_) => RUN_CAMPAIGN,
            JobPayload::CampaignReminders(_) => CAMPAIGN_REMINDERS,
            JobPayload::SendPasswordReset(_) => SEND_PASSWORD_RESET,
            JobPayload::ApplyRule(_) => APPLY_RULE,
            JobPayload::DiscoverThemes(_) => DISCOVER_THEMES,
            JobPayload::SendReply(_) => SEND_REPLY,
        }
    }

    /// The payload stored with the job: the variant's fields as a compact JSON object, in the
    /// order they are declared (see the table of [`JobPayload`]).
    pub fn to_payload_json(&self) -> String {
        let written = match self {
            JobPayload::SendEmail(job) => serde_json::to_string(job),
            JobPayload::RunCampaign(job) | JobPayload::CampaignReminders(job) => {
                serde_json::to_string(job)
            }
            JobPayload::SendPasswordReset(job) => serde_json::to_string(job),
            JobPayload::ApplyRule(job) => serde_json::to_string(job),
            JobPayload::DiscoverThemes(job) => serde_json::to_string(job),
            JobPayload::SendReply(job) => serde_json::to_string(job),
        };
        // Structs of numbers, booleans and strings always serialise.
        written.expect("a job payload serialises to JSON")
    }

    /// Reads a job from its stored kind and payload: [`JobPayloadError::UnknownKind`] for a
    /// kind this version does not run, [`JobPayloadError::BadPayload`] for a payload that is
    /// not JSON or lacks (or mistypes) a field its kind needs. Fields a payload has beyond
    /// those are ignored.
    pub fn parse(kind: &str, payload: &str) -> Result<JobPayload, JobPayloadError> {
        match kind {
            SEND_EMAIL => fields(SEND_EMAIL, payload).map(JobPayload::SendEmail),
            RUN_CAMPAIGN => fields(RUN_CAMPAIGN, payload).map(JobPayload::RunCampaign),
            CAMPAIGN_REMINDERS => {
                fields(CAMPAIGN_REMINDERS, payload).map(JobPayload::CampaignReminders)
            }
            SEND_PASSWORD_RESET => {
                fields(SEND_PASSWORD_RESET, payload).map(JobPayload::SendPasswordReset)
            }
            APPLY_RULE => fields(APPLY_RULE, payload).map(JobPayload::ApplyRule),
            DISCOVER_THEMES => fields(DISCOVER_THEMES, payload).map(JobPayload::DiscoverThemes),
            SEND_REPLY => fields(SEND_REPLY, payload).map(JobPayload::SendReply),
            other => Err(JobPayloadError::UnknownKind(other.to_owned())),
        }
    }
}

/// The fields of a job of a known kind, from its payload.
fn fields<T: serde::de::DeserializeOwned>(
    kind: &'static str,
    payload: &str,
) -> Result<T, JobPayloadError> {
    serde_json::from_str(payload).map_err(|error| JobPayloadError::BadPayload {
        kind,
        payload: payload.to_owned(),
        reason: error.to_string(),
    })
}

/// A job to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What to do, and with what: stored as its [`JobPayload::kind`] and
    /// [`JobPayload::to_payload_json`].
    pub payload: JobPayload,
    /// Not before this time.
    pub run_at: Timestamp,
    /// Attempts before it is marked failed.
    pub max_attempts: u32,
}

/// A queued, running or finished job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// The workspace it works for.
    pub workspace: WorkspaceId,
    /// What to do: a [`JobPayload::kind`], or a kind this version does not know (written by
    /// another version), which is listed like any other.
    pub kind: String,
    /// Its arguments, a JSON document: read it with [`Job::parse_payload`].
    pub payload: String,
    /// Where it is in its life.
    pub status: JobStatus,
    /// Attempts started so far.
    pub attempts: u32,
    /// Attempts before it is marked failed.
    pub max_attempts: u32,
    /// When it may run next.
    pub run_at: Timestamp,
    /// While running: when its lease ends.
    pub locked_until: Option<Timestamp>,
    /// The error of its last failed attempt.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl Job {
    /// What the job does, read from its kind and payload; see [`JobPayload::parse`].
    pub fn parse_payload(&self) -> Result<JobPayload, JobPayloadError> {
        JobPayload::parse(&self.kind, &self.payload)
    }
}

/// A filter on [`JobStore::jobs`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobQuery {
    /// Only jobs of this workspace.
    pub workspace: Option<WorkspaceId>,
    /// Only jobs in this status.
    pub status: Option<JobStatus>,
    /// Only jobs of this kind (a [`JobPayload::kind`], or any other stored kind).
    pub kind: Option<String>,
    /// At most this many, newest first.
    pub limit: usize,
}

/// The job queue shared by every worker on the database.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Queues a job; `NotFound` when the workspace does not exist.
    async fn enqueue_job(&self, workspace: WorkspaceId, job: NewJob) -> StoreResult<Job>;

    /// Claims up to `limit` jobs that are due (queued with `run_at` ≤ `now`, or running with an
    /// expired lease), oldest `run_at` first, across workspaces: each becomes `running` with a
    /// lease until `locked_until` and one more attempt. A job is claimed by one worker only,
    /// even with several servers on one PostgreSQL (`FOR UPDATE SKIP LOCKED`).
    async fn claim_jobs(
        &self,
        now: Timestamp,
        locked_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<Job>>;

    /// Marks a claimed job done.
    async fn complete_job(&self, id: JobId, at: Timestamp) -> StoreResult<()>;

    /// Records a failed attempt: queued again at `retry_at`, or `failed` for good when `None`.
    async fn fail_job(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<Timestamp>,
        at: Timestamp,
    ) -> StoreResult<()>;

    /// Jobs matching the query, newest first.
    async fn jobs(&self, query: &JobQuery) -> StoreResult<Vec<Job>>;

    /// Claims the weekly digest of `week` (an ISO week label, `2026-W49`) for the workspace:
    /// true for the one caller that claims it first, false for every later one, whatever the
    /// server; `NotFound` when the workspace does not exist.
    async fn claim_digest_week(
        &self,
        workspace: WorkspaceId,
        week: &str,
        at: Timestamp,
    ) -> StoreResult<bool>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant, with the kind and payload it is stored as (as earlier versions wrote).
    fn stored() -> Vec<(JobPayload, &'static str, &'static str)> {
        vec![
            (
                JobPayload::SendEmail(SendEmailJob {
                    invitation: 17,
                    reminder: false,
                }),
                "send_email",
                r#"{"invitation":17,"reminder":false}"#,
            ),
            (
                JobPayload::SendEmail(SendEmailJob {
                    invitation: 18,
                    reminder: true,
                }),
                "send_email",
                r#"{"invitation":18,"reminder":true}"#,
            ),
            (
                JobPayload::RunCampaign(CampaignJob { campaign: 4 }),
                "run_campaign",
                r#"{"campaign":4}"#,
            ),
            (
                JobPayload::CampaignReminders(CampaignJob { campaign: 5 }),
                "campaign_reminders",
                r#"{"campaign":5}"#,
            ),
            (
                JobPayload::SendPasswordReset(PasswordResetJob {
                    user: 9,
                    token: "Ab3xYz".into(),
                }),
                "send_password_reset",
                r#"{"user":9,"token":"Ab3xYz"}"#,
            ),
            (
                JobPayload::SendReply(ReplyJob { reply: 12 }),
                "send_reply",
                r#"{"reply":12}"#,
            ),
        ]
    }

    #[test]
    fn each_variant_is_stored_as_before_and_read_back() {
        for (payload, kind, json) in stored() {
            assert_eq!(payload.kind(), kind, "{payload:?}");
            assert_eq!(payload.to_payload_json(), json, "{payload:?}");
            assert_eq!(JobPayload::parse(kind, json), Ok(payload));
        }
    }

    #[test]
    fn payloads_written_by_hand_are_read_too() {
        assert_eq!(
            JobPayload::parse("run_campaign", r#"{"campaign": 4}"#),
            Ok(JobPayload::RunCampaign(CampaignJob { campaign: 4 })),
            "spaces"
        );
        assert_eq!(
            JobPayload::parse("send_email", r#"{"invitation":3}"#),
            Ok(JobPayload::SendEmail(SendEmailJob {
                invitation: 3,
                reminder: false
            })),
            "no reminder field: not a reminder"
        );
        assert_eq!(
            JobPayload::parse("send_password_reset", r#"{"token":"t","user":2,"extra":1}"#),
            Ok(JobPayload::SendPasswordReset(PasswordResetJob {
                user: 2,
                token: "t".into()
            })),
            "any field order; other fields ignored"
        );
    }

    #[test]
    fn an_unknown_kind_is_named() {
        let error = JobPayload::parse("reticulate_splines", "{}").unwrap_err();
        assert_eq!(
            error,
            JobPayloadError::UnknownKind("reticulate_splines".into())
        );
        assert_eq!(
            error.to_string(),
            r#"unknown job kind "reticulate_splines""#
        );
        assert!(
            matches!(
                JobPayload::parse("Send_Email", r#"{"invitation":1}"#),
                Err(JobPayloadError::UnknownKind(_))
            ),
            "kinds are exact"
        );
        assert!(
            matches!(
                JobPayload::parse("reticulate_splines", "not json"),
                Err(JobPayloadError::UnknownKind(_))
            ),
            "the kind is judged before the payload"
        );
    }

    #[test]
    fn a_malformed_payload_names_its_kind_and_the_fault() {
        let cases = [
            ("send_email", "{}", "missing field `invitation`"),
            (
                "run_campaign",
                r#"{"campaign":"4"}"#,
                "invalid type: string",
            ),
            ("campaign_reminders", "5", "invalid type: integer"),
            (
                "send_password_reset",
                r#"{"user":1}"#,
                "missing field `token`",
            ),
            ("send_email", "not json", "expected ident"),
            ("run_campaign", "", "EOF while parsing"),
        ];
        for (kind, payload, fault) in cases {
            let error = JobPayload::parse(kind, payload).unwrap_err();
            let JobPayloadError::BadPayload {
                kind: named,
                payload: stored,
                reason,
            } = &error
            else {
                panic!("{kind} {payload:?}: {error:?}");
            };
            assert_eq!((*named, stored.as_str()), (kind, payload));
            assert!(reason.contains(fault), "{kind} {payload:?}: {reason}");
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("invalid {kind} payload {payload:?}: ")),
                "{error}"
            );
        }
    }

    #[test]
    fn a_job_read_back_parses_its_payload() {
        let at = Timestamp::UNIX_EPOCH;
        let job = |kind: &str, payload: &str| Job {
            id: JobId(1),
            workspace: WorkspaceId(1),
            kind: kind.into(),
            payload: payload.into(),
            status: JobStatus::Queued,
            attempts: 0,
            max_attempts: 5,
            run_at: at,
            locked_until: None,
            last_error: None,
            created_at: at,
            updated_at: at,
        };
        assert_eq!(
            job("campaign_reminders", r#"{"campaign":5}"#).parse_payload(),
            Ok(JobPayload::CampaignReminders(CampaignJob { campaign: 5 }))
        );
        assert!(matches!(
            job("reticulate_splines", "{}").parse_payload(),
            Err(JobPayloadError::UnknownKind(kind)) if kind == "reticulate_splines"
        ));
    }
}
