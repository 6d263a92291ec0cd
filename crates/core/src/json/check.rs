//! Is a text exactly one JSON value (RFC 8259)? The rendered body's check:
//! the first problem's byte offset goes back through the render's output map
//! to the template. Nesting lives on a heap stack, so any depth is safe.

use super::lexer::{LexError, Lexer, Problem, TokenKind};

/// Receivers commonly refuse deeper documents (serde_json's default limit).
pub const MAX_DEPTH: usize = 128;

/// What the grammar accepts next.
#[derive(Clone, Copy, PartialEq)]
enum Want {
    Value,
    Key,
    Colon,
    /// After a value: `,` or the close of the innermost container, or the end.
    Next,
}

/// Checks that `text` is exactly one JSON value, refusing lone surrogate
/// escapes that many decoders reject.
pub fn check(text: &str) -> Result<(), Problem> {
    let mut lexer = Lexer::new(text).peekable();
    // The closing token of each open container.
    let mut stack: Vec<TokenKind> = Vec::new();
    let mut want = Want::Value;
    loop {
        let token = match lexer.next() {
            None if want == Want::Next && stack.is_empty() => return Ok(()),
            None => {
                let expected = expected(want, stack.last());
                return Err(Problem::unexpected(text, text.len(), expected));
            }
            Some(Ok(token)) => token,
            Some(Err(LexError {
                kind,
                start,
                problem,
                ..
            })) => {
                // A bad string or number is its own problem where one may stand.
                let accepted = match want {
                    Want::Value => true,
                    Want::Key => matches!(kind, TokenKind::String { .. }),
                    _ => false,
                };
                return Err(if accepted {
                    problem
                } else {
                    Problem::unexpected(text, start, expected(want, stack.last()))
                });
            }
        };
        let start = token.span.start;
        want = match (want, token.kind) {
            (Want::Value, open @ (TokenKind::BeginObject | TokenKind::BeginArray)) => {
                let (close, inside) = if open == TokenKind::BeginObject {
                    (TokenKind::EndObject, Want::Key)
                } else {
                    (TokenKind::EndArray, Want::Value)
                };
                if lexer
                    .peek()
                    .is_some_and(|t| t.as_ref().is_ok_and(|t| t.kind == close))
                {
                    lexer.next();
                    Want::Next
                } else {
                    if stack.len() >= MAX_DEPTH {
                        return Err(Problem::new(
                            start,
                            format!("JSON nests deeper than {MAX_DEPTH} levels"),
                        ));
                    }
                    stack.push(close);
                    inside
                }
            }
            (
                Want::Value,
                TokenKind::String { .. }
                | TokenKind::Number
                | TokenKind::True
                | TokenKind::False
                | TokenKind::Null,
            ) => Want::Next,
            (Want::Key, TokenKind::String { .. }) => Want::Colon,
            (Want::Colon, TokenKind::Colon) => Want::Value,
            (Want::Next, TokenKind::Comma) if !stack.is_empty() => {
                if stack.last() == Some(&TokenKind::EndObject) {
                    Want::Key
                } else {
                    Want::Value
                }
            }
            (Want::Next, close) if stack.last() == Some(&close) => {
                stack.pop();
                Want::Next
            }
            _ => {
                return Err(Problem::unexpected(
                    text,
                    start,
                    expected(want, stack.last()),
                ))
            }
        };
    }
}

fn expected(want: Want, top: Option<&TokenKind>) -> &'static str {
    match (want, top) {
        (Want::Value, _) => "a value",
        (Want::Key, _) => "a quoted key",
        (Want::Colon, _) => "`:`",
        (Want::Next, None) => "the end of the document",
        (Want::Next, Some(TokenKind::EndObject)) => "`,` or `}`",
        (Want::Next, Some(_)) => "`,` or `]`",
    }
}
