//! Times the group-commit ingest behind `POST /api/v1/responses` and prints requests per
//! second.
//!
//! 100 calls of 1 000 requests each, as the server makes them under load: every request has
//! an idempotency key, contacts are drawn from 20 000 (so most calls both create contacts and
//! update known ones), each with an external id, an email and three attributes, and 5 % of
//! requests are client retries of a request of the previous call (replayed, not written).
//! Before the timed calls, a warm-up call fills the caches. Run with
//! `cargo bench -p vouch-store-sqlite --bench ingest`; `VOUCH_BENCH_CALLS` and
//! `VOUCH_BENCH_BATCH` change the shape.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::prelude::*;
use vouch_store::{
    AttributeDefinition, Attributes, ContactKey, IdempotencyKey, IngestOutcome, IngestRequest,
    NewResponse, NewSurvey, SurveyId,
};
use vouch_store_sqlite::SqliteStore;

const CONTACTS: usize = 20_000;
const SURVEYS: usize = 5;
const RETRIES_PERCENT: u32 = 5;

fn main() -> anyhow::Result<()> {
    let setting = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(default)
    };
    let calls = setting("VOUCH_BENCH_CALLS", 100);
    let batch = setting("VOUCH_BENCH_BATCH", 1_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(calls, batch))
}

async fn run(calls: usize, batch: usize) -> anyhow::Result<()> {
    let directory = tempfile::tempdir()?;
    let store = SqliteStore::open_path(&directory.path().join("bench.db"))?;
    let workspace = store.workspace("bench").await?.id;
    let mut surveys = Vec::new();
    for number in 1..=SURVEYS {
        let survey = NewSurvey {
            slug: None,
            settings: Default::default(),
            name: format!("survey {number}"),
            kind: SurveyKind::Nps,
            question: "How likely are you to recommend Acme to a friend?".to_owned(),
            follow_up: "Why?".to_owned(),
        };
        surveys.push(store.create_survey(workspace, survey).await?.id);
    }
    let mut generator = Generator::new(surveys)?;
    let warm_up = generator.call(batch);
    store.ingest(workspace, warm_up).await?;

    let calls: Vec<Vec<IngestRequest>> = (0..calls).map(|_| generator.call(batch)).collect();
    let mut latencies = Vec::with_capacity(calls.len());
    let (mut created, mut replayed) = (0_usize, 0_usize);
    let written_before = bytes_written();
    let started = Instant::now();
    for call in calls {
        let call_started = Instant::now();
        let outcomes = store.ingest(workspace, call).await?;
        latencies.push(call_started.elapsed());
        for outcome in outcomes {
            match outcome {
                IngestOutcome::Created(_) => created += 1,
                IngestOutcome::Replayed(_) => replayed += 1,
                IngestOutcome::KeyReused => anyhow::bail!("no key is reused in the bench"),
            }
        }
    }
    let elapsed = started.elapsed();
    let written = bytes_written()
        .zip(written_before)
        .map(|(after, before)| after - before);
    let requests = created + replayed;
    latencies.sort();
    let percentile = |share: f64| {
        let index = ((latencies.len() as f64 * share) as usize).min(latencies.len() - 1);
        latencies[index]
    };
    println!(
        "ingest: {} calls of {batch}: {requests} requests ({created} written, {replayed} \
         replayed) in {elapsed:.2?}: {:.0} requests/s",
        latencies.len(),
        requests as f64 / elapsed.as_secs_f64()
    );
    println!(
        "ingest: per call p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        percentile(0.5),
        percentile(0.99),
        latencies.last().copied().unwrap_or(Duration::ZERO)
    );
    if let Some(written) = written {
        // The log and the checkpoints: mostly whole pages, one per index a request changes
        // at a random place once the indexes outgrow a call.
        println!(
            "ingest: {:.1} KiB written to files per request",
            written as f64 / 1024.0 / requests as f64
        );
    }
    Ok(())
}

/// Bytes this process has written through system calls so far, on Linux.
fn bytes_written() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    io.lines()
        .find_map(|line| line.strip_prefix("wchar: "))
        .and_then(|bytes| bytes.trim().parse().ok())
}

/// Makes calls of requests as the server would pass them on.
struct Generator {
    rng: SmallRng,
    surveys: Vec<SurveyId>,
    attributes: Vec<Attributes>,
    definitions: Vec<AttributeDefinition>,
    sent: u64,
    previous: Vec<IngestRequest>,
    zero: Score,
}

impl Generator {
    fn new(surveys: Vec<SurveyId>) -> anyhow::Result<Generator> {
        let mut rng = SmallRng::seed_from_u64(7);
        let attributes = (0..CONTACTS).map(|_| attributes(&mut rng)).collect();
        let definitions = [
            ("plan", AttributeKind::String),
            ("country", AttributeKind::String),
            ("mrr", AttributeKind::Number),
        ]
        .into_iter()
        .map(|(name, kind)| AttributeDefinition {
            name: name.to_owned(),
            kind,
        })
        .collect();
        Ok(Generator {
            rng,
            surveys,
            attributes,
            definitions,
            sent: 0,
            previous: Vec::new(),
            zero: Score::new(0)?,
        })
    }

    fn call(&mut self, size: usize) -> Vec<IngestRequest> {
        let call: Vec<IngestRequest> = (0..size)
            .map(|_| {
                let retry =
                    !self.previous.is_empty() && self.rng.random_range(0..100) < RETRIES_PERCENT;
                match retry {
                    true => {
                        let index = self.rng.random_range(0..self.previous.len());
                        self.previous[index].clone()
                    }
                    false => self.request(),
                }
            })
            .collect();
        self.previous.clone_from(&call);
        call
    }

    fn request(&mut self) -> IngestRequest {
        self.sent += 1;
        let contact = self.rng.random_range(0..CONTACTS);
        let mut attributes = self.attributes[contact].clone();
        if self.rng.random_range(0..10) == 0 {
            // Now and then an attribute changes.
            attributes.insert(
                "mrr".into(),
                AttributeValue::Number(f64::from(self.rng.random_range(0..10_000_u32))),
            );
        }
        let comment = (self.rng.random_range(0..10) < 4).then(|| {
            "The onboarding was quick and the support team answered within the hour".to_owned()
        });
        let score = Score::new(self.rng.random_range(0..=10)).unwrap_or(self.zero);
        IngestRequest {
            response: NewResponse {
                survey: self.surveys[self.rng.random_range(0..self.surveys.len())],
                contact: ContactKey {
                    external_id: Some(format!("customer-{contact}")),
                    email: Some(format!("customer.{contact}@example.com")),
                },
                attributes,
                score,
                comment,
                created_at: Timestamp::now(),
                channel: "api".to_owned(),
            },
            definitions: self.definitions.clone(),
            idempotency: Some(IdempotencyKey {
                key: format!("{:016x}-{}", self.rng.random::<u64>(), self.sent),
                fingerprint: format!("{:016x}", self.rng.random::<u64>()),
            }),
        }
    }
}

fn attributes(rng: &mut SmallRng) -> Attributes {
    const PLANS: [&str; 4] = ["free", "starter", "pro", "enterprise"];
    const COUNTRIES: [&str; 6] = ["US", "GB", "DE", "FR", "CA", "NL"];
    let mut attributes = Attributes::new();
    attributes.insert(
        "plan".into(),
        AttributeValue::String(PLANS[rng.random_range(0..PLANS.len())].into()),
    );
    attributes.insert(
        "country".into(),
        AttributeValue::String(COUNTRIES[rng.random_range(0..COUNTRIES.len())].into()),
    );
    attributes.insert(
        "mrr".into(),
        AttributeValue::Number(f64::from(rng.random_range(0..10_000_u32))),
    );
    attributes
}
