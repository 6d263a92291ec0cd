//! Token classes for colouring rule text in the editor. Works on any text,
//! valid or not: the lexer's errors are the checker's business, not this one's.

use super::lexer::{lex, Tok};
use super::parser::Locator;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenClass {
    Bracket,
    /// A symbol in call position: `and`, `v/parse-int`.
    Function,
    Variable,
    Text,
    Number,
    /// `true`, `false`, `nil`.
    Literal,
    Keyword,
    Comment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
    pub class: TokenClass,
}

/// The coloured ranges of `src`, in order.
pub fn highlight(src: &str) -> Vec<Highlight> {
    let (tokens, _) = lex(src, &mut Locator::new(src));
    let mut out = Vec::with_capacity(tokens.len());
    let mut after_paren = false;
    let mut gap_start = 0;
    // `#_` and the form it drops read as a comment: the bracket depths whose
    // `#_` waits for its form, and the depth of the dropped form being read.
    let mut depth = 0usize;
    let mut waiting: Vec<usize> = Vec::new();
    let mut dropped: Option<usize> = None;
    for token in &tokens {
        comments_in(src, gap_start, token.start, &mut out);
        gap_start = token.end;
        let takes_waiting = dropped.is_none() && waiting.last() == Some(&depth);
        let in_dropped = match token.tok {
            Tok::Discard => {
                if dropped.is_none() {
                    waiting.push(depth);
                }
                true
            }
            Tok::Open(_) => {
                if takes_waiting {
                    waiting.pop();
                    dropped = Some(depth);
                }
                depth += 1;
                dropped.is_some()
            }
            Tok::Close(_) => {
                depth = depth.saturating_sub(1);
                let inside = dropped.is_some();
                if dropped == Some(depth) {
                    dropped = None;
                }
                inside
            }
            _ if takes_waiting => {
                waiting.pop();
                true
            }
            _ => dropped.is_some(),
        };
        let class = match &token.tok {
            _ if in_dropped => TokenClass::Comment,
            Tok::Open(_) | Tok::Close(_) => TokenClass::Bracket,
            Tok::Text(_) => TokenClass::Text,
            Tok::Number(_) => TokenClass::Number,
            Tok::Keyword(_) => TokenClass::Keyword,
            Tok::Nil | Tok::Bool(_) | Tok::Discard => TokenClass::Literal,
            Tok::Symbol(_) if after_paren => TokenClass::Function,
            Tok::Symbol(_) => TokenClass::Variable,
        };
        after_paren = matches!(token.tok, Tok::Open(super::lexer::Delim::Paren));
        out.push(Highlight {
            start: token.start,
            end: token.end,
            class,
        });
    }
    comments_in(src, gap_start, src.len(), &mut out);
    out
}

/// `;` comments between two tokens run to the end of their line.
fn comments_in(src: &str, from: usize, to: usize, out: &mut Vec<Highlight>) {
    let Some(gap) = src.get(from..to) else { return };
    let mut offset = 0;
    while let Some(i) = gap[offset..].find(';') {
        let start = from + offset + i;
        let end = src[start..to].find('\n').map_or(to, |n| start + n);
        out.push(Highlight {
            start,
            end,
            class: TokenClass::Comment,
        });
        offset = end - from;
        if offset >= gap.len() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_position() {
        let src = "(and (= loan-status \"Open\") true) ; done";
        let classes: Vec<(&str, TokenClass)> = highlight(src)
            .iter()
            .map(|h| (&src[h.start..h.end], h.class))
            .collect();
        assert_eq!(
            classes,
            [
                ("(", TokenClass::Bracket),
                ("and", TokenClass::Function),
                ("(", TokenClass::Bracket),
                ("=", TokenClass::Function),
                ("loan-status", TokenClass::Variable),
                ("\"Open\"", TokenClass::Text),
                (")", TokenClass::Bracket),
                ("true", TokenClass::Literal),
                (")", TokenClass::Bracket),
                ("; done", TokenClass::Comment),
            ]
        );
    }

    #[test]
    fn a_dropped_form_reads_as_a_comment() {
        let src = "(and #_(= a 1) #_ #_ b \"c\" d)";
        let classes: Vec<(&str, TokenClass)> = highlight(src)
            .iter()
            .map(|h| (&src[h.start..h.end], h.class))
            .collect();
        use TokenClass::{Bracket, Comment, Function, Variable};
        assert_eq!(
            classes,
            [
                ("(", Bracket),
                ("and", Function),
                ("#_", Comment),
                ("(", Comment),
                ("=", Comment),
                ("a", Comment),
                ("1", Comment),
                (")", Comment),
                ("#_", Comment),
                ("#_", Comment),
                ("b", Comment),
                ("\"c\"", Comment),
                ("d", Variable),
                (")", Bracket),
            ]
        );
    }

    #[test]
    fn broken_text_still_highlights() {
        assert!(!highlight("(and \"open").is_empty());
        assert!(highlight("").is_empty());
    }
}
