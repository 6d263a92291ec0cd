//! The builder model and the formatter, proven by property tests: text →
//! model → text keeps the syntax tree for every input that parses, model →
//! text → model is the identity, and formatting is idempotent.

use hookwright_core::rule::model::{
    Condition, Expression, Group, Item, Literal, Match, Operand, Operator, RuleModel,
};
use hookwright_core::rule::{edit, format, format_expr, model, Expr, ExprKind, Rule};
use hookwright_core::Span;
use proptest::prelude::*;
use rust_decimal::Decimal;

const SEED: &str =
    r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;

fn count(item: &Item, groups: &mut usize, conditions: &mut usize) {
    match item {
        Item::Group(g) => {
            *groups += 1;
            g.items.iter().for_each(|i| count(i, groups, conditions));
        }
        Item::Not(inner) => count(inner, groups, conditions),
        Item::Condition(_) => *conditions += 1,
        Item::Expression(_) => {}
    }
}

#[test]
fn seed_rule_maps_to_two_groups_and_three_conditions() {
    let model = RuleModel::from_rule(&Rule::parse(SEED).unwrap());
    let (mut groups, mut conditions) = (0, 0);
    count(&model.root, &mut groups, &mut conditions);
    assert_eq!((groups, conditions), (2, 3));
    let Item::Group(top) = &model.root else {
        panic!("top is a group")
    };
    assert_eq!(top.mode, Match::All);
    assert_eq!(
        top.items[0],
        Item::Condition(Condition {
            variable: "status-days-past-due".into(),
            operator: Operator::Eq,
            value: Operand::One(Literal::Number(5.into())),
        })
    );
    assert_eq!(model.to_text(), SEED);
    assert_eq!(format(SEED).unwrap(), SEED);
}

#[test]
fn builder_forms_have_one_text_each() {
    let cases = [
        r#"(not (or (= loan-status "Closed") (contains? #{"Paid Off" "Pending"} loan-status)))"#,
        r#"(and (clojure.string/includes? loan-status "Mc") (clojure.string/starts-with? loan-status "Open"))"#,
        "(or (= status-stoplight true) (= status-stoplight false) (not (>= status-amount-due 100.50)))",
        r#"(and (< next-scheduled-payment-date "2024-01-01") (+ 1 2))"#,
    ];
    for case in cases {
        let model = RuleModel::from_rule(&Rule::parse(case).unwrap());
        assert_eq!(model.to_text(), case);
    }
    let model = RuleModel::from_rule(&Rule::parse(cases[3]).unwrap());
    let Item::Group(g) = &model.root else {
        panic!()
    };
    assert_eq!(
        g.items[1],
        Item::Expression(Expression {
            text: "(+ 1 2)".into()
        })
    );
}

#[test]
fn long_rules_break_at_100_columns() {
    let long = format!(
        "(and {})",
        (0..12)
            .map(|i| format!("(= loan-status \"Status {i}\")"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let text = format(&long).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert!(
        text.starts_with("(and\n  (= loan-status \"Status 0\")\n"),
        "{text}"
    );
    assert_eq!(format(&text).unwrap(), text);
}

// ---- strategies ----

fn span() -> Span {
    Span::locate("", 0, 0)
}

fn e(kind: ExprKind) -> Expr {
    Expr::new(kind, span())
}

fn variable() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("loan-status".to_string()),
        Just("status-days-past-due".to_string()),
        Just("customer.primary.full-name".to_string()),
        Just("EventProperties.PaymentsToLenders.1.Amount".to_string()),
        "[a-z][a-z0-9-]{0,8}".prop_filter("not a literal", |s| !matches!(
            s.as_str(),
            "nil" | "true" | "false"
        )),
    ]
}

fn number() -> impl Strategy<Value = Decimal> {
    (any::<i32>(), 0u32..4).prop_map(|(m, s)| Decimal::new(i64::from(m), s))
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 \"\\\\\n\té-]{0,8}"
}

fn atom() -> impl Strategy<Value = Expr> {
    prop_oneof![
        Just(e(ExprKind::Nil)),
        any::<bool>().prop_map(|b| e(ExprKind::Bool(b))),
        number().prop_map(|n| e(ExprKind::Number(n))),
        text().prop_map(|s| e(ExprKind::Text(s))),
        "[a-z0-9][a-z0-9-]{0,4}".prop_map(|k| e(ExprKind::Keyword(k))),
        variable().prop_map(|v| e(ExprKind::Symbol(v))),
    ]
}

fn head() -> impl Strategy<Value = Expr> {
    prop::sample::select(vec![
        "and",
        "or",
        "not",
        "=",
        "not=",
        "<",
        ">=",
        "contains?",
        "clojure.string/includes?",
        "clojure.string/starts-with?",
        "+",
        "str",
        "if",
    ])
    .prop_map(|h| e(ExprKind::Symbol(h.to_string())))
}

/// Any syntax tree, biased towards the shapes the builder knows.
fn expr() -> impl Strategy<Value = Expr> {
    atom().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            4 => (head(), prop::collection::vec(inner.clone(), 0..4)).prop_map(|(h, mut args)| {
                args.insert(0, h);
                e(ExprKind::List(args))
            }),
            2 => (head(), variable(), atom()).prop_map(|(h, v, a)| {
                e(ExprKind::List(vec![h, e(ExprKind::Symbol(v)), a]))
            }),
            1 => prop::collection::vec(inner.clone(), 0..3).prop_map(|v| e(ExprKind::Vector(v))),
            1 => prop::collection::vec(variable(), 0..3).prop_map(|mut v| {
                v.sort();
                v.dedup();
                e(ExprKind::Set(v.into_iter().map(|s| e(ExprKind::Symbol(s))).collect()))
            }),
            1 => (prop::collection::vec(text(), 0..3), variable()).prop_map(|(mut items, v)| {
                items.sort();
                items.dedup();
                let set = e(ExprKind::Set(items.into_iter().map(|s| e(ExprKind::Text(s))).collect()));
                e(ExprKind::List(vec![e(ExprKind::Symbol("contains?".into())), set, e(ExprKind::Symbol(v))]))
            }),
        ]
    })
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        Just(Literal::Nil),
        number().prop_map(Literal::Number),
        text().prop_map(Literal::Text),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    let op = prop::sample::select(vec![
        Operator::Eq,
        Operator::NotEq,
        Operator::Lt,
        Operator::Le,
        Operator::Gt,
        Operator::Ge,
        Operator::IsOneOf,
        Operator::Contains,
        Operator::StartsWith,
        Operator::IsTrue,
        Operator::IsFalse,
    ]);
    (
        variable(),
        op,
        literal(),
        prop::collection::vec(literal(), 0..4),
        text(),
    )
        .prop_map(|(variable, operator, one, many, s)| {
            let value = match operator {
                Operator::IsTrue | Operator::IsFalse => Operand::None,
                Operator::IsOneOf => {
                    let mut unique: Vec<Literal> = Vec::new();
                    for l in many {
                        if !unique.contains(&l) {
                            unique.push(l);
                        }
                    }
                    Operand::Many(unique)
                }
                Operator::Contains | Operator::StartsWith => Operand::One(Literal::Text(s)),
                _ => Operand::One(one),
            };
            Condition {
                variable,
                operator,
                value,
            }
        })
}

fn model_item() -> impl Strategy<Value = Item> {
    let leaf = prop_oneof![
        4 => condition().prop_map(Item::Condition),
        1 => prop::sample::select(vec!["(+ 1 2)", "(u/today :format :date)", "true", "loan-id", "(= 5 loan-id)", "(count [1 2])"])
            .prop_map(|t| Item::Expression(Expression { text: t.to_string() })),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            3 => (prop::sample::select(vec![Match::All, Match::Any, Match::None]), prop::collection::vec(inner.clone(), 0..5))
                .prop_map(|(mode, items)| Item::Group(Group { mode, items })),
            // NOT around an "any" group is spelled as a "none" group.
            1 => inner.prop_filter("not of any is none", |i| !matches!(i, Item::Group(Group { mode: Match::Any, .. })))
                .prop_map(|i| Item::Not(Box::new(i))),
        ]
    })
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    "(",
    ")",
    "[",
    "]",
    "#{",
    "}",
    " ",
    " ",
    "and",
    "or",
    "not",
    "=",
    "<",
    "x",
    "loan-status",
    "\"Open\"",
    "5",
    "-2.50",
    ":k",
    "nil",
    "true",
    "contains?",
    "clojure.string/includes?",
    ";c\n",
    "#_",
];

proptest! {
    #[test]
    fn text_model_text_keeps_the_tree(ast in expr()) {
        let text = format_expr(&ast);
        let rule = Rule::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e:?}")))?;
        prop_assert!(rule.expr().same(&ast), "formatter changed the tree: {}", text);
        prop_assert_eq!(format(&text).unwrap(), text.clone(), "formatting is idempotent");
        let back = RuleModel::from_rule(&rule).to_text();
        let reparsed = Rule::parse(&back).unwrap();
        prop_assert!(reparsed.expr().same(rule.expr()), "{} became {}", text, back);
    }

    #[test]
    fn any_parseable_text_round_trips(tokens in prop::collection::vec(prop::sample::select(TOKENS), 1..30)) {
        let text = tokens.concat();
        if let Ok(rule) = Rule::parse(&text) {
            let back = RuleModel::from_rule(&rule).to_text();
            let reparsed = Rule::parse(&back).unwrap();
            prop_assert!(reparsed.expr().same(rule.expr()), "{} became {}", text, back);
            let formatted = format(&text).unwrap();
            prop_assert!(Rule::parse(&formatted).unwrap().expr().same(rule.expr()));
        }
    }

    #[test]
    fn format_keeps_every_comment(ast in expr(), picks in prop::collection::vec(any::<prop::sample::Index>(), 1..6)) {
        // Comments put after any node (so outside every token): the formatted text has the same
        // tree, each comment once, and formats to itself.
        let plain = format_expr(&ast);
        let mut ends = Vec::new();
        node_ends(Rule::parse(&plain).unwrap().expr(), &mut ends);
        let mut at: Vec<usize> = picks.iter().map(|p| ends[p.index(ends.len())]).collect();
        at.sort_unstable();
        at.dedup();
        let mut text = plain.clone();
        for (k, &end) in at.iter().enumerate().rev() {
            text.insert_str(end, &format!(" ; c{k}\n"));
        }
        let formatted = format(&text).unwrap();
        prop_assert!(Rule::parse(&formatted).unwrap().expr().same(&ast), "{}", formatted);
        for k in 0..at.len() {
            prop_assert_eq!(formatted.matches(&format!("; c{k}\n")).count()
                + usize::from(formatted.ends_with(&format!("; c{k}"))), 1, "{}", formatted);
        }
        prop_assert_eq!(format(&formatted).unwrap(), formatted.clone(), "idempotent");
    }

    #[test]
    fn builder_edits_keep_every_comment(
        root in model_item(),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 1..6),
        at in any::<prop::sample::Index>(),
        edit in builder_edit(),
    ) {
        // A rule with comments after any of its nodes, edited anywhere by the builder: the
        // text means what the edit makes of the model, and every comment is kept.
        let plain = RuleModel { root }.to_text();
        let mut ends = Vec::new();
        node_ends(Rule::parse(&plain).unwrap().expr(), &mut ends);
        let mut spots: Vec<usize> = picks.iter().map(|p| ends[p.index(ends.len())]).collect();
        spots.sort_unstable();
        spots.dedup();
        let mut text = plain.clone();
        for (k, &end) in spots.iter().enumerate().rev() {
            text.insert_str(end, &format!(" ; c{k}\n"));
        }
        let top = edit::model_of(&text).unwrap().top_group();
        let paths = builder_paths(&Rule::parse(&text).unwrap());
        let path = &paths[at.index(paths.len())];
        // The builder moves and removes items of groups only (a NOT's one item has no such buttons).
        let parent = path.split_last().map(|(_, parent)| parent).unwrap_or_default();
        let in_not = matches!(edit::item_at(&top, parent), Some(Item::Not(_)));
        if in_not && matches!(edit, edit::Edit::Move(_) | edit::Edit::Remove) {
            return Ok(());
        }
        let Some(expected) = edit::apply(&top, path, edit.clone()) else {
            prop_assert_eq!(edit::edit_text(&text, path, edit), None);
            return Ok(());
        };
        let edited = edit::edit_text(&text, path, edit.clone()).unwrap();
        prop_assert!(
            edit::reads_as(&edited, &expected, &edit::text_of(&expected)),
            "{:?} at {:?} of\n{}\ngave\n{}", edit, path, text, edited
        );
        // Replacing or removing an item whose own comments were inside it drops them with it.
        if !matches!(edit, edit::Edit::Replace(_) | edit::Edit::Remove) {
            for k in 0..spots.len() {
                prop_assert!(edited.contains(&format!("; c{k}")), "{:?} at {:?} of\n{}\nlost c{}:\n{}", edit, path, text, k, edited);
            }
        }
    }

    #[test]
    fn builder_edits_on_any_parseable_text(
        tokens in prop::collection::vec(prop::sample::select(TOKENS), 1..30),
        at in any::<prop::sample::Index>(),
        edit in builder_edit(),
    ) {
        // Whatever the text (comments, strings, odd layout), an edit never panics and its
        // text means what the edit makes of the model.
        let text = tokens.concat();
        let Ok(rule) = Rule::parse(&text) else { return Ok(()) };
        let top = edit::model_of(&text).unwrap().top_group();
        let paths = builder_paths(&rule);
        let path = &paths[at.index(paths.len())];
        let edited = edit::edit_text(&text, path, edit.clone());
        match edit::apply(&top, path, edit.clone()) {
            None => prop_assert_eq!(edited, None),
            Some(expected) => {
                let edited = edited.unwrap();
                prop_assert!(
                    edit::reads_as(&edited, &expected, &edit::text_of(&expected)),
                    "{:?} at {:?} of\n{}\ngave\n{}", edit, path, text, edited
                );
            }
        }
    }

    #[test]
    fn model_text_model_is_identity(root in model_item()) {
        let model = RuleModel { root };
        let text = model.to_text();
        let rule = Rule::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e:?}")))?;
        prop_assert_eq!(RuleModel::from_rule(&rule), model, "via {}", text);
    }
}

/// Every builder item's path in a rule, the top group's (`[]`) first.
fn builder_paths(rule: &Rule) -> Vec<Vec<usize>> {
    std::iter::once(Vec::new())
        .chain(model::item_spans(rule).into_iter().map(|(p, _)| p))
        .collect()
}

fn builder_edit() -> impl Strategy<Value = edit::Edit> {
    use edit::Edit;
    prop_oneof![
        prop::sample::select(vec![Match::All, Match::Any, Match::None]).prop_map(Edit::SetMode),
        model_item().prop_map(Edit::Add),
        Just(Edit::Remove),
        prop::sample::select(vec![-1isize, 1]).prop_map(Edit::Move),
        Just(Edit::ToggleNot),
        condition().prop_map(|c| Edit::Replace(Item::Condition(c))),
    ]
}

fn node_ends(e: &Expr, out: &mut Vec<usize>) {
    out.push(e.span.end);
    if let ExprKind::List(items) | ExprKind::Vector(items) | ExprKind::Set(items) = &e.kind {
        items.iter().for_each(|item| node_ends(item, out));
    }
}

#[test]
fn format_keeps_comments_beside_their_items() {
    // `hookwright fmt` and the editor's Format once dropped every comment.
    let text = "; fires on day 5\n(and (= status-days-past-due 5) ; LoanPro counts from 1\n  ;; open or in collections\n  (or (= loan-status \"Open\") (= loan-status \"Collections\")))";
    assert_eq!(
        format(text).unwrap(),
        "; fires on day 5\n(and\n  (= status-days-past-due 5) ; LoanPro counts from 1\n  ;; open or in collections\n  (or (= loan-status \"Open\") (= loan-status \"Collections\")))"
    );
    assert_eq!(format("(not true) ; done").unwrap(), "(not true) ; done");
    // A form dropped by `#_` is kept as written, a `;` in its string no comment.
    assert_eq!(
        format("(and (= loan-status \"Open\")\n #_(> status-days-past-due \"5;\")\n  (< status-amount-due 100))").unwrap(),
        "(and\n  (= loan-status \"Open\")\n  #_(> status-days-past-due \"5;\")\n  (< status-amount-due 100))"
    );
    assert_eq!(
        format("#_ #_ a [b] (not true)").unwrap(),
        "#_ #_ a [b]\n(not true)"
    );
    assert_eq!(format("(f ; c\n)").unwrap(), "(f ; c\n)");
}
