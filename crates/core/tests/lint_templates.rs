//! Lint's rule and template checks: the trigger's rule against the catalog,
//! every template parsed, checked for unknown variables and rendered against
//! each sample that fits the trigger, with one line per distinct problem.

use hookwright_core::catalog;
use hookwright_core::connection::Source;
use hookwright_core::lint::{lint_file, Linter, CHECKS};
use hookwright_core::samples::SampleContext;
use hookwright_core::{Context, ErrorKind};

mod lint_common;
use lint_common::{assert_has, file, lines, loanpro_connection};

/// Templates in the URL, a header and a custom JSON body.
const REQUEST: &str = r#"{"method": "PUT", "url": "https://example.com/loans/[[v('loan-id')]]",
    "headers": [{"name": "X-Loan", "value": "[[v('loan-display-id')]]"}],
    "auth": {"type": "none"},
    "payload": {"type": "custom", "contentType": "application/json", "body": "{\"id\": [[v('loan-id')]]}"}}"#;

/// A clean LoanPro connection with `patch` applied (`old=>new`, `;;` between).
fn connection(id: &str, patch: &str) -> String {
    loanpro_connection(id, REQUEST, patch)
}

fn lint(connections: &[String]) -> Vec<String> {
    lines(&lint_file("t.json", &file(connections)))
}

#[test]
fn the_base_connection_is_clean() {
    assert_eq!(lint(&[connection("a", "")]), Vec::<String>::new());
}

#[test]
fn every_example_file_lints_clean_apart_from_redacted_secrets() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let report = lint_file(&path.display().to_string(), &text);
        assert_eq!(report.errors(), 0, "{report}");
        for p in &report.problems {
            assert_eq!(
                p.error.kind,
                ErrorKind::Redacted,
                "{}",
                p.line(&report.file)
            );
        }
    }
    assert!(seen >= 4, "only {seen} example files");
}

#[test]
fn rule_problems_are_located_inside_the_rule() {
    let rule = |id: &str, rule: &str| {
        connection(
            id,
            &format!(r#""rule": "(= status-days-past-due 5)"=>"rule": "{rule}""#),
        )
    };
    let l = lint(&[
        rule("parse", "(and (= status-days-past-due 5)"),
        rule("unknown", r#"(= loan-stauts \"Open\")"#),
        rule("type", "(> loan-status 3)"),
        rule(
            "second-line",
            r#"(and true\n     (= loan-status \"Opne\"))"#,
        ),
    ]);
    assert_eq!(l.len(), 4, "{l:#?}");
    assert_has(&l, 0, ": connection parse: trigger.rule 1:1: ");
    assert!(
        l[1].contains(": connection unknown: trigger.rule 1:4: unknown variable `loan-stauts`")
            && l[1].ends_with("did you mean `loan-status`?"),
        "{}",
        l[1]
    );
    assert_has(&l, 2, ": connection type: trigger.rule 1:");
    // An enum value that cannot match stays a warning, on the rule's second line.
    assert_has(&l, 3, ": connection second-line: trigger.rule 2:");
    assert_has(&l, 3, "Opne");
}

#[test]
fn warnings_in_rules_do_not_fail_the_file() {
    let report = lint_file(
        "t.json",
        &file(&[connection(
            "a",
            r#""(= status-days-past-due 5)"=>"(= loan-status \"Opne\")""#,
        )]),
    );
    assert!(!report.has_errors(), "{report}");
    assert_eq!(report.warnings(), 1, "{report}");
    assert_eq!(report.problems[0].error.kind, ErrorKind::Unmatchable);
}

#[test]
fn empty_rules_are_fine_on_event_triggers_and_one_error_on_rule_triggers() {
    let l = lint(&[
        connection(
            "event",
            r#"{"type": "rule", "rule": "(= status-days-past-due 5)"}=>{"type": "event", "event": "Account Activated", "rule": "  "}"#,
        ),
        connection(
            "rule",
            r#""rule": "(= status-days-past-due 5)"=>"rule": """#,
        ),
    ]);
    assert_eq!(
        l,
        ["t.json:9:39: connection rule: trigger.rule: a rule trigger needs a rule"]
    );
}

#[test]
fn youlend_rules_check_against_the_youlend_catalog() {
    let youlend = |id: &str, rule: &str| {
        connection(
            id,
            &format!(
                r#""source": "loanpro"=>"source": "youlend";;{{"type": "rule", "rule": "(= status-days-past-due 5)"}}=>{{"type": "event", "event": "LOA10040", "rule": "{rule}"}};;loan-id')]]",=>EventProperties.LoanId')]]",;;"value": "[[v('loan-display-id')]]"=>"value": "[[v('EventCode')]]";;[[v('loan-id')]]}}=>[[v('EventProperties.PaymentAmount')]]}}"#
            ),
        )
    };
    let l = lint(&[
        youlend(
            "manual",
            r#"(and (= EventCode \"LOA10040\") (= EventProperties.CorrelationId \"\"))"#,
        ),
        youlend("typo", r#"(= EventProperties.CorelationId \"\")"#),
    ]);
    assert_eq!(l.len(), 1, "{l:#?}");
    assert_has(
        &l,
        0,
        ": connection typo: trigger.rule 1:4: unknown variable `EventProperties.CorelationId`",
    );
}

#[test]
fn template_syntax_errors_are_located_in_each_field() {
    let l = lint(&[
        connection("url", "[[v('loan-id')]]\"=>[[v('loan-id')]\""),
        connection(
            "body",
            r#""body": "{\"id\": [[v('loan-id')]]}"=>"body": "{\n  \"id\": [[v('loan-id'\n}""#,
        ),
        connection(
            "token",
            r#""auth": {"type": "none"}=>"auth": {"type": "bearer", "token": "[[v('loan-token')"}"#,
        ),
    ]);
    assert_eq!(l.len(), 3, "{l:#?}");
    assert_has(&l, 0, ": connection url: request.url 1:");
    assert_has(&l, 1, ": connection body: request.payload.body 2:");
    assert_has(&l, 2, ": connection token: request.auth.token 1:1: ");
}

#[test]
fn template_variables_must_be_in_the_catalog() {
    let l = lint(&[connection(
        "a",
        r#""{\"id\": [[v('loan-id')]]}"=>"{\n  \"id\": [[v('loan-id')]],\n  \"s\": \"[[v('loan-stauts')]]\"\n}";;[[v('loan-display-id')]]=>[[v('customer.primary.ful-name')]]"#,
    )]);
    assert_eq!(
        l,
        [
            "t.json:5:48: connection a: request.headers[0].value 1:3: unknown variable `customer.primary.ful-name` in the LoanPro Context Engine catalog; did you mean `customer.primary.full-name`, `customer.primary.first-name` or `customer.primary.last-name`?",
            "t.json:7:124: connection a: request.payload.body 3:11: unknown variable `loan-stauts` in the LoanPro Context Engine catalog; did you mean `loan-status`?",
        ]
    );
}

#[test]
fn a_render_error_shared_by_every_sample_is_reported_once() {
    // Two payments side by side without a comma: invalid JSON for every loan sample.
    let report = lint_file(
        "t.json",
        &file(&[connection(
            "loop",
            r#""{\"id\": [[v('loan-id')]]}"=>"[[[BEGIN payments]]{\"d\": \"[[v('$.payment-date')]]\"}[[END]]]""#,
        )]),
    );
    let l = lines(&report);
    assert_eq!(l.len(), 1, "{l:#?}");
    assert_has(&l, 0, ": connection loop: request.payload.body 1:");
    assert!(l[0].ends_with("(with all 4 samples)"), "{}", l[0]);
    assert_eq!(report.problems[0].error.kind, ErrorKind::Json);
}

fn sample(id: &str, json: &str) -> SampleContext {
    SampleContext {
        id: id.into(),
        name: id.into(),
        description: String::new(),
        source: Source::Loanpro,
        event: None,
        context: Context::from_json(json).unwrap(),
    }
}

/// A linter whose loan samples are `samples`, to aim a value at one of them.
fn lint_with(samples: &[SampleContext], connections: &[String]) -> Vec<String> {
    let linter = Linter {
        loanpro: catalog::loanpro(),
        youlend: catalog::youlend(),
        samples,
        checks: CHECKS,
    };
    lines(&linter.lint("t.json", &file(connections)))
}

#[test]
fn render_problems_name_the_samples_they_happen_for() {
    let samples = [
        sample(
            "fine",
            r#"{"loan-id": 7, "loan-display-id": "L7", "loan-token": "x.example", "customer": {"primary": {"full-name": "Ann"}}}"#,
        ),
        sample(
            "broken",
            r#"{"loan-id": 8, "loan-display-id": "L8\r\nX-Evil: 1", "customer": {"primary": {"full-name": "Bo\nb"}}}"#,
        ),
        sample(
            "also-broken",
            r#"{"loan-id": 9, "loan-display-id": "L9", "loan-token": "", "customer": {"primary": {"full-name": "Cy\r"}}}"#,
        ),
    ];
    let l = lint_with(
        &samples,
        &[connection(
            "a",
            r#""url": "https://example.com/loans/[[v('loan-id')]]"=>"url": "https://[[v('loan-token')]]/hook";;"headers": [=>"headers": [{"name": "X-Name", "value": "name: [[v('customer.primary.full-name')]]"}, "#,
        )],
    );
    assert_eq!(l.len(), 3, "{l:#?}");
    // The column is left out: an empty placeholder writes no output byte, so
    // the renderer blames the text after it (`/hook`, 1:28) for the missing host.
    assert!(
        l[0].contains(": connection a: request.url 1:")
            && l[0].ends_with(": the URL has no host (with samples broken, also-broken)"),
        "{}",
        l[0]
    );
    assert_eq!(
        l[1..],
        [
            "t.json:5:52: connection a: request.headers[0].value 1:7: renders a line break (CR/LF) into the header value, which would end the header early (with samples broken, also-broken)",
            "t.json:5:120: connection a: request.headers[1].value 1:1: renders a line break (CR/LF) into the header value, which would end the header early (with sample broken)",
        ]
    );
}

#[test]
fn literal_problems_are_not_repeated_per_sample() {
    // check_url and check_headers already report these; rendering adds nothing.
    let l = lint(&[
        connection(
            "a",
            r#""url": "https://example.com/loans/[[v('loan-id')]]"=>"url": "example.com/[[v('loan-id')]]""#,
        ),
        connection(
            "b",
            r#""value": "[[v('loan-display-id')]]"=>"value": "x\r\n[[v('loan-display-id')]]""#,
        ),
    ]);
    assert_eq!(l.len(), 2, "{l:#?}");
    assert_has(&l, 0, "connection a: request.url: `example.com/");
    assert_has(
        &l,
        1,
        "connection b: request.headers[0].value: the header value contains a line break",
    );
}

#[test]
fn a_thousand_templated_connections_lint_in_well_under_two_seconds_in_debug() {
    let many: Vec<String> = (0..1000)
        .map(|i| connection(&format!("c{i}"), ""))
        .collect();
    let text = file(&many);
    let start = std::time::Instant::now();
    let report = lint_file("big.json", &text);
    let took = start.elapsed();
    assert!(report.problems.is_empty(), "{report}");
    assert!(took.as_millis() < 2000, "took {took:?}");
}

/// Every connection has a problem to locate: locating each by rescanning the
/// file once made this quadratic (10,000 connections took 32 s in release).
#[test]
fn locating_many_problems_stays_linear() {
    let note = |i: usize| {
        connection(
            &format!("c{i}"),
            r#""auth": {"type": "none"}=>"auth": {"type": "bearer", "token": "", "redacted": true}"#,
        )
    };
    let many: Vec<String> = (0..3000).map(note).collect();
    let text = file(&many);
    let start = std::time::Instant::now();
    let report = lint_file("big.json", &text);
    let took = start.elapsed();
    assert_eq!(report.warnings(), 3000, "{report}");
    assert_eq!(report.problems[2999].location.unwrap().line, 6 * 2999 + 6);
    assert!(took.as_millis() < 3000, "took {took:?}");
}

#[test]
fn documented_template_forms_lint_clean() {
    // evalFormula, a nested placeholder, an IF block in both spellings and a
    // new function: parsed, checked against the catalog and rendered against
    // every sample without a problem.
    let body = r#"{\"due\": \"[[formatNumber([[evalFormula('(* status-amount-due 2)')]],'2','.',',')]]\", \"words\": \"[[formatNumberAsCheck('status-amount-due')]]\", \"late\": {{ IF $status-days-past-due > 30 }}true{{ ELSE }}false{{ END }}, \"name\": \"[[IF customer.primary.full-name ]][[v('customer.primary.full-name')]][[ELSE]][[END]]\"}"#;
    let l = lint(&[connection(
        "a",
        &format!(r#""body": "{{\"id\": [[v('loan-id')]]}}"=>"body": "{body}""#),
    )]);
    assert_eq!(l, Vec::<String>::new());
}

#[test]
fn formula_variables_are_checked_and_curly_quotes_warned() {
    let l = lint(&[connection(
        "a",
        r#"[[v('loan-display-id')]]=>[[evalFormula('(+ status-amount-due loan-stauts)')]] [[v(‘loan-id’)]]"#,
    )]);
    assert_eq!(l.len(), 2, "{l:#?}");
    assert_has(&l, 0, " 1:58: warning: curly quotes");
    assert_has(&l, 1, " 1:37: unknown variable `loan-stauts`");
}

/// LoanPro's Template Logic page (help-loanpro.simnang.com/knowledge-base/custom-forms-logic/)
/// tests `$setup-payment`; lint called its examples an unknown variable (an
/// error) because the catalog lacked the name.
#[test]
fn the_template_logic_examples_lint_clean() {
    let body = r#"{{ IF $setup-payment > 100 }}\n\nThe payment amount is greater than $100.00\n\n{{ ELSE }}\n\nThe payment amount is less than $100.00\n\n{{ END }} {{ IF $setup-payment < 100 }}less{{ END }}"#;
    let patch = format!(
        r#""contentType": "application/json", "body": "{{\"id\": [[v('loan-id')]]}}"=>"contentType": "text/plain", "body": "{body}""#
    );
    assert_eq!(lint(&[connection("a", &patch)]), Vec::<String>::new());
}
