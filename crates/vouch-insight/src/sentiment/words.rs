//! Folded words as the lexicons see them: contractions and elisions taken apart, so the lists
//! hold one entry for "not", "ne", "adore" whatever is glued to them; and the bases an
//! inflected word may be read as, so "lentes", "langsamen" and "lentísima" find "lent",
//! "langsam" and "lento".

use vouch_core::language::Language;

/// French elided words that stand before an apostrophe (`l'appli`, `qu'on`); the word after
/// it is the one that carries meaning. `n'` is a negation and kept as `ne`, `d'` is kept as
/// `de` ("pas d'export" reads as "pas de export").
const ELIDED: [&str; 11] = [
    "l", "d", "j", "c", "qu", "s", "m", "t", "jusqu", "lorsqu", "puisqu",
];

/// English endings after an apostrophe that add nothing to sentiment (`it's`, `we've`).
const ENGLISH_TAILS: [&str; 5] = ["s", "re", "ve", "ll", "m"];

/// The pieces one folded word stands for, at most two: `don't` → `do not`, `can't` → `can
/// not`, `n'est` → `ne est`, `d'export` → `de export`,
/// `l'appli` → `appli`, `it's` → `it`, `we'd` → `we would`; any other word is itself.
pub(super) fn split_word(word: &str) -> Vec<&str> {
    let (pieces, count) = pieces(word);
    pieces[..count].to_vec()
}

/// [`split_word`] without allocating: the pieces and how many of them are used.
pub(super) fn pieces(word: &str) -> ([&str; 2], usize) {
    let Some(at) = word.find('\'') else {
        return ([word, ""], 1);
    };
    if let Some(head) = word.strip_suffix("n't") {
        let head = match head {
            "ca" => "can",
            "wo" => "will",
            "sha" => "shall",
            "" => return (["not", ""], 1),
            _ => head,
        };
        return ([head, "not"], 2);
    }
    let (head, tail) = (&word[..at], &word[at + 1..]);
    if tail.is_empty() || tail.contains('\'') {
        return ([word, ""], 1);
    }
    if head == "n" {
        return (["ne", tail], 2);
    }
    if head == "d" {
        return (["de", tail], 2);
    }
    if ELIDED.contains(&head) {
        return ([tail, ""], 1);
    }
    if tail == "d" && !head.is_empty() {
        return ([head, "would"], 2);
    }
    if ENGLISH_TAILS.contains(&tail) {
        return ([head, ""], 1);
    }
    ([word, ""], 1)
}

/// `word` with runs of three or more of one letter cut to `keep` (`sooo` → `so` for 1,
/// `goood` → `good` for 2), written into `buffer`; `None` when it has no such run or does not
/// fit.
pub(super) fn squeeze<'b>(word: &str, keep: usize, buffer: &'b mut [u8; 32]) -> Option<&'b str> {
    let bytes = word.as_bytes();
    if !word.is_ascii() || bytes.len() > buffer.len() || !has_run_of_three(bytes) {
        return None;
    }
    let mut len = 0;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let run = bytes[at..].iter().take_while(|b| **b == byte).count();
        let kept = if run >= 3 { keep } else { run };
        buffer[len..len + kept].fill(byte);
        len += kept;
        at += run;
    }
    std::str::from_utf8(&buffer[..len]).ok()
}

/// Endings of inflected words and what replaces each to give a base form, per language, for
/// words no entry matches as written. Folded spelling (no accents). Tried in order.
const ENGLISH_ENDINGS: &[(&str, &str)] = &[
    ("ies", "y"),
    ("ied", "y"),
    ("ily", "y"),
    ("ier", "y"),
    ("iest", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
    ("er", ""),
    ("est", ""),
];
const FRENCH_ENDINGS: &[(&str, &str)] = &[
    ("aux", "al"),
    ("ales", "al"),
    ("ale", "al"),
    ("euses", "eux"),
    ("euse", "eux"),
    ("ives", "if"),
    ("ive", "if"),
    ("ifs", "if"),
    ("eres", "er"),
    ("ere", "er"),
    ("elles", "el"),
    ("elle", "el"),
    ("ennes", "en"),
    ("enne", "en"),
    ("ettes", "et"),
    ("ette", "et"),
    ("ees", "e"),
    ("ee", "e"),
    ("es", ""),
    ("s", ""),
    ("x", ""),
    ("e", ""),
    ("ement", ""),
    ("ment", ""),
    ("ent", "e"),
    ("ons", "e"),
];
const GERMAN_ENDINGS: &[(&str, &str)] = &[
    ("uren", "uer"),
    ("urer", "uer"),
    ("ures", "uer"),
    ("ure", "uer"),
    ("esten", ""),
    ("estes", ""),
    ("ester", ""),
    ("este", ""),
    ("sten", ""),
    ("stes", ""),
    ("ster", ""),
    ("ste", ""),
    ("eren", ""),
    ("erer", ""),
    ("eres", ""),
    ("erem", ""),
    ("ere", ""),
    ("en", ""),
    ("er", ""),
    ("es", ""),
    ("em", ""),
    ("e", ""),
    ("n", ""),
    ("ten", "en"),
    ("te", "en"),
    ("t", "en"),
];
const SPANISH_ENDINGS: &[(&str, &str)] = &[
    ("isimos", "o"),
    ("isimas", "o"),
    ("isimo", "o"),
    ("isima", "o"),
    ("isimos", ""),
    ("isimas", ""),
    ("isimo", ""),
    ("isima", ""),
    ("amente", "o"),
    ("mente", ""),
    ("ces", "z"),
    ("as", "o"),
    ("os", "o"),
    ("es", ""),
    ("s", ""),
    ("a", "o"),
    ("n", ""),
    ("ados", "a"),
    ("adas", "a"),
    ("ado", "a"),
    ("ada", "a"),
    ("aron", "a"),
    ("amos", "a"),
];

/// The shortest base an ending may leave, in bytes.
const MIN_BASE: usize = 3;

/// Calls `find` with each base `word` may be an inflection of in `lang` ("lentes" → "lente",
/// "lent"), until it returns something; `None` when no base gives anything.
pub(super) fn find_base<T>(
    word: &str,
    lang: Language,
    mut find: impl FnMut(&str) -> Option<T>,
) -> Option<T> {
    let endings = match lang {
        Language::En => ENGLISH_ENDINGS,
        Language::Fr => FRENCH_ENDINGS,
        Language::De => GERMAN_ENDINGS,
        Language::Es => SPANISH_ENDINGS,
    };
    let mut buffer = [0u8; 48];
    for (ending, replacement) in endings {
        let Some(stem) = word.strip_suffix(ending) else {
            continue;
        };
        let len = stem.len() + replacement.len();
        if len < MIN_BASE || stem.len() < 2 || len > buffer.len() {
            continue;
        }
        buffer[..stem.len()].copy_from_slice(stem.as_bytes());
        buffer[stem.len()..len].copy_from_slice(replacement.as_bytes());
        if let Ok(base) = std::str::from_utf8(&buffer[..len])
            && let Some(found) = find(base)
        {
            return Some(found);
        }
    }
    None
}

fn has_run_of_three(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contractions_and_elisions_come_apart() {
        assert_eq!(split_word("don't"), ["do", "not"]);
        assert_eq!(split_word("can't"), ["can", "not"]);
        assert_eq!(split_word("n'est"), ["ne", "est"]);
        assert_eq!(split_word("l'appli"), ["appli"]);
        assert_eq!(split_word("j'adore"), ["adore"]);
        assert_eq!(split_word("it's"), ["it"]);
        assert_eq!(split_word("aujourd'hui"), ["aujourd'hui"]);
        assert_eq!(split_word("fast"), ["fast"]);
    }

    #[test]
    fn inflected_words_give_their_bases() {
        let bases = |word: &str, lang| {
            let mut seen = Vec::new();
            find_base::<()>(word, lang, |base| {
                seen.push(base.to_owned());
                None
            });
            seen
        };
        assert!(bases("lentes", Language::Fr).contains(&"lent".to_owned()));
        assert!(bases("geniaux", Language::Fr).contains(&"genial".to_owned()));
        assert!(bases("langsamen", Language::De).contains(&"langsam".to_owned()));
        assert!(bases("teuren", Language::De).contains(&"teuer".to_owned()));
        assert!(bases("lentisima", Language::Es).contains(&"lento".to_owned()));
        assert!(bases("easily", Language::En).contains(&"easy".to_owned()));
        assert!(bases("bus", Language::En).is_empty());
    }

    #[test]
    fn long_runs_of_a_letter_are_squeezed() {
        let mut buffer = [0; 32];
        assert_eq!(squeeze("sooo", 1, &mut buffer), Some("so"));
        assert_eq!(squeeze("goooood", 2, &mut buffer), Some("good"));
        assert_eq!(squeeze("good", 1, &mut buffer), None);
    }
}
