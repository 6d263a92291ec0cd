//! The dry run's engine as a bare wasm module, for timing it in Node (the
//! page's V8) without the browser: `scripts/bench-dryrun/wasm` builds it for
//! `wasm32-unknown-unknown`, and `wasm.mjs` copies a portfolio into `buffer`
//! and calls `run` with the page's options (fired rows, near misses, the
//! builder's items) or the CLI's.

use std::sync::Mutex;

use hookwright_core::dryrun::{item_texts, Evaluator, Options, Plan, Reader};
use hookwright_core::rule::Rule;

const SEED: &str =
    r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;

static FILE: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Room for a portfolio of `len` bytes; the caller writes it at the address returned.
#[no_mangle]
pub extern "C" fn buffer(len: usize) -> *const u8 {
    let mut file = FILE.lock().unwrap_or_else(|e| e.into_inner());
    *file = vec![0; len];
    file.as_ptr()
}

/// Evaluates the portfolio in `buffer` a megabyte at a time, as the worker
/// does; returns the fired count (`page` 1: the page's options, 0: the CLI's).
#[no_mangle]
pub extern "C" fn run(page: u32) -> u32 {
    let file = FILE.lock().unwrap_or_else(|e| e.into_inner());
    let Ok(rule) = Rule::parse(SEED) else {
        return u32::MAX;
    };
    let options = if page == 1 {
        Options {
            keep_rows: true,
            max_errors: 100_000,
            max_near_misses: 100_000,
            items: item_texts(&rule),
            ..Options::default()
        }
    } else {
        Options::default()
    };
    let Ok(plan) = Plan::new(SEED, options) else {
        return u32::MAX;
    };
    let mut reader = Reader::new();
    let mut evaluator = Evaluator::new(&plan);
    let mut tally = plan.tally();
    for chunk in file.chunks(1 << 20) {
        let Ok(batch) = reader.feed(chunk) else {
            return u32::MAX;
        };
        tally.merge(evaluator.batch(&batch), plan.options());
    }
    let Ok(batch) = reader.finish() else {
        return u32::MAX;
    };
    tally.merge(evaluator.batch(&batch), plan.options());
    tally.fired as u32
}
