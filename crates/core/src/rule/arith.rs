//! Exact decimal arithmetic with the scales Clojure's `BigDecimal` gives, so
//! `1.5 + 0.00` is `1.50` and `10.00 / 2` is `5.00` (Java's rules):
//!
//! | operation      | scale of the result                                      |
//! |----------------|----------------------------------------------------------|
//! | `+` `-`        | the larger operand scale                                 |
//! | `*`            | the sum of the operand scales                            |
//! | `/` (exact)    | the dividend's minus the divisor's, or more if needed    |
//! | `quot`         | the dividend's minus the divisor's                       |
//! | `rem` `mod`    | as Java's `BigDecimal.remainder`                         |
//!
//! Scales never go below 0 (Java would print `2E+1`; we print `20`), results
//! never exceed 28 significant digits (`None` means out of range), and zero
//! has no sign. A quotient that does not terminate (`1/3`) is rounded to 28
//! significant digits where Clojure gives a ratio or an error; see
//! docs/clojure-differences.md.

use rust_decimal::Decimal;

/// The most digits after the point a value can hold.
const MAX_SCALE: u32 = 28;

/// `value` shown with at least `scale` digits after the point where it can
/// be (the value itself never changes), and never as negative zero.
fn at_scale(value: Decimal, scale: i64) -> Decimal {
    let scale = scale.clamp(0, i64::from(MAX_SCALE)) as u32;
    let mut out = value;
    if out.scale() < scale {
        let mut wider = value;
        wider.rescale(scale);
        if wider == value {
            out = wider;
        }
    }
    if out.is_zero() {
        out.set_sign_positive(true);
    }
    out
}

fn scale(x: Decimal) -> i64 {
    i64::from(x.scale())
}

pub(crate) fn add(x: Decimal, y: Decimal) -> Option<Decimal> {
    Some(at_scale(x.checked_add(y)?, scale(x).max(scale(y))))
}

pub(crate) fn sub(x: Decimal, y: Decimal) -> Option<Decimal> {
    Some(at_scale(x.checked_sub(y)?, scale(x).max(scale(y))))
}

pub(crate) fn mul(x: Decimal, y: Decimal) -> Option<Decimal> {
    Some(at_scale(x.checked_mul(y)?, scale(x) + scale(y)))
}

pub(crate) fn neg(x: Decimal) -> Decimal {
    at_scale(-x, scale(x))
}

/// `x / y` for a non-zero `y`: exact where the quotient terminates within
/// 28 digits, else rounded to 28 significant digits.
pub(crate) fn div(x: Decimal, y: Decimal) -> Option<Decimal> {
    let q = x.checked_div(y)?;
    let exact = q.checked_mul(y) == Some(x);
    let shortest = q.normalize();
    if !exact {
        return Some(shortest);
    }
    Some(at_scale(shortest, scale(x) - scale(y)))
}

/// Java's `divideToIntegralValue` scale: the preferred `xs - ys`, or as few
/// digits as hold the integer when that is negative.
fn quotient_scale(x: Decimal, y: Decimal, q: Decimal) -> i64 {
    let preferred = scale(x) - scale(y);
    if q.is_zero() || preferred >= 0 {
        return preferred;
    }
    let mut trailing_zeros = 0;
    let mut m = q.normalize().mantissa();
    while m != 0 && m % 10 == 0 && trailing_zeros < -preferred {
        m /= 10;
        trailing_zeros += 1;
    }
    preferred.max(-trailing_zeros)
}

/// Clojure's `rem` for a non-zero `y`: the sign of `x`.
pub(crate) fn rem(x: Decimal, y: Decimal) -> Option<Decimal> {
    let r = x.checked_rem(y)?;
    let q = x.checked_sub(r)?.checked_div(y)?;
    let scale = scale(x).max(scale(y) + quotient_scale(x, y, q));
    Some(at_scale(r.normalize(), scale))
}

/// Clojure's `quot` for a non-zero `y`: the quotient truncated toward zero.
pub(crate) fn quot(x: Decimal, y: Decimal) -> Option<Decimal> {
    let r = x.checked_rem(y)?;
    let q = x.checked_sub(r)?.checked_div(y)?.normalize();
    Some(at_scale(q, quotient_scale(x, y, q)))
}

/// Clojure's `mod` for a non-zero `y`: the sign of `y`.
pub(crate) fn modulo(x: Decimal, y: Decimal) -> Option<Decimal> {
    let r = rem(x, y)?;
    if r.is_zero() || x.is_sign_positive() == y.is_sign_positive() {
        Some(r)
    } else {
        add(r, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn show(x: Option<Decimal>) -> String {
        x.unwrap().to_string()
    }

    /// Expected values are what Clojure 1.11 prints for the same `M` literals.
    #[test]
    fn scales_follow_bigdecimal() {
        assert_eq!(show(add(d("1.5"), d("0.00"))), "1.50");
        assert_eq!(show(add(d("0.00"), d("1"))), "1.00");
        assert_eq!(show(sub(d("1.5"), d("1.5"))), "0.0");
        assert_eq!(show(mul(d("0.00"), d("1.5"))), "0.000");
        assert_eq!(show(mul(d("1.5"), d("0"))), "0.0");
        assert_eq!(show(mul(d("2"), d("1.50"))), "3.00");
        assert_eq!(neg(d("0.00")).to_string(), "0.00");
        assert_eq!(show(mul(d("-1"), d("0.0"))), "0.0");
    }

    #[test]
    fn division_is_exact_where_it_terminates() {
        assert_eq!(show(div(d("10"), d("4"))), "2.5");
        assert_eq!(show(div(d("10"), d("5"))), "2");
        assert_eq!(show(div(d("10.00"), d("2"))), "5.00");
        assert_eq!(show(div(d("1.0"), d("4"))), "0.25");
        assert_eq!(show(div(d("10"), d("0.5"))), "20");
        assert_eq!(show(div(d("0.00"), d("2.5"))), "0.0");
        assert_eq!(show(div(d("0"), d("2.5"))), "0");
        assert_eq!(show(div(d("6"), d("2.0"))), "3");
        assert_eq!(show(div(d("1"), d("3"))), "0.3333333333333333333333333333");
    }

    #[test]
    fn quot_rem_mod_follow_bigdecimal() {
        assert_eq!(show(quot(d("7.5"), d("2"))), "3.0");
        assert_eq!(show(quot(d("7.5"), d("2.50"))), "3");
        assert_eq!(show(quot(d("7"), d("2.5"))), "2");
        assert_eq!(show(quot(d("-7.5"), d("2"))), "-3.0");
        assert_eq!(show(quot(d("7"), d("2"))), "3");
        assert_eq!(show(rem(d("7.5"), d("2"))), "1.5");
        assert_eq!(show(rem(d("7"), d("2.50"))), "2.00");
        assert_eq!(show(rem(d("7.25"), d("2.5"))), "2.25");
        assert_eq!(show(rem(d("-7.5"), d("2"))), "-1.5");
        assert_eq!(show(modulo(d("-7.5"), d("2"))), "0.5");
        assert_eq!(show(modulo(d("7"), d("-2.50"))), "-0.50");
        assert_eq!(show(modulo(d("-7"), d("2"))), "1");
    }
}
