//! `hookwright request`: stdout is exactly the request a test send would
//! transmit, as JSON; problems go to stderr with `field: line:col` and caret
//! views (exit 1); a file that cannot be read is exit 2.

mod common;
use common::*;

/// `hookwright request FILE --id ID --sample SAMPLE EXTRA…`.
fn request(file: &str, id: &str, sample: &str, extra: &[&str]) -> Run {
    let mut args = vec!["request", file, "--id", id, "--sample", sample];
    args.extend_from_slice(extra);
    run(&args)
}

/// The seed customer-note example with its redacted token filled in.
fn customer_note_with_token(name: &str) -> String {
    let text =
        std::fs::read_to_string(repo().join("examples/late-5-days-customer-note.json")).unwrap();
    let filled = text.replace(r#""token": "", "redacted": true"#, r#""token": "abc123""#);
    assert_ne!(filled, text, "the example's redacted token moved");
    temp_file(name, filled.as_bytes())
}

const SEED_NOTE_BODY: &str = "{\n  \"Notes\": {\n    \"results\": [\n      {\n        \"body\": \"This customer was late on their payment  on 2022-09-26. Their outstanding balance at the time was $158.70.\",\n        \"categoryId\": 2,\n        \"subject\": \"Delinquencies\",\n        \"type\": \"STANDARD\"\n      }\n    ]\n  }\n}";

#[test]
fn the_seed_customer_note_renders_against_the_seed_sample_byte_for_byte() {
    let file = customer_note_with_token("note-1.json");
    let out = request(&file, "late-5-note", "loan-5-days-past-due", &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stderr, "");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let expected = serde_json::json!({
        "method": "PUT",
        "url": "https://loanpro.simnang.com/api/public/api/1/odata.svc/Customers(1189)",
        "headers": [
            {"name": "Autopal-Instance-Id", "value": "5200243"},
            {"name": "Content-Type", "value": "application/json"},
            {"name": "Authorization", "value": "Bearer abc123"}
        ],
        "body": SEED_NOTE_BODY
    });
    assert_eq!(json, expected);
    // The body is the exact bytes that would be sent, and valid JSON.
    assert_eq!(json["body"].as_str().unwrap(), SEED_NOTE_BODY);
    serde_json::from_str::<serde_json::Value>(SEED_NOTE_BODY).unwrap();
    // Nothing but the JSON document and one newline on stdout.
    assert!(out.stdout.starts_with("{\n  \"method\": \"PUT\""));
    assert!(out.stdout.ends_with("}\n") && !out.stdout.ends_with("}\n\n"));
}

#[test]
fn a_context_file_gives_the_same_body() {
    let file = customer_note_with_token("note-2.json");
    let out = run(&[
        "request",
        &file,
        "--id",
        "late-5-note",
        "--context",
        "crates/core/tests/fixtures/template/loan-5-days-past-due.json",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["body"].as_str().unwrap(), SEED_NOTE_BODY);
    assert_eq!(
        json["url"],
        "https://loanpro.simnang.com/api/public/api/1/odata.svc/Customers(1842)"
    );
}

#[test]
fn the_envelope_gets_a_fresh_v4_trace_unless_one_is_given() {
    let trace = |extra: &[&str]| {
        let out = request(
            "examples/late-5-days-external.json",
            "late-5-external",
            "loan-5-days-past-due",
            extra,
        )
        .exits(0);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let body: serde_json::Value = serde_json::from_str(json["body"].as_str().unwrap()).unwrap();
        body["trace"].as_str().unwrap().to_string()
    };
    let (a, b) = (trace(&[]), trace(&[]));
    assert_ne!(a, b, "two sends share a trace id");
    for trace in [&a, &b] {
        assert_eq!(trace.len(), 36);
        assert_eq!(&trace[14..15], "4", "{trace} is not a v4 uuid");
        assert!(
            "89ab".contains(&trace[19..20]),
            "{trace} has the wrong variant"
        );
    }
    let given = "204262bb-4634-49ad-8b88-db8217b76c09";
    assert_eq!(trace(&["--trace", given]), given);
}

#[test]
fn a_youlend_connection_renders_against_its_event_sample() {
    let out = request(
        "examples/youlend-repayment-ledger.json",
        "youlend-repayment-ledger",
        "LOA10040",
        &[],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["method"], "POST");
    assert!(json["url"]
        .as_str()
        .unwrap()
        .starts_with("https://ledger.example.com/loans/"));
    serde_json::from_str::<serde_json::Value>(json["body"].as_str().unwrap()).unwrap();
}

#[test]
fn every_problem_is_listed_with_field_position_and_carets() {
    let text = std::fs::read_to_string(customer_note_with_token("note-3.json"))
        .unwrap()
        .replace(
            "Customers([[v('customer.primary.id')]])",
            "Customers([[v('customer.primary.idd')]])",
        )
        .replace(r#""value": "5200243""#, r#""value": "[[v('loan-id')""#)
        .replace("[[v('status-amount-due')]]", "[[v('status-amount-du')]]");
    let file = temp_file("bad.json", text.as_bytes());
    let out = request(&file, "late-5-note", "loan-5-days-past-due", &[]);
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stdout, "", "nothing is printed as the request");
    let err = out.stderr;
    assert!(
        err.contains("url: 1:68: unknown variable `customer.primary.idd`"),
        "{err}"
    );
    assert!(
        err.contains("headers[0].value: 1:1: unclosed `[[`"),
        "{err}"
    );
    assert!(err.contains("body: 5:"), "{err}");
    assert!(err.contains("`status-amount-du`"), "{err}");
    // Caret views under each one-line problem.
    assert!(err.contains("\n1 | [[v('loan-id')\n  | ^^\n"), "{err}");
    assert!(
        err.ends_with("3 problems in connection `late-5-note`: nothing would be sent\n"),
        "{err}"
    );
}

#[test]
fn a_redacted_secret_must_be_filled_in() {
    let out = request(
        "examples/late-5-days-customer-note.json",
        "late-5-note",
        "loan-5-days-past-due",
        &[],
    );
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr,
        "auth.token: the bearer token was left out of this export; fill it in\n\
         1 problem in connection `late-5-note`: nothing would be sent\n"
    );
}

#[test]
fn lenient_rendering_lists_the_variables_it_left_empty() {
    let text = std::fs::read_to_string(customer_note_with_token("note-4.json"))
        .unwrap()
        .replace("[[v('status-amount-due')]]", "[[v('status-amount-du')]]");
    let file = temp_file("lenient.json", text.as_bytes());
    let out = request(&file, "late-5-note", "loan-5-days-past-due", &["--lenient"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.starts_with("body: warning: 5:"),
        "{}",
        out.stderr
    );
    assert!(out
        .stdout
        .as_str()
        .contains("balance at the time was $.\\\""));
}

#[test]
fn unknown_ids_and_samples_suggest_the_nearest() {
    request(
        "examples/late-5-days-external.json",
        "late-5-extrenal",
        "loan-current",
        &[],
    )
    .exits(1)
    .err_has("has no connection `late-5-extrenal`; did you mean `late-5-external`?");
    request(
        "examples/late-5-days-external.json",
        "late-5-external",
        "loan-curent",
        &[],
    )
    .exits(1)
    .err_has("no built-in sample `loan-curent`; did you mean `loan-current`?");
    // Nothing near: the samples there are, as for a connection id.
    request(
        "examples/late-5-days-external.json",
        "late-5-external",
        "nope",
        &[],
    )
    .exits(1)
    .err_has("the built-in samples: loan-5-days-past-due, loan-collections, loan-current, loan-paid-off, LOA10055,");
}

#[test]
fn unreadable_files_exit_2() {
    request("no/such.json", "x", "loan-current", &[])
        .exits(2)
        .err_has("cannot read no/such.json");
    run(&[
        "request",
        "examples/late-5-days-external.json",
        "--id",
        "late-5-external",
        "--context",
        "no/such-context.json",
    ])
    .exits(2)
    .err_has("cannot read no/such-context.json");
}

#[test]
fn malformed_files_are_located_errors_not_panics() {
    let external =
        std::fs::read_to_string(repo().join("examples/late-5-days-external.json")).unwrap();
    let truncated = temp_file("truncated.json", &external.as_bytes()[..external.len() / 2]);
    let wrong_type = temp_file(
        "wrong-type.json",
        external
            .replace(r#""url": "https://yoururlhere.com""#, r#""url": 42"#)
            .as_bytes(),
    );
    let junk = temp_file("junk.json", "\u{1}garbage{[\"".repeat(5_000_000).as_bytes());
    let binary = temp_file("binary.json", [b'{', 0xff, 0xfe]);
    let bad_context = temp_file("context.json", b"{\"loan-id\": 1,\n  \"x\": }");
    for (file, context, needle) in [
        (&truncated, None, "the text ends inside"),
        (&wrong_type, None, "invalid type: integer `42`"),
        (&junk, None, " --> 1:1"),
        (&binary, None, "not UTF-8"),
        (
            &"examples/late-5-days-external.json".to_string(),
            Some(&bad_context),
            " --> 2:8",
        ),
    ] {
        let mut args = vec!["request", file.as_str(), "--id", "late-5-external"];
        match context {
            Some(c) => args.extend(["--context", c.as_str()]),
            None => args.extend(["--sample", "loan-current"]),
        }
        let out = run(&args);
        assert_eq!(out.code, Some(1), "{file}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{file}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert_eq!(out.stdout, "");
    }
    // 53 MB: not left behind for every run.
    let _ = std::fs::remove_file(&junk);
}

#[test]
fn the_connection_file_can_come_from_standard_input() {
    // `FILE` may be `-` (documented in the help): the same request as from the file.
    let file = "examples/late-5-days-external.json";
    let args = [
        "--id",
        "late-5-external",
        "--sample",
        "loan-5-days-past-due",
        "--trace",
        "t-1",
    ];
    let from_file = run(&[&["request", file][..], &args].concat())
        .exits(0)
        .stdout;
    let piped = run_command(
        command()
            .args([&["request", "-"][..], &args].concat())
            .stdin(std::fs::File::open(repo().join(file)).unwrap()),
    )
    .exits(0)
    .stdout;
    assert_eq!(piped, from_file);
    assert!(piped.contains("t-1"), "{piped}");
}

/// The line-of-credit glossary's index examples and the Statements page's
/// `current` period render against the built-in sample (help.loanpro.io,
/// "Context engine glossary – line of credit and card" and "Statements");
/// `request` refused them as unknown variables.
#[test]
fn documented_array_indexes_render_against_the_seed_sample() {
    let text = std::fs::read_to_string(repo().join("examples/late-5-days-external.json")).unwrap();
    let body = "[[v('billing-period-values-array.last.start-date')]] [[v('billing-period-values-array.id3.start-date')]] [[companyFormatDateTime('billing-period-values-array.current.start-date')]]-[[companyFormatDateTime('billing-period-values-array.current.end-date')]] [[v('cards-array.id456.card-status')]]";
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["connections"][0]["request"]["payload"] = serde_json::json!({
        "type": "custom", "contentType": "text/plain", "body": body
    });
    let path = temp_file("indexes.json", file.to_string().as_bytes());
    let out = request(&path, "late-5-external", "loan-5-days-past-due", &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["body"],
        "2022-09-21 2022-09-21 09/21/2022-10/20/2022 Active"
    );
}

#[test]
fn a_context_that_is_not_an_object_is_refused_at_its_place() {
    // A portfolio (an array of loans) given as one loan's context made every variable
    // "unknown variable `loan-id`; did you mean `0.loan-id`?", one error per variable.
    let external = repo().join("examples/late-5-days-external.json");
    let external = external.to_str().unwrap();
    let portfolio = temp_file("portfolio.json", "\u{feff}\n  [{\"loan-id\": 1}]\n");
    let refused = run(&[
        "request",
        external,
        "--id",
        "late-5-external",
        "--context",
        &portfolio,
    ])
    .exits(1)
    .err_has("a context is a JSON object of variables (a loan's, or a YouLend event), not an array")
    .err_has("--> 2:3");
    assert!(
        !refused.stderr.contains("unknown variable"),
        "{}",
        refused.stderr
    );
    assert_eq!(refused.stdout, "");
    for (text, found) in [
        ("\"Open\"", "not text"),
        ("null", "not null"),
        ("5", "not a number"),
    ] {
        let context = temp_file("scalar.json", text);
        run(&["render", "[[v('loan-id')]]", "--context", &context])
            .exits(1)
            .err_has(found)
            .err_has("--> 1:1");
        run(&["eval", "(= loan-status \"Open\")", "--context", &context])
            .exits(1)
            .err_has(found);
    }
}

#[test]
fn an_id_two_connections_share_is_refused_not_the_first_taken() {
    // A connection copied and edited without a new id: `--id` rendered (and dry-ran) the first,
    // silently, whichever one had been edited.
    let text = std::fs::read_to_string(repo().join("examples/late-5-days-external.json")).unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut copy = file["connections"][0].clone();
    copy["request"]["url"] = "https://edited.example.com/".into();
    file["connections"].as_array_mut().unwrap().push(copy);
    let both = temp_file("both.json", file.to_string());
    let portfolio = temp_file("loans.ndjson", "{\"loan-id\": 1}\n");
    for args in [
        vec![
            "request",
            &both,
            "--id",
            "late-5-external",
            "--sample",
            "loan-5-days-past-due",
        ],
        vec![
            "dryrun",
            "--connection",
            &both,
            "--id",
            "late-5-external",
            "--portfolio",
            &portfolio,
        ],
    ] {
        let refused = run(&args)
            .exits(1)
            .err_has("2 connections have the id `late-5-external` (#1, #2): ids must be unique");
        assert_eq!(refused.stdout, "", "{args:?}");
    }
}
