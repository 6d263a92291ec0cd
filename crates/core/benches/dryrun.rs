//! Times one thread of the dry run over an NDJSON portfolio with the page's
//! options (fired rows, near misses, the builder's items): feed, cut, evaluate,
//! merge. `node scripts/bench-dryrun/generate.mjs 200000 > FILE`, then
//! `DRYRUN_PORTFOLIO=FILE cargo bench -p hookwright-core --bench dryrun`.

use std::time::{Duration, Instant};

use hookwright_core::dryrun::{item_texts, Evaluator, Options, Plan, Reader};
use hookwright_core::rule::Rule;

const SEED: &str =
    r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;
const RUNS: usize = 7;

fn main() {
    let Ok(path) = std::env::var("DRYRUN_PORTFOLIO") else {
        eprintln!(
            "set DRYRUN_PORTFOLIO to an NDJSON portfolio (scripts/bench-dryrun/generate.mjs)"
        );
        return;
    };
    let text = std::fs::read(&path).expect("the portfolio");
    let rule = Rule::parse(SEED).expect("the seed rule");
    let page = Options {
        keep_rows: true,
        max_errors: 100_000,
        max_near_misses: 100_000,
        items: item_texts(&rule),
        ..Options::default()
    };
    for (name, options) in [("page options", page), ("CLI options", Options::default())] {
        let plan = Plan::new(SEED, options).expect("compiles");
        let mut times = Vec::new();
        let mut fired = 0;
        for _ in 0..RUNS {
            let start = Instant::now();
            let mut reader = Reader::new();
            let mut evaluator = Evaluator::new(&plan);
            let mut tally = plan.tally();
            for chunk in text.chunks(1 << 20) {
                let batch = reader.feed(chunk).expect("a portfolio");
                tally.merge(evaluator.batch(&batch), plan.options());
            }
            tally.merge(
                evaluator.batch(&reader.finish().expect("a portfolio")),
                plan.options(),
            );
            times.push(start.elapsed());
            fired = tally.fired;
        }
        times.sort();
        let median: Duration = times[RUNS / 2];
        println!(
            "{name}: {} MB, fired {fired}: median {:.1} ms, best {:.1} ms ({} runs)",
            text.len() >> 20,
            median.as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            RUNS
        );
    }
}
