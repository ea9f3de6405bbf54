//! The sentiment of a comment: positive, negative, neutral or mixed, with a score from −1 to 1.
//!
//! Lexicon-based in the manner of VADER (Hutto & Gilbert, 2014), written for feedback on
//! business software in English, French, German and Spanish: each language has a list of word
//! and phrase valences ("intuitive", "lent", "Gold wert", "deja mucho que desear"), boosters
//! and downtoners ("very", "un peu"), negators ("not", "ne … pas", "kein", "nunca"; "not bad"
//! is praise) reaching three words ahead, articles not counted (German "nicht" five, and back
//! to the verb before it), and contrasts ("but", "mais", "aber", "pero": the clause after
//! weighs more). Emoji, emoticons, `!` and words in capitals add emphasis. Every
//! word is matched folded (`vouch_core::text`), so "tres lent" reads as "très lent".
//!
//! The label is decided from the [`Evidence`] the pass gathers (the weighted sum, the most
//! positive and most negative clause, how many clauses lean each way, a contrast, a question, a
//! wish, negations, exclamations) by a small multinomial logistic regression trained
//! offline (`bench/feedback/sentiment_decision.py`). The score is VADER's normalised sum,
//! `sum / sqrt(sum² + 15)`.
//!
//! ```
//! use vouch_core::language::Language;
//! use vouch_insight::sentiment::{SentimentLabel, analyse};
//!
//! let said = analyse("Great product but support is slow", Some(Language::En));
//! assert_eq!(said.label, SentimentLabel::Mixed);
//! assert_eq!(analyse("Pas mal du tout !", None).label, SentimentLabel::Positive);
//! assert_eq!(analyse("", None).label, SentimentLabel::Neutral);
//! ```

mod decision;
mod emoji;
mod lexicon;
mod scan;
mod score;
mod weights;
mod words;

#[cfg(test)]
mod tests;

use vouch_core::language::Language;
use vouch_core::text::push_folded;

use crate::detect::guess_folded;
use lexicon::{Lexicon, NEGATED, Role, lexicon};
use scan::{Break, Event, scan};
use score::{Item, score};

pub use decision::{Evidence, FEATURE_NAMES, FEATURES};

/// What a comment's sentiment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SentimentLabel {
    /// Praise, on the whole.
    Positive,
    /// Complaint, on the whole.
    Negative,
    /// Neither: facts, questions, lukewarm words, nothing known.
    Neutral,
    /// Clear praise and clear complaint side by side ("great product, slow support").
    Mixed,
}

impl SentimentLabel {
    /// Every label, in the order reports list them.
    pub const ALL: [SentimentLabel; 4] = [
        SentimentLabel::Positive,
        SentimentLabel::Negative,
        SentimentLabel::Neutral,
        SentimentLabel::Mixed,
    ];

    /// The label's name: `positive`, `negative`, `neutral` or `mixed`.
    pub fn as_str(self) -> &'static str {
        match self {
            SentimentLabel::Positive => "positive",
            SentimentLabel::Negative => "negative",
            SentimentLabel::Neutral => "neutral",
            SentimentLabel::Mixed => "mixed",
        }
    }

    /// Reads a label's name as [`SentimentLabel::as_str`] writes it (any case, spaces around
    /// ignored); `None` for anything else.
    pub fn parse(text: &str) -> Option<SentimentLabel> {
        let text = text.trim();
        SentimentLabel::ALL
            .into_iter()
            .find(|label| text.eq_ignore_ascii_case(label.as_str()))
    }
}

impl std::fmt::Display for SentimentLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The sentiment of one comment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentiment {
    /// Its label.
    pub label: SentimentLabel,
    /// How positive (up to 1) or negative (down to −1) it is; 0 when nothing is known.
    pub score: f32,
}

impl Sentiment {
    /// What an empty comment, or one with no known word, gets.
    pub const NEUTRAL: Sentiment = Sentiment {
        label: SentimentLabel::Neutral,
        score: 0.0,
    };
}

/// The sentiment of `text`, read with the lexicon of `lang`. Without a language it is guessed
/// from the text ([`crate::detect`]); when that fails too, the four lexicons are used together.
pub fn analyse(text: &str, lang: Option<Language>) -> Sentiment {
    evidence(text, lang).decide()
}

/// What the lexicon finds in `text` read as [`analyse`] reads it, before a label is decided.
pub fn evidence(text: &str, lang: Option<Language>) -> Evidence {
    let mut folded = String::with_capacity(text.len() + 8);
    let mut ends = Vec::with_capacity(16);
    let mut events = Vec::with_capacity(24);
    let emphasis = scan(text, &mut events, |word| {
        push_folded(&mut folded, word);
        ends.push(folded.len());
    });
    let mut words = Vec::with_capacity(ends.len());
    let mut start = 0;
    for end in ends {
        words.push(&folded[start..end]);
        start = end;
    }
    analyse_scanned(&words, &events, emphasis, lang)
}

/// [`analyse`] for a caller that already holds the comment's folded words (`folded`, as
/// `vouch_core::text::words(raw)` gives them); `raw` is the comment itself, read for what
/// words do not carry: punctuation, emoji, capitals.
pub fn analyse_words(folded: &[String], raw: &str, lang: Option<Language>) -> Sentiment {
    let mut events = Vec::with_capacity(folded.len() + 8);
    let emphasis = scan(raw, &mut events, |_| {});
    analyse_scanned(folded, &events, emphasis, lang).decide()
}

fn analyse_scanned<S: AsRef<str>>(
    folded: &[S],
    events: &[Event],
    emphasis: scan::Emphasis,
    lang: Option<Language>,
) -> Evidence {
    if events.is_empty() {
        return Evidence::default();
    }
    let lang = lang.or_else(|| guess_folded(folded));
    let lexicon = lexicon(lang);
    let mut tokens: Vec<&str> = Vec::with_capacity(events.len() + 4);
    let mut marks: Vec<Item> = Vec::with_capacity(events.len() + 4);
    for event in events {
        let mark = Item {
            role: None,
            caps: event.caps,
            brk: event.brk,
            symbol: event.word.is_none(),
            question: event.question,
        };
        let Some(index) = event.word else {
            let valence = event.valence;
            tokens.push("");
            marks.push(Item {
                role: Some(Role::Valence {
                    value: valence,
                    negated: valence,
                }),
                ..mark
            });
            continue;
        };
        let Some(word) = folded.get(index) else {
            continue;
        };
        let (pieces, count) = words::pieces(word.as_ref());
        for (at, piece) in pieces[..count].iter().enumerate() {
            tokens.push(piece);
            let brk = if at == 0 { mark.brk } else { Break::None };
            marks.push(Item { brk, ..mark });
        }
    }
    let items = resolve(lexicon, lang, &tokens, marks);
    score(&items, emphasis)
}

/// Gives each token its lexicon role; a phrase becomes one item (the breaks inside it are
/// dropped).
fn resolve(
    lexicon: &Lexicon,
    lang: Option<Language>,
    tokens: &[&str],
    marks: Vec<Item>,
) -> Vec<Item> {
    let mut items = Vec::with_capacity(marks.len());
    let mut at = 0;
    while at < tokens.len() {
        let mut item = marks[at];
        if item.symbol {
            items.push(item);
            at += 1;
            continue;
        }
        let found = lexicon.lookup(&tokens[at..]);
        let longest = found.map_or(1, |found| found.len);
        if let Some((phrase, gap)) = lexicon.lookup_gapped(&tokens[at..], gaps(lang), longest) {
            // The negation inside the phrase comes first: "vaut pas le prix" → pas, vaut le prix.
            let role = lexicon.word(tokens[at + gap]);
            items.push(Item { role, ..item });
            items.push(Item {
                role: Some(phrase.role),
                brk: Break::None,
                ..item
            });
            at += phrase.len;
            continue;
        }
        let (role, len) = match found {
            Some(found) => (Some(found.role), found.len),
            None => (fallback(lexicon, lang, tokens[at]), 1),
        };
        item.role = role;
        items.push(item);
        at += len;
    }
    items
}

/// The negation words that stand inside a phrase in `lang` (French "ne vaut pas le coup").
fn gaps(lang: Option<Language>) -> &'static [&'static str] {
    match lang {
        Some(Language::Fr) => &["pas", "plus", "jamais", "guere"],
        _ => &[],
    }
}

/// The role of a word no entry matches as written: its letters squeezed ("sooo slooow"), its
/// base form ("lentes" → "lent", "langsamen" → "langsam"), a German compound's head
/// ("Verbindungsabbrüche"), or a word with a negative prefix
/// read as its base negated (German and English "un-": "unübersichtlich", "unhelpful"; French
/// and Spanish "in-", "dés-": "inefficace", "desorganizado").
fn fallback(lexicon: &Lexicon, lang: Option<Language>, word: &str) -> Option<Role> {
    let mut buffer = [0; 32];
    for keep in [1, 2] {
        if let Some(squeezed) = words::squeeze(word, keep, &mut buffer)
            && let Some(role) = lexicon.word(squeezed)
        {
            return Some(role);
        }
    }
    let lang = lang?;
    if let Some(role) = inflected(lexicon, lang, word) {
        return Some(role);
    }
    if lang == Language::De
        && let Some(role) = compound_head(lexicon, word)
    {
        return Some(role);
    }
    let prefixes: &[&str] = match lang {
        Language::En | Language::De => &["un"],
        Language::Fr => &["in", "im", "des"],
        Language::Es => &["in", "im", "des"],
    };
    let base = prefixes
        .iter()
        .find_map(|prefix| word.strip_prefix(prefix))
        .filter(|base| base.len() >= 5)?;
    let role = lexicon
        .word(base)
        .or_else(|| inflected(lexicon, lang, base))?;
    match role {
        Role::Valence { value, .. } if value > 0.0 => Some(Role::Valence {
            value: value * NEGATED,
            negated: value * 0.5,
        }),
        // "unkompliziert", "uncomplicated": a complaint word undone is mild praise.
        Role::Valence { value, .. }
            if value < 0.0 && matches!(lang, Language::En | Language::De) =>
        {
            Some(Role::Valence {
                value: value * NEGATED,
                negated: value * 0.5,
            })
        }
        _ => None,
    }
}

/// The shortest head and modifier a German compound is split into, in bytes.
const MIN_HEAD: usize = 6;
const MIN_MODIFIER: usize = 3;

/// The valence of a German compound's head, its longest known ending ("Verbindungsabbrüche" →
/// "abbrüche", "benutzerfreundlich" → "freundlich").
fn compound_head(lexicon: &Lexicon, word: &str) -> Option<Role> {
    if word.len() < MIN_HEAD + MIN_MODIFIER {
        return None;
    }
    (MIN_MODIFIER..=word.len() - MIN_HEAD)
        .filter(|&at| word.is_char_boundary(at))
        .find_map(|at| {
            let head = &word[at..];
            let known = |candidate: &str| match lexicon.exact(candidate) {
                Some(role @ Role::Valence { value, .. }) if value != 0.0 => Some(role),
                _ => None,
            };
            known(head).or_else(|| {
                words::find_base(head, Language::De, |base| {
                    (base.len() >= MIN_HEAD).then(|| known(base)).flatten()
                })
            })
        })
}

/// The valence of the base form of an inflected word, when an exact entry has one.
fn inflected(lexicon: &Lexicon, lang: Language, word: &str) -> Option<Role> {
    words::find_base(word, lang, |base| match lexicon.exact(base) {
        Some(role @ Role::Valence { value, .. }) if value != 0.0 => Some(role),
        _ => None,
    })
}
