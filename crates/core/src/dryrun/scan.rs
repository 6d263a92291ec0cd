//! The fast path of a dry run: read only the top-level members a rule needs
//! from one JSON object record, while checking that the rest of the record is
//! JSON that the full parser ([`Context::from_json`](crate::Context::from_json))
//! accepts too.
//!
//! The scanner accepts a strict subset of what the full parser accepts: when it
//! meets anything it is not sure of (an escaped key, a surrogate escape, a very
//! long or exponent number that may not be exact, deep nesting, bad syntax) it
//! says so and the caller parses the record the slow, exact way. So a record
//! the scanner accepts is one the full parser accepts, with the same values for
//! the members that were read.

use crate::context::{from_json_value, parse_number};
use crate::value::{Map, Value};

/// Containers nested deeper than this send the record to the full parser
/// (whose own limit is 128).
const MAX_DEPTH: usize = 100;

/// Why the fast path gave up; the caller then parses the whole record.
#[derive(Debug)]
pub(crate) struct Fallback;

type R<T> = Result<T, Fallback>;

#[inline]
fn ws(b: &[u8], mut i: usize) -> usize {
    while let Some(&c) = b.get(i) {
        if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
            break;
        }
        i += 1;
    }
    i
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Non-zero when one of the eight bytes of `x` is a quote, a backslash or a
/// control character (the bit tricks of "Bit Twiddling Hacks"; bytes of
/// UTF-8 sequences, 0x80 and up, never match).
#[inline]
fn special(x: u64) -> u64 {
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    zero(x ^ (ONES * u64::from(b'"')))
        | zero(x ^ (ONES * u64::from(b'\\')))
        | (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
}

/// `i` is just after an opening quote. Returns the index just after the
/// closing quote and whether the string holds an escape.
#[inline]
fn string(b: &[u8], mut i: usize) -> R<(usize, bool)> {
    let mut escaped = false;
    loop {
        // The common case: plain characters, eight at a time; the lowest
        // flagged byte is exactly the first special one (borrows only carry upwards).
        while let Some(word) = b.get(i..i + 8) {
            let x = u64::from_le_bytes(word.try_into().unwrap_or_default());
            let flags = special(x);
            if flags != 0 {
                i += (flags.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        while let Some(&c) = b.get(i) {
            if c == b'"' || c == b'\\' || c < 0x20 {
                break;
            }
            i += 1;
        }
        match b.get(i) {
            Some(b'"') => return Ok((i + 1, escaped)),
            Some(b'\\') => {
                escaped = true;
                match b.get(i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                    Some(b'u') => {
                        let hex = b.get(i + 2..i + 6).ok_or(Fallback)?;
                        let mut cp = 0u32;
                        for &h in hex {
                            cp = cp * 16 + (h as char).to_digit(16).ok_or(Fallback)?;
                        }
                        // Surrogate pairs have their own rules; the full parser decides.
                        if (0xD800..0xE000).contains(&cp) {
                            return Err(Fallback);
                        }
                        i += 6;
                    }
                    _ => return Err(Fallback),
                }
            }
            // A control character or the end of the record.
            _ => return Err(Fallback),
        }
    }
}

/// Whether two byte strings of the same length are equal, eight bytes at a
/// time (keys are short: a call to `memcmp` costs more than comparing).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let word =
        |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// JSON's number grammar at `start`: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE]
/// [+-]? [0-9]+)?`. Returns its end, its count of digits and whether it has
/// an exponent.
#[inline]
pub(crate) fn number_grammar(b: &[u8], start: usize) -> Option<(usize, usize, bool)> {
    let digits_in = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = start + usize::from(b.get(start) == Some(&b'-'));
    let digits_start = i;
    i = match b.get(i) {
        Some(b'0') => i + 1,
        Some(b'1'..=b'9') => digits_in(i),
        _ => return None,
    };
    let mut digits = i - digits_start;
    if b.get(i) == Some(&b'.') {
        let f = i + 1;
        i = digits_in(f);
        if i == f {
            return None;
        }
        digits += i - f;
    }
    let exponent = matches!(b.get(i), Some(b'e' | b'E'));
    if exponent {
        i += 1 + usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let e = i;
        i = digits_in(e);
        if i == e {
            return None;
        }
    }
    Some((i, digits, exponent))
}

/// A JSON number starting at `start`; returns its end. Numbers that might
/// not be exact decimals are checked with the same conversion the full parse uses.
#[inline]
fn number(b: &[u8], start: usize) -> R<usize> {
    let (end, digits, exponent) = number_grammar(b, start).ok_or(Fallback)?;
    if exponent || digits > 18 {
        let text = std::str::from_utf8(&b[start..end]).map_err(|_| Fallback)?;
        parse_number(text).map_err(|_| Fallback)?;
    }
    Ok(end)
}

#[inline]
fn literal(b: &[u8], i: usize, word: &[u8]) -> R<usize> {
    if b.get(i..i + word.len()) == Some(word) {
        Ok(i + word.len())
    } else {
        Err(Fallback)
    }
}

/// A scalar (string, number, literal) at `i`; `None` for a container start.
#[inline]
fn scalar(b: &[u8], i: usize) -> R<Option<usize>> {
    Ok(Some(match b.get(i) {
        Some(b'"') => string(b, i + 1)?.0,
        Some(b'-' | b'0'..=b'9') => number(b, i)?,
        Some(b't') => literal(b, i, b"true")?,
        Some(b'f') => literal(b, i, b"false")?,
        Some(b'n') => literal(b, i, b"null")?,
        Some(b'{' | b'[') => return Ok(None),
        _ => return Err(Fallback),
    }))
}

/// Any JSON value at `i` (whitespace already skipped); returns its end.
fn value(b: &[u8], i: usize) -> R<usize> {
    if let Some(end) = scalar(b, i)? {
        return Ok(end);
    }
    container(b, i)
}

/// An object or array at `i`, checked without building anything.
fn container(b: &[u8], start: usize) -> R<usize> {
    enum At {
        /// At an opening bracket.
        Open,
        /// Where a member (object) or item (array) starts.
        Member,
        /// After a member: a comma or the close.
        After,
    }
    // The open containers, innermost last: true for an object.
    let mut stack = [false; MAX_DEPTH];
    let mut depth = 0usize;
    let mut i = start;
    let mut at = At::Open;
    loop {
        match at {
            At::Open => {
                if depth == MAX_DEPTH {
                    return Err(Fallback);
                }
                let object = b[i] == b'{';
                stack[depth] = object;
                depth += 1;
                i = ws(b, i + 1);
                let close = if object { b'}' } else { b']' };
                if b.get(i) == Some(&close) {
                    i += 1;
                    depth -= 1;
                    if depth == 0 {
                        return Ok(i);
                    }
                    i = ws(b, i);
                    at = At::After;
                } else {
                    at = At::Member;
                }
            }
            At::Member => {
                if stack[depth - 1] {
                    if b.get(i) != Some(&b'"') {
                        return Err(Fallback);
                    }
                    i = ws(b, string(b, i + 1)?.0);
                    if b.get(i) != Some(&b':') {
                        return Err(Fallback);
                    }
                    i = ws(b, i + 1);
                }
                match scalar(b, i)? {
                    Some(end) => {
                        i = ws(b, end);
                        at = At::After;
                    }
                    None => at = At::Open,
                }
            }
            At::After => {
                let close = if stack[depth - 1] { b'}' } else { b']' };
                match b.get(i) {
                    Some(b',') => {
                        i = ws(b, i + 1);
                        at = At::Member;
                    }
                    Some(&c) if c == close => {
                        i += 1;
                        depth -= 1;
                        if depth == 0 {
                            return Ok(i);
                        }
                        i = ws(b, i);
                    }
                    _ => return Err(Fallback),
                }
            }
        }
    }
}

/// `123` or `158.70` (no sign, at most 18 digits) without the general
/// parser: the same mantissa and scale `parse_number` gives.
#[inline]
fn small_decimal(b: &[u8]) -> Option<rust_decimal::Decimal> {
    if b.len() > 19 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut scale = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => mantissa = mantissa * 10 + i64::from(c - b'0'),
            b'.' if scale.is_none() => scale = Some((b.len() - i - 1) as u32),
            _ => return None,
        }
    }
    Some(rust_decimal::Decimal::new(mantissa, scale.unwrap_or(0)))
}

/// The value of a member the rule reads, converted exactly as the full parse would.
fn convert(text: &str, start: usize, end: usize, into: &mut Value) -> R<()> {
    let raw = &text[start..end];
    let b = raw.as_bytes();
    match b[0] {
        b'"' => {
            let inner = &raw[1..raw.len() - 1];
            if inner.contains('\\') {
                let s: String = serde_json::from_str(raw).map_err(|_| Fallback)?;
                *into = Value::Text(s);
            } else if let Value::Text(existing) = into {
                // Reuse the allocation of the previous record's text.
                existing.clear();
                existing.push_str(inner);
            } else {
                *into = Value::Text(inner.to_string());
            }
        }
        b't' => *into = Value::Bool(true),
        b'f' => *into = Value::Bool(false),
        b'n' => *into = Value::Nil,
        // serde_json rewrites exponents (`1E2` as `1e+2`): convert those as it does.
        c if c == b'{' || c == b'[' || raw.contains(['e', 'E']) => {
            let json: serde_json::Value = serde_json::from_str(raw).map_err(|_| Fallback)?;
            *into = from_json_value(&json).map_err(|_| Fallback)?;
        }
        _ => {
            *into = Value::Number(match small_decimal(b) {
                Some(n) => n,
                None => parse_number(raw).map_err(|_| Fallback)?,
            })
        }
    }
    Ok(())
}

/// The top-level member names a scan keeps, with a quick test of length so
/// the other members' names are passed over without a comparison.
#[derive(Debug, Clone, Default)]
pub(crate) struct Wanted {
    names: Vec<String>,
    /// Bit `n` set when some name is `n` bytes long (bit 63: 63 or longer).
    lengths: u64,
}

impl Wanted {
    pub(crate) fn new(names: Vec<String>) -> Wanted {
        let lengths = names.iter().fold(0, |bits, n| bits | 1 << n.len().min(63));
        Wanted { names, lengths }
    }

    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    #[inline]
    fn position(&self, key: &str) -> Option<usize> {
        if self.lengths & 1 << key.len().min(63) == 0 {
            return None;
        }
        // Names that share a prefix (`loan-`, `status-`) differ sooner at the end.
        let last = key.as_bytes().last();
        self.names
            .iter()
            .position(|w| w.len() == key.len() && w.as_bytes().last() == last && w == key)
    }
}

/// Where a wanted member's value sits in the record: `start..end`, and
/// whether it is a string holding an escape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Member {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) escaped: bool,
}

/// The reused state of one thread's scans: where each wanted name's value
/// sits in this record, and where each sits in the context's map.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Per wanted name, its value in the last record scanned (the last one
    /// of a repeated key, as the full parser keeps).
    pub(crate) members: Vec<Option<Member>>,
    /// Each wanted name's index in the map (`usize::MAX`: not in it).
    slots: Vec<usize>,
    /// The last record's keys in order, each with its closing quote and its
    /// index among the wanted names: records from one source repeat their
    /// keys, and a key equal to one already checked needs no checking.
    keys: Vec<(Vec<u8>, Option<usize>)>,
}

/// Checks that the object record `text` is JSON the full parser accepts and
/// notes in `scratch.members` where the members whose keys are in `wanted`
/// sit, without converting anything.
pub(crate) fn scan_members(text: &str, wanted: &Wanted, scratch: &mut Scratch) -> R<()> {
    let b = text.as_bytes();
    let members = &mut scratch.members;
    members.clear();
    members.resize(wanted.names.len(), None);
    let keys = &mut scratch.keys;
    let mut k = 0;
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return Err(Fallback);
    }
    i = ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            if b.get(i) != Some(&b'"') {
                return Err(Fallback);
            }
            let (key_end, want) = match keys.get(k) {
                Some((key, want))
                    if b.get(i + 1..i + 1 + key.len())
                        .is_some_and(|t| same(t, key)) =>
                {
                    (i + 1 + key.len(), *want)
                }
                _ => {
                    let (key_end, escaped) = string(b, i + 1)?;
                    if escaped {
                        return Err(Fallback);
                    }
                    let want = wanted.position(&text[i + 1..key_end - 1]);
                    let quoted = &b[i + 1..key_end];
                    match keys.get_mut(k) {
                        Some((key, w)) => {
                            key.clear();
                            key.extend_from_slice(quoted);
                            *w = want;
                        }
                        None => keys.push((quoted.to_vec(), want)),
                    }
                    (key_end, want)
                }
            };
            k += 1;
            i = ws(b, key_end);
            if b.get(i) != Some(&b':') {
                return Err(Fallback);
            }
            i = ws(b, i + 1);
            let start = i;
            let mut escaped = false;
            i = match b.get(i) {
                Some(b'"') => {
                    let (end, e) = string(b, i + 1)?;
                    escaped = e;
                    end
                }
                _ => value(b, i)?,
            };
            if let Some(w) = want {
                members[w] = Some(Member {
                    start,
                    end: i,
                    escaped,
                });
            }
            i = ws(b, i);
            match b.get(i) {
                Some(b',') => i = ws(b, i + 1),
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return Err(Fallback),
            }
        }
    }
    if ws(b, i) != b.len() {
        return Err(Fallback);
    }
    Ok(())
}

/// The value of one member [`scan_members`] found, converted exactly as the
/// full parse would, into `into` (reusing its text's allocation).
pub(crate) fn member_value(text: &str, member: Member, into: &mut Value) -> R<()> {
    convert(text, member.start, member.end, into)
}

/// Fills `map` with the members [`scan_members`] found in `text`, reusing
/// its entries: afterwards `map` holds exactly the wanted members the record
/// has. `map` must only be changed by these fills between records.
pub(crate) fn fill_map(text: &str, wanted: &Wanted, map: &mut Map, scratch: &mut Scratch) -> R<()> {
    let count = wanted.names.len();
    if scratch.slots.len() != count {
        map.clear();
        scratch.slots = vec![usize::MAX; count];
    }
    let mut kept = 0;
    for (w, member) in scratch.members.iter().enumerate() {
        let Some(member) = *member else { continue };
        kept += 1;
        match map.get_index_mut(scratch.slots[w]) {
            Some((_, slot)) => convert(text, member.start, member.end, slot)?,
            None => {
                let mut v = Value::Nil;
                convert(text, member.start, member.end, &mut v)?;
                scratch.slots[w] = map.insert_full(wanted.names[w].clone(), v).0;
            }
        }
    }
    // Drop what an earlier record had and this one does not.
    if map.len() != kept {
        let names = &wanted.names;
        let members = &scratch.members;
        map.retain(|k, _| {
            names
                .iter()
                .zip(members.iter())
                .any(|(w, m)| m.is_some() && w == k)
        });
        for (slot, name) in scratch.slots.iter_mut().zip(names) {
            *slot = map.get_index_of(name.as_str()).unwrap_or(usize::MAX);
        }
    }
    Ok(())
}

/// Reads the members of the object record `text` whose keys are in `wanted`
/// into `map` ([`scan_members`], then [`fill_map`]).
pub(crate) fn scan_object(
    text: &str,
    wanted: &Wanted,
    map: &mut Map,
    scratch: &mut Scratch,
) -> R<()> {
    scan_members(text, wanted, scratch)?;
    fill_map(text, wanted, map, scratch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str, wanted: &[&str]) -> Option<Map> {
        let wanted = Wanted::new(wanted.iter().map(|s| s.to_string()).collect());
        let mut map = Map::new();
        scan_object(text, &wanted, &mut map, &mut Scratch::default()).ok()?;
        Some(map)
    }

    #[test]
    fn reads_only_wanted_members_and_checks_the_rest() {
        let map = scan(
            r#"{"a": 1.50, "b": {"x": [1, {"y": "z"}, []], "w": {}}, "c": "t", "a": 2.50}"#,
            &["a", "c"],
        )
        .unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(map["a"].to_text(), "2.50");
        assert_eq!(map["c"].to_text(), "t");
        for bad in [
            r#"{"a": 1,}"#,
            r#"{"a": [1,]}"#,
            r#"{"a": {"b" 1}}"#,
            r#"{"a": 01}"#,
            r#"{"a": 1} x"#,
            r#"{"a": "\ud800"}"#,
            r#"{"a": tru}"#,
            "{\"a\": \"x\ty\"}",
            r#"{"a": [[[}"#,
            r#"[1]"#,
        ] {
            assert!(scan(bad, &["a"]).is_none(), "{bad}");
        }
        assert!(scan(r#"{"b": [[[], {}], {"c": [1, 2, {"d": null}]}]}"#, &["a"]).is_some());
        assert!(scan("  {}  \r", &["a"]).is_some_and(|m| m.is_empty()));
    }

    #[test]
    fn keys_seen_in_the_last_record_are_taken_as_read_only_when_equal() {
        let wanted = Wanted::new(vec!["a".into(), "bc".into()]);
        let records = [
            r#"{"a": 1, "bc": "x", "d": 2}"#,
            r#"{"a": 2, "bc": "y", "d": 3}"#,
            r#"{"a\"b": 1, "bc": "z"}"#,
            r#"{"a": 3, "b": "w", "bcd": 1}"#,
            r#"{"a": 4, "bc" "v"}"#,
            r#"{"ab": 5, "bc": "\u0041"}"#,
            r#"{"a\u0062": 5}"#,
            r#"{"a": 6, "bc": "u", "d": 4}"#,
            r#"{"a": 7, "bc"#,
        ];
        let mut reused = Scratch::default();
        for text in records {
            let mut fresh = Scratch::default();
            let once = scan_members(text, &wanted, &mut fresh).map(|()| fresh.members);
            let again = scan_members(text, &wanted, &mut reused).map(|()| reused.members.clone());
            assert_eq!(once.ok(), again.ok(), "{text}");
        }
    }
}
