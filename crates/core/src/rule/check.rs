//! Checks a rule against a variable catalog without evaluating it.
