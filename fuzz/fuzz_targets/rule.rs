//! Parse, check, format, model, edit as the builder does and evaluate
//! arbitrary rule text against a fixed context. Any panic, overflow or hang is
//! a bug; errors are fine.
//! Run: `cargo +nightly fuzz run rule` from the repository root.
#![no_main]

use std::sync::OnceLock;

use hookwright_core::catalog::loanpro;
use hookwright_core::rule::edit::{self, Edit};
use hookwright_core::rule::model::{self, Match, RuleModel};
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
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
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
    // Every builder edit at every item (comments kept in place) reads as the edited model.
    let top = RuleModel::from_rule(&rule).top_group();
    let paths =
        std::iter::once(Vec::new()).chain(model::item_spans(&rule).into_iter().map(|(p, _)| p));
    for path in paths.take(64) {
        for change in [
            Edit::Remove,
            Edit::Move(-1),
            Edit::Move(1),
            Edit::ToggleNot,
            Edit::SetMode(Match::None),
        ] {
            let edited = edit::edit_text(src, &path, change.clone());
            match edit::apply(&top, &path, change) {
                None => assert_eq!(edited, None),
                Some(next) => {
                    let edited = edited.expect("an edit that fits gives text");
                    assert!(edit::reads_as(&edited, &next, &edit::text_of(&next)));
                }
            }
        }
    }
});
