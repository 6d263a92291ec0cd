//! Header names are tokens, each set once; values carry no line breaks
//! and nothing past ISO-8859-1; they agree with the auth section and payload.

use std::collections::HashMap;

use super::{describe_char, shorten, Finding, Subject};
use crate::connection::{Auth, Payload};
use crate::error::ErrorKind;
use crate::header_name::is_tchar;

pub fn check_headers(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    let request = &s.connection.request;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, header) in request.headers.iter().enumerate() {
        let field = |part: &str| format!("request.headers[{i}].{part}");
        if header.name.is_empty() {
            out.push(Finding::error(
                field("name"),
                ErrorKind::Invalid,
                "the header name is empty",
            ));
        } else if let Some(bad) = header.name.chars().find(|&c| !is_tchar(c)) {
            out.push(Finding::error(
                field("name"),
                ErrorKind::Invalid,
                format!(
                    "header name `{}` is not a token: {} is not allowed",
                    shorten(&header.name),
                    describe_char(bad)
                ),
            ));
        } else if let Some(&first) = seen.get(&header.name.to_ascii_lowercase()) {
            out.push(Finding::warning(
                field("name"),
                ErrorKind::Invalid,
                format!(
                    "header `{}` is already set by request.headers[{first}]",
                    header.name
                ),
            ));
        } else {
            seen.insert(header.name.to_ascii_lowercase(), i);
        }
        if let Some(bad) = header.value.chars().find(|&c| c.is_control() && c != '\t') {
            let what = if bad == '\r' || bad == '\n' {
                "a line break (CR/LF), which would end the header early".to_string()
            } else {
                describe_char(bad)
            };
            out.push(Finding::error(
                field("value"),
                ErrorKind::Invalid,
                format!("the header value contains {what}"),
            ));
        }
        if let Some((_, c)) = crate::header_value::non_latin1_in_literal(&header.value) {
            out.push(Finding::error(
                field("value"),
                ErrorKind::Invalid,
                crate::header_value::non_latin1_message(c),
            ));
        }
        if header.name.eq_ignore_ascii_case("authorization")
            && !header.value.trim().is_empty()
            && request.auth != Auth::None
        {
            out.push(Finding::warning(
                field("value"),
                ErrorKind::Redacted,
                "an Authorization header and request.auth both set credentials",
            ));
        }
        if let Payload::Custom { content_type, .. } = &request.payload {
            if header.name.eq_ignore_ascii_case("content-type")
                && !content_type.is_empty()
                && !header.value.eq_ignore_ascii_case(content_type)
            {
                out.push(Finding::warning(
                    field("value"),
                    ErrorKind::Invalid,
                    format!(
                        "Content-Type `{}` differs from the payload's contentType `{content_type}`",
                        header.value
                    ),
                ));
            }
        }
    }
    out
}
