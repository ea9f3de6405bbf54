//! Runs the sentiment analyser over a JSONL file of comments, for evaluation.
//!
//! ```text
//! cargo run --release -p vouch-insight --example sentiment_eval -- FILE [--guess] [--speed N]
//! ```
//!
//! Each line of `FILE` is a JSON object with at least `id` and `text`, and optionally `lang`
//! (`en`, `fr`, `de`, `es`). Prints one JSON line per comment, `{"id", "label", "score"}`.
//! `--guess` ignores `lang` and lets the analyser guess the language. `--speed N` instead
//! analyses N comments (cycling through the file) on one thread and prints
//! `{"comments": N, "seconds": S, "comments_per_second": R}`.

use std::hint::black_box;
use std::time::Instant;

use serde::Deserialize;
use vouch_core::language::Language;
use vouch_insight::sentiment::analyse;

#[derive(Deserialize)]
struct Comment {
    id: serde_json::Value,
    text: String,
    lang: Option<String>,
}

struct Options {
    file: String,
    guess: bool,
    speed: Option<usize>,
}

fn options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let (mut file, mut guess, mut speed) = (None, false, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--guess" => guess = true,
            "--speed" => {
                let n = args.next().ok_or("--speed needs a number")?;
                speed = Some(n.parse().map_err(|_| format!("not a number: {n}"))?);
            }
            _ if file.is_none() => file = Some(arg),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    let file = file.ok_or("usage: sentiment_eval FILE [--guess] [--speed N]")?;
    Ok(Options { file, guess, speed })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = options()?;
    let text = std::fs::read_to_string(&options.file)?;
    let mut comments = Vec::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        comments.push(serde_json::from_str::<Comment>(line)?);
    }
    let langs: Vec<Option<Language>> = comments
        .iter()
        .map(|c| match options.guess {
            true => None,
            false => c.lang.as_deref().and_then(Language::parse),
        })
        .collect();
    if let Some(n) = options.speed {
        if comments.is_empty() {
            return Err("no comments to time".into());
        }
        let started = Instant::now();
        for at in 0..n {
            let index = at % comments.len();
            black_box(analyse(black_box(&comments[index].text), langs[index]));
        }
        let seconds = started.elapsed().as_secs_f64();
        let rate = n as f64 / seconds;
        let line =
            serde_json::json!({"comments": n, "seconds": seconds, "comments_per_second": rate});
        println!("{line}");
        return Ok(());
    }
    for (comment, lang) in comments.iter().zip(&langs) {
        let said = analyse(&comment.text, *lang);
        let line = serde_json::json!({"id": comment.id, "label": said.label.as_str(), "score": said.score});
        println!("{line}");
    }
    Ok(())
}
