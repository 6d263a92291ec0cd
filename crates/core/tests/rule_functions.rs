//! The function table's rows against the checker and the evaluator: for
//! every row and every arity around its bounds, a call with arguments its
//! signature accepts passes the checker and evaluates to what the signature
//! says it returns; a call with a wrong count is refused by both alike.

use hookwright_core::catalog;
use hookwright_core::error::ErrorKind;
use hookwright_core::rule::functions::{self, Builtin, Param, Returns, TABLE};
use hookwright_core::rule::{self, Date, EvalOptions, Rule};
use hookwright_core::{Context, Value};

/// A literal argument `param` accepts, at position `i`.
fn sample(param: Param, i: usize) -> &'static str {
    match param {
        Param::Any => "\"1\"",
        Param::Number | Param::Ordered => "2",
        Param::Text | Param::TextOf | Param::TextOrFalsy => "\"ab\"",
        Param::Date => "\"2024-01-02\"",
        Param::Collection => "#{1}",
        Param::Keys => "[]",
        Param::Keyword if i == 0 => ":format",
        Param::Keyword => ":date",
    }
}

fn call(f: &functions::Function, n: usize) -> String {
    let args: Vec<&str> = (0..n)
        .map(|i| match (f.is_thread(), i) {
            // Every step of `->` is a function name.
            (true, i) if i > 0 => "str",
            _ => sample(f.signature.param(i), i),
        })
        .collect();
    format!("({} {})", f.name, args.join(" "))
}

fn opts() -> EvalOptions {
    EvalOptions::today(Date::parse("2024-03-04").unwrap())
}

fn returns_ok(returns: Returns, n: usize, v: &Value) -> bool {
    match returns {
        Returns::Any | Returns::BoolIfAllBool => true,
        Returns::NumberOrSole if n == 1 => true,
        Returns::Bool => matches!(v, Value::Bool(_)),
        Returns::Number | Returns::NumberOrSole | Returns::NumberOrSoleNil => {
            matches!(v, Value::Number(_))
        }
        Returns::NumberOrNil => matches!(v, Value::Number(_) | Value::Nil),
        Returns::Text => matches!(v, Value::Text(_)),
        Returns::Date => matches!(v, Value::Text(t) if Date::parse(t).is_some()),
    }
}

#[test]
fn checker_and_evaluator_agree_on_every_row() {
    let catalog = catalog::loanpro();
    let ctx = Context::default();
    for f in TABLE {
        assert_eq!(Builtin::lookup(f.name), Some(f.builtin), "{}", f.name);
        assert!(functions::names().iter().any(|n| n == f.name));
        let most = f.max.unwrap_or(f.min + 3).min(f.min + 3);
        for n in f.min..=most {
            let text = call(f, n);
            let rule = Rule::parse(&text).unwrap();
            let problems: Vec<_> = rule::check(&rule, catalog)
                .into_iter()
                .filter(|e| !e.is_warning())
                .collect();
            let result = rule.eval(&ctx, &opts());
            if f.builtin == Builtin::Cond && n % 2 == 1 {
                assert_eq!(problems[0].kind, ErrorKind::Arity, "{text}");
                assert_eq!(result.unwrap_err().kind, ErrorKind::Arity, "{text}");
                continue;
            }
            assert!(problems.is_empty(), "{text}: the checker says {problems:?}");
            match result {
                Ok(v) => assert!(
                    returns_ok(f.signature.returns, n, &v),
                    "{text} gave {v:?}, not {:?}",
                    f.signature.returns
                ),
                // Only a value the signature cannot describe may fail
                // (`(u/today :format)` wants `:date` too).
                Err(e) => assert_eq!(e.kind, ErrorKind::Invalid, "{text}: {e:?}"),
            }
        }
        let mut wrong = vec![f.max.map_or(usize::MAX, |m| m + 1)];
        if f.min > 0 {
            wrong.push(f.min - 1);
        }
        for n in wrong.into_iter().filter(|&n| n < 10) {
            let text = call(f, n);
            let rule = Rule::parse(&text).unwrap();
            let checked = rule::check(&rule, catalog);
            assert!(
                checked.iter().any(|e| e.kind == ErrorKind::Arity),
                "{text}: the checker accepts it"
            );
            assert_eq!(rule.eval(&ctx, &opts()).unwrap_err().kind, ErrorKind::Arity);
        }
    }
}

#[test]
fn every_spelling_reaches_a_row() {
    for name in functions::names() {
        assert!(Builtin::lookup(&name).is_some(), "{name}");
    }
    assert_eq!(Builtin::lookup("clojure.string/subs"), None);
}
