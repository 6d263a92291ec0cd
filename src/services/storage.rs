//! The workspace in localStorage: a versioned document holding a version-1
//! connection file, written only when the connections change; what the
//! editor restores on reload (selection, scroll) and the time of the last save
//! under keys of their own, so selecting or scrolling in one tab never looks
//! like an edit to another. Unreadable data is kept under a backup key, never lost.

use hookwright_core::connection::{Connection, ConnectionFile};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::state::{shared, Snapshot};

pub const KEY: &str = "hookwright.workspace";
/// The pasted custom context lives apart from the workspace, so a large one
/// can never stop the workspace itself from saving.
pub const CUSTOM_CONTEXT_KEY: &str = "hookwright.custom-context";
/// Larger custom contexts stay for the session only (storage holds ~5 MB in all).
pub const CUSTOM_CONTEXT_LIMIT: usize = 1_000_000;
pub const BACKUP_PREFIX: &str = "hookwright.workspace.backup.";
/// The selection and scroll position, restored on reload.
pub const VIEW_KEY: &str = "hookwright.view";
/// When the workspace was last written, in milliseconds since the epoch.
pub const SAVED_AT_KEY: &str = "hookwright.saved-at";
/// The version of the stored document (not of the connection file inside it).
pub const STORAGE_VERSION: u64 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stored {
    pub storage_version: u64,
    pub workspace: ConnectionFile,
    /// Read from documents saved before the view had a key of its own; no
    /// longer written, so the document's text depends on the connections alone
    /// (two tabs holding the same connections write the same text).
    #[serde(default, skip_serializing)]
    pub selected: Option<String>,
    #[serde(default, skip_serializing)]
    pub scroll: i32,
}

impl Stored {
    pub fn new(snapshot: &Snapshot) -> Stored {
        Stored {
            storage_version: STORAGE_VERSION,
            workspace: ConnectionFile::new(
                snapshot.connections.iter().map(|c| (**c).clone()).collect(),
            ),
            selected: None,
            scroll: 0,
        }
    }

    /// The stored connections, `view`'s selection open if it names one of
    /// them (else an older document's, else the first).
    pub fn snapshot(&self, view: &View) -> Snapshot {
        let connections: Vec<Connection> = self.workspace.connections.clone();
        let selected = view
            .selected
            .clone()
            .or_else(|| self.selected.clone())
            .filter(|id| connections.iter().any(|c| &c.id == id))
            .or_else(|| connections.first().map(|c| c.id.clone()));
        Snapshot {
            connections: shared(connections),
            selected,
        }
    }
}

/// What a reload restores besides the connections.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    #[serde(default)]
    pub selected: Option<String>,
    #[serde(default)]
    pub scroll: i32,
}

impl View {
    /// The stored view, or an older document's selection and scroll.
    pub fn restored(loaded: &Loaded) -> View {
        let stored = read_json::<View>(VIEW_KEY);
        match (stored, loaded) {
            (Some(view), _) => view,
            (None, Loaded::Restored(doc)) => View {
                selected: doc.selected.clone(),
                scroll: doc.scroll,
            },
            (None, _) => View::default(),
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
    // From the text again, not from `raw`: reading a `Stored` out of a `Value` would put a
    // second copy of every connection type's decoder in the page's wasm.
    match serde_json::from_str::<Stored>(text) {
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
    read_key(KEY)
}

fn read_key(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

/// Saves the workspace and the time of saving (`now`, ms since the epoch);
/// returns an error text when the browser refuses (quota, private mode).
pub fn write(stored: &Stored, now: f64) -> Result<(), String> {
    let storage = local_storage().ok_or("this browser offers no local storage")?;
    storage
        .set_item(KEY, &serialize(stored))
        .map_err(|_| "the browser refused to save (storage full or disabled)".to_string())?;
    // The time is a convenience: the workspace itself is what must not fail.
    let _ = storage.set_item(SAVED_AT_KEY, &(now as u64).to_string());
    Ok(())
}

/// Saves the selection and scroll position; failing is harmless.
pub fn write_view(view: &View) {
    write_json(VIEW_KEY, view);
}

/// A small value kept as JSON under a key of its own (the view, the relay's
/// settings, the send history); a missing or unreadable one reads as `None`.
pub fn read_json<T: DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_str(&read_key(key)?).ok()
}

/// Saves a small value as JSON under a key of its own; failing is harmless
/// (none of them is the user's work).
pub fn write_json<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(value)) {
        let _ = storage.set_item(key, &text);
    }
}

/// When the workspace was last saved in this browser (by any tab).
pub fn saved_at() -> Option<f64> {
    // Written as whole milliseconds; read as an integer, so the page carries no float parser.
    read_key(SAVED_AT_KEY)?
        .parse::<u64>()
        .ok()
        .map(|millis| millis as f64)
}

/// A time as the clock on this machine shows it: `09:05:03`.
pub fn clock(millis: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis));
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
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
    let keys = backup_keys(&storage);
    if let Some(key) = existing_backup(&keys, text, |k| storage.get_item(k).ok().flatten()) {
        return Some(key);
    }
    let key = fresh_backup_key(&keys, js_sys::Date::now() as u64);
    storage.set_item(&key, text).ok()?;
    Some(key)
}

/// Whether `text` is kept under a backup key already.
pub fn is_backed_up(text: &str) -> bool {
    local_storage().is_some_and(|storage| {
        existing_backup(&backup_keys(&storage), text, |k| {
            storage.get_item(k).ok().flatten()
        })
        .is_some()
    })
}

fn backup_keys(storage: &web_sys::Storage) -> Vec<String> {
    (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(BACKUP_PREFIX))
        .collect()
}

/// A backup key no backup uses yet: a backup is never overwritten, even by
/// one made in the same millisecond (another tab's).
pub fn fresh_backup_key(keys: &[String], millis: u64) -> String {
    let base = format!("{BACKUP_PREFIX}{millis}");
    std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|k| !keys.contains(k))
        .expect("some suffix is free")
}

/// The backup key among `keys` that already holds `text`, if any (oldest first).
pub fn existing_backup(
    keys: &[String],
    text: &str,
    read: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let mut keys: Vec<&String> = keys.iter().collect();
    hookwright_core::order::sort(&mut keys);
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
        let stored = Stored::new(&examples_snapshot());
        assert_eq!(parse(Some(&serialize(&stored))), Loaded::Restored(stored));
    }

    #[test]
    fn the_document_depends_on_the_connections_alone() {
        let mut snapshot = examples_snapshot();
        let text = serialize(&Stored::new(&snapshot));
        snapshot.selected = Some("late-5-note".into());
        assert_eq!(serialize(&Stored::new(&snapshot)), text);
        assert!(!text.contains("\"selected\"") && !text.contains("\"scroll\""));
    }

    #[test]
    fn an_older_document_still_gives_its_selection_unless_the_view_names_one() {
        let mut doc: serde_json::Value =
            serde_json::from_str(&serialize(&Stored::new(&examples_snapshot()))).unwrap();
        doc["selected"] = "late-5-note".into();
        doc["scroll"] = 120.into();
        let Loaded::Restored(stored) = parse(Some(&doc.to_string())) else {
            panic!("an older document loads");
        };
        assert_eq!(stored.scroll, 120);
        let none = View::default();
        assert_eq!(
            stored.snapshot(&none).selected.as_deref(),
            Some("late-5-note")
        );
        let view = View {
            selected: Some("youlend-repayment-ledger".into()),
            scroll: 0,
        };
        assert_eq!(
            stored.snapshot(&view).selected.as_deref(),
            Some("youlend-repayment-ledger")
        );
    }

    #[test]
    fn a_backup_never_takes_a_used_key() {
        let keys = vec![format!("{BACKUP_PREFIX}7"), format!("{BACKUP_PREFIX}7-2")];
        assert_eq!(fresh_backup_key(&keys, 7), format!("{BACKUP_PREFIX}7-3"));
        assert_eq!(fresh_backup_key(&keys, 8), format!("{BACKUP_PREFIX}8"));
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
        let stored = Stored::new(&examples_snapshot());
        let view = View {
            selected: Some("gone".into()),
            scroll: 0,
        };
        assert_eq!(
            stored.snapshot(&view).selected.as_deref(),
            Some("late-5-external")
        );
    }
}
