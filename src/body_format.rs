//! The Format button of a JSON body: pretty-prints the template while keeping
//! every `[[...]]` placeholder byte for byte. Each placeholder is swapped for
//! a unique marker (quoted when it stands where a JSON value goes), the result
//! must parse as JSON, and the markers are swapped back after printing.

use hookwright_core::json::LexState;
use hookwright_core::template::{Node, Template};

/// The formatted template, or why it cannot be formatted.
pub fn format_json_template(source: &str) -> Result<String, String> {
    let template = Template::parse(source).map_err(|errors| {
        let first = errors.first().map(|e| e.to_string()).unwrap_or_default();
        format!("fix the template first: {first}")
    })?;
    let marker = unused_marker(source);
    let mut substituted = String::with_capacity(source.len());
    let mut tags: Vec<&str> = Vec::new();
    // Where the JSON around the placeholders stands, resumed piece by piece.
    let mut state = LexState::Outside;
    for node in template.nodes() {
        match node {
            Node::Text { span, .. } => {
                let text = &source[span.start..span.end];
                state = state.after(text.as_bytes());
                substituted.push_str(text);
            }
            Node::Output { span, .. } => {
                let n = tags.len();
                tags.push(&source[span.start..span.end]);
                if state != LexState::Outside {
                    substituted.push_str(&format!("{marker}{n}{marker}"));
                } else {
                    substituted.push_str(&format!("\"{marker}{n}{marker}\""));
                }
            }
            Node::Loop { .. } => {
                return Err("a body with [[BEGIN]] loops is not formatted automatically".into())
            }
            Node::If { .. } => {
                return Err("a body with IF blocks is not formatted automatically".into())
            }
        }
    }
    let value: serde_json::Value = serde_json::from_str(&substituted).map_err(|e| {
        format!(
            "the body is not JSON yet (line {}, column {}: {e})",
            e.line(),
            e.column()
        )
    })?;
    let mut out = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    // Bare placeholders first (their markers are quoted), then those inside strings.
    for (n, tag) in tags.iter().enumerate().rev() {
        out = out.replace(&format!("\"{marker}{n}{marker}\""), tag);
        out = out.replace(&format!("{marker}{n}{marker}"), tag);
    }
    Ok(out)
}

/// A marker that cannot be confused with anything in the source.
fn unused_marker(source: &str) -> String {
    let mut marker = String::from("@@hw");
    while source.contains(&marker) {
        marker.push('@');
    }
    marker
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_placeholders_in_strings_and_values() {
        let src =
            r#"{"a":"on [[v('current-date')]]!","n":[[v('status-amount-due')]],"l":[1,2.50]}"#;
        assert_eq!(
            format_json_template(src).unwrap(),
            "{\n  \"a\": \"on [[v('current-date')]]!\",\n  \"n\": [[v('status-amount-due')]],\n  \"l\": [\n    1,\n    2.50\n  ]\n}"
        );
    }

    #[test]
    fn formatting_is_stable() {
        let src =
            "{\"Notes\":{\"results\":[{\"body\":\"x [[v('current-date')]]\",\"categoryId\":2}]}}";
        let once = format_json_template(src).unwrap();
        assert_eq!(format_json_template(&once).unwrap(), once);
    }

    #[test]
    fn refuses_what_is_not_json() {
        assert!(format_json_template("{\"a\": }")
            .unwrap_err()
            .contains("line 1"));
        assert!(format_json_template("[[v('x')")
            .unwrap_err()
            .contains("fix the template"));
    }
}
