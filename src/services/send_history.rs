//! The last test sends per connection, kept in their own localStorage key
//! (not in the workspace, not in undo). Records arrive already masked.

use std::collections::BTreeMap;

use crate::outbound::SendRecord;

pub const KEY: &str = "hookwright.sends";

pub type History = BTreeMap<String, Vec<SendRecord>>;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Everything kept; an unreadable value reads as empty (it is only a log).
pub fn read() -> History {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

pub fn write(history: &History) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(history)) {
        let _ = storage.set_item(KEY, &text);
    }
}
