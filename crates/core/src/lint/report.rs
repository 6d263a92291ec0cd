//! What lint reports: each problem with its connection, field and places (the
//! field's value in the file, the problem's own place in the file, and for a
//! rule or template the place inside the field's text), and the one-line form.

use std::fmt;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Span};

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
    /// Where the problem itself is in the file: `error.span` moved out of
    /// the field's text (escapes counted as written), else the field's value.
    pub position: Option<Span>,
}

impl Problem {
    /// A problem with the file as a whole; its error's span is in the file.
    pub fn in_file(error: Error) -> Problem {
        Problem {
            connection_id: None,
            connection_index: None,
            field: String::new(),
            location: error.span,
            position: error.span,
            error,
        }
    }

    /// The one-line form, positions in the file first (as compilers print them):
    /// `FILE:LINE:COL: connection ID: field path[ LINE:COL in the field]: message`,
    /// or `FILE:LINE:COL: message` for a problem with the file as a whole.
    pub fn line(&self, file: &str) -> String {
        let mut out = match self.position {
            Some(at) => format!("{file}:{}:{}: ", at.line, at.col),
            None => format!("{file}: "),
        };
        match (&self.connection_id, self.connection_index) {
            (Some(id), _) if !id.is_empty() => {
                out.push_str(&format!("connection {}: ", crate::error::quote(id)))
            }
            (_, Some(i)) => out.push_str(&format!("connection #{}: ", i + 1)),
            _ => {}
        }
        let file_level = self.connection_index.is_none() && self.field.is_empty();
        if !self.field.is_empty() {
            out.push_str(&self.field);
            if let Some(inner) = self.error.span.filter(|_| !file_level) {
                out.push_str(&format!(" {}:{}", inner.line, inner.col));
            }
            out.push_str(": ");
        }
        if self.error.is_warning() {
            out.push_str("warning: ");
        }
        out.push_str(&self.error.message);
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
