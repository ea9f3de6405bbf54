//! The dashboard query set of `PERF.md` on an in-memory index of synthetic responses shaped
//! like `bench/gen_responses.py` (no database involved: this times the engine alone).
//!
//!     cargo bench -p vouch-analytics --bench queries -- [ROWS]     (default 10 000 000)

use std::collections::BTreeMap;
use std::time::Instant;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use vouch_analytics::{Query, ResponseIndex};
use vouch_core::{AttributeValue, Interval, Score};
use vouch_store::{ContactId, ResponseId, StoredResponse, SurveyId};

const PLANS: [&str; 5] = ["free", "starter", "pro", "business", "enterprise"];
const WORDS: [&str; 12] = [
    "the", "and", "pricing", "support", "slow", "great", "bug", "export", "love", "it", "is", "too",
];

fn main() {
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(10_000_000);
    let mut rng = SmallRng::seed_from_u64(42);
    let start = Timestamp::from_second(1_672_531_200).unwrap().as_second(); // 2023-01-01
    let span = 3 * 365 * 86_400i64;
    let mut index = ResponseIndex::new(TimeZone::UTC);
    let loading = Instant::now();
    let mut page = Vec::with_capacity(50_000);
    for n in 0..rows {
        let account = (200_000.0 * rng.random::<f64>().powf(1.7)) as u64;
        let plan = (account * 7919 % 100) as usize;
        let plan = match plan {
            0..35 => 0,
            35..65 => 1,
            65..85 => 2,
            85..95 => 3,
            _ => 4,
        };
        let mut attributes = BTreeMap::new();
        attributes.insert("plan".into(), AttributeValue::String(PLANS[plan].into()));
        let country = format!("C{}", account * 31 % 30);
        attributes.insert("country".into(), AttributeValue::String(country));
        attributes.insert(
            "mrr".into(),
            AttributeValue::Number((account % 5000) as f64 + 0.5),
        );
        let seconds =
            start + (span as f64 * ((1.0 + 3.0 * n as f64 / rows as f64).sqrt() - 1.0)) as i64;
        let comment = (rng.random::<f64>() < 0.4).then(|| {
            (0..rng.random_range(5..20))
                .map(|_| WORDS[rng.random_range(0..WORDS.len())])
                .collect::<Vec<_>>()
                .join(" ")
        });
        page.push(StoredResponse {
            id: ResponseId(n as i64 + 1),
            survey: SurveyId(1 + (rng.random::<f64>().powi(2) * 20.0) as i64),
            contact: ContactId(account as i64),
            score: Score::new(rng.random_range(0..=10)).unwrap(),
            comment,
            created_at: Timestamp::from_second(seconds).unwrap(),
            channel: "import".into(),
            attributes,
        });
        if page.len() == page.capacity() {
            index.append(&page);
            page.clear();
        }
    }
    index.append(&page);
    let stats = index.stats();
    println!(
        "{rows} rows indexed in {:.1} s, {:.0} MiB",
        loading.elapsed().as_secs_f64(),
        stats.heap_bytes as f64 / 1048576.0
    );
    let at = |text: &str| Some(text.parse::<Timestamp>().unwrap());
    let mut detractors = [false; 11];
    detractors[..7].fill(true);
    let queries = [
        ("a overall", Query::default()),
        (
            "b by month",
            Query {
                interval: Some(Interval::Month),
                ..Query::default()
            },
        ),
        (
            "c plan x country, 90 days",
            Query {
                from: at("2025-10-03T00:00:00Z"),
                group_by: vec!["plan".into(), "country".into()],
                ..Query::default()
            },
        ),
        (
            "d survey 3, pro, weekly",
            Query {
                surveys: vec![SurveyId(3)],
                from: at("2025-01-01T00:00:00Z"),
                filters: vec![("plan".into(), vec!["pro".into()])],
                interval: Some(Interval::Week),
                ..Query::default()
            },
        ),
        (
            "e detractor mrr by plan",
            Query {
                scores: Some(detractors),
                group_by: vec!["plan".into()],
                sum_of: Some("mrr".into()),
                ..Query::default()
            },
        ),
        (
            "f comments with pricing",
            Query {
                text: Some("pricing".into()),
                ..Query::default()
            },
        ),
    ];
    for (name, query) in queries {
        let plan = index.plan(&query).unwrap();
        let counts = index.run(&plan);
        let mut times: Vec<f64> = (0..7)
            .map(|_| {
                let started = Instant::now();
                let plan = index.plan(&query).unwrap();
                std::hint::black_box(index.run(&plan));
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{name:28} {:8.2} ms  (n = {})",
            times[3],
            counts.total.responses()
        );
    }
}
