//! Prints what the sentiment analyser finds in each comment of a JSONL file, for training its
//! decision (`bench/feedback/sentiment_decision.py`).
//!
//! ```text
//! cargo run --release -p vouch-insight --example sentiment_features -- FILE
//! ```
//!
//! Each line of `FILE` is a JSON object with at least `id` and `text`, and optionally `lang`
//! (`en`, `fr`, `de`, `es`). Prints one JSON line per comment: `{"id", "features", "evidence"}`,
//! `features` named by `FEATURE_NAMES` (printed first, as `{"names": [...]}`).

use serde::Deserialize;
use vouch_core::language::Language;
use vouch_insight::sentiment::{FEATURE_NAMES, evidence};

#[derive(Deserialize)]
struct Comment {
    id: serde_json::Value,
    text: String,
    lang: Option<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args()
        .nth(1)
        .ok_or("usage: sentiment_features FILE")?;
    let text = std::fs::read_to_string(file)?;
    println!("{}", serde_json::json!({ "names": FEATURE_NAMES }));
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let comment: Comment = serde_json::from_str(line)?;
        let lang = comment.lang.as_deref().and_then(Language::parse);
        let found = evidence(&comment.text, lang);
        let line = serde_json::json!({
            "id": comment.id,
            "features": found.features(),
            "evidence": {
                "total": found.total,
                "most_positive": found.most_positive,
                "most_negative": found.most_negative,
                "strongest": found.strongest,
                "contrasted": found.contrasted,
            },
        });
        println!("{line}");
    }
    Ok(())
}
