//! Splitting comments into words and folding them, the same way for search, indexing, rules
//! and themes: a word matches whatever its case and accents (`Café` = `cafe`).

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// The folded words of a comment: runs of letters and digits (apostrophes inside a word are
/// kept, so "don't" stays one word), folded by [`push_folded`].
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    word_slices(text).map(|word| {
        let mut folded = String::with_capacity(word.len());
        push_folded(&mut folded, word);
        folded
    })
}

/// The words of a comment as slices of it, not yet lower-cased: for callers that lower-case
/// into a buffer of their own to avoid an allocation per word.
pub fn word_slices(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|word| word.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|word| !word.is_empty())
}

/// Appends `word` folded: lower-cased, accents removed (`Café` → `cafe`, `Größe` → `grosse`),
/// the letters Unicode does not decompose spelled out (`œ` → `oe`, `ø` → `o`), `’` read as
/// `'`. The one folding every index, search and rule uses, so they always agree.
pub fn push_folded(buffer: &mut String, word: &str) {
    if word
        .bytes()
        .all(|b| !b.is_ascii_uppercase() && b.is_ascii())
    {
        buffer.push_str(word);
        return;
    }
    for lower in word.chars().flat_map(char::to_lowercase) {
        let spelled = match lower {
            'ß' => "ss",
            'œ' => "oe",
            'æ' => "ae",
            'ø' => "o",
            'ł' => "l",
            'đ' => "d",
            'ı' => "i",
            '’' => "'",
            _ => "",
        };
        if !spelled.is_empty() {
            buffer.push_str(spelled);
            continue;
        }
        decompose_canonical(lower, |part| {
            if !is_combining_mark(part) {
                buffer.push(part);
            }
        });
    }
}

/// The shortest start of a word a prefix term may give (`re*` would match half the language).
pub const MIN_PREFIX_CHARS: usize = 3;

/// One term of a search or a rule, folded as words are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    /// A whole word: `refund`.
    Word(String),
    /// Any word starting so: `refund*`.
    Prefix(String),
    /// Consecutive words: `"money back"` (quoted or not).
    Phrase(Vec<String>),
}

/// Why a term cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    /// Nothing to search for (blank, or only punctuation).
    #[error("the term {0:?} holds no word")]
    Empty(String),
    /// A prefix shorter than [`MIN_PREFIX_CHARS`].
    #[error("the prefix {0:?} is too short: give at least {MIN_PREFIX_CHARS} letters before *")]
    ShortPrefix(String),
    /// A `*` anywhere but at the end of one word.
    #[error("{0:?}: * may only end a single word (refund*)")]
    MisplacedStar(String),
}

impl Term {
    /// Reads one term: a word, `word*`, or several words (with or without quotes) as a phrase.
    pub fn parse(text: &str) -> Result<Term, TermError> {
        let trimmed = text.trim();
        let unquoted = trimmed
            .strip_prefix('"')
            .and_then(|inner| inner.strip_suffix('"'))
            .unwrap_or(trimmed);
        let star = unquoted.trim_end().strip_suffix('*');
        let body = star.unwrap_or(unquoted);
        if body.contains('*') || (star.is_some() && unquoted.len() != trimmed.len()) {
            return Err(TermError::MisplacedStar(trimmed.to_owned()));
        }
        let found: Vec<String> = words(body).collect();
        match (found.len(), star) {
            (0, _) => Err(TermError::Empty(trimmed.to_owned())),
            (1, Some(_)) if found[0].chars().count() < MIN_PREFIX_CHARS => {
                Err(TermError::ShortPrefix(trimmed.to_owned()))
            }
            (1, Some(_)) => Ok(Term::Prefix(found[0].clone())),
            (_, Some(_)) => Err(TermError::MisplacedStar(trimmed.to_owned())),
            (1, None) => Ok(Term::Word(found[0].clone())),
            (_, None) => Ok(Term::Phrase(found)),
        }
    }

    /// Reads a comma-separated list of terms (`refund*, "money back", cancel`); commas inside
    /// quotes belong to the phrase.
    pub fn parse_list(list: &str) -> Result<Vec<Term>, TermError> {
        let mut terms = Vec::new();
        let (mut start, mut quoted) = (0, false);
        for (at, c) in list.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    terms.push(Term::parse(&list[start..at])?);
                    start = at + 1;
                }
                _ => {}
            }
        }
        terms.push(Term::parse(&list[start..])?);
        Ok(terms)
    }

    /// True when a comment whose folded words are `words` (in order) holds this term.
    pub fn matches(&self, words: &[String]) -> bool {
        match self {
            Term::Word(word) => words.iter().any(|w| w == word),
            Term::Prefix(prefix) => words.iter().any(|w| w.starts_with(prefix.as_str())),
            Term::Phrase(phrase) => words
                .windows(phrase.len())
                .any(|window| window == phrase.as_slice()),
        }
    }
}

/// The term a text filter (`--text`, `text=`) stands for: exactly one word, or a prefix
/// (`refund*`); `None` for anything else (phrases are for rules).
pub fn filter_term(text: &str) -> Option<Term> {
    match Term::parse(text).ok()? {
        Term::Phrase(_) => None,
        term => Some(term),
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
    fn words_are_folded_and_split_on_punctuation() {
        let found: Vec<_> = words("Pricing is TOO high—don’t, 'really'! Café 2x").collect();
        assert_eq!(
            found,
            [
                "pricing", "is", "too", "high", "don't", "really", "cafe", "2x"
            ]
        );
    }

    #[test]
    fn case_and_accents_fold_away_in_every_language() {
        let fold = |word: &str| words(word).next().unwrap_or_default();
        for (typed, folded) in [
            ("CAFÉ", "cafe"),
            ("Größe", "grosse"),
            ("Übergröße", "ubergrosse"),
            ("niño", "nino"),
            ("élève", "eleve"),
            ("cœur", "coeur"),
            ("ÇA", "ca"),
            ("Łódź", "lodz"),
            ("søster", "soster"),
        ] {
            assert_eq!(fold(typed), folded, "{typed}");
        }
        assert_eq!(fold("café"), fold("cafe\u{301}"), "composed or not");
    }

    #[test]
    fn terms_are_words_prefixes_or_phrases() {
        assert_eq!(Term::parse(" Café "), Ok(Term::Word("cafe".into())));
        assert_eq!(Term::parse("Refund*"), Ok(Term::Prefix("refund".into())));
        assert_eq!(
            Term::parse("\"Money  back\""),
            Ok(Term::Phrase(vec!["money".into(), "back".into()]))
        );
        assert_eq!(
            Term::parse("money back"),
            Ok(Term::Phrase(vec!["money".into(), "back".into()]))
        );
        assert!(matches!(Term::parse("re*"), Err(TermError::ShortPrefix(_))));
        assert!(matches!(
            Term::parse("re*und"),
            Err(TermError::MisplacedStar(_))
        ));
        assert!(matches!(
            Term::parse("money back*"),
            Err(TermError::MisplacedStar(_))
        ));
        assert!(matches!(Term::parse(" !! "), Err(TermError::Empty(_))));
        let list = Term::parse_list("refund*, \"money, back\" , cancel").unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[1], Term::Phrase(vec!["money".into(), "back".into()]));
        assert!(Term::parse_list("refund,, cancel").is_err());
    }

    #[test]
    fn terms_match_whole_words_prefixes_and_consecutive_words() {
        let comment: Vec<String> = words("I want my MONEY back: the refunds are slow").collect();
        let term = |text: &str| Term::parse(text).unwrap();
        assert!(term("money").matches(&comment));
        assert!(!term("mone").matches(&comment));
        assert!(term("refund*").matches(&comment));
        assert!(term("\"money back\"").matches(&comment));
        assert!(!term("\"back money\"").matches(&comment));
        assert!(!term("\"my back\"").matches(&comment));
        let accented: Vec<String> = words("Le café était froid").collect();
        assert!(term("CAFE").matches(&accented) && term("\"etait froid\"").matches(&accented));
    }

    #[test]
    fn a_search_term_must_be_one_word() {
        assert_eq!(search_word("  Pricing "), Some("pricing".into()));
        assert_eq!(search_word("two words"), None);
        assert_eq!(search_word("!!"), None);
    }
}
