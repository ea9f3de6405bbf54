//! The engine against a deliberately naive reference: random responses, random queries, and the
//! counts must be identical, including across chunk boundaries, deletions and time zones.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use proptest::prelude::*;
use vouch_analytics::report::build_report;
use vouch_analytics::{Query, ResponseIndex};
use vouch_core::period::day_of_timestamp;
use vouch_core::{AttributeValue, Histogram, Interval, Period, Score, SurveyKind, text};
use vouch_store::{Deletion, ResponseId, StoredResponse, SurveyId};

const PLANS: [&str; 3] = ["free", "pro", "team"];
/// Channels rows arrive by; the last is never given to a row, so filtering by it alone must
/// match nothing.
const CHANNELS: [&str; 6] = ["import", "api", "email", "link", "widget", "fax"];
const WORDS: [&str; 5] = ["pricing", "support", "slow", "love", "Pricing!"];
/// 2023-11-14T00:00:00Z: a midnight, so that range bounds often fall on whole days.
const START: i64 = 1_699_920_000;

#[derive(Debug, Clone)]
struct Row {
    score: u8,
    seconds: i64,
    survey: i64,
    plan: Option<usize>,
    seats: u8,
    comment: Option<Vec<usize>>,
    channel: usize,
}

/// Whole hours over 120 days, so that range bounds often fall exactly on a response and on
/// midnights (in UTC and in New York).
fn hours() -> impl Strategy<Value = i64> {
    (0i64..(120 * 24)).prop_map(|hour| hour * 3_600)
}

fn row() -> impl Strategy<Value = Row> {
    (
        0u8..=10,
        hours(),
        1i64..=3,
        proptest::option::of(0usize..3),
        1u8..=4,
        proptest::option::of(proptest::collection::vec(0usize..5, 1..4)),
        0usize..5,
    )
        .prop_map(
            |(score, seconds, survey, plan, seats, comment, channel)| Row {
                score,
                seconds,
                survey,
                plan,
                seats,
                comment,
                channel,
            },
        )
}

fn stored(rows: &[Row]) -> Vec<StoredResponse> {
    rows.iter()
        .enumerate()
        .map(|(position, row)| {
            let mut attributes = BTreeMap::new();
            if let Some(plan) = row.plan {
                attributes.insert(
                    "plan".to_owned(),
                    AttributeValue::String(PLANS[plan].into()),
                );
            }
            attributes.insert(
                "seats".to_owned(),
                AttributeValue::Number(f64::from(row.seats)),
            );
            StoredResponse {
                id: ResponseId(position as i64 * 2 + 1),
                survey: SurveyId(row.survey),
                contact: vouch_store::ContactId(1),
                score: Score::new(i64::from(row.score)).unwrap(),
                comment: row.comment.as_ref().map(|words| {
                    words
                        .iter()
                        .map(|&w| WORDS[w])
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
                created_at: Timestamp::from_second(START + row.seconds).unwrap(),
                channel: CHANNELS[row.channel].into(),
                attributes,
            }
        })
        .collect()
}

#[derive(Debug, Clone)]
struct Selection {
    survey: Option<i64>,
    from: Option<i64>,
    to: Option<i64>,
    plans: Vec<usize>,
    seats: Option<u8>,
    word: Option<usize>,
    group_by_plan: bool,
    interval: Option<Interval>,
    zone: bool,
    scores: Option<[bool; 11]>,
    channels: Vec<usize>,
    /// Sum seats: a sum makes the engine read rows, so without one the chunk summaries can
    /// answer.
    sum_seats: bool,
}

fn selection() -> impl Strategy<Value = Selection> {
    let filters = (
        proptest::option::of(1i64..=3),
        proptest::option::of(hours()),
        proptest::option::of(hours()),
        proptest::collection::vec(0usize..3, 0..3),
        proptest::option::of(1u8..=4),
        proptest::option::of(0usize..4),
        any::<bool>(),
        proptest::option::of(prop_oneof![
            Just(Interval::Week),
            Just(Interval::Month),
            Just(Interval::Quarter)
        ]),
        any::<bool>(),
    );
    (
        filters,
        proptest::option::of(any::<[bool; 11]>()),
        proptest::collection::vec(0usize..6, 0..3),
    )
        .prop_map(
            |(
                (survey, from, to, plans, seats, word, group_by_plan, interval, zone),
                scores,
                channels,
            )| {
                Selection {
                    survey,
                    from,
                    to,
                    plans,
                    seats,
                    word,
                    group_by_plan,
                    interval,
                    zone,
                    scores,
                    channels,
                    sum_seats: true,
                }
            },
        )
}

fn naive_selected(row: &Row, selection: &Selection) -> bool {
    let seconds = row.seconds;
    selection.survey.is_none_or(|survey| row.survey == survey)
        && selection.from.is_none_or(|from| seconds >= from)
        && selection.to.is_none_or(|to| seconds < to)
        && (selection.plans.is_empty() || row.plan.is_some_and(|p| selection.plans.contains(&p)))
        && (selection.channels.is_empty() || selection.channels.contains(&row.channel))
        && selection.seats.is_none_or(|seats| row.seats == seats)
        && selection
            .scores
            .is_none_or(|allowed| allowed[usize::from(row.score)])
        && selection.word.is_none_or(|word| {
            let wanted = text::search_word(WORDS[word]).unwrap();
            row.comment.as_ref().is_some_and(|words| {
                words
                    .iter()
                    .any(|&w| text::search_word(WORDS[w]).unwrap() == wanted)
            })
        })
}

fn query_of(selection: &Selection) -> Query {
    let at = |seconds: i64| Timestamp::from_second(START + seconds).unwrap();
    let mut filters = Vec::new();
    if !selection.plans.is_empty() {
        let plans = selection
            .plans
            .iter()
            .map(|&p| PLANS[p].to_owned())
            .collect();
        filters.push(("plan".to_owned(), plans));
    }
    if let Some(seats) = selection.seats {
        filters.push(("seats".to_owned(), vec![format!("{seats}.0")]));
    }
    Query {
        surveys: selection.survey.map(SurveyId).into_iter().collect(),
        from: selection.from.map(at),
        to: selection.to.map(at),
        filters,
        channels: selection
            .channels
            .iter()
            .map(|&c| CHANNELS[c].to_owned())
            .collect(),
        text: selection.word.map(|w| WORDS[w].to_owned()),
        group_by: if selection.group_by_plan {
            vec!["plan".into()]
        } else {
            vec![]
        },
        interval: selection.interval,
        scores: selection.scores,
        sum_of: selection.sum_seats.then(|| "seats".into()),
        bands: Vec::new(),
        rows: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_engine_counts_exactly_what_a_naive_scan_counts(
        rows in proptest::collection::vec(row(), 0..300),
        deleted in proptest::collection::vec(any::<proptest::sample::Index>(), 0..20),
        selection in selection(),
    ) {
        check(rows, deleted, selection)?;
    }

    /// Only survey, time range and interval: the chunk summaries answer these.
    #[test]
    fn chunk_summaries_count_exactly_what_a_naive_scan_counts(
        rows in proptest::collection::vec(row(), 0..300),
        deleted in proptest::collection::vec(any::<proptest::sample::Index>(), 0..20),
        selection in selection(),
    ) {
        let selection = Selection {
            plans: Vec::new(),
            seats: None,
            word: None,
            group_by_plan: false,
            channels: Vec::new(),
            sum_seats: false,
            ..selection
        };
        check(rows, deleted, selection)?;
    }

    /// A channel filter with what the chunk summaries could otherwise answer: it must turn
    /// their fast paths off and filter rows.
    #[test]
    fn a_channel_filter_counts_exactly_what_a_naive_scan_counts(
        rows in proptest::collection::vec(row(), 0..300),
        deleted in proptest::collection::vec(any::<proptest::sample::Index>(), 0..20),
        selection in selection(),
        channels in proptest::collection::vec(0usize..6, 1..3),
    ) {
        let selection = Selection {
            plans: Vec::new(),
            seats: None,
            word: None,
            group_by_plan: false,
            channels,
            sum_seats: false,
            ..selection
        };
        check(rows, deleted, selection)?;
    }
}

fn check(
    rows: Vec<Row>,
    deleted: Vec<proptest::sample::Index>,
    selection: Selection,
) -> Result<(), TestCaseError> {
    {
        let zone = if selection.zone {
            TimeZone::get("America/New_York").unwrap()
        } else {
            TimeZone::UTC
        };
        let mut index = ResponseIndex::new(zone.clone());
        let responses = stored(&rows);
        // Append in two uneven pages, as the loader does.
        let split = rows.len() / 3;
        index.append(&responses[..split]);
        index.append(&responses[split..]);
        let mut gone = vec![false; rows.len()];
        if !rows.is_empty() {
            let deletions: Vec<Deletion> = deleted
                .iter()
                .enumerate()
                .map(|(n, i)| {
                    let position = i.index(rows.len());
                    gone[position] = true;
                    Deletion {
                        sequence: n as i64 + 1,
                        response: responses[position].id,
                    }
                })
                .collect();
            index.apply_deletions(&deletions);
        }

        let plan = index.plan(&query_of(&selection)).unwrap();
        let counts = index.run(&plan);
        let report = build_report(&index, &plan, &counts);

        let mut total = Histogram::default();
        let mut by_plan: BTreeMap<Option<usize>, Histogram> = BTreeMap::new();
        let mut seats_by_plan: BTreeMap<Option<usize>, f64> = BTreeMap::new();
        let mut seats = 0.0;
        let mut by_period: BTreeMap<Period, Histogram> = BTreeMap::new();
        for (position, row) in rows.iter().enumerate() {
            if gone[position] || !naive_selected(row, &selection) {
                continue;
            }
            let score = Score::new(i64::from(row.score)).unwrap();
            total.add(score);
            by_plan.entry(row.plan).or_default().add(score);
            *seats_by_plan.entry(row.plan).or_default() += f64::from(row.seats);
            seats += f64::from(row.seats);
            if let Some(interval) = selection.interval {
                let instant = Timestamp::from_second(START + row.seconds).unwrap();
                let period = Period::containing(day_of_timestamp(instant, &zone), interval);
                by_period.entry(period).or_default().add(score);
            }
        }
        prop_assert_eq!(counts.total, total);
        if selection.sum_seats {
            prop_assert_eq!(counts.total_sum, seats);
        }
        if selection.group_by_plan {
            let groups = report.groups.unwrap();
            let expected: Vec<(Option<String>, Histogram)> = {
                let mut named: Vec<_> = by_plan
                    .iter()
                    .map(|(plan, h)| (plan.map(|p| PLANS[p].to_owned()), *h))
                    .collect();
                named.sort_by(|a, b| match (&a.0, &b.0) {
                    (None, None) => std::cmp::Ordering::Equal,
                    (None, _) => std::cmp::Ordering::Greater,
                    (_, None) => std::cmp::Ordering::Less,
                    (Some(x), Some(y)) => x.cmp(y),
                });
                named
            };
            let actual: Vec<(Option<String>, Histogram)> = groups
                .iter()
                .map(|g| (g.key[0].as_ref().map(|v| v.canonical()), g.histogram))
                .collect();
            prop_assert_eq!(actual, expected);
            for group in &groups {
                let plan = group.key[0]
                    .as_ref()
                    .map(|v| PLANS.iter().position(|p| *p == v.canonical()).unwrap());
                prop_assert_eq!(group.sum, Some(seats_by_plan[&plan]));
            }
        }
        if selection.interval.is_some() {
            let actual: Vec<(Period, Histogram)> = report
                .trend
                .unwrap()
                .iter()
                .map(|p| (p.period, p.histogram))
                .collect();
            let expected: Vec<(Period, Histogram)> = by_period.into_iter().collect();
            prop_assert_eq!(actual, expected);
        }
    }
    Ok(())
}

#[test]
fn chunks_beyond_the_first_are_counted_and_skipped_correctly() {
    // 200 000 rows over three chunks, one day each 1 000 rows.
    let rows: Vec<Row> = (0..200_000)
        .map(|n| Row {
            score: (n % 11) as u8,
            seconds: (n / 1_000) * 86_400,
            survey: 1 + (n % 2),
            plan: Some((n % 3) as usize),
            seats: 1,
            comment: (n % 7 == 0).then(|| vec![0]),
            channel: (n % 5) as usize,
        })
        .collect();
    let mut index = ResponseIndex::new(TimeZone::UTC);
    index.append(&stored(&rows));
    let everything = index.run(&index.plan(&Query::default()).unwrap());
    assert_eq!(everything.total.responses(), 200_000);
    let from = Some(Timestamp::from_second(START + 150 * 86_400).unwrap());
    let late = index.run(
        &index
            .plan(&Query {
                from,
                ..Query::default()
            })
            .unwrap(),
    );
    let expected = rows
        .iter()
        .filter(|r| START + r.seconds >= START + 150 * 86_400)
        .count();
    assert_eq!(late.total.responses(), expected as u64);
    let priced = Query {
        text: Some("PRICING".into()),
        ..Query::default()
    };
    let priced = index.run(&index.plan(&priced).unwrap());
    assert_eq!(
        priced.total.responses(),
        rows.iter().filter(|r| r.comment.is_some()).count() as u64
    );
}

#[test]
fn anonymous_reports_hide_small_groups_and_small_selections() {
    let rows: Vec<Row> = (0..23)
        .map(|n| Row {
            score: 9,
            seconds: n * 60,
            survey: 1,
            // free: 12, pro: 8, team: 3 → team hidden, and pro (next smallest) with it.
            plan: Some(if n < 12 {
                0
            } else if n < 20 {
                1
            } else {
                2
            }),
            seats: 1,
            comment: None,
            channel: 0,
        })
        .collect();
    let mut index = ResponseIndex::new(TimeZone::UTC);
    index.append(&stored(&rows));
    index.define_survey(SurveyId(1), SurveyKind::Enps);
    let query = Query {
        group_by: vec!["plan".into()],
        ..Query::default()
    };
    let plan = index.plan(&query).unwrap();
    let report = build_report(&index, &plan, &index.run(&plan));
    let shown: Vec<_> = report
        .groups
        .unwrap()
        .iter()
        .map(|g| g.key[0].clone())
        .collect();
    assert_eq!(shown, [Some(AttributeValue::String("free".into()))]);
    assert_eq!(report.suppressed, Some(2));

    let few = Query {
        filters: vec![("plan".into(), vec!["team".into()])],
        ..query
    };
    let plan = index.plan(&few).unwrap();
    let report = build_report(&index, &plan, &index.run(&plan));
    assert_eq!(report.overall, None);
    assert_eq!(report.groups, Some(vec![]));
}
