//! An email address as Vouch keeps it: checked once, normalised once.
//!
//! Normalisation trims the text and lower-cases **ASCII letters only**. The stores compare
//! addresses byte for byte and lower them in SQL with `lower()`, which in SQLite and in
//! PostgreSQL on the `COLLATE "C"` email columns changes only `A`–`Z`; users and email
//! suppressions are keyed by `trim` + ASCII lower-casing too. Lowering the whole of Unicode
//! here would store `émile@…` for a contact whose suppression key is `Émile@…`, and the two
//! would no longer match.
//!
//! The check is deliberately plausible rather than RFC 5322: one `@` with something before
//! it, a domain with a dot that neither starts nor ends it, no spaces or control characters,
//! at most [`MAX_EMAIL_CHARS`] characters.

use std::fmt;

use crate::limits::MAX_EMAIL_CHARS;

/// A plausible email address, trimmed and with ASCII letters in lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Email(String);

/// Why a text is not an email address. Each message reads after a field name
/// (`column email: …`, `--email: …`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// The text was empty or blank.
    #[error("the email is empty")]
    Empty,
    /// More than [`MAX_EMAIL_CHARS`] characters once trimmed.
    #[error("longer than {MAX_EMAIL_CHARS} characters")]
    TooLong,
    /// A space, tab or line break inside the address.
    #[error("{0:?} is not an email address: it contains a space")]
    Whitespace(String),
    /// A control character inside the address.
    #[error("{0:?} is not an email address: it contains a control character")]
    ControlCharacter(String),
    /// No `@` at all.
    #[error("{0:?} is not an email address: it has no @")]
    NoAt(String),
    /// More than one `@`.
    #[error("{0:?} is not an email address: it has more than one @")]
    SeveralAts(String),
    /// Nothing before the `@`.
    #[error("{0:?} is not an email address: nothing before the @")]
    EmptyLocalPart(String),
    /// A domain without a dot, or with a dot at its start or end (`a@b`, `a@.b`, `a@b.`).
    #[error("{0:?} is not an email address: the domain needs a dot inside it")]
    BadDomain(String),
}

impl Email {
    /// Checks and normalises an address (see the module documentation).
    pub fn parse(text: &str) -> Result<Email, EmailError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > MAX_EMAIL_CHARS {
            return Err(EmailError::TooLong);
        }
        let owned = || trimmed.to_owned();
        if trimmed.contains(char::is_control) {
            return Err(EmailError::ControlCharacter(owned()));
        }
        if trimmed.contains(char::is_whitespace) {
            return Err(EmailError::Whitespace(owned()));
        }
        let Some((local, domain)) = trimmed.split_once('@') else {
            return Err(EmailError::NoAt(owned()));
        };
        if domain.contains('@') {
            return Err(EmailError::SeveralAts(owned()));
        }
        if local.is_empty() {
            return Err(EmailError::EmptyLocalPart(owned()));
        }
        if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
            return Err(EmailError::BadDomain(owned()));
        }
        Ok(Email(normalise(trimmed)))
    }

    /// The address, normalised.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address, normalised, as an owned string (for the store's row types).
    pub fn into_string(self) -> String {
        self.0
    }
}

/// The one normalisation of an address: trimmed, ASCII letters lower-cased, nothing checked.
///
/// For looking up what is already stored (a sign-in, an erasure by email), where an address
/// that would not pass [`Email::parse`] today must still find its row.
pub fn normalise(text: &str) -> String {
    text.trim().to_ascii_lowercase()
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Ok` with the normalised address, or the error's message.
    fn check(input: &str) -> Result<String, String> {
        Email::parse(input)
            .map(Email::into_string)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn plausible_addresses_are_trimmed_and_ascii_lower_cased() {
        let cases = [
            ("a@example.com", "a@example.com"),
            ("  Ann@Example.COM ", "ann@example.com"),
            ("\tmia@x.co\n", "mia@x.co"),
            (
                "first.last+tag@sub.example.org",
                "first.last+tag@sub.example.org",
            ),
            ("ÉMILE@Exemple.FR", "Émile@exemple.fr"),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("a@b.c", "a@b.c"),
        ];
        for (input, expected) in cases {
            assert_eq!(check(input), Ok(expected.to_owned()), "{input:?}");
        }
    }

    #[test]
    fn each_kind_of_bad_address_is_named() {
        let cases = [
            ("", "the email is empty"),
            ("   ", "the email is empty"),
            ("ann", "\"ann\" is not an email address: it has no @"),
            (
                "ann@",
                "\"ann@\" is not an email address: the domain needs a dot inside it",
            ),
            (
                "@example.com",
                "\"@example.com\" is not an email address: nothing before the @",
            ),
            (
                "ann@example",
                "\"ann@example\" is not an email address: the domain needs a dot inside it",
            ),
            (
                "ann@.example",
                "\"ann@.example\" is not an email address: the domain needs a dot inside it",
            ),
            (
                "ann@example.",
                "\"ann@example.\" is not an email address: the domain needs a dot inside it",
            ),
            (
                "a b@example.com",
                "\"a b@example.com\" is not an email address: it contains a space",
            ),
            (
                "a@b@c.com",
                "\"a@b@c.com\" is not an email address: it has more than one @",
            ),
            (
                "a\u{7}@b.com",
                "\"a\\u{7}@b.com\" is not an email address: it contains a control character",
            ),
            (
                "a@b.com\u{0}",
                "\"a@b.com\\0\" is not an email address: it contains a control character",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(check(input), Err(expected.to_owned()), "{input:?}");
        }
    }

    #[test]
    fn the_limit_is_254_characters_after_trimming() {
        let at_limit = format!("{}@example.com", "x".repeat(MAX_EMAIL_CHARS - 12));
        assert_eq!(at_limit.chars().count(), MAX_EMAIL_CHARS);
        assert!(Email::parse(&format!("  {at_limit}  ")).is_ok());
        let over = format!("x{at_limit}");
        assert_eq!(check(&over), Err("longer than 254 characters".to_owned()));
        // Characters, not bytes: 254 two-byte letters fit.
        let accented = format!("{}@example.com", "é".repeat(MAX_EMAIL_CHARS - 12));
        assert!(Email::parse(&accented).is_ok());
    }

    #[test]
    fn a_parsed_address_reads_as_itself() {
        let email = Email::parse(" Ann@Example.com").unwrap();
        assert_eq!(email.as_str(), "ann@example.com");
        assert_eq!(email.to_string(), "ann@example.com");
        assert_eq!(String::from(email.clone()), "ann@example.com");
        assert_eq!(Email::parse(email.as_str()), Ok(email));
    }

    #[test]
    fn normalising_alone_checks_nothing_and_matches_parse() {
        assert_eq!(normalise("  Root@LOCALHOST "), "root@localhost");
        assert_eq!(normalise("ÄB@X.COM"), "Äb@x.com");
        let parsed = Email::parse(" Mia@Example.COM ").unwrap();
        assert_eq!(normalise(" Mia@Example.COM "), parsed.as_str());
    }
}
