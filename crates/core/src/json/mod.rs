//! The engine's one JSON tokenizer: tokens with byte spans and line:col,
//! string escapes validated once (and decoded on request), numbers as their
//! exact text, problems located. Everything that scans JSON by hand (the
//! template output check, lint's spans, YouLend reading, template text around
//! placeholders, the body's Format button, the editor's colouring) uses it.
//!
//! ```text
//! Lexer::new(text) / Lexer::with_holes(text, holes)   // Iterator<Item = Result<Token, LexError>>
//! check(text) -> Result<(), Problem>                   // exactly one JSON value, first problem located
//! decode_string(raw) -> Cow<str>                       // a lexed string token's text
//! raw_offset(raw, decoded) -> usize                    // a place in the decoded text, back in the token
//! LexState::after(bytes)                               // resumable: template text between placeholders
//! highlight(text, holes) -> Vec<Highlight>             // the editor's JSON colouring
//! ```

mod check;
mod highlight;
mod lexer;

pub use check::{check, MAX_DEPTH};
pub use highlight::{highlight, Highlight, JsonClass};
pub use lexer::{decode_string, raw_offset, LexError, LexState, Lexer, Problem, Token, TokenKind};

/// For each byte of `text`, whether it lies inside a double-quoted string
/// (quotes included) with JSON's backslash escapes; the rule language's
/// strings escape the same way, so the editor's bracket matching uses it for both.
pub fn string_mask(text: &str) -> Vec<bool> {
    let mut mask = vec![false; text.len()];
    let mut state = LexState::Outside;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        let next = state.step(b);
        mask[i] = state != LexState::Outside || next != LexState::Outside;
        state = next;
    }
    mask
}

#[cfg(test)]
mod tests;
