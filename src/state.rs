//! The editor's state and every change to it: an `Editor` reduced by
//! `Action`s, with undo/redo over the workspace. Plain Rust, tested natively;
//! components only dispatch actions, services only persist what this holds.

use std::rc::Rc;

use hookwright_core::connection::{self, Connection, Method, Payload, Request, Source, Trigger};
use yew::prelude::*;

/// Shared through a `ContextProvider` so any component can read and dispatch.
pub type EditorHandle = UseReducerHandle<Editor>;

/// How many undo steps are kept.
const HISTORY_LIMIT: usize = 200;

/// What undo and redo move between: the connections and which one is open.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub connections: Vec<Connection>,
    pub selected: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Editor {
    pub connections: Vec<Connection>,
    /// The id of the connection open in the main pane.
    pub selected: Option<String>,
    /// The sidebar's filter text (not part of undo).
    pub search: String,
    past: Vec<(Snapshot, Option<String>)>,
    future: Vec<Snapshot>,
    pub notices: Vec<Notice>,
    next_notice: u32,
    /// Bumped by every change that must be saved.
    pub revision: u64,
    /// Another tab saved over our storage; saving waits for the user's choice.
    pub conflict: bool,
    /// JSON the user pasted to evaluate rules against (the "Custom" sample).
    /// Shared, since it may be megabytes and every render reads it.
    pub custom_context: Rc<str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub id: u32,
    pub kind: NoticeKind,
    pub text: String,
    /// Offer an Undo button with the notice (after a delete).
    pub undoable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Warning,
}

/// Where a new connection starts from.
#[derive(Debug, Clone, PartialEq)]
pub enum Blueprint {
    Blank,
    Example(String),
}

pub enum Action {
    Select(String),
    Search(String),
    Add(Blueprint),
    Duplicate(String),
    Delete(String),
    Rename {
        id: String,
        name: String,
    },
    SetEnabled {
        id: String,
        enabled: bool,
    },
    /// Replaces the connection with the same id. Consecutive replacements with
    /// the same `coalesce` key (typing in one field) make one undo step.
    Replace {
        connection: Box<Connection>,
        coalesce: Option<String>,
    },
    /// A domain edit of one connection (see `actions`); `coalesce` as for `Replace`.
    Edit {
        id: String,
        edit: crate::actions::Edit,
        coalesce: Option<String>,
    },
    Undo,
    Redo,
    Notify {
        kind: NoticeKind,
        text: String,
    },
    Dismiss(u32),
    /// Another tab saved the workspace: stop autosaving until the user chooses.
    ExternalChange,
    /// The user chose the other tab's copy.
    AdoptExternal(Snapshot),
    /// The user chose to keep this tab's copy (it will be saved over theirs).
    KeepMine,
    /// The pasted custom context changed (saved, but not an undo step).
    SetCustomContext(String),
    /// Adds connections from an imported file or a share link, one undo step;
    /// each says what to do if its id is already in the workspace.
    Import(Vec<(Connection, OnConflict)>),
}

/// What an imported connection does when its id already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    Replace,
    KeepBoth,
    Skip,
}

impl Editor {
    pub fn new(snapshot: Snapshot) -> Editor {
        Editor {
            connections: snapshot.connections,
            selected: snapshot.selected,
            search: String::new(),
            past: Vec::new(),
            future: Vec::new(),
            notices: Vec::new(),
            next_notice: 1,
            revision: 0,
            conflict: false,
            custom_context: Rc::from(""),
        }
    }

    /// The editor for stored connections. Two connections with the same id
    /// (written by an older build, or edited by hand) would open and delete
    /// each other: the later ones get fresh ids, a notice says which, and the
    /// repaired workspace is saved.
    pub fn restored(snapshot: Snapshot) -> Editor {
        let mut snapshot = snapshot;
        let renamed = repair_duplicate_ids(&mut snapshot.connections);
        let mut editor = Editor::new(snapshot);
        if !renamed.is_empty() {
            editor.notify(NoticeKind::Warning, repaired_notice(&renamed), false);
            editor.revision += 1;
        }
        editor
    }

    /// A first start: the built-in examples, the first one open.
    pub fn with_examples() -> Editor {
        Editor::new(examples_snapshot())
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            connections: self.connections.clone(),
            selected: self.selected.clone(),
        }
    }

    pub fn selected_connection(&self) -> Option<&Connection> {
        let id = self.selected.as_deref()?;
        self.connections.iter().find(|c| c.id == id)
    }

    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }

    /// The connections whose name, id or description contain the search text.
    pub fn visible_connections(&self) -> impl Iterator<Item = &Connection> {
        let needle = self.search.trim().to_lowercase();
        self.connections.iter().filter(move |c| {
            needle.is_empty()
                || c.name.to_lowercase().contains(&needle)
                || c.id.to_lowercase().contains(&needle)
                || c.description.to_lowercase().contains(&needle)
        })
    }

    /// Records the current state as an undo step, unless this edit continues
    /// the previous one (same coalesce key).
    fn checkpoint(&mut self, coalesce: Option<String>) {
        let continues = coalesce.is_some()
            && self.future.is_empty()
            && self.past.last().is_some_and(|(_, key)| *key == coalesce);
        if !continues {
            self.past.push((self.snapshot(), coalesce));
            if self.past.len() > HISTORY_LIMIT {
                self.past.remove(0);
            }
        }
        self.future.clear();
        self.revision += 1;
    }

    fn restore(&mut self, snapshot: Snapshot) {
        self.connections = snapshot.connections;
        self.selected = snapshot.selected;
        self.revision += 1;
    }

    fn notify(&mut self, kind: NoticeKind, text: String, undoable: bool) {
        // Only the latest undo offer stays: older ones would undo something else.
        if undoable {
            self.notices.retain(|n| !n.undoable);
        }
        self.notices.push(Notice {
            id: self.next_notice,
            kind,
            text,
            undoable,
        });
        self.next_notice += 1;
    }

    fn unique_id(&self, base: &str) -> String {
        let base = if base.is_empty() { "connection" } else { base };
        if !self.connections.iter().any(|c| c.id == base) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !self.connections.iter().any(|c| c.id == *id))
            .expect("some suffix is free")
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.connections.iter().position(|c| c.id == id)
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Select(id) => {
                if self.index_of(&id).is_some() {
                    self.selected = Some(id);
                    self.revision += 1;
                }
            }
            Action::Search(text) => self.search = text,
            Action::Add(blueprint) => {
                let mut connection = match blueprint {
                    Blueprint::Blank => blank_connection(),
                    Blueprint::Example(id) => {
                        match connection::examples().into_iter().find(|c| c.id == id) {
                            Some(example) => example,
                            None => return,
                        }
                    }
                };
                self.checkpoint(None);
                connection.id = self.unique_id(&connection.id);
                self.selected = Some(connection.id.clone());
                self.connections.push(connection);
            }
            Action::Duplicate(id) => {
                let Some(index) = self.index_of(&id) else {
                    return;
                };
                self.checkpoint(None);
                let mut copy = self.connections[index].clone();
                copy.id = self.unique_id(&format!("{}-copy", copy.id));
                copy.name = format!("{} (copy)", copy.name);
                self.selected = Some(copy.id.clone());
                self.connections.insert(index + 1, copy);
            }
            Action::Delete(id) => {
                let Some(index) = self.index_of(&id) else {
                    return;
                };
                self.checkpoint(None);
                let removed = self.connections.remove(index);
                if self.selected.as_deref() == Some(id.as_str()) {
                    let next = index.min(self.connections.len().saturating_sub(1));
                    self.selected = self.connections.get(next).map(|c| c.id.clone());
                }
                self.notify(
                    NoticeKind::Info,
                    format!("Deleted “{}”.", removed.name),
                    true,
                );
            }
            Action::Rename { id, name } => {
                let Some(index) = self.index_of(&id) else {
                    return;
                };
                self.checkpoint(Some(format!("rename:{id}")));
                self.connections[index].name = name;
            }
            Action::SetEnabled { id, enabled } => {
                let Some(index) = self.index_of(&id) else {
                    return;
                };
                self.checkpoint(None);
                self.connections[index].enabled = enabled;
            }
            Action::Replace {
                connection,
                coalesce,
            } => {
                let Some(index) = self.index_of(&connection.id) else {
                    return;
                };
                if self.connections[index] == *connection {
                    return;
                }
                self.checkpoint(coalesce);
                self.connections[index] = *connection;
            }
            Action::Edit { id, edit, coalesce } => {
                if let Some(index) = self.index_of(&id) {
                    let connection =
                        Box::new(crate::actions::apply(&self.connections[index], edit));
                    self.apply(Action::Replace {
                        connection,
                        coalesce,
                    });
                }
            }
            Action::Undo => {
                if let Some((snapshot, _)) = self.past.pop() {
                    self.future.push(self.snapshot());
                    self.restore(snapshot);
                    self.notices.retain(|n| !n.undoable);
                }
            }
            Action::Redo => {
                if let Some(snapshot) = self.future.pop() {
                    // A redo is never merged into a following edit.
                    self.past.push((self.snapshot(), None));
                    self.restore(snapshot);
                }
            }
            Action::Notify { kind, text } => self.notify(kind, text, false),
            Action::Dismiss(id) => self.notices.retain(|n| n.id != id),
            Action::ExternalChange => self.conflict = true,
            Action::AdoptExternal(mut snapshot) => {
                self.checkpoint(None);
                let renamed = repair_duplicate_ids(&mut snapshot.connections);
                self.restore(snapshot);
                self.conflict = false;
                if !renamed.is_empty() {
                    self.notify(NoticeKind::Warning, repaired_notice(&renamed), false);
                }
            }
            Action::KeepMine => {
                self.conflict = false;
                self.revision += 1;
            }
            Action::SetCustomContext(text) => {
                self.custom_context = text.into();
                self.revision += 1;
            }
            Action::Import(items) => self.import(items),
        }
    }
}

impl Editor {
    fn import(&mut self, items: Vec<(Connection, OnConflict)>) {
        let changes = items
            .iter()
            .any(|(c, choice)| *choice != OnConflict::Skip || self.index_of(&c.id).is_none());
        if !changes {
            return;
        }
        self.checkpoint(None);
        let (mut added, mut replaced) = (0, 0);
        let mut first = None;
        for (mut connection, choice) in items {
            match (self.index_of(&connection.id), choice) {
                (Some(_), OnConflict::Skip) => continue,
                (Some(index), OnConflict::Replace) => {
                    first.get_or_insert(connection.id.clone());
                    self.connections[index] = connection;
                    replaced += 1;
                }
                (Some(_), OnConflict::KeepBoth) | (None, _) => {
                    connection.id = self.unique_id(&connection.id);
                    first.get_or_insert(connection.id.clone());
                    self.connections.push(connection);
                    added += 1;
                }
            }
        }
        if first.is_some() {
            self.selected = first;
        }
        let text = match (added, replaced) {
            (a, 0) => format!("Imported {a} connection{}.", plural(a)),
            (0, r) => format!("Replaced {r} connection{}.", plural(r)),
            (a, r) => format!("Imported {a} connection{} and replaced {r}.", plural(a)),
        };
        self.notify(NoticeKind::Info, text, false);
    }
}

/// Gives every connection after the first with an already used id a fresh
/// one (`id-2`, `id-3`, … not used by any other); returns (old, new) pairs.
pub fn repair_duplicate_ids(connections: &mut [Connection]) -> Vec<(String, String)> {
    use std::collections::HashSet;
    let mut taken: HashSet<String> = connections.iter().map(|c| c.id.clone()).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut renamed = Vec::new();
    for c in connections.iter_mut() {
        if seen.insert(c.id.clone()) {
            continue;
        }
        let base = if c.id.is_empty() {
            "connection"
        } else {
            c.id.as_str()
        };
        let fresh = (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !taken.contains(id))
            .expect("some suffix is free");
        taken.insert(fresh.clone());
        seen.insert(fresh.clone());
        renamed.push((std::mem::replace(&mut c.id, fresh.clone()), fresh));
    }
    renamed
}

fn repaired_notice(renamed: &[(String, String)]) -> String {
    let shown: Vec<String> = renamed
        .iter()
        .take(5)
        .map(|(old, new)| {
            format!(
                "“{}” → “{}”",
                hookwright_core::error::quote(old),
                hookwright_core::error::quote(new)
            )
        })
        .collect();
    let more = match renamed.len().saturating_sub(shown.len()) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "Your saved workspace had {} connection{} whose id was already used; {} renamed so each opens and deletes on its own: {}{more}.",
        renamed.len(),
        plural(renamed.len()),
        if renamed.len() == 1 { "it was" } else { "they were" },
        shown.join(", ")
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl Reducible for Editor {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

pub fn examples_snapshot() -> Snapshot {
    let connections = connection::examples();
    let selected = connections.first().map(|c| c.id.clone());
    Snapshot {
        connections,
        selected,
    }
}

/// A new LoanPro connection with an empty rule, ready to be designed.
pub fn blank_connection() -> Connection {
    Connection {
        id: "new-connection".into(),
        name: "New connection".into(),
        description: String::new(),
        enabled: true,
        source: Source::Loanpro,
        trigger: Trigger::Rule {
            rule: String::new(),
        },
        request: Request {
            method: Method::Post,
            url: "https://".into(),
            headers: vec![connection::Header::new("Content-Type", "application/json")],
            auth: Default::default(),
            payload: Payload::Variables {
                variables: vec!["loan-id".into()],
                event_name: None,
            },
            query_secrets: Default::default(),
        },
        sample: Some("loan-5-days-past-due".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor() -> Rc<Editor> {
        Rc::new(Editor::with_examples())
    }

    fn ids(editor: &Editor) -> Vec<&str> {
        editor.connections.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn first_start_opens_the_seed_connection() {
        let ed = editor();
        assert_eq!(
            ed.selected_connection().map(|c| c.name.as_str()),
            Some("Customer's Loan is 5 Days Past Due")
        );
        assert!(!ed.can_undo());
    }

    #[test]
    fn select_ignores_unknown_ids() {
        let ed = editor();
        let second = ed.connections[1].id.clone();
        let ed = ed.reduce(Action::Select(second.clone()));
        let ed = ed.reduce(Action::Select("nope".into()));
        assert_eq!(ed.selected.as_deref(), Some(second.as_str()));
    }

    #[test]
    fn delete_undo_redo() {
        let ed = editor();
        let before = ed.connections.clone();
        let ed = ed.reduce(Action::Delete("late-5-external".into()));
        assert_eq!(ids(&ed), ["late-5-note", "youlend-repayment-ledger"]);
        assert_eq!(ed.selected.as_deref(), Some("late-5-note"));
        assert!(ed.notices.iter().any(|n| n.undoable));
        let ed = ed.reduce(Action::Undo);
        assert_eq!(ed.connections, before);
        assert_eq!(ed.selected.as_deref(), Some("late-5-external"));
        assert!(ed.notices.is_empty());
        let ed = ed.reduce(Action::Redo);
        assert_eq!(ids(&ed), ["late-5-note", "youlend-repayment-ledger"]);
    }

    #[test]
    fn add_and_duplicate_get_unique_ids() {
        let ed = editor()
            .reduce(Action::Add(Blueprint::Blank))
            .reduce(Action::Add(Blueprint::Blank))
            .reduce(Action::Duplicate("late-5-note".into()))
            .reduce(Action::Duplicate("late-5-note".into()))
            .reduce(Action::Add(Blueprint::Example("late-5-note".into())));
        assert_eq!(
            ids(&ed),
            [
                "late-5-external",
                "late-5-note",
                "late-5-note-copy-2",
                "late-5-note-copy",
                "youlend-repayment-ledger",
                "new-connection",
                "new-connection-2",
                "late-5-note-2",
            ]
        );
        assert_eq!(ed.selected.as_deref(), Some("late-5-note-2"));
    }

    #[test]
    fn typing_coalesces_into_one_undo_step() {
        let mut ed = editor();
        for name in ["A", "Ab", "Abc"] {
            ed = ed.reduce(Action::Rename {
                id: "late-5-note".into(),
                name: name.into(),
            });
        }
        ed = ed.reduce(Action::SetEnabled {
            id: "late-5-note".into(),
            enabled: false,
        });
        let ed = ed.reduce(Action::Undo);
        assert_eq!(ed.connections[1].name, "Abc");
        assert!(ed.connections[1].enabled);
        let ed = ed.reduce(Action::Undo);
        assert_eq!(ed.connections[1].name, "Customer note: 5 Days Past Due");
        assert!(!ed.can_undo());
    }

    #[test]
    fn an_edit_after_undo_drops_the_redo_branch() {
        let ed = editor()
            .reduce(Action::Delete("late-5-note".into()))
            .reduce(Action::Undo)
            .reduce(Action::SetEnabled {
                id: "late-5-note".into(),
                enabled: false,
            });
        assert!(!ed.can_redo());
    }

    #[test]
    fn search_filters_by_name_id_and_description() {
        let ed = editor().reduce(Action::Search("youlend".into()));
        let visible: Vec<_> = ed.visible_connections().map(|c| c.id.as_str()).collect();
        assert_eq!(visible, ["youlend-repayment-ledger"]);
        let ed = ed.reduce(Action::Search("  ".into()));
        assert_eq!(ed.visible_connections().count(), 3);
    }

    #[test]
    fn import_adds_replaces_keeps_both_or_skips_in_one_undo_step() {
        let ed = editor();
        let before = ed.connections.clone();
        let mut changed = before[1].clone();
        changed.name = "Changed".into();
        let mut fresh = before[0].clone();
        fresh.id = "brand-new".into();
        let ed = ed.reduce(Action::Import(vec![
            (changed.clone(), OnConflict::Replace),
            (before[0].clone(), OnConflict::KeepBoth),
            (before[2].clone(), OnConflict::Skip),
            (fresh, OnConflict::Skip),
        ]));
        assert_eq!(
            ids(&ed),
            [
                "late-5-external",
                "late-5-note",
                "youlend-repayment-ledger",
                "late-5-external-2",
                "brand-new",
            ]
        );
        assert_eq!(ed.connections[1], changed);
        assert_eq!(ed.selected.as_deref(), Some("late-5-note"));
        assert!(ed
            .notices
            .iter()
            .any(|n| n.text.contains("Imported 2 connections and replaced 1")));
        let ed = ed.reduce(Action::Undo);
        assert_eq!(ed.connections, before);
    }

    #[test]
    fn importing_only_skips_changes_nothing() {
        let ed = editor();
        let same = ed.connections[0].clone();
        let after = ed
            .clone()
            .reduce(Action::Import(vec![(same, OnConflict::Skip)]));
        assert!(Rc::ptr_eq(&ed, &after));
    }

    #[test]
    fn duplicate_ids_are_repaired_on_load_with_a_notice() {
        let mut connections = connection::examples();
        let mut twin = connections[0].clone();
        twin.name = "Twin".into();
        connections.push(twin.clone());
        connections.push(twin);
        let mut taken = connections[1].clone();
        taken.id = "late-5-external-2".into();
        connections.push(taken);
        let ed = Rc::new(Editor::restored(Snapshot {
            connections,
            selected: Some("late-5-external".into()),
        }));
        assert_eq!(
            ids(&ed),
            [
                "late-5-external",
                "late-5-note",
                "youlend-repayment-ledger",
                "late-5-external-3",
                "late-5-external-4",
                "late-5-external-2",
            ]
        );
        assert_eq!(ed.notices.len(), 1);
        assert_eq!(ed.notices[0].kind, NoticeKind::Warning);
        assert!(
            ed.notices[0]
                .text
                .contains("“late-5-external” → “late-5-external-3”"),
            "{}",
            ed.notices[0].text
        );
        assert!(ed.revision > 0, "the repair is saved");
        // Each opens and deletes on its own now.
        let ed = ed.reduce(Action::Select("late-5-external-3".into()));
        assert_eq!(ed.selected_connection().unwrap().name, "Twin");
        let ed = ed.reduce(Action::Delete("late-5-external-3".into()));
        assert_eq!(ed.connections.len(), 5);
        assert!(ed.connections.iter().any(|c| c.id == "late-5-external"));
        // A clean workspace loads without a notice or a save.
        let clean = Editor::restored(examples_snapshot());
        assert!(clean.notices.is_empty());
        assert_eq!(clean.revision, 0);
    }

    #[test]
    fn marking_secrets_is_an_undoable_edit() {
        let ed = editor();
        let mut c = ed.connections[0].clone();
        c.request
            .headers
            .push(connection::Header::new("X-Tenant-Key", "k-123456"));
        c.request.headers[1].secret = Some(false);
        c.request.query_secrets.insert("code".into(), true);
        let ed = ed.reduce(Action::Replace {
            connection: Box::new(c.clone()),
            coalesce: None,
        });
        assert_eq!(ed.connections[0], c);
        let ed = ed.reduce(Action::Undo);
        assert!(ed.connections[0].request.query_secrets.is_empty());
    }

    #[test]
    fn replacing_with_an_identical_connection_is_not_an_edit() {
        let ed = editor();
        let same = ed.connections[0].clone();
        let after = ed.clone().reduce(Action::Replace {
            connection: Box::new(same),
            coalesce: None,
        });
        assert!(Rc::ptr_eq(&ed, &after));
    }
}
