//! What a header name may be (RFC 9110 `token`): the one check the request
//! renderer, lint and the editor's header table all use.

/// A `tchar`: a character a header name may contain.
pub fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// The byte offset of the first character that may not be in a header
/// name, or `Some(0)` for an empty name.
pub fn invalid_at(name: &str) -> Option<usize> {
    if name.is_empty() {
        return Some(0);
    }
    name.char_indices()
        .find(|&(_, c)| !is_tchar(c))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_tokens() {
        assert_eq!(invalid_at("X-Ok"), None);
        assert_eq!(invalid_at("Bad Name"), Some(3));
        assert_eq!(invalid_at(""), Some(0));
        assert_eq!(invalid_at("Ünïcode"), Some(0));
    }
}
