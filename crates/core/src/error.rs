//! The engine's one error type: what went wrong (a `Copy` kind plus a message),
//! how bad it is, and exactly where (a byte span with its 1-based line:col).
//! Errors are data; `render` draws the caret view that the CLI prints and the page shows.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A byte range in some source text, with the 1-based line and column
/// (counted in characters) of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub col: usize,
}

impl Span {
    /// The span of `start..end` in `source`, with its line and column computed.
    pub fn locate(source: &str, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(source, start.min(source.len()));
        let end = floor_char_boundary(source, end.clamp(start, source.len()));
        let before = &source[..start];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = source[line_start..start].chars().count() + 1;
        Span {
            start,
            end,
            line,
            col,
        }
    }

    /// Moves a span found in a fragment to its place in the whole text that
    /// contains the fragment at byte `offset`.
    pub fn shifted(self, whole: &str, offset: usize) -> Span {
        Span::locate(whole, self.start + offset, self.end + offset)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Precomputed line starts for text that produces many spans (parsers, linters).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { line_starts }
    }

    pub fn span(&self, source: &str, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(source, start.min(source.len()));
        let end = floor_char_boundary(source, end.clamp(start, source.len()));
        let line_index = self.line_starts.partition_point(|&s| s <= start) - 1;
        let line_start = self.line_starts[line_index];
        Span {
            start,
            end,
            line: line_index + 1,
            col: source[line_start..start].chars().count() + 1,
        }
    }
}

/// What kind of problem an [`Error`] reports. Each kind is one short idea;
/// the message carries the detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// Text that does not follow the grammar: `(and 1`, `"open`, `[[v('x')`.
    Syntax,
    /// A variable the context or catalog does not have: `(= loan-stauts "Open")`.
    UnknownVariable,
    /// A function the language does not have: `(frobnicate 1)`.
    UnknownFunction,
    /// A function called with the wrong number of arguments: `(not 1 2)`.
    Arity,
    /// A value of the wrong type: `(> loan-status 3)`.
    Type,
    /// Arithmetic that has no answer: `(/ 1 0)`.
    Arithmetic,
    /// A comparison or value that can never match: `(= loan-status "Opne")`.
    Unmatchable,
    /// Input larger or deeper than the engine accepts.
    Limit,
    /// A JSON document (context, body, file) that does not parse.
    Json,
    /// A rendered value that is not allowed where it lands: CR/LF in a header,
    /// a URL that is not absolute http(s).
    Invalid,
    /// A connection file that is not in a format or version this build reads.
    Format,
    /// A secret that was left out of an export and must be filled in.
    Redacted,
    /// Reading or writing a file failed.
    Io,
    /// A rule construct with no exact equivalent in the SQL dialect asked for.
    Untranslatable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located. `span` is `None` only when the problem concerns the
/// whole input (an empty file, an unreadable path). The span is in the text
/// the error was found in; where that text is a field of a file,
/// `lint::Problem` pairs the error with the file, the field and the same
/// place in the file (as jaq pairs errors with their file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    pub kind: ErrorKind,
    pub severity: Severity,
    pub message: String,
    pub span: Option<Span>,
}

impl Error {
    /// An error; any `quoted` input in the message longer than a line's
    /// worth is cut (see [`clip_message`]), so a 100 MB identifier is never
    /// echoed whole.
    pub fn new(kind: ErrorKind, message: impl Into<String>, span: Option<Span>) -> Error {
        Error {
            kind,
            severity: Severity::Error,
            message: clip_message(message.into()),
            span,
        }
    }

    pub fn at(kind: ErrorKind, message: impl Into<String>, span: Span) -> Error {
        Error::new(kind, message, Some(span))
    }

    pub fn warning(kind: ErrorKind, message: impl Into<String>, span: Option<Span>) -> Error {
        Error {
            severity: Severity::Warning,
            ..Error::new(kind, message, span)
        }
    }

    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// The source line with carets under the span, as the CLI prints it and
    /// the page shows it:
    ///
    /// ```text
    /// error: unclosed `(`
    ///  --> 1:1
    ///   |
    /// 1 | (and (= a 1)
    ///   | ^
    /// ```
    pub fn render(&self, source: &str) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let Some(span) = self.span else {
            return format!("{label}: {}", self.message);
        };
        let line_text = source.lines().nth(span.line - 1).unwrap_or("");
        let gutter = span.line.to_string();
        let pad = " ".repeat(gutter.len());
        let line_start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = line_start + line_text.len();
        let caret_chars = source[span.start..span.end.min(line_end).max(span.start)]
            .chars()
            .count()
            .max(1);
        // Tabs keep their width so the carets stay under the right characters.
        let lead: String = line_text
            .chars()
            .take(span.col - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        // Very long lines (a 10 MB one-line rule) are cut around the span.
        let (shown, lead) = if line_text.len() > 200 {
            let from = floor_char_boundary(line_text, (span.start - line_start).saturating_sub(40));
            let to = floor_char_boundary(
                line_text,
                (span.start - line_start + 80).min(line_text.len()),
            );
            let lead_len = line_text[from..span.start - line_start].chars().count();
            (
                format!("…{}…", &line_text[from..to]),
                format!(" {}", " ".repeat(lead_len)),
            )
        } else {
            (line_text.to_string(), lead)
        };
        format!(
            "{label}: {msg}\n{pad}--> {line}:{col}\n{pad} |\n{gutter} | {shown}\n{pad} | {lead}{carets}",
            msg = self.message,
            line = span.line,
            col = span.col,
            carets = "^".repeat(caret_chars.min(80)),
        )
    }
}

/// How many characters of input a message quotes at most: a line's worth.
pub const QUOTE_LIMIT: usize = 80;
/// How long a whole message may be; longer ones are cut in the middle.
pub const MESSAGE_LIMIT: usize = 400;

/// `text` as quoted in a message: whole when short, else its first
/// [`QUOTE_LIMIT`] characters, `…` and how long it was.
pub fn quote(text: &str) -> String {
    quote_n(text, QUOTE_LIMIT)
}

/// [`quote`] with another limit, in characters.
pub fn quote_n(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}… ({} characters)", &text[..cut], text.chars().count()),
    }
}

/// Cuts every `backtick-quoted` run of a message to a line's worth (the
/// engine quotes input that way), then the whole message to [`MESSAGE_LIMIT`]
/// characters. Short messages come back untouched without copying.
pub fn clip_message(message: String) -> String {
    if message.len() <= QUOTE_LIMIT {
        return message;
    }
    let mut out = String::new();
    let mut changed = false;
    let mut parts = message.split('`').enumerate().peekable();
    while let Some((i, part)) = parts.next() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts sit between backticks (when a closing one follows).
        if i % 2 == 1 && parts.peek().is_some() && part.chars().nth(QUOTE_LIMIT).is_some() {
            out.push_str(&quote(part));
            changed = true;
        } else {
            out.push_str(part);
        }
    }
    let text = if changed { out } else { message };
    if text.chars().nth(MESSAGE_LIMIT).is_none() {
        return text;
    }
    let head: String = text.chars().take(MESSAGE_LIMIT - 60).collect();
    let tail_start = text.char_indices().rev().nth(39).map_or(0, |(i, _)| i);
    format!("{head} … {}", &text[tail_start..])
}

/// One short line: `1:5: unknown variable `loan-stauts``.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Some(span) => write!(f, "{}:{}: {}", span.line, span.col, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_lines_and_characters() {
        let src = "ab\ncé(d";
        let span = Span::locate(src, 6, 7);
        assert_eq!((span.line, span.col), (2, 3));
        assert_eq!(LineIndex::new(src).span(src, 6, 7), span);
    }

    #[test]
    fn messages_quote_at_most_a_line_of_input() {
        let huge = "x".repeat(1_000_000);
        let err = Error::new(
            ErrorKind::UnknownVariable,
            format!("unknown variable `{huge}`; did you mean `loan-id`?"),
            None,
        );
        assert!(err.message.len() < 200, "{}", err.message.len());
        assert!(err.message.starts_with("unknown variable `xxxx"));
        assert!(err.message.contains("(1000000 characters)`"));
        assert!(err.message.ends_with("did you mean `loan-id`?"));
        let plain = Error::new(ErrorKind::Io, "y".repeat(10_000), None);
        assert!(plain.message.chars().count() <= MESSAGE_LIMIT);
        let short = "a `short` message".to_string();
        assert_eq!(clip_message(short.clone()), short);
        assert_eq!(quote("é".repeat(100).as_str()).chars().count(), 80 + 18);
    }

    #[test]
    fn render_puts_caret_under_span() {
        let src = "(and (= a 1)";
        let err = Error::at(ErrorKind::Syntax, "unclosed `(`", Span::locate(src, 0, 1));
        assert_eq!(
            err.render(src),
            "error: unclosed `(`\n --> 1:1\n  |\n1 | (and (= a 1)\n  | ^"
        );
        assert_eq!(err.to_string(), "1:1: unclosed `(`");
    }
}
