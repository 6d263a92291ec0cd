//! The checker's warnings for what LoanPro's payloads do to comparisons:
//! digits that arrive as text (`"loan-display-id": "727"`), select custom
//! fields that give option ids as text, and empty objects sent as `[]`.

use hookwright_core::catalog::loanpro;
use hookwright_core::rule::{check, Rule};
use hookwright_core::{ErrorKind, Severity};

fn findings(src: &str) -> Vec<(ErrorKind, Severity, String)> {
    let rule = Rule::parse(src).unwrap();
    check(&rule, loanpro())
        .into_iter()
        .map(|e| (e.kind, e.severity, e.to_string()))
        .collect()
}

fn one_warning(src: &str) -> String {
    let f = findings(src);
    assert_eq!(f.len(), 1, "{src}: {f:?}");
    assert_eq!(f[0].0, ErrorKind::Unmatchable, "{src}");
    assert_eq!(f[0].1, Severity::Warning, "{src}");
    f[0].2.clone()
}

#[test]
fn digits_sent_as_text_never_equal_a_number() {
    let w = one_warning("(= loan-display-id 727)");
    assert!(
        w.contains("`loan-display-id` arrives as text (such as \"727\")"),
        "{w}"
    );
    assert!(w.contains("v/parse-int"), "{w}");
    assert_eq!(findings(r#"(= loan-display-id "727")"#), vec![]);
    assert_eq!(findings("(= (v/parse-int loan-display-id) 727)"), vec![]);
    let w = one_warning("(not= customer.primary.mailing-zipcode 84601)");
    assert!(w.contains("arrives as text"), "{w}");
    // Ordering text is an error in Clojure; the message says why.
    let f = findings("(> loan-display-id 700)");
    assert_eq!(f[0].1, Severity::Error);
    assert!(
        f[0].2.contains("arrives as text such as \"727\""),
        "{}",
        f[0].2
    );
}

#[test]
fn select_custom_fields_give_option_ids_as_text() {
    let w = one_warning("(= (-> settings-custom-fields :35 :value) 1)");
    assert!(
        w.contains("`settings-custom-fields.value` arrives as text"),
        "{w}"
    );
    // LoanPro's own example compares with the id as text.
    let documented = r#"(if (= (-> settings-custom-fields :35 :value) "1") "Not Obtained" (if (= (-> settings-custom-fields :35 :value) "2") "Experian" " "))"#;
    assert_eq!(findings(documented), vec![]);
    assert_eq!(
        findings(r#"(= (-> setup-custom-fields (get :1) :value) "Northside Motors")"#),
        vec![]
    );
    one_warning("(= (-> setup-custom-fields (get :1) :value) 2)");
}

#[test]
fn empty_objects_arrive_as_vectors_not_nil() {
    for src in [
        "(nil? setup-custom-fields)",
        "(some? escrow)",
        "(= collateral-position nil)",
    ] {
        let w = one_warning(src);
        assert!(w.contains("never nil") && w.contains("(empty? "), "{w}");
    }
    let w = one_warning("(= settings-custom-fields [])");
    assert!(w.contains("(empty? settings-custom-fields)"), "{w}");
    assert_eq!(findings("(empty? setup-custom-fields)"), vec![]);
    // Arrays are arrays either way.
    assert_eq!(findings("(= (count payments) 0)"), vec![]);
}
