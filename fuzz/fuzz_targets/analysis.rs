//! The editor's whole analysis of a connection whose rule, URL, a header
//! and a custom body are arbitrary text: no panic, overflow or hang; every
//! builder item gets an outcome, and each evaluated item's outcome is what
//! evaluating that item alone gives. Run: `cargo +nightly fuzz run analysis`.
#![no_main]

use hookwright_core::analysis::{analyze, sample_choice, ItemOutcome, Options, SampleChoice};
use hookwright_core::connection::{examples, Header, Payload, Trigger};
use hookwright_core::rule::model::{item_spans, Item, RuleModel};
use hookwright_core::rule::{Date, EvalOptions, Rule};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = src.splitn(3, '\u{1}');
    let (rule, template, body) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let mut c = examples().into_iter().next().expect("an example");
    c.trigger = Trigger::Rule {
        rule: rule.to_string(),
    };
    c.request.url = format!("https://example.com/{template}");
    c.request.headers.push(Header::new("X-Fuzz", template));
    c.request.payload = Payload::Custom {
        content_type: "application/json".into(),
        body: body.to_string(),
    };
    let options = Options {
        today: Date::new(2024, 8, 9),
        ..Options::default()
    };
    let a = analyze(&c, &options);
    let Ok(parsed) = Rule::parse(rule) else {
        return;
    };
    // Out of fuel, the whole rule may stop inside an item that alone would finish.
    let limited =
        matches!(&a.rule.result, Some(Err(e)) if e.kind == hookwright_core::ErrorKind::Limit);
    if rule.trim().is_empty() || a.rule.result.is_none() || limited {
        return;
    }
    assert_eq!(a.rule.items.len(), {
        let mut paths: Vec<_> = item_spans(&parsed).into_iter().map(|(p, _)| p).collect();
        paths.dedup();
        paths.len()
    });
    let model = a.rule.model.as_ref().expect("a parsed rule has a model");
    let top = model.top_group();
    let SampleChoice::Builtin(sample) = sample_choice(&c) else {
        return;
    };
    let ctx = &sample.context;
    for (path, outcome) in &a.rule.items {
        if *outcome == ItemOutcome::Skipped || path.len() > 3 {
            continue;
        }
        let mut item = Item::Group(top.clone());
        for &i in path {
            item = match item {
                Item::Group(g) => g.items[i].clone(),
                Item::Not(inner) => *inner,
                other => other,
            };
        }
        let opts = EvalOptions {
            today: Date::new(2024, 8, 9),
            fuel: None,
        };
        let own = Rule::parse(&RuleModel { root: item }.to_text()).map(|r| r.eval(ctx, &opts));
        let expected = match own {
            Ok(Ok(v)) if v.is_truthy() => ItemOutcome::True,
            Ok(Ok(_)) => ItemOutcome::False,
            _ => ItemOutcome::Error,
        };
        assert_eq!(*outcome, expected, "{path:?}");
    }
});
