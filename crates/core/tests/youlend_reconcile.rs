//! Reconciliation fixtures: each `fixtures/youlend/*.{json,ndjson}` batch (except the signature
//! vectors and single events) has its report stored beside it as `*.report.json`, checked by the
//! snapshot harness every fixture folder uses (`snapshot/`; `UPDATE_FIXTURES=1` rewrites).

use hookwright_core::youlend::reconcile::{ManualReason, PaymentStatus, Report};
use hookwright_core::youlend::{reconcile, reconcile_with_progress, Reconciler};

mod snapshot;
use snapshot::Snapshots;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/youlend");
const BATCHES: [&str; 5] = [
    "seed-batch.json",
    "mixed.ndjson",
    "array-with-errors.json",
    "sums-exactly.ndjson",
    "pretty-events.json",
];

fn run(name: &str) -> Report {
    reconcile(&std::fs::read(format!("{FIXTURES}/{name}")).unwrap())
}

#[test]
fn reports_match_their_snapshots() {
    let mut snapshots = Snapshots::new();
    for name in BATCHES {
        let json = serde_json::to_string_pretty(&run(name)).unwrap() + "\n";
        let path = format!(
            "{FIXTURES}/{}.report.json",
            name.rsplit_once('.').unwrap().0
        );
        let stored = std::fs::read_to_string(&path).ok();
        snapshots.check(name, Ok(json), stored.as_deref(), |actual| {
            std::fs::write(&path, actual).unwrap()
        });
    }
    snapshots.finish();
}

#[test]
fn seed_payloads_verbatim() {
    let report = run("seed-batch.json");
    assert_eq!(report.duplicates, 1, "the LOA10040 is delivered twice");
    let settlement = &report.settlements[0];
    assert_eq!(settlement.settlement_reference, "test repayment");
    assert_eq!(
        (
            settlement.total.to_string(),
            settlement.lenders_sum.to_string()
        ),
        ("600".into(), "600".into())
    );
    assert!(settlement.balanced);
    assert!(settlement
        .payments
        .iter()
        .all(|p| p.status == PaymentStatus::Pending));
    // The seed's repayment carries an id no settlement in the batch paid: a manual payment.
    assert_eq!(report.manual_payments.len(), 1);
    assert_eq!(
        report.manual_payments[0].correlation_id,
        "cf08c5de-ef80-460c-aedd-76a49c2ca388"
    );
    assert_eq!(report.manual_payments[0].reason, ManualReason::Unmatched);
    assert_eq!(
        report.loans[0].principal_remaining.unwrap().to_string(),
        "9880.40"
    );
    assert!(report.errors.is_empty());
}

#[test]
fn pretty_printed_events_read_as_events() {
    // YouLend's documented sample, saved as it is printed: one event over 20 lines, each of
    // which used to be an error of its own.
    let report = run("seed-settlement-processed.json");
    assert_eq!(report.summary.events, 1, "{:?}", report.errors);
    assert_eq!(report.settlements[0].settlement_reference, "test repayment");
    assert!(report.errors.is_empty());
    // `jq .`'s output: events one after another; a bad one is one error at the line where its
    // JSON breaks, and the rest are still read (repeats dropped as in any batch).
    let report = run("pretty-events.json");
    assert_eq!(report.summary.events, 3, "{:?}", report.errors);
    assert_eq!(report.duplicates, 2);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, 37, "{:?}", report.errors);
    assert_eq!(report.summary.repaid_payments, 2);
}

#[test]
fn every_status_in_the_mixed_batch() {
    let report = run("mixed.ndjson");
    let payment = |id: &str| {
        report
            .settlements
            .iter()
            .flat_map(|s| &s.payments)
            .find(|p| p.payment_correlation_id == id)
            .unwrap()
    };
    // P-B1's repayment came before its settlement: order does not matter.
    assert_eq!(payment("P-B1").status, PaymentStatus::Repaid);
    assert_eq!(payment("P-A1").status, PaymentStatus::Repaid);
    assert_eq!(payment("P-C2").status, PaymentStatus::Pending);
    let mismatch = payment("P-C1").amount_mismatch.unwrap();
    assert_eq!(
        (mismatch.expected.to_string(), mismatch.repaid.to_string()),
        ("400".into(), "390.00".into())
    );
    assert_eq!(mismatch.difference.to_string(), "-10.00");
    let march = report
        .settlements
        .iter()
        .find(|s| s.settlement_reference == "march settlement")
        .unwrap();
    assert_eq!(
        march.lenders_sum.to_string(),
        "400.00",
        "300.10 + 99.90 exactly"
    );
    assert!(march.balanced);
    let april = report
        .settlements
        .iter()
        .find(|s| s.settlement_reference == "april settlement")
        .unwrap();
    assert!(!april.balanced, "600 sent, 650 paid out");

    let reasons: Vec<_> = report
        .manual_payments
        .iter()
        .map(|m| (m.correlation_id.as_str(), m.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            ("MANUAL-77", ManualReason::Unmatched),
            ("", ManualReason::Empty)
        ]
    );
    assert_eq!(
        report.duplicates, 2,
        "one byte-identical repeat, one with keys reordered"
    );
    assert_eq!(report.other_events.get("ONB10009"), Some(&1));

    let l1 = &report.loans[0];
    let dates: Vec<_> = l1
        .repayments
        .iter()
        .map(|r| r.payment_date.as_str())
        .collect();
    assert_eq!(
        dates,
        [
            "2024-03-01T09:00:00Z",
            "2024-03-02T09:00:00Z",
            "2024-03-03T12:00:00+01:00"
        ]
    );
    assert_eq!(l1.principal_remaining.unwrap().to_string(), "4574.50");
    assert_eq!(l1.total_repaid.to_string(), "425.50");

    let lines: Vec<_> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [11, 12, 13, 15, 16, 17]);
    assert!(report.errors[0].reason.starts_with("bad JSON"));
    assert!(report.errors[2]
        .reason
        .contains("`12,50` is not a decimal amount"));
}

#[test]
fn array_errors_point_at_the_element_start() {
    let report = run("array-with-errors.json");
    let errors: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.line, e.reason.as_str()))
        .collect();
    assert_eq!(errors.len(), 5, "{errors:#?}");
    assert_eq!(errors[0].0, 5);
    assert!(errors[0].1.starts_with("bad JSON"));
    assert_eq!(errors[1], (6, "two commas leave an empty element"));
    assert_eq!(
        errors[2],
        (
            10,
            "LOA10040: EventProperties.PaymentAmount `abc` is not a decimal amount"
        )
    );
    assert_eq!(errors[3], (12, "an event must be a JSON object, not text"));
    assert_eq!(errors[4], (13, "EventCode must be text, not a number"));
    // The rest still reconciles: a multi-line element, a numeric amount, a null CorrelationId.
    let s = &report.settlements[0];
    assert_eq!(
        s.settlement_reference,
        "ref, with [brackets] and \"quotes\""
    );
    assert_eq!(s.payments[1].status, PaymentStatus::Repaid);
    assert_eq!(
        s.payments[1].repayment.as_ref().unwrap().amount.to_string(),
        "25.00"
    );
    assert!(
        s.payments[1].amount_mismatch.is_none(),
        "25 and 25.00 are the same money"
    );
    assert_eq!(report.manual_payments[0].reason, ManualReason::Empty);
}

#[test]
fn sums_stay_exact_and_repeated_ids_are_shown() {
    let report = run("sums-exactly.ndjson");
    let s = &report.settlements[0];
    assert_eq!(s.lenders_sum.to_string(), "400.00");
    assert!(s.payments[0].amount_mismatch.is_none(), "300.1 = 300.10");
    // Two different repayments claimed E-2: the earliest (then smallest) is shown, the other kept.
    assert_eq!(
        s.payments[1].repayment.as_ref().unwrap().amount.to_string(),
        "0.1"
    );
    assert_eq!(s.payments[1].other_repayments.len(), 1);
    assert_eq!(
        report.loans[0].principal_remaining.unwrap().to_string(),
        "0.00",
        "same date: smallest principal is latest"
    );
    assert_eq!(report.loans[0].total_repaid.to_string(), "300.4");
}

#[test]
fn a_repayment_without_principal_remaining_keeps_the_last_one_stated() {
    // PrincipalRemaining is optional: the loan's latest known principal is the last one a
    // repayment stated, not blank because the latest (or, on its date, the last sorted)
    // repayment left it out.
    let batch = concat!(
        r#"{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"","LoanId":"L1","PaymentAmount":"10","PaymentDate":"2023-10-20","PrincipalRemaining":"990.00"}}"#,
        "\n",
        r#"{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"","LoanId":"L1","PaymentAmount":"5","PaymentDate":"2023-10-21"}}"#,
        "\n",
        r#"{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"","LoanId":"L2","PaymentAmount":"10","PaymentDate":"2023-10-20","PrincipalRemaining":"90"}}"#,
        "\n",
        r#"{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"x","LoanId":"L2","PaymentAmount":"1","PaymentDate":"2023-10-20","PrincipalRemaining":null}}"#,
        "\n",
    );
    let report = reconcile(batch.as_bytes());
    assert_eq!(report.errors, []);
    let principal = |i: usize| report.loans[i].principal_remaining.map(|p| p.to_string());
    assert_eq!(principal(0).as_deref(), Some("990.00"));
    assert_eq!(principal(1).as_deref(), Some("90"));
}

#[test]
fn structural_array_faults() {
    let report = reconcile(b"[\n{\"EventCode\":\"ONB10009\"},\n]\n");
    assert_eq!(report.errors[0].line, 3);
    assert_eq!(report.other_events.get("ONB10009"), Some(&1));
    let report = reconcile(b"[{\"EventCode\":\"ONB10009\"}");
    assert_eq!(report.errors[0].reason, "the array is not closed with `]`");
    let report = reconcile(b"[]\n[]");
    assert_eq!(
        report.errors[0].reason,
        "text after the array's closing `]`"
    );
    assert_eq!(reconcile(b"[]").summary.events, 0);
    assert_eq!(reconcile(b"").summary.events, 0);
    assert_eq!(reconcile(b"\xEF\xBB\xBF\n\n").errors.len(), 0);
    let report = reconcile(b"{\"EventCode\":\"ONB10009\"}\r\n\xff\xfe\r\n");
    assert_eq!((report.summary.events, report.errors[0].line), (1, 2));
    assert!(report.errors[0].reason.starts_with("not UTF-8"));
}

#[test]
fn chunked_reading_and_progress_agree_with_one_call() {
    let input = std::fs::read(format!("{FIXTURES}/mixed.ndjson")).unwrap();
    let mut reconciler = Reconciler::new();
    for line in input.split(|&b| b == b'\n') {
        reconciler.push_line(line);
    }
    let mut calls = Vec::new();
    let whole = reconcile_with_progress(&input, |p| calls.push(p));
    assert_eq!(reconciler.finish(), whole);
    let last = calls.last().unwrap();
    assert_eq!(
        (last.bytes_read, last.bytes_total),
        (input.len(), input.len())
    );
}
