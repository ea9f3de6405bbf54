use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use vouch_core::{AttributeValue, SurveyKind};

use super::*;

const EMPLOYEES: SurveyId = SurveyId(1);
const CUSTOMERS: SurveyId = SurveyId(2);

fn response(id: i64, survey: SurveyId, at: &str, team: &str) -> StoredResponse {
    StoredResponse {
        id: ResponseId(id),
        survey,
        contact: ContactId(id),
        score: Score::new(id % 11).unwrap(),
        comment: Some(format!("comment {id}")),
        created_at: at.parse::<Timestamp>().unwrap(),
        channel: "email".into(),
        attributes: BTreeMap::from([("team".to_owned(), AttributeValue::String(team.into()))]),
    }
}

/// Employees: 6 answers in January (team red), 2 in February (blue), 4 in April (red);
/// customers: 3 answers.
fn index() -> ResponseIndex {
    let mut rows = Vec::new();
    let mut id = 0;
    let mut add = |survey, at: &str, team: &str, rows: &mut Vec<StoredResponse>| {
        id += 1;
        rows.push(response(id, survey, at, team));
    };
    for day in 1..=6 {
        add(
            EMPLOYEES,
            &format!("2026-01-{day:02}T10:00:00Z"),
            "red",
            &mut rows,
        );
    }
    add(CUSTOMERS, "2026-01-20T10:00:00Z", "red", &mut rows);
    for day in 1..=2 {
        add(
            EMPLOYEES,
            &format!("2026-02-{day:02}T10:00:00Z"),
            "blue",
            &mut rows,
        );
    }
    add(CUSTOMERS, "2026-02-20T10:00:00Z", "red", &mut rows);
    for day in 1..=4 {
        add(
            EMPLOYEES,
            &format!("2026-04-{day:02}T10:00:00Z"),
            "red",
            &mut rows,
        );
    }
    add(CUSTOMERS, "2026-04-20T10:00:00Z", "blue", &mut rows);
    let mut index = ResponseIndex::new(TimeZone::UTC);
    index.append(&rows);
    index.define_survey(EMPLOYEES, SurveyKind::Enps);
    index.define_survey(CUSTOMERS, SurveyKind::Nps);
    index
}

fn of(survey: SurveyId) -> Query {
    Query {
        surveys: vec![survey],
        ..Query::default()
    }
}

#[test]
fn customer_answers_are_listed_whole() {
    let index = index();
    assert_eq!(
        index.verdict(CUSTOMERS, &Query::default(), &FollowUp::Any),
        Some(Verdict::Open)
    );
    let listing = index
        .listing(&of(CUSTOMERS), &FollowUp::Any, None, 10)
        .unwrap();
    assert_eq!(listing.ids().len(), 3);
    assert!(listing.withheld.is_empty());
}

#[test]
fn dates_are_as_coarse_as_the_smallest_period_needs() {
    let index = index();
    // 12 answers: January 6, February 2, April 4 → by month no; Q1 8, Q2 4 → no; 2026 12 → yes.
    let all = index.verdict(EMPLOYEES, &Query::default(), &FollowUp::Any);
    assert_eq!(
        all,
        Some(Verdict::Anonymous(AnonymousRules {
            comments: true,
            dates: DatePrecision::Year,
        }))
    );
    // January alone: 6 answers, one month → by month, no comments.
    let january = Query {
        from: Some("2026-01-01T00:00:00Z".parse().unwrap()),
        to: Some("2026-02-01T00:00:00Z".parse().unwrap()),
        ..of(EMPLOYEES)
    };
    assert_eq!(
        index.verdict(EMPLOYEES, &january, &FollowUp::Any),
        Some(Verdict::Anonymous(AnonymousRules {
            comments: false,
            dates: DatePrecision::Month,
        }))
    );
    assert_eq!(finest_precision(&[]), DatePrecision::Month);
    assert_eq!(finest_precision(&[1, 2, 3]), DatePrecision::Withheld);
}

#[test]
fn small_or_attribute_narrowed_selections_list_nothing() {
    let index = index();
    let april = Query {
        from: Some("2026-04-01T00:00:00Z".parse().unwrap()),
        ..of(EMPLOYEES)
    };
    assert_eq!(
        index.verdict(EMPLOYEES, &april, &FollowUp::Any),
        Some(Verdict::Withheld(Withheld::TooFew))
    );
    let red = Query {
        filters: vec![("team".into(), vec!["red".into()])],
        ..of(EMPLOYEES)
    };
    assert_eq!(
        index.verdict(EMPLOYEES, &red, &FollowUp::Any),
        Some(Verdict::Withheld(Withheld::Narrowed))
    );
    let by_channel = Query {
        channels: vec!["email".into()],
        ..of(EMPLOYEES)
    };
    assert_eq!(
        index.verdict(EMPLOYEES, &by_channel, &FollowUp::Any),
        Some(Verdict::Withheld(Withheld::Narrowed))
    );
    // A follow-up filter that keeps 2 answers.
    let tagged = FollowUp::Only(vec![ResponseId(1), ResponseId(2)]);
    assert_eq!(
        index.verdict(EMPLOYEES, &of(EMPLOYEES), &tagged),
        Some(Verdict::Withheld(Withheld::TooFew))
    );
    // Nothing selected: no verdict, nothing to say.
    let none = FollowUp::Only(Vec::new());
    assert_eq!(index.verdict(EMPLOYEES, &of(EMPLOYEES), &none), None);
}

#[test]
fn a_listing_of_every_survey_leaves_out_what_it_may_not_show() {
    let index = index();
    let red = Query {
        filters: vec![("team".into(), vec!["red".into()])],
        ..Query::default()
    };
    let listing = index.listing(&red, &FollowUp::Any, None, 50).unwrap();
    // The two red customer answers only; the employees are withheld.
    let ids: Vec<i64> = listing.ids().iter().map(|id| id.0).collect();
    assert_eq!(ids, [10, 7]);
    assert_eq!(listing.withheld, [(EMPLOYEES, Withheld::Narrowed)]);
    assert_eq!(listing.verdict(EMPLOYEES), None);
    // Every answer, a page at a time.
    let first = index
        .listing(&Query::default(), &FollowUp::Any, None, 10)
        .unwrap();
    assert_eq!(first.total, 15);
    let next = first.next.expect("a second page");
    assert_eq!(Some(next.id), first.ids().last().copied());
    let rest = index
        .listing(&Query::default(), &FollowUp::Any, Some(next), 10)
        .unwrap();
    assert_eq!(first.ids().len() + rest.ids().len(), 15);
    assert_eq!((rest.next, rest.total), (None, 15));
    assert_eq!(listing.total, 2);
}

#[test]
fn an_anonymous_answer_is_cut_to_what_its_rules_allow() {
    let response = response(3, EMPLOYEES, "2026-02-10T10:00:00Z", "red");
    let day = vouch_core::period::day_of_timestamp(response.created_at, &TimeZone::UTC);
    let rules = AnonymousRules {
        comments: false,
        dates: DatePrecision::Quarter,
    };
    let Some(ShownAnswer::Anonymous(cut)) =
        ShownAnswer::cut(response.clone(), Verdict::Anonymous(rules), day)
    else {
        panic!("an anonymous answer");
    };
    assert_eq!(cut.comment, None);
    assert!(cut.comment_withheld);
    assert_eq!(cut.when, ShownDate::Quarter(2026, 1));
    assert_eq!(cut.when.to_string(), "Q1 2026");
    let month = ShownDate::of_day(day, DatePrecision::Month);
    assert_eq!(month.to_string(), "February 2026");
    assert_eq!(
        ShownAnswer::cut(response.clone(), Verdict::Withheld(Withheld::TooFew), day),
        None
    );
    assert_eq!(
        ShownAnswer::cut(response.clone(), Verdict::Open, day),
        Some(ShownAnswer::Open(response))
    );
}

#[test]
fn the_first_breakdown_is_what_a_survey_s_answers_carry_most() {
    let mut index = index();
    // Customers also carry a number, which is never the first breakdown.
    let mut priced = response(99, CUSTOMERS, "2026-05-01T10:00:00Z", "red");
    priced
        .attributes
        .insert("mrr".into(), AttributeValue::Number(120.0));
    priced
        .attributes
        .insert("region".into(), AttributeValue::String("EU".into()));
    index.append(&[priced]);
    assert_eq!(index.most_carried_attribute(EMPLOYEES), Some("team"));
    assert_eq!(index.most_carried_attribute(CUSTOMERS), Some("team"));
    assert_eq!(index.most_carried_attribute(SurveyId(7)), None);
}
