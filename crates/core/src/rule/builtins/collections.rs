//! `count`, `empty?`, `contains?`, `get`, `get-in` and keyword lookups
//! (`(:value m)`), over vectors, sets, maps and text.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Span};
use crate::value::Value;

use super::super::eval::{Args, Machine};
use super::comparison::equal;
use super::{owned, type_error, Out, V};

/// Looks `key` up the way Clojure's `get` does: map keys by name (`:1` finds
/// `"1"`), vector items by index, set members by themselves.
fn lookup<'v>(coll: &'v Value, key: &Value) -> Option<&'v Value> {
    match (coll, key) {
        (Value::Map(m), Value::Keyword(k) | Value::Text(k)) => m.get(k.as_str()),
        (Value::Map(m), Value::Number(n)) => m.get(n.to_string().as_str()),
        (Value::Vector(items), Value::Number(n)) => index(*n).and_then(|i| items.get(i)),
        (Value::Set(items), k) => items.iter().find(|i| equal(i, k)),
        _ => None,
    }
}

/// [`lookup`] that keeps borrowing when the collection is borrowed.
fn lookup_cow<'a>(coll: V<'a>, key: &Value) -> Option<V<'a>> {
    match coll {
        Cow::Borrowed(c) => lookup(c, key).map(Cow::Borrowed),
        Cow::Owned(c) => lookup(&c, key).cloned().map(Cow::Owned),
    }
}

/// A number used as an index: a whole number written without a fraction
/// (Clojure's `1.0` is a decimal, which indexes nothing), not negative.
fn index(n: Decimal) -> Option<usize> {
    if n.scale() != 0 {
        return None;
    }
    usize::try_from(n).ok()
}

/// Argument `i` if the call has it.
fn optional<'a>(
    m: &mut Machine<'a, '_>,
    a: &mut Args<'a>,
    i: usize,
) -> Result<Option<V<'a>>, crate::Error> {
    if a.len() > i {
        m.arg(a, i).map(Some)
    } else {
        Ok(None)
    }
}

/// `(:k coll)` and `(:k coll default)`.
pub(crate) fn keyword<'a>(m: &mut Machine<'a, '_>, k: &str, a: &mut Args<'a>) -> Out<'a> {
    let coll = m.arg(a, 0)?;
    let default = optional(m, a, 1)?;
    let key = Value::Keyword(k.to_string());
    Ok(lookup_cow(coll, &key)
        .or(default)
        .unwrap_or(Cow::Owned(Value::Nil)))
}

pub(crate) fn get<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let coll = m.arg(a, 0)?;
    let key = m.arg(a, 1)?;
    let default = optional(m, a, 2)?;
    Ok(lookup_cow(coll, &key)
        .or(default)
        .unwrap_or(Cow::Owned(Value::Nil)))
}

pub(crate) fn get_in<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let mut coll = Some(m.arg(a, 0)?);
    let keys = m.arg(a, 1)?;
    let default = optional(m, a, 2)?;
    let keys = match &*keys {
        Value::Vector(k) => &k[..],
        // Clojure: `(get-in m nil)` is `m`.
        Value::Nil => &[],
        other => return Err(type_error("a vector of keys", other, a.span(1))),
    };
    for key in keys {
        coll = coll.and_then(|c| lookup_cow(c, key));
    }
    Ok(coll.or(default).unwrap_or(Cow::Owned(Value::Nil)))
}

pub(crate) fn contains<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let coll = m.arg(a, 0)?;
    let key = m.arg(a, 1)?;
    let found = match (&*coll, &*key) {
        (Value::Nil, _) => false,
        (Value::Set(items), k) => items.iter().any(|i| equal(i, k)),
        (Value::Map(_), _) => lookup(&coll, &key).is_some(),
        // As in Clojure, `contains?` on a vector or text asks about an index.
        (Value::Vector(items), Value::Number(i)) => index(*i).is_some_and(|i| i < items.len()),
        (Value::Text(s), Value::Number(i)) => index(*i).is_some_and(|i| i < s.chars().count()),
        (Value::Vector(_) | Value::Text(_), _) => false,
        (other, _) => return Err(type_error("a set, map or vector", other, a.span(0))),
    };
    owned(Value::Bool(found))
}

/// The size of text or a collection, or `None` for other values.
fn size(v: &Value) -> Option<usize> {
    match v {
        Value::Nil => Some(0),
        Value::Text(s) => Some(s.chars().count()),
        Value::Vector(items) | Value::Set(items) => Some(items.len()),
        Value::Map(m) => Some(m.len()),
        _ => None,
    }
}

pub(crate) fn count<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let v = m.arg(a, 0)?;
    match size(&v) {
        Some(n) => owned(Value::Number(Decimal::from(n))),
        None => Err(type_error("text or a collection", &v, a.span(0))),
    }
}

pub(crate) fn empty<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let v = m.arg(a, 0)?;
    // Empty text has no characters: counting them all is not needed.
    let empty = match &*v {
        Value::Text(s) => Some(s.is_empty()),
        other => size(other).map(|n| n == 0),
    };
    match empty {
        Some(e) => owned(Value::Bool(e)),
        None => Err(type_error("text or a collection", &v, a.span(0))),
    }
}

/// The items `take-last` and `nth` walk: a text's characters (each a text of
/// one character, there being no character type), a collection's members, a
/// map's entries as `[key value]`.
fn items_of(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Nil => Some(Vec::new()),
        Value::Text(s) => Some(s.chars().map(|c| Value::Text(c.to_string())).collect()),
        Value::Vector(items) | Value::Set(items) => Some(items.clone()),
        Value::Map(m) => Some(
            m.iter()
                .map(|(k, v)| Value::Vector(vec![Value::Keyword(k.clone()), v.clone()]))
                .collect(),
        ),
        _ => None,
    }
}

/// `(take-last n coll)`: the last `n` items, nil when there are none (as
/// Clojure's sequence, here a vector).
pub(crate) fn take_last<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let n = m.int_arg(a, 0)?;
    let coll = m.arg(a, 1)?;
    let Some(mut items) = items_of(&coll) else {
        return Err(type_error("text or a collection", &coll, a.span(1)));
    };
    let keep = usize::try_from(n.max(0))
        .unwrap_or(usize::MAX)
        .min(items.len());
    if keep == 0 {
        return owned(Value::Nil);
    }
    owned(Value::Vector(items.split_off(items.len() - keep)))
}

/// `(nth coll i)` and `(nth coll i not-found)`: item `i` of text (a text of
/// one character) or a vector; nil's every item is nil; past the end is an
/// error unless a default is given.
pub(crate) fn nth<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, span: Span) -> Out<'a> {
    let coll = m.arg(a, 0)?;
    let i = m.int_arg(a, 1)?;
    let default = optional(m, a, 2)?;
    // Clojure gives the default for a negative index before it looks at the
    // collection's type: `(nth 5 -1 :d)` is `:d`.
    if let (true, Some(d)) = (i < 0, &default) {
        return Ok(d.clone());
    }
    let found = match &*coll {
        // Clojure's `(nth nil i)` is nil, `(nth nil i d)` is `d`.
        Value::Nil => None,
        Value::Text(s) => usize::try_from(i)
            .ok()
            .and_then(|i| s.chars().nth(i))
            .map(|c| Value::Text(c.to_string())),
        Value::Vector(items) => usize::try_from(i).ok().and_then(|i| items.get(i)).cloned(),
        other => return Err(type_error("text or a vector", other, a.span(0))),
    };
    match (found, default) {
        (Some(v), _) => owned(v),
        (None, Some(d)) => Ok(d),
        (None, None) if *coll == Value::Nil => owned(Value::Nil),
        (None, None) => Err(Error::at(
            ErrorKind::Invalid,
            format!("`nth`: index {i} is out of range"),
            span,
        )),
    }
}
