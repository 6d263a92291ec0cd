//! The implementations behind the function table's rows, by family. Each is
//! an [`Impl`]: it asks the evaluator for its arguments when it needs them
//! (so `and` and `if` skip some, and type errors come in Clojure's order).

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Span};
use crate::value::Value;

use super::eval::{Args, Machine};
use super::print;

pub(crate) mod arithmetic;
pub(crate) mod collections;
pub(crate) mod comparison;
pub(crate) mod dates;
pub(crate) mod loanpro;
pub(crate) mod logic;
pub(crate) mod text;

/// A value the evaluator produced: borrowed from the rule or context where it can be.
pub(crate) type V<'a> = Cow<'a, Value>;

/// What a call comes to.
pub(crate) type Out<'a> = Result<V<'a>, Error>;

/// A function's implementation: the evaluator, the call's arguments (not yet
/// evaluated) and the call's span.
pub(crate) type Impl = for<'a, 't> fn(&mut Machine<'a, 't>, &mut Args<'a>, Span) -> Out<'a>;

fn owned<'a>(v: Value) -> Out<'a> {
    Ok(Cow::Owned(v))
}

pub(crate) fn type_error(what: &str, v: &Value, span: Span) -> Error {
    let mut message = format!("expected {what}, got {}", describe(v));
    if let Value::Text(s) = v {
        if what.contains("number") && Decimal::from_str_exact(s.trim()).is_ok() {
            message.push_str("; convert text to a number with (v/parse-float ...)");
        }
    }
    Error::at(ErrorKind::Type, message, span)
}

/// A value as an error message names it: its type and a short preview.
fn describe(v: &Value) -> String {
    let json = v.to_json();
    let preview = if json.chars().count() > 40 {
        format!("{}…", json.chars().take(40).collect::<String>())
    } else {
        json
    };
    match v {
        Value::Nil => "nil".to_string(),
        Value::Keyword(k) => format!("keyword `:{k}`"),
        _ => format!("{} `{preview}`", v.type_name()),
    }
}

pub(crate) fn num(v: &Value, span: Span) -> Result<Decimal, Error> {
    match v {
        Value::Number(n) => Ok(*n),
        _ => Err(type_error("a number", v, span)),
    }
}

fn text(v: &Value, span: Span) -> Result<&str, Error> {
    match v {
        Value::Text(s) => Ok(s),
        _ => Err(type_error("text", v, span)),
    }
}

/// A value's text as Clojure's `.toString` gives it (text itself, `12`,
/// `true`, `[1 2]`); nil has none.
fn text_of(v: &Value, span: Span) -> Result<Cow<'_, str>, Error> {
    match v {
        Value::Text(s) => Ok(Cow::Borrowed(s)),
        Value::Nil => Err(type_error("text", v, span)),
        other => Ok(Cow::Owned(print::str_of(other))),
    }
}

pub(crate) fn integer(v: &Value, span: Span) -> Result<i64, Error> {
    let n = num(v, span)?;
    if n.fract().is_zero() {
        i64::try_from(n.trunc())
            .map_err(|_| Error::at(ErrorKind::Arithmetic, "integer out of range", span))
    } else {
        Err(type_error("a whole number", v, span))
    }
}
