//! Customer comments: which theme a customer writes about, given their score and the moment,
//! and the comment itself.

use rand::rngs::SmallRng;
use vouch_core::Category;

use crate::comment::{Phrases, Tone, Writer};
use crate::customer_phrases::{
    DOCUMENTATION, EASE_OF_USE, INTEGRATIONS, MISSING_FEATURES, MIXED_CLOSERS, MIXED_OPENERS,
    MOBILE, NEGATIVE_CLOSERS, NEGATIVE_OPENERS, NEW_ONBOARDING, ONBOARDING, PERFORMANCE,
    POSITIVE_CLOSERS, POSITIVE_OPENERS, PRAISE, PRICE_INCREASE, PRICING, RELIABILITY, REPORTING,
    SUPPORT, slot_values,
};
use crate::random::{chance, unit, weighted_index};

/// What a customer comment is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Theme {
    Pricing,
    Support,
    Onboarding,
    Performance,
    Reliability,
    MissingFeatures,
    Integrations,
    Reporting,
    Documentation,
    EaseOfUse,
    Mobile,
    Praise,
}

/// Every theme, in the order of the weight tables below.
pub(crate) const THEMES: [Theme; 12] = [
    Theme::Pricing,
    Theme::Support,
    Theme::Onboarding,
    Theme::Performance,
    Theme::Reliability,
    Theme::MissingFeatures,
    Theme::Integrations,
    Theme::Reporting,
    Theme::Documentation,
    Theme::EaseOfUse,
    Theme::Mobile,
    Theme::Praise,
];

/// What promoters write about: the product as a whole, how easy it is, the people.
const PROMOTER_THEMES: [f64; 12] = [2., 18., 6., 5., 2., 3., 6., 12., 3., 18., 2., 34.];
/// What passives write about: mostly what they are still missing.
const PASSIVE_THEMES: [f64; 12] = [12., 7., 5., 9., 5., 20., 10., 10., 5., 7., 6., 4.];
/// What detractors write about: money, bugs, slowness and unanswered tickets.
const DETRACTOR_THEMES: [f64; 12] = [24., 16., 6., 15., 20., 8., 4., 3., 2., 4., 3., 5.];

impl Theme {
    /// The sentences and vocabulary of the theme at a given moment: people talk about
    /// pricing differently once the price has gone up, and about onboarding once it is new.
    pub fn phrases(self, moment: &Moment) -> &'static Phrases {
        match self {
            Theme::Pricing if moment.after_price_change => &PRICE_INCREASE,
            Theme::Pricing => &PRICING,
            Theme::Support => &SUPPORT,
            Theme::Onboarding if moment.after_new_onboarding => &NEW_ONBOARDING,
            Theme::Onboarding => &ONBOARDING,
            Theme::Performance => &PERFORMANCE,
            Theme::Reliability => &RELIABILITY,
            Theme::MissingFeatures => &MISSING_FEATURES,
            Theme::Integrations => &INTEGRATIONS,
            Theme::Reporting => &REPORTING,
            Theme::Documentation => &DOCUMENTATION,
            Theme::EaseOfUse => &EASE_OF_USE,
            Theme::Mobile => &MOBILE,
            Theme::Praise => &PRAISE,
        }
    }

    /// Whether the theme is one of what promoters mostly write about.
    #[cfg(test)]
    pub fn is_what_promoters_praise(self) -> bool {
        matches!(
            self,
            Theme::Praise | Theme::EaseOfUse | Theme::Support | Theme::Reporting
        )
    }

    /// Whether the theme is one of what detractors mostly complain about.
    #[cfg(test)]
    pub fn is_what_detractors_blame(self) -> bool {
        matches!(
            self,
            Theme::Pricing | Theme::Reliability | Theme::Support | Theme::Performance
        )
    }
}

/// What customers have on their minds at a given moment: the story's events (an outage, a
/// price change) make some themes louder for a while and change what is said about them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Moment {
    /// How much more likely than usual each theme is, in the order of [`THEMES`].
    emphasis: [f64; 12],
    /// Whether the price increase has happened.
    pub after_price_change: bool,
    /// Whether the new onboarding flow has shipped.
    pub after_new_onboarding: bool,
}

impl Default for Moment {
    fn default() -> Self {
        Moment {
            emphasis: [1.0; 12],
            after_price_change: false,
            after_new_onboarding: false,
        }
    }
}

impl Moment {
    /// Makes `theme` `factor` times as likely as usual.
    pub fn boost(&mut self, theme: Theme, factor: f64) {
        self.emphasis[theme as usize] *= factor;
    }
}

/// A written comment and what it is about.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Feedback {
    pub theme: Theme,
    pub tone: Tone,
    pub text: String,
}

/// Writes the comment of a customer in `category`, with the themes of the moment.
pub(crate) fn write(rng: &mut SmallRng, category: Category, moment: &Moment) -> Feedback {
    let base = match category {
        Category::Promoter => &PROMOTER_THEMES,
        Category::Passive => &PASSIVE_THEMES,
        Category::Detractor => &DETRACTOR_THEMES,
    };
    let weights: [u32; 12] =
        std::array::from_fn(|slot| (base[slot] * moment.emphasis[slot] * 100.0) as u32);
    let theme = THEMES[weighted_index(rng, &weights)];
    let phrases = theme.phrases(moment);
    let mut writer = Writer::new(rng, slot_values);
    let tone = match category {
        Category::Promoter => {
            write_praise(&mut writer, theme, phrases);
            Tone::Positive
        }
        Category::Passive => {
            write_lukewarm(&mut writer, phrases);
            Tone::Mixed
        }
        Category::Detractor => {
            write_complaint(&mut writer, phrases);
            Tone::Negative
        }
    };
    Feedback {
        theme,
        tone,
        text: writer.finish(),
    }
}

fn write_praise(writer: &mut Writer<'_>, theme: Theme, phrases: &Phrases) {
    if theme != Theme::Praise {
        writer.maybe(0.2, POSITIVE_OPENERS);
    }
    writer.sentence(phrases.positive);
    if chance(writer.rng(), 0.25) {
        writer.another(phrases.positive);
    }
    // Even fans have a wish list.
    if theme != Theme::MissingFeatures && chance(writer.rng(), 0.1) {
        writer.sentence(MISSING_FEATURES.suggestion);
    } else {
        writer.maybe(0.2, POSITIVE_CLOSERS);
    }
}

fn write_lukewarm(writer: &mut Writer<'_>, phrases: &Phrases) {
    let roll = unit(writer.rng());
    if roll < 0.5 {
        writer.sentence(MIXED_OPENERS);
        writer.sentence(phrases.suggestion);
    } else if roll < 0.7 {
        writer.sentence(MIXED_OPENERS);
        writer.sentence(phrases.negative);
    } else if roll < 0.9 {
        writer.sentence(phrases.suggestion);
    } else {
        writer.sentence(phrases.suggestion);
        writer.sentence(MIXED_CLOSERS);
    }
}

fn write_complaint(writer: &mut Writer<'_>, phrases: &Phrases) {
    writer.maybe(0.15, NEGATIVE_OPENERS);
    writer.sentence(phrases.negative);
    if chance(writer.rng(), 0.3) {
        writer.another(phrases.negative);
    }
    writer.maybe(0.25, NEGATIVE_CLOSERS);
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::random::{Purpose, rng_for};

    /// The moments before and after every event of the story.
    fn moments() -> [Moment; 2] {
        let later = Moment {
            after_price_change: true,
            after_new_onboarding: true,
            ..Moment::default()
        };
        [Moment::default(), later]
    }

    #[test]
    fn every_sentence_speaks_the_vocabulary_of_its_theme() {
        for moment in moments() {
            for theme in THEMES {
                let phrases = theme.phrases(&moment);
                for sentence in phrases.sentences() {
                    assert!(phrases.speaks_of(sentence), "{theme:?}: {sentence}");
                }
            }
        }
    }

    #[test]
    fn every_slot_is_known() {
        let all = moments().into_iter().flat_map(|moment| {
            THEMES.map(|theme| {
                let phrases = theme.phrases(&moment);
                [phrases.positive, phrases.negative, phrases.suggestion]
            })
        });
        let extras = [
            POSITIVE_OPENERS,
            POSITIVE_CLOSERS,
            NEGATIVE_OPENERS,
            NEGATIVE_CLOSERS,
            MIXED_OPENERS,
            MIXED_CLOSERS,
        ];
        for sentence in all.flatten().chain(extras).flatten() {
            for piece in sentence.split('{').skip(1) {
                let name = piece.split('}').next().unwrap_or_default();
                assert!(slot_values(name).is_some(), "{sentence}");
            }
        }
    }

    #[test]
    fn comments_rarely_repeat_word_for_word() {
        let mut rng = rng_for(5, Purpose::CustomerAnswer, 0, 0);
        let moment = Moment::default();
        let mut seen = HashSet::new();
        let total = 2_000;
        for index in 0..total {
            let category = [Category::Promoter, Category::Passive, Category::Detractor][index % 3];
            seen.insert(write(&mut rng, category, &moment).text);
        }
        assert!(seen.len() * 10 > total * 6, "{} distinct", seen.len());
    }

    #[test]
    fn the_themes_fit_the_score() {
        let mut rng = rng_for(6, Purpose::CustomerAnswer, 0, 0);
        let moment = Moment::default();
        let share = |rng: &mut SmallRng, category, fits: fn(Theme) -> bool| {
            let fitting = (0..2_000)
                .filter(|_| fits(write(rng, category, &moment).theme))
                .count();
            fitting as f64 / 2_000.0
        };
        let praise = Theme::is_what_promoters_praise;
        let blame = Theme::is_what_detractors_blame;
        assert!(share(&mut rng, Category::Promoter, praise) > 0.65);
        assert!(share(&mut rng, Category::Detractor, blame) > 0.6);
        assert!(share(&mut rng, Category::Detractor, praise) < 0.35);
    }
}
