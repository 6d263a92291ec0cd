//! The connection's preview sample exists and fits its trigger.

use super::{Finding, Subject};
use crate::error::ErrorKind;
use crate::suggest;

/// The editor previews against `sample`; it should exist and fit the trigger.
pub fn check_sample(s: &Subject) -> Vec<Finding> {
    let Some(id) = &s.connection.sample else {
        return Vec::new();
    };
    if s.samples.iter().any(|c| &c.id == id) {
        return Vec::new();
    }
    let message = if s.all_samples.iter().any(|c| &c.id == id) {
        let fitting: Vec<&str> = s.samples.iter().map(|c| c.id.as_str()).collect();
        format!(
            "sample `{id}` does not fit this trigger; these do: {}",
            fitting.join(", ")
        )
    } else {
        let near = suggest::did_you_mean(id, s.all_samples.iter().map(|c| c.id.as_str()));
        format!("unknown sample context `{id}`{}", suggest::hint(&near))
    };
    vec![Finding::warning("sample", ErrorKind::Invalid, message)]
}
