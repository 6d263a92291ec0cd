//! Property: the order of a batch never changes its report. Batches are drawn from small pools of
//! ids, loans, amounts and dates so that matches, duplicates, manual payments, equal dates and
//! same-value-different-scale amounts are common; a few malformed lines are mixed in.

use hookwright_core::youlend::reconcile;
use hookwright_core::youlend::reconcile::Report;
use proptest::prelude::*;
use serde_json::json;

fn pick<T: Clone + std::fmt::Debug + 'static>(pool: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(pool)
}

const IDS: &[&str] = &["P1", "P2", "P3", "P4", "", "M1"];
const LOANS: &[&str] = &["L1", "L2", "L3"];
const AMOUNTS: &[&str] = &["10", "10.00", "5.5", "300.10", "99.90", "0"];
const DATES: &[&str] = &[
    "2024-01-01T00:00:00Z",
    "2024-01-01T01:00:00+01:00",
    "2024-01-02",
    "2023-12-31T23:59:59.5Z",
];
const PRINCIPALS: &[Option<&str>] = &[None, Some("100"), Some("90.0"), Some("90")];

fn event() -> impl Strategy<Value = String> {
    let settlement = (pick(LOANS), pick(&["R1", "R2"]), pick(AMOUNTS), prop::collection::vec((pick(AMOUNTS), pick(IDS)), 0..3))
        .prop_map(|(loan, reference, total, payments)| {
            let payments: Vec<_> = payments.iter().map(|(a, id)| json!({"Amount": a, "PaymentCorrelationId": id})).collect();
            json!({"EventCode": "LOA10055", "EventProperties": {"LoanId": loan, "SettlementReference": reference,
                "TotalSettlementAmount": total, "PaymentsToLenders": payments}})
            .to_string()
        });
    let repayment = (pick(IDS), pick(LOANS), pick(AMOUNTS), pick(DATES), pick(PRINCIPALS)).prop_map(|(id, loan, amount, date, principal)| {
        json!({"EventCode": "LOA10040", "Message": "A repayment was made towards the loan", "EventProperties":
            {"CorrelationId": id, "LoanId": loan, "PaymentAmount": amount, "PaymentDate": date, "PrincipalRemaining": principal}})
        .to_string()
    });
    let other = pick(&["ONB10009", "LOA10036"])
        .prop_map(|code| json!({"EventCode": code, "EventProperties": {}}).to_string());
    let bad = pick(&[
        "{oops",
        r#"{"EventCode":"LOA10040"}"#,
        r#"{"EventCode":"LOA10055","EventProperties":{"LoanId":"L1"}}"#,
        "42",
    ])
    .prop_map(str::to_string);
    prop_oneof![4 => settlement, 6 => repayment, 1 => other, 1 => bad]
}

/// The report with error line numbers set aside: they follow the input order by design.
fn order_free(mut report: Report) -> (Report, Vec<String>) {
    let mut reasons: Vec<String> = report.errors.drain(..).map(|e| e.reason).collect();
    reasons.sort();
    (report, reasons)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn shuffling_never_changes_the_report(
        (batch, shuffled) in prop::collection::vec(event(), 0..40)
            .prop_flat_map(|batch| (Just(batch.clone()), Just(batch).prop_shuffle()))
    ) {
        let original = order_free(reconcile(batch.join("\n").as_bytes()));
        prop_assert_eq!(&original, &order_free(reconcile(shuffled.join("\n").as_bytes())));
        // The same events as a JSON array reconcile alike, unless an unclosed `{` swallows
        // the elements after it (as it must: the array's structure is lost there).
        if !batch.iter().any(|line| line == "{oops") {
            let array = format!("[\n{}\n]", shuffled.join(",\n"));
            prop_assert_eq!(&original, &order_free(reconcile(array.as_bytes())));
        }
    }
}
