//! `=`, `not=` and the orderings `<`, `>`, `<=`, `>=` (numbers with numbers,
//! dates with dates), and Clojure's equality that sets and `contains?` use too.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Span};
use crate::value::Value;

use super::super::date::parse_instant;
use super::super::eval::{Args, Machine};
use super::{describe, owned, Out};

/// Clojure's `=`: numbers by value (`5` = `5.00`), collections by contents.
pub(crate) fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::Vector(x), Value::Vector(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        (Value::Set(x), Value::Set(y)) => {
            x.len() == y.len() && x.iter().all(|p| y.iter().any(|q| equal(p, q)))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, p)| y.get(k).is_some_and(|q| equal(p, q)))
        }
        _ => a == b,
    }
}

#[derive(PartialEq, PartialOrd)]
enum OrderKey {
    Number(Decimal),
    Instant(i64, u32),
}

fn order_key(v: &Value, span: Span) -> Result<OrderKey, Error> {
    match v {
        Value::Number(n) => Ok(OrderKey::Number(*n)),
        Value::Text(s) => match parse_instant(s) {
            Some((secs, nanos)) => Ok(OrderKey::Instant(secs, nanos)),
            None => Err(Error::at(
                ErrorKind::Type,
                format!(
                    "cannot order {}: only numbers and dates (YYYY-MM-DD) can be compared with < > <= >=",
                    describe(v)
                ),
                span,
            )),
        },
        _ => Err(Error::at(
            ErrorKind::Type,
            format!("cannot order {}: only numbers and dates can be compared with < > <= >=", describe(v)),
            span,
        )),
    }
}

fn compare(a: &OrderKey, b: &OrderKey, span: Span) -> Result<Ordering, Error> {
    match (a, b) {
        (OrderKey::Number(x), OrderKey::Number(y)) => Ok(x.cmp(y)),
        (OrderKey::Instant(..), OrderKey::Instant(..)) => {
            Ok(a.partial_cmp(b).unwrap_or(Ordering::Equal))
        }
        (OrderKey::Number(_), _) => Err(Error::at(
            ErrorKind::Type,
            "cannot compare a number with a date",
            span,
        )),
        _ => Err(Error::at(
            ErrorKind::Type,
            "cannot compare a date with a number",
            span,
        )),
    }
}

/// `=` (`equal: true`) and `not=`. Every argument is evaluated, as Clojure's
/// `=` is a function.
pub(crate) fn equality<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, want: bool) -> Out<'a> {
    let first = m.arg(a, 0)?;
    let mut all = true;
    for i in 1..a.len() {
        let v = m.arg(a, i)?;
        all &= equal(&first, &v);
    }
    owned(Value::Bool(all == want))
}

/// As in Clojure: every argument is evaluated, then pairs are compared until
/// one fails, so `(> 1 2 nil)` is false and `(< x)` is true whatever `x` is.
pub(crate) fn ordered<'a>(
    m: &mut Machine<'a, '_>,
    a: &mut Args<'a>,
    holds: impl Fn(Ordering) -> bool,
) -> Out<'a> {
    let n = a.len();
    if n == 2 {
        let x = m.arg(a, 0)?;
        let y = m.arg(a, 1)?;
        let kx = order_key(&x, a.span(0))?;
        let ky = order_key(&y, a.span(1))?;
        return owned(Value::Bool(holds(compare(&kx, &ky, a.span(1))?)));
    }
    let mut values = Vec::with_capacity(n);
    for i in 0..n {
        values.push(m.arg(a, i)?);
    }
    for i in 1..n {
        let prev = order_key(&values[i - 1], a.span(i - 1))?;
        let key = order_key(&values[i], a.span(i))?;
        if !holds(compare(&prev, &key, a.span(i))?) {
            return owned(Value::Bool(false));
        }
    }
    owned(Value::Bool(true))
}
