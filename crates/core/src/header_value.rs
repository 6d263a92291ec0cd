//! What a header value can carry. HTTP sends header values as ISO-8859-1 bytes; browsers refuse
//! (fetch throws) anything past U+00FF, and servers read such bytes differently. The request
//! renderer, lint and the page's preview all flag such a character before anything is sent,
//! saying how the value could carry it instead.

/// The byte offset and character of the first character ISO-8859-1 cannot hold.
pub fn non_latin1_at(value: &str) -> Option<(usize, char)> {
    value.char_indices().find(|&(_, c)| u32::from(c) > 0xFF)
}

/// The first such character in a header template's own text, outside its
/// `[[…]]` and `{{…}}` tags: what the tags render is checked after rendering,
/// and a tag's syntax (LoanPro's curly quotes) is never sent.
pub fn non_latin1_in_literal(template: &str) -> Option<(usize, char)> {
    let mut at = 0;
    while at < template.len() {
        let rest = &template[at..];
        let close = if rest.starts_with("[[") {
            Some("]]")
        } else if rest.starts_with("{{") {
            Some("}}")
        } else {
            None
        };
        if let Some(close) = close {
            match rest[2..].find(close) {
                Some(end) => at += 2 + end + 2,
                None => return None,
            }
            continue;
        }
        let c = rest.chars().next()?;
        if u32::from(c) > 0xFF {
            return Some((at, c));
        }
        at += c.len_utf8();
    }
    None
}

/// Why `c` cannot be sent in a header value, and what encoding would carry it.
pub fn non_latin1_message(c: char) -> String {
    let mut utf8 = [0u8; 4];
    let percent: String = c
        .encode_utf8(&mut utf8)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect();
    format!(
        "`{c}` (U+{:04X}) cannot be sent in a header value: headers carry ISO-8859-1 (Latin-1) \
         text only, and browsers refuse the request. Send its UTF-8 bytes percent-encoded \
         ({percent}), as RFC 8187's `UTF-8''{percent}` form does, or base64, or move it to the body",
        u32::from(c)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_passes_and_the_rest_is_explained() {
        assert_eq!(non_latin1_at("José, 10 £, ÿ"), None);
        assert_eq!(non_latin1_at("a€10"), Some((1, '€')));
        assert_eq!(non_latin1_at("ok 🙂").map(|(_, c)| c), Some('🙂'));
        assert_eq!(non_latin1_in_literal("[[v(‘loan-id’)]] {{ IF $a }}ü{{ END }}"), None);
        assert_eq!(non_latin1_in_literal("[[v('x')]] €"), Some((11, '€')));
        let m = non_latin1_message('€');
        assert!(m.contains("%E2%82%AC") && m.contains("ISO-8859-1"), "{m}");
    }
}
