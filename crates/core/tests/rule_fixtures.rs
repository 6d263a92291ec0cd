//! Fixture snapshots for the rule language: one file per case under
//! `fixtures/rule/` holding a JSON context, the rule, and the expected result
//! (a JSON value, or the rendered errors for cases named `err_*`):
//!
//! ```text
//! {"loan-status": "Open"}
//! --- rule
//! (= loan-status "Open")
//! --- expect
//! true
//! ```
//!
//! An optional `--- today` section sets the evaluation date. The harness
//! (`snapshot/`) is the one the template and YouLend fixtures use too.

use std::path::Path;

use hookwright_core::rule::{EvalOptions, Rule};
use hookwright_core::Context;

mod snapshot;
use snapshot::{txt_files, Fixture, Snapshots};

fn run(context: &str, rule: &str, today: Option<&str>) -> Result<String, String> {
    let ctx = Context::from_json(if context.trim().is_empty() {
        "{}"
    } else {
        context
    })
    .map_err(|e| format!("bad fixture context: {e}"))?;
    let opts = EvalOptions {
        today: today.map(|t| t.trim().parse().expect("fixture date")),
        ..EvalOptions::default()
    };
    let render = |errors: Vec<hookwright_core::Error>| {
        errors
            .iter()
            .map(|e| e.render(rule))
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let parsed = Rule::parse(rule).map_err(render)?;
    let result = parsed.eval(&ctx, &opts);
    // The compiled fast path for "does it fire?" must agree with eval.
    if let Ok(compiled) = parsed.compile() {
        let fires = compiled.matches(&ctx, &opts);
        assert_eq!(
            fires,
            result.as_ref().map(|v| v.is_truthy()).map_err(Clone::clone),
            "matches() disagrees with eval() for {rule}"
        );
    }
    result.map(|v| v.to_json()).map_err(|e| render(vec![e]))
}

#[test]
fn rule_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rule");
    let mut snapshots = Snapshots::new();
    for path in txt_files(&dir, 40) {
        let case = Fixture::read(&path);
        let rule = case.section("rule").unwrap_or("");
        let outcome = run(&case.head, rule, case.section("today"));
        snapshots.check(
            &case.name(),
            outcome,
            case.section("expect").map(str::trim_end),
            |actual| case.rewrite("expect", actual),
        );
    }
    snapshots.finish();
}
