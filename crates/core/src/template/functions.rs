//! LoanPro's template functions (`formatNumber`, `formatDateTime`, `mathAdd` ...):
//! one table, a row per function ([`TABLE`]), and the pure functions over
//! resolved arguments that `calls.rs` renders with. Math is exact decimal:
//! money never passes through binary floating point.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::suggest;

use super::calls::{self, Render};

/// A function Hookwright renders. `v` is not here: it is a variable, not a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    FormatNumber,
    FormatNumberAsText,
    FormatNumberAsCheck,
    FormatDateTime,
    CompanyFormatDateTime,
    FormatPhoneNumber,
    FormatZipcode,
    FormatCountry,
    CollectionItem,
    MathAdd,
    MathSubtract,
    MathMultiply,
    MathDivide,
    MathSqrt,
    MathPow,
    EvalFormula,
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
    /// A rule-language formula (`evalFormula`), always literal.
    Formula,
    /// A variable name, or a literal country code (`'usa'`, `'country.usa'`).
    Country,
    /// A variable name, or a literal collection item (`'loan.frequency.monthly'`).
    Collection,
}

/// One function: its name, arguments, documentation and implementation.
/// Parser, renderer, highlighter, autocomplete and `docs/templates.md` all
/// read these rows; adding a function is a [`Function`] variant, its row
/// (whose `render` is a function of `calls.rs` or a closure over one) and a
/// fixture. `tests/template_docs.rs` renders every row and finds it in the docs.
#[derive(Debug, Clone, Copy)]
pub struct Definition {
    pub function: Function,
    pub name: &'static str,
    /// Least arguments; the most is one per role.
    pub min: usize,
    /// What each argument position expects (the last repeats).
    pub roles: &'static [Role],
    /// How it is called: `formatNumber(value, decimals, point, thousands)`.
    pub signature: &'static str,
    pub description: &'static str,
    /// What it prints, with an example; "chosen" marks a format LoanPro does not document.
    pub output: &'static str,
    pub(super) render: Render,
}

// The table is indexed by `Function as usize`; every function takes an argument.
const _: () = {
    let mut i = 0;
    while i < TABLE.len() {
        let row = &TABLE[i];
        assert!(
            row.function as usize == i,
            "TABLE is out of Function's order"
        );
        assert!(
            row.min >= 1 && row.min <= row.roles.len(),
            "a row's arity is wrong"
        );
        i += 1;
    }
};

impl Function {
    /// This function's row.
    pub fn definition(self) -> &'static Definition {
        &TABLE[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.definition().name
    }

    /// The function called `name`, or the message for an unknown one.
    pub fn from_name(name: &str) -> Result<Function, String> {
        if let Some(d) = TABLE.iter().find(|d| d.name == name) {
            return Ok(d.function);
        }
        // LoanPro's names are camelCase; a different case is a typo worth naming.
        if let Some(d) = TABLE.iter().find(|d| d.name.eq_ignore_ascii_case(name)) {
            return Err(format!(
                "unknown function `{name}`; did you mean `{}`? (names are case-sensitive)",
                d.name
            ));
        }
        let names = TABLE.iter().map(|d| d.name).chain(["v"]);
        Err(format!(
            "unknown function `{name}`{}",
            suggest::hint(&suggest::did_you_mean(name, names))
        ))
    }

    /// The least and most arguments it takes.
    pub fn arity(self) -> (usize, usize) {
        let d = self.definition();
        (d.min, d.roles.len())
    }

    pub fn role(self, index: usize) -> Role {
        let roles = self.definition().roles;
        roles[index.min(roles.len() - 1)]
    }
}

/// Every function's row, in the order the docs and autocomplete list them.
pub fn docs() -> &'static [Definition] {
    &TABLE
}

/// Every function, in [`Function`]'s order (which the docs and autocomplete
/// follow).
pub const TABLE: [Definition; 16] = [
    Definition {
        function: Function::FormatNumber,
        name: "formatNumber",
        min: 1,
        roles: &[Role::Number, Role::Setting, Role::Setting, Role::Setting],
        signature: "formatNumber(value, decimals, point, thousands)",
        description: "A number with a fixed number of decimals and the given separators, as PHP's number_format (halves round away from zero).",
        output: "formatNumber('1000', '2', '.', ',') → 1,000.00 (documented). Decimals default to 0, separators to `.` and `,`.",
        render: calls::format_number,
    },
    Definition {
        function: Function::FormatNumberAsText,
        name: "formatNumberAsText",
        min: 1,
        roles: &[Role::Number],
        signature: "formatNumberAsText(value)",
        description: "An amount of money in words (LoanPro: \"Currency as Words\").",
        output: "Chosen: US English words in title case, rounded to cents: 1234.56 → One Thousand Two Hundred Thirty-Four Dollars and Fifty-Six Cents; 1 → One Dollar; cents are left out when zero; a negative amount starts with Negative.",
        render: |c| calls::number_as(c, format_number_as_text),
    },
    Definition {
        function: Function::FormatNumberAsCheck,
        name: "formatNumberAsCheck",
        min: 1,
        roles: &[Role::Number],
        signature: "formatNumberAsCheck(value)",
        description: "An amount as written on a check (LoanPro: \"Text plus 50/100\").",
        output: "Chosen: the dollars in title-case words, then `and NN/100`: 1234.56 → One Thousand Two Hundred Thirty-Four and 56/100; 0.5 → Zero and 50/100.",
        render: |c| calls::number_as(c, format_number_as_check),
    },
    Definition {
        function: Function::FormatDateTime,
        name: "formatDateTime",
        min: 1,
        roles: &[Role::Date, Role::Setting],
        signature: "formatDateTime(date, format)",
        description: "A date or timestamp in a PHP date() format (every PHP format letter; `\\` escapes one).",
        output: "formatDateTime('current-date', 'l, F j, Y') → Monday, September 26, 2022. Without a format: m/d/Y (chosen). Times without a zone are read as UTC. No date (null or empty, as on a loan without one) prints nothing, as v() prints a null (chosen).",
        render: calls::format_date_time,
    },
    Definition {
        function: Function::CompanyFormatDateTime,
        name: "companyFormatDateTime",
        min: 1,
        roles: &[Role::Date],
        signature: "companyFormatDateTime(date)",
        description: "A date in the company's date format, a tenant setting LoanPro does not publish.",
        output: "Chosen: m/d/Y, the US format LoanPro's own examples show (2020-01-25 → 01/25/2020); no date prints nothing, as for formatDateTime.",
        render: calls::company_format_date_time,
    },
    Definition {
        function: Function::FormatPhoneNumber,
        name: "formatPhoneNumber",
        min: 1,
        roles: &[Role::Text],
        signature: "formatPhoneNumber(phone)",
        description: "A US phone number.",
        output: "Chosen: ten digits (or eleven starting with 1) → (801) 555-1234; anything else is printed unchanged.",
        render: |c| calls::text_as(c, format_phone),
    },
    Definition {
        function: Function::FormatZipcode,
        name: "formatZipcode",
        min: 1,
        roles: &[Role::Text],
        signature: "formatZipcode(zip)",
        description: "A US ZIP code.",
        output: "Chosen: nine digits → 84101-1234; anything else is printed unchanged.",
        render: |c| calls::text_as(c, format_zipcode),
    },
    Definition {
        function: Function::FormatCountry,
        name: "formatCountry",
        min: 1,
        roles: &[Role::Country],
        signature: "formatCountry(country)",
        description: "A country code as LoanPro stores it (`country.usa`), or an ISO 3166 alpha-3 or alpha-2 code, as the country's name.",
        output: "Chosen: the ISO 3166-1 English short name: country.usa → United States. An unknown code is an error.",
        render: |c| {
            let expected = "a country code formatCountry knows (expected `country.usa`, `usa` or `us`)";
            calls::name_of(c, |code| country_name(code).map(str::to_string), expected)
        },
    },
    Definition {
        function: Function::CollectionItem,
        name: "collectionItem",
        min: 1,
        roles: &[Role::Collection],
        signature: "collectionItem(item)",
        description: "A LoanPro collection item (`loan.frequency.monthly`) as its label.",
        output: "Chosen: the item's last part, camelCase split into capitalised words: loan.frequency.semiMonthly → Semi Monthly. A value that is no collection item, already a label (Monthly, as the built-in sample loans hold), is printed unchanged.",
        render: calls::collection_item,
    },
    Definition {
        function: Function::MathAdd,
        name: "mathAdd",
        min: 2,
        roles: &[Role::Number, Role::Number],
        signature: "mathAdd(a, b)",
        description: "a + b, in exact decimals.",
        output: "mathAdd('setup-loan-amount', 'setup-underwriting') → 10150 for 10000.00 and 150.00 (documented). Chosen, for every math function: no trailing zeros, as that example prints (125.50 + 0 → 125.5).",
        render: |c| calls::math(c, MathOp::Add),
    },
    Definition {
        function: Function::MathSubtract,
        name: "mathSubtract",
        min: 2,
        roles: &[Role::Number, Role::Number],
        signature: "mathSubtract(a, b)",
        description: "a − b, in exact decimals.",
        output: "mathSubtract('setup-loan-amount', 'setup-underwriting') → 9850 for 10000.00 and 150.00 (documented).",
        render: |c| calls::math(c, MathOp::Subtract),
    },
    Definition {
        function: Function::MathMultiply,
        name: "mathMultiply",
        min: 2,
        roles: &[Role::Number, Role::Number],
        signature: "mathMultiply(a, b)",
        description: "a × b, in exact decimals.",
        output: "mathMultiply('setup-loan-amount', 10) → 100000 for 10000.00 (documented).",
        render: |c| calls::math(c, MathOp::Multiply),
    },
    Definition {
        function: Function::MathDivide,
        name: "mathDivide",
        min: 2,
        roles: &[Role::Number, Role::Number],
        signature: "mathDivide(a, b)",
        description: "a ÷ b, in exact decimals; dividing by zero is an error.",
        output: "mathDivide('setup-loan-amount', 10) → 1000 (documented). Chosen: the exact quotient (10 ÷ 4 → 2.5).",
        render: |c| calls::math(c, MathOp::Divide),
    },
    Definition {
        function: Function::MathSqrt,
        name: "mathSqrt",
        min: 1,
        roles: &[Role::Number],
        signature: "mathSqrt(value)",
        description: "The square root; a negative number is an error.",
        output: "Chosen: exact decimals, at most 20 places, trailing zeros removed (2.25 → 1.5).",
        render: calls::math_sqrt,
    },
    Definition {
        function: Function::MathPow,
        name: "mathPow",
        min: 2,
        roles: &[Role::Number, Role::Number],
        signature: "mathPow(base, exponent)",
        description: "base to a whole exponent from -64 to 64, in exact decimals.",
        output: "mathPow(2, 10) → 1024; mathPow(1.50, 2) → 2.25. Chosen: a fractional exponent is an error (exact decimals cannot hold most such results).",
        render: |c| calls::math(c, MathOp::Pow),
    },
    Definition {
        function: Function::EvalFormula,
        name: "evalFormula",
        min: 1,
        roles: &[Role::Formula],
        signature: "evalFormula('(rule formula)')",
        description: "Evaluates a formula in LoanPro's rule language (Clojure) against the same context, with exact decimals.",
        output: "evalFormula('(- status-scheduled-payments 1)') → 35 for 36. Text prints bare, nil prints nothing, true/false as words, collections as JSON (chosen).",
        render: calls::eval_formula,
    },
];

/// Whether quoted text in an argument of this role is a literal rather than a
/// variable name (when no variable has that name).
pub fn looks_literal(role: Role, text: &str) -> bool {
    match role {
        Role::Setting | Role::Formula => true,
        Role::Number => Decimal::from_str_exact(text.trim()).is_ok(),
        Role::Date => DateTime::parse(text).is_some(),
        Role::Text => !text.chars().any(char::is_alphabetic),
        Role::Country => {
            country_name(text).is_some()
                || text
                    .get(..8)
                    .is_some_and(|p| p.eq_ignore_ascii_case("country."))
        }
        Role::Collection => is_collection_item(text),
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
    if decimals > 0 {
        // A number of 28 digits has no room to rescale: the zeros it could not hold are written.
        out.push_str(point);
        out.push_str(frac);
        out.extend(std::iter::repeat_n(
            '0',
            (decimals as usize).saturating_sub(frac.len()),
        ));
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
/// The result has no trailing zeros: LoanPro's Template Math page prints
/// 10150 for a loan amount of $10,000 plus a $150 fee, variables its context
/// holds as currency (`10000.00`, `150.00`).
pub fn math(op: MathOp, a: Decimal, b: Decimal) -> Result<Decimal, String> {
    exact(op, a, b).map(|x| x.normalize())
}

fn exact(op: MathOp, a: Decimal, b: Decimal) -> Result<Decimal, String> {
    let overflow = || "the result is too large for exact arithmetic".to_string();
    match op {
        MathOp::Add => a.checked_add(b).ok_or_else(overflow),
        MathOp::Subtract => a.checked_sub(b).ok_or_else(overflow),
        MathOp::Multiply => a.checked_mul(b).ok_or_else(overflow),
        MathOp::Divide if b.is_zero() => Err("division by zero".into()),
        MathOp::Divide => a.checked_div(b).ok_or_else(overflow),
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
                result = Decimal::ONE / result;
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

const ONES: [&str; 20] = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];
const TENS: [&str; 10] = [
    "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
];
const SCALES: [&str; 10] = [
    "",
    "Thousand",
    "Million",
    "Billion",
    "Trillion",
    "Quadrillion",
    "Quintillion",
    "Sextillion",
    "Septillion",
    "Octillion",
];

/// A whole number in US English words, title case: 1234 → One Thousand Two
/// Hundred Thirty-Four. Covers every whole part a `Decimal` can hold.
pub fn number_words(n: u128) -> String {
    if n == 0 {
        return ONES[0].to_string();
    }
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push((rest % 1000) as usize);
        rest /= 1000;
    }
    let mut words: Vec<String> = Vec::new();
    for (scale, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            continue;
        }
        let (hundreds, below) = (group / 100, group % 100);
        if hundreds > 0 {
            words.push(format!("{} Hundred", ONES[hundreds]));
        }
        if below >= 20 {
            words.push(match below % 10 {
                0 => TENS[below / 10].to_string(),
                unit => format!("{}-{}", TENS[below / 10], ONES[unit]),
            });
        } else if below > 0 {
            words.push(ONES[below].to_string());
        }
        if scale > 0 {
            words.push(SCALES[scale].to_string());
        }
    }
    words.join(" ")
}

/// Splits an amount rounded to cents (halves away from zero) into its sign,
/// whole dollars and cents.
fn dollars_and_cents(n: Decimal) -> (bool, u128, u32) {
    let rounded = n.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let abs = rounded.abs();
    let dollars = abs.trunc().mantissa().unsigned_abs() / 10u128.pow(abs.trunc().scale());
    let cents = ((abs - abs.trunc()) * Decimal::ONE_HUNDRED)
        .trunc()
        .mantissa()
        .unsigned_abs() as u32;
    (negative, dollars, cents)
}

/// `formatNumberAsText`: an amount in words. LoanPro documents no format;
/// Hookwright writes title-case US English, rounded to cents:
/// `1234.56` → `One Thousand Two Hundred Thirty-Four Dollars and Fifty-Six
/// Cents`, `1` → `One Dollar`, cents left out when zero, `Negative` in front
/// of a negative amount.
pub fn format_number_as_text(n: Decimal) -> String {
    let (negative, dollars, cents) = dollars_and_cents(n);
    let mut out = String::new();
    if negative {
        out.push_str("Negative ");
    }
    out.push_str(&number_words(dollars));
    out.push_str(if dollars == 1 { " Dollar" } else { " Dollars" });
    if cents > 0 {
        out.push_str(" and ");
        out.push_str(&number_words(u128::from(cents)));
        out.push_str(if cents == 1 { " Cent" } else { " Cents" });
    }
    out
}

/// `formatNumberAsCheck`: an amount as a check spells it ("text plus 50/100"
/// in LoanPro's words): `1234.56` → `One Thousand Two Hundred Thirty-Four and
/// 56/100`. The words are title case, the cents always two digits.
pub fn format_number_as_check(n: Decimal) -> String {
    let (negative, dollars, cents) = dollars_and_cents(n);
    format!(
        "{}{} and {cents:02}/100",
        if negative { "Negative " } else { "" },
        number_words(dollars)
    )
}

/// ISO 3166-1: alpha-2, alpha-3, English short name (Debian's iso-codes).
const COUNTRIES: &str = include_str!("../../data/countries.tsv");

/// `formatCountry`'s lookup: a country as LoanPro stores it (`country.usa`),
/// or an alpha-3 or alpha-2 code in any case, to its English short name.
pub fn country_name(code: &str) -> Option<&'static str> {
    let code = code.trim();
    let code = code
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("country."))
        .map_or(code, |_| &code[8..]);
    if !(2..=3).contains(&code.len()) {
        return None;
    }
    COUNTRIES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|line| {
            let mut cols = line.split('\t');
            let (a2, a3, name) = (cols.next()?, cols.next()?, cols.next()?);
            (a2.eq_ignore_ascii_case(code) || a3.eq_ignore_ascii_case(code)).then_some(name)
        })
}

/// A LoanPro collection item such as `loan.frequency.monthly`: dot-separated
/// letters, at least two parts.
pub fn is_collection_item(text: &str) -> bool {
    let mut parts = text.split('.');
    text.contains('.')
        && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `collectionItem`: the label of a collection item. LoanPro documents no
/// format; Hookwright takes the last part and splits its camelCase into
/// capitalised words: `loan.frequency.semiMonthly` → `Semi Monthly`.
pub fn collection_label(item: &str) -> Option<String> {
    if !is_collection_item(item) {
        return None;
    }
    let last = item.rsplit('.').next().unwrap_or(item);
    let mut words: Vec<String> = Vec::new();
    for c in last.chars() {
        let starts_word = match words.last() {
            None => true,
            Some(w) => {
                let prev = w.chars().last().unwrap_or(' ');
                (c.is_ascii_uppercase() && !prev.is_ascii_uppercase())
                    || (c.is_ascii_digit() != prev.is_ascii_digit())
            }
        };
        if starts_word {
            words.push(c.to_ascii_uppercase().to_string());
        } else if let Some(w) = words.last_mut() {
            w.push(c);
        }
    }
    Some(words.join(" "))
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
        (self.days_since_epoch() + 4).rem_euclid(7) as u32
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

/// `companyFormatDateTime`'s format. LoanPro uses the company's date setting,
/// which no payload carries; Hookwright uses US month/day/year, the format
/// LoanPro's own examples show (`01/25/2020`).
pub const COMPANY_DATE_FORMAT: &str = "m/d/Y";

/// Formats with PHP `date()` letters, which LoanPro's formats use. Every PHP
/// letter is known: `d D j l N S w z W F m M n t L o X x Y y a A B g G h H i s
/// u v e I O P p T Z c r U`. Context dates carry no zone, so they are read as
/// UTC (`e`/`T` print `UTC`, offsets `+00:00`). `\\x` prints `x`; any other
/// character prints as is.
pub fn format_date_time(dt: &DateTime, format: &str) -> String {
    let mut out = String::with_capacity(format.len() * 2);
    let mut chars = format.chars();
    let h12 = if dt.hour % 12 == 0 { 12 } else { dt.hour % 12 };
    let weekday = dt.weekday();
    while let Some(c) = chars.next() {
        match c {
            'd' => out.push_str(&format!("{:02}", dt.day)),
            'j' => out.push_str(&dt.day.to_string()),
            'D' => out.push_str(&DAYS[weekday as usize][..3]),
            'l' => out.push_str(DAYS[weekday as usize]),
            'N' => out.push_str(&(if weekday == 0 { 7 } else { weekday }).to_string()),
            'S' => out.push_str(match (dt.day % 10, dt.day) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            }),
            'w' => out.push_str(&weekday.to_string()),
            'z' => out.push_str(&(dt.day_of_year() - 1).to_string()),
            'W' => out.push_str(&format!("{:02}", dt.iso_week().1)),
            'o' => out.push_str(&dt.iso_week().0.to_string()),
            'm' => out.push_str(&format!("{:02}", dt.month)),
            'n' => out.push_str(&dt.month.to_string()),
            'M' => out.push_str(&MONTHS[dt.month as usize - 1][..3]),
            'F' => out.push_str(MONTHS[dt.month as usize - 1]),
            't' => out.push_str(&days_in_month(dt.year, dt.month).to_string()),
            'L' => out.push(if days_in_month(dt.year, 2) == 29 {
                '1'
            } else {
                '0'
            }),
            'Y' | 'X' | 'x' => out.push_str(&format!("{:04}", dt.year)),
            'y' => out.push_str(&format!("{:02}", dt.year.rem_euclid(100))),
            'H' => out.push_str(&format!("{:02}", dt.hour)),
            'G' => out.push_str(&dt.hour.to_string()),
            'h' => out.push_str(&format!("{h12:02}")),
            'g' => out.push_str(&h12.to_string()),
            'i' => out.push_str(&format!("{:02}", dt.minute)),
            's' => out.push_str(&format!("{:02}", dt.second)),
            'u' => out.push_str("000000"),
            'v' => out.push_str("000"),
            'A' => out.push_str(if dt.hour < 12 { "AM" } else { "PM" }),
            'a' => out.push_str(if dt.hour < 12 { "am" } else { "pm" }),
            // Swatch Internet time: beats of 86.4 s from midnight in UTC+1.
            'B' => {
                let secs = (dt.hour * 3600 + dt.minute * 60 + dt.second + 3600) % 86_400;
                out.push_str(&format!("{:03}", secs * 10 / 864));
            }
            'e' | 'T' => out.push_str("UTC"),
            'I' | 'Z' => out.push('0'),
            'O' => out.push_str("+0000"),
            'P' => out.push_str("+00:00"),
            'p' => out.push('Z'),
            'c' => out.push_str(&format_date_time(dt, "Y-m-d\\TH:i:sP")),
            'r' => out.push_str(&format_date_time(dt, "D, d M Y H:i:s O")),
            'U' => out.push_str(&dt.unix_seconds().to_string()),
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

impl DateTime {
    /// 1 for January 1st.
    fn day_of_year(&self) -> u32 {
        (1..self.month)
            .map(|m| days_in_month(self.year, m))
            .sum::<u32>()
            + self.day
    }

    /// The ISO 8601 week-numbering year and week (PHP's `o` and `W`).
    fn iso_week(&self) -> (i32, u32) {
        let iso_weekday = match self.weekday() {
            0 => 7,
            d => d,
        };
        let ordinal = self.day_of_year() as i32;
        let week = (ordinal - iso_weekday as i32 + 10) / 7;
        let weeks_in = |year: i32| {
            // A year has 53 weeks when it starts on a Thursday, or is a leap year starting on a Wednesday.
            let jan1 = DateTime {
                year,
                month: 1,
                day: 1,
                hour: 0,
                minute: 0,
                second: 0,
            }
            .weekday();
            let leap = days_in_month(year, 2) == 29;
            if jan1 == 4 || (leap && jan1 == 3) {
                53
            } else {
                52
            }
        };
        if week < 1 {
            (self.year - 1, weeks_in(self.year - 1))
        } else if week > weeks_in(self.year) as i32 {
            (self.year + 1, 1)
        } else {
            (self.year, week as u32)
        }
    }

    fn days_since_epoch(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn unix_seconds(&self) -> i64 {
        self.days_since_epoch() * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
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
        // 28 digits leave no room for a scale: the decimals asked for are still written.
        assert_eq!(
            format_number(d("9999999999999999999999999999"), 2, ".", ","),
            "9,999,999,999,999,999,999,999,999,999.00"
        );
        assert_eq!(
            format_number(d("999999999999999999999999999.9"), 3, ".", ""),
            "999999999999999999999999999.900"
        );
    }

    #[test]
    fn math_is_exact() {
        assert_eq!(
            math(MathOp::Add, d("5000"), d("125.50"))
                .unwrap()
                .to_string(),
            "5125.5"
        );
        assert_eq!(
            math(MathOp::Multiply, d("10000.00"), d("10"))
                .unwrap()
                .to_string(),
            "100000"
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
    fn amounts_in_words_and_on_checks() {
        assert_eq!(number_words(0), "Zero");
        assert_eq!(number_words(15), "Fifteen");
        assert_eq!(number_words(40), "Forty");
        assert_eq!(number_words(1_000_001), "One Million One");
        assert_eq!(
            number_words(79_228_162_514_264_337_593_543_950_335),
            "Seventy-Nine Octillion Two Hundred Twenty-Eight Septillion One Hundred Sixty-Two Sextillion Five Hundred Fourteen Quintillion Two Hundred Sixty-Four Quadrillion Three Hundred Thirty-Seven Trillion Five Hundred Ninety-Three Billion Five Hundred Forty-Three Million Nine Hundred Fifty Thousand Three Hundred Thirty-Five"
        );
        assert_eq!(
            format_number_as_text(d("1234.56")),
            "One Thousand Two Hundred Thirty-Four Dollars and Fifty-Six Cents"
        );
        assert_eq!(format_number_as_text(d("0.995")), "One Dollar");
        assert_eq!(format_number_as_text(d("-0.004")), "Zero Dollars");
        assert_eq!(
            format_number_as_check(d("1234.56")),
            "One Thousand Two Hundred Thirty-Four and 56/100"
        );
        assert_eq!(format_number_as_check(d("7")), "Seven and 00/100");
    }

    #[test]
    fn countries_and_collection_items() {
        assert_eq!(country_name("country.usa"), Some("United States"));
        assert_eq!(country_name("COUNTRY.CAN"), Some("Canada"));
        assert_eq!(country_name("mx"), Some("Mexico"));
        assert_eq!(country_name("country.xyz"), None);
        assert_eq!(country_name("United States"), None);
        assert_eq!(
            collection_label("loan.frequency.monthly").as_deref(),
            Some("Monthly")
        );
        assert_eq!(
            collection_label("loan.frequency.semiMonthly").as_deref(),
            Some("Semi Monthly")
        );
        assert_eq!(
            collection_label("loan.rateType.APR").as_deref(),
            Some("APR")
        );
        assert_eq!(collection_label("monthly"), None);
        assert_eq!(collection_label("setup-payment-frequency"), None);
    }

    #[test]
    fn every_function_is_documented_and_named_once() {
        for d in &TABLE {
            assert_eq!(Function::from_name(d.name), Ok(d.function));
        }
        assert!(Function::from_name("formatnumber")
            .unwrap_err()
            .contains("`formatNumber`"));
    }

    #[test]
    fn phones_and_zips() {
        assert_eq!(format_phone("5551234567"), "(555) 123-4567");
        assert_eq!(format_phone("+1 555 123 4567"), "(555) 123-4567");
        assert_eq!(format_zipcode("841011234"), "84101-1234");
        assert_eq!(format_zipcode("84101"), "84101");
    }
}
