//! Group-commit speed: `ingest` calls as `POST /api/v1/responses` makes them, each request with
//! an idempotency key and a contact (external id, email, three attributes) drawn from 20 000,
//! 40 % with a comment.
//!
//! `VOUCH_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p vouch-store-postgres --bench ingest`
//!
//! Runs on a fresh database that is dropped afterwards, in three shapes: 100 calls of 1 000
//! requests one after the other; the same spread over 4 connections at once (as several servers
//! would); and 2 000 calls of 10 requests over 8 connections (a lightly loaded server, whose
//! batches are small). Requests are made before the clock starts; it prints requests per second.

use std::time::Instant;

use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::prelude::*;
use vouch_store::{
    AttributeDefinition, Attributes, ContactKey, IdempotencyKey, IngestOutcome, IngestRequest,
    NewResponse, NewSurvey, SurveyId, WorkspaceId,
};
use vouch_store_postgres::{PostgresStore, TestDatabase};

const CONTACTS: u64 = 20_000;
const PLANS: &[&str] = &["free", "pro", "enterprise"];
const COUNTRIES: &[&str] = &["DE", "FR", "US", "GB", "NL", "ES", "IT", "SE", "PL", "BR"];
const WORDS: &[&str] = &[
    "great",
    "support",
    "slow",
    "price",
    "onboarding",
    "easy",
    "dashboard",
    "missing",
    "export",
    "love",
    "team",
    "bug",
    "fast",
    "reports",
    "the",
    "and",
    "but",
    "really",
    "better",
];

/// A small, fast, deterministic generator (xorshift64*).
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound
    }
}

fn definitions() -> Vec<AttributeDefinition> {
    [
        ("plan", AttributeKind::String),
        ("seats", AttributeKind::Number),
        ("country", AttributeKind::String),
    ]
    .into_iter()
    .map(|(name, kind)| AttributeDefinition {
        name: name.into(),
        kind,
    })
    .collect()
}

/// `calls` batches of `size` requests; keys are unique across the run (`run` tells runs apart).
fn batches(
    survey: SurveyId,
    run: &str,
    calls: usize,
    size: usize,
    random: &mut Random,
) -> anyhow::Result<Vec<Vec<IngestRequest>>> {
    let base = jiff::Timestamp::from_second(1_767_225_600)?;
    (0..calls)
        .map(|call| {
            (0..size)
                .map(|position| {
                    let contact = random.below(CONTACTS);
                    let mut attributes = Attributes::new();
                    let plan = PLANS[random.below(PLANS.len() as u64) as usize];
                    attributes.insert("plan".into(), AttributeValue::String(plan.into()));
                    attributes.insert(
                        "seats".into(),
                        AttributeValue::Number((contact % 50 + 1) as f64),
                    );
                    let country = COUNTRIES[(contact % COUNTRIES.len() as u64) as usize];
                    attributes.insert("country".into(), AttributeValue::String(country.into()));
                    let comment = (random.below(10) < 4).then(|| {
                        let words = 5 + random.below(16);
                        (0..words)
                            .map(|_| WORDS[random.below(WORDS.len() as u64) as usize])
                            .collect::<Vec<_>>()
                            .join(" ")
                    });
                    let index = call * size + position;
                    Ok(IngestRequest {
                        response: NewResponse {
                            survey,
                            contact: ContactKey {
                                external_id: Some(format!("C{contact:07}")),
                                email: Some(format!("person{contact}@example.com")),
                            },
                            attributes,
                            score: Score::new(random.below(11) as i64)?,
                            comment,
                            created_at: base + jiff::SignedDuration::from_secs(index as i64),
                            channel: "api".into(),
                        },
                        definitions: definitions(),
                        idempotency: Some(IdempotencyKey {
                            key: format!("{run}-{index:08}"),
                            fingerprint: format!("{index:016x}"),
                        }),
                    })
                })
                .collect()
        })
        .collect()
}

/// Runs the batches over `connections` tasks at once; returns requests per second.
async fn run(
    store: &PostgresStore,
    workspace: WorkspaceId,
    batches: Vec<Vec<IngestRequest>>,
    connections: usize,
) -> anyhow::Result<f64> {
    let requests: usize = batches.iter().map(Vec::len).sum();
    let mut shares: Vec<Vec<Vec<IngestRequest>>> = (0..connections).map(|_| Vec::new()).collect();
    for (index, batch) in batches.into_iter().enumerate() {
        shares[index % connections].push(batch);
    }
    let started = Instant::now();
    let tasks: Vec<_> = shares
        .into_iter()
        .map(|share| {
            let store = store.clone();
            tokio::spawn(async move {
                for batch in share {
                    let outcomes = store.ingest(workspace, batch).await?;
                    anyhow::ensure!(
                        outcomes
                            .iter()
                            .all(|outcome| matches!(outcome, IngestOutcome::Created(_))),
                        "a request was not written"
                    );
                }
                anyhow::Ok(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(requests as f64 / started.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Ok(server_url) = std::env::var("VOUCH_TEST_DATABASE_URL") else {
        eprintln!("skipped: VOUCH_TEST_DATABASE_URL not set");
        return Ok(());
    };
    let database = TestDatabase::create(&server_url).await?;
    let store = PostgresStore::connect(database.url()).await?;
    let workspace = store.workspace("bench").await?.id;
    let survey = store
        .create_survey(
            workspace,
            NewSurvey {
                slug: None,
                settings: Default::default(),
                name: "Q1".into(),
                kind: SurveyKind::Nps,
                question: "How likely are you to recommend Acme to a friend or colleague?".into(),
                follow_up: "Why?".into(),
            },
        )
        .await?
        .id;
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    // Warm up: contacts exist and statements are prepared, as on a server that has been up.
    let warm = batches(survey, "warm", 20, 1_000, &mut random)?;
    run(&store, workspace, warm, 4).await?;

    for (shape, (label, calls, size, connections)) in [
        ("100 calls x 1000 requests, 1 connection ", 100, 1_000, 1),
        ("100 calls x 1000 requests, 4 connections", 100, 1_000, 4),
        ("2000 calls x 10 requests, 8 connections ", 2_000, 10, 8),
    ]
    .into_iter()
    .enumerate()
    {
        let work = batches(survey, &format!("run{shape}"), calls, size, &mut random)?;
        let rate = run(&store, workspace, work, connections).await?;
        println!("ingest, {label}: {rate:.0} requests/s");
    }
    Ok(())
}
