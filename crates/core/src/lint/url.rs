//! The URL's literal text, before any render.

use super::{shorten, Finding, Subject};
use crate::error::ErrorKind;

/// What can be said about the URL before rendering: it is there, and unless
/// it starts with a placeholder, it is absolute http(s).
pub fn check_url(s: &Subject) -> Vec<Finding> {
    let url = &s.connection.request.url;
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return vec![Finding::error(
            "request.url",
            ErrorKind::Invalid,
            "the URL is empty",
        )];
    }
    if url.chars().any(char::is_whitespace) && !url.contains("[[") {
        return vec![Finding::error(
            "request.url",
            ErrorKind::Invalid,
            "the URL contains whitespace",
        )];
    }
    let lower = trimmed.to_ascii_lowercase();
    if !trimmed.starts_with("[[") && !lower.starts_with("https://") && !lower.starts_with("http://")
    {
        return vec![Finding::error(
            "request.url",
            ErrorKind::Invalid,
            format!("`{}` is not an absolute http(s) URL", shorten(trimmed)),
        )];
    }
    if lower.starts_with("http://") {
        return vec![Finding::warning(
            "request.url",
            ErrorKind::Invalid,
            "the URL is plain http: loan data would travel unencrypted",
        )];
    }
    Vec::new()
}
