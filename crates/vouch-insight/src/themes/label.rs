//! From groups of comments to themes: the terms most distinctive of each group become its
//! keywords (every stem that gave them, with a surface word to show), and the commonest
//! surface words of the top ones, in the group's own language, make its label.

use vouch_core::language::Language;

use super::lexicon::lang_index;
use super::tokenise::Corpus;
use super::weigh::Vectors;
use super::{ThemeDefinition, ThemeKeyword};

/// The least share of a term's comments that must be in a group for it to be a keyword there.
const MIN_PRECISION: f32 = 0.5;
/// Words a label is made of at most.
const LABEL_WORDS: usize = 2;
/// The keyword terms, best first, a label's words are chosen from.
const LABEL_CANDIDATES: usize = 4;

/// A term chosen for a group: its share of comments in the group, and how many it has there.
#[derive(Clone, Copy)]
struct Pick {
    term: u32,
    precision: f32,
    hits: u32,
}

/// Themes of the groups, in the order of the groups; a group none of whose terms is
/// distinctive gives a theme without keywords.
pub(crate) fn describe(
    corpus: &Corpus,
    vectors: &Vectors,
    groups: &[Vec<u32>],
    max_keywords: usize,
) -> Vec<ThemeDefinition> {
    let hits: Vec<Vec<(u32, u32)>> = groups
        .iter()
        .map(|group| term_hits(vectors, group))
        .collect();
    let owner = owners(vectors, &hits);
    groups
        .iter()
        .enumerate()
        .map(|(at, group)| {
            let picks = picks(vectors, &hits[at], &owner, at, group.len(), max_keywords);
            theme(corpus, group, &picks)
        })
        .collect()
}

/// How many of the group's comments hold each compared term: (term, count), ascending.
fn term_hits(vectors: &Vectors, group: &[u32]) -> Vec<(u32, u32)> {
    let mut terms: Vec<u32> = group
        .iter()
        .flat_map(|doc| vectors.rows[*doc as usize].iter().map(|(term, _)| *term))
        .collect();
    terms.sort_unstable();
    counted(terms)
}

/// Runs of equal values in a sorted list, as (value, how many).
fn counted(sorted: Vec<u32>) -> Vec<(u32, u32)> {
    let mut counts: Vec<(u32, u32)> = Vec::new();
    for value in sorted {
        match counts.last_mut() {
            Some((last, count)) if *last == value => *count += 1,
            _ => counts.push((value, 1)),
        }
    }
    counts
}

/// Per term: the group holding the most of its comments (ties: the earlier group).
fn owners(vectors: &Vectors, hits: &[Vec<(u32, u32)>]) -> Vec<Option<usize>> {
    let mut best: Vec<Option<(usize, u32)>> = vec![None; vectors.df.len()];
    for (group, counts) in hits.iter().enumerate() {
        for (term, count) in counts {
            let slot = &mut best[*term as usize];
            if slot.is_none_or(|(_, b)| *count > b) {
                *slot = Some((group, *count));
            }
        }
    }
    best.into_iter()
        .map(|owner| owner.map(|(group, _)| group))
        .collect()
}

/// The group's keyword terms, best first: owned, precise, in two comments or more (and in
/// one in twenty of the group's), ranked by hits times precision.
fn picks(
    vectors: &Vectors,
    hits: &[(u32, u32)],
    owner: &[Option<usize>],
    group: usize,
    size: usize,
    max_keywords: usize,
) -> Vec<Pick> {
    let least = 2.max((size as f32 * 0.05).ceil() as u32);
    let mut picks: Vec<Pick> = hits
        .iter()
        .filter(|(term, _)| owner[*term as usize] == Some(group))
        .map(|(term, count)| Pick {
            term: *term,
            precision: *count as f32 / vectors.df[*term as usize] as f32,
            hits: *count,
        })
        .filter(|pick| pick.hits >= least && pick.precision >= MIN_PRECISION)
        .collect();
    let score = |pick: &Pick| pick.hits as f32 * pick.precision;
    picks.sort_by(|a, b| score(b).total_cmp(&score(a)).then(a.term.cmp(&b.term)));
    picks.truncate(max_keywords);
    picks
}

/// The theme of one group from its picked terms.
fn theme(corpus: &Corpus, group: &[u32], picks: &[Pick]) -> ThemeDefinition {
    let key_hits = key_hits(corpus, group);
    let lang = group_language(corpus, group);
    let mut keywords: Vec<ThemeKeyword> = Vec::new();
    let mut shown: Vec<(bool, u32, String)> = Vec::new();
    for pick in picks {
        let mut keys: Vec<(u32, u32)> = key_hits
            .iter()
            .filter(|(key, _)| corpus.key_terms[*key as usize].contains(&pick.term))
            .copied()
            .collect();
        keys.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let in_lang = keys
            .iter()
            .find(|(key, _)| corpus.keys[*key as usize].lang == lang);
        if let Some((key, _)) = in_lang.or(keys.first()) {
            let word = corpus.keys[*key as usize].word().to_string();
            shown.push((in_lang.is_some(), pick.hits, word));
        }
        for (key, _) in keys {
            let key = &corpus.keys[key as usize];
            if !keywords
                .iter()
                .any(|k| k.lang == key.lang && k.stem == key.stem)
            {
                keywords.push(ThemeKeyword {
                    lang: key.lang,
                    stem: key.stem.clone(),
                    word: key.word().to_string(),
                    weight: (pick.precision * 1000.0).round() / 1000.0,
                });
            }
        }
    }
    ThemeDefinition {
        label: label_of(&label_words(shown)),
        keywords,
    }
}

/// The label's words: of the first few keyword terms, those most comments hold, those with a
/// word in the label's language first.
fn label_words(mut shown: Vec<(bool, u32, String)>) -> Vec<String> {
    shown.truncate(LABEL_CANDIDATES);
    shown.sort_by_key(|(in_lang, hits, _)| std::cmp::Reverse((*in_lang, *hits)));
    let mut words: Vec<String> = Vec::new();
    for (_, _, word) in shown {
        if words.len() < LABEL_WORDS && !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// How many of the group's comments hold each key, ascending by key.
fn key_hits(corpus: &Corpus, group: &[u32]) -> Vec<(u32, u32)> {
    let mut keys: Vec<u32> = group
        .iter()
        .flat_map(|doc| corpus.docs[*doc as usize].keys.iter().copied())
        .collect();
    keys.sort_unstable();
    counted(keys)
}

/// The language a group's label is written in: the survey's main language when at least half
/// as many of the group's comments are in it as in the group's own main language, else that one.
fn group_language(corpus: &Corpus, group: &[u32]) -> Language {
    let mut counts = [0usize; 4];
    for doc in group {
        counts[lang_index(corpus.docs[*doc as usize].lang)] += 1;
    }
    let best = (0..4).rev().max_by_key(|at| counts[*at]).unwrap_or(0);
    if 2 * counts[lang_index(corpus.dominant)] >= counts[best] {
        corpus.dominant
    } else {
        Language::ALL[best]
    }
}

/// "Invoices · billing": the words joined by a middle dot, the first capitalised.
pub(crate) fn label_of(words: &[String]) -> String {
    let mut label = String::new();
    for (at, word) in words.iter().enumerate() {
        if at == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                label.extend(first.to_uppercase());
                label.push_str(chars.as_str());
            }
        } else {
            label.push_str(" · ");
            label.push_str(word);
        }
    }
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_join_words_and_capitalise_the_first() {
        let words = ["écran".to_string(), "menu".to_string()];
        assert_eq!(label_of(&words), "Écran · menu");
        assert_eq!(label_of(&[]), "");
    }
}
