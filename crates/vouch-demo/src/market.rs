//! The market the demo company sells to: its plans, the countries and industries of its
//! customers, and how common each is.

use rand::rngs::SmallRng;

use crate::names::Language;
use crate::random::log_normal;

/// A subscription plan, from the free tier to negotiated enterprise contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    Free,
    Starter,
    Pro,
    Business,
    Enterprise,
}

/// Every plan, in the order of [`PLAN_WEIGHTS`].
pub(crate) const PLANS: [Plan; 5] = [
    Plan::Free,
    Plan::Starter,
    Plan::Pro,
    Plan::Business,
    Plan::Enterprise,
];

/// How common each plan is among customers: most are small.
pub(crate) const PLAN_WEIGHTS: [u32; 5] = [34, 28, 22, 11, 5];

impl Plan {
    /// The `plan` attribute's value.
    pub fn name(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Starter => "starter",
            Plan::Pro => "pro",
            Plan::Business => "business",
            Plan::Enterprise => "enterprise",
        }
    }

    /// The average latent score of the plan's customers before the story's events.
    pub fn base_score(self) -> f64 {
        match self {
            Plan::Free => 8.1,
            Plan::Starter => 8.5,
            Plan::Pro => 8.8,
            Plan::Business => 9.0,
            Plan::Enterprise => 8.7,
        }
    }

    /// How much the price change one year in hurts the plan's customers, in score points.
    pub fn price_change_hit(self) -> f64 {
        match self {
            Plan::Free => 0.8,
            Plan::Starter => 1.8,
            Plan::Pro => 1.5,
            Plan::Business => 0.5,
            Plan::Enterprise => 0.3,
        }
    }

    /// Relative yearly churn: free accounts come and go, enterprise contracts stay.
    pub fn churn_factor(self) -> f64 {
        match self {
            Plan::Free => 2.2,
            Plan::Starter => 1.4,
            Plan::Pro => 1.0,
            Plan::Business => 0.7,
            Plan::Enterprise => 0.45,
        }
    }

    /// How answers arrive, as weights for [`crate::CHANNELS`] (email, link, widget): small
    /// accounts answer in the product, large ones by email.
    pub fn channel_weights(self) -> [u32; 3] {
        match self {
            Plan::Free => [30, 15, 55],
            Plan::Starter => [42, 15, 43],
            Plan::Pro => [50, 15, 35],
            Plan::Business => [60, 15, 25],
            Plan::Enterprise => [70, 18, 12],
        }
    }

    /// Seats on the account: log-normal around a plan's typical team size, within its limits.
    pub fn draw_seats(self, rng: &mut SmallRng) -> f64 {
        let (median, spread, low, high) = match self {
            Plan::Free => (1.5, 0.5, 1.0, 3.0),
            Plan::Starter => (4.0, 0.5, 1.0, 10.0),
            Plan::Pro => (15.0, 0.6, 3.0, 60.0),
            Plan::Business => (60.0, 0.7, 10.0, 400.0),
            Plan::Enterprise => (300.0, 0.9, 50.0, 5_000.0),
        };
        log_normal(rng, median, spread)
            .round_ties_even()
            .clamp(low, high)
    }

    /// List price per seat per month, in dollars.
    pub fn seat_price(self) -> f64 {
        match self {
            Plan::Free => 0.0,
            Plan::Starter => 15.0,
            Plan::Pro => 29.0,
            Plan::Business => 45.0,
            Plan::Enterprise => 38.0,
        }
    }
}

/// A country customers come from: how common it is, the language spoken, and its rough UTC
/// offset (for the hour people answer at).
pub(crate) struct Country {
    pub code: &'static str,
    weight: u32,
    pub language: Language,
    /// A second language and the percentage of customers who use it.
    pub other_language: Option<(Language, u32)>,
    pub utc_offset_hours: i64,
}

const fn country(code: &'static str, weight: u32, language: Language, offset: i64) -> Country {
    Country {
        code,
        weight,
        language,
        other_language: None,
        utc_offset_hours: offset,
    }
}

const fn bilingual(
    code: &'static str,
    weight: u32,
    languages: (Language, Language, u32),
    offset: i64,
) -> Country {
    Country {
        code,
        weight,
        language: languages.0,
        other_language: Some((languages.1, languages.2)),
        utc_offset_hours: offset,
    }
}

pub(crate) const COUNTRIES: [Country; 16] = [
    country("US", 300, Language::English, -5),
    country("GB", 100, Language::English, 0),
    country("DE", 90, Language::German, 1),
    country("FR", 80, Language::French, 1),
    bilingual("CA", 60, (Language::English, Language::French, 22), -5),
    country("ES", 40, Language::Spanish, 1),
    country("NL", 40, Language::English, 1),
    country("AU", 40, Language::English, 10),
    country("IN", 40, Language::English, 5),
    country("MX", 30, Language::Spanish, -6),
    country("BR", 25, Language::English, -3),
    country("IE", 20, Language::English, 0),
    bilingual("CH", 20, (Language::German, Language::French, 30), 1),
    bilingual("BE", 20, (Language::French, Language::English, 35), 1),
    country("AT", 15, Language::German, 1),
    country("SE", 15, Language::English, 1),
];

/// How common each country is, in the order of [`COUNTRIES`].
pub(crate) const COUNTRY_WEIGHTS: [u32; 16] = {
    let mut weights = [0; 16];
    let mut slot = 0;
    while slot < weights.len() {
        weights[slot] = COUNTRIES[slot].weight;
        slot += 1;
    }
    weights
};

/// Industries with how common they are and how much they like the product, in score points.
pub(crate) const INDUSTRIES: [(&str, u32, f64); 10] = [
    ("saas", 26, 0.3),
    ("ecommerce", 18, 0.1),
    ("fintech", 10, -0.3),
    ("agency", 10, 0.4),
    ("healthcare", 7, -0.5),
    ("education", 7, 0.2),
    ("media", 7, 0.0),
    ("manufacturing", 6, -0.4),
    ("logistics", 5, -0.2),
    ("nonprofit", 4, 0.3),
];

/// How common each industry is, in the order of [`INDUSTRIES`].
pub(crate) const INDUSTRY_WEIGHTS: [u32; 10] = {
    let mut weights = [0; 10];
    let mut slot = 0;
    while slot < weights.len() {
        weights[slot] = INDUSTRIES[slot].1;
        slot += 1;
    }
    weights
};
