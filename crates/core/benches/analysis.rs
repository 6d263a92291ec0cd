//! The editor's per-keystroke rule analysis (`analysis::analyze_rule`: parse,
//! check, builder model, explanation, every builder item's outcome by span)
//! against what the page did before: each builder item's subtree formatted,
//! re-parsed and evaluated on its own (quadratic in the nesting).
//! A plain binary: `cargo bench -p hookwright-core --bench analysis`.

use std::hint::black_box;
use std::time::Instant;

use hookwright_core::analysis::analyze_rule;
use hookwright_core::catalog;
use hookwright_core::rule::model::{Item, RuleModel};
use hookwright_core::rule::{EvalOptions, Rule};
use hookwright_core::{samples, Context};

/// 198 groups nested in one another, each with a condition: 199 levels deep.
fn deep() -> String {
    let mut text = String::new();
    for k in 0..198 {
        let head = if k % 2 == 0 { "or" } else { "and" };
        text.push_str(&format!("({head} (= status-days-past-due {k}) "));
    }
    text.push_str("(= loan-status \"Open\")");
    text.push_str(&")".repeat(198));
    text
}

fn clauses(n: usize) -> String {
    let forms = [
        "(= status-days-past-due {})",
        "(> status-amount-due {})",
        "(not (= loan-status \"Closed{}\"))",
        "(or (< status-days-past-due {}) (= loan-status \"Open\"))",
    ];
    let mut text = String::from("(and");
    for i in 0..n {
        text.push(' ');
        text.push_str(&forms[i % forms.len()].replace("{}", &(i % 97).to_string()));
    }
    text.push(')');
    text
}

/// The page's former per-item evaluation.
fn per_item(model: &RuleModel, ctx: &Context) -> usize {
    let mut stack = vec![model.root.clone()];
    let mut n = 0;
    while let Some(item) = stack.pop() {
        let text = RuleModel { root: item.clone() }.to_text();
        if let Ok(rule) = Rule::parse(&text) {
            n += rule.eval(ctx, &EvalOptions::default()).is_ok() as usize;
        }
        match item {
            Item::Group(g) => stack.extend(g.items),
            Item::Not(inner) => stack.push(*inner),
            _ => {}
        }
    }
    n
}

/// Median milliseconds of `runs` calls.
fn time(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    ms[runs / 2]
}

fn main() {
    let ctx = &samples::sample("loan-5-days-past-due").unwrap().context;
    let cases = [
        ("199 deep", deep()),
        ("300 clauses", clauses(300)),
        ("5,000 clauses", clauses(5000)),
    ];
    println!("| rule | size | analyze_rule (now) | before: the same plus per-item re-evaluation | dry-run item texts |");
    println!("|---|---|---|---|---|");
    for (name, text) in cases {
        let rule = Rule::parse(&text).expect("the bench rule parses");
        let model = RuleModel::from_rule(&rule);
        let runs = if text.len() > 100_000 { 3 } else { 11 };
        let now = time(runs, || {
            black_box(analyze_rule(
                &text,
                catalog::loanpro(),
                Some(ctx),
                None,
                false,
            ));
        });
        let before = time(runs, || {
            black_box(per_item(&model, ctx));
        }) + now;
        let texts = time(runs, || {
            black_box(hookwright_core::dryrun::item_texts(&rule));
        });
        println!(
            "| {name} | {:.1} KB | {now:.2} ms | {before:.2} ms | {texts:.2} ms |",
            text.len() as f64 / 1000.0
        );
    }
}
