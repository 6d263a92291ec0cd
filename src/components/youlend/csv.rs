//! CSV as RFC 4180 writes it (CRLF line ends, fields with commas, quotes or line breaks quoted),
//! with one guard: a text field starting like a formula (`=`, `+`, `-`, `@`) gets a leading `'`,
//! so a reference typed by someone else cannot run in a spreadsheet. Numeric columns are left as
//! they are (a negative amount stays `-5.00`).

/// Appends one record; each field is (text, numeric).
pub fn write_row<'a>(out: &mut String, fields: impl IntoIterator<Item = (&'a str, bool)>) {
    for (i, (text, numeric)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_field(out, text, numeric);
    }
    out.push_str("\r\n");
}

fn write_field(out: &mut String, text: &str, numeric: bool) {
    let defused = !numeric && text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = text.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if defused {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        let mut out = String::new();
        write_row(
            &mut out,
            [
                ("plain", false),
                ("a,b", false),
                ("line\nbreak", false),
                ("-5.00", true),
                ("-x", false),
                ("", false),
            ],
        );
        assert_eq!(out, "plain,\"a,b\",\"line\nbreak\",-5.00,'-x,\r\n");
    }
}
