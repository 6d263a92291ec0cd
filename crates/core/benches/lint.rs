//! Time to lint a 1,000-connection file (the issue asks for under a second):
//! the four shipped examples repeated 250 times each with unique ids, so every
//! rule is type-checked and every template parsed and rendered against each
//! fitting sample (4 loan samples for LoanPro connections, 1 for YouLend).
//! Run: `cargo bench -p hookwright-core --bench lint`

use std::hint::black_box;
use std::time::{Duration, Instant};

use hookwright_core::lint::lint_file;

const EXAMPLES: &[&str] = &[
    include_str!("../../../examples/late-5-days-customer-note.json"),
    include_str!("../../../examples/late-5-days-external.json"),
    include_str!("../../../examples/youlend-manual-payment-note.json"),
    include_str!("../../../examples/youlend-repayment-ledger.json"),
];

/// `count` connections cycling through the examples, as a pretty-printed file.
fn file(count: usize) -> String {
    let templates: Vec<serde_json::Value> = EXAMPLES
        .iter()
        .map(|text| {
            let file: serde_json::Value = serde_json::from_str(text).unwrap();
            file["connections"][0].clone()
        })
        .collect();
    let connections: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            let mut c = templates[i % templates.len()].clone();
            c["id"] = format!("{}-{i}", c["id"].as_str().unwrap()).into();
            c
        })
        .collect();
    let file = serde_json::json!({
        "format": "hookwright/connections",
        "version": 1,
        "connections": connections,
    });
    serde_json::to_string_pretty(&file).unwrap()
}

fn main() {
    for count in [1000, 10_000] {
        let text = file(count);
        let report = lint_file("bench.json", &text);
        assert_eq!(report.connections, count);
        // Only the redacted bearer tokens of the two note examples.
        assert_eq!(report.errors(), 0, "{report}");
        assert_eq!(report.warnings(), count / 2);

        black_box(lint_file("bench.json", black_box(&text)));
        let mut times: Vec<Duration> = Vec::new();
        let start = Instant::now();
        while times.len() < 5 || (start.elapsed() < Duration::from_secs(3) && times.len() < 50) {
            let t = Instant::now();
            black_box(lint_file("bench.json", black_box(&text)));
            times.push(t.elapsed());
        }
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "lint {count:>6} connections ({:>5} KB): best {:>7.1} ms, median {:>7.1} ms, {:.1} µs per connection ({} runs)",
            text.len() / 1024,
            times[0].as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e6 / count as f64,
            times.len()
        );
    }
}
