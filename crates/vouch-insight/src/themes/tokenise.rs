//! Comments turned into what discovery counts: each folded word that carries a topic becomes a
//! key (its language and stem, the unit keywords are made of) and one or more terms (what
//! clustering compares: a dictionary concept shared by the languages, else the stem itself).

use std::collections::HashMap;

use vouch_core::language::Language;
use vouch_core::text::{push_folded, word_slices};

use super::lexicon::{Lexicon, lang_index, lexicon};
use crate::detect::guess_words;
use crate::stem::stem;

/// A stem in a language, with the surface words seen for it and how often.
pub(crate) struct Key {
    /// The language the stem was taken in.
    pub lang: Language,
    /// The stem, as `crate::stem::stem` gives it.
    pub stem: String,
    /// Surface words (lower-cased, accents kept) and their counts, in order of first sight.
    pub surfaces: Vec<(String, u32)>,
}

impl Key {
    /// The commonest surface word (the first seen among equals).
    pub fn word(&self) -> &str {
        let mut best: Option<&(String, u32)> = None;
        for surface in &self.surfaces {
            if best.is_none_or(|b| surface.1 > b.1) {
                best = Some(surface);
            }
        }
        best.map_or(self.stem.as_str(), |b| b.0.as_str())
    }
}

/// What clustering compares: a concept of the dictionary, or a stem in any language.
#[derive(Clone, PartialEq, Eq, Hash)]
enum TermName {
    Concept(u32),
    Stem(String),
}

/// One comment: its language, its folded words, and the keys and terms they gave.
pub(crate) struct Doc {
    /// The guessed language, else the commonest language of the comments.
    pub lang: Language,
    /// Every folded word, as the matcher reads it.
    pub words: Vec<String>,
    /// Distinct keys, ascending.
    pub keys: Vec<u32>,
    /// Distinct terms with their counts, ascending by term.
    pub terms: Vec<(u32, u32)>,
}

/// The comments, their keys and terms.
pub(crate) struct Corpus {
    /// The comments, in the order given.
    pub docs: Vec<Doc>,
    /// Every key seen.
    pub keys: Vec<Key>,
    /// The terms each key feeds.
    pub key_terms: Vec<Vec<u32>>,
    /// How many terms there are.
    pub term_count: usize,
    /// The language most comments were guessed in (English when none was).
    pub dominant: Language,
    /// Per term: whether it is a concept of the dictionary (else a bare stem).
    pub is_concept: Vec<bool>,
}

/// What one word in one language gave, remembered so each form is stemmed once.
struct Seen {
    key: Option<u32>,
    terms: Vec<u32>,
}

#[derive(Default)]
struct Builder {
    keys: Vec<Key>,
    key_index: HashMap<(Language, String), u32>,
    key_terms: Vec<Vec<u32>>,
    term_index: HashMap<TermName, u32>,
    is_concept: Vec<bool>,
    seen: HashMap<(Language, String), Seen>,
}

/// Reads the comments: languages, keys and terms.
pub(crate) fn tokenise(texts: &[&str]) -> Corpus {
    let read: Vec<(Vec<String>, Vec<String>)> = texts.iter().map(|text| read(text)).collect();
    let guessed: Vec<Option<Language>> = read.iter().map(|(w, _)| guess_words(w)).collect();
    let dominant = dominant_language(&guessed);
    let lex = lexicon();
    let mut builder = Builder::default();
    let mut docs = Vec::with_capacity(texts.len());
    for ((words, shown), guess) in read.into_iter().zip(guessed) {
        let lang = guess.unwrap_or(dominant);
        let mut keys = Vec::new();
        let mut terms: Vec<(u32, u32)> = Vec::new();
        for (word, shown) in words.iter().zip(&shown) {
            let word_lang = guess.unwrap_or_else(|| language_of_word(lex, word, dominant));
            let seen = builder.see(lex, word_lang, word, shown);
            keys.extend(seen.key);
            for term in &seen.terms {
                match terms.iter_mut().find(|(t, _)| t == term) {
                    Some(entry) => entry.1 += 1,
                    None => terms.push((*term, 1)),
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        terms.sort_unstable();
        docs.push(Doc {
            lang,
            words,
            keys,
            terms,
        });
    }
    Corpus {
        docs,
        term_count: builder.term_index.len(),
        is_concept: builder.is_concept,
        dominant,
        keys: builder.keys,
        key_terms: builder.key_terms,
    }
}

/// A comment's words, folded (as every index reads them) and as shown (lower-cased only).
fn read(text: &str) -> (Vec<String>, Vec<String>) {
    word_slices(text)
        .map(|slice| {
            let mut folded = String::with_capacity(slice.len());
            push_folded(&mut folded, slice);
            (folded, slice.to_lowercase().replace('’', "'"))
        })
        .unzip()
}

/// The language most comments were guessed in (English when none was).
fn dominant_language(guessed: &[Option<Language>]) -> Language {
    let mut counts = [0usize; 4];
    for lang in guessed.iter().flatten() {
        counts[lang_index(*lang)] += 1;
    }
    let best = (0..4).rev().max_by_key(|at| counts[*at]).unwrap_or(0);
    Language::ALL[best]
}

/// For a comment whose language is unknown: the first language (the dominant one first) in
/// which the word is a dictionary word, else the dominant one.
fn language_of_word(lex: &Lexicon, word: &str, dominant: Language) -> Language {
    std::iter::once(dominant)
        .chain(Language::ALL.into_iter().filter(|lang| *lang != dominant))
        .find(|lang| lex.concept(*lang, &stem(word, Some(*lang))).is_some())
        .unwrap_or(dominant)
}

/// The word without an elided article or pronoun of one or two letters before an apostrophe
/// (`l'`, `d'`, `qu'`, `s'`): "l'interface" → "interface".
fn without_elision(word: &str) -> &str {
    match word.split_once('\'') {
        Some((head, rest)) if head.chars().count() <= 2 && !rest.is_empty() => rest,
        _ => word,
    }
}

/// Whether a folded word can carry a topic at all: two letters or more, not only digits.
fn is_wordlike(word: &str) -> bool {
    word.chars().nth(1).is_some() && !word.chars().all(|c| c.is_numeric())
}

impl Builder {
    fn see(&mut self, lex: &Lexicon, lang: Language, word: &str, shown: &str) -> &Seen {
        let entry = (lang, word.to_string());
        if !self.seen.contains_key(&entry) {
            let seen = self.first_sight(lex, lang, word);
            self.seen.insert(entry.clone(), seen);
        }
        let seen = &self.seen[&entry];
        if let Some(key) = seen.key {
            let surfaces = &mut self.keys[key as usize].surfaces;
            match surfaces.iter_mut().find(|(w, _)| w == shown) {
                Some(surface) => surface.1 += 1,
                None => surfaces.push((shown.to_string(), 1)),
            }
        }
        seen
    }

    /// What a word gives the first time it is seen in a language. The key is the word's own
    /// stem (what the matcher will compare), while its term is read without an elided article
    /// ("l'intégration" is about "intégration").
    fn first_sight(&mut self, lex: &Lexicon, lang: Language, word: &str) -> Seen {
        let own_stem = stem(word, Some(lang));
        let bare = without_elision(word);
        let bare_stem = stem(bare, Some(lang));
        let empty = |form: &str, form_stem: &str| {
            !is_wordlike(form) || lex.is_empty(lang, form_stem) || lex.is_empty(lang, form)
        };
        if empty(word, &own_stem) || empty(bare, &bare_stem) {
            return Seen {
                key: None,
                terms: Vec::new(),
            };
        }
        let mut names = Vec::new();
        match lex.concept(lang, &bare_stem) {
            Some(concept) => names.push(TermName::Concept(concept)),
            None => {
                if lang == Language::De {
                    names.extend(lex.compound_parts(bare).into_iter().map(TermName::Concept));
                }
                names.push(TermName::Stem(bare_stem));
            }
        }
        let terms: Vec<u32> = names.into_iter().map(|name| self.term(name)).collect();
        let key = self.key(lang, own_stem, &terms);
        Seen {
            key: Some(key),
            terms,
        }
    }

    fn term(&mut self, name: TermName) -> u32 {
        let next = self.term_index.len() as u32;
        let concept = matches!(name, TermName::Concept(_));
        let id = *self.term_index.entry(name).or_insert(next);
        if id == next {
            self.is_concept.push(concept);
        }
        id
    }

    fn key(&mut self, lang: Language, stem: String, terms: &[u32]) -> u32 {
        let next = self.keys.len() as u32;
        let id = *self.key_index.entry((lang, stem.clone())).or_insert(next);
        if id == next {
            self.keys.push(Key {
                lang,
                stem,
                surfaces: Vec::new(),
            });
            self.key_terms.push(Vec::new());
        }
        for term in terms {
            if !self.key_terms[id as usize].contains(term) {
                self.key_terms[id as usize].push(*term);
            }
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations_give_one_term_and_filler_none() {
        let corpus = tokenise(&[
            "The invoices are really wrong",
            "Les factures sont vraiment fausses",
            "👍",
        ]);
        let invoice_terms = |doc: &Doc| doc.terms.iter().map(|(t, _)| *t).collect::<Vec<_>>();
        let en = invoice_terms(&corpus.docs[0]);
        let fr = invoice_terms(&corpus.docs[1]);
        assert!(en.iter().any(|t| fr.contains(t)));
        assert!(corpus.docs[2].terms.is_empty());
        assert!(corpus.keys.iter().all(|key| key.stem != "realli"));
        let invoice = corpus.keys.iter().find(|key| key.stem == "invoic").unwrap();
        assert_eq!(invoice.word(), "invoices");
    }

    #[test]
    fn elided_articles_do_not_hide_a_word_s_concept() {
        let corpus = tokenise(&[
            "l'intégration est cassée",
            "une intégration cassée",
            "qu'il",
        ]);
        let terms =
            |at: usize| -> Vec<u32> { corpus.docs[at].terms.iter().map(|(t, _)| *t).collect() };
        assert!(terms(0).iter().any(|t| terms(1).contains(t)));
        assert!(corpus.keys.iter().any(|key| key.stem.starts_with("l'")));
        assert!(terms(2).is_empty());
        assert_eq!(without_elision("aujourd'hui"), "aujourd'hui");
    }
}
