//! `vouch bench --feedback`: what comments cost — a keyword rule's dry run over every
//! response, finding a survey's themes from scratch, its themes report, and a ranked search —
//! on the data in the database (see `bench/README.md`).

use std::time::Instant;

use vouch_analytics::rules::{Matcher, count_matches};
use vouch_analytics::theme_report::theme_report;
use vouch_analytics::themes::{ThemeSources, discover};
use vouch_analytics::{Query, ResponseIndex};
use vouch_core::text::Term;
use vouch_store::{Store, Workspace};

use crate::outln;

/// The search timed: two words and a prefix of the benchmark's vocabulary.
const SEARCH: &str = "pricing support slow*";

/// The rule timed: a word, a prefix and a phrase.
const RULE: &str = "pricing, refund*, \"too slow\"";

/// Times the feedback work on `index` (already loaded) and prints one line per figure.
pub async fn bench_feedback(
    store: &dyn Store,
    workspace: &Workspace,
    index: &ResponseIndex,
    repetitions: usize,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let matcher = Matcher::new(Term::parse_list(RULE)?, None);
    let matched = count_matches(store, workspace.id, &matcher, |_| {}).await?;
    outln!(
        "rule dry run ({RULE}) over {} responses: {:.2} s, matched {matched}",
        index.stats().rows,
        started.elapsed().as_secs_f64()
    );
    let Some(largest) = store
        .surveys(workspace.id)
        .await?
        .into_iter()
        .max_by_key(|listing| listing.responses)
    else {
        return Ok(());
    };
    let survey = largest.survey;
    let comments = index.stats().comments;
    let started = Instant::now();
    let found = discover(store, workspace.id, survey.id, comments).await?;
    outln!(
        "themes of survey {:?} ({} responses) from scratch: {:.2} s, {} themes",
        survey.name,
        largest.responses,
        started.elapsed().as_secs_f64(),
        found.len()
    );
    let sources = ThemeSources::load(store, workspace.id, survey.id).await?;
    let query = Query {
        surveys: vec![survey.id],
        ..Query::default()
    };
    let page = median_ms(repetitions, || {
        let entries = sources.entries(index);
        std::hint::black_box(theme_report(index, &query, entries, Some("mrr")).map(|_| ()))
    })?;
    outln!("themes report of that survey (the themes page's work): median {page:.1} ms");
    let terms = Term::parse_search(SEARCH)?;
    let search = median_ms(repetitions, || {
        std::hint::black_box(
            index
                .search(&Query::default(), &terms, None, 50)
                .map(|_| ()),
        )
    })?;
    outln!("ranked search {SEARCH:?}, first page of 50, every survey: median {search:.1} ms");
    Ok(())
}

/// The median time of `run` over `repetitions` runs after one warm-up, in milliseconds.
pub(super) fn median_ms<E: std::error::Error + Send + Sync + 'static>(
    repetitions: usize,
    mut run: impl FnMut() -> Result<(), E>,
) -> anyhow::Result<f64> {
    run()?;
    let mut times = Vec::new();
    for _ in 0..repetitions.max(1) {
        let started = Instant::now();
        run()?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}
