//! LoanPro's template functions (`formatNumber`, `formatDateTime`, `mathAdd` ...)
//! as pure functions over resolved arguments. Math is exact decimal: money
//! never passes through binary floating point.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::suggest;

/// A function Hookwright renders. `v` is not here: it is a variable, not a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    FormatNumber,
    FormatDateTime,
    FormatPhoneNumber,
    FormatZipcode,
    MathAdd,
    MathSubtract,
    MathMultiply,
    MathDivide,
    MathSqrt,
    MathPow,
}

/// What an argument position expects, which decides how quoted text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A number literal (`'1000'`, `2`) or the name of a numeric variable.
    Number,
    /// A variable name, or a literal date such as `'2022-09-26'`.
    Date,
    /// A variable name, or literal digits.
    Text,
    /// A literal setting: decimals, separators, a date format.
    Setting,
}

const ALL: [Function; 10] = [
    Function::FormatNumber,
    Function::FormatDateTime,
    Function::FormatPhoneNumber,
    Function::FormatZipcode,
    Function::MathAdd,
    Function::MathSubtract,
    Function::MathMultiply,
    Function::MathDivide,
    Function::MathSqrt,
    Function::MathPow,
];

/// LoanPro documents these, but what they print depends on tenant settings or
/// undocumented rules, so Hookwright says so instead of guessing.
const NOT_YET: [&str; 6] = [
    "formatNumberAsText",
    "formatNumberAsCheck",
    "companyFormatDateTime",
    "formatCountry",
    "collectionItem",
    "evalFormula",
];

impl Function {
    pub fn name(self) -> &'static str {
        match self {
            Function::FormatNumber => "formatNumber",
            Function::FormatDateTime => "formatDateTime",
            Function::FormatPhoneNumber => "formatPhoneNumber",
            Function::FormatZipcode => "formatZipcode",
            Function::MathAdd => "mathAdd",
            Function::MathSubtract => "mathSubtract",
            Function::MathMultiply => "mathMultiply",
            Function::MathDivide => "mathDivide",
            Function::MathSqrt => "mathSqrt",
            Function::MathPow => "mathPow",
        }
    }

    /// The function called `name`, or the message for an unknown one.
    pub fn from_name(name: &str) -> Result<Function, String> {
        if let Some(f) = ALL.iter().find(|f| f.name() == name) {
            return Ok(*f);
        }
        if NOT_YET.contains(&name) {
            return Err(format!(
                "`{name}` is a LoanPro function that Hookwright cannot render yet"
            ));
        }
        let names = ALL.iter().map(|f| f.name()).chain(["v"]).chain(NOT_YET);
        Err(format!(
            "unknown function `{name}`{}",
            suggest::hint(&suggest::did_you_mean(name, names))
        ))
    }

    /// The least and most arguments it takes.
    pub fn arity(self) -> (usize, usize) {
        match self {
            Function::FormatNumber => (1, 4),
            Function::FormatDateTime => (1, 2),
            Function::FormatPhoneNumber | Function::FormatZipcode | Function::MathSqrt => (1, 1),
            Function::MathAdd
            | Function::MathSubtract
            | Function::MathMultiply
            | Function::MathDivide
            | Function::MathPow => (2, 2),
        }
    }

    pub fn role(self, index: usize) -> Role {
        match (self, index) {
            (Function::FormatDateTime, 0) => Role::Date,
            (Function::FormatPhoneNumber | Function::FormatZipcode, _) => Role::Text,
            (Function::FormatNumber | Function::FormatDateTime, _) if index > 0 => Role::Setting,
            _ => Role::Number,
        }
    }
}

/// `formatNumber(value, decimals, point, thousands)`, as PHP's `number_format`
/// that LoanPro's templates follow: halves round away from zero.
pub fn format_number(n: Decimal, decimals: u32, point: &str, thousands: &str) -> String {
    let mut rounded = n.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(decimals);
    let text = rounded.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::with_capacity(text.len() + 8);
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    for (i, digit) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push_str(thousands);
        }
        out.push(digit);
    }
    if !frac.is_empty() {
        out.push_str(point);
        out.push_str(frac);
    }
    out
}

/// The number of decimals argument: a whole number from 0 to 28.
pub fn decimals(text: &str) -> Result<u32, String> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| *d <= 28)
        .ok_or_else(|| format!("decimals must be a whole number from 0 to 28, not `{text}`"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MathOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Pow,
}

/// Exact arithmetic; overflow and division by zero are errors, not infinities.
pub fn math(op: MathOp, a: Decimal, b: Decimal) -> Result<Decimal, String> {
    let overflow = || "the result is too large for exact arithmetic".to_string();
    match op {
        MathOp::Add => a.checked_add(b).ok_or_else(overflow),
        MathOp::Subtract => a.checked_sub(b).ok_or_else(overflow),
        MathOp::Multiply => a.checked_mul(b).ok_or_else(overflow),
        MathOp::Divide if b.is_zero() => Err("division by zero".into()),
        MathOp::Divide => a.checked_div(b).map(|q| q.normalize()).ok_or_else(overflow),
        MathOp::Pow => {
            if !b.fract().is_zero() || b.abs() > Decimal::from(64) {
                return Err(format!(
                    "the exponent must be a whole number from -64 to 64, not {b}"
                ));
            }
            let exp = b.abs().mantissa() / 10i128.pow(b.scale());
            let mut result = Decimal::ONE;
            for _ in 0..exp {
                result = result.checked_mul(a).ok_or_else(overflow)?;
            }
            if b.is_sign_negative() {
                if result.is_zero() {
                    return Err("division by zero".into());
                }
                result = (Decimal::ONE / result).normalize();
            }
            Ok(result)
        }
    }
}

/// Square root by Newton's method in exact decimals, to 20 places.
pub fn sqrt(n: Decimal) -> Result<Decimal, String> {
    if n.is_sign_negative() && !n.is_zero() {
        return Err(format!("no square root of the negative number {n}"));
    }
    if n.is_zero() {
        return Ok(Decimal::ZERO);
    }
    let two = Decimal::TWO;
    let mut x = if n > Decimal::ONE {
        n / two
    } else {
        Decimal::ONE
    };
    for _ in 0..200 {
        let next = (x + n / x) / two;
        if next == x {
            break;
        }
        x = next;
    }
    Ok(x.round_dp(20).normalize())
}

/// US phone numbers: ten digits become `(555) 123-4567`; anything else is kept.
pub fn format_phone(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let d = match digits.len() {
        10 => digits.as_str(),
        11 if digits.starts_with('1') => &digits[1..],
        _ => return text.to_string(),
    };
    format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..])
}

/// US ZIP codes: nine digits become `12345-6789`; anything else is kept.
pub fn format_zipcode(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 9 {
        format!("{}-{}", &digits[..5], &digits[5..])
    } else {
        text.to_string()
    }
}

/// A date (and optional time) as Context Engine variables write them:
/// `2022-09-26`, `2022-09-26 14:05:00`, `2023-10-20T00:00:00Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl DateTime {
    pub fn parse(text: &str) -> Option<DateTime> {
        let b = text.trim().as_bytes();
        let num = |from: usize, len: usize| -> Option<u32> {
            let part = b.get(from..from + len)?;
            part.iter().all(u8::is_ascii_digit).then(|| {
                part.iter()
                    .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
            })
        };
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let (year, month, day) = (num(0, 4)? as i32, num(5, 2)?, num(8, 2)?);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let (mut hour, mut minute, mut second) = (0, 0, 0);
        if b.len() > 10 {
            if !matches!(b[10], b'T' | b' ') {
                return None;
            }
            hour = num(11, 2)?;
            minute = if b.get(13) == Some(&b':') {
                num(14, 2)?
            } else {
                return None;
            };
            if b.get(16) == Some(&b':') {
                second = num(17, 2)?;
            }
            if hour > 23 || minute > 59 || second > 60 {
                return None;
            }
        }
        Some(DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// 0 = Sunday.
    fn weekday(&self) -> u32 {
        // Days since 1970-01-01 (a Thursday), by Howard Hinnant's civil algorithm.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        (days + 4).rem_euclid(7) as u32
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// The default when `formatDateTime` gets no format: US month/day/year.
pub const DEFAULT_DATE_FORMAT: &str = "m/d/Y";

/// Formats with PHP `date()` letters, which LoanPro's formats use:
/// `d j D l N m n M F Y y H G h g i s A a`; `\x` prints `x`; others print as is.
pub fn format_date_time(dt: &DateTime, format: &str) -> String {
    let mut out = String::with_capacity(format.len() * 2);
    let mut chars = format.chars();
    let h12 = if dt.hour % 12 == 0 { 12 } else { dt.hour % 12 };
    while let Some(c) = chars.next() {
        match c {
            'd' => out.push_str(&format!("{:02}", dt.day)),
            'j' => out.push_str(&dt.day.to_string()),
            'D' => out.push_str(&DAYS[dt.weekday() as usize][..3]),
            'l' => out.push_str(DAYS[dt.weekday() as usize]),
            'N' => out.push_str(&(if dt.weekday() == 0 { 7 } else { dt.weekday() }).to_string()),
            'm' => out.push_str(&format!("{:02}", dt.month)),
            'n' => out.push_str(&dt.month.to_string()),
            'M' => out.push_str(&MONTHS[dt.month as usize - 1][..3]),
            'F' => out.push_str(MONTHS[dt.month as usize - 1]),
            'Y' => out.push_str(&format!("{:04}", dt.year)),
            'y' => out.push_str(&format!("{:02}", dt.year.rem_euclid(100))),
            'H' => out.push_str(&format!("{:02}", dt.hour)),
            'G' => out.push_str(&dt.hour.to_string()),
            'h' => out.push_str(&format!("{h12:02}")),
            'g' => out.push_str(&h12.to_string()),
            'i' => out.push_str(&format!("{:02}", dt.minute)),
            's' => out.push_str(&format!("{:02}", dt.second)),
            'A' => out.push_str(if dt.hour < 12 { "AM" } else { "PM" }),
            'a' => out.push_str(if dt.hour < 12 { "am" } else { "pm" }),
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn format_number_as_documented() {
        assert_eq!(format_number(d("1000"), 2, ".", ","), "1,000.00");
        assert_eq!(
            format_number(d("-1234567.005"), 2, ",", "."),
            "-1.234.567,01"
        );
        assert_eq!(format_number(d("999.5"), 0, ".", ","), "1,000");
        assert_eq!(format_number(d("-0.001"), 2, ".", ","), "0.00");
    }

    #[test]
    fn math_is_exact() {
        assert_eq!(
            math(MathOp::Add, d("5000"), d("125.50"))
                .unwrap()
                .to_string(),
            "5125.50"
        );
        assert_eq!(
            math(MathOp::Subtract, d("0.3"), d("0.1"))
                .unwrap()
                .to_string(),
            "0.2"
        );
        assert_eq!(
            math(MathOp::Divide, d("10"), d("4")).unwrap().to_string(),
            "2.5"
        );
        assert!(math(MathOp::Divide, d("1"), d("0")).is_err());
        assert_eq!(
            math(MathOp::Pow, d("1.5"), d("2")).unwrap().to_string(),
            "2.25"
        );
        assert_eq!(
            math(MathOp::Pow, d("2"), d("-2")).unwrap().to_string(),
            "0.25"
        );
        assert_eq!(sqrt(d("2.25")).unwrap().to_string(), "1.5");
        assert!(sqrt(d("-1")).is_err());
    }

    #[test]
    fn dates_format_like_php() {
        let dt = DateTime::parse("2022-09-26").unwrap();
        assert_eq!(format_date_time(&dt, "m/d/Y"), "09/26/2022");
        assert_eq!(
            format_date_time(&dt, "l, F j, Y"),
            "Monday, September 26, 2022"
        );
        let dt = DateTime::parse("2023-10-20T15:04:05Z").unwrap();
        assert_eq!(
            format_date_time(&dt, "D g:i A \\a\\t H"),
            "Fri 3:04 PM at 15"
        );
        assert!(DateTime::parse("2022-02-30").is_none());
        assert!(DateTime::parse("L42-20132").is_none());
    }

    #[test]
    fn phones_and_zips() {
        assert_eq!(format_phone("5551234567"), "(555) 123-4567");
        assert_eq!(format_phone("+1 555 123 4567"), "(555) 123-4567");
        assert_eq!(format_zipcode("841011234"), "84101-1234");
        assert_eq!(format_zipcode("84101"), "84101");
    }
}
