//! Which themes a comment belongs to, by the one membership rule: a comment belongs to a
//! theme when one of its folded words matches one of the theme's keywords, a word matching a
//! keyword `(lang, stem)` when `stem(word, Some(lang)) == stem`. No language is guessed: each
//! word is stemmed in every language the keywords use.
//!
//! Stemming is the cost, so a word is only stemmed in a language when it could match there: a
//! Snowball stem of these four languages keeps the first two letters of its word, except when
//! it is shorter than two letters and for three irregular English words (`dying`, `lying`,
//! `tying`), so a word whose first two bytes begin no keyword stem of the language cannot match
//! one (a test checks this on every pair of first letters with common endings).

use std::collections::HashMap;

use foldhash::fast::RandomState;
use vouch_core::language::Language;
use vouch_core::text::{push_folded, word_slices};

use super::ThemeDefinition;
use super::lexicon::lang_index;
use crate::stem::stemmer;

/// The themes one keyword belongs to, with its weight in each.
#[derive(Debug)]
struct Entry {
    themes: Vec<(u32, f32)>,
}

/// The first two bytes of every keyword stem of a language, as a bit set.
#[derive(Debug)]
struct Prefixes {
    bits: Vec<u64>,
    /// Whether some stem is shorter than two bytes: then every word is stemmed.
    short: bool,
}

impl Prefixes {
    fn new() -> Self {
        Prefixes {
            bits: vec![0; 1024],
            short: false,
        }
    }

    fn slot(bytes: &[u8]) -> usize {
        (bytes[0] as usize) << 8 | bytes[1] as usize
    }

    fn add(&mut self, stem: &str) {
        match stem.as_bytes() {
            bytes if bytes.len() >= 2 => {
                let slot = Self::slot(bytes);
                self.bits[slot / 64] |= 1 << (slot % 64);
            }
            _ => self.short = true,
        }
    }

    /// Whether `word`'s stem could begin like some keyword stem.
    fn may_match(&self, word: &str, lang: Language) -> bool {
        let bytes = word.as_bytes();
        if self.short || bytes.len() < 2 {
            return true;
        }
        let slot = Self::slot(bytes);
        self.bits[slot / 64] & (1 << (slot % 64)) != 0
            || (lang == Language::En && matches!(word, "dying" | "lying" | "tying"))
    }
}

/// The keywords of a set of themes, stemmed and indexed once, to match many comments fast.
#[derive(Debug)]
pub struct ThemeMatcher {
    /// The languages some keyword is in, in `Language::ALL` order.
    langs: Vec<Language>,
    /// Per language: the first two bytes of its keyword stems.
    prefixes: [Prefixes; 4],
    /// Per language (by `Language::ALL` position): keyword stem → entry number.
    stems: [HashMap<Box<str>, u32, RandomState>; 4],
    entries: Vec<Entry>,
    theme_count: usize,
}

impl ThemeMatcher {
    /// Indexes the themes' keywords; a theme's number is its position in `themes`.
    pub fn new(themes: &[ThemeDefinition]) -> Self {
        let mut matcher = ThemeMatcher {
            langs: Vec::new(),
            prefixes: [(); 4].map(|_| Prefixes::new()),
            stems: Default::default(),
            entries: Vec::new(),
            theme_count: themes.len(),
        };
        for (theme, definition) in themes.iter().enumerate() {
            for keyword in &definition.keywords {
                matcher.add(keyword.lang, &keyword.stem, theme as u32, keyword.weight);
            }
        }
        matcher.langs = Language::ALL
            .into_iter()
            .filter(|lang| !matcher.stems[lang_index(*lang)].is_empty())
            .collect();
        matcher
    }

    fn add(&mut self, lang: Language, stem: &str, theme: u32, weight: f32) {
        self.prefixes[lang_index(lang)].add(stem);
        let next = self.entries.len() as u32;
        let at = *self.stems[lang_index(lang)]
            .entry(stem.into())
            .or_insert(next);
        if at == next {
            self.entries.push(Entry { themes: Vec::new() });
        }
        let themes = &mut self.entries[at as usize].themes;
        match themes.iter_mut().find(|(t, _)| *t == theme) {
            Some(entry) => entry.1 = entry.1.max(weight),
            None => themes.push((theme, weight)),
        }
    }

    /// How many themes the matcher was built from.
    pub fn theme_count(&self) -> usize {
        self.theme_count
    }

    /// The themes a comment belongs to, best first: each theme scored by the summed weights of
    /// its distinct keywords the comment matches, ties by theme order.
    pub fn themes_of(&self, text: &str) -> Vec<(usize, f32)> {
        let mut folded = String::new();
        let mut matched = Vec::new();
        for slice in word_slices(text) {
            folded.clear();
            push_folded(&mut folded, slice);
            self.match_word(&folded, &mut matched);
        }
        self.scores(&matched)
    }

    /// As [`ThemeMatcher::themes_of`], for words already folded by `vouch_core::text::words`.
    pub fn themes_of_words(&self, folded: &[String]) -> Vec<(usize, f32)> {
        let mut matched = Vec::new();
        for word in folded {
            self.match_word(word, &mut matched);
        }
        self.scores(&matched)
    }

    /// The themes one folded word belongs to (by any of their keywords), ascending: what an
    /// index needs to build a theme's rows as the union of its matching words' postings.
    pub fn word_themes(&self, folded_word: &str) -> Vec<usize> {
        let mut matched = Vec::new();
        self.match_word(folded_word, &mut matched);
        let mut themes: Vec<usize> = matched
            .iter()
            .flat_map(|entry| self.entries[*entry as usize].themes.iter())
            .map(|(theme, _)| *theme as usize)
            .collect();
        themes.sort_unstable();
        themes.dedup();
        themes
    }

    /// Adds the entries `word` matches (in any keyword language) to `matched`, once each.
    fn match_word(&self, word: &str, matched: &mut Vec<u32>) {
        for lang in &self.langs {
            if !self.prefixes[lang_index(*lang)].may_match(word, *lang) {
                continue;
            }
            let stem = stemmer(*lang).stem(word);
            if let Some(entry) = self.stems[lang_index(*lang)].get(stem.as_ref())
                && !matched.contains(entry)
            {
                matched.push(*entry);
            }
        }
    }

    /// Summed weights per theme of the matched entries, best first, ties by theme order.
    fn scores(&self, matched: &[u32]) -> Vec<(usize, f32)> {
        let mut scores: Vec<(usize, f32)> = Vec::new();
        for entry in matched {
            for (theme, weight) in &self.entries[*entry as usize].themes {
                match scores.iter_mut().find(|(t, _)| *t == *theme as usize) {
                    Some(score) => score.1 += weight,
                    None => scores.push((*theme as usize, *weight)),
                }
            }
        }
        scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scores
    }
}

#[cfg(test)]
mod tests {
    use super::super::ThemeKeyword;
    use super::*;
    use crate::stem::stem;

    fn keyword(lang: Language, word: &str, weight: f32) -> ThemeKeyword {
        ThemeKeyword {
            lang,
            stem: stem(word, Some(lang)),
            word: word.to_string(),
            weight,
        }
    }

    fn themes() -> Vec<ThemeDefinition> {
        vec![
            ThemeDefinition {
                label: "Invoice · facture".into(),
                keywords: vec![
                    keyword(Language::En, "invoice", 1.0),
                    keyword(Language::Fr, "facture", 1.0),
                ],
            },
            ThemeDefinition {
                label: "Slow".into(),
                keywords: vec![
                    keyword(Language::En, "slow", 0.8),
                    keyword(Language::De, "langsam", 0.8),
                ],
            },
        ]
    }

    #[test]
    fn words_match_keywords_of_any_language() {
        let matcher = ThemeMatcher::new(&themes());
        assert_eq!(matcher.themes_of("Les FACTURES arrivent"), vec![(0, 1.0)]);
        assert_eq!(
            matcher.themes_of("Invoices are slow"),
            vec![(0, 1.0), (1, 0.8)]
        );
        assert_eq!(matcher.themes_of("Alles langsam, slow"), vec![(1, 1.6)]);
        assert!(matcher.themes_of("👍👍").is_empty());
        assert!(matcher.themes_of("").is_empty());
        assert_eq!(matcher.word_themes("factures"), vec![0]);
        assert!(matcher.word_themes("zebra").is_empty());
    }

    #[test]
    fn a_keyword_counts_once_per_comment() {
        let matcher = ThemeMatcher::new(&themes());
        assert_eq!(
            matcher.themes_of("invoice invoices invoiced"),
            vec![(0, 1.0)]
        );
        let words: Vec<String> = vouch_core::text::words("slow slow").collect();
        assert_eq!(matcher.themes_of_words(&words), vec![(1, 0.8)]);
    }

    /// The membership rule, word by word, without any index.
    fn rule(themes: &[ThemeDefinition], word: &str) -> Vec<usize> {
        (0..themes.len())
            .filter(|theme| {
                themes[*theme]
                    .keywords
                    .iter()
                    .any(|k| stem(word, Some(k.lang)) == k.stem)
            })
            .collect()
    }

    /// Themes of three keywords each, from stems of all four languages; with `short`, stems
    /// of one letter too (which turn the prefix filter off for their language).
    fn rule_themes(short: bool) -> Vec<ThemeDefinition> {
        let mut keywords = Vec::new();
        for (lang, list) in [
            (
                Language::En,
                "die lie tie sky cry early hope invoice slow news",
            ),
            (Language::Fr, "facture rapide vite connexion interface"),
            (Language::De, "rechnung langsam schnell über"),
            (Language::Es, "factura lento año"),
        ] {
            for word in list.split(' ') {
                keywords.push(keyword(lang, word, 1.0));
            }
        }
        if short {
            keywords.push(keyword(Language::En, "a", 1.0));
            keywords.push(keyword(Language::Fr, "e", 1.0));
        }
        keywords
            .chunks(3)
            .map(|chunk| ThemeDefinition {
                label: String::new(),
                keywords: chunk.to_vec(),
            })
            .collect()
    }

    #[test]
    fn the_matcher_agrees_with_the_rule() {
        let text = "dying lying tying die lie tie skies sky cries cry news early only hoping \
            invoices facture factures rechnung rechnungen factura facturas slow slowly langsam \
            lento lenta rapide vite schnell aed aing es bs os ies ied a e y 000 1s 2fa sso \
            ça über año l'interface aujourd'hui qu'il quelque quelques connexion connecter";
        let mut words: Vec<String> = vouch_core::text::words(text).collect();
        for word in words.clone() {
            for suffix in [
                "s", "es", "ed", "ing", "ly", "ies", "en", "ungen", "os", "ement",
            ] {
                words.push(format!("{word}{suffix}"));
            }
        }
        for short in [false, true] {
            let themes = rule_themes(short);
            let matcher = ThemeMatcher::new(&themes);
            let mut expected = Vec::new();
            for word in &words {
                let by_rule = rule(&themes, word);
                assert_eq!(matcher.word_themes(word), by_rule, "{word}");
                expected.extend(by_rule);
            }
            expected.sort_unstable();
            expected.dedup();
            let mut got: Vec<usize> = matcher
                .themes_of_words(&words)
                .iter()
                .map(|t| t.0)
                .collect();
            got.sort_unstable();
            assert_eq!(got, expected);
            assert!(!expected.is_empty());
        }
    }

    #[test]
    fn stems_keep_their_word_s_first_two_letters() {
        let mut words: Vec<String> = Vec::new();
        for a in 'a'..='z' {
            for b in 'a'..='z' {
                for tail in [
                    "", "e", "s", "y", "ed", "ing", "ies", "ied", "ying", "ement", "ungen",
                ] {
                    words.push(format!("{a}{b}{tail}"));
                }
            }
        }
        for lang in Language::ALL {
            for word in &words {
                let stem = stem(word, Some(lang));
                let irregular =
                    lang == Language::En && matches!(word.as_str(), "dying" | "lying" | "tying");
                assert!(
                    stem.len() < 2 || stem.as_bytes()[..2] == word.as_bytes()[..2] || irregular,
                    "{} {word} {stem}",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn no_themes_match_nothing() {
        let matcher = ThemeMatcher::new(&[]);
        assert!(matcher.themes_of("invoice").is_empty());
        assert_eq!(matcher.theme_count(), 0);
    }
}
