//! The demo company's customers: who they are, when they signed up and left, and their
//! attributes.
//!
//! A customer is a pure function of the seed and its index, drawn in three stages so the stream
//! pays only for what it needs: the [`Arrival`] (signup day, keenness on surveys) for every
//! customer on every survey day, the [`Lifecycle`] (plan, country, when they leave) for those
//! who may answer, and the whole [`Profile`] for those who do.

use vouch_core::AttributeValue;
use vouch_store::{Attributes, ContactKey};

use crate::market::{
    COUNTRIES, COUNTRY_WEIGHTS, INDUSTRIES, INDUSTRY_WEIGHTS, PLAN_WEIGHTS, PLANS, Plan,
};
use crate::names::{Language, push_company_domain, push_padded};
use crate::random::{
    Purpose, chance, exponential, key, log_normal, mix, normal, one_of, rng_for, units_of,
    weighted_index,
};
use crate::timeline::{DAY, Window, date, day_of};

/// Days between signing up and the first survey: new customers are left to settle in.
pub(crate) const FIRST_SURVEY_AFTER_DAYS: i64 = 21;

/// What decides whether and how a customer is surveyed: drawn for those who may answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Lifecycle {
    /// Which customer this is.
    pub index: u64,
    pub signup_day: i64,
    /// The first day the customer is no longer a customer.
    pub churn_day: i64,
    pub answer_rate: f64,
    /// How much more (or less) than their peers this customer likes the product.
    pub disposition: f64,
    pub plan: Plan,
    /// An index into the country table.
    country: usize,
}

impl Lifecycle {
    /// Whether the customer is surveyed on `day`.
    pub fn is_surveyed_on(&self, day: i64) -> bool {
        self.signup_day + FIRST_SURVEY_AFTER_DAYS <= day && day < self.churn_day
    }

    /// The customer's rough UTC offset in hours, for the hour they answer at.
    pub fn utc_offset_hours(&self) -> i64 {
        COUNTRIES[self.country].utc_offset_hours
    }
}

/// Everything about a customer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Profile {
    pub lifecycle: Lifecycle,
    industry: usize,
    pub language: Language,
    seats: f64,
    mrr: f64,
    first_name: &'static str,
    last_name: &'static str,
}

/// The customer base: `count` customers, numbered in the order they signed up, as real
/// customer ids are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CustomerBase {
    seed: u64,
    count: u64,
    window: Window,
    /// Mixed with a customer's index into the hash their arrival is drawn from.
    arrival_key: u64,
}

/// The share of customers who had signed up before the window.
const EARLIER_CUSTOMERS: f64 = 0.34;

/// How long before the window the earliest customers signed up, in seconds.
const EARLIER_SPAN: f64 = 3.0 * 365.25 * DAY as f64;

impl CustomerBase {
    /// The `count` customers of the demo seeded with `seed`.
    pub fn new(seed: u64, count: u64, window: Window) -> CustomerBase {
        CustomerBase {
            seed,
            count,
            window,
            arrival_key: key(seed, Purpose::Customer),
        }
    }

    /// The arrival of customer `index`: drawn from a single hash, because the stream checks
    /// it for every customer on every survey day.
    pub fn arrival(&self, index: u64) -> Arrival {
        let (jitter, keenness) = units_of(mix(self.arrival_key, index, 0));
        let share = (index as f64 + jitter) / self.count as f64;
        Arrival {
            seed: self.seed,
            index,
            signup_day: day_of(self.signup_second(share) as i64),
            // Most people ignore most surveys; a few answer nearly every time.
            answer_rate: 0.08 + 0.55 * keenness * keenness.sqrt(),
        }
    }

    /// An index that no customer settled in by `day` reaches (see [`Arrival::is_settled_on`]):
    /// since customers are numbered in signup order, the rest need not be looked at.
    pub fn settled_before(&self, day: i64) -> u64 {
        let latest_signup = ((day - FIRST_SURVEY_AFTER_DAYS + 1) * DAY) as f64;
        let share = self.signup_share(latest_signup);
        ((share * self.count as f64).floor() as u64)
            .saturating_add(2)
            .min(self.count)
    }

    /// When the customer at `share` of the signup order (0 the first, 1 the last) signed up.
    ///
    /// A third of the customers signed up evenly over the three years before the window; the
    /// rest during it, at a rate that grows steadily to three times its starting value, so
    /// answer volume grows.
    fn signup_second(&self, share: f64) -> f64 {
        let start = self.window.start as f64;
        if share < EARLIER_CUSTOMERS {
            start - EARLIER_SPAN + share / EARLIER_CUSTOMERS * EARLIER_SPAN
        } else {
            // The inverse of the distribution whose density rises linearly from 1 to 3 over
            // the window: F(x) = (x + x²) / 2.
            let during = (share - EARLIER_CUSTOMERS) / (1.0 - EARLIER_CUSTOMERS);
            let elapsed = ((1.0 + 8.0 * during).sqrt() - 1.0) / 2.0;
            start + elapsed * self.window.length() as f64
        }
    }

    /// The share of customers who signed up before `second` (the inverse of `signup_second`).
    fn signup_share(&self, second: f64) -> f64 {
        let start = self.window.start as f64;
        if second < start {
            let elapsed = (second - (start - EARLIER_SPAN)) / EARLIER_SPAN;
            EARLIER_CUSTOMERS * elapsed.max(0.0)
        } else {
            let elapsed = ((second - start) / self.window.length().max(1) as f64).min(1.0);
            EARLIER_CUSTOMERS + (1.0 - EARLIER_CUSTOMERS) * (elapsed + elapsed * elapsed) / 2.0
        }
    }

    /// The lifecycle of customer `index`.
    #[cfg(test)]
    pub fn lifecycle(&self, index: u64) -> Lifecycle {
        self.arrival(index).lifecycle()
    }

    /// Everything about customer `index`.
    #[cfg(test)]
    pub fn profile(&self, index: u64) -> Profile {
        complete_profile(self.seed, self.lifecycle(index))
    }
}

/// The start of a customer's profile: when they signed up and how keen they are on surveys.
/// The rest of the lifecycle is drawn only for those who answer.
pub(crate) struct Arrival {
    seed: u64,
    index: u64,
    pub signup_day: i64,
    /// The chance they answer a given survey.
    pub answer_rate: f64,
}

impl Arrival {
    /// Whether the customer has been around long enough to be surveyed on `day`.
    pub fn is_settled_on(&self, day: i64) -> bool {
        self.signup_day + FIRST_SURVEY_AFTER_DAYS <= day
    }

    /// The whole lifecycle.
    pub fn lifecycle(self) -> Lifecycle {
        let mut rng = rng_for(self.seed, Purpose::Customer, self.index, 1);
        let plan = PLANS[weighted_index(&mut rng, &PLAN_WEIGHTS)];
        let country = weighted_index(&mut rng, &COUNTRY_WEIGHTS);
        let disposition = 1.2 * normal(&mut rng);
        // Unhappy customers leave sooner: the mean lifetime is e^(0.45 × disposition) times
        // the plan's.
        let mean_lifetime_days = 365.25 / (0.12 * plan.churn_factor()) * (0.45 * disposition).exp();
        let lifetime_days = exponential(&mut rng, mean_lifetime_days);
        Lifecycle {
            index: self.index,
            signup_day: self.signup_day,
            churn_day: self
                .signup_day
                .saturating_add(lifetime_days.min(1e9) as i64),
            answer_rate: self.answer_rate,
            disposition,
            plan,
            country,
        }
    }
}

/// Everything about the customer whose lifecycle is known.
pub(crate) fn complete_profile(seed: u64, lifecycle: Lifecycle) -> Profile {
    let mut rng = rng_for(seed, Purpose::Customer, lifecycle.index, 2);
    let country = &COUNTRIES[lifecycle.country];
    let language = match country.other_language {
        Some((other, percent)) if chance(&mut rng, f64::from(percent) / 100.0) => other,
        _ => country.language,
    };
    let industry = weighted_index(&mut rng, &INDUSTRY_WEIGHTS);
    let plan = lifecycle.plan;
    let seats = plan.draw_seats(&mut rng);
    let mrr = (plan.seat_price() * seats * log_normal(&mut rng, 1.0, 0.15)).round_ties_even();
    // Names follow the language the customer works in.
    let first_name = one_of(&mut rng, language.first_names());
    let last_name = one_of(&mut rng, language.last_names());
    Profile {
        lifecycle,
        industry,
        language,
        seats,
        mrr,
        first_name,
        last_name,
    }
}

impl Profile {
    /// How much the customer's industry likes the product, in score points.
    pub fn industry_leaning(&self) -> f64 {
        INDUSTRIES[self.industry].2
    }

    /// The external id (`cus_000123`) and email address.
    pub fn contact_key(&self) -> ContactKey {
        let mut email = String::with_capacity(64);
        email.push_str(self.first_name);
        email.push('.');
        email.push_str(self.last_name);
        email.push('@');
        push_company_domain(&mut email, self.lifecycle.index);
        let mut external_id = String::with_capacity(12);
        external_id.push_str("cus_");
        push_padded(&mut external_id, self.lifecycle.index + 1, 6);
        ContactKey {
            external_id: Some(external_id),
            email: Some(email),
        }
    }

    /// The attributes a dashboard filters on.
    pub fn attributes(&self) -> Attributes {
        let text = |value: &str| AttributeValue::String(value.to_owned());
        Attributes::from([
            (
                "country".to_owned(),
                text(COUNTRIES[self.lifecycle.country].code),
            ),
            ("industry".to_owned(), text(INDUSTRIES[self.industry].0)),
            ("language".to_owned(), text(self.language.code())),
            ("mrr".to_owned(), AttributeValue::Number(self.mrr)),
            ("plan".to_owned(), text(self.lifecycle.plan.name())),
            ("seats".to_owned(), AttributeValue::Number(self.seats)),
            (
                "signup_date".to_owned(),
                AttributeValue::Date(date(self.lifecycle.signup_day)),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DemoConfig;

    fn base(seed: u64, count: u64) -> CustomerBase {
        CustomerBase::new(seed, count, Window::of(&DemoConfig::default()))
    }

    #[test]
    fn customers_are_numbered_in_signup_order() {
        let customers = base(9, 5_000);
        let signups: Vec<i64> = (0..5_000)
            .map(|index| customers.arrival(index).signup_day)
            .collect();
        assert!(signups.windows(2).all(|pair| pair[0] <= pair[1]));
        let window = Window::of(&DemoConfig::default());
        assert!(signups[0] < day_of(window.start) - 3 * 365 + 5);
        assert!(signups[4_999] >= day_of(window.end) - 2);
    }

    #[test]
    fn no_customer_past_the_bound_is_settled() {
        let customers = base(4, 3_000);
        let window = Window::of(&DemoConfig::default());
        for day in (day_of(window.start) - 1_200..day_of(window.end)).step_by(7) {
            let bound = customers.settled_before(day);
            assert!((bound..3_000).all(|index| !customers.arrival(index).is_settled_on(day)));
            assert!(bound < 3 || bound >= 3_000 || customers.arrival(bound - 3).is_settled_on(day));
        }
    }

    #[test]
    fn plans_are_skewed_towards_small_accounts() {
        let customers = base(1, 20_000);
        let mut counts = [0u32; 5];
        for index in 0..20_000 {
            let plan = customers.lifecycle(index).plan;
            counts[PLANS.iter().position(|&p| p == plan).unwrap_or(0)] += 1;
        }
        assert!(
            counts.windows(2).all(|pair| pair[0] > pair[1]),
            "{counts:?}"
        );
    }

    #[test]
    fn revenue_grows_with_the_plan() {
        let customers = base(3, 20_000);
        let mut total = [(0.0, 0u32); 5];
        for index in 0..20_000 {
            let customer = customers.profile(index);
            let slot = PLANS
                .iter()
                .position(|&p| p == customer.lifecycle.plan)
                .unwrap_or(0);
            total[slot].0 += customer.mrr;
            total[slot].1 += 1;
        }
        let means: Vec<f64> = total.iter().map(|(sum, n)| sum / f64::from(*n)).collect();
        assert_eq!(means[0], 0.0);
        assert!(means.windows(2).all(|pair| pair[0] < pair[1]), "{means:?}");
    }
}
