//! Replies to a respondent ("close the loop"): the one check of a reply's text, and the one
//! rule of who may be written to.
//!
//! A reply is only ever written to the person who answered a customer survey, by email: never
//! to an answer of an anonymous (eNPS) survey, whose author a reply would reveal, nor to a
//! contact without an address, nor to an address that unsubscribed or bounced.

use crate::limits::MAX_REPLY_CHARS;

/// Why a reply's text is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyTextError {
    /// Nothing but white space.
    #[error("a reply needs a message")]
    Empty,
    /// Longer than [`MAX_REPLY_CHARS`].
    #[error("a reply has at most {MAX_REPLY_CHARS} characters; this one has {0}")]
    TooLong(usize),
}

/// The text of a reply: trimmed, not empty, at most [`MAX_REPLY_CHARS`] characters.
pub fn check_reply_text(text: &str) -> Result<String, ReplyTextError> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars == 0 {
        return Err(ReplyTextError::Empty);
    }
    if chars > MAX_REPLY_CHARS {
        return Err(ReplyTextError::TooLong(chars));
    }
    Ok(text.to_owned())
}

/// Why an answer cannot be replied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unreachable {
    /// The answer is to an anonymous (eNPS) survey.
    #[error("answers to eNPS surveys are anonymous: their authors are never written to")]
    Anonymous,
    /// The respondent has no email address.
    #[error("the respondent has no email address")]
    NoEmail,
    /// The respondent's address unsubscribed.
    #[error("the respondent unsubscribed: they receive no more email")]
    Unsubscribed,
    /// The respondent's address bounced before.
    #[error("the respondent's address bounced: it receives no more email")]
    Bounced,
}

/// What decides whether an answer may be replied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyTarget<'a> {
    /// Whether the survey answered is anonymous (eNPS).
    pub anonymous: bool,
    /// The respondent's email address, if any.
    pub email: Option<&'a str>,
    /// Whether the address unsubscribed.
    pub unsubscribed: bool,
    /// Whether the address bounced.
    pub bounced: bool,
}

/// Whether the answer may be replied to: the first reason it may not, in the order of
/// [`Unreachable`]'s variants (anonymity first, so that nothing about an eNPS respondent is
/// told).
pub fn reachable(target: &ReplyTarget<'_>) -> Result<(), Unreachable> {
    if target.anonymous {
        return Err(Unreachable::Anonymous);
    }
    if target.email.is_none_or(|email| email.trim().is_empty()) {
        return Err(Unreachable::NoEmail);
    }
    if target.unsubscribed {
        return Err(Unreachable::Unsubscribed);
    }
    if target.bounced {
        return Err(Unreachable::Bounced);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_trimmed_and_bounded() {
        assert_eq!(check_reply_text("  Thank you!\n").unwrap(), "Thank you!");
        assert_eq!(check_reply_text(" \n\t "), Err(ReplyTextError::Empty));
        let long = "a".repeat(MAX_REPLY_CHARS + 1);
        assert_eq!(
            check_reply_text(&long),
            Err(ReplyTextError::TooLong(MAX_REPLY_CHARS + 1))
        );
        let longest = format!("  {}  ", "é".repeat(MAX_REPLY_CHARS));
        assert_eq!(
            check_reply_text(&longest).unwrap().chars().count(),
            MAX_REPLY_CHARS
        );
    }

    #[test]
    fn anonymity_comes_first_then_the_address() {
        let open = ReplyTarget {
            anonymous: false,
            email: Some("ana@example.com"),
            unsubscribed: false,
            bounced: false,
        };
        assert_eq!(reachable(&open), Ok(()));
        let all = ReplyTarget {
            anonymous: true,
            email: None,
            unsubscribed: true,
            bounced: true,
        };
        assert_eq!(reachable(&all), Err(Unreachable::Anonymous));
        let no_email = ReplyTarget {
            email: Some("  "),
            unsubscribed: true,
            ..open
        };
        assert_eq!(reachable(&no_email), Err(Unreachable::NoEmail));
        let gone = ReplyTarget {
            unsubscribed: true,
            bounced: true,
            ..open
        };
        assert_eq!(reachable(&gone), Err(Unreachable::Unsubscribed));
        let bounced = ReplyTarget {
            bounced: true,
            ..open
        };
        assert_eq!(reachable(&bounced), Err(Unreachable::Bounced));
    }
}
