//! Who a request names: the one check of a contact's email and external id shared by the API,
//! the survey pages and the widget.

use vouch_core::Email;
use vouch_store::ContactKey;

use crate::error::{ApiError, Result};
use crate::state::Limits;

/// Who a request names: an email (as [`Email::parse`] keeps it: trimmed, ASCII lower-cased,
/// plausible) and/or an external id (trimmed); at least one. Errors name `email` and `external_id`, inside `within` when the
/// contact is a field of the body (`contact.email`).
pub fn contact_key(
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
    let email = match email {
        Some(address) => Some(
            checked_email(address, limits)
                .map_err(|reason| ApiError::validation(path("email"), reason))?,
        ),
        None => None,
    };
    Ok(ContactKey {
        external_id: external_id.map(str::to_owned),
        email,
    })
}

/// The address as stored ([`Email::parse`]: trimmed, ASCII lower-cased, plausible), and at
/// most `limits.key_chars` characters.
fn checked_email(address: &str, limits: &Limits) -> std::result::Result<String, String> {
    if address.chars().count() > limits.key_chars {
        return Err(format!(
            "an email has at most {} characters",
            limits.key_chars
        ));
    }
    Email::parse(address)
        .map(Email::into_string)
        .map_err(|error| error.to_string())
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
