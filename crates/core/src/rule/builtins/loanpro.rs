//! LoanPro's `v/` functions: `v/parse-int` and `v/parse-float` (also spelled
//! `u/parse-int`, `u/parse-float` on an older page).

use rust_decimal::Decimal;

use crate::value::Value;

use super::super::eval::{Args, Machine};
use super::{owned, type_error, Out};

pub(crate) fn parse<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, fraction: bool) -> Out<'a> {
    let v = m.arg(a, 0)?;
    let parsed = match &*v {
        Value::Nil => None,
        Value::Number(x) => Some(if fraction { *x } else { x.trunc() }),
        Value::Text(s) => parse_leading_number(s, fraction),
        other => return Err(type_error("text", other, a.span(0))),
    };
    owned(parsed.map_or(Value::Nil, Value::Number))
}

/// LoanPro's `v/parse-int`: the first run of digits (with a `-` right before
/// it), so `"2.984938"` → 2, `"L42-20132"` → 42, `"2024-08-09"` → 2024.
/// `v/parse-float` also keeps a decimal fraction. No digits gives nil.
fn parse_leading_number(s: &str, fraction: bool) -> Option<Decimal> {
    let b = s.as_bytes();
    let start = b.iter().position(u8::is_ascii_digit)?;
    let mut end = start;
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    if fraction && b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
    }
    let negative = start > 0 && b[start - 1] == b'-';
    let digits = &s[start..end];
    // Beyond 28 digits the number cannot be held exactly; keep the leading ones.
    let digits = if digits.len() > 28 && !digits.contains('.') {
        &digits[..28]
    } else {
        digits
    };
    let n = Decimal::from_str_exact(digits).ok()?;
    Some(if negative { -n } else { n })
}
