//! The connection's id and name.

use super::{Finding, Subject};
use crate::error::ErrorKind;

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
