//! The "History" of an answer's page: every change made to its tags, status and assignee, and
//! every reply emailed to its author with the state of its email
//! (`TagStore::response_history`), oldest first, each with who made it and when —
//! "Tag “billing” added by Ana Lima · 3 Dec 14:02", "… by rule #3", "… by an API key",
//! "… from the command line".
//!
//! Assignees are named from the workspace's members ("a former member" for someone who left).
//! For an eNPS answer no time is printed: a rule tags an answer the moment it arrives, so the
//! time of that change would tell when it was given, which the page never says finer than the
//! month.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use vouch_store::{
    Actor, HistoryChange, HistoryEntry, Membership, ReplyStatus, ResponseId, ResponseStatus, Store,
    User, WorkspaceId,
};

use super::filters::status_label;
use crate::layout::DashboardError;

/// Who an unknown member is.
const FORMER_MEMBER: &str = "a former member";

/// One change as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HistoryLine {
    /// What changed: `Tag “billing” added`.
    pub(crate) change: String,
    /// Who: `by Ana Lima`, `by rule #3`, `by an API key`, `from the command line`.
    pub(crate) by: String,
    /// When, `3 Dec 14:02` (with the year when not this one); `None` for eNPS answers.
    pub(crate) when: Option<String>,
    /// When, for `<time datetime>`.
    pub(crate) when_iso: String,
    /// A reply's text.
    pub(crate) message: Option<String>,
    /// A reply's email: `sending`, `sent` or `failed: REASON`.
    pub(crate) state: Option<String>,
}

/// The answer's history as listed, oldest first.
pub(crate) async fn history_lines(
    store: &dyn Store,
    workspace: WorkspaceId,
    response: ResponseId,
    members: &[(User, Membership)],
    zone: &TimeZone,
    anonymous: bool,
) -> Result<Vec<HistoryLine>, DashboardError> {
    let entries = store.response_history(workspace, response).await?;
    let now = Timestamp::now();
    Ok(entries
        .iter()
        .map(|entry| line(entry, members, zone, (!anonymous).then_some(now)))
        .collect())
}

/// One entry as a line; its time only when `now` is given (to leave out this year).
fn line(
    entry: &HistoryEntry,
    members: &[(User, Membership)],
    zone: &TimeZone,
    now: Option<Timestamp>,
) -> HistoryLine {
    let at = entry.at.to_zoned(zone.clone());
    HistoryLine {
        change: change_text(&entry.change, members),
        by: actor_text(entry.actor, entry.actor_name.as_deref(), members),
        when: now.map(|now| {
            let this_year = now.to_zoned(zone.clone()).year() == at.year();
            let format = if this_year {
                "%-d %b %H:%M"
            } else {
                "%-d %b %Y %H:%M"
            };
            at.strftime(format).to_string()
        }),
        when_iso: at.timestamp().to_string(),
        message: match &entry.change {
            HistoryChange::Reply(reply) => Some(reply.message.clone()),
            _ => None,
        },
        state: match &entry.change {
            HistoryChange::Reply(reply) => Some(reply_state(&reply.status)),
            _ => None,
        },
    }
}

/// The state of a reply's email, as shown: `sending`, `sent` or `failed: REASON`.
fn reply_state(status: &ReplyStatus) -> String {
    match status {
        ReplyStatus::Failed(reason) => format!("failed: {reason}"),
        other => other.as_str().to_owned(),
    }
}

/// The name of a member of the workspace.
fn member_name(members: &[(User, Membership)], id: vouch_store::UserId) -> &str {
    members
        .iter()
        .find(|(user, _)| user.id == id)
        .map_or(FORMER_MEMBER, |(user, _)| user.name.as_str())
}

/// What changed, as a phrase.
fn change_text(change: &HistoryChange, members: &[(User, Membership)]) -> String {
    match change {
        HistoryChange::TagAdded(tag) => format!("Tag “{tag}” added"),
        HistoryChange::TagRemoved(tag) => format!("Tag “{tag}” removed"),
        HistoryChange::TagRenamed { from, to } => format!("Tag “{from}” renamed to “{to}”"),
        HistoryChange::Status(status) => match ResponseStatus::parse(status) {
            Some(status) => format!("Status set to {}", status_label(status).to_lowercase()),
            None => format!("Status set to {status}"),
        },
        HistoryChange::Assignee(Some(user)) => {
            format!("Assigned to {}", member_name(members, *user))
        }
        HistoryChange::Assignee(None) => "Unassigned".to_owned(),
        HistoryChange::Reply(_) => "Replied by email".to_owned(),
    }
}

/// Who made a change, as a phrase.
fn actor_text(actor: Actor, name: Option<&str>, members: &[(User, Membership)]) -> String {
    match actor {
        Actor::Member(user) => {
            let name = name.unwrap_or_else(|| member_name(members, user));
            format!("by {name}")
        }
        Actor::Rule(rule) => format!("by rule #{}", rule.0),
        Actor::ApiKey(_) => "by an API key".to_owned(),
        Actor::Operator => "from the command line".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_store::{RuleId, UserId};

    fn entry(actor: Actor, name: Option<&str>, change: HistoryChange) -> HistoryEntry {
        HistoryEntry {
            at: "2026-12-03T13:02:00Z".parse().expect("an instant"),
            actor,
            actor_name: name.map(str::to_owned),
            change,
        }
    }

    #[test]
    fn lines_say_what_who_and_when() {
        let paris = TimeZone::get("Europe/Paris").expect("a zone");
        let now: Timestamp = "2026-12-10T00:00:00Z".parse().expect("an instant");
        let added = entry(
            Actor::Member(UserId(1)),
            Some("Ana Lima"),
            HistoryChange::TagAdded("billing".into()),
        );
        let shown = line(&added, &[], &paris, Some(now));
        assert_eq!(shown.change, "Tag “billing” added");
        assert_eq!(shown.by, "by Ana Lima");
        assert_eq!(shown.when.as_deref(), Some("3 Dec 14:02"));
        let last_year: Timestamp = "2027-01-10T00:00:00Z".parse().expect("an instant");
        let dated = line(&added, &[], &paris, Some(last_year));
        assert_eq!(dated.when.as_deref(), Some("3 Dec 2026 14:02"));
        assert_eq!(line(&added, &[], &paris, None).when, None);
        let by_rule = entry(
            Actor::Rule(RuleId(3)),
            None,
            HistoryChange::TagRenamed {
                from: "bill".into(),
                to: "billing".into(),
            },
        );
        let shown = line(&by_rule, &[], &paris, None);
        assert_eq!(
            (shown.change.as_str(), shown.by.as_str()),
            ("Tag “bill” renamed to “billing”", "by rule #3")
        );
    }

    #[test]
    fn statuses_and_assignees_read_as_words() {
        let status = HistoryChange::Status("in_progress".into());
        assert_eq!(change_text(&status, &[]), "Status set to in progress");
        let gone = HistoryChange::Assignee(Some(UserId(9)));
        assert_eq!(change_text(&gone, &[]), "Assigned to a former member");
        assert_eq!(
            change_text(&HistoryChange::Assignee(None), &[]),
            "Unassigned"
        );
        assert_eq!(actor_text(Actor::ApiKey(4), None, &[]), "by an API key");
        assert_eq!(reply_state(&ReplyStatus::Sent), "sent");
        assert_eq!(
            reply_state(&ReplyStatus::Failed("550 no such user".into())),
            "failed: 550 no such user"
        );
        assert_eq!(
            actor_text(Actor::Operator, None, &[]),
            "from the command line"
        );
        assert_eq!(
            actor_text(Actor::Member(UserId(2)), None, &[]),
            "by a former member"
        );
    }
}
