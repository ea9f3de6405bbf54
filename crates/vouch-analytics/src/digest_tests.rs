use jiff::civil::Date;
use vouch_core::SurveyKind;

use super::*;
use crate::test_rows::{answer, index_of};

/// Week 2026-W49 (30 November – 6 December) and the week before.
fn week() -> DigestWeek {
    DigestWeek::containing(Date::constant(2026, 12, 2))
}

fn sources(value_attribute: Option<&str>) -> DigestSources {
    DigestSources {
        surveys: vec![(SurveyId(1), "Customers".to_owned())],
        themes: ThemeSet::new(Vec::new()),
        saved_rates: None,
        value_attribute: value_attribute.map(str::to_owned),
    }
}

/// W48: 10 pro at 10, 30 free at 3; W49: 30 pro at 10, 10 free at 3, and one answer in W50.
fn index() -> ResponseIndex {
    let mut answers = Vec::new();
    let mut id = 0;
    let mut add = |count: usize, score: u8, date: &str, plan: &str| {
        for _ in 0..count {
            id += 1;
            answers.push(answer(
                id,
                id,
                score,
                date,
                &[("plan", plan), ("mrr", "100")],
            ));
        }
    };
    add(10, 10, "2026-11-24", "pro");
    add(30, 3, "2026-11-25", "free");
    add(30, 10, "2026-12-01", "pro");
    add(10, 3, "2026-12-06", "free");
    add(1, 0, "2026-12-07", "free");
    let mut index = index_of(&answers);
    index.define_survey(SurveyId(1), SurveyKind::Nps);
    index
}

#[test]
fn the_week_against_the_week_before_with_its_test_and_parts() {
    let index = index();
    let figures = figures(&index, &sources(Some("mrr")), week());
    let digest = &figures.digest;
    assert_eq!(
        digest.current.responses, 40,
        "Monday to Sunday, not the next Monday"
    );
    assert_eq!(digest.current.nps, Some(50.0));
    assert_eq!(digest.previous.nps, Some(-50.0));
    let change = digest.change.expect("both weeks have answers");
    assert!((change.difference - 100.0).abs() < 1e-9);
    assert!(change.significant);
    assert_eq!(digest.movers.len(), 2);
    assert_eq!(digest.movers[0].label(), "plan = pro");
    let parts: f64 = digest.movers.iter().map(|mover| mover.points).sum();
    assert!((parts - 100.0).abs() < 1e-9, "the parts sum to the change");
    let at_risk = digest.at_risk.as_ref().expect("contacts carry mrr");
    assert_eq!(at_risk.detractors, 10);
    assert_eq!(at_risk.source, RatesSource::Default);
    assert!((at_risk.short - 10.0 * 100.0 * Rates::DEFAULT.detractor).abs() < 1e-9);
    assert_eq!(figures.listings.len(), 3, "one page per category");
    assert_eq!(
        digest.revenue_weighted,
        Some(WeightedWeeks {
            attribute: "mrr".to_owned(),
            current: Some(50.0),
            previous: Some(-50.0),
        }),
        "every contact carries the same value: weighted equals plain"
    );
}

#[test]
fn an_empty_week_has_no_figures_and_nothing_to_quote() {
    let index = index();
    let figures = figures(&index, &sources(Some("mrr")), week().next().next());
    let digest = &figures.digest;
    assert_eq!(digest.current.responses, 0);
    assert_eq!(digest.current.nps, None);
    assert_eq!(digest.change, None);
    assert!(digest.movers.is_empty() && digest.themes.is_empty());
    assert_eq!(digest.at_risk, None);
    assert!(figures.listings.is_empty());
}

#[test]
fn without_a_value_attribute_nothing_is_at_risk_and_without_surveys_nothing_counts() {
    let index = index();
    assert_eq!(figures(&index, &sources(None), week()).digest.at_risk, None);
    let none = DigestSources {
        surveys: Vec::new(),
        ..sources(Some("mrr"))
    };
    let digest = figures(&index, &none, week()).digest;
    assert_eq!(
        digest.current.responses, 0,
        "only the NPS surveys listed count"
    );
}
