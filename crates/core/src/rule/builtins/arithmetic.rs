//! `+ - * /`, `mod`, `quot`, `rem`, `inc`, `dec`, `abs`, `min`, `max`,
//! `round`: exact decimals with `BigDecimal`'s scales (`arith`).

use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::{Error, ErrorKind, Span};
use crate::value::Value;

use super::super::arith;
use super::super::eval::{Args, Machine};
use super::{owned, type_error, Out};

fn overflow(span: Span) -> Error {
    Error::at(
        ErrorKind::Arithmetic,
        "number out of range (28 significant digits)",
        span,
    )
}

fn divide(x: Decimal, y: Decimal, y_span: Span, span: Span) -> Result<Decimal, Error> {
    if y.is_zero() {
        return Err(Error::at(ErrorKind::Arithmetic, "division by zero", y_span));
    }
    arith::div(x, y).ok_or_else(|| overflow(span))
}

/// `+` and `*`: folds every argument with `op` from `unit`. With one
/// argument Clojure returns it as it is (a number, or nil).
pub(crate) fn fold<'a>(
    m: &mut Machine<'a, '_>,
    a: &mut Args<'a>,
    span: Span,
    unit: Decimal,
    op: impl Fn(Decimal, Decimal) -> Option<Decimal>,
) -> Out<'a> {
    let n = a.len();
    if n == 1 {
        let v = m.arg(a, 0)?;
        return match &*v {
            Value::Number(_) | Value::Nil => Ok(v),
            other => Err(type_error("a number", other, a.span(0))),
        };
    }
    let mut acc = unit;
    for i in 0..n {
        let x = m.num_arg(a, i)?;
        acc = if i == 0 {
            x
        } else {
            op(acc, x).ok_or_else(|| overflow(span))?
        };
    }
    owned(Value::Number(acc))
}

pub(crate) fn sub<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, span: Span) -> Out<'a> {
    let first = m.num_arg(a, 0)?;
    if a.len() == 1 {
        return owned(Value::Number(arith::neg(first)));
    }
    let mut acc = first;
    for i in 1..a.len() {
        let x = m.num_arg(a, i)?;
        acc = arith::sub(acc, x).ok_or_else(|| overflow(span))?;
    }
    owned(Value::Number(acc))
}

pub(crate) fn div<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, span: Span) -> Out<'a> {
    let first = m.num_arg(a, 0)?;
    if a.len() == 1 {
        return owned(Value::Number(divide(Decimal::ONE, first, a.span(0), span)?));
    }
    let mut acc = first;
    for i in 1..a.len() {
        let x = m.num_arg(a, i)?;
        acc = divide(acc, x, a.span(i), span)?;
    }
    owned(Value::Number(acc))
}

/// `mod`, `quot` and `rem`: two numbers, the second not zero.
pub(crate) fn integral<'a>(
    m: &mut Machine<'a, '_>,
    a: &mut Args<'a>,
    span: Span,
    op: impl Fn(Decimal, Decimal) -> Option<Decimal>,
) -> Out<'a> {
    let x = m.num_arg(a, 0)?;
    let y = m.num_arg(a, 1)?;
    if y.is_zero() {
        return Err(Error::at(
            ErrorKind::Arithmetic,
            "division by zero",
            a.span(1),
        ));
    }
    owned(Value::Number(op(x, y).ok_or_else(|| overflow(span))?))
}

/// `inc`, `dec` and `abs`: one number.
pub(crate) fn unary<'a>(
    m: &mut Machine<'a, '_>,
    a: &mut Args<'a>,
    span: Span,
    op: impl Fn(Decimal) -> Option<Decimal>,
) -> Out<'a> {
    let x = m.num_arg(a, 0)?;
    owned(Value::Number(op(x).ok_or_else(|| overflow(span))?))
}

/// `min` and `max`: `better(x, best)` keeps `x`. With one argument Clojure
/// returns it unchecked.
pub(crate) fn extreme<'a>(
    m: &mut Machine<'a, '_>,
    a: &mut Args<'a>,
    better: impl Fn(&Decimal, &Decimal) -> bool,
) -> Out<'a> {
    if a.len() == 1 {
        return m.arg(a, 0);
    }
    let mut best = m.num_arg(a, 0)?;
    for i in 1..a.len() {
        let x = m.num_arg(a, i)?;
        if better(&x, &best) {
            best = x;
        }
    }
    owned(Value::Number(best))
}

pub(crate) fn round<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let x = m.num_arg(a, 0)?;
    let places = if a.len() == 2 { m.int_arg(a, 1)? } else { 0 };
    if !(0..=28).contains(&places) {
        return Err(Error::at(
            ErrorKind::Arithmetic,
            "round to 0 to 28 places",
            a.span(1),
        ));
    }
    owned(Value::Number(x.round_dp_with_strategy(
        places as u32,
        RoundingStrategy::MidpointAwayFromZero,
    )))
}
