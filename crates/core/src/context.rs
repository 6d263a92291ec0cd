//! A context is the data a rule or template reads: a loan's Context Engine
//! variables or a YouLend event, parsed from JSON with every number exact.
//! Variables are paths into it: `loan-status`, `customer.primary.full-name`,
//! `EventProperties.PaymentsToLenders.0.Amount`.

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Span};
use crate::suggest;
use crate::value::{Map, Value};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    root: Value,
}

/// Why a path did not resolve, for callers to place at their own span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub path: String,
    pub suggestions: Vec<String>,
}

impl Missing {
    pub fn message(&self) -> String {
        format!(
            "unknown variable `{}`{}",
            self.path,
            suggest::hint(&self.suggestions)
        )
    }

    pub fn into_error(self, span: Option<Span>) -> Error {
        Error::new(ErrorKind::UnknownVariable, self.message(), span)
    }
}

impl Context {
    pub fn new(root: Value) -> Context {
        Context { root }
    }

    /// Parses a JSON context. Numbers keep their exact written value; the
    /// error for bad JSON carries its line:col in `text`.
    pub fn from_json(text: &str) -> Result<Context, Error> {
        parse_json(text).map(Context::new)
    }

    pub fn root(&self) -> &Value {
        &self.root
    }

    /// The root to refill in place (the dry run reuses one context per thread).
    pub(crate) fn root_mut(&mut self) -> &mut Value {
        &mut self.root
    }

    /// The value at `path`. A top-level key that itself contains dots
    /// (a flat context) wins over walking nested objects.
    pub fn lookup(&self, path: &str) -> Result<&Value, Missing> {
        lookup_in(&self.root, path).ok_or_else(|| Missing {
            path: path.to_string(),
            suggestions: suggest::did_you_mean(path, self.paths().iter().map(String::as_str)),
        })
    }

    /// Every variable path the context holds, leaves and objects alike, for
    /// did-you-mean and autocomplete. Array items are listed by index.
    pub fn paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect_paths(&self.root, "", &mut out, 0);
        out
    }
}

/// Resolves a dotted path below `value`. Numeric segments index arrays from 0
/// (or name keys such as `"1"` in objects); `first` and `last` pick array ends.
/// LoanPro's line-of-credit glossary also picks an array's item by its id
/// (`billing-period-values-array.id3.start-date`, `cards-array.id456.card-status`:
/// the item whose `id` is 3) and its Statements page by `current`: chosen here
/// as the latest item whose `start-date` is on or before `value`'s own
/// `current-date` (the period in progress, or the last one begun).
pub fn lookup_in<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if let Value::Map(map) = value {
        if let Some(found) = map.get(path) {
            return Some(found);
        }
    }
    let mut current = value;
    let mut rest = path;
    while !rest.is_empty() {
        current = match current {
            Value::Map(map) => {
                // Keys may contain dots themselves; prefer the longest key that matches.
                let (found, remainder) = longest_key(map, rest)?;
                rest = remainder;
                found
            }
            Value::Vector(items) | Value::Set(items) => {
                let (segment, remainder) = rest.split_once('.').unwrap_or((rest, ""));
                rest = remainder;
                match segment {
                    "first" => items.first()?,
                    "last" => items.last()?,
                    "current" => current_item(items, current_date(value)?)?,
                    index => match index.parse::<usize>() {
                        Ok(i) => items.get(i)?,
                        Err(_) => item_by_id(items, index.strip_prefix("id")?)?,
                    },
                }
            }
            _ => return None,
        };
    }
    Some(current)
}

/// The item whose `id` is `id` (digits), written as a number or as text.
fn item_by_id<'a>(items: &'a [Value], id: &str) -> Option<&'a Value> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = id.parse::<Decimal>().ok();
    items.iter().find(|item| {
        let Value::Map(m) = item else { return false };
        match m.get("id") {
            Some(Value::Number(n)) => Some(*n) == number,
            Some(Value::Text(t)) => t == id,
            _ => false,
        }
    })
}

/// The `current-date` of a context's top level, as text.
fn current_date(value: &Value) -> Option<&str> {
    match value {
        Value::Map(map) => match map.get("current-date") {
            Some(Value::Text(t)) => Some(t.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// The latest item whose `start-date` (`YYYY-MM-DD…`) is on or before `today`.
fn current_item<'a>(items: &'a [Value], today: &'a str) -> Option<&'a Value> {
    let day = |s: &'a str| s.get(..10).unwrap_or(s);
    let today = day(today);
    items
        .iter()
        .filter_map(|item| match item {
            Value::Map(m) => match m.get("start-date") {
                Some(Value::Text(start)) if day(start) <= today => Some((day(start), item)),
                _ => None,
            },
            _ => None,
        })
        .max_by(|a, b| a.0.cmp(b.0))
        .map(|(_, item)| item)
}

fn longest_key<'m, 'p>(map: &'m Map, path: &'p str) -> Option<(&'m Value, &'p str)> {
    let mut end = path.len();
    loop {
        if let Some(found) = map.get(&path[..end]) {
            let rest = path.get(end + 1..).unwrap_or("");
            return Some((found, rest));
        }
        end = path[..end].rfind('.')?;
    }
}

fn collect_paths(value: &Value, prefix: &str, out: &mut Vec<String>, depth: usize) {
    // Enough names for suggestions; a huge context must not make a miss slow.
    if depth > 32 || out.len() > 2_000 {
        return;
    }
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Value::Map(map) => {
            for (key, item) in map {
                let path = join(key);
                out.push(path.clone());
                collect_paths(item, &path, out, depth + 1);
            }
        }
        Value::Vector(items) => {
            for (i, item) in items.iter().enumerate().take(50) {
                let path = join(&i.to_string());
                out.push(path.clone());
                collect_paths(item, &path, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Parses JSON text into a [`Value`], numbers exact. Nesting deeper than
/// serde_json's limit (128) is an error, never a stack overflow.
/// A UTF-8 byte order mark (which Windows editors write) is skipped, as RFC 8259 allows;
/// spans stay in `text`, mark included.
pub fn parse_json(text: &str) -> Result<Value, Error> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let json: serde_json::Value =
        serde_json::from_str(&text[bom..]).map_err(|e| json_error_after(text, bom, &e))?;
    from_json_value(&json).map_err(|message| {
        number_out_of_range(text).unwrap_or_else(|| Error::new(ErrorKind::Json, message, None))
    })
}

/// The first number in `text` outside the exact range, at its place and as written (serde_json
/// knows no places once it has parsed, so the text is lexed again, only on this failure).
fn number_out_of_range(text: &str) -> Option<Error> {
    use crate::json::{Lexer, TokenKind};
    Lexer::new(text).flatten().find_map(|token| {
        let written = token.text(text);
        match (token.kind, parse_number(written)) {
            (TokenKind::Number, Err(message)) => {
                Some(Error::at(ErrorKind::Json, message, token.span))
            }
            _ => None,
        }
    })
}

/// The located error for a serde_json failure in `text`.
pub fn json_error(text: &str, e: &serde_json::Error) -> Error {
    json_error_after(text, 0, e)
}

/// The located error for a serde_json failure in `text[skipped..]`, placed in `text`.
pub(crate) fn json_error_after(text: &str, skipped: usize, e: &serde_json::Error) -> Error {
    let mut offset = skipped + byte_offset(&text[skipped..], e.line(), e.column());
    let mut message = serde_reason(e);
    if text[skipped..].trim().is_empty() {
        message = "the text is empty".to_string();
    }
    // serde_json finds a trailing comma at the bracket after it, maybe lines later:
    // the comma is the place to show.
    if message == "trailing comma" {
        let before = text[skipped..offset].trim_end_matches([' ', '\t', '\n', '\r']);
        if before.ends_with(',') {
            offset = skipped + before.len() - 1;
        }
    }
    let span = Span::locate(text, offset, offset + 1);
    Error::at(ErrorKind::Json, message, span)
}

/// serde_json's message in JSON's words and without its " at line X column Y" (callers say
/// where themselves): the one reading of its errors for every file the engine reads.
pub(crate) fn serde_reason(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => &message,
    };
    in_json_terms(message)
}

/// serde's words for what it expected, said in JSON's: an object (not a Rust `struct
/// Connection with 6 elements`, an `internally tagged enum Auth` or a `map`), an array (not a `sequence`), and where
/// the text stopped (not `EOF while parsing a list`).
fn in_json_terms(message: &str) -> String {
    let mut out = message
        .replace("EOF while parsing a list", "the text ends inside an array")
        .replace(
            "EOF while parsing a value",
            "the text ends where a value should be",
        )
        .replace("EOF while parsing", "the text ends inside")
        .replace("invalid type: map,", "invalid type: object,")
        .replace("invalid type: sequence,", "invalid type: array,")
        .replace("expected a map", "expected an object")
        .replace("expected a sequence", "expected an array")
        // A connection's trigger, auth and payload: an object with a `type`.
        .replace("expected internally tagged enum ", "expected struct ");
    while let Some(at) = out.find("expected struct ") {
        let rest = &out[at + "expected struct ".len()..];
        let mut end = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        // " with 6 elements" / " with 1 element"
        if let Some(with) = rest[end..].strip_prefix(" with ") {
            let mut words = with.split(' ');
            if let (Some(n), Some(word)) = (words.next(), words.next()) {
                let word = word.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
                if n.bytes().all(|b| b.is_ascii_digit()) && word.starts_with("element") {
                    end += " with ".len() + n.len() + 1 + word.len();
                }
            }
        }
        let tail = rest[end..].to_string();
        out.truncate(at);
        out.push_str("expected an object");
        out.push_str(&tail);
    }
    out
}

fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    // serde_json's column is the 1-based byte column of the offending byte;
    // column 0 means the line break that ends the previous line.
    if column == 0 {
        return line_start.saturating_sub(1);
    }
    (line_start + column - 1).min(text.len())
}

/// Converts serde_json's value into ours. Numbers go through their written
/// text (serde_json's `arbitrary_precision`), so no digit is lost.
pub fn from_json_value(json: &serde_json::Value) -> Result<Value, String> {
    Ok(match json {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(parse_number(n.as_str())?),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Array(items) => Value::Vector(
            items
                .iter()
                .map(from_json_value)
                .collect::<Result<_, _>>()?,
        ),
        serde_json::Value::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), from_json_value(v)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

/// An exact decimal from JSON number text, with or without an exponent.
pub fn parse_number(text: &str) -> Result<Decimal, String> {
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str_exact(text)
    };
    parsed.map_err(|_| format!("number {text} is outside the exact range (28 significant digits)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(json: &str) -> Context {
        Context::from_json(json).unwrap()
    }

    #[test]
    fn an_empty_text_says_so() {
        let e = Context::from_json(" \n").unwrap_err();
        assert_eq!(e.message, "the text is empty");
    }

    #[test]
    fn a_trailing_comma_is_shown_where_it_is() {
        let at = |text: &str| {
            let span = Context::from_json(text).unwrap_err().span.unwrap();
            (span.line, span.col)
        };
        // serde_json stops at the bracket after it, on the next line.
        assert_eq!(
            at("{\n  \"loan-status\": \"Open\",\n  \"a\": 5,\n}"),
            (3, 9)
        );
        assert_eq!(at("\u{feff}[1, 2,\r\n\t]"), (1, 7));
        assert_eq!(at("{\"a\": 1,}"), (1, 8));
    }

    #[test]
    fn numbers_are_exact() {
        let c = ctx(r#"{"status-amount-due": 158.70, "big": 12345678901234567890.25}"#);
        assert_eq!(c.lookup("status-amount-due").unwrap().to_text(), "158.70");
        assert_eq!(
            c.lookup("big").unwrap().to_text(),
            "12345678901234567890.25"
        );
    }

    #[test]
    fn dotted_paths_and_indexes() {
        let c = ctx(r#"{"customer": {"primary": {"full-name": "Douglas"}},
                "EventProperties": {"PaymentsToLenders": [{"Amount": "400"}, {"Amount": "200"}]},
                "bucket": {"1": {"days-past-due": 5}},
                "flat.key": 1}"#);
        assert_eq!(
            c.lookup("customer.primary.full-name").unwrap().to_text(),
            "Douglas"
        );
        assert_eq!(
            c.lookup("EventProperties.PaymentsToLenders.1.Amount")
                .unwrap()
                .to_text(),
            "200"
        );
        assert_eq!(
            c.lookup("EventProperties.PaymentsToLenders.last.Amount")
                .unwrap()
                .to_text(),
            "200"
        );
        assert_eq!(c.lookup("bucket.1.days-past-due").unwrap().to_text(), "5");
        assert_eq!(c.lookup("flat.key").unwrap().to_text(), "1");
    }

    /// help.loanpro.io/context-engine/context-engine-glossary-line-of-credit-and-card
    /// picks an array item by id (`billing-period-values-array.id3.start-date`,
    /// `cards-array.id456.card-status`); help.loanpro.io/statements by `current`.
    #[test]
    fn array_items_by_id_and_the_current_period() {
        let c = ctx(r#"{"current-date": "2022-09-26",
                "billing-period-values-array": [
                    {"id": 1, "start-date": "2022-08-01", "end-date": "2022-08-31"},
                    {"id": 3, "start-date": "2022-09-01", "end-date": "2022-09-30"},
                    {"id": 4, "start-date": "2022-10-01", "end-date": "2022-10-31"}],
                "cards-array": [{"id": "456", "card-status": "Active"}]}"#);
        let at = |p: &str| c.lookup(p).map(|v| v.to_text()).ok();
        assert_eq!(
            at("billing-period-values-array.id3.start-date").as_deref(),
            Some("2022-09-01")
        );
        assert_eq!(
            at("billing-period-values-array.id4.end-date").as_deref(),
            Some("2022-10-31")
        );
        assert_eq!(
            at("cards-array.id456.card-status").as_deref(),
            Some("Active")
        );
        assert_eq!(at("billing-period-values-array.id9.start-date"), None);
        assert_eq!(at("billing-period-values-array.idx.start-date"), None);
        // The latest period begun on or before the context's current-date.
        assert_eq!(
            at("billing-period-values-array.current.end-date").as_deref(),
            Some("2022-09-30")
        );
        assert_eq!(
            at("billing-period-values-array.last.start-date").as_deref(),
            Some("2022-10-01")
        );
        let before = ctx(r#"{"current-date": "2022-07-01",
                "billing-period-values-array": [{"id": 1, "start-date": "2022-08-01"}]}"#);
        assert!(before
            .lookup("billing-period-values-array.current.start-date")
            .is_err());
        let undated =
            ctx(r#"{"billing-period-values-array": [{"id": 1, "start-date": "2022-08-01"}]}"#);
        assert!(undated
            .lookup("billing-period-values-array.current.start-date")
            .is_err());
    }

    #[test]
    fn missing_names_suggest() {
        let c = ctx(r#"{"loan-status": "Open"}"#);
        let missing = c.lookup("loan-stauts").unwrap_err();
        assert_eq!(
            missing.message(),
            "unknown variable `loan-stauts`; did you mean `loan-status`?"
        );
    }

    #[test]
    fn bad_json_is_located_and_deep_json_is_refused() {
        let err = Context::from_json("{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!(err.span.map(|s| s.line), Some(2));
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(Context::from_json(&deep).is_err());
    }

    #[test]
    fn a_number_past_the_exact_range_is_located_as_written() {
        let text = "{\n  \"ok\": 1.50,\n  \"huge\": [1, 1e400]\n}";
        let err = Context::from_json(text).unwrap_err();
        let span = err.span.expect("located");
        assert_eq!((span.line, span.col), (3, 15), "{err:?}");
        assert_eq!(&text[span.start..span.end], "1e400");
        assert!(
            err.message.contains("number 1e400 is outside"),
            "{}",
            err.message
        );
        let digits = format!("{{\"x\": {}}}", "9".repeat(40));
        let span = Context::from_json(&digits)
            .unwrap_err()
            .span
            .expect("located");
        assert_eq!((span.line, span.col), (1, 7));
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_errors_stay_in_place() {
        let with_mark = "\u{feff}{\"a\": 1}";
        assert_eq!(ctx(with_mark).lookup("a"), ctx("{\"a\": 1}").lookup("a"));
        let broken = "\u{feff}{\"a\": }";
        let span = Context::from_json(broken)
            .unwrap_err()
            .span
            .expect("located");
        assert_eq!(&broken[span.start..], "}");
    }

    #[test]
    fn serde_s_rust_words_become_json_s() {
        for (serde, ours) in [
            (
                "invalid type: integer `5`, expected struct Connection",
                "invalid type: integer `5`, expected an object",
            ),
            (
                "invalid length 0, expected struct Catalog with 6 elements",
                "invalid length 0, expected an object",
            ),
            (
                "invalid length 0, expected struct A with 1 element",
                "invalid length 0, expected an object",
            ),
            (
                "invalid type: string \"none\", expected internally tagged enum Auth",
                "invalid type: string \"none\", expected an object",
            ),
            (
                "invalid type: map, expected a sequence",
                "invalid type: object, expected an array",
            ),
            ("missing field `name`", "missing field `name`"),
            (
                "EOF while parsing an object",
                "the text ends inside an object",
            ),
            ("EOF while parsing a list", "the text ends inside an array"),
            (
                "EOF while parsing a value",
                "the text ends where a value should be",
            ),
        ] {
            assert_eq!(in_json_terms(serde), ours);
        }
    }
}
