//! Realistic demo data for Vouch: the customer NPS and employee eNPS answers of
//! [`COMPANY_NAME`], a made-up B2B analytics SaaS.
//!
//! Everything is a pure function of a [`DemoConfig`]: the same seed gives the same rows, with
//! no I/O and no clock. Answers come out as streams of [`NewResponse`] in time order, holding
//! only a couple of weeks of answers in memory, so the same generator fills a demo database
//! with a few thousand answers or feeds a benchmark with millions.
//!
//! The data tells a story a dashboard can show: volume grows as the company signs up more
//! customers; an outage dents the score a little over a quarter of the way in; a price increase
//! halfway through (one year into the default two) causes a sharp dip, mostly on the starter
//! and pro plans, that heals over a few months; a new onboarding flow later lifts the scores of
//! new customers. Comments follow the score: detractors write about pricing, bugs, slowness and
//! support; promoters praise the product, its ease of use and the support team. On the employee
//! side, a return-to-office mandate weighs on everyone outside the remote team, and one
//! department is so small that its eNPS is always suppressed.
//!
//! ```
//! use vouch_demo::{DemoConfig, customer_responses, employee_responses};
//! use vouch_store::SurveyId;
//!
//! let config = DemoConfig { customers: 300, employees: 40, ..DemoConfig::default() };
//! let customers: Vec<_> = customer_responses(&config, SurveyId(1)).collect();
//! assert!(customers.len() > 100);
//! assert!(customers.windows(2).all(|pair| pair[0].created_at <= pair[1].created_at));
//! // Employees are anonymous: an opaque id, never an email address.
//! assert!(employee_responses(&config, SurveyId(2)).all(|response| response.contact.email.is_none()));
//! ```
//!
//! Email addresses use the reserved `.example` top-level domain, so a demo database can never
//! email anyone.

mod comment;
mod customer;
mod customer_feedback;
mod customer_phrases;
mod customer_stream;
mod employee;
mod employee_feedback;
mod market;
mod names;
mod random;
mod timeline;

use jiff::Timestamp;
use vouch_core::SurveyKind;
use vouch_store::{NewResponse, NewSurvey, SurveyId};

use crate::customer_stream::CustomerAnswers;
use crate::employee::EmployeeAnswers;

/// The demo company: a B2B product-analytics SaaS.
pub const COMPANY_NAME: &str = "Acme Analytics";

/// The name of the demo's customer NPS survey.
pub const CUSTOMER_SURVEY_NAME: &str = "Customer NPS";

/// The name of the demo's employee eNPS survey.
pub const EMPLOYEE_SURVEY_NAME: &str = "Employee eNPS";

/// The "why?" asked of customers after their score: Vouch's default follow-up.
pub const CUSTOMER_FOLLOW_UP: &str = vouch_core::survey::DEFAULT_FOLLOW_UP;

/// The "why?" asked of employees after their score.
pub const EMPLOYEE_FOLLOW_UP: &str =
    "What is the main reason for your score? Your answer is anonymous.";

/// The channels demo answers arrive by.
pub const CHANNELS: [&str; 3] = ["email", "link", "widget"];

/// The end of the demo period of [`DemoConfig::default`]: 2026-10-01T00:00:00Z. A fixed date
/// keeps tests and benchmarks the same from one day to the next; `vouch demo` ends its data
/// at the current time ([`DemoConfig::ending_at`]).
pub const DEFAULT_END: Timestamp = Timestamp::constant(1_790_812_800, 0);

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoConfig {
    /// Everything random is drawn from this: the same seed gives the same rows.
    pub seed: u64,
    /// The size of the customer base (each customer is one contact). Customers who never
    /// answer do not appear in the output, and some sign up too late to be surveyed.
    pub customers: usize,
    /// How many people work at the company over the period, leavers and new hires included.
    pub employees: usize,
    /// No answer is given at or after this instant.
    pub end: Timestamp,
    /// How many calendar years (UTC) before `end` the period starts.
    pub years: u32,
}

impl Default for DemoConfig {
    /// 3 000 customers and 250 employees over the two years before [`DEFAULT_END`].
    fn default() -> Self {
        DemoConfig {
            seed: 42,
            customers: 3_000,
            employees: 250,
            end: DEFAULT_END,
            years: 2,
        }
    }
}

impl DemoConfig {
    /// The default demo, ending at `end` (for instance the current time).
    pub fn ending_at(end: Timestamp) -> DemoConfig {
        DemoConfig {
            end,
            ..DemoConfig::default()
        }
    }
}

/// The customer survey's question: "How likely are you to recommend Acme Analytics…".
pub fn customer_question() -> String {
    SurveyKind::Nps.default_question(Some(COMPANY_NAME))
}

/// The employee survey's question: "How likely are you to recommend working at Acme…".
pub fn employee_question() -> String {
    SurveyKind::Enps.default_question(Some(COMPANY_NAME))
}

/// The demo's customer NPS survey, ready to create.
pub fn customer_survey() -> NewSurvey {
    NewSurvey {
        slug: None,
        settings: Default::default(),
        name: CUSTOMER_SURVEY_NAME.to_owned(),
        kind: SurveyKind::Nps,
        question: customer_question(),
        follow_up: CUSTOMER_FOLLOW_UP.to_owned(),
    }
}

/// The demo's employee eNPS survey, ready to create.
pub fn employee_survey() -> NewSurvey {
    NewSurvey {
        slug: None,
        settings: Default::default(),
        name: EMPLOYEE_SURVEY_NAME.to_owned(),
        kind: SurveyKind::Enps,
        question: employee_question(),
        follow_up: EMPLOYEE_FOLLOW_UP.to_owned(),
    }
}

/// The customers' answers to `survey`, in order of `created_at`.
///
/// Each customer (external id `cus_000123`, an email under `.example`) is surveyed every 91
/// days from three weeks after signing up until they leave, and answers with a probability
/// of their own. Attributes: `plan`, `country` (ISO 3166 code), `industry`, `language`
/// (`en`, `fr`, `de`, `es`) as strings; `mrr` and `seats` as numbers; `signup_date` as a date.
/// About 60 % of answers have a comment. Channels are `email`, `link` and `widget`.
pub fn customer_responses(
    config: &DemoConfig,
    survey: SurveyId,
) -> impl Iterator<Item = NewResponse> + use<> {
    CustomerAnswers::new(config, survey).map(|answer| answer.response)
}

/// The employees' answers to `survey`'s quarterly pulse, in order of `created_at`.
///
/// Each employee is known only by an external id (`emp_0042`), with no email. Attributes:
/// `department` and `location` as strings, `tenure_years` as a number (one decimal). Channels
/// are `email` and `link`.
pub fn employee_responses(
    config: &DemoConfig,
    survey: SurveyId,
) -> impl Iterator<Item = NewResponse> + use<> {
    EmployeeAnswers::new(config, survey).map(|answer| answer.response)
}

#[cfg(test)]
mod tests;
