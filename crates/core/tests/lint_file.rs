//! `lint_file`: located problems per connection and field, never a panic.

use std::time::Instant;

use hookwright_core::connection::{ConnectionFile, EXAMPLE_FILES};
use hookwright_core::lint::{lint_file, LintReport};
use hookwright_core::ErrorKind;

mod lint_common;
use lint_common::{assert_has, file, lines, loanpro_connection};

/// Sends the loan id as variables.
const REQUEST: &str = r#"{"method": "POST", "url": "https://example.com/hook",
    "headers": [{"name": "Content-Type", "value": "application/json"}],
    "payload": {"type": "variables", "variables": ["loan-id"]}}"#;

fn connection(id: &str, patch: &str) -> String {
    loanpro_connection(id, REQUEST, patch)
}

fn lint(connections: &[String]) -> LintReport {
    lint_file("test.json", &file(connections))
}

#[test]
fn examples_are_clean_apart_from_redacted_secrets() {
    for (name, text) in EXAMPLE_FILES {
        let report = lint_file(name, text);
        assert_eq!(report.errors(), 0, "{report}");
        for p in &report.problems {
            assert_eq!(p.error.kind, ErrorKind::Redacted, "{}", p.line(name));
        }
    }
    let note = lint_file("note.json", EXAMPLE_FILES[1].1);
    assert_eq!(
        lines(&note),
        ["note.json:22:46: connection late-5-note: request.auth.token: warning: the bearer token was left out of this export (redacted); fill it in before sending"]
    );
    assert_eq!(note.summary(), "0 errors, 1 warning in 1 connection");
}

#[test]
fn a_clean_file_has_no_problems() {
    let report = lint(&[connection("a", ""), connection("b", "")]);
    assert!(report.problems.is_empty(), "{report}");
    assert_eq!(report.to_string(), "0 errors, 0 warnings in 2 connections");
}

#[test]
fn truncated_json_is_located() {
    let text = file(&[connection("a", "")]);
    let report = lint_file("t.json", &text[..text.len() / 2]);
    assert_eq!(report.errors(), 1);
    let p = &report.problems[0];
    assert_eq!(p.error.kind, ErrorKind::Json);
    assert!(p.error.span.is_some());
    assert!(
        p.line("t.json").starts_with("t.json:4:"),
        "{}",
        p.line("t.json")
    );
    assert!(
        p.line("t.json").contains("the text ends inside"),
        "{}",
        p.line("t.json")
    );
}

#[test]
fn every_truncation_and_junk_is_an_error_not_a_panic() {
    let text = file(&[connection("a", ""), connection("b", "")]);
    for end in (0..text.trim_end().len()).filter(|&i| text.is_char_boundary(i)) {
        let report = lint_file("t.json", &text[..end]);
        assert!(report.has_errors(), "truncated at {end} passed");
    }
    for junk in [
        "",
        "null",
        "[]",
        "{}",
        "\u{feff}{}",
        "{\"format\": 5}",
        "\"x\"",
        "{\"a\":1,\"a\":2}",
        "[[[[[[[[",
    ] {
        assert!(lint_file("j.json", junk).has_errors(), "{junk:?} passed");
    }
    let deep = "[".repeat(100_000);
    assert!(lint_file("deep.json", &deep).has_errors());
}

#[test]
fn fifty_megabytes_of_junk_fail_fast_with_a_location() {
    let junk: String = "\u{1}garbage{[\"".repeat(5_000_000);
    let start = Instant::now();
    let report = lint_file("junk.bin", &junk);
    assert!(start.elapsed().as_secs() < 5);
    assert_eq!(report.errors(), 1);
    assert_eq!(
        report.problems[0].error.span.map(|s| (s.line, s.col)),
        Some((1, 1))
    );
}

#[test]
fn other_formats_and_versions_are_refused() {
    let report = lint_file(
        "x.json",
        r#"{"format": "other/thing", "version": 1, "connections": []}"#,
    );
    assert_eq!(report.problems[0].error.kind, ErrorKind::Format);
    assert!(report.problems[0].line("x.json").contains("`other/thing`"));
    let report = lint_file(
        "x.json",
        "{\"format\": \"hookwright/connections\",\n\"version\": 7, \"connections\": []}",
    );
    let p = &report.problems[0];
    assert_eq!(
        p.line("x.json"),
        "x.json:2:12: connection file version 7 is not supported; this build reads version 1"
    );
}

#[test]
fn lint_and_loading_refuse_a_header_with_the_same_words() {
    for text in [
        r#"{"format": "other/thing", "version": 1, "connections": []}"#,
        r#"{"version": 1, "connections": []}"#,
        r#"{"format": "hookwright/connections", "version": 7, "connections": []}"#,
        r#"{"format": "hookwright/connections", "connections": []}"#,
    ] {
        let loading = ConnectionFile::from_json(text).unwrap_err();
        let report = lint_file("x.json", text);
        assert_eq!(report.problems[0].error.message, loading.message, "{text}");
        assert!(report.problems[0].error.span.is_some(), "{text}");
    }
}

#[test]
fn a_schema_key_that_is_not_text_is_an_error_as_loading_makes_it() {
    // Lint passed this file (exit 0) while loading it (`request`, the page's import) failed.
    let text = "{\n  \"$schema\": 5, \"format\": \"hookwright/connections\", \"version\": 1, \"connections\": []\n}";
    let loading = ConnectionFile::from_json(text).unwrap_err();
    let report = lint_file("s.json", text);
    assert_eq!(
        lines(&report),
        ["s.json:2:14: `$schema` must be text (the schema's URL) or null, not a number"]
    );
    assert!(report.has_errors());
    assert!(
        loading.message.contains("expected a string"),
        "{}",
        loading.message
    );
    for fine in ["\"https://example.com/s.json\"", "null"] {
        let text = text.replace('5', fine);
        assert!(lint_file("s.json", &text).problems.is_empty(), "{text}");
    }
}

#[test]
fn wrong_types_name_the_connection_and_field() {
    let report = lint(&[
        connection("a", r#""method": "POST"=>"method": "YEET""#),
        connection("b", r#""url": "https://example.com/hook"=>"url": 42"#),
        connection(
            "c",
            r#""trigger": {"type": "rule", "rule": "(= status-days-past-due 5)"}=>"trigger": {"type": "cron"}"#,
        ),
        connection("d", ""),
    ]);
    let l = lines(&report);
    assert_eq!(report.errors(), 3, "{report}");
    assert_has(
        &l,
        0,
        ": connection a: request.method: unknown variant `YEET`",
    );
    assert_has(
        &l,
        1,
        ": connection b: request.url: invalid type: integer `42`",
    );
    assert_has(&l, 2, ": connection c: trigger");
    // Located in the file even though the line shows the field path.
    assert_eq!(report.problems[0].location.unwrap().line, 4);
    assert_eq!(report.connections, 4);
}

#[test]
fn ids_must_be_unique_and_present() {
    let report = lint(&[
        connection("a", ""),
        connection("b", ""),
        connection("a", ""),
        connection("", ""),
    ]);
    assert_eq!(
        lines(&report),
        [
            "test.json:12:8: connection a: id: duplicate id `a`: connection #1 already uses it",
            "test.json:17:8: connection #4: id: the id is empty",
        ]
    );
}

#[test]
fn header_names_are_tokens_and_values_have_no_line_breaks() {
    let report = lint(&[
        connection("a", r#""name": "Content-Type"=>"name": "Content Type""#),
        connection(
            "b",
            r#""value": "application/json"=>"value": "application/json\r\nX-Evil: 1""#,
        ),
        connection("c", r#""name": "Content-Type"=>"name": """#),
    ]);
    assert_eq!(
        lines(&report),
        [
            "test.json:5:26: connection a: request.headers[0].name: header name `Content Type` is not a token: a space is not allowed",
            "test.json:10:51: connection b: request.headers[0].value: the header value contains a line break (CR/LF), which would end the header early",
            "test.json:15:26: connection c: request.headers[0].name: the header name is empty",
        ]
    );
}

#[test]
fn urls_must_be_there_and_absolute() {
    let report = lint(&[
        connection("a", r#""url": "https://example.com/hook"=>"url": """#),
        connection(
            "b",
            r#""url": "https://example.com/hook"=>"url": "example.com/hook""#,
        ),
        connection(
            "c",
            r#""url": "https://example.com/hook"=>"url": "[[v('loan-token')]]/x""#,
        ),
        connection(
            "d",
            r#""url": "https://example.com/hook"=>"url": "http://example.com""#,
        ),
    ]);
    let l = lines(&report);
    assert_eq!(
        l[0],
        "test.json:4:40: connection a: request.url: the URL is empty"
    );
    assert_eq!(
        l[1],
        "test.json:9:40: connection b: request.url: `example.com/hook` is not an absolute http(s) URL"
    );
    // c starts with a placeholder, so only rendering it can tell; once for all samples.
    assert_eq!(
        l[2],
        "test.json:14:41: connection c: request.url 1:1: the URL must be absolute and start with `https://` or `http://` (with all 4 samples)"
    );
    assert!(l[3].contains(": connection d: request.url: warning: the URL is plain http"));
    assert_eq!(l.len(), 4, "{report}");
}

#[test]
fn a_loanpro_connection_is_warned_off_patch() {
    let report = lint(&[
        connection("a", r#""method": "POST"=>"method": "PATCH""#),
        connection("b", r#""method": "POST"=>"method": "DELETE""#),
    ]);
    let l = lines(&report);
    assert_eq!(
        l,
        ["test.json:4:25: connection a: request.method: warning: LoanPro's Advanced Connections send GET, PUT, POST or DELETE; its help pages name no PATCH"]
    );
}

#[test]
fn secrets_are_warned_about() {
    let report = lint(&[
        connection(
            "a",
            r#""payload":=>"auth": {"type": "basic", "username": "ops", "password": "", "redacted": true}, "payload":"#,
        ),
        connection(
            "b",
            r#""payload":=>"auth": {"type": "bearer", "token": ""}, "payload":"#,
        ),
    ]);
    assert_eq!(
        lines(&report),
        [
            "test.json:6:62: connection a: request.auth.password: warning: the password was left out of this export (redacted); fill it in before sending",
            "test.json:11:41: connection b: request.auth.token: the bearer token is empty",
        ]
    );
    assert_eq!(report.problems[0].location.unwrap().line, 6);
}

#[test]
fn youlend_event_codes_are_checked() {
    let youlend = |id: &str, event: &str| {
        connection(
            id,
            &format!(
                r#""source": "loanpro"=>"source": "youlend";;"trigger": {{"type": "rule", "rule": "(= status-days-past-due 5)"}}=>"trigger": {{"type": "event", "event": "{event}"}};;"variables", "variables": ["loan-id"]=>"variables", "variables": ["EventProperties.LoanId"]"#
            ),
        )
    };
    let report = lint(&[
        youlend("a", "LOA10040"),
        youlend("b", "LOA1040"),
        youlend("c", "ONB10010"),
        connection("d", r#""source": "loanpro"=>"source": "youlend""#),
        connection(
            "e",
            r#""trigger": {"type": "rule", "rule": "(= status-days-past-due 5)"}=>"trigger": {"type": "event", "event": "Some Tenant Event"}"#,
        ),
    ]);
    let l = lines(&report);
    assert_eq!(l[0], "test.json:8:41: connection b: trigger.event: unknown YouLend event code `LOA1040`; did you mean `LOA10040`?");
    assert_eq!(l[1], "test.json:13:41: connection c: trigger.event: warning: YouLend deprecated ONB10010 (Stage 1 rejected); use ONB10028");
    assert_has(
        &l,
        2,
        ": connection d: trigger.type: YouLend only sends events",
    );
    // d's loan-id is not a YouLend variable either, nor is its rule's variable.
    assert_has(
        &l,
        3,
        ": connection d: request.payload.variables[0]: unknown variable `loan-id`",
    );
    assert_eq!(
        l[4],
        "test.json:18:43: connection d: trigger.rule 1:4: unknown variable `status-days-past-due`"
    );
    assert_eq!(l.len(), 5, "{report}");
}

#[test]
fn payload_variables_and_literal_json_bodies_are_checked() {
    let report = lint(&[
        connection(
            "a",
            r#"["loan-id"]=>["loan-id", "loan-stauts", "loan-id", "payments.0.payment-date"]"#,
        ),
        connection(
            "b",
            r#"{"type": "variables", "variables": ["loan-id"]}=>{"type": "custom", "contentType": "application/json", "body": "{\n  \"a\": 1,\n  \"b\": }"}"#,
        ),
    ]);
    assert_eq!(
        lines(&report),
        [
            "test.json:6:63: connection a: request.payload.variables[1]: unknown variable `loan-stauts` in the LoanPro Context Engine catalog; did you mean `loan-status`?",
            "test.json:6:78: connection a: request.payload.variables[2]: warning: `loan-id` is already listed at variables[0]",
            "test.json:11:104: connection b: request.payload.body 3:8: the body is not valid JSON: expected value",
        ]
    );
}

#[test]
fn unknown_fields_and_samples_are_warnings() {
    let report = lint(&[connection(
        "a",
        r#""source": "loanpro"=>"source": "loanpro", "sample": "LOA10040", "colour": "red";;"headers":=>"heders": [], "headers":"#,
    )]);
    assert_eq!(
        lines(&report),
        [
            "test.json:2:84: connection a: colour: warning: unknown field `colour` is ignored",
            "test.json:5:15: connection a: request.heders: warning: unknown field `heders` is ignored",
            "test.json:2:62: connection a: sample: warning: sample `LOA10040` does not fit this trigger; these do: loan-5-days-past-due, loan-collections, loan-current, loan-paid-off",
        ]
    );
    assert!(!report.has_errors());
}

/// The issue asks for a 1,000-connection file in well under a second; a
/// debug build is several times slower than release, so this bound is loose.
#[test]
fn a_thousand_connections_lint_quickly() {
    let many: Vec<String> = (0..1000)
        .map(|i| connection(&format!("c{i}"), ""))
        .collect();
    let text = file(&many);
    let start = Instant::now();
    let report = lint_file("big.json", &text);
    let took = start.elapsed();
    assert_eq!(report.connections, 1000);
    assert!(report.problems.is_empty());
    eprintln!(
        "linted 1,000 connections ({} KB) in {took:?}",
        text.len() / 1024
    );
    assert!(took.as_millis() < 2000, "took {took:?}");
}

#[test]
fn header_values_past_iso_8859_1_are_errors_that_say_what_would_carry_them() {
    let report = lint(&[
        connection(
            "euro",
            r#""value": "application/json"=>"value": "application/json"}, {"name": "X-Price", "value": "€10""#,
        ),
        connection(
            "latin1",
            r#""value": "application/json"=>"value": "application/json"}, {"name": "X-Name", "value": "José""#,
        ),
    ]);
    let found = lines(&report);
    let euro: Vec<String> = found
        .iter()
        .filter(|l| l.contains("connection euro"))
        .cloned()
        .collect();
    assert_eq!(euro.len(), 1, "{found:#?}");
    assert_has(&euro, 0, "request.headers[1].value");
    assert!(
        euro[0].contains("ISO-8859-1") && euro[0].contains("%E2%82%AC"),
        "{}",
        euro[0]
    );
    assert!(
        !found.iter().any(|l| l.contains("connection latin1")),
        "{found:#?}"
    );
}

/// A place inside a rule is printed at its place in the file too: the rule
/// is a JSON string there, and its escapes (`\n`, `\"`, `\u00e9`) take more
/// bytes in the file than in the rule.
#[test]
fn rule_problems_are_placed_in_the_file_through_escapes() {
    let text = file(&[connection(
        "esc",
        r#""rule": "(= status-days-past-due 5)"=>"rule": "(and\n  (= loan-status \"Op\u00e9n\") (= loan-stauts 1))""#,
    )]);
    let report = lint_file("esc.json", &text);
    let p = report
        .problems
        .iter()
        .find(|p| p.error.message.contains("`loan-stauts`"))
        .unwrap_or_else(|| panic!("{report}"));
    let inner = p.error.span.unwrap();
    assert_eq!((inner.line, inner.col), (2, 29));
    let at = text.find("loan-stauts").unwrap();
    let expected = hookwright_core::Span::locate(&text, at, at + "loan-stauts".len());
    assert_eq!(p.position, Some(expected));
    assert_eq!(
        p.line("esc.json"),
        format!(
            "esc.json:{}:{}: connection esc: trigger.rule 2:29: {}",
            expected.line, expected.col, p.error.message
        )
    );
    // The field's value is where it was: the whole string.
    let location = p.location.unwrap();
    assert!(text[location.start..location.end].starts_with("\"(and\\n"));
}

/// Known keys come from the connection types' schema, variant by variant:
/// a bearer token under basic auth is ignored by serde, so it is warned about.
#[test]
fn unknown_keys_follow_the_tagged_variant() {
    let report = lint(&[connection(
        "a",
        r#""headers": [{"name": "Content-Type", "value": "application/json"}]=>"headers": [{"name": "Content-Type", "value": "application/json", "secrte": true}], "auth": {"type": "basic", "username": "u", "password": "p", "token": "t"}"#,
    )]);
    let unknown: Vec<&str> = report
        .problems
        .iter()
        .filter(|p| p.error.message.starts_with("unknown field"))
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(
        unknown,
        ["request.headers[0].secrte", "request.auth.token"],
        "{report}"
    );
}

#[test]
fn a_value_of_the_wrong_shape_is_named_by_its_own_path_and_place() {
    // serde stops reading `trigger`, `auth` and `payload` at the end of the enclosing object:
    // these were `trigger` at its closing brace, `request` at its closing brace (for
    // `variables[1]`), and `"method": 5` was "expected value".
    let text = r#"{"format": "hookwright/connections", "version": 1, "connections": [
{"id": "a", "name": "A", "source": "loanpro",
 "trigger": {"type": "rule", "rule": 5},
 "request": {"method": "POST", "url": "https://x.example/", "payload": {"type": "variables", "variables": ["loan-id"]}}},
{"id": "b", "name": "B", "source": "loanpro", "trigger": {"type": "rule", "rule": "(= 1 1)"},
 "request": {"method": "POST", "url": "https://x.example/",
  "payload": {"type": "variables", "variables": ["loan-id", 5]}}},
{"id": "c", "name": "C", "source": "loanpro", "trigger": {"type": "rule", "rule": "(= 1 1)"},
 "request": {"method": 5, "url": "https://x.example/", "payload": {"type": "variables", "variables": []}}},
{"id": "d", "name": "D", "source": "loanpro", "trigger": {"type": "rule", "rule": "(= 1 1)"},
 "request": {"method": "GET", "url": "https://x.example/", "headers": {},
  "payload": {"type": "variables", "variables": []}}},
{"id": "e", "name": "E", "source": "loanpro", "trigger": {"type": "rule", "rule": "(= 1 1)"},
 "request": {"method": "GET", "url": "https://x.example/", "auth": {"type": "basic", "username": "u"},
  "payload": {"type": "variables", "variables": []}}}
]}"#;
    let report = lint_file("t.json", text);
    assert_eq!(
        lines(&report),
        [
            "t.json:3:38: connection a: trigger.rule: invalid type: integer `5`, expected a string",
            "t.json:7:61: connection b: request.payload.variables[1]: invalid type: integer `5`, expected a string",
            "t.json:9:24: connection c: request.method: expected one of `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, not a number",
            "t.json:11:71: connection d: request.headers: invalid type: object, expected an array",
            "t.json:14:68: connection e: request.auth: missing field `password`",
        ]
    );
}
