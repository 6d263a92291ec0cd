//! The `render` and `envelope` subcommands' exact contract: stdout holds only
//! the output, errors go to stderr with line:col, exit codes 0 and 1.

mod common;
use common::*;

use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/template")
        .join(name)
}

fn context() -> PathBuf {
    fixture("loan-5-days-past-due.json")
}

#[test]
fn render_prints_exactly_the_output() {
    let ctx = context();
    let o = hookwright(&[
        "render",
        "Due $[[v('status-amount-due')]]  on [[v('current-date')]]",
        "--context",
        ctx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Due $158.70  on 2022-09-26");
    assert_eq!(stderr(&o), "");
}

#[test]
fn render_reads_at_path_templates_in_json_mode() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hookwright-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("note.json");
    std::fs::write(
        &path,
        "{\"body\": \"late  on [[v('current-date')]]\", \"due\": [[v('status-amount-due')]]}",
    )
    .unwrap();
    let ctx = context();
    let at = format!("@{}", path.display());
    let o = hookwright(&[
        "render",
        &at,
        "--context",
        ctx.to_str().unwrap(),
        "--mode",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"body\": \"late  on 2022-09-26\", \"due\": 158.70}"
    );
}

#[test]
fn render_url_mode_encodes() {
    let ctx = context();
    let o = hookwright(&[
        "render",
        "https://loanpro.simnang.com/api/public/api/1/odata.svc/Customers([[v('customer.primary.id')]])?n=[[v('customer.primary.full-name')]]",
        "--context",
        ctx.to_str().unwrap(),
        "--mode",
        "url",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "https://loanpro.simnang.com/api/public/api/1/odata.svc/Customers(1842)?n=Douglas%20McCallagher");
}

#[test]
fn render_errors_exit_1_with_line_and_column() {
    let ctx = context();
    let o = hookwright(&[
        "render",
        "ok\n[[v('loan-stauts')]]",
        "--context",
        ctx.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("--> 2:3"), "{}", stderr(&o));
    assert!(stderr(&o).contains("did you mean `loan-status`?"));

    let o = hookwright(&[
        "render",
        "{\"a\": [[v('loan-id')]] \"b\": 1}",
        "--context",
        ctx.to_str().unwrap(),
        "--mode",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("invalid JSON") && stderr(&o).contains("--> 1:24"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn render_lenient_renders_empty_and_warns() {
    let ctx = context();
    let o = hookwright(&[
        "render",
        "[[v('nickname')]]!",
        "--context",
        ctx.to_str().unwrap(),
        "--lenient",
    ]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "!");
    assert!(stderr(&o).contains("warning: `nickname`"));
}

#[test]
fn bad_context_file_is_located() {
    let o = hookwright(&[
        "render",
        "x",
        "--context",
        fixture("seed_url.txt").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--> 1:"), "{}", stderr(&o));
}

#[test]
fn envelope_matches_the_seed() {
    let ctx = context();
    let o = hookwright(&[
        "envelope",
        "--variables",
        "loan-id,loan-status,customer.primary.full-name,current-date,status-amount-due,status-days-past-due,next-scheduled-payment-date,next-scheduled-payment-amount",
        "--event-name",
        "Customer's Loan is 5 Days Past Due",
        "--context",
        ctx.to_str().unwrap(),
        "--trace",
        "204262bb-4634-49ad-8b88-db8217b76c09",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = std::fs::read_to_string(fixture("seed_envelope.txt")).unwrap();
    let expected = &expected[expected.find("--- expected\n").unwrap() + 13..];
    assert_eq!(stdout(&o), expected);
}

#[test]
fn render_has_the_form_mode_a_form_body_renders_in() {
    let ctx = temp_file("form.json", r#"{"n": "A B&C=é"}"#);
    let o = hookwright(&[
        "render",
        "note=[[v('n')]]&x=1",
        "--mode",
        "form",
        "--context",
        &ctx,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "note=A%20B%26C%3D%C3%A9&x=1");
}

#[test]
fn envelope_help_says_what_every_option_is() {
    let o = hookwright(&["envelope", "--help"]);
    let help = stdout(&o);
    assert!(help.contains("The envelope's `eventName`"), "{help}");
}

#[test]
fn envelope_makes_a_v4_trace_and_reports_unknown_variables() {
    let ctx = context();
    let o = hookwright(&[
        "envelope",
        "--variables",
        "loan-id",
        "--event-name",
        "E",
        "--context",
        ctx.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let trace = json["trace"].as_str().unwrap();
    assert_eq!(trace.len(), 36);
    assert_eq!(&trace[14..15], "4");
    assert!(matches!(&trace[19..20], "8" | "9" | "a" | "b"));

    let o = hookwright(&[
        "envelope",
        "--variables",
        "loan-id, loan-stauts",
        "--event-name",
        "E",
        "--context",
        ctx.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--> 1:9") && stderr(&o).contains("loan-status"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn render_runs_formulas_nested_placeholders_and_conditionals() {
    let ctx = context();
    let o = hookwright(&[
        "render",
        "[[formatNumber([[evalFormula('(* status-amount-due 2)')]],'2','.',',')]] {{ IF $status-days-past-due > 3 }}late{{ ELSE }}current{{ END }} [[formatNumberAsCheck('status-amount-due')]]",
        "--context",
        ctx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "317.40 late One Hundred Fifty-Eight and 70/100");
}

#[test]
fn malformed_conditionals_fail_at_line_and_column() {
    let ctx = context();
    let o = hookwright(&[
        "render",
        "ok\n{{ IF $status-days-past-due = 5 }}x{{ END }}",
        "--context",
        ctx.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("--> 2:29"), "{}", stderr(&o));
    assert!(stderr(&o).contains("write `==`"), "{}", stderr(&o));
}

#[test]
fn curly_quotes_render_with_a_warning() {
    let ctx = context();
    let o = hookwright(&[
        "render",
        "[[v(‘loan-id’)]]",
        "--context",
        ctx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "3579");
    assert!(stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn a_byte_order_mark_is_not_part_of_a_rule_or_template_file() {
    // Windows editors start a UTF-8 file with one: it was an invisible first byte of the
    // rendered body, and an "unexpected character" in a rule.
    let template = temp_file("bom.txt", "\u{feff}[[v('loan-status')]]\r\n");
    let out = run(&[
        "render",
        &format!("@{template}"),
        "--context",
        &context().to_string_lossy(),
    ])
    .exits(0);
    assert_eq!(out.stdout, "Open\r\n");
    let rule = temp_file("bom.clj", "\u{feff}(= loan-status \"Open\")\r\n");
    run(&[
        "eval",
        &format!("@{rule}"),
        "--context",
        &context().to_string_lossy(),
    ])
    .exits(0)
    .out_has("true");
    run(&["fmt", &format!("@{rule}")])
        .exits(0)
        .out_has("(= loan-status \"Open\")\n");
}
