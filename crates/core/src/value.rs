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
            Value::Number(n) => n.to_string(),
            Value::Text(s) => s.clone(),
            Value::Keyword(k) => format!(":{k}"),
            _ => self.to_json(),
        }
    }
}

/// Appends `value` as compact JSON. Keywords become strings with their colon.
pub fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
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
