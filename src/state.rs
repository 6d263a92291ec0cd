//! The editor's state and every change to it: an `Editor` reduced by
//! `Action`s, with undo/redo over the workspace. Plain Rust, tested natively;
//! components only dispatch actions, services only persist what this holds.
//! Connections and undo steps are shared (`Rc`): an action copies only the
//! connection it changes, so its cost does not grow with the workspace or history.

use std::collections::VecDeque;
use std::rc::Rc;

use hookwright_core::connection::{self, Connection, Method, Payload, Request, Source, Trigger};
use yew::prelude::*;

/// Shared through a `ContextProvider` so any component can read and dispatch.
pub type EditorHandle = UseReducerHandle<Editor>;

/// Shared through a `ContextProvider` of its own for components that only
/// dispatch: it never changes, so they do not re-render on every state change.
pub type Dispatcher = UseReducerDispatcher<Editor>;

/// The workspace's connections. An edit copies the list of pointers and the
/// one connection it changes (`Rc::make_mut`); an undo step is one pointer.
pub type Connections = Rc<Vec<Rc<Connection>>>;

/// Connections as the editor holds them.
pub fn shared(connections: Vec<Connection>) -> Connections {
    Rc::new(connections.into_iter().map(Rc::new).collect())
}

/// Equal lists, comparing shared connections by address first.
fn same_connections(a: &Connections, b: &Connections) -> bool {
    Rc::ptr_eq(a, b)
        || (a.len() == b.len()
            && a.iter()
                .zip(b.iter())
                .all(|(x, y)| Rc::ptr_eq(x, y) || x == y))
}

/// How many undo steps are kept.
const HISTORY_LIMIT: usize = 200;

/// What undo and redo move between: the connections and which one is open.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub connections: Connections,
    pub selected: Option<String>,
}

impl PartialEq for Snapshot {
    fn eq(&self, other: &Snapshot) -> bool {
        self.selected == other.selected && same_connections(&self.connections, &other.connections)
    }
}

/// Undo and redo. Shared between editors, copied only by an action that
/// adds or takes a step (typing that continues a step leaves it alone).
#[derive(Debug, Clone, Default, PartialEq)]
struct History {
    /// Oldest first; at most `HISTORY_LIMIT`, the oldest dropped in O(1).
    past: VecDeque<Step>,
    future: Vec<Snapshot>,
}

#[derive(Debug, Clone, PartialEq)]
struct Step {
    snapshot: Snapshot,
    /// The field whose typing this step stands for (consecutive edits of it merge).
    coalesce: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Editor {
    pub connections: Connections,
    /// The id of the connection open in the main pane.
    pub selected: Option<String>,
    /// The sidebar's filter text (not part of undo).
    pub search: String,
    history: Rc<History>,
    pub notices: Vec<Notice>,
    next_notice: u32,
    /// Bumped by every change that must be saved.
    pub revision: u64,
    /// Another tab saved over our storage; saving waits for the user's choice.
    pub conflict: bool,
    /// JSON the user pasted to evaluate rules against (the "Custom" sample).
    /// Shared, since it may be megabytes and every render reads it.
    pub custom_context: Rc<str>,
    /// A custom context loaded from a file instead (then `custom_context` is
    /// empty): the analysis worker reads and keeps it; the page knows its name and size.
    pub custom_file: Option<Rc<ContextFile>>,
}

/// A custom context file the page never reads itself (see `custom_context`).
#[derive(Debug, Clone, PartialEq)]
pub struct ContextFile {
    pub name: String,
    pub bytes: f64,
}

/// Cheap where it matters: shared parts compare by address before content,
/// since Yew compares the state on every render of its `ContextProvider`.
impl PartialEq for Editor {
    fn eq(&self, other: &Editor) -> bool {
        self.revision == other.revision
            && self.conflict == other.conflict
            && self.next_notice == other.next_notice
            && self.selected == other.selected
            && self.search == other.search
            && self.notices == other.notices
            && same_connections(&self.connections, &other.connections)
            && (Rc::ptr_eq(&self.history, &other.history) || self.history == other.history)
            && (Rc::ptr_eq(&self.custom_context, &other.custom_context)
                || self.custom_context == other.custom_context)
            // By address: loading the same file again is a new load.
            && match (&self.custom_file, &other.custom_file) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
    }
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
    /// The custom context is a file, handed to the analysis worker.
    SetCustomContextFile(ContextFile),
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
            history: Rc::default(),
            notices: Vec::new(),
            next_notice: 1,
            revision: 0,
            conflict: false,
            custom_context: Rc::from(""),
            custom_file: None,
        }
    }

    /// The editor for stored connections. Two connections with the same id
    /// (written by an older build, or edited by hand) would open and delete
    /// each other: the later ones get fresh ids, a notice says which, and the
    /// repaired workspace is saved.
    pub fn restored(snapshot: Snapshot) -> Editor {
        let mut snapshot = snapshot;
        let renamed = repair_duplicate_ids(Rc::make_mut(&mut snapshot.connections).as_mut_slice());
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

    pub fn selected_connection(&self) -> Option<&Rc<Connection>> {
        let id = self.selected.as_deref()?;
        self.connections.iter().find(|c| c.id == id)
    }

    pub fn can_undo(&self) -> bool {
        !self.history.past.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.history.future.is_empty()
    }

    /// The connections whose name, id or description contain the search text.
    pub fn visible_connections(&self) -> impl Iterator<Item = &Rc<Connection>> {
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
            && self.history.future.is_empty()
            && self
                .history
                .past
                .back()
                .is_some_and(|step| step.coalesce == coalesce);
        if !continues {
            let snapshot = self.snapshot();
            let history = Rc::make_mut(&mut self.history);
            history.past.push_back(Step { snapshot, coalesce });
            if history.past.len() > HISTORY_LIMIT {
                history.past.pop_front();
            }
            history.future.clear();
        }
        self.revision += 1;
    }

    /// The list, to add, remove or reorder connections (copied if shared).
    pub(crate) fn connections_mut(&mut self) -> &mut Vec<Rc<Connection>> {
        Rc::make_mut(&mut self.connections)
    }

    /// The connection at `index`, to edit in place: copied first if an undo
    /// step or a render still holds it, and only that one.
    pub(crate) fn connection_mut(&mut self, index: usize) -> &mut Connection {
        Rc::make_mut(&mut self.connections_mut()[index])
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
                self.connections_mut().push(Rc::new(connection));
            }
            Action::Duplicate(id) => {
                let Some(index) = self.index_of(&id) else {
                    return;
                };
                self.checkpoint(None);
                let mut copy = (*self.connections[index]).clone();
                copy.id = self.unique_id(&format!("{}-copy", copy.id));
                copy.name = format!("{} (copy)", copy.name);
                self.selected = Some(copy.id.clone());
                self.connections_mut().insert(index + 1, Rc::new(copy));
            }
            Action::Delete(id) => {
                let Some(index) = self.index_of(&id) else {
                    return;
                };
                self.checkpoint(None);
                let removed = self.connections_mut().remove(index);
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
                self.connection_mut(index).name = name;
            }
            Action::SetEnabled { id, enabled } => {
                let Some(index) = self.index_of(&id) else {
                    return;
                };
                self.checkpoint(None);
                self.connection_mut(index).enabled = enabled;
            }
            Action::Replace {
                connection,
                coalesce,
            } => {
                let Some(index) = self.index_of(&connection.id) else {
                    return;
                };
                if *self.connections[index] == *connection {
                    return;
                }
                self.checkpoint(coalesce);
                self.connections_mut()[index] = Rc::new(*connection);
            }
            Action::Edit { id, edit, coalesce } => {
                if let Some(index) = self.index_of(&id) {
                    let before = self.connections[index].clone();
                    let new_source = matches!(edit, crate::actions::Edit::SetSource(_));
                    let connection = Box::new(crate::actions::apply(&before, edit));
                    // YouLend's filter starts empty: a rule set aside is said, with Undo.
                    let dropped = new_source
                        && !before.trigger.rule().trim().is_empty()
                        && connection.trigger.rule().trim().is_empty();
                    self.apply(Action::Replace {
                        connection,
                        coalesce,
                    });
                    if dropped {
                        self.notify(
                            NoticeKind::Info,
                            "The rule was cleared: a YouLend trigger's filter starts empty.".into(),
                            true,
                        );
                    }
                }
            }
            Action::Undo => {
                if self.can_undo() {
                    let current = self.snapshot();
                    let history = Rc::make_mut(&mut self.history);
                    let step = history.past.pop_back().expect("checked above");
                    history.future.push(current);
                    self.restore(step.snapshot);
                    self.notices.retain(|n| !n.undoable);
                }
            }
            Action::Redo => {
                if self.can_redo() {
                    let current = self.snapshot();
                    let history = Rc::make_mut(&mut self.history);
                    let snapshot = history.future.pop().expect("checked above");
                    // A redo is never merged into a following edit.
                    history.past.push_back(Step {
                        snapshot: current,
                        coalesce: None,
                    });
                    if history.past.len() > HISTORY_LIMIT {
                        history.past.pop_front();
                    }
                    self.restore(snapshot);
                }
            }
            Action::Notify { kind, text } => self.notify(kind, text, false),
            Action::Dismiss(id) => self.notices.retain(|n| n.id != id),
            Action::ExternalChange => self.conflict = true,
            Action::AdoptExternal(mut snapshot) => {
                self.checkpoint(None);
                let renamed =
                    repair_duplicate_ids(Rc::make_mut(&mut snapshot.connections).as_mut_slice());
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
                self.custom_file = None;
                self.revision += 1;
            }
            Action::SetCustomContextFile(file) => {
                self.custom_context = Rc::from("");
                self.custom_file = Some(Rc::new(file));
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
                    self.connections_mut()[index] = Rc::new(connection);
                    replaced += 1;
                }
                (Some(_), OnConflict::KeepBoth) | (None, _) => {
                    connection.id = self.unique_id(&connection.id);
                    first.get_or_insert(connection.id.clone());
                    self.connections_mut().push(Rc::new(connection));
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
pub fn repair_duplicate_ids(connections: &mut [Rc<Connection>]) -> Vec<(String, String)> {
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
        renamed.push((
            std::mem::replace(&mut Rc::make_mut(c).id, fresh.clone()),
            fresh,
        ));
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
        // Cheap: every large part is shared, and copied only where it changes.
        let mut next = (*self).clone();
        next.apply(action);
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

/// How autosave is doing. Kept apart from `Editor`, so a save re-renders only
/// what shows it (the header, the notices), never the panels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SaveStatus {
    /// When the workspace was last written in this browser (ms since the epoch).
    pub last_saved: Option<f64>,
    /// Why the last save failed. Autosave waits while this is set: nothing
    /// half-written replaces what is stored, until the user tries again.
    pub failure: Option<String>,
    /// Bumped by each "Try again".
    pub retries: u32,
}

pub type SaveHandle = UseReducerHandle<SaveStatus>;

pub enum SaveEvent {
    Saved(f64),
    Failed(String),
    Retry,
}

impl Reducible for SaveStatus {
    type Action = SaveEvent;

    fn reduce(self: Rc<Self>, event: SaveEvent) -> Rc<Self> {
        let mut next = (*self).clone();
        match event {
            SaveEvent::Saved(at) => {
                next.last_saved = Some(at);
                next.failure = None;
            }
            SaveEvent::Failed(why) => next.failure = Some(why),
            SaveEvent::Retry => {
                next.failure = None;
                next.retries += 1;
            }
        }
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
        connections: shared(connections),
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
    fn a_rule_cleared_by_a_new_source_is_said_and_undone() {
        let ed = editor();
        let edit = |source| Action::Edit {
            id: "late-5-external".into(),
            edit: crate::actions::Edit::SetSource(source),
            coalesce: None,
        };
        let before = ed.connections[0].clone();
        let ed = ed.reduce(edit(Source::Youlend));
        assert_eq!(ed.connections[0].trigger.rule(), "");
        let notice = ed.notices.iter().find(|n| n.undoable).expect("a notice");
        assert!(
            notice.text.starts_with("The rule was cleared"),
            "{}",
            notice.text
        );
        let ed = ed.reduce(Action::Undo);
        assert_eq!(ed.connections[0], before);
        // Back to LoanPro, an empty filter clears nothing: no new notice.
        let ed = ed.reduce(edit(Source::Youlend));
        let said: Vec<_> = ed.notices.iter().map(|n| n.id).collect();
        let ed = ed.reduce(edit(Source::Loanpro));
        assert_eq!(ed.notices.iter().map(|n| n.id).collect::<Vec<_>>(), said);
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
        let mut changed = (*before[1]).clone();
        changed.name = "Changed".into();
        let mut fresh = (*before[0]).clone();
        fresh.id = "brand-new".into();
        let ed = ed.reduce(Action::Import(vec![
            (changed.clone(), OnConflict::Replace),
            ((*before[0]).clone(), OnConflict::KeepBoth),
            ((*before[2]).clone(), OnConflict::Skip),
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
        assert_eq!(*ed.connections[1], changed);
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
        let same = (*ed.connections[0]).clone();
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
            connections: shared(connections),
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
        let mut c = (*ed.connections[0]).clone();
        c.request
            .headers
            .push(connection::Header::new("X-Tenant-Key", "k-123456"));
        c.request.headers[1].secret = Some(false);
        c.request.query_secrets.insert("code".into(), true);
        let ed = ed.reduce(Action::Replace {
            connection: Box::new(c.clone()),
            coalesce: None,
        });
        assert_eq!(*ed.connections[0], c);
        let ed = ed.reduce(Action::Undo);
        assert!(ed.connections[0].request.query_secrets.is_empty());
    }

    #[test]
    fn replacing_with_an_identical_connection_is_not_an_edit() {
        let ed = editor();
        let same = (*ed.connections[0]).clone();
        let after = ed.clone().reduce(Action::Replace {
            connection: Box::new(same),
            coalesce: None,
        });
        assert!(Rc::ptr_eq(&ed, &after));
    }

    fn toggle(ed: Rc<Editor>, id: &str, enabled: bool) -> Rc<Editor> {
        ed.reduce(Action::SetEnabled {
            id: id.into(),
            enabled,
        })
    }

    #[test]
    fn the_history_keeps_the_latest_steps_up_to_its_limit() {
        let mut ed = editor();
        for i in 0..HISTORY_LIMIT + 5 {
            ed = toggle(ed, "late-5-note", i % 2 == 1);
        }
        assert_eq!(ed.history.past.len(), HISTORY_LIMIT);
        let mut undone = 0;
        while ed.can_undo() {
            ed = ed.reduce(Action::Undo);
            undone += 1;
        }
        assert_eq!(undone, HISTORY_LIMIT);
        // The oldest five steps were dropped: undoing all that is kept lands
        // on the state after the fifth toggle (i = 4, which disabled it), not
        // on the start (enabled).
        assert!(!ed.connections[1].enabled);
        assert_eq!(ed.history.future.len(), HISTORY_LIMIT);
        // Redo at the limit drops nothing that is still reachable.
        for _ in 0..HISTORY_LIMIT {
            ed = ed.reduce(Action::Redo);
        }
        assert!(!ed.can_redo());
        assert_eq!(ed.history.past.len(), HISTORY_LIMIT);
    }

    #[test]
    fn an_edit_copies_only_the_connection_it_changes() {
        let ed = editor();
        let before = ed.clone();
        let ed = toggle(ed, "late-5-note", false);
        assert!(!Rc::ptr_eq(&ed.connections, &before.connections));
        assert!(Rc::ptr_eq(&ed.connections[0], &before.connections[0]));
        assert!(!Rc::ptr_eq(&ed.connections[1], &before.connections[1]));
        assert!(Rc::ptr_eq(&ed.connections[2], &before.connections[2]));
        // The undo step is the previous list itself, not a copy.
        assert!(Rc::ptr_eq(
            &ed.history.past[0].snapshot.connections,
            &before.connections
        ));
        // Undo gives that very list back.
        let undone = ed.reduce(Action::Undo);
        assert!(Rc::ptr_eq(&undone.connections, &before.connections));
    }

    #[test]
    fn typing_that_continues_a_step_leaves_the_history_shared() {
        let ed = editor().reduce(Action::Rename {
            id: "late-5-note".into(),
            name: "A".into(),
        });
        let next = ed.clone().reduce(Action::Rename {
            id: "late-5-note".into(),
            name: "Ab".into(),
        });
        assert!(Rc::ptr_eq(&ed.history, &next.history));
        assert_eq!(next.connections[1].name, "Ab");
        assert!(next.revision > ed.revision, "still saved");
    }

    #[test]
    fn typing_in_another_field_or_after_an_undo_starts_a_new_step() {
        let rename = |ed: Rc<Editor>, id: &str, name: &str| {
            ed.reduce(Action::Rename {
                id: id.into(),
                name: name.into(),
            })
        };
        let ed = rename(editor(), "late-5-note", "A");
        let ed = rename(ed, "late-5-note", "Ab");
        let ed = rename(ed, "late-5-external", "B");
        assert_eq!(ed.history.past.len(), 2);
        // After an undo, typing in the same field again is a step of its own,
        // so redo's branch is dropped and the undone text is not merged.
        let ed = ed.reduce(Action::Undo);
        let ed = rename(ed, "late-5-note", "Abc");
        assert!(!ed.can_redo());
        assert_eq!(ed.history.past.len(), 2);
        let ed = ed.reduce(Action::Undo);
        assert_eq!(ed.connections[1].name, "Ab");
    }

    #[test]
    fn equal_editors_compare_equal_without_sharing() {
        let a = Editor::with_examples();
        let b = Editor::with_examples();
        assert!(!Rc::ptr_eq(&a.connections, &b.connections));
        assert_eq!(a, b);
        let c = Rc::new(b).reduce(Action::Search("x".into()));
        assert_ne!(a, *c);
    }

    #[test]
    fn a_failed_save_waits_for_a_retry_and_a_save_clears_it() {
        let status = Rc::new(SaveStatus::default())
            .reduce(SaveEvent::Saved(1.0))
            .reduce(SaveEvent::Failed("full".into()));
        assert_eq!(status.failure.as_deref(), Some("full"));
        assert_eq!(
            status.last_saved,
            Some(1.0),
            "the last good save stays known"
        );
        let retried = status.reduce(SaveEvent::Retry);
        assert_eq!((retried.failure.is_none(), retried.retries), (true, 1));
        let saved = retried.reduce(SaveEvent::Saved(2.0));
        assert_eq!(saved.last_saved, Some(2.0));
        let same = saved.clone().reduce(SaveEvent::Saved(2.0));
        assert!(Rc::ptr_eq(&saved, &same));
    }
}
