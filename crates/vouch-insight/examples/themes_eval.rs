//! Theme discovery on a labelled JSONL file (one `{"id", "text", …}` object a line).
//!
//! `cargo run --release -p vouch-insight --example themes_eval -- FILE` discovers themes over
//! every comment (the number of themes is not given), prints one `{"id", "theme"}` line per
//! comment (its best theme's index, or null) and the themes on stderr, with how many of the
//! themes found on every other comment keep their id (`reconcile`).
//!
//! `… -- FILE --speed N` builds N synthetic comments by splicing the file's comments together
//! (deterministic), times discovery over them and matching of each, and prints one JSON line.

use std::collections::HashMap;
use std::time::Instant;

use serde::Deserialize;
use vouch_insight::themes::{DiscoveryOptions, ThemeDefinition, ThemeMatcher, discover, reconcile};

#[derive(Deserialize)]
struct Row {
    id: String,
    text: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    theme: String,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: themes_eval FILE [--speed N]");
        std::process::exit(2);
    };
    let rows = read_rows(path);
    match args.iter().position(|a| a == "--speed") {
        Some(at) => {
            let n = args
                .get(at + 1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(1_000_000);
            speed(&rows, n);
        }
        None => assign(&rows),
    }
}

fn read_rows(path: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| {
        eprintln!("{path}: {error}");
        std::process::exit(1);
    });
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).expect("a JSON object with id and text"))
        .collect()
}

/// Discovers themes over every comment and prints each comment's best theme.
fn assign(rows: &[Row]) {
    let texts: Vec<&str> = rows.iter().map(|row| row.text.as_str()).collect();
    let themes = discover(&texts, &DiscoveryOptions::default());
    print_themes(&themes);
    let half: Vec<&str> = texts.iter().step_by(2).copied().collect();
    let before = discover(&half, &DiscoveryOptions::default());
    let continues = reconcile(&before, &themes);
    eprintln!(
        "ids: discovery on every other comment found {}, on all {}; {} kept their id",
        before.len(),
        themes.len(),
        continues.iter().flatten().count()
    );
    let matcher = ThemeMatcher::new(&themes);
    for row in rows {
        let best = matcher
            .themes_of(&row.text)
            .first()
            .map(|(theme, _)| *theme);
        println!("{}", serde_json::json!({ "id": row.id, "theme": best }));
    }
}

fn print_themes(themes: &[ThemeDefinition]) {
    eprintln!("{} themes", themes.len());
    for (at, theme) in themes.iter().enumerate() {
        let words: Vec<String> = theme
            .keywords
            .iter()
            .map(|k| format!("{}:{}", k.lang.code(), k.word))
            .collect();
        eprintln!("{at:>2} {:<32} {}", theme.label, words.join(" "));
    }
}

/// A fixed-seed generator (SplitMix64), so the synthetic comments are always the same.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// N comments, each the first half of one comment's words and the second half of another's
/// of the same language and theme (when the file has them), now and then with one word of any
/// comment added.
fn synthetic(rows: &[Row], n: usize) -> Vec<String> {
    let words: Vec<Vec<&str>> = rows
        .iter()
        .map(|row| row.text.split_whitespace().collect())
        .collect();
    let mut alike: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (at, row) in rows.iter().enumerate() {
        let key = (row.lang.as_str(), row.theme.as_str());
        alike.entry(key).or_default().push(at);
    }
    let mut rng = SplitMix(0x766f_7563_6821);
    (0..n)
        .map(|_| {
            let first = rng.below(words.len());
            let same = &alike[&(rows[first].lang.as_str(), rows[first].theme.as_str())];
            let a = &words[first];
            let b = &words[same[rng.below(same.len())]];
            let mut out: Vec<&str> = a[..a.len() / 2].to_vec();
            out.extend_from_slice(&b[b.len() / 2..]);
            if rng.below(4) == 0 {
                let c = &words[rng.below(words.len())];
                if !c.is_empty() {
                    out.push(c[rng.below(c.len())]);
                }
            }
            out.join(" ")
        })
        .collect()
}

/// Times discovery over N synthetic comments and matching of each of them.
fn speed(rows: &[Row], n: usize) {
    let comments = synthetic(rows, n);
    let texts: Vec<&str> = comments.iter().map(String::as_str).collect();
    let started = Instant::now();
    let themes = discover(&texts, &DiscoveryOptions::default());
    let discover_s = started.elapsed().as_secs_f64();
    print_themes(&themes);
    let matcher = ThemeMatcher::new(&themes);
    let started = Instant::now();
    let mut themed = 0usize;
    for text in &texts {
        if !matcher.themes_of(text).is_empty() {
            themed += 1;
        }
    }
    let match_s = started.elapsed().as_secs_f64();
    let line = serde_json::json!({
        "comments": n,
        "themes": themes.len(),
        "discover_s": (discover_s * 1000.0).round() / 1000.0,
        "match_us_per_comment": (match_s * 1e6 / n.max(1) as f64 * 100.0).round() / 100.0,
        "themed_share": (themed as f64 / n.max(1) as f64 * 1000.0).round() / 1000.0,
    });
    println!("{line}");
}
