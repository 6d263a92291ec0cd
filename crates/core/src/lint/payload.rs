//! The payload: known, unrepeated variables, or a custom body with a
//! content type (a literal JSON body must parse).

use std::collections::HashMap;

use super::{Finding, Subject};
use crate::connection::Payload;
use crate::context::json_error;
use crate::error::ErrorKind;
use crate::suggest;

pub fn check_payload(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    match &s.connection.request.payload {
        Payload::Variables { variables, .. } => {
            if variables.is_empty() {
                out.push(Finding::warning(
                    "request.payload.variables",
                    ErrorKind::Invalid,
                    "no variables: the envelope's context will be empty",
                ));
            }
            let mut seen = HashMap::new();
            for (i, name) in variables.iter().enumerate() {
                let field = format!("request.payload.variables[{i}]");
                if s.catalog.variable(name).is_none() {
                    let near = suggest::did_you_mean(name, s.catalog.names());
                    out.push(Finding::error(
                        field,
                        ErrorKind::UnknownVariable,
                        format!(
                            "unknown variable `{name}` in the {} catalog{}",
                            s.catalog.name,
                            suggest::hint(&near)
                        ),
                    ));
                } else if let Some(first) = seen.insert(name.as_str(), i) {
                    out.push(Finding::warning(
                        field,
                        ErrorKind::Invalid,
                        format!("`{name}` is already listed at variables[{first}]"),
                    ));
                }
            }
        }
        Payload::Custom { content_type, body } => {
            if content_type.trim().is_empty() {
                out.push(Finding::warning(
                    "request.payload.contentType",
                    ErrorKind::Invalid,
                    "no content type: the receiver has to guess the body's format",
                ));
            }
            // A body with placeholders is checked per sample once rendered
            // (see `check_templates`); a literal one can be checked now.
            if is_json_type(content_type) && !body.contains("[[") && !body.trim().is_empty() {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(body) {
                    let mut error = json_error(body, &e);
                    error.message = format!("the body is not valid JSON: {}", error.message);
                    out.push(Finding {
                        field: "request.payload.body".into(),
                        error,
                    });
                }
            }
        }
    }
    out
}

/// Whether a body of this content type is JSON (the renderer's reading of it).
pub fn is_json_type(content_type: &str) -> bool {
    crate::template::Mode::for_content_type(content_type) == crate::template::Mode::Json
}
