//! `str`, `subs` and the `clojure.string` functions (`upper-case`,
//! `lower-case`, `trim`, `blank?`, `starts-with?`, `ends-with?`, `includes?`).

use crate::error::{Error, ErrorKind, Span};
use crate::value::Value;

use super::super::eval::{Args, Machine};
use super::super::print;
use super::{owned, text, text_of, Out};

pub(crate) fn str<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let mut out = String::new();
    for i in 0..a.len() {
        let v = m.arg(a, i)?;
        print::write_str(&v, &mut out);
    }
    owned(Value::Text(out))
}

pub(crate) fn subs<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, span: Span) -> Out<'a> {
    let v = m.arg(a, 0)?;
    let s = text(&v, a.span(0))?;
    let len = s.chars().count() as i64;
    let start = m.int_arg(a, 1)?;
    let end = if a.len() == 3 { m.int_arg(a, 2)? } else { len };
    if start < 0 || start > len || end < start || end > len {
        return Err(Error::at(
            ErrorKind::Invalid,
            format!("`subs` range {start}..{end} is outside the text's {len} characters"),
            span,
        ));
    }
    let out: String = s
        .chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect();
    owned(Value::Text(out))
}

/// `upper-case` and `lower-case`: Clojure applies them to any value's text
/// (`(lower-case 12)` is "12").
pub(crate) fn case<'a>(
    m: &mut Machine<'a, '_>,
    a: &mut Args<'a>,
    convert: impl Fn(&str) -> String,
) -> Out<'a> {
    let v = m.arg(a, 0)?;
    let s = text_of(&v, a.span(0))?;
    owned(Value::Text(convert(&s)))
}

/// Whitespace as Clojure's `trim` and `blank?` see it: Java's
/// `Character.isWhitespace`, which leaves out the no-break spaces (U+00A0,
/// U+2007, U+202F) and NEL (U+0085) that Rust's `char::is_whitespace`
/// counts, and counts the separators U+001C..U+001F that Rust does not.
fn java_whitespace(c: char) -> bool {
    match c {
        '\u{1c}'..='\u{1f}' => true,
        '\u{85}' | '\u{a0}' | '\u{2007}' | '\u{202f}' => false,
        c => c.is_whitespace(),
    }
}

pub(crate) fn trim<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let v = m.arg(a, 0)?;
    owned(Value::Text(
        text(&v, a.span(0))?
            .trim_matches(java_whitespace)
            .to_string(),
    ))
}

/// Clojure's `blank?` takes text, and nil or false (both blank).
pub(crate) fn blank<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let v = m.arg(a, 0)?;
    let blank = match &*v {
        Value::Nil | Value::Bool(false) => true,
        other => text(other, a.span(0))?.chars().all(java_whitespace),
    };
    owned(Value::Bool(blank))
}

/// `starts-with?`, `ends-with?`, `includes?`: the text searched may be any
/// value's text, as in Clojure; what is searched for must be text.
pub(crate) fn search<'a>(
    m: &mut Machine<'a, '_>,
    a: &mut Args<'a>,
    found: impl Fn(&str, &str) -> bool,
) -> Out<'a> {
    let hay = m.arg(a, 0)?;
    let needle = m.arg(a, 1)?;
    let hay = text_of(&hay, a.span(0))?;
    let needle = text(&needle, a.span(1))?;
    owned(Value::Bool(found(&hay, needle)))
}
