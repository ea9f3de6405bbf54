//! Tags the team puts on responses: one rule for what a list of tags becomes when it is stored.

use std::collections::HashSet;

/// The most tags one response may carry.
pub const MAX_TAGS: usize = 20;

/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;

/// Tags as they are kept: each trimmed, empty ones dropped, one tag per spelling ignoring case
/// (the first spelling given is kept, so `["Bug", "bug"]` keeps `"Bug"`), then sorted by their
/// text (byte order, so `"Onboarding"` comes before `"api"`).
pub fn normalise_tags<S: AsRef<str>>(tags: &[S]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut normalised: Vec<String> = tags
        .iter()
        .map(|tag| tag.as_ref().trim())
        .filter(|tag| !tag.is_empty())
        .filter(|tag| seen.insert(tag.to_lowercase()))
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
    fn nothing_given_is_nothing_kept() {
        assert!(normalise_tags::<&str>(&[]).is_empty());
        assert!(normalise_tags(&["", "   "]).is_empty());
    }
}
