//! The request line before any render: a method LoanPro sends, the URL's literal text.

use super::{shorten, Finding, Subject};
use crate::connection::{Method, Source};
use crate::error::ErrorKind;

/// The method, then what can be said about the URL before rendering: it is
/// there, and unless it starts with a placeholder, it is absolute http(s).
pub fn check_url(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    // help.loanpro.io, "Integration via Advanced Connections": GET, PUT, POST and DELETE.
    if s.connection.source == Source::Loanpro && s.connection.request.method == Method::Patch {
        out.push(Finding::warning(
            "request.method",
            ErrorKind::Invalid,
            "LoanPro's Advanced Connections send GET, PUT, POST or DELETE; its help pages name no PATCH",
        ));
    }
    out.extend(check_url_text(s));
    out
}

fn check_url_text(s: &Subject) -> Vec<Finding> {
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
