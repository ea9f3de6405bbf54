//! Writing comments from phrase pools: picking sentences, filling their slots, and the small
//! untidiness of real typing. Shared by customer and employee feedback.

use rand::rngs::SmallRng;
use rand::seq::IndexedRandom;

use crate::random::{chance, unit};

/// The mood of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Tone {
    /// Praise: what promoters write.
    Positive,
    /// Complaints: what detractors write.
    Negative,
    /// Lukewarm, usually asking for something: what passives write.
    Mixed,
}

/// What a theme's comments say when the writer is happy, unhappy, or asking for more.
pub(crate) struct Phrases {
    pub positive: &'static [&'static str],
    pub negative: &'static [&'static str],
    pub suggestion: &'static [&'static str],
    /// Words at least one of which appears in every sentence of the theme.
    pub keywords: &'static [&'static str],
}

#[cfg(test)]
impl Phrases {
    /// Every sentence of the theme.
    pub fn sentences(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.positive
            .iter()
            .chain(self.negative)
            .chain(self.suggestion)
            .copied()
    }

    /// Whether `sentence` uses one of the theme's keywords, as a whole word.
    pub fn speaks_of(&self, sentence: &str) -> bool {
        vouch_core::text::words(sentence).any(|word| self.keywords.contains(&word.as_str()))
    }
}

/// A comment being written, one sentence at a time.
pub(crate) struct Writer<'a> {
    rng: &'a mut SmallRng,
    text: String,
    slots: fn(&str) -> Option<&'static [&'static str]>,
}

impl<'a> Writer<'a> {
    /// An empty comment whose `{slots}` are filled from `slots`.
    pub fn new(rng: &'a mut SmallRng, slots: fn(&str) -> Option<&'static [&'static str]>) -> Self {
        Writer {
            rng,
            text: String::with_capacity(160),
            slots,
        }
    }

    /// The generator, for decisions about what to write next.
    pub fn rng(&mut self) -> &mut SmallRng {
        self.rng
    }

    /// Adds one sentence picked from `pool` (nothing if the pool is empty).
    pub fn sentence(&mut self, pool: &[&str]) {
        if let Some(&template) = pool.choose(self.rng) {
            self.template(template);
        }
    }

    /// Adds a sentence from `pool` with probability `probability`.
    pub fn maybe(&mut self, probability: f64, pool: &[&str]) {
        if chance(self.rng, probability) {
            self.sentence(pool);
        }
    }

    /// Adds a second sentence from `pool` that differs from the ones already written.
    pub fn another(&mut self, pool: &[&str]) {
        for _ in 0..4 {
            if let Some(&template) = pool.choose(self.rng) {
                let head = template.split('{').next().unwrap_or(template);
                if !self.text.contains(head) {
                    self.template(template);
                    return;
                }
            }
        }
    }

    /// Adds a sentence, filling its slots, with a capital first letter.
    fn template(&mut self, template: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        let start = self.text.len();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            self.text.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                break;
            };
            if let Some(values) = (self.slots)(&after[..close])
                && let Some(&value) = values.choose(self.rng)
            {
                self.text.push_str(value);
            }
            rest = &after[close + 1..];
        }
        if !rest.contains('{') {
            self.text.push_str(rest);
        }
        if let Some(first) = self.text.get_mut(start..start + 1) {
            first.make_ascii_uppercase();
        }
    }

    /// The finished comment, sometimes typed in a hurry: all lower case, or without the final
    /// full stop.
    pub fn finish(self) -> String {
        let mut text = self.text;
        let roll = unit(self.rng);
        if roll < 0.06 {
            text.make_ascii_lowercase();
        } else if roll < 0.12 && text.ends_with('.') {
            text.pop();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Purpose, rng_for};

    fn slots(name: &str) -> Option<&'static [&'static str]> {
        (name == "fruit").then_some(&["apple", "pear"][..])
    }

    #[test]
    fn slots_are_filled_and_sentences_start_with_a_capital() {
        let mut rng = rng_for(0, Purpose::CustomerAnswer, 0, 0);
        let mut writer = Writer::new(&mut rng, slots);
        writer.sentence(&["{fruit} is good."]);
        writer.sentence(&["I like {fruit}s a lot."]);
        let text = writer.text.clone();
        assert!(
            text.starts_with("Apple is good. ") || text.starts_with("Pear is good. "),
            "{text}"
        );
        assert!(text.contains("I like apples") || text.contains("I like pears"));
        assert!(!text.contains('{'));
    }
}
