//! The checks of the answer page's forms: the follow-up (status, assignee, tags) and a note
//! (a reply's text is checked by `vouch_core::reply`).
//! Each wrong field gets its sentence, shown beside it; a valid form becomes a change.

use vouch_core::tag::{MAX_TAG_CHARS, MAX_TAGS, normalise_tags};
use vouch_store::{Membership, ResponseStatus, User, UserId, WorkflowChange};

use super::path_id;

/// The longest note, in characters.
const MAX_NOTE_CHARS: usize = 5_000;

/// What the forms hold when they come back with an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FormState {
    /// The error beside the assignee field.
    pub(crate) assignee_error: Option<String>,
    /// The error beside the tags field.
    pub(crate) tags_error: Option<String>,
    /// The error beside the status field.
    pub(crate) status_error: Option<String>,
    /// The error beside the note field.
    pub(crate) note_error: Option<String>,
    /// The tags as typed.
    pub(crate) tags: Option<String>,
    /// The note as typed.
    pub(crate) note: String,
    /// The error beside the reply field.
    pub(crate) reply_error: Option<String>,
    /// The reply as typed.
    pub(crate) reply: String,
}

/// The change the workflow form asks for (a field left out changes nothing), with the error
/// of each wrong field in the form's state.
pub(crate) fn checked_workflow(
    fields: &[(String, String)],
    members: &[(User, Membership)],
) -> (WorkflowChange, FormState) {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let mut form = FormState::default();
    let status = match field("status").map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            let parsed = ResponseStatus::parse(text);
            if parsed.is_none() {
                form.status_error = Some("Choose open, in progress or closed.".into());
            }
            parsed
        }
    };
    let assignee = match field("assignee").map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(text) => {
            let member = path_id(text)
                .filter(|&id| members.iter().any(|(user, _)| user.id.0 == id))
                .map(UserId);
            if member.is_none() {
                form.assignee_error = Some("Choose a member of this workspace.".into());
            }
            member.map(Some)
        }
    };
    let tags = match field("tags") {
        None => None,
        Some(text) => match checked_tags(text) {
            Ok(tags) => Some(tags),
            Err(message) => {
                form.tags = Some(text.to_owned());
                form.tags_error = Some(message);
                None
            }
        },
    };
    let change = WorkflowChange {
        status,
        assignee,
        tags,
    };
    (change, form)
}

/// Tags as typed (`billing, Support ,billing`): kept as `normalise_tags` keeps them, within
/// the limits of length, count and characters.
fn checked_tags(text: &str) -> Result<Vec<String>, String> {
    let tags = normalise_tags(&text.split(',').collect::<Vec<_>>());
    if let Some(long) = tags.iter().find(|tag| tag.chars().count() > MAX_TAG_CHARS) {
        return Err(format!(
            "“{long}” is longer than {MAX_TAG_CHARS} characters."
        ));
    }
    if tags.iter().any(|tag| tag.chars().any(char::is_control)) {
        return Err("Tags may not contain control characters.".into());
    }
    if tags.len() > MAX_TAGS {
        return Err(format!("At most {MAX_TAGS} tags per answer."));
    }
    Ok(tags)
}

/// A note's text: not blank, at most 5,000 characters, no control characters but line breaks.
pub(crate) fn checked_note(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("Write the note before adding it.".into());
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(format!(
            "A note may have at most {MAX_NOTE_CHARS} characters."
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err("A note may not contain control characters.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_unique_and_sorted() {
        assert_eq!(
            checked_tags(" support, billing ,,support").unwrap(),
            vec!["billing".to_owned(), "support".to_owned()]
        );
        assert_eq!(checked_tags("").unwrap(), Vec::<String>::new());
        assert!(checked_tags(&"x".repeat(41)).is_err());
        let many: Vec<String> = (0..21).map(|n| format!("t{n}")).collect();
        assert!(checked_tags(&many.join(",")).is_err());
    }

    #[test]
    fn notes_must_say_something_reasonable() {
        assert!(checked_note("Called them,\nfixed.").is_ok());
        assert!(checked_note("").is_err());
        assert!(checked_note("a\u{0}b").is_err());
        assert!(checked_note(&"x".repeat(5_001)).is_err());
    }
}
