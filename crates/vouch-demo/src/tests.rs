//! Tests of the two streams as a whole: what a dashboard built on them would see.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use jiff::tz::TimeZone;
use vouch_core::{ANONYMITY_MIN_RESPONSES, AttributeValue, Category, SurveyKind};

use super::*;
use crate::comment::Tone;
use crate::customer_phrases::PRICING;
use crate::customer_stream::CustomerAnswers;
use crate::employee::EmployeeAnswers;
use crate::timeline::{DAY, Window};

fn config(customers: usize, employees: usize) -> DemoConfig {
    DemoConfig {
        customers,
        employees,
        ..DemoConfig::default()
    }
}

fn customers(config: &DemoConfig) -> Vec<NewResponse> {
    customer_responses(config, SurveyId(1)).collect()
}

fn employees(config: &DemoConfig) -> Vec<NewResponse> {
    employee_responses(config, SurveyId(2)).collect()
}

fn nps<'a>(responses: impl IntoIterator<Item = &'a NewResponse>) -> f64 {
    let (mut promoters, mut detractors, mut total) = (0.0, 0.0, 0.0);
    for response in responses {
        total += 1.0;
        match response.score.category() {
            Category::Promoter => promoters += 1.0,
            Category::Detractor => detractors += 1.0,
            Category::Passive => {}
        }
    }
    100.0 * (promoters - detractors) / total
}

fn text<'a>(response: &'a NewResponse, name: &str) -> &'a str {
    match response.attributes.get(name) {
        Some(AttributeValue::String(value)) => value,
        other => panic!("{name} is {other:?}, not a string"),
    }
}

fn number(response: &NewResponse, name: &str) -> f64 {
    match response.attributes.get(name) {
        Some(AttributeValue::Number(value)) => *value,
        other => panic!("{name} is {other:?}, not a number"),
    }
}

fn quarter_of(response: &NewResponse) -> (i16, i8) {
    let date = response.created_at.to_zoned(TimeZone::UTC).date();
    (date.year(), (date.month() - 1) / 3 + 1)
}

#[test]
fn the_same_seed_gives_the_same_rows() {
    let demo = config(1_500, 80);
    assert_eq!(customers(&demo), customers(&demo));
    assert_eq!(employees(&demo), employees(&demo));
}

#[test]
fn another_seed_gives_other_rows() {
    let demo = config(1_500, 80);
    let other = DemoConfig {
        seed: 7,
        ..demo.clone()
    };
    assert_ne!(customers(&demo), customers(&other));
    assert_ne!(employees(&demo), employees(&other));
}

#[test]
fn answers_come_in_time_order_within_the_period() {
    let demo = config(3_000, 250);
    let window = Window::of(&demo);
    for responses in [customers(&demo), employees(&demo)] {
        assert!(responses.len() > 500, "{}", responses.len());
        assert!(
            responses
                .windows(2)
                .all(|pair| pair[0].created_at <= pair[1].created_at)
        );
        for response in &responses {
            assert!(window.contains(response.created_at.as_second()));
        }
    }
    // Customers answer every day, so their answers fill the whole period.
    let answers = customers(&demo);
    let first = answers[0].created_at.as_second();
    let last = answers[answers.len() - 1].created_at.as_second();
    assert!(first - window.start < 2 * DAY && window.end - last < 2 * DAY);
}

#[test]
fn the_end_is_exclusive_and_the_period_is_configurable() {
    let end: jiff::Timestamp = "2025-06-15T12:30:00.5Z".parse().expect("a valid timestamp");
    let demo = DemoConfig {
        end,
        years: 1,
        ..config(2_000, 100)
    };
    let start: jiff::Timestamp = "2024-06-15T12:30:00.5Z".parse().expect("a valid timestamp");
    for response in customers(&demo).iter().chain(&employees(&demo)) {
        assert!(start.as_second() <= response.created_at.as_second());
        assert!(response.created_at < end);
    }
}

#[test]
fn nothing_to_generate_gives_no_rows() {
    assert_eq!(customer_responses(&config(0, 0), SurveyId(1)).count(), 0);
    assert_eq!(employee_responses(&config(0, 0), SurveyId(1)).count(), 0);
    let no_time = DemoConfig {
        years: 0,
        ..config(500, 50)
    };
    assert_eq!(customer_responses(&no_time, SurveyId(1)).count(), 0);
    assert_eq!(employee_responses(&no_time, SurveyId(1)).count(), 0);
}

#[test]
fn every_score_from_0_to_10_is_given() {
    let mut histogram = [0u32; 11];
    for response in customers(&config(20_000, 0)) {
        histogram[usize::from(response.score.value())] += 1;
    }
    assert!(histogram.iter().all(|&count| count > 0), "{histogram:?}");
    // Scores lean high, with the mode at 9–10 and a thin tail of zeros.
    assert!(histogram[10] > histogram[6] && histogram[0] < histogram[6] / 5);
}

#[test]
fn customer_attributes_have_the_described_types() {
    let plans = ["free", "starter", "pro", "business", "enterprise"];
    for response in customers(&config(2_000, 0)) {
        assert_eq!(response.attributes.len(), 7);
        assert!(plans.contains(&text(&response, "plan")));
        let country = text(&response, "country");
        assert!(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()));
        assert!(!text(&response, "industry").is_empty());
        let seats = number(&response, "seats");
        assert!(seats >= 1.0 && seats.fract() == 0.0);
        let mrr = number(&response, "mrr");
        assert!(mrr >= 0.0 && (mrr == 0.0) == (text(&response, "plan") == "free"));
        let Some(AttributeValue::Date(signup)) = response.attributes.get("signup_date") else {
            panic!("signup_date is not a date");
        };
        assert!(*signup < response.created_at.to_zoned(TimeZone::UTC).date());
        let expected_languages: &[&str] = match country {
            "FR" => &["fr"],
            "DE" | "AT" => &["de"],
            "ES" | "MX" => &["es"],
            "CH" => &["de", "fr"],
            "BE" | "CA" => &["fr", "en"],
            _ => &["en"],
        };
        assert!(expected_languages.contains(&text(&response, "language")));
        assert!(CHANNELS.contains(&response.channel.as_str()));
        assert_eq!(response.survey, SurveyId(1));
    }
}

#[test]
fn attributes_are_skewed_like_a_real_customer_base() {
    let responses = customers(&config(5_000, 0));
    let mut plans: HashMap<&str, u32> = HashMap::new();
    let mut countries: HashMap<&str, u32> = HashMap::new();
    let mut industries: HashMap<&str, u32> = HashMap::new();
    for response in &responses {
        *plans.entry(text(response, "plan")).or_default() += 1;
        *countries.entry(text(response, "country")).or_default() += 1;
        *industries.entry(text(response, "industry")).or_default() += 1;
    }
    assert!(plans["free"] > plans["pro"] && plans["pro"] > plans["enterprise"]);
    assert_eq!(countries.len(), 16);
    assert!(countries.values().all(|&count| count <= countries["US"]));
    assert_eq!(industries.len(), 10);
}

#[test]
fn each_customer_has_one_email_and_answers_at_most_once_a_quarter() {
    let mut seen: HashMap<String, (String, jiff::Timestamp)> = HashMap::new();
    let mut emails = std::collections::HashSet::new();
    for response in customers(&config(3_000, 0)) {
        let external_id = response
            .contact
            .external_id
            .clone()
            .expect("an external id");
        let email = response.contact.email.clone().expect("an email");
        assert!(external_id.starts_with("cus_") && external_id.len() == 10);
        assert!(email.ends_with(".example") && email.contains('@'));
        match seen.get(&external_id) {
            Some((known_email, previous)) => {
                assert_eq!(known_email, &email);
                let gap = response.created_at.as_second() - previous.as_second();
                assert!(
                    gap >= 80 * DAY,
                    "{external_id} answered twice within {gap} s"
                );
            }
            None => assert!(emails.insert(email.clone()), "{email} is used twice"),
        }
        seen.insert(external_id, (email, response.created_at));
    }
}

#[test]
fn about_60_percent_of_customer_answers_have_a_comment() {
    let responses = customers(&config(5_000, 0));
    let commented = responses.iter().filter(|r| r.comment.is_some()).count();
    let share = commented as f64 / responses.len() as f64;
    assert!((0.55..0.68).contains(&share), "{share}");
    assert!(
        responses
            .iter()
            .filter_map(|r| r.comment.as_deref())
            .all(|comment| !comment.is_empty() && !comment.contains('{'))
    );
}

#[test]
fn promoters_praise_and_detractors_complain() {
    let demo = config(10_000, 0);
    let mut tones: HashMap<(bool, Tone), u32> = HashMap::new();
    let (mut promoter_praise, mut promoters) = (0, 0);
    let (mut detractor_blame, mut detractors) = (0, 0);
    for answer in CustomerAnswers::new(&demo, SurveyId(1)) {
        let Some((theme, tone)) = answer.feedback else {
            continue;
        };
        match answer.response.score.category() {
            Category::Promoter => {
                promoters += 1;
                promoter_praise += u32::from(theme.is_what_promoters_praise());
                *tones.entry((true, tone)).or_default() += 1;
            }
            Category::Detractor => {
                detractors += 1;
                detractor_blame += u32::from(theme.is_what_detractors_blame());
                *tones.entry((false, tone)).or_default() += 1;
            }
            Category::Passive => assert_eq!(tone, Tone::Mixed),
        }
    }
    assert_eq!(tones.get(&(true, Tone::Positive)), Some(&promoters));
    assert_eq!(tones.get(&(false, Tone::Negative)), Some(&detractors));
    assert!(f64::from(promoter_praise) > 0.65 * f64::from(promoters));
    assert!(f64::from(detractor_blame) > 0.6 * f64::from(detractors));
}

#[test]
fn the_words_of_a_comment_fit_its_score() {
    let happy = [
        "love",
        "great",
        "easy",
        "best",
        "excellent",
        "fantastic",
        "recommend",
    ];
    let unhappy = [
        "expensive",
        "slow",
        "bugs",
        "outage",
        "ticket",
        "price",
        "missing",
    ];
    let share = |responses: &[&NewResponse], words: &[&str]| {
        let matching = responses
            .iter()
            .filter(|response| {
                let comment = response.comment.as_deref().unwrap_or_default();
                vouch_core::text::words(comment).any(|word| words.contains(&word.as_str()))
            })
            .count();
        matching as f64 / responses.len() as f64
    };
    let responses = customers(&config(5_000, 0));
    let commented = |category| {
        responses
            .iter()
            .filter(|r| r.comment.is_some() && r.score.category() == category)
            .collect::<Vec<_>>()
    };
    let promoters = commented(Category::Promoter);
    let detractors = commented(Category::Detractor);
    assert!(share(&promoters, &happy) > 3.0 * share(&detractors, &happy));
    assert!(share(&detractors, &unhappy) > 5.0 * share(&promoters, &unhappy));
}

#[test]
fn the_trend_tells_the_story() {
    let demo = config(20_000, 0);
    let window = Window::of(&demo);
    let responses = customers(&demo);
    let between = |from: f64, to: f64| {
        let (from, to) = (window.at(from), window.at(to));
        responses
            .iter()
            .filter(move |r| from <= r.created_at.as_second() && r.created_at.as_second() < to)
    };
    // The price change halfway through: a dip of well over ten points, then a recovery.
    let before_price_change = nps(between(0.375, 0.5));
    let after_price_change = nps(between(0.5, 0.625));
    let last_quarter = nps(between(0.875, 1.0));
    assert!(before_price_change - after_price_change > 15.0);
    assert!(last_quarter - after_price_change > 20.0);
    // The outage a little over a quarter of the way in.
    assert!(nps(between(0.28, 0.32)) < nps(between(0.2, 0.27)) - 5.0);
    // Volume grows with the customer base.
    let first = between(0.0, 0.125).count() as f64;
    let last = between(0.875, 1.0).count() as f64;
    assert!(last > 1.8 * first, "{first} then {last}");
    // Pricing is what people write about after the change.
    let pricing_share = |from: f64, to: f64| {
        let comments: Vec<&str> = between(from, to)
            .filter_map(|r| r.comment.as_deref())
            .collect();
        let about_price = comments
            .iter()
            .filter(|comment| PRICING.speaks_of(comment))
            .count();
        about_price as f64 / comments.len() as f64
    };
    assert!(pricing_share(0.5, 0.6) > 2.0 * pricing_share(0.375, 0.5));
}

#[test]
fn better_plans_have_happier_customers() {
    let responses = customers(&config(10_000, 0));
    let of_plan = |plan: &str| {
        let plan = plan.to_owned();
        nps(responses.iter().filter(move |r| text(r, "plan") == plan))
    };
    assert!(of_plan("business") > of_plan("pro"));
    assert!(of_plan("pro") > of_plan("starter"));
    let overall = nps(&responses);
    assert!((15.0..45.0).contains(&overall), "{overall}");
}

#[test]
fn employees_are_anonymous_and_their_attributes_have_the_described_types() {
    let departments = [
        "Engineering",
        "Sales",
        "Customer Success",
        "Marketing",
        "Operations",
        "Legal",
    ];
    for response in employees(&config(0, 250)) {
        assert_eq!(response.contact.email, None);
        let external_id = response.contact.external_id.as_deref().expect("an id");
        assert!(external_id.starts_with("emp_"));
        assert_eq!(response.attributes.len(), 3);
        assert!(departments.contains(&text(&response, "department")));
        assert!(!text(&response, "location").is_empty());
        let tenure = number(&response, "tenure_years");
        assert!(tenure >= 0.0 && (tenure * 10.0 - (tenure * 10.0).round()).abs() < 1e-9);
        assert!(["email", "link"].contains(&response.channel.as_str()));
        assert_eq!(response.survey, SurveyId(2));
    }
}

#[test]
fn one_department_is_always_too_small_to_report() {
    let responses = employees(&config(0, 250));
    let mut by_pulse: BTreeMap<((i16, i8), &str), u64> = BTreeMap::new();
    for response in &responses {
        *by_pulse
            .entry((quarter_of(response), text(response, "department")))
            .or_default() += 1;
    }
    let pulses: std::collections::BTreeSet<(i16, i8)> =
        by_pulse.keys().map(|(quarter, _)| *quarter).collect();
    assert_eq!(pulses.len(), 8, "{by_pulse:?}");
    for (&(quarter, department), &count) in &by_pulse {
        match department {
            "Legal" => assert!(count < ANONYMITY_MIN_RESPONSES, "{quarter:?}: {count}"),
            "Engineering" | "Sales" | "Customer Success" => {
                assert!(
                    count >= ANONYMITY_MIN_RESPONSES,
                    "{quarter:?} {department}: {count}"
                )
            }
            _ => {}
        }
    }
    let enps = nps(&responses);
    assert!((0.0..40.0).contains(&enps), "{enps}");
}

#[test]
fn employee_comments_fit_the_score() {
    for answer in EmployeeAnswers::new(&config(0, 600), SurveyId(2)) {
        let expected = match answer.response.score.category() {
            Category::Promoter => Tone::Positive,
            Category::Passive => Tone::Mixed,
            Category::Detractor => Tone::Negative,
        };
        match answer.feedback {
            Some((theme, tone)) => {
                assert_eq!(tone, expected);
                let after = answer.response.created_at.as_second()
                    >= Window::of(&DemoConfig::default()).at(0.4);
                let comment = answer.response.comment.as_deref().unwrap_or_default();
                assert!(
                    theme.phrases(after).speaks_of(comment),
                    "{theme:?}: {comment}"
                );
            }
            None => assert_eq!(answer.response.comment, None),
        }
    }
}

#[test]
fn a_hundred_thousand_customers_generate_quickly() {
    let started = Instant::now();
    let count = customer_responses(&config(100_000, 0), SurveyId(1)).count();
    let elapsed = started.elapsed();
    // Each customer answers about once a year over the two years, fewer early on.
    assert!((80_000..160_000).contains(&count), "{count}");
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?} for {count}");
}

#[test]
fn the_surveys_ask_the_standard_question_about_the_company() {
    let customer = customer_survey();
    assert_eq!(customer.name, CUSTOMER_SURVEY_NAME);
    assert_eq!(customer.kind, SurveyKind::Nps);
    assert!(customer.question.contains(COMPANY_NAME));
    let employee = employee_survey();
    assert_eq!(employee.name, EMPLOYEE_SURVEY_NAME);
    assert_eq!(employee.kind, SurveyKind::Enps);
    assert!(employee.question.contains("working at Acme Analytics"));
}
