//! Tags the team puts on responses: one rule for what a list of tags becomes when it is stored.

use std::collections::HashSet;

/// The most tags one response may carry.
pub const MAX_TAGS: usize = 20;

/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;

/// Why a tag name cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagNameError {
    /// Nothing but spaces.
    #[error("a tag name needs at least one character that is not a space")]
    Blank,
    /// Longer than [`MAX_TAG_CHARS`].
    #[error("a tag name has at most {MAX_TAG_CHARS} characters; this one has {0}")]
    TooLong(usize),
    /// A control character (a line break, a tab, a NUL).
    #[error("a tag name may not contain control characters")]
    Control,
}

/// A tag name as it is kept (trimmed), or why it cannot be one. Tags differing only in case
/// are one tag: compare them by [`tag_key`].
pub fn check_tag_name(name: &str) -> Result<String, TagNameError> {
    let trimmed = name.trim();
    let chars = trimmed.chars().count();
    if chars == 0 {
        return Err(TagNameError::Blank);
    }
    if chars > MAX_TAG_CHARS {
        return Err(TagNameError::TooLong(chars));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(TagNameError::Control);
    }
    Ok(trimmed.to_owned())
}

/// What makes two tag names the same tag: the name lower-cased.
pub fn tag_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Tags as they are kept: each trimmed, empty ones dropped, one tag per spelling ignoring case
/// (the first spelling given is kept, so `["Bug", "bug"]` keeps `"Bug"`), then sorted by their
/// text (byte order, so `"Onboarding"` comes before `"api"`).
pub fn normalise_tags<S: AsRef<str>>(tags: &[S]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut normalised: Vec<String> = tags
        .iter()
        .map(|tag| tag.as_ref().trim())
        .filter(|tag| !tag.is_empty())
        .filter(|tag| seen.insert(tag_key(tag)))
        .map(str::to_owned)
        .collect();
    normalised.sort();
    normalised
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_sorted_and_unique_without_empty_ones() {
        let given = [" billing ", "Onboarding", "billing", "", "  ", "api"];
        assert_eq!(normalise_tags(&given), ["Onboarding", "api", "billing"]);
    }

    #[test]
    fn tags_differing_only_in_case_are_one_tag_spelt_as_first_given() {
        let given = [" billing", "Bug", "billing ", "", "  ", "bug", "Bug"];
        assert_eq!(normalise_tags(&given), ["Bug", "billing"]);
        assert_eq!(normalise_tags(&["bug", "BUG", "Bug"]), ["bug"]);
        assert_eq!(normalise_tags(&["Été", "été"]), ["Été"]);
    }

    #[test]
    fn tag_names_are_trimmed_and_bounded() {
        assert_eq!(check_tag_name("  Billing "), Ok("Billing".to_owned()));
        assert_eq!(check_tag_name("   "), Err(TagNameError::Blank));
        let long = "x".repeat(MAX_TAG_CHARS + 1);
        assert_eq!(
            check_tag_name(&long),
            Err(TagNameError::TooLong(MAX_TAG_CHARS + 1))
        );
        assert!(check_tag_name(&"é".repeat(MAX_TAG_CHARS)).is_ok());
        assert_eq!(tag_key(" Bug"), tag_key("bug"));
        assert_eq!(check_tag_name("a\nb"), Err(TagNameError::Control));
    }

    #[test]
    fn nothing_given_is_nothing_kept() {
        assert!(normalise_tags::<&str>(&[]).is_empty());
        assert!(normalise_tags(&["", "   "]).is_empty());
    }
}
