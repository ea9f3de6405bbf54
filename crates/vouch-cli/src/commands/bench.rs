//! `vouch bench`: the dashboard query set timed on the analytics engine, over every response
//! of the workspace (see `bench/README.md` for the dataset and the baselines).

use crate::{out, outln};
use std::time::Instant;

use jiff::Timestamp;
use vouch_analytics::{Query, ResponseIndex, sync};
use vouch_core::Interval;
use vouch_store::{Store, Workspace};

use super::import_csv::parse_instant;
use super::report::workspace_time_zone;
use crate::cli::BenchArgs;
use crate::table;

/// One query of the set, as named in `PERF.md`.
struct BenchQuery {
    id: &'static str,
    description: &'static str,
    query: Query,
}

/// Runs `vouch bench`.
pub async fn bench(
    store: &dyn Store,
    workspace: &Workspace,
    args: &BenchArgs,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut index = ResponseIndex::new(workspace_time_zone(workspace)?);
    sync::catch_up(store, workspace.id, None, &mut index).await?;
    let load_seconds = started.elapsed().as_secs_f64();
    let stats = index.stats();
    let survey_3 = store.survey_by_name(workspace.id, "3").await?.map(|s| s.id);
    let mut results = Vec::new();
    for bench_query in query_set(survey_3)? {
        let mut times = Vec::with_capacity(args.repetitions);
        let plan = index.plan(&bench_query.query)?;
        let counts = index.run(&plan); // warm-up
        for _ in 0..args.repetitions.max(1) {
            let started = Instant::now();
            let plan = index.plan(&bench_query.query)?;
            std::hint::black_box(index.run(&plan));
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let figures = vouch_core::NpsFigures::from_histogram(&counts.total);
        results.push((bench_query, median, figures, counts));
    }
    let memory = resident_memory();
    if args.json {
        let queries: Vec<serde_json::Value> = results
            .iter()
            .map(|(q, median, figures, counts)| {
                serde_json::json!({"id": q.id, "query": q.description, "median_ms": median,
                    "responses": figures.responses, "nps": figures.nps,
                    "groups": counts.groups.iter().filter(|g| g.iter().any(|&c| c > 0)).count(),
                    "periods": counts.periods.iter().filter(|p| p.iter().any(|&c| c > 0)).count(),
                    "sum": counts.total_sum})
            })
            .collect();
        let report = serde_json::json!({
            "rows": stats.rows, "load_seconds": load_seconds, "index_bytes": stats.heap_bytes,
            "peak_rss_bytes": memory.peak, "rss_bytes": memory.current, "queries": queries,
        });
        outln!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    outln!(
        "{} responses loaded in {load_seconds:.1} s; index {:.0} MiB; resident {:.0} MiB (peak {:.0} MiB)",
        stats.rows,
        mib(stats.heap_bytes as u64),
        mib(memory.current),
        mib(memory.peak)
    );
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|(q, median, figures, _)| {
            vec![
                q.id.to_owned(),
                q.description.to_owned(),
                format!("{median:.2}"),
                figures.responses.to_string(),
                figures.nps.map_or("–".into(), |nps| format!("{nps:.2}")),
            ]
        })
        .collect();
    let header = ["id", "query", "median ms", "n", "nps"];
    out!(
        "{}",
        table::render(&header, &rows, &[false, false, true, true, true])
    );
    if args.feedback {
        super::bench_feedback::bench_feedback(store, workspace, &index, args.repetitions).await?;
    }
    if args.teams {
        super::bench_teams::bench_teams(store, workspace, &index, args.repetitions).await?;
    }
    Ok(())
}

fn query_set(survey_3: Option<vouch_store::SurveyId>) -> anyhow::Result<Vec<BenchQuery>> {
    let at = |text: &str| -> anyhow::Result<Timestamp> {
        parse_instant(text).map_err(anyhow::Error::msg)
    };
    let mut detractors = [false; 11];
    detractors[..7].fill(true);
    Ok(vec![
        BenchQuery {
            id: "a",
            description: "overall NPS and n",
            query: Query::default(),
        },
        BenchQuery {
            id: "b",
            description: "NPS and n per month",
            query: Query {
                interval: Some(Interval::Month),
                ..Query::default()
            },
        },
        BenchQuery {
            id: "c",
            description: "NPS per plan × country, last 90 days",
            query: Query {
                from: Some(at("2025-10-03")?),
                group_by: vec!["plan".into(), "country".into()],
                ..Query::default()
            },
        },
        BenchQuery {
            id: "d",
            description: "survey 3, plan pro, from 2025-01-01, per ISO week",
            query: Query {
                surveys: survey_3.into_iter().collect(),
                from: Some(at("2025-01-01")?),
                filters: vec![("plan".into(), vec!["pro".into()])],
                interval: Some(Interval::Week),
                ..Query::default()
            },
        },
        BenchQuery {
            id: "e",
            description: "detractors' summed MRR per plan",
            query: Query {
                scores: Some(detractors),
                group_by: vec!["plan".into()],
                sum_of: Some("mrr".into()),
                ..Query::default()
            },
        },
        BenchQuery {
            id: "f",
            description: "n and NPS of comments containing \"pricing\"",
            query: Query {
                text: Some("pricing".into()),
                ..Query::default()
            },
        },
    ])
}

struct Memory {
    current: u64,
    peak: u64,
}

/// Resident memory of this process from `/proc/self/status` (zero where unavailable).
fn resident_memory() -> Memory {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or(0, |kib| kib * 1024)
    };
    Memory {
        current: field("VmRSS:"),
        peak: field("VmHWM:"),
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
