//! Measures how fast the demo generator produces answers.
//!
//! `cargo run --release -p vouch-demo --example throughput -- 1000000 100000` generates the
//! answers of a million customers and a hundred thousand employees and prints the rates.

use std::time::Instant;

use vouch_demo::{DemoConfig, customer_responses, employee_responses};
use vouch_store::SurveyId;

fn main() {
    let number = |position: usize, default: usize| {
        std::env::args()
            .nth(position)
            .and_then(|argument| argument.parse().ok())
            .unwrap_or(default)
    };
    let customers = number(1, 1_000_000);
    let config = DemoConfig {
        customers,
        employees: number(2, customers / 10),
        ..DemoConfig::default()
    };
    for (label, responses) in [
        (
            "customer",
            Box::new(customer_responses(&config, SurveyId(1))) as Box<dyn Iterator<Item = _>>,
        ),
        (
            "employee",
            Box::new(employee_responses(&config, SurveyId(2))),
        ),
    ] {
        let started = Instant::now();
        let mut count = 0u64;
        let mut comment_bytes = 0usize;
        for response in responses {
            count += 1;
            comment_bytes += response.comment.map_or(0, |comment| comment.len());
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{label} answers: {count} in {seconds:.2} s, {:.0} answers/s ({comment_bytes} bytes of comments)",
            count as f64 / seconds
        );
    }
}
