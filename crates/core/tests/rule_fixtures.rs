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
//! An optional `--- today` section sets the evaluation date. Run with
//! `UPDATE_FIXTURES=1` to rewrite the expectations after a deliberate change.

use std::fs;
use std::path::Path;

use hookwright_core::rule::{EvalOptions, Rule};
use hookwright_core::Context;

fn sections(text: &str) -> (String, String, Option<String>, Option<String>) {
    let mut context = String::new();
    let mut rule = String::new();
    let mut expect: Option<String> = None;
    let mut today: Option<String> = None;
    let mut current = 0;
    for line in text.split_inclusive('\n') {
        match line.trim_end() {
            "--- rule" => current = 1,
            "--- expect" => {
                current = 2;
                expect = Some(String::new());
            }
            "--- today" => {
                current = 3;
                today = Some(String::new());
            }
            _ => match current {
                0 => context.push_str(line),
                1 => rule.push_str(line),
                2 => expect.as_mut().unwrap().push_str(line),
                _ => today.as_mut().unwrap().push_str(line),
            },
        }
    }
    let rule = rule.strip_suffix('\n').unwrap_or(&rule).to_string();
    (
        context,
        rule,
        expect.map(|e| e.trim_end().to_string()),
        today,
    )
}

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
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut failures = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    assert!(entries.len() > 40, "fixtures missing");
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = fs::read_to_string(&path).unwrap();
        let (context, rule, expect, today) = sections(&text);
        let outcome = run(&context, &rule, today.as_deref());
        let actual = match &outcome {
            Ok(v) | Err(v) => v.clone(),
        };
        if name.starts_with("err_") != outcome.is_err() {
            failures.push(format!(
                "{name}: expected {}, got {actual}",
                if name.starts_with("err_") {
                    "an error"
                } else {
                    "a value"
                }
            ));
            continue;
        }
        if expect.as_deref() != Some(actual.as_str()) {
            if update || expect.as_deref() == Some("") {
                let head = text.split("--- expect").next().unwrap();
                fs::write(&path, format!("{head}--- expect\n{actual}\n")).unwrap();
            } else {
                failures.push(format!(
                    "{name}:\n--- expected\n{}\n--- actual\n{actual}",
                    expect.unwrap_or_default()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
