//! Customer answers as a stream in time order.
//!
//! Customer `i` is surveyed on every day `d` with `d ≡ i (mod 91)`, from three weeks after
//! signing up until they leave. The stream walks the survey days in order; on each it visits
//! the customers due that day (every 91st index), decides who answers and when, and files
//! each answer under the day it is given. Since an answer never comes before its survey day,
//! once day `d` is scheduled every answer given on `d` is known: that day is sorted and handed
//! out. Memory is therefore bounded by about two weeks of answers, whatever the number of
//! customers.

use std::cmp::Reverse;

use rand::Rng;
use rand::rngs::SmallRng;
use vouch_core::{Category, Score};
use vouch_store::{NewResponse, SurveyId};

use crate::comment::Tone;
use crate::customer::{CustomerBase, Lifecycle, complete_profile};
use crate::customer_feedback::{Moment, Theme, write};
use crate::market::Plan;
use crate::random::{Purpose, chance, key, mix, normal, rng_for, unit, units_of, weighted_index};
use crate::timeline::{DAY, Window, day_of, next_working_day, timestamp};
use crate::{CHANNELS, DemoConfig};

/// Days between two surveys of the same customer: thirteen weeks, so a customer is always
/// surveyed on the same weekday and two surveys are never closer than the default 90-day
/// throttle window.
pub(crate) const CYCLE_DAYS: i64 = 91;

/// The most days an answer can come after its survey day: a weekend, then up to nine days of
/// letting the email sit.
const LATEST_ANSWER_DAYS: i64 = 11;

/// How many days of answers are kept at once: every day an answer can still be given on.
const DAYS_KEPT: usize = LATEST_ANSWER_DAYS as usize + 1;

/// One answer as a stream produces it, with what its comment is about (for tests).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub response: NewResponse,
    pub feedback: Option<(Theme, Tone)>,
}

/// An answer whose time is known but whose content is not drawn yet.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Draft {
    at: i64,
    survey_day: i64,
    lifecycle: Lifecycle,
}

impl Draft {
    /// What answers are ordered by; a customer never answers twice in the same second, so no
    /// two answers tie.
    fn order(&self) -> (i64, u64) {
        (self.at, self.lifecycle.index)
    }
}

/// The customer answers of a demo, in time order.
pub(crate) struct CustomerAnswers {
    seed: u64,
    customers: CustomerBase,
    /// Mixed into the hash that decides whether a customer answers a survey.
    invite_key: u64,
    survey: SurveyId,
    window: Window,
    story: Story,
    next_survey_day: i64,
    last_survey_day: i64,
    /// Answers scheduled but not handed out, by the day they are given (modulo `DAYS_KEPT`).
    days: [Vec<Draft>; DAYS_KEPT],
    /// The answers of the day being handed out, latest first.
    ready: Vec<Draft>,
}

impl CustomerAnswers {
    /// The answers of the configured customers to `survey`.
    pub fn new(config: &DemoConfig, survey: SurveyId) -> Self {
        let window = Window::of(config);
        CustomerAnswers {
            seed: config.seed,
            customers: CustomerBase::new(config.seed, config.customers as u64, window),
            invite_key: key(config.seed, Purpose::CustomerInvite),
            survey,
            window,
            story: Story::of(window),
            next_survey_day: day_of(window.start) - LATEST_ANSWER_DAYS,
            last_survey_day: day_of(window.end - 1),
            days: std::array::from_fn(|_| Vec::new()),
            ready: Vec::new(),
        }
    }

    /// Decides who answers the survey of `day`, and when.
    fn schedule(&mut self, day: i64) {
        let first = day.rem_euclid(CYCLE_DAYS) as u64;
        let settled = self.customers.settled_before(day);
        for customer in (first..settled).step_by(CYCLE_DAYS as usize) {
            // The cheap checks first: most customers are skipped before anything costly.
            let arrival = self.customers.arrival(customer);
            if !arrival.is_settled_on(day) {
                continue;
            }
            let (answers, _) = units_of(mix(self.invite_key, customer, day as u64));
            if answers >= arrival.answer_rate {
                continue;
            }
            let mut rng = rng_for(self.seed, Purpose::CustomerInvite, customer, day as u64);
            let lifecycle = arrival.lifecycle();
            if !lifecycle.is_surveyed_on(day) {
                continue;
            }
            let at = answer_time(&mut rng, day, &lifecycle);
            if self.window.contains(at) {
                let slot = day_of(at).rem_euclid(DAYS_KEPT as i64) as usize;
                self.days[slot].push(Draft {
                    at,
                    survey_day: day,
                    lifecycle,
                });
            }
        }
    }

    /// Draws the score, comment and channel of an answer.
    fn answer(&self, draft: Draft) -> Answer {
        let customer = complete_profile(self.seed, draft.lifecycle);
        let lifecycle = &customer.lifecycle;
        let mut rng = rng_for(
            self.seed,
            Purpose::CustomerAnswer,
            lifecycle.index,
            draft.survey_day as u64,
        );
        let tenure_days = day_of(draft.at) - lifecycle.signup_day;
        let leaning = lifecycle.plan.base_score()
            + customer.industry_leaning()
            + lifecycle.disposition
            + self.story.drift(draft.at, lifecycle.plan, tenure_days);
        let score = score_around(&mut rng, leaning);
        let category = score.category();
        let comment_rate = match category {
            Category::Promoter => 0.6,
            Category::Passive => 0.55,
            Category::Detractor => 0.78,
        };
        let feedback = chance(&mut rng, comment_rate).then(|| {
            write(
                &mut rng,
                category,
                &self.story.moment(draft.at, tenure_days),
            )
        });
        let channel = CHANNELS[weighted_index(&mut rng, &lifecycle.plan.channel_weights())];
        let about = feedback
            .as_ref()
            .map(|feedback| (feedback.theme, feedback.tone));
        Answer {
            response: NewResponse {
                survey: self.survey,
                contact: customer.contact_key(),
                attributes: customer.attributes(),
                score,
                comment: feedback.map(|feedback| feedback.text),
                created_at: timestamp(draft.at),
                channel: channel.to_owned(),
            },
            feedback: about,
        }
    }
}

impl Iterator for CustomerAnswers {
    type Item = Answer;

    fn next(&mut self) -> Option<Answer> {
        loop {
            if let Some(draft) = self.ready.pop() {
                return Some(self.answer(draft));
            }
            if self.next_survey_day > self.last_survey_day {
                return None;
            }
            let day = self.next_survey_day;
            self.schedule(day);
            self.next_survey_day += 1;
            // No later survey day produces an answer on `day`: its answers are complete.
            let slot = day.rem_euclid(DAYS_KEPT as i64) as usize;
            std::mem::swap(&mut self.ready, &mut self.days[slot]);
            self.ready
                .sort_unstable_by_key(|draft| Reverse(draft.order()));
        }
    }
}

/// When a customer surveyed on `day` answers: surveys go out on working days; half answer the
/// same day, the rest over the next week and a half, mostly in their working hours.
fn answer_time(rng: &mut SmallRng, day: i64, lifecycle: &Lifecycle) -> i64 {
    let sent = next_working_day(day);
    let roll = unit(rng);
    let delay = if roll < 0.5 {
        0
    } else if roll < 0.7 {
        1
    } else if roll < 0.8 {
        2
    } else {
        rng.random_range(3..=9)
    };
    let hour = if chance(rng, 0.88) {
        8.0 + 11.0 * unit(rng)
    } else {
        19.0 + 4.5 * unit(rng)
    };
    let local_second = (hour * 3_600.0) as i64;
    let second_of_day = (local_second - lifecycle.utc_offset_hours() * 3_600).rem_euclid(DAY);
    (sent + delay) * DAY + second_of_day
}

/// A whole score near `leaning`: people differ from one answer to the next.
///
/// Some people answer in anger with the lowest scores whatever their usual leaning, more so
/// the lower it is; that gives real NPS data its tail of zeros and ones.
pub(crate) fn score_around(rng: &mut SmallRng, leaning: f64) -> Score {
    let fury = 0.015 + 0.1 / (1.0 + (leaning - 6.0).exp());
    let value = if chance(rng, fury) {
        rng.random_range(0..=4)
    } else {
        (leaning + 1.3 * normal(rng))
            .round_ties_even()
            .clamp(0.0, 10.0) as i64
    };
    Score::new(value).expect("a value within 0–10 is a score")
}

/// What happens to the company over the window, so the trend chart tells a story:
/// an outage a little over a quarter of the way in, a price increase halfway (one year into the
/// default two), and a new onboarding flow about three quarters of the way in. Beneath it all,
/// the product slowly gets better.
#[derive(Debug, Clone, Copy)]
struct Story {
    window: Window,
    outage: i64,
    price_change: i64,
    new_onboarding: i64,
}

/// How long the outage weighs on scores.
const OUTAGE_MEMORY: i64 = 35 * DAY;
/// Customers this new at the time of an answer feel the onboarding.
const NEW_CUSTOMER_DAYS: i64 = 180;

impl Story {
    fn of(window: Window) -> Story {
        Story {
            window,
            outage: window.at(0.28),
            price_change: window.at(0.5),
            new_onboarding: window.at(0.72),
        }
    }

    /// How many score points the moment adds to (or takes from) a customer's leaning.
    fn drift(&self, at: i64, plan: Plan, tenure_days: i64) -> f64 {
        let progress = (at - self.window.start) as f64 / self.window.length().max(1) as f64;
        let mut drift = 0.5 * progress - 0.2;
        if self.outage <= at && at < self.outage + OUTAGE_MEMORY {
            drift -= 1.3 * (1.0 - (at - self.outage) as f64 / OUTAGE_MEMORY as f64);
        }
        if self.price_change <= at {
            let days = (at - self.price_change) as f64 / DAY as f64;
            // A sharp drop, then most of it forgiven over a few months.
            drift -= plan.price_change_hit() * (0.25 + 0.75 * (-days / 150.0).exp());
        }
        if tenure_days < NEW_CUSTOMER_DAYS {
            let settled = ((at - self.new_onboarding) as f64 / (30 * DAY) as f64).clamp(0.0, 1.0);
            drift += -0.6 + 1.1 * settled;
        }
        drift
    }

    /// What is on customers' minds at the moment.
    fn moment(&self, at: i64, tenure_days: i64) -> Moment {
        let mut moment = Moment::default();
        moment.after_price_change = self.price_change <= at;
        moment.after_new_onboarding = self.new_onboarding <= at;
        if self.outage <= at && at < self.outage + OUTAGE_MEMORY + 10 * DAY {
            moment.boost(Theme::Reliability, 4.0);
        }
        if self.price_change <= at {
            let days = (at - self.price_change) as f64 / DAY as f64;
            moment.boost(Theme::Pricing, 1.5 + 3.0 * (-days / 90.0).exp());
        }
        if tenure_days < NEW_CUSTOMER_DAYS {
            moment.boost(Theme::Onboarding, 2.5);
        }
        moment
    }
}
