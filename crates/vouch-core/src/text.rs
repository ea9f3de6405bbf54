//! Splitting comments into words, the same way for search, indexing and themes.

/// The lower-cased words of a comment: runs of letters and digits (apostrophes inside a word
/// are kept, so "don't" stays one word).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    word_slices(text).map(|word| {
        let mut lower = String::with_capacity(word.len());
        push_lowercase(&mut lower, word);
        lower
    })
}

/// The words of a comment as slices of it, not yet lower-cased: for callers that lower-case
/// into a buffer of their own to avoid an allocation per word.
pub fn word_slices(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|word| word.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|word| !word.is_empty())
}

/// Appends `word` lower-cased, character by character (the one lower-casing every index and
/// search uses, so they always agree).
pub fn push_lowercase(buffer: &mut String, word: &str) {
    if word
        .bytes()
        .all(|b| !b.is_ascii_uppercase() && b.is_ascii())
    {
        buffer.push_str(word);
    } else {
        buffer.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// The single word a search term stands for, if it is exactly one word.
pub fn search_word(term: &str) -> Option<String> {
    let mut found = words(term);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_and_split_on_punctuation() {
        let found: Vec<_> = words("Pricing is TOO high—don't, 'really'! Café 2x").collect();
        assert_eq!(
            found,
            [
                "pricing", "is", "too", "high", "don't", "really", "café", "2x"
            ]
        );
    }

    #[test]
    fn a_search_term_must_be_one_word() {
        assert_eq!(search_word("  Pricing "), Some("pricing".into()));
        assert_eq!(search_word("two words"), None);
        assert_eq!(search_word("!!"), None);
    }
}
