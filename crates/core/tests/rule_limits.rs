//! Hostile input is bounded: deep nesting, huge rules and long argument lists
//! end in an error or a result quickly, never a stack overflow. The deepest
//! allowed rule runs on a 1 MiB stack, like wasm's, in optimised builds
//! (measured: evaluation needs under 256 KiB there); unoptimised frames are
//! several times larger, so debug test runs allow 4 MiB.

use std::time::{Duration, Instant};

use hookwright_core::catalog::loanpro;
use hookwright_core::rule::model::RuleModel;
use hookwright_core::rule::{check, format, EvalOptions, Outcome, Rule, MAX_DEPTH, MAX_TOKENS};
use hookwright_core::{Context, ErrorKind, Value};

/// The promise is one second, in optimised builds (`cargo test --release`);
/// unoptimised builds are 10–50× slower, so they get a looser bound.
const BUDGET: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(60)
} else {
    Duration::from_secs(1)
};

fn timed<T>(f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() < BUDGET, "took {:?}", start.elapsed());
    out
}

fn everything(src: &str) {
    let ctx = Context::from_json(r#"{"loan-status": "Open"}"#).unwrap();
    let opts = EvalOptions::default();
    if let Ok(rule) = Rule::parse(src) {
        let _ = rule.eval(&ctx, &opts);
        let _ = rule.explain(&ctx, &opts);
        let _ = check(&rule, loanpro());
        let _ = RuleModel::from_rule(&rule).to_text();
    }
    let _ = format(src);
}

#[test]
fn hundred_thousand_open_parens() {
    let src = "(".repeat(100_000);
    let errors = timed(|| Rule::parse(&src).unwrap_err());
    assert_eq!(errors[0].kind, ErrorKind::Limit);
    let balanced = format!("{}{}", "(".repeat(100_000), ")".repeat(100_000));
    timed(|| everything(&balanced));
}

#[test]
fn ten_megabyte_rules() {
    let sum = format!("(+ {})", "1 ".repeat(5_000_000));
    let errors = timed(|| Rule::parse(&sum).unwrap_err());
    assert_eq!(errors[0].kind, ErrorKind::Limit);
    let allowed = format!("(+ {})", "1 ".repeat(MAX_TOKENS - 3));
    timed(|| {
        let rule = Rule::parse(&allowed).unwrap();
        let v = rule
            .eval(&Context::default(), &EvalOptions::default())
            .unwrap();
        assert_eq!(v, Value::Number((MAX_TOKENS - 3).into()));
    });
    let text = format!("(= loan-status \"{}\")", "x".repeat(10_000_000));
    timed(|| everything(&text));
    let garbage = "(and ]] \"".repeat(1_000_000);
    timed(|| everything(&garbage));
}

#[test]
fn twenty_thousand_arguments() {
    let and = format!("(and {})", "(= loan-status \"Open\") ".repeat(20_000));
    timed(|| everything(&and));
    let set = format!(
        "(contains? #{{{}}} loan-status)",
        (0..20_000)
            .map(|i| format!("\"s{i}\""))
            .collect::<Vec<_>>()
            .join(" ")
    );
    timed(|| everything(&set));
    let thread = format!("(-> 0 {})", "inc ".repeat(20_000));
    let rule = Rule::parse(&thread).unwrap();
    assert_eq!(
        rule.eval(&Context::default(), &EvalOptions::default())
            .unwrap(),
        Value::Number(20_000.into())
    );
}

#[test]
fn fuel_stops_evaluation() {
    let rule = Rule::parse(&format!("(+ {})", "1 ".repeat(1000))).unwrap();
    let opts = EvalOptions {
        fuel: Some(100),
        ..EvalOptions::default()
    };
    let err = rule.eval(&Context::default(), &opts).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit);
}

#[test]
fn deepest_allowed_rule_runs_on_a_small_stack() {
    let depth = MAX_DEPTH;
    let src = format!(
        "{}(= loan-status \"Open\"){}",
        "(not ".repeat(depth - 1),
        ")".repeat(depth - 1)
    );
    let handle = std::thread::Builder::new()
        .stack_size(if cfg!(debug_assertions) {
            4 << 20
        } else {
            1 << 20
        })
        .spawn(move || {
            let rule = Rule::parse(&src).unwrap();
            everything(&src);
            rule.eval(
                &Context::from_json(r#"{"loan-status": "Open"}"#).unwrap(),
                &EvalOptions::default(),
            )
            .unwrap()
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), Value::Bool(depth % 2 == 1));
    let too_deep = format!("{}1{}", "(not ".repeat(depth + 1), ")".repeat(depth + 1));
    assert_eq!(
        Rule::parse(&too_deep).unwrap_err()[0].kind,
        ErrorKind::Limit
    );
}

#[test]
fn explain_marks_the_clause_that_failed() {
    let src = r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;
    let ctx = Context::from_json(r#"{"status-days-past-due": 6, "loan-status": "Open"}"#).unwrap();
    let explanation = Rule::parse(src)
        .unwrap()
        .explain(&ctx, &EvalOptions::default());
    assert_eq!(explanation.result, Ok(Value::Bool(false)));
    let find = |text: &str| {
        let start = src.find(text).unwrap();
        explanation
            .steps
            .iter()
            .find(|s| s.span.start == start && s.span.end == start + text.len())
            .unwrap()
            .outcome
            .clone()
    };
    assert_eq!(
        find("(= status-days-past-due 5)"),
        Outcome::Value(Value::Bool(false))
    );
    assert_eq!(
        find("status-days-past-due"),
        Outcome::Value(Value::Number(6.into()))
    );
    assert_eq!(
        find(r#"(or (= loan-status "Open") (= loan-status "Collections"))"#),
        Outcome::Skipped
    );
    let rendered = explanation.render(src);
    assert!(
        rendered.contains("(= status-days-past-due 5)  → false"),
        "{rendered}"
    );
}

#[test]
fn explain_reports_errors_at_their_clause() {
    let src = "(or false (> loan-status 3))";
    let ctx = Context::from_json(r#"{"loan-status": "Open"}"#).unwrap();
    let explanation = Rule::parse(src)
        .unwrap()
        .explain(&ctx, &EvalOptions::default());
    let err = explanation.result.unwrap_err();
    assert_eq!((err.kind, err.span.unwrap().col), (ErrorKind::Type, 14));
    assert!(explanation
        .steps
        .iter()
        .any(|s| matches!(&s.outcome, Outcome::Error(e) if e.kind == ErrorKind::Type)));
}
