//! Employee comments: culture, management, pay, growth, workload and remote work.
//!
//! No sentence names a person: eNPS answers are anonymous, and demo data should not suggest
//! otherwise.

use rand::rngs::SmallRng;
use vouch_core::Category;

use crate::comment::{Phrases, Tone, Writer};
use crate::random::{chance, weighted_index};

/// What an employee comment is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Theme {
    Culture,
    Management,
    Pay,
    Growth,
    Workload,
    RemoteWork,
}

/// Every theme, in the order of the weight tables below.
pub(crate) const THEMES: [Theme; 6] = [
    Theme::Culture,
    Theme::Management,
    Theme::Pay,
    Theme::Growth,
    Theme::Workload,
    Theme::RemoteWork,
];

const PROMOTER_THEMES: [f64; 6] = [40., 20., 5., 15., 5., 15.];
const PASSIVE_THEMES: [f64; 6] = [5., 15., 25., 25., 20., 10.];
const DETRACTOR_THEMES: [f64; 6] = [5., 25., 25., 15., 25., 5.];

const CULTURE: Phrases = Phrases {
    positive: &[
        "Great culture, people genuinely help each other.",
        "The people here are the best part of the job.",
        "Collaborative, kind and smart colleagues.",
        "I love the team culture and the transparency from leadership.",
        "A culture where you can disagree openly.",
        "Best team I've ever worked with.",
    ],
    negative: &[
        "The culture has changed a lot since we grew, it feels political now.",
        "Silos everywhere, teams don't talk to each other.",
        "Leadership talks about transparency but decisions come out of nowhere.",
        "The culture is all slogans.",
        "Lots of blame when things go wrong, not much learning.",
    ],
    suggestion: &[
        "More cross-team events would help the culture.",
        "Would like more transparency from leadership about strategy.",
        "The all-hands could be more open to questions from the team.",
    ],
    keywords: &[
        "culture",
        "people",
        "colleagues",
        "team",
        "teams",
        "transparency",
        "leadership",
        "political",
        "silos",
        "blame",
    ],
};

const MANAGEMENT: Phrases = Phrases {
    positive: &[
        "My manager genuinely cares about my development.",
        "Great manager, clear priorities and real feedback.",
        "Management trusts us to do our jobs.",
        "My lead shields the team from chaos and gives useful feedback.",
    ],
    negative: &[
        "My manager micromanages everything.",
        "Too many layers of management and nobody decides.",
        "I've had three managers in a year.",
        "Feedback from my manager only comes at review time.",
        "Management ignores what people on the ground say.",
    ],
    suggestion: &[
        "Managers need training on giving feedback.",
        "Regular one-on-ones with my manager would help.",
        "Clearer priorities from management, please.",
    ],
    keywords: &[
        "manager",
        "managers",
        "management",
        "micromanages",
        "lead",
        "feedback",
    ],
};

const PAY: Phrases = Phrases {
    positive: &[
        "Pay is fair and the benefits are generous.",
        "Competitive compensation and good equity.",
        "Good salary and a generous learning budget.",
        "The last salary review was fair and well explained.",
    ],
    negative: &[
        "Salaries are well below market.",
        "No raise in two years despite taking on more.",
        "Pay doesn't keep up with inflation.",
        "The bonus scheme is opaque and unfair.",
        "New hires are paid more than people who've been here for years.",
    ],
    suggestion: &[
        "The salary bands should be shared openly.",
        "Pay is okay but below what similar companies offer.",
        "A clearer path to a raise would help.",
    ],
    keywords: &[
        "pay",
        "paid",
        "salary",
        "salaries",
        "raise",
        "compensation",
        "bonus",
        "benefits",
    ],
};

const GROWTH: Phrases = Phrases {
    positive: &[
        "I've learned more here in a year than anywhere else.",
        "Lots of room to grow and take on new challenges.",
        "Got promoted this year and the career path is clear.",
        "The learning budget and mentoring are excellent.",
    ],
    negative: &[
        "No clear career path.",
        "Promotions go to the loudest people.",
        "I feel stuck in the same role with no growth.",
        "Nobody talks about career development here.",
        "Training budgets were the first thing cut.",
    ],
    suggestion: &[
        "Would like a clearer career ladder.",
        "More mentoring for junior people would help.",
        "Internal moves between teams would help people grow.",
    ],
    keywords: &[
        "learned",
        "learning",
        "grow",
        "growth",
        "career",
        "promoted",
        "promotions",
        "mentoring",
        "role",
        "training",
    ],
};

const WORKLOAD: Phrases = Phrases {
    positive: &[
        "Workload is reasonable and deadlines are realistic.",
        "Good work-life balance, nobody expects emails at night.",
        "Sustainable pace, even around launches.",
        "Flexible hours make it easy to balance work and family.",
    ],
    negative: &[
        "Constant firefighting, I'm burning out.",
        "Workload has doubled since the hiring freeze.",
        "Too many meetings, no time to do actual work.",
        "Deadlines are unrealistic and weekends are the norm.",
        "We're understaffed and everyone is exhausted.",
    ],
    suggestion: &[
        "We need more people, the workload is too high.",
        "Fewer meetings would give us time to focus.",
        "Please protect no-meeting days.",
    ],
    keywords: &[
        "workload",
        "balance",
        "deadlines",
        "pace",
        "hours",
        "burning",
        "meetings",
        "meeting",
        "weekends",
        "understaffed",
        "exhausted",
        "work",
    ],
};

/// Remote work before the return to the office: flexibility, and its downsides.
const REMOTE_WORK: Phrases = Phrases {
    positive: &[
        "Remote-friendly and flexible, which makes a big difference.",
        "Love the flexibility to work from home.",
        "The hybrid setup works really well.",
        "Being fully remote lets me live where I want.",
    ],
    negative: &[
        "Remote colleagues are always an afterthought in meetings.",
        "The office is half empty and remote onboarding is poor.",
        "Working remotely here feels isolating.",
    ],
    suggestion: &[
        "Better equipment for remote people would help.",
        "More in-person time for remote teams would be nice.",
        "Clearer rules for hybrid work, please.",
    ],
    keywords: &[
        "remote",
        "remotely",
        "home",
        "hybrid",
        "office",
        "flexibility",
        "flexible",
        "commuting",
    ],
};

/// Remote work once three office days a week became mandatory.
const RETURN_TO_OFFICE: Phrases = Phrases {
    positive: REMOTE_WORK.positive,
    negative: &[
        "The return-to-office mandate ignored everything we said.",
        "Three days in the office just to sit on video calls.",
        "Forcing people back to the office is driving good people away.",
        "Commuting two hours a day for no reason.",
        "Remote colleagues are always an afterthought in meetings.",
    ],
    suggestion: &[
        "Please let teams decide their own office days.",
        "More flexibility on office days would be nice.",
        "Better equipment for remote people would help.",
    ],
    keywords: REMOTE_WORK.keywords,
};

const POSITIVE_OPENERS: &[&str] = &["Proud to work here.", "Really enjoy working here."];
const NEGATIVE_OPENERS: &[&str] = &["Morale is low.", "Honestly, it's getting harder to stay."];
const MIXED_OPENERS: &[&str] = &[
    "It's a good place to work overall.",
    "Mostly positive.",
    "Some good, some bad.",
];
const NEGATIVE_CLOSERS: &[&str] = &[
    "I'm starting to look elsewhere.",
    "Something has to change.",
];

impl Theme {
    /// The sentences of the theme; remote work is talked about differently once office days
    /// became mandatory.
    pub fn phrases(self, after_return_to_office: bool) -> &'static Phrases {
        match self {
            Theme::Culture => &CULTURE,
            Theme::Management => &MANAGEMENT,
            Theme::Pay => &PAY,
            Theme::Growth => &GROWTH,
            Theme::Workload => &WORKLOAD,
            Theme::RemoteWork if after_return_to_office => &RETURN_TO_OFFICE,
            Theme::RemoteWork => &REMOTE_WORK,
        }
    }
}

/// How much more than usual each theme is on employees' minds at a given moment.
pub(crate) type Emphasis = [f64; 6];

/// Writes the comment of an employee in `category`.
pub(crate) fn write(
    rng: &mut SmallRng,
    category: Category,
    emphasis: &Emphasis,
    after_return_to_office: bool,
) -> (Theme, Tone, String) {
    let base = match category {
        Category::Promoter => &PROMOTER_THEMES,
        Category::Passive => &PASSIVE_THEMES,
        Category::Detractor => &DETRACTOR_THEMES,
    };
    let weights: [u32; 6] =
        std::array::from_fn(|slot| (base[slot] * emphasis[slot] * 100.0) as u32);
    let theme = THEMES[weighted_index(rng, &weights)];
    let phrases = theme.phrases(after_return_to_office);
    let mut writer = Writer::new(rng, |_| None);
    let tone = match category {
        Category::Promoter => {
            writer.maybe(0.15, POSITIVE_OPENERS);
            writer.sentence(phrases.positive);
            if chance(writer.rng(), 0.2) {
                writer.another(phrases.positive);
            }
            Tone::Positive
        }
        Category::Passive => {
            writer.maybe(0.5, MIXED_OPENERS);
            writer.sentence(phrases.suggestion);
            Tone::Mixed
        }
        Category::Detractor => {
            writer.maybe(0.15, NEGATIVE_OPENERS);
            writer.sentence(phrases.negative);
            if chance(writer.rng(), 0.3) {
                writer.another(phrases.negative);
            }
            writer.maybe(0.15, NEGATIVE_CLOSERS);
            Tone::Negative
        }
    };
    (theme, tone, writer.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sentence_speaks_the_vocabulary_of_its_theme() {
        for theme in THEMES {
            for after in [false, true] {
                let phrases = theme.phrases(after);
                for sentence in phrases.sentences() {
                    assert!(phrases.speaks_of(sentence), "{theme:?}: {sentence}");
                }
            }
        }
    }

    #[test]
    fn no_sentence_has_a_slot() {
        for theme in THEMES {
            assert!(theme.phrases(true).sentences().all(|s| !s.contains('{')));
            assert!(theme.phrases(false).sentences().all(|s| !s.contains('{')));
        }
    }
}
