//! The functions a rule may call: one table, one row per function, holding
//! its name (with the namespaced spellings LoanPro users write, `v/parse-int`,
//! `clojure.string/includes?`), arity, the checker's signature and the
//! implementation the evaluator runs. Compiler, checker and evaluator all read
//! these rows, so they cannot disagree about what exists.
//!
//! Adding a function: a [`Builtin`] variant, its row in [`TABLE`] (in the
//! enum's order; a compile-time assertion keeps them aligned) whose
//! implementation is a function of `builtins/` or a closure over one of its
//! family's helpers, a fixture, and an arm in the SQL translator, which the
//! compiler asks for. `tests/rule_functions.rs` runs every row through the
//! checker and the evaluator.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Span};
use crate::suggest;
use crate::value::Value;

use super::arith;
use super::ast::{Expr, ExprKind};
use super::builtins::{arithmetic, collections, comparison, dates, loanpro, logic, text, Impl};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    And,
    Or,
    Not,
    If,
    When,
    Cond,
    ThreadFirst,
    ThreadLast,
    Eq,
    NotEq,
    Lt,
    Gt,
    Le,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Quot,
    Rem,
    Inc,
    Dec,
    Abs,
    Min,
    Max,
    Round,
    Str,
    Subs,
    Count,
    UpperCase,
    LowerCase,
    Trim,
    Blank,
    Empty,
    StartsWith,
    EndsWith,
    Includes,
    Contains,
    Get,
    GetIn,
    TakeLast,
    Nth,
    IsNil,
    IsSome,
    IsTrue,
    IsFalse,
    ParseInt,
    ParseFloat,
    Today,
    DaysBetween,
    AddDays,
}

/// One function: everything the compiler, checker and evaluator know of it.
#[derive(Debug, Clone, Copy)]
pub struct Function {
    pub builtin: Builtin,
    pub name: &'static str,
    /// Least arguments.
    pub min: usize,
    /// Most arguments, `None` for any number.
    pub max: Option<usize>,
    pub signature: Signature,
    pub(crate) run: Run,
}

/// How a call runs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Run {
    /// A function: the implementation evaluates its arguments as it needs them.
    Function(Impl),
    /// A form that decides which arguments to evaluate (`and`, `if` …); it
    /// cannot be a step of `->`.
    Special(Impl),
    /// `->` (`last: false`) and `->>`: compiled into a loop of steps.
    Thread { last: bool },
}

/// What the checker knows of a function before any context exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    /// The leading arguments' kinds; arguments past them are `rest`.
    pub params: &'static [Param],
    pub rest: Param,
    pub returns: Returns,
    /// Warnings and errors beyond argument kinds (enum values that cannot
    /// match, comparisons of a number with a date, a literal zero divisor).
    pub lint: Lint,
}

/// What an argument must be for the call to succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Any,
    Number,
    /// Text (or a date, which is text).
    Text,
    /// Any value but nil: its text is read, as Clojure's `.toString` (`(lower-case 12)`).
    TextOf,
    /// Text, nil or false (`blank?`).
    TextOrFalsy,
    /// A date as text, `YYYY-MM-DD`.
    Date,
    /// A set, map or vector (also text and nil, which `contains?` answers for).
    Collection,
    /// A vector of keys (`get-in`).
    Keys,
    /// A keyword option (`u/today :format :date`).
    Keyword,
    /// A number or a date, of one kind with the other arguments (which
    /// [`Lint::Ordering`] checks).
    Ordered,
}

/// What a call produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    Any,
    Bool,
    Number,
    /// A number, or nil when no number can be read (`v/parse-int`).
    NumberOrNil,
    Text,
    Date,
    /// A boolean when every argument is one (`and`, `or`), else any value.
    BoolIfAllBool,
    /// With one argument, that argument unchecked (`(min x)` is `x`); else a number.
    NumberOrSole,
    /// With one nil argument, nil (`(+ nil)`); else a number.
    NumberOrSoleNil,
}

/// The checker's extra analysis of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lint {
    None,
    /// `=` / `not=`: enum values, types that never compare equal, nil and `[]` tests.
    Equality,
    /// `<` …: numbers with numbers, dates with dates.
    Ordering,
    /// `/`, `mod` …: a literal zero divisor.
    Divisor,
    /// `nil?` / `some?` on a value that is never nil.
    NeverNil,
    /// `contains?`: enum members of a literal set, vectors asked about values.
    Contains,
}

const fn sig(params: &'static [Param], rest: Param, returns: Returns) -> Signature {
    Signature {
        params,
        rest,
        returns,
        lint: Lint::None,
    }
}

const fn linted(mut s: Signature, lint: Lint) -> Signature {
    s.lint = lint;
    s
}

const fn row(
    builtin: Builtin,
    name: &'static str,
    min: usize,
    max: Option<usize>,
    signature: Signature,
    run: Run,
) -> Function {
    Function {
        builtin,
        name,
        min,
        max,
        signature,
        run,
    }
}

use Builtin as B;
use Param as P;
use Returns as R;
use Run::{Function as F, Special as S};

const ANY: Signature = sig(&[], P::Any, R::Any);
const LOGIC: Signature = sig(&[], P::Any, R::BoolIfAllBool);
const EQUALITY: Signature = linted(sig(&[], P::Any, R::Bool), Lint::Equality);
const FOLD: Signature = sig(&[], P::Number, R::NumberOrSoleNil);
const EXTREME: Signature = sig(&[], P::Number, R::NumberOrSole);
const CONTAINS: Signature = linted(sig(&[P::Collection], P::Any, R::Bool), Lint::Contains);
const PARSE: Signature = sig(&[], P::Any, R::NumberOrNil);
const BOOL: Signature = sig(&[], P::Any, R::Bool);
const NUMBERS: Signature = sig(&[], P::Number, R::Number);
const DIVISION: Signature = linted(NUMBERS, Lint::Divisor);
const ORDER: Signature = linted(sig(&[], P::Ordered, R::Bool), Lint::Ordering);
const SEARCH: Signature = sig(&[P::TextOf], P::Text, R::Bool);
const CASE: Signature = sig(&[P::TextOf], P::Any, R::Text);
const IS_NIL: Signature = linted(BOOL, Lint::NeverNil);

/// Every function, in [`Builtin`]'s order.
#[rustfmt::skip]
pub const TABLE: &[Function] = &[
    row(B::And, "and", 0, None, LOGIC, S(logic::and)),
    row(B::Or, "or", 0, None, LOGIC, S(logic::or)),
    row(B::Not, "not", 1, Some(1), BOOL, F(logic::not)),
    row(B::If, "if", 2, Some(3), ANY, S(logic::if_)),
    row(B::When, "when", 1, None, ANY, S(logic::when)),
    row(B::Cond, "cond", 0, None, ANY, S(logic::cond)),
    row(B::ThreadFirst, "->", 1, None, ANY, Run::Thread { last: false }),
    row(B::ThreadLast, "->>", 1, None, ANY, Run::Thread { last: true }),
    row(B::Eq, "=", 1, None, EQUALITY, F(|m, a, _| comparison::equality(m, a, true))),
    row(B::NotEq, "not=", 1, None, EQUALITY, F(|m, a, _| comparison::equality(m, a, false))),
    row(B::Lt, "<", 1, None, ORDER, F(|m, a, _| comparison::ordered(m, a, Ordering::is_lt))),
    row(B::Gt, ">", 1, None, ORDER, F(|m, a, _| comparison::ordered(m, a, Ordering::is_gt))),
    row(B::Le, "<=", 1, None, ORDER, F(|m, a, _| comparison::ordered(m, a, Ordering::is_le))),
    row(B::Ge, ">=", 1, None, ORDER, F(|m, a, _| comparison::ordered(m, a, Ordering::is_ge))),
    row(B::Add, "+", 0, None, FOLD, F(|m, a, s| arithmetic::fold(m, a, s, Decimal::ZERO, arith::add))),
    row(B::Sub, "-", 1, None, NUMBERS, F(arithmetic::sub)),
    row(B::Mul, "*", 0, None, FOLD, F(|m, a, s| arithmetic::fold(m, a, s, Decimal::ONE, arith::mul))),
    row(B::Div, "/", 1, None, DIVISION, F(arithmetic::div)),
    row(B::Mod, "mod", 2, Some(2), DIVISION, F(|m, a, s| arithmetic::integral(m, a, s, arith::modulo))),
    row(B::Quot, "quot", 2, Some(2), DIVISION, F(|m, a, s| arithmetic::integral(m, a, s, arith::quot))),
    row(B::Rem, "rem", 2, Some(2), DIVISION, F(|m, a, s| arithmetic::integral(m, a, s, arith::rem))),
    row(B::Inc, "inc", 1, Some(1), NUMBERS, F(|m, a, s| arithmetic::unary(m, a, s, |x| arith::add(x, Decimal::ONE)))),
    row(B::Dec, "dec", 1, Some(1), NUMBERS, F(|m, a, s| arithmetic::unary(m, a, s, |x| arith::sub(x, Decimal::ONE)))),
    row(B::Abs, "abs", 1, Some(1), NUMBERS, F(|m, a, s| arithmetic::unary(m, a, s, |x| Some(x.abs())))),
    // On a tie Clojure keeps the later argument (`(min 1.0 1.00)` is 1.00).
    row(B::Min, "min", 1, None, EXTREME, F(|m, a, _| arithmetic::extreme(m, a, Decimal::le))),
    row(B::Max, "max", 1, None, EXTREME, F(|m, a, _| arithmetic::extreme(m, a, Decimal::ge))),
    row(B::Round, "round", 1, Some(2), NUMBERS, F(arithmetic::round)),
    row(B::Str, "str", 0, None, sig(&[], P::Any, R::Text), F(text::str)),
    row(B::Subs, "subs", 2, Some(3), sig(&[P::Text], P::Number, R::Text), F(text::subs)),
    row(B::Count, "count", 1, Some(1), sig(&[], P::Any, R::Number), F(collections::count)),
    row(B::UpperCase, "upper-case", 1, Some(1), CASE, F(|m, a, _| text::case(m, a, str::to_uppercase))),
    row(B::LowerCase, "lower-case", 1, Some(1), CASE, F(|m, a, _| text::case(m, a, str::to_lowercase))),
    row(B::Trim, "trim", 1, Some(1), sig(&[P::Text], P::Any, R::Text), F(text::trim)),
    row(B::Blank, "blank?", 1, Some(1), sig(&[P::TextOrFalsy], P::Any, R::Bool), F(text::blank)),
    row(B::Empty, "empty?", 1, Some(1), BOOL, F(collections::empty)),
    row(B::StartsWith, "starts-with?", 2, Some(2), SEARCH, F(|m, a, _| text::search(m, a, |h, n| h.starts_with(n)))),
    row(B::EndsWith, "ends-with?", 2, Some(2), SEARCH, F(|m, a, _| text::search(m, a, |h, n| h.ends_with(n)))),
    row(B::Includes, "includes?", 2, Some(2), SEARCH, F(|m, a, _| text::search(m, a, |h, n| h.contains(n)))),
    row(B::Contains, "contains?", 2, Some(2), CONTAINS, F(collections::contains)),
    row(B::Get, "get", 2, Some(3), ANY, F(collections::get)),
    row(B::GetIn, "get-in", 2, Some(3), sig(&[P::Any, P::Keys], P::Any, R::Any), F(collections::get_in)),
    row(B::TakeLast, "take-last", 2, Some(2), sig(&[P::Number, P::Collection], P::Any, R::Any), F(collections::take_last)),
    row(B::Nth, "nth", 2, Some(3), sig(&[P::Any, P::Number], P::Any, R::Any), F(collections::nth)),
    row(B::IsNil, "nil?", 1, Some(1), IS_NIL, F(|m, a, _| logic::test(m, a, |v| *v == Value::Nil))),
    row(B::IsSome, "some?", 1, Some(1), IS_NIL, F(|m, a, _| logic::test(m, a, |v| *v != Value::Nil))),
    row(B::IsTrue, "true?", 1, Some(1), BOOL, F(|m, a, _| logic::test(m, a, |v| *v == Value::Bool(true)))),
    row(B::IsFalse, "false?", 1, Some(1), BOOL, F(|m, a, _| logic::test(m, a, |v| *v == Value::Bool(false)))),
    row(B::ParseInt, "v/parse-int", 1, Some(1), PARSE, F(|m, a, _| loanpro::parse(m, a, false))),
    row(B::ParseFloat, "v/parse-float", 1, Some(1), PARSE, F(|m, a, _| loanpro::parse(m, a, true))),
    row(B::Today, "u/today", 0, Some(2), sig(&[], P::Keyword, R::Date), F(dates::today)),
    row(B::DaysBetween, "u/days-between", 2, Some(2), sig(&[], P::Date, R::Number), F(dates::days_between)),
    row(B::AddDays, "u/add-days", 2, Some(2), sig(&[P::Date], P::Number, R::Date), F(dates::add_days)),
];

// The table is indexed by `Builtin as usize`.
const _: () = {
    let mut i = 0;
    while i < TABLE.len() {
        assert!(
            TABLE[i].builtin as usize == i,
            "TABLE is out of Builtin's order"
        );
        i += 1;
    }
    assert!(
        TABLE.len() == B::AddDays as usize + 1,
        "a Builtin has no row"
    );
};

/// Text functions that also answer to `clojure.string/NAME` and `str/NAME`.
const STRING_FUNCTIONS: &[&str] = &[
    "upper-case",
    "lower-case",
    "trim",
    "blank?",
    "starts-with?",
    "ends-with?",
    "includes?",
];

impl Function {
    /// `->` and `->>`.
    pub fn is_thread(&self) -> bool {
        matches!(self.run, Run::Thread { .. })
    }
}

impl Signature {
    /// What argument `i` must be.
    pub fn param(&self, i: usize) -> Param {
        self.params.get(i).copied().unwrap_or(self.rest)
    }
}

impl Builtin {
    /// The function a name calls, accepting every documented spelling.
    pub fn lookup(name: &str) -> Option<Builtin> {
        let canonical = if let Some(rest) = name
            .strip_prefix("clojure.string/")
            .or_else(|| name.strip_prefix("str/"))
        {
            if !STRING_FUNCTIONS.contains(&rest) {
                return None;
            }
            rest
        } else if let Some(rest) = name.strip_prefix("u/") {
            // An older LoanPro page spells the parse functions `u/`.
            match rest {
                "parse-int" => "v/parse-int",
                "parse-float" => "v/parse-float",
                _ => name,
            }
        } else if let Some(rest) = name.strip_prefix("clojure.core/") {
            rest
        } else {
            name
        };
        TABLE
            .iter()
            .find(|f| f.name == canonical)
            .map(|f| f.builtin)
    }

    /// This function's row.
    pub fn function(self) -> &'static Function {
        &TABLE[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.function().name
    }

    pub fn arity(self) -> (usize, Option<usize>) {
        let f = self.function();
        (f.min, f.max)
    }

    /// Forms that decide which arguments to evaluate; they cannot be a step of `->`.
    pub fn is_special(self) -> bool {
        !matches!(self.function().run, Run::Function(_))
    }
}

/// Every spelling a rule may call, for did-you-mean and autocomplete.
pub fn names() -> Vec<String> {
    let mut out: Vec<String> = TABLE.iter().map(|f| f.name.to_string()).collect();
    out.extend(["u/parse-int".to_string(), "u/parse-float".to_string()]);
    out.extend(
        STRING_FUNCTIONS
            .iter()
            .map(|n| format!("clojure.string/{n}")),
    );
    out
}

/// What a list calls.
#[derive(Debug, Clone, PartialEq)]
pub enum Callee {
    Builtin(Builtin),
    /// `(:value m)`: a keyword looks itself up in a map.
    Keyword(String),
}

impl Callee {
    /// `Some(last)` for `->` (`false`) and `->>` (`true`), which compile to loops.
    pub(crate) fn thread(&self) -> Option<bool> {
        match self {
            Callee::Builtin(b) => match b.function().run {
                Run::Thread { last } => Some(last),
                _ => None,
            },
            Callee::Keyword(_) => None,
        }
    }
}

/// Resolves the head of the call `list` (items = head and arguments) and
/// checks its arity. `extra` counts arguments supplied from outside the list
/// (the value threaded by `->`).
pub fn resolve_call(items: &[Expr], span: Span, extra: usize) -> Result<Callee, Error> {
    let Some(head) = items.first() else {
        return Err(Error::at(
            ErrorKind::Type,
            "`()` calls nothing: put a function name first",
            span,
        ));
    };
    let given = items.len() - 1 + extra;
    let b = match &head.kind {
        ExprKind::Symbol(name) => match Builtin::lookup(name) {
            Some(b) => b,
            None => {
                let names = names();
                let hint = suggest::hint(&suggest::did_you_mean(
                    name,
                    names.iter().map(String::as_str),
                ));
                return Err(Error::at(
                    ErrorKind::UnknownFunction,
                    format!("unknown function `{name}`{hint}"),
                    head.span,
                ));
            }
        },
        ExprKind::Keyword(k) => {
            if !(1..=2).contains(&given) {
                return Err(Error::at(
                    ErrorKind::Arity,
                    format!("`:{k}` takes 1 or 2 arguments (a map and a default), got {given}"),
                    span,
                ));
            }
            return Ok(Callee::Keyword(k.clone()));
        }
        _ => {
            return Err(Error::at(
                ErrorKind::Type,
                "only a function name or a keyword can be called",
                head.span,
            ))
        }
    };
    let (lo, hi) = b.arity();
    if given < lo || hi.is_some_and(|hi| given > hi) {
        let expected = match hi {
            Some(hi) if hi == lo => format!("{lo}"),
            Some(hi) => format!("{lo} to {hi}"),
            None => format!("at least {lo}"),
        };
        let plural = if expected == "1" { "" } else { "s" };
        return Err(Error::at(
            ErrorKind::Arity,
            format!(
                "`{}` takes {expected} argument{plural}, got {given}",
                b.name()
            ),
            span,
        ));
    }
    if b == Builtin::Cond && given % 2 == 1 {
        return Err(Error::at(
            ErrorKind::Arity,
            "`cond` takes test/result pairs; the last test has no result",
            span,
        ));
    }
    Ok(Callee::Builtin(b))
}
