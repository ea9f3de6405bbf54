//! Times a realistic import and a full load back, and prints rows per second.
//!
//! One million responses from 200 000 contacts (external id and email), three attributes per
//! contact (`plan`, `country`, `mrr`), 20 surveys, 40 % of rows with a 5–20 word comment,
//! created over three years in time order. Run with `cargo bench -p vouch-store-sqlite --bench import`;
//! `VOUCH_BENCH_ROWS` changes the number of responses.

use std::time::Instant;

use jiff::Timestamp;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::prelude::*;
use vouch_store::{
    AttributeDefinition, Attributes, ContactKey, NewResponse, NewSurvey, ResponseId, SurveyId,
    WorkspaceId,
};
use vouch_store_sqlite::SqliteStore;

const CONTACTS: usize = 200_000;
const SURVEYS: usize = 20;
const BATCH: usize = 10_000;
const PAGE: usize = 100_000;

fn main() -> anyhow::Result<()> {
    let rows: usize = std::env::var("VOUCH_BENCH_ROWS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1_000_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(rows))
}

async fn run(rows: usize) -> anyhow::Result<()> {
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
    let started = Instant::now();
    let responses = generate(rows, &surveys)?;
    println!("generated {rows} responses in {:.2?}", started.elapsed());

    import(&store, workspace, &responses).await?;
    load(&store, workspace).await?;
    let started = Instant::now();
    let listings = store.surveys(workspace).await?;
    let counted: u64 = listings.iter().map(|listing| listing.responses).sum();
    println!(
        "survey listing: {counted} responses counted in {:.2?}",
        started.elapsed()
    );
    Ok(())
}

/// Imports the responses in batches, as `vouch import` does, and reports the rate.
async fn import(
    store: &SqliteStore,
    workspace: WorkspaceId,
    responses: &[NewResponse],
) -> anyhow::Result<()> {
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let mut import = store.begin_import(workspace).await?;
    import.define_attributes(&definitions()).await?;
    for batch in responses.chunks(BATCH) {
        import.write(batch).await?;
    }
    let summary = import.commit().await?;
    let elapsed = started.elapsed();
    let writer_cpu = thread_cpu_seconds("vouch-sqlite-im");
    println!(
        "import: {} responses, {} contacts created in {elapsed:.2?}: {:.0} rows/s",
        summary.responses,
        summary.contacts_created,
        summary.responses as f64 / elapsed.as_secs_f64()
    );
    if let (Some(before), Some(after)) = (cpu_before, cpu_seconds()) {
        // Other work on the machine slows the wall clock down, not the CPU time used.
        println!(
            "import: {:.2} CPU-seconds over both cores, {:.2} µs of CPU per row",
            after - before,
            (after - before) * 1e6 / summary.responses as f64
        );
    }
    if let Some(writer) = writer_cpu {
        println!("import: of which the writer thread {writer:.2} CPU-seconds");
    }
    Ok(())
}

/// Loads every response back in pages, as the analytics index does at start, and reports the
/// rate.
async fn load(store: &SqliteStore, workspace: WorkspaceId) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut after = ResponseId::default();
    let mut loaded = 0;
    loop {
        let page = store.responses_after(workspace, after, None, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        loaded += page.len();
    }
    let elapsed = started.elapsed();
    println!(
        "load: {loaded} responses in {elapsed:.2?}: {:.0} rows/s",
        loaded as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}

/// CPU time this process has used (user and system), on Linux.
fn cpu_seconds() -> Option<f64> {
    stat_cpu_seconds(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

/// CPU time used so far by this process's thread named `name`, on Linux.
fn thread_cpu_seconds(name: &str) -> Option<f64> {
    std::fs::read_dir("/proc/self/task")
        .ok()?
        .flatten()
        .find_map(|task| {
            let comm = std::fs::read_to_string(task.path().join("comm")).ok()?;
            (comm.trim() == name)
                .then(|| std::fs::read_to_string(task.path().join("stat")).ok())
                .flatten()
                .and_then(|stat| stat_cpu_seconds(&stat))
        })
}

/// User plus system time from a `/proc/…/stat` line.
fn stat_cpu_seconds(stat: &str) -> Option<f64> {
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn definitions() -> Vec<AttributeDefinition> {
    [
        ("plan", AttributeKind::String),
        ("country", AttributeKind::String),
        ("mrr", AttributeKind::Number),
    ]
    .into_iter()
    .map(|(name, kind)| AttributeDefinition {
        name: name.to_owned(),
        kind,
    })
    .collect()
}

/// One contact's fixed attributes.
fn contact_attributes(rng: &mut SmallRng) -> Attributes {
    const PLANS: [&str; 5] = ["free", "starter", "pro", "business", "enterprise"];
    const COUNTRIES: [&str; 10] = ["US", "GB", "DE", "FR", "CA", "AU", "NL", "SE", "ES", "IT"];
    let plan = rng.random_range(0..PLANS.len());
    let country = zipf(rng, COUNTRIES.len());
    let mrr: f64 = [0.0, 49.0, 249.0, 990.0, 6000.0][plan] * rng.random_range(0.5..2.0);
    let mut attributes = Attributes::new();
    attributes.insert("plan".into(), AttributeValue::String(PLANS[plan].into()));
    attributes.insert(
        "country".into(),
        AttributeValue::String(COUNTRIES[country].into()),
    );
    attributes.insert(
        "mrr".into(),
        AttributeValue::Number((mrr * 100.0).round() / 100.0),
    );
    attributes
}

/// An index below `count`, small ones far more often (roughly Zipf's law).
fn zipf(rng: &mut SmallRng, count: usize) -> usize {
    let index = (count as f64).powf(rng.random::<f64>()) as usize;
    index.saturating_sub(1).min(count - 1)
}

fn generate(rows: usize, surveys: &[SurveyId]) -> anyhow::Result<Vec<NewResponse>> {
    let mut rng = SmallRng::seed_from_u64(42);
    let attributes: Vec<Attributes> = (0..CONTACTS)
        .map(|_| contact_attributes(&mut rng))
        .collect();
    let vocabulary: Vec<String> = (0..2_000).map(|index| format!("word{index}")).collect();
    // Emails sort in another order than external ids, as in real data.
    let emails: Vec<String> = (0..CONTACTS)
        .map(|contact| {
            format!(
                "{}.{contact}@example.com",
                vocabulary[rng.random_range(0..vocabulary.len())]
            )
        })
        .collect();
    let start = Timestamp::from_second(1_672_531_200).map_or(0, |t| t.as_millisecond());
    let span_millis = 3 * 365 * 86_400_000_i64;
    // About 45 % promoters, 30 % passives and 25 % detractors.
    let scores = [
        0, 1, 2, 3, 4, 5, 6, 7, 7, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10,
    ]
    .into_iter()
    .map(Score::new)
    .collect::<Result<Vec<Score>, _>>()?;
    let responses = (0..rows)
        .map(|index| {
            let contact = (CONTACTS as f64 * rng.random::<f64>().powf(1.7)) as usize;
            let comment = (rng.random::<f64>() < 0.4).then(|| {
                let words = rng.random_range(5..=20);
                let text: Vec<&str> = (0..words)
                    .map(|_| vocabulary[zipf(&mut rng, vocabulary.len())].as_str())
                    .collect();
                text.join(" ")
            });
            let millis = start + span_millis * index as i64 / rows as i64;
            NewResponse {
                survey: surveys[zipf(&mut rng, surveys.len())],
                contact: ContactKey {
                    external_id: Some(format!("account-{contact}")),
                    email: Some(emails[contact].clone()),
                },
                attributes: attributes[contact].clone(),
                score: scores[rng.random_range(0..scores.len())],
                comment,
                created_at: Timestamp::from_millisecond(millis).unwrap_or(Timestamp::UNIX_EPOCH),
                channel: "import".to_owned(),
            }
        })
        .collect();
    Ok(responses)
}
