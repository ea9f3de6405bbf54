//! The word lists sentiment reads, one data file per language plus one shared by all, parsed
//! once into hash maps keyed by folded words.
//!
//! A line of a list is `key = code`, `#` starts a comment. The key is a word, a prefix
//! (`frustrat*`: every word starting so) or a phrase (several words, each may end in `*`); it
//! is written with its accents and folded as comments are, so `génial` matches `genial`. The
//! code says what the key does:
//!
//! | code | role |
//! |---|---|
//! | `2.5`, `-1.8` | a valence on VADER's scale, −4 … 4 |
//! | `0.8 neg -1.8` | a valence and the one it takes when negated (else × [`NEGATED`]) |
//! | `1.5 fix`, `1.5 neg -1.5 fix` | a valence that cancels the complaint beside it in its clause ("resolved the issue") |
//! | `0` | a known word with no weight (stops a prefix entry from matching it) |
//! | `wish` | a wish: praise after it in its sentence counts as little as in a question |
//! | `ask` | a request asked as a question: in a question, complaint after it counts as little too |
//! | `skip` | a word negations and boosters reach past ("not **a** single bug") |
//! | `x1.3`, `x0.6`, `x-0.5` | a booster multiplying the next valence (negative: "peu fiable") |
//! | `x1.3 2.0` | a booster that counts as the valence 2.0 when nothing follows it ("super!") |
//! | `x1.3 -1.0 ahead` | the same, only when a word it does not boost follows it in its clause: excess ("too basic", not "me too") |
//! | `x1.2 back` | a booster that may modify the valence just before it ("tarda mucho") |
//! | `neg`, `neg back`, `neg after`, `neg -1.5`, `neg back -0.8` | a negator; `back`: may negate the valence before it when none follows (German "gefällt mir nicht"), and reaches further ahead; `after`: may negate the valence before it, not already negated (French "ça marche pas"); a number: the valence it adds when it negates nothing ("still no 2FA") |
//! | `neg-or x1.2` | a negator inside an open negation ("ne … plus"), else a booster |
//! | `but` | a contrast: what follows outweighs what came before in the sentence |
//! | `though` | a concession: the clause it opens weighs less |
//! | `wait`, `wait -0.8` | a verb of waiting or taking time ("took", "gedauert"), with its own valence if any |
//! | `only` | French "que": after a lone "ne" it undoes the negation ("n'utilise que") |
//! | `long` | a long stretch of time ("weeks", "semaines"): beside a `wait` word in its clause, a complaint |

use std::collections::HashMap;
use std::sync::OnceLock;

use foldhash::fast::FixedState;
use vouch_core::language::Language;
use vouch_core::text::push_folded;

/// How far into a phrase a gap word may stand (see [`Lexicon::lookup_gapped`]).
const MAX_GAP_AT: usize = 4;

/// What negating a valence multiplies it by when its entry gives no negated value (VADER's).
pub(super) const NEGATED: f32 = -0.74;

/// What one lexicon entry does to the comment around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Role {
    /// Carries sentiment: `value`, and `negated` when a negator reaches it.
    Valence { value: f32, negated: f32 },
    /// A valence that fixes the complaint next to it in its clause ("fixed the bug", "le
    /// souci a été réglé"): that complaint no longer counts, unless this is negated.
    Remedy { value: f32, negated: f32 },
    /// Multiplies the next valence; counts as `alone` when it modifies nothing.
    /// `ahead`: counts as `alone` only when a word follows it in its clause ("too basic").
    Booster {
        factor: f32,
        alone: f32,
        back: bool,
        ahead: bool,
    },
    /// Flips the valences of the next few words; `unused` is added when it flips none.
    /// `back`: may flip the valence before it instead; `long`: reaches further ahead.
    Negator { back: bool, long: bool, unused: f32 },
    /// A negator while a negation is open, else a booster.
    NegatorOrBooster { factor: f32 },
    /// "but": the rest of the sentence outweighs what came before.
    Contrast,
    /// "although": the clause it opens weighs less.
    Concession,
    /// Known and weightless.
    Neutral,
    /// A wish or request ("it would be great if …"): praise after it in the sentence is
    /// hoped for, not given.
    Wish,
    /// A request put as a question ("is there …?", "gibt es …?"): in a sentence ending in `?`
    /// neither praise nor complaint after it is given; elsewhere it does nothing.
    Ask,
    /// Weightless and transparent: not counted in a negation's or booster's reach ("a", "the").
    Filler,
    /// A verb of waiting or of taking time ("took", "a fallu", "gedauert", "tardó"), with the
    /// valence it carries alone; beside a [`Role::LongTime`] in its clause, a complaint.
    Wait { value: f32 },
    /// A long stretch of time ("weeks", "semaines", "Wochen", "meses").
    LongTime,
    /// French "que" after a lone "ne": "ne … que" means "only", not "not" ("je n'utilise que
    /// la version web", "il n'y a que des avantages").
    Only,
}

/// One phrase entry: the words after its first one, and its role.
#[derive(Debug)]
struct Phrase {
    rest: Vec<(Box<str>, bool)>,
    role: Role,
}

/// One exact word: its own role, and the phrases it starts (longest first).
#[derive(Debug, Default)]
struct Slot {
    role: Option<Role>,
    phrases: Vec<Phrase>,
}

type Map<V> = HashMap<Box<str>, V, FixedState>;

/// A parsed word list: exact words, prefixes and phrases.
#[derive(Debug, Default)]
pub(super) struct Lexicon {
    words: Map<Slot>,
    prefixes: Map<Role>,
    /// Bit `n` set when some prefix key is `n` bytes long (up to 63).
    prefix_lengths: u64,
}

/// A match at the start of a run of words: the role and how many words it covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Match {
    pub role: Role,
    pub len: usize,
}

impl Lexicon {
    /// The longest entry matching `words` from its start: a phrase, the word itself, or its
    /// longest prefix entry. `None` when the first word is unknown.
    pub fn lookup<S: AsRef<str>>(&self, words: &[S]) -> Option<Match> {
        let first = words.first()?.as_ref();
        if let Some(slot) = self.words.get(first) {
            for phrase in &slot.phrases {
                if phrase_matches(&phrase.rest, &words[1..]) {
                    let len = phrase.rest.len() + 1;
                    return Some(Match {
                        role: phrase.role,
                        len,
                    });
                }
            }
            if let Some(role) = slot.role {
                return Some(Match { role, len: 1 });
            }
        }
        self.prefix(first).map(|role| Match { role, len: 1 })
    }

    /// The longest phrase matching `words` from its start with one of `gaps` standing inside
    /// it (French "vaut **pas** le prix" for "vaut le prix"): the match, its length counting
    /// the gap, and where the gap is. Only matches longer than `longer_than` words count.
    pub fn lookup_gapped<S: AsRef<str>>(
        &self,
        words: &[S],
        gaps: &[&str],
        longer_than: usize,
    ) -> Option<(Match, usize)> {
        let gap =
            (1..words.len().min(MAX_GAP_AT + 1)).find(|&at| gaps.contains(&words[at].as_ref()))?;
        let slot = self.words.get(words.first()?.as_ref())?;
        let without: Vec<&str> = words[1..]
            .iter()
            .enumerate()
            .filter(|&(at, _)| at + 1 != gap)
            .map(|(_, word)| word.as_ref())
            .take(MAX_GAP_AT + 2)
            .collect();
        slot.phrases
            .iter()
            .filter(|phrase| phrase.rest.len() >= gap && phrase.rest.len() + 2 > longer_than)
            .find(|phrase| phrase_matches(&phrase.rest, &without))
            .map(|phrase| {
                let len = phrase.rest.len() + 2;
                (
                    Match {
                        role: phrase.role,
                        len,
                    },
                    gap,
                )
            })
    }

    /// The role of the single word `word` (exact entry first, then its longest prefix).
    pub fn word(&self, word: &str) -> Option<Role> {
        match self.words.get(word).and_then(|slot| slot.role) {
            Some(role) => Some(role),
            None => self.prefix(word),
        }
    }

    /// The role of the single word `word`, exact entries only.
    pub fn exact(&self, word: &str) -> Option<Role> {
        self.words.get(word).and_then(|slot| slot.role)
    }

    /// The entry of the longest prefix key `word` starts with: only the lengths some key has
    /// are tried, longest first.
    fn prefix(&self, word: &str) -> Option<Role> {
        let longest = word.len().min(63);
        let mut lengths = self.prefix_lengths & (u64::MAX >> (63 - longest));
        while lengths != 0 {
            let len = 63 - lengths.leading_zeros() as usize;
            lengths &= !(1 << len);
            if word.is_char_boundary(len)
                && let Some(role) = self.prefixes.get(&word[..len])
            {
                return Some(*role);
            }
        }
        None
    }

    /// Adds the entries of one list; an entry already present keeps its first role.
    fn add_list(&mut self, list: &str, name: &str) {
        for (number, line) in list.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let Some((key, code)) = line.split_once(" = ") else {
                panic!("{name}:{}: expected `key = code`", number + 1);
            };
            let role = parse_code(code.trim())
                .unwrap_or_else(|| panic!("{name}:{}: bad code {code:?}", number + 1));
            self.add(key, role);
        }
    }

    fn add(&mut self, key: &str, role: Role) {
        let mut words: Vec<(Box<str>, bool)> = key.split_whitespace().flat_map(fold_key).collect();
        if words.len() == 1 {
            let (word, prefix) = words.remove(0);
            if prefix {
                self.prefix_lengths |= 1 << word.len().min(63);
                self.prefixes.entry(word).or_insert(role);
            } else {
                let slot = self.words.entry(word).or_default();
                slot.role.get_or_insert(role);
            }
            return;
        }
        let (first, _) = words.remove(0);
        let slot = self.words.entry(first).or_default();
        if slot.phrases.iter().all(|phrase| phrase.rest != words) {
            slot.phrases.push(Phrase { rest: words, role });
            slot.phrases
                .sort_by_key(|phrase| std::cmp::Reverse(phrase.rest.len()));
        }
    }

    /// A phrase holding a negator ("jamais répondu", "no problems", "répond jamais") already
    /// says what its negation means: a negation before it does not flip it again (French
    /// "ne … jamais" is one negation, not two).
    fn settle_negated_phrases(&mut self) {
        let is_negator = |slot: &Slot| {
            matches!(
                slot.role,
                Some(Role::Negator { .. } | Role::NegatorOrBooster { .. })
            )
        };
        let negators: Vec<Box<str>> = self
            .words
            .iter()
            .filter(|(_, slot)| is_negator(slot))
            .map(|(word, _)| word.clone())
            .collect();
        for slot in self.words.values_mut() {
            let starts_negated = is_negator(slot);
            for phrase in &mut slot.phrases {
                let holds_negator = starts_negated
                    || phrase
                        .rest
                        .iter()
                        .any(|(word, prefix)| !prefix && negators.contains(word));
                if let (true, Role::Valence { value, negated }) = (holds_negator, &mut phrase.role)
                {
                    *negated = *value;
                }
            }
        }
    }

    fn merge(&mut self, list: &Lexicon) {
        for (word, slot) in &list.words {
            if let Some(role) = slot.role {
                self.add_exact(word, role);
            }
            for phrase in &slot.phrases {
                let mut key: String = word.to_string();
                for (rest, prefix) in &phrase.rest {
                    key.push(' ');
                    key.push_str(rest);
                    if *prefix {
                        key.push('*');
                    }
                }
                self.add(&key, phrase.role);
            }
        }
        for (prefix, role) in &list.prefixes {
            self.prefix_lengths |= 1 << prefix.len().min(63);
            self.prefixes.entry(prefix.clone()).or_insert(*role);
        }
    }

    fn add_exact(&mut self, word: &str, role: Role) {
        let slot = self.words.entry(word.into()).or_default();
        slot.role.get_or_insert(role);
    }
}

fn phrase_matches<S: AsRef<str>>(rest: &[(Box<str>, bool)], words: &[S]) -> bool {
    rest.len() <= words.len()
        && rest.iter().zip(words).all(|((want, prefix), word)| {
            let word = word.as_ref();
            if *prefix {
                word.starts_with(&**want)
            } else {
                word == &**want
            }
        })
}

/// The folded words of one key word: elisions split as comments' words are (`d'œil` → `oeil`,
/// `n'importe` → `ne importe`), a trailing `*` marking a prefix.
fn fold_key(raw: &str) -> Vec<(Box<str>, bool)> {
    let (body, prefix) = match raw.strip_suffix('*') {
        Some(body) => (body, true),
        None => (raw, false),
    };
    let mut words = Vec::new();
    for part in vouch_core::text::word_slices(body) {
        let mut folded = String::new();
        push_folded(&mut folded, part);
        let mut pieces = super::words::split_word(&folded);
        let last = pieces.len() - 1;
        for (at, piece) in pieces.drain(..).enumerate() {
            words.push((piece.into(), prefix && at == last));
        }
    }
    words
}

fn parse_code(code: &str) -> Option<Role> {
    let parts: Vec<&str> = code.split_whitespace().collect();
    let number = |text: &str| text.parse::<f32>().ok();
    Some(match parts.as_slice() {
        ["0"] => Role::Neutral,
        ["skip"] => Role::Filler,
        ["wish"] => Role::Wish,
        ["ask"] => Role::Ask,
        ["but"] => Role::Contrast,
        ["though"] => Role::Concession,
        ["wait"] => Role::Wait { value: 0.0 },
        ["wait", value] => Role::Wait {
            value: number(value)?,
        },
        ["long"] => Role::LongTime,
        ["only"] => Role::Only,
        ["neg", rest @ ..] => negator(rest)?,
        ["neg-or", factor] => Role::NegatorOrBooster {
            factor: number(factor.strip_prefix('x')?)?,
        },
        [factor, rest @ ..] if factor.starts_with('x') => booster(number(&factor[1..])?, rest)?,
        [value] => {
            let value = number(value)?;
            Role::Valence {
                value,
                negated: value * NEGATED,
            }
        }
        [value, "neg", negated] => Role::Valence {
            value: number(value)?,
            negated: number(negated)?,
        },
        [value, "fix"] => Role::Remedy {
            value: number(value)?,
            negated: number(value)? * NEGATED,
        },
        [value, "neg", negated, "fix"] => Role::Remedy {
            value: number(value)?,
            negated: number(negated)?,
        },
        _ => return None,
    })
}

/// A booster's code after its factor: nothing, `back`, a valence alone, or one and `ahead`.
fn booster(factor: f32, rest: &[&str]) -> Option<Role> {
    let (alone, back, ahead) = match rest {
        [] => (0.0, false, false),
        ["back"] => (0.0, true, false),
        [alone] => (alone.parse().ok()?, false, false),
        [alone, "ahead"] => (alone.parse().ok()?, false, true),
        _ => return None,
    };
    Some(Role::Booster {
        factor,
        alone,
        back,
        ahead,
    })
}

/// A negator's code after `neg`: `back` (German "nicht": back, and far ahead), `after` (French
/// "pas" without "ne": back, not far ahead), then the valence it adds when unused.
fn negator(rest: &[&str]) -> Option<Role> {
    let (back, long, rest) = match rest {
        ["back", rest @ ..] => (true, true, rest),
        ["after", rest @ ..] => (true, false, rest),
        rest => (false, false, rest),
    };
    let unused = match rest {
        [] => 0.0,
        [unused] => unused.parse().ok()?,
        _ => return None,
    };
    Some(Role::Negator { back, long, unused })
}

const SHARED: &str = include_str!("lexicon/shared.lex");
/// Each language's lists: its grammar and core words (English's praise and complaint words in a
/// file of their own), then vocabulary by feedback topic, then idioms and everyday words.
const LISTS: [&[(&str, &str)]; 4] = [
    &[
        ("en.lex", include_str!("lexicon/en.lex")),
        ("en-words.lex", include_str!("lexicon/en-words.lex")),
        ("en-topics.lex", include_str!("lexicon/en-topics.lex")),
        ("en-idioms.lex", include_str!("lexicon/en-idioms.lex")),
        ("en-common.lex", include_str!("lexicon/en-common.lex")),
    ],
    &[
        ("fr.lex", include_str!("lexicon/fr.lex")),
        ("fr-topics.lex", include_str!("lexicon/fr-topics.lex")),
        ("fr-idioms.lex", include_str!("lexicon/fr-idioms.lex")),
        ("fr-common.lex", include_str!("lexicon/fr-common.lex")),
    ],
    &[
        ("de.lex", include_str!("lexicon/de.lex")),
        ("de-topics.lex", include_str!("lexicon/de-topics.lex")),
        ("de-idioms.lex", include_str!("lexicon/de-idioms.lex")),
        ("de-common.lex", include_str!("lexicon/de-common.lex")),
    ],
    &[
        ("es.lex", include_str!("lexicon/es.lex")),
        ("es-topics.lex", include_str!("lexicon/es-topics.lex")),
        ("es-idioms.lex", include_str!("lexicon/es-idioms.lex")),
        ("es-common.lex", include_str!("lexicon/es-common.lex")),
    ],
];

/// The lexicon of `lang` (its own list and the shared one), or of all four languages together
/// for `None` (the first language in `Language::ALL` order wins where lists disagree).
pub(super) fn lexicon(lang: Option<Language>) -> &'static Lexicon {
    static LEXICONS: OnceLock<[Lexicon; 5]> = OnceLock::new();
    let lexicons = LEXICONS.get_or_init(build_all);
    match lang {
        Some(lang) => &lexicons[language_index(lang)],
        None => &lexicons[4],
    }
}

fn build_all() -> [Lexicon; 5] {
    let single = |at: usize| {
        let mut lexicon = Lexicon::default();
        for (name, list) in LISTS[at] {
            lexicon.add_list(list, name);
        }
        lexicon.add_list(SHARED, "shared.lex");
        lexicon.settle_negated_phrases();
        lexicon
    };
    let [en, fr, de, es] = [0, 1, 2, 3].map(single);
    let mut all = Lexicon::default();
    for list in [&en, &fr, &de, &es] {
        all.merge(list);
    }
    [en, fr, de, es, all]
}

fn language_index(lang: Language) -> usize {
    match lang {
        Language::En => 0,
        Language::Fr => 1,
        Language::De => 2,
        Language::Es => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valence(lexicon: &Lexicon, words: &[&str]) -> Option<f32> {
        match lexicon.lookup(words)?.role {
            Role::Valence { value, .. } => Some(value),
            _ => None,
        }
    }

    #[test]
    fn every_list_parses_and_folds_its_keys() {
        let fr = lexicon(Some(Language::Fr));
        assert!(valence(fr, &["genial"]).unwrap() > 0.0);
        assert!(valence(lexicon(Some(Language::De)), &["schnell"]).unwrap() > 0.0);
        assert!(valence(lexicon(None), &["lentisimo"]).unwrap() < 0.0);
    }

    #[test]
    fn prefixes_match_inflections_and_exact_words_win() {
        let en = lexicon(Some(Language::En));
        assert!(valence(en, &["frustrating"]).unwrap() < 0.0);
        assert!(valence(en, &["frustrated"]).unwrap() < 0.0);
        assert_eq!(lexicon(Some(Language::En)).lookup(&["zzz"]), None);
    }

    #[test]
    fn the_longest_phrase_wins() {
        let en = lexicon(Some(Language::En));
        let found = en.lookup(&["worth", "every", "penny", "really"]).unwrap();
        assert_eq!(found.len, 3);
    }
}

#[cfg(test)]
mod stop_word_tests {
    use super::*;

    /// Stop words that do carry some sentiment in feedback, on purpose ("the site is down",
    /// "why does it …?").
    const MEANT: [&str; 2] = ["down", "why"];

    #[test]
    fn no_common_word_carries_a_valence_by_accident() {
        let mut hits = Vec::new();
        for lang in Language::ALL {
            let lexicon = lexicon(Some(lang));
            for word in crate::detect::stop_words(lang) {
                if let Some(Role::Valence { value, .. }) = lexicon.word(word)
                    && value.abs() >= 0.5
                    && !MEANT.contains(&word.as_str())
                {
                    hits.push(format!("{}:{word}={value}", lang.code()));
                }
            }
        }
        hits.sort();
        assert!(hits.is_empty(), "{hits:?}");
    }
}
