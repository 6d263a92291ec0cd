//! The Auth section: credentials present, without line breaks, not redacted.

use super::{Finding, Subject};
use crate::connection::Auth;
use crate::error::ErrorKind;

pub fn check_auth(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    let redacted = |field: &str, what: &str| {
        Finding::warning(
            field,
            ErrorKind::Redacted,
            format!("the {what} was left out of this export (redacted); fill it in before sending"),
        )
    };
    let no_breaks = |field: &str, secret: &str, out: &mut Vec<Finding>| {
        if secret.contains(['\r', '\n']) {
            out.push(Finding::error(
                field,
                ErrorKind::Invalid,
                "contains a line break (CR/LF)",
            ));
        }
    };
    match &s.connection.request.auth {
        Auth::None => {}
        Auth::Bearer { redacted: true, .. } => {
            out.push(redacted("request.auth.token", "bearer token"))
        }
        Auth::Bearer { token, .. } => {
            if token.trim().is_empty() {
                out.push(Finding::error(
                    "request.auth.token",
                    ErrorKind::Invalid,
                    "the bearer token is empty",
                ));
            }
            no_breaks("request.auth.token", token, &mut out);
            if let Some((_, c)) = crate::header_value::non_latin1_at(token) {
                out.push(Finding::error(
                    "request.auth.token",
                    ErrorKind::Invalid,
                    crate::header_value::non_latin1_message(c),
                ));
            }
        }
        Auth::Basic {
            username,
            password,
            redacted: is_redacted,
        } => {
            if username.is_empty() {
                out.push(Finding::error(
                    "request.auth.username",
                    ErrorKind::Invalid,
                    "the username is empty",
                ));
            }
            if username.contains(':') {
                out.push(Finding::error(
                    "request.auth.username",
                    ErrorKind::Invalid,
                    "a basic-auth username cannot contain `:`",
                ));
            }
            if *is_redacted {
                out.push(redacted("request.auth.password", "password"));
            }
            no_breaks("request.auth.username", username, &mut out);
            no_breaks("request.auth.password", password, &mut out);
        }
    }
    out
}
