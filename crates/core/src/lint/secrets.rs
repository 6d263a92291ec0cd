//! Secrets outside the Auth section.

use super::{Finding, Subject};
use crate::error::ErrorKind;
use crate::secret;

/// Secrets outside the Auth section (see [`crate::secret`]): those an
/// export left out must be filled in, and a likely credential that is not
/// kept secret would leave in exports and share links.
pub fn check_secrets(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    for missing in secret::missing(s.connection) {
        // The Auth section's own check says so already.
        if missing.reason == secret::Reason::Auth {
            continue;
        }
        out.push(Finding::warning(
            missing.field,
            ErrorKind::Redacted,
            format!(
                "{} was left out of this export ({}); fill it in before sending",
                missing.label,
                secret::PLACEHOLDER
            ),
        ));
    }
    for (field, message) in secret::unmarked_credentials(s.connection) {
        out.push(Finding::warning(field, ErrorKind::Redacted, message));
    }
    out
}
