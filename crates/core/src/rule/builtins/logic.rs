//! `and`, `or`, `not`, `if`, `when`, `cond` and the nil/boolean tests.
//! `and`, `or`, `if`, `when` and `cond` evaluate only the arguments they need.

use std::borrow::Cow;

use crate::error::Span;
use crate::value::Value;

use super::super::eval::{Args, Machine};
use super::{owned, Out};

pub(crate) fn and<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let mut last = Cow::Owned(Value::Bool(true));
    for i in 0..a.len() {
        let v = m.arg(a, i)?;
        if !v.is_truthy() {
            return Ok(v);
        }
        last = v;
    }
    Ok(last)
}

pub(crate) fn or<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let mut last = Cow::Owned(Value::Nil);
    for i in 0..a.len() {
        let v = m.arg(a, i)?;
        if v.is_truthy() {
            return Ok(v);
        }
        last = v;
    }
    Ok(last)
}

pub(crate) fn not<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    owned(Value::Bool(!m.arg(a, 0)?.is_truthy()))
}

pub(crate) fn if_<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    if m.arg(a, 0)?.is_truthy() {
        m.arg(a, 1)
    } else if a.len() == 3 {
        m.arg(a, 2)
    } else {
        owned(Value::Nil)
    }
}

pub(crate) fn when<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let mut last = Cow::Owned(Value::Nil);
    if m.arg(a, 0)?.is_truthy() {
        for i in 1..a.len() {
            last = m.arg(a, i)?;
        }
    }
    Ok(last)
}

pub(crate) fn cond<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    for i in (0..a.len()).step_by(2) {
        if m.arg(a, i)?.is_truthy() {
            return m.arg(a, i + 1);
        }
    }
    owned(Value::Nil)
}

/// The one-argument tests: `nil?`, `some?`, `true?`, `false?`.
pub(crate) fn test<'a>(
    m: &mut Machine<'a, '_>,
    a: &mut Args<'a>,
    holds: impl Fn(&Value) -> bool,
) -> Out<'a> {
    let v = m.arg(a, 0)?;
    owned(Value::Bool(holds(&v)))
}
