//! Hostile input is bounded: huge templates, deep nesting and loops that
//! multiply end in an error or an output within a second (release build;
//! debug builds get a looser bound), never a stack overflow.

use std::time::{Duration, Instant};

use hookwright_core::template::{Mode, RenderOptions, Template, MAX_LOOP_DEPTH};
use hookwright_core::{Context, ErrorKind};

fn limit() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(10)
    } else {
        Duration::from_secs(1)
    }
}

fn ctx() -> Context {
    Context::from_json(r#"{"loan-id": 3579, "items": [1,2,3,4,5,6,7,8,9,10], "name": "a\"b"}"#)
        .unwrap()
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(
        start.elapsed() < limit(),
        "{what} took {:?}",
        start.elapsed()
    );
    out
}

#[test]
fn ten_thousand_nested_loops_are_refused() {
    let src = "[[BEGIN items]]".repeat(10_000) + &"[[END]]".repeat(10_000);
    let errors = timed("10k nested loops", || Template::parse(&src).unwrap_err());
    assert_eq!(errors[0].kind, ErrorKind::Limit);
    // Exactly at the limit is still fine.
    let ok = "[[BEGIN items]]".repeat(MAX_LOOP_DEPTH) + &"[[END]]".repeat(MAX_LOOP_DEPTH);
    assert!(Template::parse(&ok).is_ok());
}

#[test]
fn loops_that_multiply_run_out_of_fuel() {
    // 10^8 iterations if it ran: stopped by the step budget instead.
    let src = "[[BEGIN items]]".repeat(8) + "x" + &"[[END]]".repeat(8);
    let t = Template::parse(&src).unwrap();
    let errors = timed("10^8 loop", || {
        t.render(&ctx(), Mode::Text, &RenderOptions::default())
            .unwrap_err()
    });
    assert_eq!(errors[0].kind, ErrorKind::Limit);
}

#[test]
fn ten_megabytes_of_text_render() {
    let src = "The quick brown fox. ".repeat(500_000);
    let out = timed("10 MB text", || {
        Template::parse(&src)
            .unwrap()
            .render(&ctx(), Mode::Text, &RenderOptions::default())
            .unwrap()
    });
    assert_eq!(out.output.len(), src.len());
}

#[test]
fn ten_megabytes_of_placeholders_render() {
    let src = "[[v('name')]],".repeat(700_000);
    let out = timed("10 MB placeholders", || {
        Template::parse(&src)
            .unwrap()
            .render(&ctx(), Mode::Text, &RenderOptions::default())
            .unwrap()
    });
    assert_eq!(out.output.len(), 4 * 700_000);
}

#[test]
fn ten_megabytes_of_broken_tags_error_quickly() {
    for src in [
        "[[".repeat(5_000_000),
        "[[v('".repeat(2_000_000),
        "[[frob()]]".repeat(1_000_000),
    ] {
        let errors = timed("10 MB broken", || Template::parse(&src).unwrap_err());
        assert!(!errors.is_empty() && errors.len() <= 100);
    }
}

#[test]
fn deep_json_in_a_body_is_an_error_not_a_crash() {
    // `[[` would open a tag, so the brackets are spaced.
    let src = "[ ".repeat(200_000) + &" ]".repeat(200_000);
    let t = Template::parse(&src).unwrap();
    let errors = timed("deep JSON", || {
        t.render(&ctx(), Mode::Json, &RenderOptions::default())
            .unwrap_err()
    });
    assert_eq!(errors[0].kind, ErrorKind::Json);
}

#[test]
fn deeply_nested_calls_are_refused() {
    let src = "[[".to_string() + &"mathAdd(1, ".repeat(1000) + "1" + &")".repeat(1000) + "]]";
    let errors = Template::parse(&src).unwrap_err();
    assert_eq!(errors[0].kind, ErrorKind::Limit);
}

#[test]
fn a_huge_one_line_error_renders_briefly() {
    let src = "x".repeat(10_000_000) + "[[v('nope')]]";
    let errors = timed("huge line", || {
        Template::parse(&src)
            .unwrap()
            .render(&ctx(), Mode::Text, &RenderOptions::default())
            .unwrap_err()
    });
    let shown = errors[0].render(&src);
    assert!(shown.len() < 1000, "{}", shown.len());
}

#[test]
fn deeply_nested_if_blocks_are_refused() {
    let src = "{{ IF $loan-id }}".repeat(10_000) + &"{{ END }}".repeat(10_000);
    let errors = timed("10k nested IFs", || Template::parse(&src).unwrap_err());
    assert_eq!(errors[0].kind, ErrorKind::Limit);
    let ok = "{{ IF $loan-id }}".repeat(MAX_LOOP_DEPTH) + &"{{ END }}".repeat(MAX_LOOP_DEPTH);
    assert!(Template::parse(&ok).is_ok());
}

#[test]
fn deep_conditions_are_refused() {
    for src in [
        format!(
            "{{{{ IF {}$loan-id{} }}}}x{{{{ END }}}}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
        format!("{{{{ IF {}$loan-id }}}}x{{{{ END }}}}", "!".repeat(100_000)),
    ] {
        let errors = timed("deep condition", || Template::parse(&src).unwrap_err());
        assert_eq!(errors[0].kind, ErrorKind::Limit);
    }
}

#[test]
fn deeply_nested_placeholders_are_refused() {
    let src = "[[".to_string() + &"mathAdd(1, [[".repeat(1000) + "1" + &"]])".repeat(1000) + "]]";
    let errors = timed("nested placeholders", || Template::parse(&src).unwrap_err());
    assert_eq!(errors[0].kind, ErrorKind::Limit);
}

#[test]
fn formulas_in_loops_that_multiply_run_out_of_fuel() {
    let src =
        "[[BEGIN items]]".repeat(7) + "[[evalFormula('(+ loan-id 1)')]]" + &"[[END]]".repeat(7);
    let t = Template::parse(&src).unwrap();
    let errors = timed("10^7 formulas", || {
        t.render(&ctx(), Mode::Text, &RenderOptions::default())
            .unwrap_err()
    });
    assert_eq!(errors[0].kind, ErrorKind::Limit);
}

#[test]
fn ten_megabytes_of_curly_text_and_broken_conditions_are_quick() {
    let text = "{{name}} {{ $x }} {".repeat(500_000);
    let t = timed("curly text", || Template::parse(&text).unwrap());
    assert_eq!(t.nodes().len(), 1);
    for src in [
        "{{ IF ".repeat(1_000_000),
        "{{ IF $a }}{{ ELSE }}".repeat(300_000),
    ] {
        let errors = timed("broken IFs", || Template::parse(&src).unwrap_err());
        assert!(!errors.is_empty() && errors.len() <= 100);
    }
}
