//! The workspace in localStorage: one key, a versioned document holding a
//! version-1 connection file plus what the editor restores on reload
//! (selection, scroll). Unreadable data is kept under a backup key, never lost.

use hookwright_core::connection::{Connection, ConnectionFile};
use serde::{Deserialize, Serialize};

use crate::state::{shared, Snapshot};

pub const KEY: &str = "hookwright.workspace";
/// The pasted custom context lives apart from the workspace, so a large one
/// can never stop the workspace itself from saving.
pub const CUSTOM_CONTEXT_KEY: &str = "hookwright.custom-context";
/// Larger custom contexts stay for the session only (storage holds ~5 MB in all).
pub const CUSTOM_CONTEXT_LIMIT: usize = 1_000_000;
pub const BACKUP_PREFIX: &str = "hookwright.workspace.backup.";
/// The version of the stored document (not of the connection file inside it).
pub const STORAGE_VERSION: u64 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stored {
    pub storage_version: u64,
    pub workspace: ConnectionFile,
    #[serde(default)]
    pub selected: Option<String>,
    #[serde(default)]
    pub scroll: i32,
}

impl Stored {
    pub fn new(snapshot: &Snapshot, scroll: i32) -> Stored {
        Stored {
            storage_version: STORAGE_VERSION,
            workspace: ConnectionFile::new(
                snapshot.connections.iter().map(|c| (**c).clone()).collect(),
            ),
            selected: snapshot.selected.clone(),
            scroll,
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let connections: Vec<Connection> = self.workspace.connections.clone();
        let selected = self
            .selected
            .clone()
            .filter(|id| connections.iter().any(|c| &c.id == id))
            .or_else(|| connections.first().map(|c| c.id.clone()));
        Snapshot {
            connections: shared(connections),
            selected,
        }
    }
}

/// What reading the stored text gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// Nothing stored: a first start.
    Empty,
    Restored(Stored),
    /// The stored text could not be used; why, in words for the user.
    Unreadable(String),
}

/// Interprets stored text. Pure, so it is tested natively.
pub fn parse(text: Option<&str>) -> Loaded {
    let Some(text) = text else {
        return Loaded::Empty;
    };
    let raw: serde_json::Value = match serde_json::from_str(text) {
        Ok(raw) => raw,
        Err(e) => return Loaded::Unreadable(format!("it is not valid JSON ({e})")),
    };
    match raw.get("storageVersion").and_then(|v| v.as_u64()) {
        Some(STORAGE_VERSION) => {}
        Some(other) => {
            return Loaded::Unreadable(format!(
                "it was saved by a newer Hookwright (storage version {other}; this one reads {STORAGE_VERSION})"
            ))
        }
        None => return Loaded::Unreadable("it has no storage version".into()),
    }
    let workspace_text = raw
        .get("workspace")
        .map(|w| w.to_string())
        .unwrap_or_default();
    if let Err(e) = ConnectionFile::from_json(&workspace_text) {
        return Loaded::Unreadable(format!("its connections do not load ({})", e.message));
    }
    match serde_json::from_value::<Stored>(raw) {
        Ok(stored) => Loaded::Restored(stored),
        Err(e) => Loaded::Unreadable(format!("it does not have the expected shape ({e})")),
    }
}

pub fn serialize(stored: &Stored) -> String {
    serde_json::to_string(stored).expect("the stored workspace always serialises")
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn read() -> Option<String> {
    local_storage()?.get_item(KEY).ok()?
}

/// Saves; returns an error text when the browser refuses (quota, private mode).
pub fn write(stored: &Stored) -> Result<(), String> {
    let storage = local_storage().ok_or("this browser offers no local storage")?;
    storage
        .set_item(KEY, &serialize(stored))
        .map_err(|_| "the browser refused to save (storage full or disabled)".to_string())
}

/// The saved custom context, if any.
pub fn read_custom_context() -> String {
    local_storage()
        .and_then(|s| s.get_item(CUSTOM_CONTEXT_KEY).ok().flatten())
        .unwrap_or_default()
}

/// Saves the custom context when it is small enough to keep; a larger one is
/// removed from storage rather than left stale.
pub fn write_custom_context(text: &str) {
    let Some(storage) = local_storage() else {
        return;
    };
    if text.len() <= CUSTOM_CONTEXT_LIMIT {
        let _ = storage.set_item(CUSTOM_CONTEXT_KEY, text);
    } else {
        let _ = storage.remove_item(CUSTOM_CONTEXT_KEY);
    }
}

/// Keeps unreadable stored text under a backup key; returns that key. The
/// same text is kept once: reloading a page whose workspace cannot be read
/// finds the backup made last time instead of adding a copy each time
/// (which filled storage until nothing more could be saved).
pub fn back_up(text: &str) -> Option<String> {
    let storage = local_storage()?;
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(BACKUP_PREFIX))
        .collect();
    if let Some(key) = existing_backup(&keys, text, |k| storage.get_item(k).ok().flatten()) {
        return Some(key);
    }
    let key = format!("{BACKUP_PREFIX}{}", js_sys::Date::now() as u64);
    storage.set_item(&key, text).ok()?;
    Some(key)
}

/// The backup key among `keys` that already holds `text`, if any (oldest first).
pub fn existing_backup(
    keys: &[String],
    text: &str,
    read: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let mut keys: Vec<&String> = keys.iter().collect();
    keys.sort();
    keys.into_iter()
        .find(|k| read(k).as_deref() == Some(text))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::examples_snapshot;

    #[test]
    fn round_trips_the_workspace() {
        let stored = Stored::new(&examples_snapshot(), 120);
        assert_eq!(parse(Some(&serialize(&stored))), Loaded::Restored(stored));
    }

    #[test]
    fn unreadable_data_says_why() {
        assert_eq!(parse(None), Loaded::Empty);
        for (text, why) in [
            ("{not json", "not valid JSON"),
            (r#"{"storageVersion": 9}"#, "newer Hookwright"),
            (r#"{"workspace": {}}"#, "no storage version"),
            (
                r#"{"storageVersion": 1, "workspace": {"format": "x"}}"#,
                "do not load",
            ),
        ] {
            match parse(Some(text)) {
                Loaded::Unreadable(reason) => assert!(reason.contains(why), "{reason}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_same_unreadable_text_is_backed_up_once() {
        let stored = std::collections::HashMap::from([
            (format!("{BACKUP_PREFIX}2"), "{bad".to_string()),
            (format!("{BACKUP_PREFIX}1"), "{other".to_string()),
        ]);
        let keys: Vec<String> = stored.keys().cloned().collect();
        let read = |k: &str| stored.get(k).cloned();
        assert_eq!(
            existing_backup(&keys, "{bad", read),
            Some(format!("{BACKUP_PREFIX}2"))
        );
        assert_eq!(existing_backup(&keys, "{new", read), None);
    }

    #[test]
    fn a_stale_selection_falls_back_to_the_first_connection() {
        let mut stored = Stored::new(&examples_snapshot(), 0);
        stored.selected = Some("gone".into());
        assert_eq!(
            stored.snapshot().selected.as_deref(),
            Some("late-5-external")
        );
    }
}
