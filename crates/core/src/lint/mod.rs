//! `hookwright lint`: everything about a connection file that can be checked
//! without sending, reported per connection and field path. `report` holds
//! what is reported, `spans` where things are in the file; each check is a
//! plain function over one connection in a file of its own.

use std::collections::HashMap;

use crate::catalog::{self, Catalog};
use crate::connection::{self, Connection, Source};
use crate::context::json_error;
use crate::error::{Error, ErrorKind, LineIndex, Span};
use crate::samples::{self, samples_for_in, SampleContext};

mod auth;
mod headers;
mod identity;
mod payload;
mod report;
mod rule;
mod sample;
mod secrets;
pub mod spans;
mod templates;
mod trigger;
mod url;

pub use auth::check_auth;
pub use headers::check_headers;
pub use identity::check_identity;
pub use payload::{check_payload, is_json_type};
pub use report::{summary, Finding, LintReport, Problem};
pub use rule::check_rule;
pub use sample::check_sample;
pub use secrets::check_secrets;
pub use templates::{check_templates, template_fields};
pub use trigger::check_trigger;
pub use url::check_url;

use spans::Node;

/// What a check sees of one connection: the connection, its source's
/// catalog, and the samples it can fire on (see [`samples::samples_for_in`]).
pub struct Subject<'a> {
    pub connection: &'a Connection,
    pub catalog: &'a Catalog,
    pub samples: Vec<&'a SampleContext>,
    /// Every sample the linter knows, to check a connection's `sample` choice.
    pub all_samples: &'a [SampleContext],
}

/// A check of one connection. Field paths in its findings are relative to
/// the connection (`request.url`).
pub type ConnectionCheck = fn(&Subject) -> Vec<Finding>;

/// The checks run on every connection, in order.
pub const CHECKS: &[ConnectionCheck] = &[
    check_identity,
    check_trigger,
    check_url,
    check_headers,
    check_auth,
    check_secrets,
    check_payload,
    check_sample,
    check_rule,
    check_templates,
];

/// Lints with the built-in catalogs and samples.
pub fn lint_file(name: &str, text: &str) -> LintReport {
    Linter::default().lint(name, text)
}

/// The catalogs and samples lint checks against; a team may bring its own.
pub struct Linter<'a> {
    pub loanpro: &'a Catalog,
    pub youlend: &'a Catalog,
    pub samples: &'a [SampleContext],
    pub checks: &'a [ConnectionCheck],
}

impl Default for Linter<'static> {
    fn default() -> Self {
        Linter {
            loanpro: catalog::loanpro(),
            youlend: catalog::youlend(),
            samples: samples::samples(),
            checks: CHECKS,
        }
    }
}

/// The file being linted, with the index that locates spans in it: locating
/// each problem by rescanning the text made big files quadratic.
struct File<'t> {
    text: &'t str,
    lines: LineIndex,
}

impl File<'_> {
    fn at(&self, node: &Node) -> Option<Span> {
        Some(self.lines.span(self.text, node.start, node.end))
    }

    /// The first byte of `node`, for problems about a value that is not there.
    fn start_of(&self, node: &Node) -> Option<Span> {
        Some(self.lines.span(self.text, node.start, node.start + 1))
    }
}

impl Linter<'_> {
    pub fn catalog(&self, source: Source) -> &Catalog {
        match source {
            Source::Loanpro => self.loanpro,
            Source::Youlend => self.youlend,
        }
    }

    pub fn lint(&self, name: &str, text: &str) -> LintReport {
        // A byte order mark (Windows editors write one) is not JSON: the rest is linted and
        // each place in the file moved past it (3 bytes, one column on line 1).
        if let Some(rest) = text.strip_prefix('\u{feff}') {
            let mut report = self.lint(name, rest);
            let past_mark = |span: &mut Span| {
                span.start += 3;
                span.end += 3;
                span.col += usize::from(span.line == 1);
            };
            for p in &mut report.problems {
                let in_file = p.connection_index.is_none() && p.field.is_empty();
                p.location.as_mut().map(past_mark);
                p.position.as_mut().map(past_mark);
                if in_file {
                    p.error.span.as_mut().map(past_mark);
                }
            }
            return report;
        }
        let mut report = LintReport {
            file: name.to_string(),
            connections: 0,
            problems: Vec::new(),
        };
        // serde_json validates first (located errors, a nesting limit), so
        // the span tree below only ever walks well-formed JSON.
        if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
            report.problems.push(Problem::in_file(json_error(text, &e)));
            return report;
        }
        let Some(root) = spans::parse(text) else {
            report.problems.push(Problem::in_file(Error::new(
                ErrorKind::Limit,
                "the file nests too deeply",
                None,
            )));
            return report;
        };
        let file = File {
            text,
            lines: LineIndex::new(text),
        };
        let items = match connections(&file, &root, &mut report.problems) {
            Ok(items) => items,
            Err(error) => {
                report.problems.push(Problem::in_file(error));
                return report;
            }
        };
        report.connections = items.len();
        let mut first_use: HashMap<&str, usize> = HashMap::new();
        for (index, node) in items.iter().enumerate() {
            let id = node.get("id").and_then(|n| n.raw_str(text));
            let mut duplicate = None;
            if let Some(id) = id.filter(|id| !id.is_empty()) {
                if let Some(&first) = first_use.get(id) {
                    let message = format!(
                        "duplicate id `{id}`: connection #{} already uses it",
                        first + 1
                    );
                    duplicate = Some(Error::new(ErrorKind::Invalid, message, None));
                } else {
                    first_use.insert(id, index);
                }
            }
            self.lint_connection(&file, node, index, duplicate, &mut report.problems);
        }
        report
    }

    /// Unknown keys, a duplicate id, then the typed connection through every check.
    fn lint_connection(
        &self,
        file: &File,
        node: &Node,
        index: usize,
        duplicate: Option<Error>,
        out: &mut Vec<Problem>,
    ) {
        let checked = spans::check_connection(file.text, node);
        for (field, key) in checked.unknown_keys {
            let message = format!("unknown field `{key}` is ignored");
            let warning = Error::warning(ErrorKind::Format, message, None);
            out.push(problem(file, node, index, &field, warning));
        }
        if let Some(error) = duplicate {
            out.push(problem(file, node, index, "id", error));
        }
        let slice = &file.text[node.start..node.end];
        let connection: Connection = match serde_json::from_str(slice) {
            Ok(c) => c,
            Err(e) => {
                let local = json_error(slice, &e);
                // The value at fault, by the schema, when serde stopped at or after it (serde
                // also refuses what the schema does not say, a repeated key). serde stops on the
                // last byte of a value it read, or just before one it looked at (`"headers": {}`
                // stopped on the space).
                let serde_at = local.span.map_or(usize::MAX, |s| {
                    let at = s.start + node.start;
                    let looked = file.text.as_bytes()[at..]
                        .iter()
                        .take_while(|b| {
                            matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b':' | b',' | b'[')
                        })
                        .count();
                    at + looked
                });
                let fault = checked.fault.filter(|f| f.1.start <= serde_at);
                if let Some((field, value, schema)) = fault {
                    // serde's "expected value" for `"method": 5` names no value.
                    let message = match schema["enum"].as_array() {
                        Some(values) if local.message == "expected value" => {
                            let values: Vec<String> = values
                                .iter()
                                .map(|v| format!("`{}`", v.as_str().unwrap_or("")))
                                .collect();
                            let found = spans::json_type(file.text, value);
                            format!("expected one of {}, not {found}", values.join(", "))
                        }
                        _ => local.message,
                    };
                    let span = file.at(value);
                    let error = Error::new(ErrorKind::Json, message, None);
                    out.push(Problem {
                        location: span,
                        position: span,
                        ..problem(file, node, index, &field, error)
                    });
                    return;
                }
                // Located in the slice; moved to the file, and named by the field it falls in.
                let span = local.span.map(|s| {
                    file.lines
                        .span(file.text, s.start + node.start, s.end + node.start)
                });
                let field = span.map_or_else(String::new, |s| node.path_at(s.start));
                let error = Error::new(ErrorKind::Json, local.message, None);
                out.push(Problem {
                    location: span,
                    position: span,
                    ..problem(file, node, index, &field, error)
                });
                return;
            }
        };
        let subject = Subject {
            catalog: self.catalog(connection.source),
            samples: samples_for_in(self.samples, &connection),
            all_samples: self.samples,
            connection: &connection,
        };
        for check in self.checks {
            for finding in check(&subject) {
                out.push(problem(file, node, index, &finding.field, finding.error));
            }
        }
    }
}

/// The file's header (format, version, no unknown keys) and its connections.
fn connections<'n>(
    file: &File,
    root: &'n Node,
    problems: &mut Vec<Problem>,
) -> Result<&'n [Node], Error> {
    let text = file.text;
    if root.members().is_none() {
        return Err(Error::new(
            ErrorKind::Format,
            "not a Hookwright connection file: expected a JSON object",
            file.at(root),
        ));
    }
    let format = root.get("format");
    let shown = format.map(|n| n.str_value(text).unwrap_or_else(|| n.raw(text).into()));
    connection::check_format(shown.as_deref()).map_err(|e| Error {
        span: format.map_or(file.start_of(root), |n| file.at(n)),
        ..e
    })?;
    let version = root.get("version");
    connection::check_version(version.map(|n| n.raw(text))).map_err(|e| Error {
        span: version.and_then(|n| file.at(n)).or(file.start_of(root)),
        ..e
    })?;
    for (key, _) in spans::unknown_file_keys(root) {
        let node = root.get(&key).expect("an unknown key is a member");
        problems.push(Problem::in_file(Error::warning(
            ErrorKind::Format,
            format!("unknown field `{key}` is ignored"),
            file.at(node),
        )));
    }
    // Never used, but read: a `$schema` that is not text keeps the file from loading.
    let schema = root.get("$schema");
    if let Some(node) =
        schema.filter(|n| !matches!(n.kind, spans::Kind::String) && n.raw(text) != "null")
    {
        problems.push(Problem::in_file(Error::new(
            ErrorKind::Json,
            format!(
                "`$schema` must be text (the schema's URL) or null, not {}",
                spans::json_type(text, node)
            ),
            file.at(node),
        )));
    }
    match root.get("connections") {
        Some(node) => node.items().ok_or_else(|| {
            Error::new(
                ErrorKind::Json,
                "`connections` must be an array of connections",
                file.at(node),
            )
        }),
        None => Err(Error::new(
            ErrorKind::Json,
            "missing field `connections`",
            file.start_of(root),
        )),
    }
}

/// A finding of connection `index` at `field`, with its places in the file.
fn problem(file: &File, node: &Node, index: usize, field: &str, error: Error) -> Problem {
    let value = node.find(field);
    let location = value.and_then(|n| file.at(n));
    let position = match (value, error.span) {
        (Some(value), Some(inner)) => value.inner_span(file.text, &file.lines, inner).or(location),
        _ => location,
    };
    Problem {
        connection_id: node.get("id").and_then(|n| n.str_value(file.text)),
        connection_index: Some(index),
        field: field.to_string(),
        location,
        error,
        position,
    }
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        '\r' | '\n' => "a line break".to_string(),
        c if c.is_control() => format!("control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}
