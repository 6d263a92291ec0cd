//! The values rules and templates work on. Numbers are exact decimals that keep
//! the scale they were written with (`158.70` stays `158.70`); nothing here
//! passes through binary floating point.

use indexmap::IndexMap;
use rust_decimal::Decimal;

pub type Map = IndexMap<String, Value>;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Nil,
    Bool(bool),
    Number(Decimal),
    Text(String),
    /// A Clojure keyword such as `:date`, stored without its colon.
    Keyword(String),
    Vector(Vec<Value>),
    /// A set literal `#{...}`; kept in written order, without repeats.
    Set(Vec<Value>),
    Map(Map),
}

impl Value {
    /// Only `false` and `nil` are falsey, as in Clojure.
    pub fn is_truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::Text(_) => "text",
            Value::Keyword(_) => "keyword",
            Value::Vector(_) => "vector",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
        }
    }

    /// The value as compact JSON, numbers exactly as held.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out);
        out
    }

    /// The value as text, as a template's text mode prints it: strings bare,
    /// numbers exactly, nil empty, collections as JSON.
    pub fn to_text(&self) -> String {
        match self {
            Value::Nil => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => {
                let mut out = String::new();
                push_decimal(n, &mut out);
                out
            }
            Value::Text(s) => s.clone(),
            Value::Keyword(k) => format!(":{k}"),
            _ => self.to_json(),
        }
    }
}

/// Appends `n` as its `Display` writes it (`158.70`, `-0.05`), without the
/// formatter's machinery: a dry run prints an id for every near miss.
pub fn push_decimal(n: &Decimal, out: &mut String) {
    let mantissa = n.mantissa();
    if mantissa == 0 {
        // Zero's sign and scale are `Display`'s business.
        out.push_str(&n.to_string());
        return;
    }
    if mantissa < 0 {
        out.push('-');
    }
    let mut wide = mantissa.unsigned_abs();
    let mut buf = [0u8; 40];
    let mut at = buf.len();
    // 128-bit division is slow (a library call on wasm): only the top digits need it.
    while wide > u128::from(u64::MAX) {
        at -= 1;
        buf[at] = b'0' + (wide % 10) as u8;
        wide /= 10;
    }
    let mut rest = wide as u64;
    while rest > 0 {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let digits = &buf[at..];
    let scale = n.scale() as usize;
    let push = |out: &mut String, d: &[u8]| out.extend(d.iter().map(|&c| c as char));
    if scale == 0 {
        push(out, digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        push(out, int);
        out.push('.');
        push(out, frac);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        push(out, digits);
    }
}

/// Appends `value` as compact JSON. Keywords become strings with their colon.
pub fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => push_decimal(n, out),
        Value::Text(s) => write_json_string(s, out),
        Value::Keyword(k) => write_json_string(&format!(":{k}"), out),
        Value::Vector(items) | Value::Set(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

/// Appends `s` as a quoted JSON string.
pub fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    escape_json_into(s, out);
    out.push('"');
}

/// Appends `s` escaped for the inside of a JSON string literal. Besides what
/// JSON requires, `<`, `>` and `&` are escaped so a body can never close a
/// `<script>` it is embedded in, and U+2028/U+2029 for JavaScript parsers.
pub fn escape_json_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimals_print_as_display_does() {
        use std::str::FromStr;
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut samples: Vec<Decimal> = ["0", "-0", "0.00", "-0.00", "158.70", "-0.05", "1e-28"]
            .iter()
            .map(|t| {
                Decimal::from_str(t)
                    .or_else(|_| Decimal::from_scientific(t))
                    .unwrap()
            })
            .chain([Decimal::MAX, Decimal::MIN])
            .collect();
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let m = i64::from_le_bytes(x.to_le_bytes()) >> (x % 60);
            samples.push(Decimal::new(m, (x >> 58) as u32 % 29));
        }
        for n in samples {
            let mut out = String::new();
            push_decimal(&n, &mut out);
            assert_eq!(out, n.to_string());
        }
    }

    use super::*;
    use std::str::FromStr;

    #[test]
    fn numbers_keep_their_scale() {
        let v = Value::Number(Decimal::from_str("158.70").unwrap());
        assert_eq!(v.to_json(), "158.70");
        assert_eq!(v.to_text(), "158.70");
    }

    #[test]
    fn json_strings_are_escaped_and_decode_back() {
        let s = "a\"b\\c\n\u{1}</script>😀\u{2028}";
        let json = Value::Text(s.into()).to_json();
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert!(!json.contains("</script>"));
    }

    #[test]
    fn only_false_and_nil_are_falsey() {
        assert!(!Value::Nil.is_truthy());
        assert!(!Value::Bool(false).is_truthy());
        assert!(Value::Number(Decimal::ZERO).is_truthy());
        assert!(Value::Text(String::new()).is_truthy());
    }
}
