//! The connection analysis the editor renders and the CLI prints.

use hookwright_core::analysis::{
    analyze, analyze_rule, firing_rule, head_of, preview_context, retrigger, sample_choice,
    trigger_for_source, trigger_of_kind, ItemOutcome, Options, SampleChoice, CUSTOM_SAMPLE,
};
use hookwright_core::catalog;
use hookwright_core::connection::{examples, Source, Trigger};
use hookwright_core::rule::model::{item_spans, Item, RuleModel};
use hookwright_core::rule::{EvalOptions, Rule};
use hookwright_core::{samples, Context, Value};

const SEED: &str =
    r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;

fn context(id: &str) -> &'static Context {
    &samples::sample(id).unwrap().context
}

#[test]
fn the_seed_rule_is_marked_for_each_sample() {
    let a = analyze_rule(
        SEED,
        catalog::loanpro(),
        Some(context("loan-5-days-past-due")),
        None,
        false,
    );
    assert_eq!(a.result, Some(Ok(Value::Bool(true))));
    assert!(a.findings.is_empty(), "{:?}", a.findings);
    assert_eq!(a.items[&vec![]], ItemOutcome::True);
    assert_eq!(a.items[&vec![0]], ItemOutcome::True);
    assert_eq!(a.items[&vec![1]], ItemOutcome::True);
    assert_eq!(a.items[&vec![1, 0]], ItemOutcome::True);
    // `or` stopped at its first true clause.
    assert_eq!(a.items[&vec![1, 1]], ItemOutcome::Skipped);
    let b = analyze_rule(
        SEED,
        catalog::loanpro(),
        Some(context("loan-current")),
        None,
        false,
    );
    assert_eq!(b.result, Some(Ok(Value::Bool(false))));
    assert_eq!(b.items[&vec![0]], ItemOutcome::False);
    assert_eq!(b.items[&vec![1]], ItemOutcome::Skipped);
    assert!(b
        .marks
        .iter()
        .any(|m| !m.holds && &SEED[m.range.clone()] == "(and"));
}

/// Each item's outcome by span equals evaluating the item's own text, when it was evaluated.
#[test]
fn item_outcomes_agree_with_evaluating_each_item() {
    let rules = [
        SEED,
        r#"(= loan-status "Open")"#,
        r#"(not (= loan-status "Open"))"#,
        r#"(or (not (or (= loan-status "Closed") (> status-days-past-due 100))) (= 1 (/ 1 0)))"#,
        r#"(and (not (= a 1)) (not (or (= b 2) (= c 3))) (or) (+ 1 2) true)"#,
        r#"(and (> status-amount-due 100) (contains? #{"Open" "Collections"} loan-status) (clojure.string/starts-with? customer.primary.full-name "J"))"#,
    ];
    for text in rules {
        for sample in samples::samples() {
            let a = analyze_rule(text, catalog::loanpro(), Some(&sample.context), None, false);
            let model = a.model.clone().unwrap();
            let top = model.top_group();
            for (path, outcome) in &a.items {
                let item = if path.is_empty() {
                    Item::Group(top.clone())
                } else {
                    item_at(&top, path)
                };
                let own = Rule::parse(&RuleModel { root: item }.to_text())
                    .unwrap()
                    .eval(&sample.context, &EvalOptions::default());
                let expected = match own {
                    Ok(v) if v.is_truthy() => ItemOutcome::True,
                    Ok(_) => ItemOutcome::False,
                    Err(_) => ItemOutcome::Error,
                };
                if *outcome != ItemOutcome::Skipped {
                    assert_eq!(*outcome, expected, "{text} {path:?} {}", sample.id);
                }
            }
        }
    }
}

fn item_at(top: &hookwright_core::rule::model::Group, path: &[usize]) -> Item {
    let mut item = top.items[path[0]].clone();
    for &i in &path[1..] {
        item = match item {
            Item::Group(g) => g.items[i].clone(),
            Item::Not(inner) => *inner,
            other => panic!("no child {i} in {other:?}"),
        };
    }
    item
}

#[test]
fn every_builder_item_has_its_span() {
    let rule = Rule::parse(SEED).unwrap();
    let spans = item_spans(&rule);
    let texts: Vec<(Vec<usize>, &str)> = spans
        .iter()
        .map(|(p, s)| (p.clone(), &SEED[s.start..s.end]))
        .collect();
    assert_eq!(texts[0], (vec![], SEED));
    assert_eq!(texts[1], (vec![0], "(= status-days-past-due 5)"));
    assert_eq!(texts[3], (vec![1, 0], r#"(= loan-status "Open")"#));
    assert_eq!(texts.len(), 5);
    // A rule that is one condition is the top group's only item.
    let one = Rule::parse("(not (= a 1))").unwrap();
    let paths: Vec<Vec<usize>> = item_spans(&one).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, vec![vec![], vec![0], vec![0, 0]]);
}

#[test]
fn empty_and_broken_rules() {
    let ctx = context("loan-current");
    let empty = analyze_rule("  ", catalog::loanpro(), Some(ctx), None, true);
    assert_eq!(empty.result, Some(Ok(Value::Bool(true))));
    // A rule trigger without a rule: lint's error in the rule's problems, nothing evaluated.
    let missing = analyze_rule("", catalog::loanpro(), Some(ctx), None, false);
    assert_eq!(missing.result, None);
    let messages: Vec<_> = missing
        .findings
        .iter()
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["a rule trigger needs a rule: build it above or type it below"]
    );
    assert!(!missing.findings[0].is_warning());
    let broken = analyze_rule("(and (= a 1)", catalog::loanpro(), Some(ctx), None, false);
    assert!(broken.model.is_none() && broken.result.is_none());
    let span = broken.findings[0].span.unwrap();
    assert_eq!((span.line, span.col), (1, 1));
}

#[test]
fn heads_are_the_opening_of_list_forms() {
    let text = "(and (= a 1))";
    let rule = Rule::parse(text).unwrap();
    let span = rule.expr().span;
    assert_eq!(head_of(text, span.start..span.end), Some(0..4));
    assert_eq!(head_of(text, 8..9), None);
    assert_eq!(head_of(text, 0..99), None);
}

#[test]
fn sample_choice_and_refits() {
    let mut c = examples().into_iter().next().unwrap();
    c.sample = None;
    let first = sample_choice(&c);
    assert!(matches!(first, SampleChoice::Builtin(_)));
    c.sample = Some("no-such-sample".into());
    assert_eq!(sample_choice(&c), first);
    c.sample = Some(CUSTOM_SAMPLE.into());
    assert_eq!(sample_choice(&c), SampleChoice::Custom);
    // Unusable custom JSON previews with the first sample that fits.
    assert_eq!(
        preview_context(&c, None).map(|(n, _)| n),
        Some(first_name(first))
    );
    let custom = Context::from_json(r#"{"loan-id": 9}"#).unwrap();
    assert_eq!(preview_context(&c, Some(&custom)).unwrap().0, "Custom JSON");

    // YouLend only sends events; a sample that no longer fits is replaced.
    c.sample = Some("loan-current".into());
    let yl = retrigger(
        &c,
        trigger_for_source(&c.trigger, Source::Youlend),
        Source::Youlend,
    );
    assert!(
        matches!(&yl.trigger, Trigger::Event { event, rule } if event == "LOA10040" && rule.is_empty())
    );
    assert_ne!(yl.sample.as_deref(), Some("loan-current"));
    let back = retrigger(
        &yl,
        trigger_for_source(&yl.trigger, Source::Loanpro),
        Source::Loanpro,
    );
    assert!(matches!(back.trigger, Trigger::Event { .. }));
    let rule = retrigger(
        &back,
        trigger_of_kind(&back.trigger, Source::Loanpro, false),
        Source::Loanpro,
    );
    assert_eq!(
        rule.trigger,
        Trigger::Rule {
            rule: String::new()
        }
    );
    let mut custom_kept = c.clone();
    custom_kept.sample = Some(CUSTOM_SAMPLE.into());
    let kept = retrigger(
        &custom_kept,
        trigger_for_source(&c.trigger, Source::Youlend),
        Source::Youlend,
    );
    assert_eq!(kept.sample.as_deref(), Some(CUSTOM_SAMPLE));
}

fn first_name(choice: SampleChoice) -> String {
    match choice {
        SampleChoice::Builtin(s) => s.name.clone(),
        _ => unreachable!(),
    }
}

#[test]
fn firing_rules_put_the_event_first() {
    assert_eq!(
        firing_rule(&Trigger::Rule {
            rule: "(= a 1)".into()
        }),
        "(= a 1)"
    );
    let event = |rule: &str| Trigger::Event {
        event: "LOA10040".into(),
        rule: rule.into(),
    };
    assert_eq!(firing_rule(&event(" ")), r#"(= EventCode "LOA10040")"#);
    assert_eq!(
        firing_rule(&event("(= a 1)")),
        r#"(and (= EventCode "LOA10040") (= a 1))"#
    );
}

/// The analysis of every example: its findings are lint's for the same connection.
#[test]
fn examples_analyse_as_lint_sees_them() {
    for c in examples() {
        let a = analyze(&c, &Options::default());
        assert!(a.sample.is_some(), "{}", c.id);
        assert!(a.rule.model.is_some(), "{}", c.id);
        assert!(a.request.is_some(), "{}", c.id);
        let url = a.field("request.url").unwrap();
        assert!(
            url.output.as_deref().unwrap().starts_with("http"),
            "{url:?}"
        );
        assert!(!url.has_errors());
        let file = hookwright_core::connection::ConnectionFile::new(vec![c.clone()]);
        let report = hookwright_core::lint::lint_file("x.json", &file.to_json_pretty());
        let lint: Vec<(String, String)> = report
            .problems
            .iter()
            .map(|p| (p.field.clone(), p.error.message.clone()))
            .collect();
        let ours: Vec<(String, String)> = a
            .findings
            .iter()
            .map(|f| (f.field.clone(), f.error.message.clone()))
            .collect();
        assert_eq!(ours, lint, "{}", c.id);
    }
}

#[test]
fn a_bad_header_name_is_found_at_its_field() {
    let mut c = examples().into_iter().next().unwrap();
    c.request
        .headers
        .push(hookwright_core::connection::Header::new("X Bad", "1"));
    let i = c.request.headers.len() - 1;
    let a = analyze(&c, &Options::default());
    let field = format!("request.headers[{i}].name");
    let found: Vec<_> = a.findings_under(&field).collect();
    assert_eq!(found.len(), 1, "{:?}", a.findings);
    assert!(found[0].error.message.contains("not a token"));
}
