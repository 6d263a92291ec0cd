//! Parse, check, format, model and evaluate arbitrary rule text against a
//! fixed context. Any panic, overflow or hang is a bug; errors are fine.
//! Run: `cargo +nightly fuzz run rule` from the repository root.
#![no_main]

use std::sync::OnceLock;

use hookwright_core::catalog::loanpro;
use hookwright_core::rule::model::RuleModel;
use hookwright_core::rule::{check, format, Date, EvalOptions, Rule};
use hookwright_core::Context;
use libfuzzer_sys::fuzz_target;

fn context() -> &'static Context {
    static CTX: OnceLock<Context> = OnceLock::new();
    CTX.get_or_init(|| {
        Context::from_json(
            r#"{"loan-status": "Open", "status-days-past-due": 5, "status-amount-due": 158.70,
                "current-date": "2022-09-26", "setup-custom-fields": {"1": {"value": "Gold"}},
                "payments": [{"payment-date": "2022-09-01", "payment-amount": "10.00"}]}"#,
        )
        .expect("fixed context parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let opts = EvalOptions {
        today: Date::new(2024, 8, 9),
        fuel: Some(100_000),
    };
    let formatted = format(src);
    let Ok(rule) = Rule::parse(src) else {
        assert!(formatted.is_err());
        return;
    };
    let _ = check(&rule, loanpro());
    let value = rule.eval(context(), &opts);
    let explained = rule.explain(context(), &opts);
    assert_eq!(value, explained.result);
    if let Ok(compiled) = rule.compile() {
        assert_eq!(
            compiled.matches(context(), &opts),
            value.as_ref().map(|v| v.is_truthy()).map_err(Clone::clone)
        );
    }
    // Formatting keeps the tree and is idempotent; the builder model is lossless.
    let formatted = formatted.expect("parseable text formats");
    let reparsed = Rule::parse(&formatted).expect("formatted text parses");
    assert!(reparsed.expr().same(rule.expr()));
    assert_eq!(format(&formatted).unwrap(), formatted);
    let back = RuleModel::from_rule(&rule).to_text();
    assert!(Rule::parse(&back).unwrap().expr().same(rule.expr()));
});
