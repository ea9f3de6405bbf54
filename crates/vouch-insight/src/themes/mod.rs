//! Automatic themes: what a survey's comments talk about, found without being told how many
//! topics there are, and the one rule that says which themes a comment belongs to.
//!
//! [`discover`] reads a sample of the comments: each word that carries a topic becomes a stem
//! in the comment's language, and a concept shared by the languages when a small dictionary of
//! feedback words knows it; comments become TF-IDF vectors, are linked to their nearest
//! neighbours, and the graph is cut into communities by modularity, which settles the number
//! of themes. Each community's most distinctive terms give its keywords and its label; themes
//! that hold too few comments are dropped.
//!
//! A comment belongs to a theme when one of its folded words matches one of the theme's
//! keywords, a `(lang, stem)` pair matched when `stem(word, Some(lang)) == stem`; no language
//! is guessed for this ([`ThemeMatcher`]). [`reconcile`] tells which newly discovered theme
//! continues which earlier one, so ids stay stable as comments grow.
//!
//! ```
//! use vouch_insight::themes::{DiscoveryOptions, ThemeMatcher, discover};
//! let comments = [
//!     "The invoice was wrong", "Invoices arrive late", "Wrong invoice again",
//!     "La facture est fausse", "Pages load slowly", "Slow loading pages",
//!     "Loading is so slow", "Le chargement est lent",
//! ];
//! let options = DiscoveryOptions { min_comments: 2, ..Default::default() };
//! let themes = discover(&comments, &options);
//! let matcher = ThemeMatcher::new(&themes);
//! let best = |text: &str| matcher.themes_of(text).first().map(|(theme, _)| *theme);
//! assert_eq!(themes.len(), 2);
//! assert_eq!(best("Ma facture ?"), best("my invoices"));
//! assert_ne!(best("my invoices"), best("so slow"));
//! println!("{}", themes[best("my invoices").unwrap()].label);
//! ```

mod cluster;
mod label;
mod lexicon;
mod louvain;
mod matcher;
mod reconcile;
mod tokenise;
mod weigh;

use vouch_core::language::Language;

pub use matcher::ThemeMatcher;
pub use reconcile::{MIN_OVERLAP, overlap, reconcile};

/// One keyword of a theme: a stem in a language, the word to show for it, and its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeKeyword {
    /// The language the stem is taken in.
    pub lang: Language,
    /// The stem (`crate::stem::stem(word, Some(lang))`) a word must have to match.
    pub stem: String,
    /// The commonest surface word with this stem (lower-cased, accents kept), for display.
    pub word: String,
    /// How telling the keyword is of the theme, in (0, 1]: the share of the sampled comments
    /// holding it that fell in the theme's group; a comment's themes are ranked by the summed
    /// weights of the keywords it matches.
    pub weight: f32,
}

/// A theme: its label and its keywords, most telling first.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeDefinition {
    /// A short readable name, "Invoices · billing", in the language of most of its comments.
    pub label: String,
    /// The keywords; a comment belongs to the theme when one of its words matches one.
    pub keywords: Vec<ThemeKeyword>,
}

/// How discovery runs.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveryOptions {
    /// Themes found at most (the largest are kept).
    pub max_themes: usize,
    /// The fewest sampled comments a theme must hold as its best theme.
    pub min_comments: usize,
    /// The least share of the sampled comments a theme must hold, in addition.
    pub min_share: f32,
    /// Comments read at most; more are sampled, deterministically, by a hash of their text.
    pub sample: usize,
    /// Keyword terms per theme at most (a term of several languages gives several keywords).
    pub max_keywords: usize,
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        DiscoveryOptions {
            max_themes: 20,
            min_comments: 5,
            min_share: 0.01,
            sample: 20_000,
            max_keywords: 12,
        }
    }
}

impl DiscoveryOptions {
    /// The fewest comments a theme must hold in a sample of `sampled` comments.
    fn least_comments(&self, sampled: usize) -> usize {
        let share = (self.min_share.max(0.0) * sampled as f32).ceil() as usize;
        self.min_comments.max(share).max(1)
    }
}

/// Finds the themes of a survey's comments, largest first. Deterministic: the same comments,
/// in any order, give the same themes. Empty when no theme holds enough comments.
pub fn discover(comments: &[&str], options: &DiscoveryOptions) -> Vec<ThemeDefinition> {
    let sampled = sample(comments, options.sample);
    let corpus = tokenise::tokenise(&sampled);
    let vectors = weigh::weigh(&corpus);
    let least = options.least_comments(sampled.len());
    let groups: Vec<Vec<u32>> = cluster::communities(&vectors)
        .into_iter()
        .filter(|group| group.len() >= least)
        .collect();
    let themes = label::describe(&corpus, &vectors, &groups, options.max_keywords);
    keep_held(&corpus, themes, least, options.max_themes)
}

/// At most `size` comments, chosen and ordered by a hash of their text (ties by position), so
/// that the order comments come in changes nothing.
fn sample<'a>(comments: &[&'a str], size: usize) -> Vec<&'a str> {
    let mut keyed: Vec<(u64, usize)> = comments
        .iter()
        .enumerate()
        .map(|(at, text)| (text_hash(text), at))
        .collect();
    if keyed.len() > size {
        keyed.select_nth_unstable(size);
        keyed.truncate(size);
    }
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, at)| comments[at]).collect()
}

/// FNV-1a over the text's bytes, then a final mix: fixed, so samples are the same everywhere.
fn text_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^ (hash >> 33)
}

/// The themes that hold at least `least` sampled comments as their best theme, at most `max`
/// of them, largest first: the smallest is dropped and the comments counted again until all
/// hold enough.
fn keep_held(
    corpus: &tokenise::Corpus,
    themes: Vec<ThemeDefinition>,
    least: usize,
    max: usize,
) -> Vec<ThemeDefinition> {
    let matcher = ThemeMatcher::new(&themes);
    let scores: Vec<Vec<(usize, f32)>> = corpus
        .docs
        .iter()
        .map(|doc| matcher.themes_of_words(&doc.words))
        .collect();
    let mut alive: Vec<bool> = themes.iter().map(|t| !t.keywords.is_empty()).collect();
    loop {
        let mut held = vec![0usize; themes.len()];
        for list in &scores {
            if let Some((theme, _)) = list.iter().find(|(theme, _)| alive[*theme]) {
                held[*theme] += 1;
            }
        }
        let live = alive.iter().filter(|a| **a).count();
        let smallest = (0..themes.len())
            .filter(|theme| alive[*theme])
            .min_by_key(|theme| (held[*theme], std::cmp::Reverse(*theme)));
        match smallest {
            Some(theme) if held[theme] < least || live > max => alive[theme] = false,
            _ => {
                let mut order: Vec<usize> = (0..themes.len()).filter(|t| alive[*t]).collect();
                order.sort_by_key(|theme| (std::cmp::Reverse(held[*theme]), *theme));
                return order
                    .into_iter()
                    .map(|theme| themes[theme].clone())
                    .collect();
            }
        }
    }
}

#[cfg(test)]
mod tests;
