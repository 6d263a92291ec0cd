//! The last test sends per connection, kept in their own localStorage key
//! (not in the workspace, not in undo). Records arrive already masked.

use std::collections::BTreeMap;

use super::storage;
use crate::outbound::SendRecord;

pub const KEY: &str = "hookwright.sends";

pub type History = BTreeMap<String, Vec<SendRecord>>;

/// Everything kept; an unreadable value reads as empty (it is only a log).
pub fn read() -> History {
    storage::read_json(KEY).unwrap_or_default()
}

pub fn write(history: &History) {
    storage::write_json(KEY, history);
}
