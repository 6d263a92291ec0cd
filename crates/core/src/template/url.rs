//! Percent-encoding for values that land in a URL or a form body, and the
//! check that a rendered URL is an absolute http(s) URL.

use super::ast::UrlPart;

/// Appends `text` percent-encoded for `part`. Path values may keep RFC 3986
/// `pchar`s except `/` (a value stays one segment); query values keep only
/// unreserved characters, so `&`, `=` and `+` cannot split a parameter.
pub fn encode_into(text: &str, part: UrlPart, out: &mut String) {
    for &b in text.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || match part {
                UrlPart::Path => matches!(b, b'!' | b'$' | b'*' | b',' | b';' | b'=' | b':' | b'@'),
                UrlPart::Query => false,
                UrlPart::Fragment => matches!(b, b'/' | b'?' | b':' | b'@'),
            };
        if keep {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// Checks an assembled URL; on failure, the byte offset to blame and why.
pub fn check(url: &str) -> Result<(), (usize, String)> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest_at = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return Err((
            0,
            "the URL must be absolute and start with `https://` or `http://`".into(),
        ));
    };
    let host_len = url[rest_at..]
        .find(['/', '?', '#'])
        .unwrap_or(url.len() - rest_at);
    let authority = &url[rest_at..rest_at + host_len];
    let host = authority.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err((rest_at, "the URL has no host".into()));
    }
    if let Some(i) = url.find(|c: char| c.is_whitespace() || c.is_control()) {
        return Err((
            i,
            "the URL contains a space or control character; encode it as %20".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str, part: UrlPart) -> String {
        let mut out = String::new();
        encode_into(s, part, &mut out);
        out
    }

    #[test]
    fn encodes_by_part() {
        assert_eq!(enc("a/b c", UrlPart::Path), "a%2Fb%20c");
        assert_eq!(enc("a&b=c+d", UrlPart::Query), "a%26b%3Dc%2Bd");
        assert_eq!(enc("é", UrlPart::Query), "%C3%A9");
        assert_eq!(enc("x/y?z", UrlPart::Fragment), "x/y?z");
    }

    #[test]
    fn checks_absolute_http() {
        assert!(check("https://loanpro.simnang.com/api").is_ok());
        assert!(check("HTTP://h").is_ok());
        assert_eq!(check("ftp://x").unwrap_err().0, 0);
        assert_eq!(check("https:///x").unwrap_err().0, 8);
        assert_eq!(check("https://h/a b").unwrap_err().0, 11);
    }
}
