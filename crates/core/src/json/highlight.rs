//! JSON colouring for the editor: keys, strings, numbers and literals, with
//! the caller's holes (template tags) left to the caller. Lenient: broken
//! text is coloured as far as it lexes, and a string ends at a line break.

use super::lexer::{LexError, Lexer, TokenKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonClass {
    /// A string followed by `:`.
    Key,
    String,
    Number,
    /// `true`, `false`, `null`.
    Literal,
}

/// One coloured byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
    pub class: JsonClass,
}

/// The coloured ranges of `text`, in order. A string split by holes comes as
/// its pieces between them; holes themselves are never coloured.
pub fn highlight(text: &str, holes: &[(usize, usize)]) -> Vec<Highlight> {
    let tokens: Vec<(TokenKind, usize, usize)> = Lexer::with_holes(text, holes)
        .map(|t| match t {
            Ok(t) => (t.kind, t.span.start, t.span.end),
            Err(LexError {
                kind, start, end, ..
            }) => (kind, start, end),
        })
        .collect();
    let mut out = Vec::with_capacity(tokens.len());
    let mut hole = 0;
    for (i, &(kind, start, end)) in tokens.iter().enumerate() {
        let class = match kind {
            TokenKind::String { .. } => {
                let key = tokens.get(i + 1).is_some_and(|t| t.0 == TokenKind::Colon);
                if key {
                    JsonClass::Key
                } else {
                    JsonClass::String
                }
            }
            TokenKind::Number => JsonClass::Number,
            TokenKind::True | TokenKind::False | TokenKind::Null => JsonClass::Literal,
            _ => continue,
        };
        let mut piece = start;
        while holes.get(hole).is_some_and(|h| h.0 < start) {
            hole += 1;
        }
        while let Some(&(from, to)) = holes.get(hole).filter(|h| h.0 < end) {
            if from > piece {
                out.push(Highlight {
                    start: piece,
                    end: from,
                    class,
                });
            }
            piece = to;
            hole += 1;
        }
        if end > piece {
            out.push(Highlight {
                start: piece,
                end,
                class,
            });
        }
    }
    out
}
