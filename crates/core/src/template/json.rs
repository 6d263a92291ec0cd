//! A JSON checker that reports the byte offset of the first problem, so a bad
//! rendered body can be traced back through the output map to the template.
//! It keeps its nesting on a heap stack: no recursion, any depth is safe.

/// Receivers commonly refuse deeper documents (serde_json's default limit).
pub const MAX_DEPTH: usize = 128;

/// The first problem in a JSON document: where (a byte offset into it) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonProblem {
    pub offset: usize,
    pub message: String,
}

/// Checks that `text` is exactly one JSON value (RFC 8259), refusing lone
/// surrogate escapes that many decoders reject.
pub fn check(text: &str) -> Result<(), JsonProblem> {
    Checker {
        b: text.as_bytes(),
        i: 0,
    }
    .document()
}

struct Checker<'a> {
    b: &'a [u8],
    i: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Container {
    Object,
    Array,
}

impl Checker<'_> {
    fn fail<T>(&self, at: usize, message: impl Into<String>) -> Result<T, JsonProblem> {
        Err(JsonProblem {
            offset: at,
            message: message.into(),
        })
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn unexpected<T>(&self, expected: &str) -> Result<T, JsonProblem> {
        match self.b.get(self.i) {
            None => self.fail(
                self.i,
                format!("invalid JSON: expected {expected}, found the end"),
            ),
            Some(_) => {
                let rest = std::str::from_utf8(&self.b[self.i..]).unwrap_or("");
                let c = rest.chars().next().unwrap_or('?');
                self.fail(
                    self.i,
                    format!("invalid JSON: expected {expected}, found `{c}`"),
                )
            }
        }
    }

    fn document(mut self) -> Result<(), JsonProblem> {
        let mut stack: Vec<Container> = Vec::new();
        'value: loop {
            self.ws();
            // A value starts here.
            match self.b.get(self.i) {
                Some(&open @ (b'{' | b'[')) => {
                    let (container, close) = if open == b'{' {
                        (Container::Object, b'}')
                    } else {
                        (Container::Array, b']')
                    };
                    self.i += 1;
                    self.ws();
                    if self.b.get(self.i) == Some(&close) {
                        self.i += 1;
                    } else {
                        if stack.len() >= MAX_DEPTH {
                            return self.fail(
                                self.i - 1,
                                format!("JSON nests deeper than {MAX_DEPTH} levels"),
                            );
                        }
                        stack.push(container);
                        if container == Container::Object {
                            self.key()?;
                        }
                        continue 'value;
                    }
                }
                Some(b'"') => self.string()?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.word("true")?,
                Some(b'f') => self.word("false")?,
                Some(b'n') => self.word("null")?,
                _ => return self.unexpected("a value"),
            }
            // After a value: close containers or move to the next member.
            loop {
                self.ws();
                match stack.last() {
                    None => {
                        if self.i < self.b.len() {
                            return self.unexpected("the end of the document");
                        }
                        return Ok(());
                    }
                    Some(&top) => match (top, self.b.get(self.i)) {
                        (_, Some(b',')) => {
                            self.i += 1;
                            if top == Container::Object {
                                self.ws();
                                self.key()?;
                            }
                            continue 'value;
                        }
                        (Container::Object, Some(b'}')) | (Container::Array, Some(b']')) => {
                            self.i += 1;
                            stack.pop();
                        }
                        (Container::Object, _) => return self.unexpected("`,` or `}`"),
                        (Container::Array, _) => return self.unexpected("`,` or `]`"),
                    },
                }
            }
        }
    }

    /// `"key" :` inside an object.
    fn key(&mut self) -> Result<(), JsonProblem> {
        if self.b.get(self.i) != Some(&b'"') {
            return self.unexpected("a quoted key");
        }
        self.string()?;
        self.ws();
        if self.b.get(self.i) != Some(&b':') {
            return self.unexpected("`:`");
        }
        self.i += 1;
        Ok(())
    }

    fn word(&mut self, word: &str) -> Result<(), JsonProblem> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(())
        } else {
            self.unexpected("a value")
        }
    }

    fn number(&mut self) -> Result<(), JsonProblem> {
        let start = self.i;
        let digits = |c: &mut Self| {
            let from = c.i;
            while c.b.get(c.i).is_some_and(u8::is_ascii_digit) {
                c.i += 1;
            }
            c.i - from
        };
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        let int_start = self.i;
        match digits(self) {
            0 => return self.unexpected("a digit"),
            n if n > 1 && self.b[int_start] == b'0' => {
                return self.fail(int_start, "invalid JSON: numbers may not start with 0")
            }
            _ => {}
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return self.unexpected("a digit after `.`");
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return self.unexpected("a digit in the exponent");
            }
        }
        debug_assert!(self.i > start);
        Ok(())
    }

    fn string(&mut self) -> Result<(), JsonProblem> {
        let open = self.i;
        self.i += 1;
        loop {
            match self.b.get(self.i) {
                None => return self.fail(open, "invalid JSON: unclosed string"),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let at = self.i;
                    self.i += 1;
                    match self.b.get(self.i) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            self.i += 1;
                            let unit = self.hex4(at)?;
                            if (0xD800..0xDC00).contains(&unit) {
                                let low = if self.b[self.i..].starts_with(b"\\u") {
                                    self.i += 2;
                                    Some(self.hex4(at)?)
                                } else {
                                    None
                                };
                                if !low.is_some_and(|l| (0xDC00..0xE000).contains(&l)) {
                                    return self
                                        .fail(at, "invalid JSON: lone surrogate `\\u` escape");
                                }
                            } else if (0xDC00..0xE000).contains(&unit) {
                                return self.fail(at, "invalid JSON: lone surrogate `\\u` escape");
                            }
                        }
                        _ => return self.fail(at, "invalid JSON: unknown escape in string"),
                    }
                }
                Some(&c) if c < 0x20 => {
                    return self.fail(
                        self.i,
                        "invalid JSON: control character in string (write it as an escape)",
                    )
                }
                Some(_) => self.i += 1,
            }
        }
    }

    fn hex4(&mut self, escape_at: usize) -> Result<u32, JsonProblem> {
        let digits = self.b.get(self.i..self.i + 4);
        match digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok())
        {
            Some(unit) if digits.is_some_and(|d| d.iter().all(u8::is_ascii_hexdigit)) => {
                self.i += 4;
                Ok(unit)
            }
            _ => self.fail(escape_at, "invalid JSON: `\\u` needs four hex digits"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_what_serde_json_accepts() {
        for ok in [
            "1",
            " -0.5e+3 ",
            "\"a\\u00e9\\ud83d\\ude00\"",
            "[]",
            "{}",
            "[1,[2,{\"a\":null}],true]",
            "{\"a\": {\"b\": [false]}}",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
            assert!(serde_json::from_str::<serde_json::Value>(ok).is_ok());
        }
    }

    #[test]
    fn reports_offsets() {
        let at = |s: &str| check(s).unwrap_err().offset;
        assert_eq!(at("{\"a\": 1,}"), 8);
        assert_eq!(at("{\"a\" 1}"), 5);
        assert_eq!(at("[01]"), 1);
        assert_eq!(at("\"abc"), 0);
        assert_eq!(at("1 2"), 2);
        assert_eq!(at(""), 0);
        assert_eq!(at("\"\\ud800\""), 1);
        assert_eq!(at("[\"a\nb\"]"), 3);
        let deep = "[".repeat(100_000);
        assert!(check(&deep).is_err());
    }
}
