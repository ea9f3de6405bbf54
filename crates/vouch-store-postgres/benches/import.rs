//! Import speed: one all-or-nothing import of 1 000 000 responses from 200 000 contacts, each
//! with an external id, an email and three attributes, 40 % with a comment of 5 to 20 words.
//!
//! `VOUCH_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p vouch-store-postgres`
//!
//! Runs on a fresh database that is dropped afterwards. Only the store's time is counted (the
//! rows of the next batch are made while the clock is stopped); it prints rows per second.

use std::time::{Duration, Instant};

use vouch_core::{AttributeValue, Score, SurveyKind};
use vouch_store::prelude::*;
use vouch_store::{Attributes, ContactKey, NewResponse, NewSurvey, SurveyId};
use vouch_store_postgres::{PostgresStore, TestDatabase};

const RESPONSES: usize = 1_000_000;
const CONTACTS: u64 = 200_000;
const BATCH: usize = 10_000;

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
    "integration",
    "expensive",
    "helpful",
    "the",
    "and",
    "but",
    "really",
    "could",
    "better",
    "mobile",
    "app",
    "billing",
    "feature",
    "works",
    "well",
];
const PLANS: &[&str] = &["free", "pro", "enterprise"];
const COUNTRIES: &[&str] = &["DE", "FR", "US", "GB", "NL", "ES", "IT", "SE", "PL", "BR"];

/// A small, fast, deterministic generator (xorshift64*).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

fn attributes(contact: u64, random: &mut Random) -> Attributes {
    // A contact's attributes are stable, except that one row in twenty shows a plan change.
    let mut plan = PLANS[(contact % 3) as usize];
    if random.below(20) == 0 {
        plan = PLANS[random.below(3) as usize];
    }
    let mut attributes = Attributes::new();
    attributes.insert("plan".into(), AttributeValue::String(plan.into()));
    attributes.insert(
        "seats".into(),
        AttributeValue::Number((contact % 50 + 1) as f64),
    );
    let country = COUNTRIES[(contact % COUNTRIES.len() as u64) as usize];
    attributes.insert("country".into(), AttributeValue::String(country.into()));
    attributes
}

fn comment(random: &mut Random) -> Option<String> {
    if random.below(10) >= 4 {
        return None;
    }
    let words = 5 + random.below(16);
    let text: Vec<&str> = (0..words)
        .map(|_| WORDS[random.below(WORDS.len() as u64) as usize])
        .collect();
    Some(text.join(" "))
}

fn batch(survey: SurveyId, start: usize, random: &mut Random) -> anyhow::Result<Vec<NewResponse>> {
    let base = jiff::Timestamp::from_second(1_735_689_600)?;
    (start..(start + BATCH).min(RESPONSES))
        .map(|index| {
            let contact = random.below(CONTACTS);
            Ok(NewResponse {
                survey,
                contact: ContactKey {
                    external_id: Some(format!("C{contact:07}")),
                    email: Some(format!("person{contact}@example.com")),
                },
                attributes: attributes(contact, random),
                score: Score::new(random.below(11) as i64)?,
                comment: comment(random),
                created_at: base + jiff::SignedDuration::from_secs(index as i64 * 30),
                channel: "import".into(),
            })
        })
        .collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Ok(server_url) = std::env::var("VOUCH_TEST_DATABASE_URL") else {
        eprintln!("skipped: VOUCH_TEST_DATABASE_URL not set");
        return Ok(());
    };
    let database = TestDatabase::create(&server_url).await?;
    let store = PostgresStore::connect(database.url()).await?;
    let workspace = store.workspace("bench").await?;
    let survey = store
        .create_survey(
            workspace.id,
            NewSurvey {
                slug: None,
                settings: Default::default(),
                name: "Q1".into(),
                kind: SurveyKind::Nps,
                question: "How likely are you to recommend Acme to a friend or colleague?".into(),
                follow_up: "Why?".into(),
            },
        )
        .await?;
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let wall = Instant::now();
    let mut in_store = Duration::ZERO;
    let started = Instant::now();
    let mut import = store.begin_import(workspace.id).await?;
    in_store += started.elapsed();
    for start in (0..RESPONSES).step_by(BATCH) {
        let rows = batch(survey.id, start, &mut random)?;
        let started = Instant::now();
        import.write(&rows).await?;
        in_store += started.elapsed();
    }
    let started = Instant::now();
    let summary = import.commit().await?;
    in_store += started.elapsed();
    let rate = summary.responses as f64 / in_store.as_secs_f64();
    println!(
        "import: {} responses, {} contacts created, {:.2} s in the store ({:.2} s wall): {:.0} rows/s",
        summary.responses,
        summary.contacts_created,
        in_store.as_secs_f64(),
        wall.elapsed().as_secs_f64(),
        rate
    );
    let started = Instant::now();
    let mut after = vouch_store::ResponseId(0);
    let mut read = 0;
    loop {
        let page = store
            .responses_after(workspace.id, after, None, 50_000)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        read += page.len();
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "responses_after: {read} responses in {elapsed:.2} s: {:.0} rows/s",
        read as f64 / elapsed
    );
    Ok(())
}
