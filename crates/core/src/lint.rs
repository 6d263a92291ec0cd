//! `hookwright lint`: everything about a connection file that can be checked
//! without sending, reported per connection and field path. Checks are plain
//! functions over one connection; rule and template checks plug in the same way.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::catalog::{self, Catalog};
use crate::connection::{Auth, Connection, Payload, Source, Trigger, FORMAT, VERSION};
use crate::context::{json_error, Context};
use crate::error::{Error, ErrorKind, LineIndex, Span};
use crate::header_name::is_tchar;
use crate::rule::{self, Rule};
use crate::samples::{self, samples_for_in, SampleContext};
use crate::secret;
use crate::suggest;
use crate::template::{Mode, Template};

/// One problem found in a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// The connection's id; `None` for file-level problems or a connection without one.
    pub connection_id: Option<String>,
    /// 0-based position of the connection in the file.
    pub connection_index: Option<usize>,
    /// Path inside the connection (`request.headers[0].name`, `trigger.rule`);
    /// empty for file-level problems.
    pub field: String,
    /// Where the field's value sits in the file.
    pub location: Option<Span>,
    /// The problem. Its span is in the file for file-level problems, and
    /// inside the rule or template text for rule and template problems.
    pub error: Error,
}

impl Problem {
    /// The one-line form: `FILE: connection ID: field path: message`, or
    /// `FILE: line:col: message` for a problem with the file as a whole.
    pub fn line(&self, file: &str) -> String {
        if self.connection_index.is_none() && self.field.is_empty() {
            return format!("{file}: {}", self.error);
        }
        let mut out = format!("{file}: ");
        match (&self.connection_id, self.connection_index) {
            (Some(id), _) if !id.is_empty() => {
                out.push_str(&format!("connection {}: ", crate::error::quote(id)))
            }
            (_, Some(i)) => out.push_str(&format!("connection #{}: ", i + 1)),
            _ => {}
        }
        if !self.field.is_empty() {
            out.push_str(&self.field);
            out.push_str(": ");
        }
        if self.error.is_warning() {
            out.push_str("warning: ");
        }
        out.push_str(&self.error.to_string());
        out
    }
}

/// Everything lint found in one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LintReport {
    pub file: String,
    /// How many connections the file holds (0 when it could not be read as one).
    pub connections: usize,
    pub problems: Vec<Problem>,
}

impl LintReport {
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| !p.error.is_warning())
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.error.is_warning())
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// `N errors, M warnings in K connections`.
    pub fn summary(&self) -> String {
        summary(self.errors(), self.warnings(), self.connections)
    }
}

/// The summary line for any totals, so several files can share one.
pub fn summary(errors: usize, warnings: usize, connections: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {} in {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(connections, "connection")
    )
}

impl fmt::Display for LintReport {
    /// One line per problem, then the summary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.problems {
            writeln!(f, "{}", p.line(&self.file))?;
        }
        write!(f, "{}", self.summary())
    }
}

/// A problem a check found, before lint adds the connection and location.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub field: String,
    pub error: Error,
}

impl Finding {
    pub fn error(field: impl Into<String>, kind: ErrorKind, message: impl Into<String>) -> Finding {
        Finding {
            field: field.into(),
            error: Error::new(kind, message, None),
        }
    }

    pub fn warning(
        field: impl Into<String>,
        kind: ErrorKind,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            field: field.into(),
            error: Error::warning(kind, message, None),
        }
    }
}

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

const FILE_KEYS: &[&str] = &["$schema", "format", "version", "connections"];

impl Linter<'_> {
    pub fn catalog(&self, source: Source) -> &Catalog {
        match source {
            Source::Loanpro => self.loanpro,
            Source::Youlend => self.youlend,
        }
    }

    pub fn lint(&self, name: &str, text: &str) -> LintReport {
        let mut report = LintReport {
            file: name.to_string(),
            connections: 0,
            problems: Vec::new(),
        };
        let file_problem = |error: Error| Problem {
            connection_id: None,
            connection_index: None,
            field: String::new(),
            location: error.span,
            error,
        };
        // serde_json validates first (located errors, a nesting limit), so
        // the span tree below only ever walks well-formed JSON.
        if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
            report.problems.push(file_problem(json_error(text, &e)));
            return report;
        }
        let Some(root) = json_tree::parse(text) else {
            report.problems.push(file_problem(Error::new(
                ErrorKind::Limit,
                "the file nests too deeply",
                None,
            )));
            return report;
        };
        // Problems are located through one index of line starts: locating
        // each by rescanning the text made big files quadratic.
        let lines = LineIndex::new(text);
        let at = |node: &json_tree::Node| Some(lines.span(text, node.start, node.end));
        let Some(members) = root.members() else {
            report.problems.push(file_problem(Error::new(
                ErrorKind::Format,
                "not a Hookwright connection file: expected a JSON object",
                at(&root),
            )));
            return report;
        };
        match root.get("format") {
            Some(node) if node.str_value(text).as_deref() == Some(FORMAT) => {}
            Some(node) => {
                let shown = node
                    .str_value(text)
                    .unwrap_or_else(|| node.raw(text).to_string());
                report.problems.push(file_problem(Error::new(
                    ErrorKind::Format,
                    format!(
                        "this is a `{shown}` file, not a Hookwright connection file (`{FORMAT}`)"
                    ),
                    at(node),
                )));
                return report;
            }
            None => {
                report.problems.push(file_problem(Error::new(
                    ErrorKind::Format,
                    format!("not a Hookwright connection file: no \"format\": \"{FORMAT}\""),
                    Some(Span::locate(text, root.start, root.start + 1)),
                )));
                return report;
            }
        }
        match root.get("version") {
            Some(node) if node.raw(text) == VERSION.to_string() => {}
            other => {
                let shown = other.map_or("missing", |n| n.raw(text));
                report.problems.push(file_problem(Error::new(
                    ErrorKind::Format,
                    format!("connection file version {shown} is not supported; this build reads version {VERSION}"),
                    other.and_then(at).or(Some(Span::locate(text, root.start, root.start + 1))),
                )));
                return report;
            }
        }
        for (key, node) in members {
            if !FILE_KEYS.contains(&key.as_str()) {
                report.problems.push(file_problem(Error::warning(
                    ErrorKind::Format,
                    format!("unknown field `{key}` is ignored"),
                    at(node),
                )));
            }
        }
        let items = match root.get("connections") {
            Some(node) => match node.items() {
                Some(items) => items,
                None => {
                    report.problems.push(file_problem(Error::new(
                        ErrorKind::Json,
                        "`connections` must be an array of connections",
                        at(node),
                    )));
                    return report;
                }
            },
            None => {
                report.problems.push(file_problem(Error::new(
                    ErrorKind::Json,
                    "missing field `connections`",
                    Some(Span::locate(text, root.start, root.start + 1)),
                )));
                return report;
            }
        };
        report.connections = items.len();
        let mut first_use: HashMap<&str, usize> = HashMap::new();
        for (index, node) in items.iter().enumerate() {
            let id = node.get("id").and_then(|n| n.str_value(text));
            let problem = |field: &str, error: Error| Problem {
                connection_id: id.clone(),
                connection_index: Some(index),
                field: field.to_string(),
                location: node.find(field).map(|n| lines.span(text, n.start, n.end)),
                error,
            };
            for (field, key) in node.unknown_keys() {
                let warning = Error::warning(
                    ErrorKind::Format,
                    format!("unknown field `{key}` is ignored"),
                    None,
                );
                report.problems.push(problem(&field, warning));
            }
            if let Some(id) = node
                .get("id")
                .and_then(|n| n.raw_str(text))
                .filter(|id| !id.is_empty())
            {
                match first_use.get(id) {
                    Some(&first) => report.problems.push(problem(
                        "id",
                        Error::new(
                            ErrorKind::Invalid,
                            format!(
                                "duplicate id `{id}`: connection #{} already uses it",
                                first + 1
                            ),
                            None,
                        ),
                    )),
                    None => {
                        first_use.insert(id, index);
                    }
                }
            }
            let slice = &text[node.start..node.end];
            let connection: Connection = match serde_json::from_str(slice) {
                Ok(c) => c,
                Err(e) => {
                    // Located in the slice; moved to the file, and named by the field it falls in.
                    let local = json_error(slice, &e);
                    let span = local
                        .span
                        .map(|s| lines.span(text, s.start + node.start, s.end + node.start));
                    let field = span.map_or_else(String::new, |s| node.path_at(s.start));
                    report.problems.push(Problem {
                        location: span,
                        ..problem(&field, Error::new(ErrorKind::Json, local.message, None))
                    });
                    continue;
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
                    report.problems.push(problem(&finding.field, finding.error));
                }
            }
        }
        report
    }
}

/// Ids are names people type in `hookwright request --id`; they must exist.
pub fn check_identity(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    if s.connection.id.trim().is_empty() {
        out.push(Finding::error("id", ErrorKind::Invalid, "the id is empty"));
    }
    if s.connection.name.trim().is_empty() {
        out.push(Finding::warning(
            "name",
            ErrorKind::Invalid,
            "the name is empty",
        ));
    }
    out
}

pub fn check_trigger(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    match (&s.connection.trigger, s.connection.source) {
        (Trigger::Rule { .. }, Source::Youlend) => out.push(Finding::error(
            "trigger.type",
            ErrorKind::Invalid,
            "YouLend only sends events: use an event trigger with a YouLend event code",
        )),
        (Trigger::Rule { rule }, Source::Loanpro) if rule.trim().is_empty() => {
            out.push(Finding::error(
                "trigger.rule",
                ErrorKind::Syntax,
                "a rule trigger needs a rule",
            ))
        }
        (Trigger::Event { event, .. }, _) if event.trim().is_empty() => out.push(Finding::error(
            "trigger.event",
            ErrorKind::Invalid,
            "the event is empty",
        )),
        (Trigger::Event { event, .. }, Source::Youlend) => match s.catalog.event(event) {
            None => {
                let near =
                    suggest::did_you_mean(event, s.catalog.events.iter().map(|e| e.code.as_str()));
                out.push(Finding::error(
                    "trigger.event",
                    ErrorKind::Invalid,
                    format!(
                        "unknown YouLend event code `{event}`{}",
                        suggest::hint(&near)
                    ),
                ));
            }
            Some(known) => {
                if let Some(replacement) = &known.deprecated_by {
                    out.push(Finding::warning(
                        "trigger.event",
                        ErrorKind::Invalid,
                        format!(
                            "YouLend deprecated {event} ({}); use {replacement}",
                            known.name
                        ),
                    ));
                }
            }
        },
        // LoanPro event names are free text: tenants see events the public docs do not list.
        _ => {}
    }
    out
}

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

/// Secrets outside the Auth section (see [`crate::secret`]): those an
/// export left out must be filled in, and a likely credential that is not
/// kept secret would leave in exports and share links.
pub fn check_secrets(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    for missing in secret::missing(s.connection) {
        // The Auth section's own check says so already.
        if missing.reason == secret::Reason::Auth {
            continue;
        }
        out.push(Finding::warning(
            missing.field,
            ErrorKind::Redacted,
            format!(
                "{} was left out of this export ({}); fill it in before sending",
                missing.label,
                secret::PLACEHOLDER
            ),
        ));
    }
    for (field, message) in secret::unmarked_credentials(s.connection) {
        out.push(Finding::warning(field, ErrorKind::Redacted, message));
    }
    out
}

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

pub fn is_json_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The editor previews against `sample`; it should exist and fit the trigger.
pub fn check_sample(s: &Subject) -> Vec<Finding> {
    let Some(id) = &s.connection.sample else {
        return Vec::new();
    };
    if s.samples.iter().any(|c| &c.id == id) {
        return Vec::new();
    }
    let message = if s.all_samples.iter().any(|c| &c.id == id) {
        let fitting: Vec<&str> = s.samples.iter().map(|c| c.id.as_str()).collect();
        format!(
            "sample `{id}` does not fit this trigger; these do: {}",
            fitting.join(", ")
        )
    } else {
        let near = suggest::did_you_mean(id, s.all_samples.iter().map(|c| c.id.as_str()));
        format!("unknown sample context `{id}`{}", suggest::hint(&near))
    };
    vec![Finding::warning("sample", ErrorKind::Invalid, message)]
}

/// The trigger's rule parses and type-checks against the source's catalog.
/// An event trigger's empty rule means "no filter"; a rule trigger's empty
/// rule is [`check_trigger`]'s error, so both are skipped here.
pub fn check_rule(s: &Subject) -> Vec<Finding> {
    let source = s.connection.trigger.rule();
    if source.trim().is_empty() {
        return Vec::new();
    }
    let errors = match Rule::parse(source) {
        Ok(rule) => rule::check(&rule, s.catalog),
        Err(errors) => errors,
    };
    errors
        .into_iter()
        .map(|error| Finding {
            field: "trigger.rule".into(),
            error,
        })
        .collect()
}

/// Every template parses and reads only catalog variables; then each is
/// rendered against every sample that fits the trigger: the URL must come
/// out absolute http(s), a header value without line breaks, a JSON body as
/// valid JSON. An error several samples share is reported once, naming them.
///
/// Rendering is lenient (a variable missing from a sample renders empty, as
/// LoanPro does): whether a variable exists is the catalog's question, asked
/// once above, not each sample's. A field whose text already failed a
/// literal check, or that uses unknown variables, is not rendered, so one
/// cause gives one line.
pub fn check_templates(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    let url_is_broken = check_url(s).iter().any(|f| !f.error.is_warning());
    for (field, source) in template_fields(s.connection) {
        let template = match Template::parse(source) {
            Ok(t) => t,
            Err(errors) => {
                out.extend(errors.into_iter().map(|error| Finding {
                    field: field.clone(),
                    error,
                }));
                continue;
            }
        };
        // Curly quotes copied from LoanPro's help pages, Blitz output left as text.
        out.extend(template.notes().iter().map(|note| Finding {
            field: field.clone(),
            error: note.clone(),
        }));
        let mut unknown = false;
        for (name, span) in template.variables() {
            if s.catalog.variable(&name).is_none() {
                unknown = true;
                let near = suggest::did_you_mean(&name, s.catalog.names());
                out.push(Finding {
                    field: field.clone(),
                    error: Error::at(
                        ErrorKind::UnknownVariable,
                        format!(
                            "unknown variable `{name}` in the {} catalog{}",
                            s.catalog.name,
                            suggest::hint(&near)
                        ),
                        span,
                    ),
                });
            }
        }
        if unknown {
            continue;
        }
        let Some(kind) = render_kind(&field, source, &s.connection.request, url_is_broken) else {
            continue;
        };
        // (error, ids of the samples it happened for), in first-seen order.
        let mut failures: Vec<(Error, Vec<&str>)> = Vec::new();
        for sample in &s.samples {
            for error in render_errors(&template, &sample.context, kind) {
                match failures.iter_mut().find(|(known, _)| *known == error) {
                    Some((_, ids)) => ids.push(&sample.id),
                    None => failures.push((error, vec![&sample.id])),
                }
            }
        }
        for (mut error, ids) in failures {
            error.message = format!(
                "{} ({})",
                error.message,
                which_samples(&ids, s.samples.len())
            );
            out.push(Finding {
                field: field.clone(),
                error,
            });
        }
    }
    out
}

/// How a template field is rendered and what its output must be.
#[derive(Debug, Clone, Copy)]
enum RenderKind {
    /// An absolute http(s) URL (the renderer's URL mode checks it).
    Url,
    /// Text with no CR, LF or NUL, which would start a header of its own; with `latin1`,
    /// nothing past ISO-8859-1 (basic-auth parts are base64-encoded, so they may).
    HeaderValue { latin1: bool },
    /// A body in its content type's mode; JSON mode checks the output parses.
    Body(Mode),
}

/// `None` when the field is not rendered: its literal text already failed a
/// simpler check, or there is nothing a render could get wrong.
fn render_kind(
    field: &str,
    source: &str,
    request: &crate::connection::Request,
    url_is_broken: bool,
) -> Option<RenderKind> {
    if field == "request.url" {
        return (!url_is_broken).then_some(RenderKind::Url);
    }
    if field == "request.payload.body" {
        let Payload::Custom { content_type, .. } = &request.payload else {
            return None;
        };
        let mode = Mode::for_content_type(content_type);
        // Nothing to render in an empty body; a literal JSON one was parsed by `check_payload`.
        let skip = source.trim().is_empty() || (mode == Mode::Json && !source.contains("[["));
        return (!skip).then_some(RenderKind::Body(mode));
    }
    // Header values and credentials: a control character in the text itself
    // was reported by `check_headers` / `check_auth`.
    let latin1 = field.starts_with("request.headers") || field == "request.auth.token";
    (!source.contains(['\r', '\n', '\0'])).then_some(RenderKind::HeaderValue { latin1 })
}

fn render_errors(template: &Template, ctx: &Context, kind: RenderKind) -> Vec<Error> {
    let mode = match kind {
        RenderKind::Url => Mode::Url,
        RenderKind::HeaderValue { .. } => Mode::Text,
        RenderKind::Body(mode) => mode,
    };
    let outcome = template.outcome(ctx, mode, true);
    if !outcome.errors.is_empty() {
        return outcome.errors;
    }
    if let RenderKind::HeaderValue { latin1 } = kind {
        if let Some(at) = outcome.output.find(['\r', '\n', '\0']) {
            return vec![Error::at(
                ErrorKind::Invalid,
                "renders a line break (CR/LF) into the header value, which would end the header early",
                outcome.span_of(template.source(), at),
            )];
        }
        // A character in the field's own text was reported by `check_headers`; this is one a
        // variable brings in.
        let literal = crate::header_value::non_latin1_at(template.source()).is_some();
        if let Some((at, c)) = crate::header_value::non_latin1_at(&outcome.output) {
            if latin1 && !literal {
                return vec![Error::at(
                    ErrorKind::Invalid,
                    format!("renders {}", crate::header_value::non_latin1_message(c)),
                    outcome.span_of(template.source(), at),
                )];
            }
        }
    }
    Vec::new()
}

/// `with sample loan-current`, `with samples loan-current, loan-paid-off`, `with all 4 samples`.
fn which_samples(ids: &[&str], of: usize) -> String {
    match ids {
        [one] => format!("with sample {one}"),
        _ if ids.len() == of => format!("with all {of} samples"),
        _ => format!("with samples {}", ids.join(", ")),
    }
}

/// Every field of a connection that may hold placeholders, with its path:
/// the URL, header values, credentials that are present (the request
/// renderer fills placeholders in them too) and a custom body.
pub fn template_fields(connection: &Connection) -> Vec<(String, &str)> {
    let request = &connection.request;
    let mut out = vec![("request.url".to_string(), request.url.as_str())];
    for (i, h) in request.headers.iter().enumerate() {
        out.push((format!("request.headers[{i}].value"), h.value.as_str()));
    }
    match &request.auth {
        Auth::Bearer {
            token,
            redacted: false,
        } => out.push(("request.auth.token".to_string(), token.as_str())),
        Auth::Basic {
            username,
            password,
            redacted,
        } => {
            out.push(("request.auth.username".to_string(), username.as_str()));
            if !redacted {
                out.push(("request.auth.password".to_string(), password.as_str()));
            }
        }
        _ => {}
    }
    if let Payload::Custom { body, .. } = &request.payload {
        out.push(("request.payload.body".to_string(), body.as_str()));
    }
    out
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

/// Byte spans of every value in a well-formed JSON text, so problems found
/// on the typed connection can point back into the file.
mod json_tree {
    /// Deeper than any connection file; serde_json has refused deeper input
    /// already, this only keeps recursion bounded if that ever changes.
    const MAX_DEPTH: usize = 200;

    /// The keys a connection may have at each object path; others are ignored
    /// by serde, so lint warns about them (a typo like `heders` would otherwise vanish).
    const KNOWN: &[(&str, &[&str])] = &[
        (
            "",
            &[
                "id",
                "name",
                "description",
                "enabled",
                "source",
                "trigger",
                "request",
                "sample",
            ],
        ),
        ("trigger", &["type", "rule", "event"]),
        (
            "request",
            &[
                "method",
                "url",
                "headers",
                "auth",
                "payload",
                "querySecrets",
            ],
        ),
        (
            "request.headers[]",
            &["name", "value", "secret", "redacted"],
        ),
        (
            "request.auth",
            &["type", "token", "username", "password", "redacted"],
        ),
        (
            "request.payload",
            &["type", "variables", "eventName", "contentType", "body"],
        ),
    ];

    #[derive(Debug)]
    pub enum Kind {
        Object(Vec<(String, Node)>),
        Array(Vec<Node>),
        String,
        Other,
    }

    #[derive(Debug)]
    pub struct Node {
        pub start: usize,
        pub end: usize,
        pub kind: Kind,
    }

    pub fn parse(text: &str) -> Option<Node> {
        let mut p = Parser {
            bytes: text.as_bytes(),
            text,
            pos: 0,
        };
        p.value(0)
    }

    struct Parser<'a> {
        bytes: &'a [u8],
        text: &'a str,
        pos: usize,
    }

    impl Parser<'_> {
        fn ws(&mut self) {
            while self.pos < self.bytes.len()
                && matches!(self.bytes[self.pos], b' ' | b'\t' | b'\n' | b'\r')
            {
                self.pos += 1;
            }
        }

        fn value(&mut self, depth: usize) -> Option<Node> {
            if depth > MAX_DEPTH {
                return None;
            }
            self.ws();
            let start = self.pos;
            let kind = match *self.bytes.get(self.pos)? {
                b'{' => {
                    self.pos += 1;
                    let mut members = Vec::new();
                    loop {
                        self.ws();
                        match *self.bytes.get(self.pos)? {
                            b'}' => {
                                self.pos += 1;
                                break;
                            }
                            b',' => self.pos += 1,
                            _ => {
                                let key_start = self.pos;
                                self.string()?;
                                let key = decode(&self.text[key_start..self.pos])?;
                                self.ws();
                                if self.bytes.get(self.pos) != Some(&b':') {
                                    return None;
                                }
                                self.pos += 1;
                                members.push((key, self.value(depth + 1)?));
                            }
                        }
                    }
                    Kind::Object(members)
                }
                b'[' => {
                    self.pos += 1;
                    let mut items = Vec::new();
                    loop {
                        self.ws();
                        match *self.bytes.get(self.pos)? {
                            b']' => {
                                self.pos += 1;
                                break;
                            }
                            b',' => self.pos += 1,
                            _ => items.push(self.value(depth + 1)?),
                        }
                    }
                    Kind::Array(items)
                }
                b'"' => {
                    self.string()?;
                    Kind::String
                }
                _ => {
                    while self.pos < self.bytes.len()
                        && !matches!(
                            self.bytes[self.pos],
                            b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'
                        )
                    {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        return None;
                    }
                    Kind::Other
                }
            };
            Some(Node {
                start,
                end: self.pos,
                kind,
            })
        }

        fn string(&mut self) -> Option<()> {
            if self.bytes.get(self.pos) != Some(&b'"') {
                return None;
            }
            self.pos += 1;
            loop {
                match *self.bytes.get(self.pos)? {
                    b'"' => {
                        self.pos += 1;
                        return Some(());
                    }
                    b'\\' => self.pos += 2,
                    _ => self.pos += 1,
                }
            }
        }
    }

    fn decode(quoted: &str) -> Option<String> {
        if quoted.contains('\\') {
            serde_json::from_str(quoted).ok()
        } else {
            Some(quoted[1..quoted.len() - 1].to_string())
        }
    }

    impl Node {
        pub fn members(&self) -> Option<&[(String, Node)]> {
            match &self.kind {
                Kind::Object(m) => Some(m),
                _ => None,
            }
        }

        pub fn items(&self) -> Option<&[Node]> {
            match &self.kind {
                Kind::Array(items) => Some(items),
                _ => None,
            }
        }

        /// A member by key; the last one wins, as in serde_json.
        pub fn get(&self, key: &str) -> Option<&Node> {
            self.members()?
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, n)| n)
        }

        pub fn raw<'t>(&self, text: &'t str) -> &'t str {
            &text[self.start..self.end]
        }

        /// The contents of a string without escapes, borrowed from the text.
        pub fn raw_str<'t>(&self, text: &'t str) -> Option<&'t str> {
            let raw = self.raw(text);
            match self.kind {
                Kind::String if !raw.contains('\\') => Some(&raw[1..raw.len() - 1]),
                _ => None,
            }
        }

        pub fn str_value(&self, text: &str) -> Option<String> {
            match self.kind {
                Kind::String => decode(self.raw(text)),
                _ => None,
            }
        }

        /// The node at a field path such as `request.headers[0].name`.
        pub fn find(&self, path: &str) -> Option<&Node> {
            let mut node = self;
            for part in path.split('.').filter(|p| !p.is_empty()) {
                let (key, indexes) = match part.find('[') {
                    Some(i) => (&part[..i], &part[i..]),
                    None => (part, ""),
                };
                if !key.is_empty() {
                    node = node.get(key)?;
                }
                for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
                    node = node.items()?.get(index.parse::<usize>().ok()?)?;
                }
            }
            Some(node)
        }

        /// The field path of the innermost value around byte `offset`.
        pub fn path_at(&self, offset: usize) -> String {
            let mut path = String::new();
            let mut node = self;
            'descend: loop {
                match &node.kind {
                    Kind::Object(members) => {
                        for (key, child) in members {
                            if child.start <= offset && offset <= child.end {
                                if !path.is_empty() {
                                    path.push('.');
                                }
                                path.push_str(key);
                                node = child;
                                continue 'descend;
                            }
                        }
                    }
                    Kind::Array(items) => {
                        for (i, child) in items.iter().enumerate() {
                            if child.start <= offset && offset <= child.end {
                                path.push_str(&format!("[{i}]"));
                                node = child;
                                continue 'descend;
                            }
                        }
                    }
                    _ => {}
                }
                return path;
            }
        }

        /// Keys of a connection object that serde would silently ignore, as
        /// (path of the key's value, key).
        pub fn unknown_keys(&self) -> Vec<(String, String)> {
            let mut out = Vec::new();
            let mut visit = |shape: &str, path: String, node: &Node| {
                let Some(known) = KNOWN.iter().find(|(p, _)| *p == shape).map(|(_, k)| *k) else {
                    return;
                };
                for (key, _) in node.members().unwrap_or(&[]) {
                    if !known.contains(&key.as_str()) {
                        let at = if path.is_empty() {
                            key.clone()
                        } else {
                            format!("{path}.{key}")
                        };
                        out.push((at, key.clone()));
                    }
                }
            };
            visit("", String::new(), self);
            for key in ["trigger", "request"] {
                if let Some(n) = self.get(key) {
                    visit(key, key.to_string(), n);
                }
            }
            if let Some(request) = self.get("request") {
                for key in ["auth", "payload"] {
                    if let Some(n) = request.get(key) {
                        visit(&format!("request.{key}"), format!("request.{key}"), n);
                    }
                }
                for (i, h) in request
                    .get("headers")
                    .and_then(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    visit("request.headers[]", format!("request.headers[{i}]"), h);
                }
            }
            out
        }
    }
}
