//! Which of the four languages a comment is written in, guessed from its common words.

use std::collections::HashMap;
use std::sync::OnceLock;

use vouch_core::language::Language;
use vouch_core::text::words;

/// Folded stop words of each language, the one list guessing and themes share.
pub fn stop_words(lang: Language) -> &'static std::collections::HashSet<String> {
    static LISTS: OnceLock<[std::collections::HashSet<String>; 4]> = OnceLock::new();
    let lists = LISTS.get_or_init(|| Language::ALL.map(load_stop_words));
    &lists[index(lang)]
}

fn load_stop_words(lang: Language) -> std::collections::HashSet<String> {
    let list = stop_words::lookup(lang.code()).unwrap_or_default();
    list.iter().flat_map(|word| words(word)).collect()
}

fn index(lang: Language) -> usize {
    Language::ALL
        .iter()
        .position(|candidate| *candidate == lang)
        .unwrap_or(0)
}

/// Words that tell one language from the others (a stop word of several counts for none).
fn telling_words() -> &'static HashMap<String, Language> {
    static TELLING: OnceLock<HashMap<String, Language>> = OnceLock::new();
    TELLING.get_or_init(|| {
        let mut owners: HashMap<String, Option<Language>> = HashMap::new();
        for lang in Language::ALL {
            for word in stop_words(lang) {
                owners
                    .entry(word.clone())
                    .and_modify(|owner| {
                        if *owner != Some(lang) {
                            *owner = None;
                        }
                    })
                    .or_insert(Some(lang));
            }
        }
        owners
            .into_iter()
            .filter_map(|(word, owner)| owner.map(|lang| (word, lang)))
            .collect()
    })
}

/// The language of `folded_words` (as `vouch_core::text::words` gives them): the one whose
/// own stop words are most frequent, or `None` when no language leads (a single word, emoji).
pub fn guess_words(folded_words: &[String]) -> Option<Language> {
    guess_folded(folded_words)
}

/// [`guess_words`] for folded words held as any kind of string (`&str` slices of a buffer).
pub fn guess_folded<S: AsRef<str>>(folded_words: &[S]) -> Option<Language> {
    let telling = telling_words();
    let mut counts = [0usize; 4];
    for word in folded_words {
        if let Some(lang) = telling.get(word.as_ref()) {
            counts[index(*lang)] += 1;
        }
    }
    let best = (0..4).max_by_key(|at| counts[*at])?;
    let leads = counts[best] > 0 && counts.iter().filter(|c| **c == counts[best]).count() == 1;
    leads.then(|| Language::ALL[best])
}

/// The language a comment is written in, or `None` when its words do not tell.
pub fn guess(text: &str) -> Option<Language> {
    guess_words(&words(text).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_is_told_from_a_sentence() {
        assert_eq!(
            guess("The support team was slow and the app crashed"),
            Some(Language::En)
        );
        assert_eq!(
            guess("Le support est lent et nous avons des bugs"),
            Some(Language::Fr)
        );
        assert_eq!(
            guess("Der Support ist langsam und die App stürzt ab"),
            Some(Language::De)
        );
        assert_eq!(
            guess("El soporte es lento y la aplicación falla"),
            Some(Language::Es)
        );
    }

    #[test]
    fn nothing_telling_is_no_guess() {
        assert_eq!(guess("👍👍"), None);
        assert_eq!(guess(""), None);
        assert_eq!(guess("Zapier"), None);
    }
}
