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

/// The longest term of a rule or a search, in characters.
pub const MAX_TERM_CHARS: usize = 100;

/// The most terms one rule or search may hold.
pub const MAX_TERMS: usize = 50;

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
    /// Longer than [`MAX_TERM_CHARS`].
    #[error("a term has at most {MAX_TERM_CHARS} characters; one has {0}")]
    TooLong(usize),
    /// More than [`MAX_TERMS`] terms.
    #[error("at most {MAX_TERMS} terms; {0} were given")]
    TooMany(usize),
}

impl Term {
    /// Reads one term: a word, `word*`, or several words (with or without quotes) as a phrase.
    pub fn parse(text: &str) -> Result<Term, TermError> {
        let trimmed = text.trim();
        let chars = trimmed.chars().count();
        if chars > MAX_TERM_CHARS {
            return Err(TermError::TooLong(chars));
        }
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
        if terms.len() > MAX_TERMS {
            return Err(TermError::TooMany(terms.len()));
        }
        Ok(terms)
    }

    /// Reads a search as typed: words and `prefix*`es separated by spaces, `"quoted phrases"`
    /// (`refund* "money back" slow`). Punctuation between words splits them, as in comments.
    pub fn parse_search(search: &str) -> Result<Vec<Term>, TermError> {
        let mut terms = Vec::new();
        for (at, part) in search.split('"').enumerate() {
            if at % 2 == 1 {
                if !part.trim().is_empty() {
                    terms.push(Term::parse(&format!("\"{part}\""))?);
                }
                continue;
            }
            for token in part.split_whitespace() {
                let starred = token.ends_with('*');
                let found: Vec<String> = words(token.trim_end_matches('*')).collect();
                for (position, word) in found.iter().enumerate() {
                    let last = position + 1 == found.len();
                    let typed = if starred && last {
                        format!("{word}*")
                    } else {
                        word.clone()
                    };
                    terms.push(Term::parse(&typed)?);
                }
            }
        }
        if terms.is_empty() {
            return Err(TermError::Empty(search.trim().to_owned()));
        }
        if terms.len() > MAX_TERMS {
            return Err(TermError::TooMany(terms.len()));
        }
        Ok(terms)
    }

    /// Terms written back as [`Term::parse_list`] reads them: `refund*, "money back", cancel`.
    pub fn write_list(terms: &[Term]) -> String {
        terms
            .iter()
            .map(Term::to_string)
            .collect::<Vec<_>>()
            .join(", ")
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

impl std::fmt::Display for Term {
    /// The term as it is read: `refund`, `refund*`, `"money back"`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Term::Word(word) => f.write_str(word),
            Term::Prefix(prefix) => write!(f, "{prefix}*"),
            Term::Phrase(words) => write!(f, "\"{}\"", words.join(" ")),
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

    /// A matcher written the slow, obvious way, over text folded by a table of its own:
    /// the comment as one string with a space around every word.
    fn naive_matches(term_text: &str, comment: &str) -> bool {
        fn fold(text: &str) -> String {
            let table = [
                ('É', 'e'),
                ('é', 'e'),
                ('È', 'e'),
                ('è', 'e'),
                ('Ü', 'u'),
                ('ü', 'u'),
            ];
            text.chars()
                .map(|c| {
                    table
                        .iter()
                        .find(|(from, _)| *from == c)
                        .map_or(c, |(_, to)| *to)
                })
                .map(|c| {
                    if c.is_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        ' '
                    }
                })
                .collect()
        }
        let spaced = format!(
            " {} ",
            fold(comment)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
        let wanted = fold(term_text.trim_matches('"').trim_end_matches('*'));
        let wanted = wanted.split_whitespace().collect::<Vec<_>>().join(" ");
        match term_text.ends_with('*') {
            true => spaced.contains(&format!(" {wanted}")),
            false => spaced.contains(&format!(" {wanted} ")),
        }
    }

    proptest::proptest! {
        #[test]
        fn terms_match_as_the_naive_matcher_does(
            comment in proptest::collection::vec(0usize..10, 0..12),
            separators in proptest::collection::vec(0usize..4, 12),
            term in proptest::collection::vec(0usize..10, 1..3),
            prefix in proptest::bool::ANY,
        ) {
            let vocabulary = [
                "Refund", "refunds", "RÉFUND", "money", "Back", "back", "cafe", "Café", "über", "UBER",
            ];
            let separator = [" ", ", ", "! ", " - "];
            let text: String = comment
                .iter()
                .zip(&separators)
                .map(|(word, sep)| format!("{}{}", vocabulary[*word], separator[*sep]))
                .collect();
            let words_of_term: Vec<&str> = term.iter().map(|at| vocabulary[*at]).collect();
            let term_text = match (words_of_term.len(), prefix) {
                (1, true) if words_of_term[0].chars().count() >= MIN_PREFIX_CHARS => {
                    format!("{}*", words_of_term[0])
                }
                (1, _) => words_of_term[0].to_owned(),
                _ => format!("\"{}\"", words_of_term.join(" ")),
            };
            let parsed = Term::parse(&term_text).expect("a term");
            let folded: Vec<String> = words(&text).collect();
            proptest::prop_assert_eq!(
                parsed.matches(&folded),
                naive_matches(&term_text, &text),
                "{} in {:?}", term_text, text
            );
        }
    }

    #[test]
    fn searches_read_words_prefixes_and_quoted_phrases() {
        let terms = Term::parse_search(r#"Refund* "money back" slow, app"#).expect("terms");
        assert_eq!(
            terms,
            [
                Term::Prefix("refund".into()),
                Term::Phrase(vec!["money".into(), "back".into()]),
                Term::Word("slow".into()),
                Term::Word("app".into()),
            ]
        );
        assert!(matches!(
            Term::parse_search("  \"\" "),
            Err(TermError::Empty(_))
        ));
        assert!(matches!(
            Term::parse_search("re*"),
            Err(TermError::ShortPrefix(_))
        ));
    }

    #[test]
    fn terms_are_bounded_and_written_back_as_read() {
        let long = "a".repeat(MAX_TERM_CHARS + 1);
        assert_eq!(
            Term::parse(&long),
            Err(TermError::TooLong(MAX_TERM_CHARS + 1))
        );
        let many = vec!["word"; MAX_TERMS + 1].join(",");
        assert_eq!(
            Term::parse_list(&many),
            Err(TermError::TooMany(MAX_TERMS + 1))
        );
        let terms = Term::parse_list(" Refund* ,\"Money  back\", cancel").expect("terms");
        let written = Term::write_list(&terms);
        assert_eq!(written, "refund*, \"money back\", cancel");
        assert_eq!(Term::parse_list(&written), Ok(terms));
    }
}
