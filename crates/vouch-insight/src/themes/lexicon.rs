//! A small, general multilingual dictionary of the words customers and employees use in
//! feedback, so that a theme can gather comments written in different languages ("invoice",
//! "facture", "Rechnung", "factura"), and the filler words that say nothing about a topic
//! ("product", "really", "great").
//!
//! Each line of `concepts.txt` is one meaning with its common words in each language; words are
//! folded and stemmed in their own language when the table is first used. Adjectives share
//! the line of the quality they judge, both ways ("slow", "fast" and "speed"; "cheap",
//! "expensive" and "price"): a theme is a topic, whichever way it is judged. The lines cover the
//! usual ground of NPS and eNPS comments (money, support, speed, reliability, interface, setup,
//! integrations, data, mobile, documentation, security, delivery, work) and are not tied to any
//! one survey.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use vouch_core::language::Language;
use vouch_core::text::words;

use crate::detect::stop_words;
use crate::stem::stem;

/// One meaning a line: `en: … | fr: … | de: … | es: …`.
const CONCEPTS: &str = include_str!("concepts.txt");

/// Words that carry no topic in feedback (praise, blame, intensifiers, the product itself, units
/// of time).
const FILLER: &str = include_str!("filler.txt");

/// The shortest German stem a compound is split on ("rechnung" in "Kundenrechnungen").
const MIN_PART: usize = 4;

/// The dictionary, folded and stemmed: concept of each stem, and the stems that carry no topic.
pub(crate) struct Lexicon {
    concepts: [HashMap<String, u32>; 4],
    empty: [HashSet<String>; 4],
    names: Vec<String>,
}

/// The one dictionary, built on first use.
pub(crate) fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::build)
}

/// The position of `lang` in `Language::ALL`.
pub(crate) fn lang_index(lang: Language) -> usize {
    Language::ALL
        .iter()
        .position(|candidate| *candidate == lang)
        .unwrap_or(0)
}

/// The lines of a table that hold words (not blank, not a `#` comment).
fn table_lines(table: &str) -> impl Iterator<Item = &str> {
    table
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
}

/// The words of one table line, per language, folded.
fn line_words(line: &str) -> Vec<(Language, Vec<String>)> {
    line.split('|')
        .filter_map(|part| {
            let (code, list) = part.split_once(':')?;
            let lang = Language::ALL
                .into_iter()
                .find(|lang| lang.code() == code.trim())?;
            Some((lang, words(list).collect()))
        })
        .collect()
}

impl Lexicon {
    fn build() -> Lexicon {
        let mut lexicon = Lexicon {
            concepts: Default::default(),
            empty: Default::default(),
            names: Vec::new(),
        };
        lexicon.add_empty_words();
        for line in table_lines(CONCEPTS) {
            let id = lexicon.names.len() as u32;
            let entries = line_words(line);
            let name = entries
                .first()
                .and_then(|(_, list)| list.first())
                .cloned()
                .unwrap_or_default();
            lexicon.names.push(name);
            for (lang, list) in entries {
                for word in list {
                    let stem = stem(&word, Some(lang));
                    if !lexicon.empty[lang_index(lang)].contains(&stem) {
                        lexicon.concepts[lang_index(lang)].entry(stem).or_insert(id);
                    }
                }
            }
        }
        lexicon
    }

    /// Stop words of every language and filler words of every language, stemmed in each
    /// language: none of these stems is ever a feature or a keyword.
    fn add_empty_words(&mut self) {
        let mut all: Vec<String> = Vec::new();
        for lang in Language::ALL {
            all.extend(stop_words(lang).iter().cloned());
        }
        for line in table_lines(FILLER) {
            for (_, list) in line_words(line) {
                all.extend(list);
            }
        }
        for lang in Language::ALL {
            let set = &mut self.empty[lang_index(lang)];
            for word in &all {
                set.insert(stem(word, Some(lang)));
                set.insert(word.clone());
            }
        }
    }

    /// The concept `stem` (of a word in `lang`) stands for, if the dictionary has it.
    pub(crate) fn concept(&self, lang: Language, stem: &str) -> Option<u32> {
        self.concepts[lang_index(lang)].get(stem).copied()
    }

    /// Whether `stem` in `lang` is a stop word's or a filler word's: never a topic.
    pub(crate) fn is_empty(&self, lang: Language, stem: &str) -> bool {
        self.empty[lang_index(lang)].contains(stem)
    }

    /// The English name of a concept (its first word), for tests and debugging.
    #[cfg(test)]
    pub(crate) fn name(&self, concept: u32) -> &str {
        &self.names[concept as usize]
    }

    /// The concepts of a German compound's parts, from its folded word: the longest known word
    /// it ends with (its head, "rechnungen" in "kundenrechnungen") and the longest known word it
    /// starts with, a linking `s` allowed ("rechnung" in "rechnungsstellung").
    pub(crate) fn compound_parts(&self, word: &str) -> Vec<u32> {
        let map = &self.concepts[lang_index(Language::De)];
        let known = |part: &str| map.get(&stem(part, Some(Language::De))).copied();
        let cuts: Vec<usize> = word.char_indices().map(|(at, _)| at).skip(1).collect();
        let head = cuts
            .iter()
            .filter(|at| **at >= 3 && word.len() - **at >= MIN_PART)
            .find_map(|at| known(&word[*at..]));
        let modifier = cuts
            .iter()
            .rev()
            .filter(|at| **at >= MIN_PART && word.len() - **at >= 3)
            .find_map(|at| {
                let left = &word[..*at];
                known(left).or_else(|| left.strip_suffix('s').and_then(known))
            });
        let mut parts = Vec::new();
        for id in [head, modifier].into_iter().flatten() {
            if !parts.contains(&id) {
                parts.push(id);
            }
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations_share_a_concept() {
        let lex = lexicon();
        let invoice = lex.concept(Language::En, &stem("invoices", Some(Language::En)));
        assert!(invoice.is_some());
        for (lang, word) in [
            (Language::Fr, "factures"),
            (Language::De, "rechnungen"),
            (Language::Es, "facturas"),
        ] {
            assert_eq!(
                lex.concept(lang, &stem(word, Some(lang))),
                invoice,
                "{word}"
            );
        }
    }

    #[test]
    fn filler_and_stop_words_are_empty() {
        let lex = lexicon();
        for (lang, word) in [
            (Language::En, "really"),
            (Language::En, "the"),
            (Language::Fr, "vraiment"),
            (Language::De, "wirklich"),
            (Language::Es, "muy"),
        ] {
            assert!(lex.is_empty(lang, &stem(word, Some(lang))), "{word}");
        }
        assert!(!lex.is_empty(Language::En, "invoic"));
    }

    #[test]
    fn german_compounds_find_their_parts() {
        let lex = lexicon();
        let invoice = lex.concept(Language::De, "rechnung").unwrap();
        assert_eq!(lex.compound_parts("kundenrechnungen"), vec![invoice]);
        let parts = lex.compound_parts("rechnungsstellung");
        assert_eq!(lex.name(parts[0]), lex.name(invoice));
        assert!(lex.compound_parts("haus").is_empty());
    }

    #[test]
    fn no_stem_stands_for_two_meanings() {
        let mut seen: HashMap<(usize, String), usize> = HashMap::new();
        let mut clashes = Vec::new();
        for (line_no, line) in table_lines(CONCEPTS).enumerate() {
            for (lang, list) in line_words(line) {
                for word in list {
                    let key = (lang_index(lang), stem(&word, Some(lang)));
                    if let Some(first) = seen.insert(key.clone(), line_no)
                        && first != line_no
                    {
                        clashes.push(format!("{} {word}", lang.code()));
                    }
                }
            }
        }
        assert!(clashes.is_empty(), "{clashes:?}");
    }
}
