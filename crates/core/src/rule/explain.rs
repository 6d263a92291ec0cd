//! `explain`: every sub-expression's outcome with its span, so the editor can
//! mark which clause made a rule false and the CLI can print a trace.

use crate::error::{Error, Span};
use crate::value::Value;

use super::eval::Tracer;

/// What one sub-expression came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Value(Value),
    Error(Error),
    /// Never evaluated: `and`/`or`/`if` decided without it.
    Skipped,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExplainStep {
    pub span: Span,
    pub outcome: Outcome,
}

/// The rule's result and the outcome of each sub-expression, in source order
/// (outer before inner).
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub result: Result<Value, Error>,
    pub steps: Vec<ExplainStep>,
}

pub(crate) struct Recorder {
    pub outcomes: Vec<Option<Outcome>>,
}

impl Tracer for Recorder {
    const ACTIVE: bool = true;

    fn record(&mut self, id: u32, outcome: Result<&Value, &Error>) {
        if let Some(slot) = self.outcomes.get_mut(id as usize) {
            *slot = Some(match outcome {
                Ok(v) => Outcome::Value(v.clone()),
                Err(e) => Outcome::Error(e.clone()),
            });
        }
    }
}

impl Explanation {
    /// One line per sub-expression: `line:col  source  → value`, indented by
    /// nesting, as `hookwright eval --explain` prints it.
    pub fn render(&self, source: &str) -> String {
        let mut out = String::new();
        let mut open: Vec<usize> = Vec::new();
        for step in &self.steps {
            while open.last().is_some_and(|&end| step.span.start >= end) {
                open.pop();
            }
            let snippet = source.get(step.span.start..step.span.end).unwrap_or("");
            let snippet: String = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
            let snippet = if snippet.chars().count() > 60 {
                format!("{}…", snippet.chars().take(60).collect::<String>())
            } else {
                snippet
            };
            let outcome = match &step.outcome {
                Outcome::Value(v) => v.to_json(),
                Outcome::Error(e) => format!("error: {}", e.message),
                Outcome::Skipped => "(not evaluated)".to_string(),
            };
            out.push_str(&format!(
                "{:>4}:{:<3} {}{snippet}  → {outcome}\n",
                step.span.line,
                step.span.col,
                "  ".repeat(open.len().min(20)),
            ));
            open.push(step.span.end);
        }
        out
    }
}
