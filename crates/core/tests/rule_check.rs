//! `rule::check` against the built-in catalogs: each kind of finding, and
//! that errors and warnings stay distinct.

use hookwright_core::catalog::{loanpro, youlend, Catalog};
use hookwright_core::rule::{check, Rule};
use hookwright_core::{ErrorKind, Severity};

fn findings(src: &str, catalog: &Catalog) -> Vec<(ErrorKind, Severity, String)> {
    let rule = Rule::parse(src).unwrap();
    check(&rule, catalog)
        .into_iter()
        .map(|e| (e.kind, e.severity, e.to_string()))
        .collect()
}

#[test]
fn seed_rule_is_clean() {
    let src = r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;
    assert_eq!(findings(src, loanpro()), vec![]);
}

#[test]
fn unknown_variable_suggests() {
    let f = findings(r#"(= loan-stauts "Open")"#, loanpro());
    assert_eq!(
        f,
        vec![(
            ErrorKind::UnknownVariable,
            Severity::Error,
            "1:4: unknown variable `loan-stauts`; did you mean `loan-status`?".into()
        )]
    );
}

#[test]
fn unknown_function_and_arity() {
    let f = findings("(and (notany 1) (not 1 2))", loanpro());
    assert_eq!(f[0].0, ErrorKind::UnknownFunction);
    assert_eq!(f[1].0, ErrorKind::Arity);
    assert_eq!(f[1].2, "1:17: `not` takes 1 argument, got 2");
}

#[test]
fn ordering_text_is_a_type_error() {
    let f = findings("(> loan-status 3)", loanpro());
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].0, f[0].1), (ErrorKind::Type, Severity::Error));
    assert!(
        f[0].2.starts_with("1:4: expected a number or a date"),
        "{}",
        f[0].2
    );
}

#[test]
fn enum_value_that_cannot_match_warns_with_suggestion() {
    let f = findings(r#"(= loan-status "Opne")"#, loanpro());
    assert_eq!(
        f,
        vec![(
            ErrorKind::Unmatchable,
            Severity::Warning,
            "1:16: `loan-status` is never \"Opne\"; did you mean `Open`?".into()
        )]
    );
    let f = findings(
        r#"(contains? #{"Open" "Colections"} loan-status)"#,
        loanpro(),
    );
    assert_eq!(f.len(), 1);
    assert!(f[0].2.contains("Collections"));
}

#[test]
fn always_false_comparisons_warn() {
    let f = findings(r#"(= status-days-past-due "5")"#, loanpro());
    assert_eq!(
        (f[0].0, f[0].1),
        (ErrorKind::Unmatchable, Severity::Warning)
    );
    assert!(f[0].2.contains("always false"));
    let f = findings("(= 1 2)", loanpro());
    assert_eq!(f.len(), 1);
    assert!(findings("(= 1 1.0)", loanpro()).is_empty());
}

#[test]
fn mixing_numbers_and_dates_is_an_error() {
    let f = findings("(< current-date 5)", loanpro());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, ErrorKind::Type);
    assert!(findings(
        r#"(< current-date next-scheduled-payment-date "2030-01-01")"#,
        loanpro()
    )
    .is_empty());
}

#[test]
fn youlend_amounts_arrive_as_text() {
    let f = findings("(> EventProperties.PaymentAmount 5)", youlend());
    assert_eq!(f.len(), 1);
    assert!(f[0].2.contains("v/parse-float"), "{}", f[0].2);
    assert!(findings(
        "(> (v/parse-float EventProperties.PaymentAmount) 5)",
        youlend()
    )
    .is_empty());
    assert!(findings(r#"(= EventCode "LOA10040")"#, youlend()).is_empty());
    assert!(findings(
        "(= EventProperties.PaymentsToLenders.1.Amount \"400\")",
        youlend()
    )
    .is_empty());
}

#[test]
fn arithmetic_and_text_types() {
    let f = findings(r#"(+ loan-status 1)"#, loanpro());
    assert_eq!(f[0].0, ErrorKind::Type);
    let f = findings("(clojure.string/trim status-days-past-due)", loanpro());
    assert_eq!(f[0].0, ErrorKind::Type);
    // As in Clojure, upper-case and the searches read any value's text but nil's.
    assert!(findings("(upper-case status-days-past-due)", loanpro()).is_empty());
    assert!(findings(r#"(clojure.string/includes? loan-id "7")"#, loanpro()).is_empty());
    let f = findings("(upper-case nil)", loanpro());
    assert_eq!(f[0].0, ErrorKind::Type);
    let f = findings("(clojure.string/includes? loan-status 7)", loanpro());
    assert_eq!(f[0].0, ErrorKind::Type);
    // One-argument comparisons are always true; one-argument min returns its argument.
    assert!(findings(r#"(< loan-status)"#, loanpro()).is_empty());
    assert!(findings(r#"(= (min loan-status) "Open")"#, loanpro()).is_empty());
    let f = findings("(/ status-amount-due 0)", loanpro());
    assert_eq!(f[0].0, ErrorKind::Arithmetic);
}

#[test]
fn thread_steps_are_checked() {
    let f = findings("(-> loan-id (frob) (and 1))", loanpro());
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].0, ErrorKind::UnknownFunction);
    assert_eq!(f[1].0, ErrorKind::Type);
}

/// Clojure 1.11: `(get-in m nil)` is `m` (no keys, no steps), so nil is not
/// a type error where `get-in` takes its keys; a number still is.
#[test]
fn get_in_takes_nil_keys() {
    assert_eq!(
        findings("(= (get-in setup-custom-fields nil) 1)", loanpro()),
        vec![]
    );
    let f = findings("(= (get-in setup-custom-fields 5) 1)", loanpro());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, ErrorKind::Type);
}
