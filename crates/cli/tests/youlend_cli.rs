//! The `hookwright verify` and `hookwright reconcile` contracts: exit codes, messages and output
//! shapes, run against the built binary and the core crate's YouLend fixtures.

mod common;
use common::*;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../core/tests/fixtures/youlend"
);

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

const SECRET: &str = "c2VjcmV0LWtleS1ieXRlcw==";

fn vector(index: usize) -> String {
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("signatures.json")).unwrap())
            .unwrap();
    vectors[index]["header"].as_str().unwrap().to_string()
}

/// `hookwright verify --secret SECRET --signature SIGNATURE --body BODY`.
fn verify(signature: &str, body: &str) -> Run {
    run(&[
        "verify",
        "--secret",
        SECRET,
        "--signature",
        signature,
        "--body",
        body,
    ])
}

#[test]
fn verify_valid_says_which_key_form_matched() {
    let body = fixture("seed-repayment.json");
    verify(&vector(0), &body).exits(0).out_has("base64-decoded");
    verify(&vector(1), &body)
        .exits(0)
        .out_has("the secret's text");
}

#[test]
fn verify_invalid_or_malformed_exits_1_with_the_reason() {
    let body = fixture("seed-repayment.json");
    let wrong_body = fixture("seed-settlement-processed.json");
    let invalid = verify(&vector(0), &wrong_body).exits(1);
    assert!(
        invalid
            .stdout
            .starts_with("invalid: the signature matches neither"),
        "{}",
        invalid.stdout
    );
    verify("md5=abc", &body)
        .exits(1)
        .out_has("must start with `sha256=`");
    verify("sha256=AAAA", &body)
        .exits(1)
        .out_has("decodes to 3 bytes");
}

#[test]
fn verify_unreadable_body_exits_2() {
    verify(&vector(0), "/no/such/body.json")
        .exits(2)
        .err_has("cannot read /no/such/body.json");
}

#[test]
fn reconcile_json_has_the_contract_fields() {
    let out = hookwright(&["reconcile", &fixture("mixed.ndjson"), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "errors in the file are reported, not fatal"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let settlement = &report["settlements"][1];
    assert_eq!(settlement["settlementReference"], "march settlement");
    assert_eq!(settlement["balanced"], true);
    assert_eq!(settlement["lendersSum"], "400.00");
    assert_eq!(settlement["payments"][0]["paymentCorrelationId"], "P-A1");
    assert_eq!(settlement["payments"][0]["status"], "repaid");
    assert_eq!(report["manualPayments"][0]["correlationId"], "MANUAL-77");
    assert_eq!(report["duplicates"], 2);
    assert_eq!(report["errors"][0]["line"], 11);
    assert!(report["errors"][0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("bad JSON"));
}

#[test]
fn reconcile_text_shows_every_section() {
    let out = hookwright(&["reconcile", &fixture("mixed.ndjson")]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for heading in [
        "Settlements",
        "Payments to lenders",
        "Manual payments",
        "Duplicates",
        "Loans",
        "Errors",
    ] {
        assert!(
            text.contains(&format!("\n{heading}\n")),
            "missing {heading}:\n{text}"
        );
    }
    assert!(
        text.contains("  march settlement  L-1   400.00  400.00       yes       2\n"),
        "{text}"
    );
    assert!(text.contains("amount differs by -10.00"));
    assert!(text.contains("2 identical repeats dropped"));
    // The summary counts in words that agree with them: "1 other event", not "1 other events".
    assert!(
        text.starts_with("8 events: 2 settlements (1 unbalanced), 5 repayments; lender payments 3 repaid, 1 pending, 1 amount mismatch; 2 manual payments; 2 duplicates dropped; 1 other event; 6 errors\n"),
        "{text}"
    );
}

#[test]
fn reconcile_unreadable_file_exits_2() {
    let out = hookwright(&["reconcile", "/no/such/batch.ndjson"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("error: cannot read /no/such/batch.ndjson"));
    assert!(out.stdout.is_empty());
}

#[test]
fn reconcile_reads_an_event_as_printed_and_standard_input() {
    // YouLend's documented sample as it is printed (one event over 20 lines), from a file and
    // piped in: one settlement, no line errors.
    let sample = fixture("seed-settlement-processed.json");
    for run in [
        run(&["reconcile", "--json", &sample]),
        run_command(
            command()
                .args(["reconcile", "--json", "-"])
                .stdin(std::fs::File::open(&sample).unwrap()),
        ),
    ] {
        let report: serde_json::Value = serde_json::from_str(&run.exits(0).stdout).unwrap();
        assert_eq!(report["summary"]["events"], 1, "{report}");
        assert_eq!(report["summary"]["errors"], 0, "{report}");
        assert_eq!(
            report["settlements"][0]["settlementReference"],
            "test repayment"
        );
    }
}

#[test]
fn reconcile_text_prints_each_reason_whole() {
    // Reasons and notes are the report's own words: a table cell's 80-character cut made
    // these read "…is not an ISO date or timestam… (81 characters)".
    let batch = temp_file(
        "long-reasons.ndjson",
        concat!(
            r#"{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"p1","LoanId":"L1","PaymentAmount":"1","PaymentDate":"2023-10-2"}}"#,
            "\n",
            r#"{"EventCode":"LOA10055","EventProperties":{"LoanId":"L1","TotalSettlementAmount":"5","SettlementReference":"r","PaymentsToLenders":[{"Amount":"5","PaymentCorrelationId":7}]}}"#,
            "\n",
            r#"{"EventCode":"LOA10055","EventProperties":{"LoanId":"L1","TotalSettlementAmount":"5","SettlementReference":"r","PaymentsToLenders":[{"Amount":"5","PaymentCorrelationId":"p2"}]}}"#,
            "\n",
            r#"{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"p2","LoanId":"L2","PaymentAmount":"-999999999999.999999","PaymentDate":"2023-10-20"}}"#,
            "\n",
            r#"{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"p2","LoanId":"L2","PaymentAmount":"2","PaymentDate":"2023-10-21"}}"#,
            "\n",
        ),
    );
    let report = run(&["reconcile", &batch]).exits(0);
    for whole in [
        "1     LOA10040: EventProperties.PaymentDate `2023-10-2` is not an ISO date or timestamp\n",
        "2     LOA10055: EventProperties.PaymentsToLenders[0].PaymentCorrelationId must be text, not a number\n",
        "amount differs by -1000000000004.999999; applied to another loan; 1 more repayment with this id\n",
    ] {
        assert!(report.stdout.contains(whole), "{whole}\n{}", report.stdout);
    }
    assert!(!report.stdout.contains('…'), "{}", report.stdout);
    // Counted words agree in number, as in the summary line.
    assert!(
        report
            .stdout
            .contains("\nDuplicates\n  0 identical repeats dropped\n"),
        "{}",
        report.stdout
    );
    let once = temp_file(
        "once-repeated.ndjson",
        "{\"EventCode\":\"ONB10009\"}\n{\"EventCode\":\"ONB10009\"}\n",
    );
    run(&["reconcile", &once])
        .exits(0)
        .out_has("\nDuplicates\n  1 identical repeat dropped\n");
}

#[test]
fn verify_with_an_empty_secret_exits_2_as_sign_does() {
    // `--secret "$UNSET"`: a mistyped configuration, not a forged delivery (it was exit 1,
    // "invalid", while the same empty secret from a file was exit 2).
    let body = fixture("seed-repayment.json");
    for secret in ["", "  "] {
        run(&[
            "verify",
            "--secret",
            secret,
            "--signature",
            &vector(0),
            "--body",
            &body,
        ])
        .exits(2)
        .err_has("the secret key is empty");
    }
}
