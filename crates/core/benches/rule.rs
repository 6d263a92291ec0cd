//! Rule throughput: parsing, and evaluating the seed rule and a 50-clause rule
//! over pre-parsed contexts with a compiled rule. A plain binary (no
//! criterion): `cargo bench -p hookwright-core --bench rule`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use hookwright_core::rule::{EvalOptions, Rule};
use hookwright_core::Context;

const SEED: &str =
    r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;

/// Runs `f` repeatedly for about a second; returns calls per second.
fn measure(mut f: impl FnMut() -> usize) -> f64 {
    let mut calls = 0usize;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        calls += f();
    }
    calls as f64 / start.elapsed().as_secs_f64()
}

fn contexts(n: usize) -> Vec<Context> {
    let statuses = [
        "Open",
        "Collections",
        "Closed",
        "Open - Repaying",
        "Paid Off",
    ];
    (0..n)
        .map(|i| {
            Context::from_json(&format!(
                r#"{{"loan-id": {i}, "loan-display-id": "L{i}-2013", "loan-status": "{}",
                    "status-days-past-due": {}, "status-amount-due": {}.{:02},
                    "status-next-payment-amount": 89.24, "current-date": "2022-09-26",
                    "next-scheduled-payment-date": "2022-10-{:02}", "status-stoplight": {},
                    "customer": {{"primary": {{"full-name": "Customer {i}", "id": {i}}}}}}}"#,
                statuses[i % statuses.len()],
                i % 9,
                i % 500,
                i % 100,
                1 + i % 28,
                i % 2 == 0
            ))
            .unwrap()
        })
        .collect()
}

fn fifty_clauses() -> String {
    let templates = [
        r#"(= loan-status "Closed")"#,
        "(> status-days-past-due 90)",
        "(>= status-amount-due 10000)",
        r#"(< next-scheduled-payment-date "2020-01-01")"#,
        r#"(contains? #{"Paid Off" "Charged Off"} loan-status)"#,
        "(= (+ status-amount-due status-next-payment-amount) 1)",
        r#"(clojure.string/starts-with? customer.primary.full-name "Zed")"#,
        "(= status-stoplight nil)",
        r#"(not= current-date "2022-09-26")"#,
        "(< loan-id 0)",
    ];
    let clauses: Vec<&str> = (0..50).map(|i| templates[i % templates.len()]).collect();
    format!("(or {})", clauses.join(" "))
}

fn main() {
    let fifty = fifty_clauses();
    let ctxs = contexts(1024);
    let opts = EvalOptions::default();

    for (name, src) in [("seed rule", SEED), ("50-clause rule", fifty.as_str())] {
        let parses = measure(|| {
            for _ in 0..100 {
                black_box(Rule::parse(black_box(src)).unwrap());
            }
            100
        });
        println!(
            "parse   {name:<15} {:>12.0} rules/s  {:>8.1} MB/s",
            parses,
            parses * src.len() as f64 / 1e6
        );
    }
    let big = format!("(and {})", fifty.repeat(200));
    let parses = measure(|| {
        black_box(Rule::parse(black_box(&big)).unwrap());
        1
    });
    println!(
        "parse   {:<15} {:>12.1} rules/s  {:>8.1} MB/s  ({} KB)",
        "10k-clause rule",
        parses,
        parses * big.len() as f64 / 1e6,
        big.len() / 1000
    );

    for (name, src) in [("seed rule", SEED), ("50-clause rule", fifty.as_str())] {
        let compiled = Rule::parse(src).unwrap().compile().unwrap();
        let mut fired = 0usize;
        let evals = measure(|| {
            for ctx in &ctxs {
                fired += usize::from(compiled.matches(black_box(ctx), &opts).unwrap());
            }
            ctxs.len()
        });
        black_box(fired);
        println!(
            "eval    {name:<15} {evals:>12.0} contexts/s (compiled, {} contexts)",
            ctxs.len()
        );
    }
    let rule = Rule::parse(SEED).unwrap();
    let evals = measure(|| {
        for ctx in &ctxs[..64] {
            black_box(rule.eval(black_box(ctx), &opts).unwrap());
        }
        64
    });
    println!(
        "eval    {:<15} {evals:>12.0} contexts/s (Rule::eval, compiling each time)",
        "seed rule"
    );
}
