//! The rendered body's JSON check lives with the engine's one JSON tokenizer
//! (`crate::json`); these names are kept for the template API.

pub use crate::json::{check, Problem as JsonProblem, MAX_DEPTH};
