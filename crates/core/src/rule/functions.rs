//! The functions a rule may call: one table of names (with the namespaced
//! spellings LoanPro users write, `v/parse-int`, `clojure.string/includes?`)
//! and arities, shared by the compiler and the checker so they never disagree.

use crate::error::{Error, ErrorKind, Span};
use crate::suggest;

use super::ast::{Expr, ExprKind};

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

/// (name, function, least arguments, most arguments or `None` for any).
const TABLE: &[(&str, Builtin, usize, Option<usize>)] = &[
    ("and", Builtin::And, 0, None),
    ("or", Builtin::Or, 0, None),
    ("not", Builtin::Not, 1, Some(1)),
    ("if", Builtin::If, 2, Some(3)),
    ("when", Builtin::When, 1, None),
    ("cond", Builtin::Cond, 0, None),
    ("->", Builtin::ThreadFirst, 1, None),
    ("->>", Builtin::ThreadLast, 1, None),
    ("=", Builtin::Eq, 1, None),
    ("not=", Builtin::NotEq, 1, None),
    ("<", Builtin::Lt, 1, None),
    (">", Builtin::Gt, 1, None),
    ("<=", Builtin::Le, 1, None),
    (">=", Builtin::Ge, 1, None),
    ("+", Builtin::Add, 0, None),
    ("-", Builtin::Sub, 1, None),
    ("*", Builtin::Mul, 0, None),
    ("/", Builtin::Div, 1, None),
    ("mod", Builtin::Mod, 2, Some(2)),
    ("quot", Builtin::Quot, 2, Some(2)),
    ("rem", Builtin::Rem, 2, Some(2)),
    ("inc", Builtin::Inc, 1, Some(1)),
    ("dec", Builtin::Dec, 1, Some(1)),
    ("abs", Builtin::Abs, 1, Some(1)),
    ("min", Builtin::Min, 1, None),
    ("max", Builtin::Max, 1, None),
    ("round", Builtin::Round, 1, Some(2)),
    ("str", Builtin::Str, 0, None),
    ("subs", Builtin::Subs, 2, Some(3)),
    ("count", Builtin::Count, 1, Some(1)),
    ("upper-case", Builtin::UpperCase, 1, Some(1)),
    ("lower-case", Builtin::LowerCase, 1, Some(1)),
    ("trim", Builtin::Trim, 1, Some(1)),
    ("blank?", Builtin::Blank, 1, Some(1)),
    ("empty?", Builtin::Empty, 1, Some(1)),
    ("starts-with?", Builtin::StartsWith, 2, Some(2)),
    ("ends-with?", Builtin::EndsWith, 2, Some(2)),
    ("includes?", Builtin::Includes, 2, Some(2)),
    ("contains?", Builtin::Contains, 2, Some(2)),
    ("get", Builtin::Get, 2, Some(3)),
    ("get-in", Builtin::GetIn, 2, Some(3)),
    ("nil?", Builtin::IsNil, 1, Some(1)),
    ("some?", Builtin::IsSome, 1, Some(1)),
    ("true?", Builtin::IsTrue, 1, Some(1)),
    ("false?", Builtin::IsFalse, 1, Some(1)),
    ("v/parse-int", Builtin::ParseInt, 1, Some(1)),
    ("v/parse-float", Builtin::ParseFloat, 1, Some(1)),
    ("u/today", Builtin::Today, 0, Some(2)),
    ("u/days-between", Builtin::DaysBetween, 2, Some(2)),
    ("u/add-days", Builtin::AddDays, 2, Some(2)),
];

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
            rest.to_string()
        } else if let Some(rest) = name.strip_prefix("u/") {
            // An older LoanPro page spells the parse functions `u/`.
            match rest {
                "parse-int" | "parse-float" => format!("v/{rest}"),
                _ => name.to_string(),
            }
        } else if let Some(rest) = name.strip_prefix("clojure.core/") {
            rest.to_string()
        } else {
            name.to_string()
        };
        TABLE
            .iter()
            .find(|(n, ..)| *n == canonical)
            .map(|&(_, b, ..)| b)
    }

    pub fn name(self) -> &'static str {
        TABLE
            .iter()
            .find(|(_, b, ..)| *b == self)
            .map_or("?", |(n, ..)| n)
    }

    pub fn arity(self) -> (usize, Option<usize>) {
        TABLE
            .iter()
            .find(|(_, b, ..)| *b == self)
            .map_or((0, None), |&(_, _, lo, hi)| (lo, hi))
    }

    /// Forms that decide which arguments to evaluate; they cannot be a step of `->`.
    pub fn is_special(self) -> bool {
        matches!(
            self,
            Builtin::And
                | Builtin::Or
                | Builtin::If
                | Builtin::When
                | Builtin::Cond
                | Builtin::ThreadFirst
                | Builtin::ThreadLast
        )
    }
}

/// Every spelling a rule may call, for did-you-mean and autocomplete.
pub fn names() -> Vec<String> {
    let mut out: Vec<String> = TABLE.iter().map(|(n, ..)| n.to_string()).collect();
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
