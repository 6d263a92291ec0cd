//! LoanPro's variable-list payload: the listed Context Engine variables sent
//! as `{"eventName", "context", "trace", "auth", "attemptNumber"}`, dotted
//! names nested, values exact, keys in list order.

use super::Rendered;
use crate::context::Context;
use crate::error::{Error, Span};
use crate::value::{write_json_string, Map, Value};

/// A version 4 UUID from 16 random bytes. The caller supplies the bytes so the
/// engine needs no OS randomness (which wasm would need a JS shim for).
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// Splits a comma-separated variable list, with each name's span in `list`.
pub fn variable_list(list: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in list.split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let at = start + (part.len() - part.trim_start().len());
            out.push((
                trimmed.to_string(),
                Span::locate(list, at, at + trimmed.len()),
            ));
        }
        start += part.len() + 1;
    }
    out
}

/// Builds the envelope JSON (two-space indented). Unknown variables are
/// errors whose spans point into `variables.join(",")`; with `lenient` they
/// are sent as `null` and listed in `empty_variables`.
pub fn envelope(
    variables: &[String],
    event_name: &str,
    ctx: &Context,
    trace: &str,
    lenient: bool,
) -> Result<Rendered, Vec<Error>> {
    let joined = variables.join(",");
    let mut context = Map::new();
    let mut errors = Vec::new();
    let mut empty = Vec::new();
    let mut at = 0;
    for name in variables {
        let span = Span::locate(&joined, at, at + name.len());
        at += name.len() + 1;
        let value = match ctx.lookup(name) {
            Ok(value) => value.clone(),
            Err(_) if lenient => {
                empty.push((name.clone(), span));
                Value::Nil
            }
            Err(missing) => {
                errors.push(missing.into_error(Some(span)));
                continue;
            }
        };
        insert_nested(&mut context, name, value);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = String::with_capacity(256);
    out.push_str("{\n  \"eventName\": ");
    write_json_string(event_name, &mut out);
    out.push_str(",\n  \"context\": ");
    write_pretty(&Value::Map(context), 1, &mut out);
    out.push_str(",\n  \"trace\": ");
    write_json_string(trace, &mut out);
    out.push_str(",\n  \"auth\": \"\",\n  \"attemptNumber\": 1\n}");
    Ok(Rendered {
        output: out,
        empty_variables: empty,
    })
}

/// Puts `value` at `a.b.c` inside `map`. If a listed variable already holds
/// the whole object a later dotted name points into, that object already
/// contains the value and is kept as it is.
fn insert_nested(map: &mut Map, name: &str, value: Value) {
    let mut current = map;
    let mut segments = name.split('.').peekable();
    while let Some(segment) = segments.next() {
        if segments.peek().is_none() {
            current.insert(segment.to_string(), value);
            return;
        }
        let slot = current
            .entry(segment.to_string())
            .or_insert_with(|| Value::Map(Map::new()));
        match slot {
            Value::Map(inner) => current = inner,
            _ => return,
        }
    }
}

/// Indented JSON with exact numbers; collections nest at most as deep as the
/// context JSON did, which serde_json already bounded.
fn write_pretty(value: &Value, depth: usize, out: &mut String) {
    let pad = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    match value {
        Value::Map(map) if !map.is_empty() => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pad(out, depth + 1);
                write_json_string(key, out);
                out.push_str(": ");
                write_pretty(item, depth + 1, out);
            }
            pad(out, depth);
            out.push('}');
        }
        Value::Vector(items) | Value::Set(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pad(out, depth + 1);
                write_pretty(item, depth + 1, out);
            }
            pad(out, depth);
            out.push(']');
        }
        other => crate::value::write_json(other, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn lists_split_with_spans() {
        let list = variable_list("loan-id, customer.primary.full-name,,");
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].0, "customer.primary.full-name");
        assert_eq!(list[1].1.start, 9);
    }
}
