//! Renders per second of the seed's customer-note body (JSON mode, output
//! validated) from a pre-parsed template and context, on one thread.
//! Run: `cargo bench -p hookwright-core --bench template`

use std::hint::black_box;
use std::time::{Duration, Instant};

use hookwright_core::template::{Mode, RenderOptions, Template};
use hookwright_core::Context;

const CONTEXT: &str = include_str!("../tests/fixtures/template/loan-5-days-past-due.json");

/// The seed's Custom Body Formatting payload, as shipped in the example connection.
const BODY: &str = "{\n  \"Notes\": {\n    \"results\": [\n      {\n        \"body\": \"This customer was late on their payment  on [[v('current-date')]]. Their outstanding balance at the time was $[[v('status-amount-due')]].\",\n        \"categoryId\": 2,\n        \"subject\": \"Delinquencies\",\n        \"type\": \"STANDARD\"\n      }\n    ]\n  }\n}";

/// LoanPro's documented forms together: evalFormula nested in formatNumber,
/// a Blitz IF block, a loop with a condition on the item, a new function.
const FORMS: &str = "{\"due\": \"[[formatNumber([[evalFormula('(* status-amount-due 2)')]],'2','.',',')]]\", \"note\": \"{{ IF $status-days-past-due > 3 }}late by [[v('status-days-past-due')]] days{{ ELSE }}current{{ END }}\", \"big\": [[[BEGIN payments]]{{ IF $payment-amount > 80 }}\"[[$display-id]]\", {{ END }}[[END]]null], \"check\": \"[[formatNumberAsCheck('status-amount-due')]]\"}";

fn measure(name: &str, mut f: impl FnMut() -> usize) {
    // Warm up, then take the best of five one-second rounds (the machine is shared).
    let deadline = Instant::now() + Duration::from_millis(300);
    while Instant::now() < deadline {
        black_box(f());
    }
    let mut best = 0.0f64;
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < Duration::from_secs(1) {
            for _ in 0..1000 {
                black_box(f());
            }
            n += 1000;
        }
        best = best.max(n as f64 / start.elapsed().as_secs_f64());
    }
    println!(
        "{name:<48} {:>12.0} per second ({:.0} ns each)",
        best,
        1e9 / best
    );
}

fn main() {
    let ctx = Context::from_json(CONTEXT).unwrap();
    let template = Template::parse(BODY).unwrap();
    let options = RenderOptions::default();
    let out = template.render(&ctx, Mode::Json, &options).unwrap().output;
    assert!(out.contains("payment  on 2022-09-26") && out.contains("$158.70."));

    measure("render seed customer note (json, validated)", || {
        template
            .render(black_box(&ctx), Mode::Json, &options)
            .unwrap()
            .output
            .len()
    });
    measure("render seed customer note (text)", || {
        template
            .render(black_box(&ctx), Mode::Text, &options)
            .unwrap()
            .output
            .len()
    });
    let forms = Template::parse(FORMS).unwrap();
    let out = forms.render(&ctx, Mode::Json, &options).unwrap().output;
    assert!(
        out.contains("317.40") && out.contains("late by 5 days") && out.contains("[\"P-1\", null]")
    );
    measure("render evalFormula + IF + loop body (json)", || {
        forms
            .render(black_box(&ctx), Mode::Json, &options)
            .unwrap()
            .output
            .len()
    });
    measure("highlight evalFormula + IF + loop body", || {
        hookwright_core::template::highlight(black_box(FORMS)).len()
    });
    measure("parse + render seed customer note (json)", || {
        Template::parse(black_box(BODY))
            .unwrap()
            .render(&ctx, Mode::Json, &options)
            .unwrap()
            .output
            .len()
    });
}
