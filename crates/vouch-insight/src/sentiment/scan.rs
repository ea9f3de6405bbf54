//! What the raw text of a comment tells beside its words: where clauses and sentences break,
//! emoji and emoticons, `!` and `?`, words in capitals. Words are found exactly as
//! `vouch_core::text::word_slices` finds them, so the n-th word here is the n-th folded word.

use super::emoji::{emoji, emoticon};

/// What separates a word (or symbol) from the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Break {
    /// Spaces only.
    None,
    /// A comma, colon, parenthesis or dash: a new clause.
    Clause,
    /// `.`, `!`, `?`, `;`, `…` or a new line: a new sentence.
    Sentence,
}

/// One thing read from the text, in order: a word or a symbol.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Event {
    /// The index of the word among the comment's words, or `None` for an emoji or emoticon.
    pub word: Option<usize>,
    /// A symbol's valence (0 for a word).
    pub valence: f32,
    /// A word written in capitals.
    pub caps: bool,
    /// What separates it from the event before.
    pub brk: Break,
    /// Part of a sentence that ends in a plain `?`.
    pub question: bool,
}

impl Event {
    fn word(index: usize, caps: bool, brk: Break) -> Event {
        Event {
            word: Some(index),
            valence: 0.0,
            caps,
            brk,
            question: false,
        }
    }

    fn symbol(valence: f32, brk: Break) -> Event {
        Event {
            word: None,
            valence,
            caps: false,
            brk,
            question: false,
        }
    }
}

/// Emphasis read from punctuation and capitals.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Emphasis {
    /// How many `!` the comment holds.
    pub exclamations: u32,
    /// True for `?!`, `!?` or `??`: an exasperated question.
    pub exasperated: bool,
    /// True when some words, not all, are in capitals (VADER's "cap differential").
    pub caps_differ: bool,
}

/// Reads `raw`: pushes its events into `events` and calls `on_word` with each word's text (in
/// order, once per word, emoticon letters such as `:D` included).
pub(super) fn scan(raw: &str, events: &mut Vec<Event>, mut on_word: impl FnMut(&str)) -> Emphasis {
    let mut emphasis = Emphasis::default();
    let (mut caps_words, mut plain_words) = (0u32, 0u32);
    let mut index = 0;
    let mut sentence_start = 0;
    let mut gap_start = 0;
    let mut rest = raw;
    let mut offset = 0;
    while let Some(start) = rest.find(is_word_char) {
        let len = rest[start..]
            .find(|c| !is_word_char(c))
            .unwrap_or(rest.len() - start);
        let segment = &rest[start..start + len];
        let word = segment.trim_matches(|c| c == '\'' || c == '’');
        let (seg_start, seg_end) = (offset + start, offset + start + len);
        rest = &rest[start + len..];
        offset = seg_end;
        if word.is_empty() {
            continue;
        }
        let gap = &raw[gap_start..seg_start];
        gap_start = seg_end;
        let before = events.len();
        let brk = read_gap(gap, events, &mut emphasis);
        mark_question(gap, &mut events[sentence_start..before]);
        if brk == Break::Sentence {
            sentence_start = before;
        }
        on_word(word);
        if let Some(valence) = letter_emoticon(gap, word) {
            events.push(Event::symbol(valence, brk));
        } else {
            let caps = is_caps(word);
            if word.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
                if caps {
                    caps_words += 1;
                } else {
                    plain_words += 1;
                }
            }
            events.push(Event::word(index, caps, brk));
        }
        index += 1;
    }
    let before = events.len();
    read_gap(&raw[gap_start..], events, &mut emphasis);
    mark_question(&raw[gap_start..], &mut events[sentence_start..before]);
    emphasis.caps_differ = caps_words > 0 && plain_words > 0;
    emphasis
}

/// Marks the events of a sentence that `gap` ends with a plain question mark (`?!` and `??`
/// are exasperation, not a question).
fn mark_question(gap: &str, sentence: &mut [Event]) {
    let asks = gap.contains('?') && !gap.contains('!') && !gap.contains("??");
    if asks {
        for event in sentence {
            event.question = true;
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’'
}

fn is_caps(word: &str) -> bool {
    let mut letters = 0;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    letters >= 2
}

/// The break a gap makes, pushing the emoji and emoticons it holds and counting its `!`.
fn read_gap(gap: &str, events: &mut Vec<Event>, emphasis: &mut Emphasis) -> Break {
    let mut brk = Break::None;
    let mut previous = ' ';
    let mut spaced = false;
    let mut at = 0;
    while let Some(c) = gap[at..].chars().next() {
        if let Some((valence, len)) = emoticon(&gap[at..]) {
            events.push(Event::symbol(valence, brk));
            at += len;
            continue;
        }
        at += c.len_utf8();
        if let Some(valence) = emoji(c) {
            events.push(Event::symbol(valence, brk));
            continue;
        }
        let found = match c {
            '.' | '!' | '?' | ';' | '…' | '\n' | '¡' | '¿' => Break::Sentence,
            ',' | ':' | '(' | ')' | '–' | '—' | '/' => Break::Clause,
            '-' if spaced => Break::Clause,
            _ => Break::None,
        };
        match c {
            '!' => {
                emphasis.exclamations += 1;
                emphasis.exasperated |= previous == '?';
            }
            '?' => emphasis.exasperated |= previous == '?' || previous == '!',
            _ => {}
        }
        spaced |= c.is_whitespace();
        previous = c;
        brk = brk.max(found);
    }
    brk
}

/// Emoticons ending in a letter or digit, which the word finder reads as a word: `:D`, `:P`,
/// `<3`.
fn letter_emoticon(gap: &str, word: &str) -> Option<f32> {
    let before = gap.chars().next_back()?;
    match (before, word) {
        (':' | ';' | '=', "D" | "P" | "p") => Some(1.8),
        ('<', "3") => Some(2.5),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(raw: &str) -> (Vec<Event>, Vec<String>) {
        let mut events = Vec::new();
        let mut words = Vec::new();
        scan(raw, &mut events, |word| words.push(word.to_owned()));
        (events, words)
    }

    #[test]
    fn words_are_those_the_folding_finds() {
        let raw = "Très bien, 'quoted' l'appli -- don't!! ok…";
        let (_, words) = events(raw);
        let expected: Vec<&str> = vouch_core::text::word_slices(raw).collect();
        assert_eq!(words, expected);
    }

    #[test]
    fn breaks_emoji_and_emphasis_are_read() {
        let mut found = Vec::new();
        let emphasis = scan("Great, really GREAT 👍 :) ?!", &mut found, |_| {});
        assert!(emphasis.exasperated && emphasis.caps_differ);
        assert_eq!(emphasis.exclamations, 1);
        assert_eq!(found[1].brk, Break::Clause);
        assert!(found[2].caps);
        let symbols = found.iter().filter(|e| e.word.is_none()).count();
        assert_eq!(symbols, 2);
    }

    #[test]
    fn a_plain_question_is_marked_and_exasperation_is_not() {
        let mut found = Vec::new();
        scan("Is it good? Fine. Why?! Really", &mut found, |_| {});
        let asked: Vec<bool> = found.iter().map(|e| e.question).collect();
        assert_eq!(asked, [true, true, true, false, false, false]);
    }

    #[test]
    fn a_letter_emoticon_keeps_its_word_index() {
        let (found, words) = events("nice :D thanks");
        assert_eq!(words.len(), 3);
        assert_eq!(found[1].word, None);
        assert_eq!(found[2].word, Some(2));
    }
}
