//! Keeps the workspace safe: restores it on load (or recovers from unreadable
//! data), autosaves every change within half a second and on leaving the page
//! (a failed save pauses autosave and says so), notices other tabs' edits,
//! and binds the undo/redo keys. A hook of `App` (`use_persistence`), not a
//! component: it renders nothing, and each component costs the page's wasm a
//! copy of Yew's lifecycle.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::services::storage::{self, Loaded, Stored, View};
use crate::state::{
    Action, Connections, Editor, EditorHandle, NoticeKind, SaveEvent, SaveHandle, SaveStatus,
};

/// Autosave waits this long after the last change, well inside the 500 ms promise.
const SAVE_DELAY_MS: u32 = 250;

/// The editor a page starts with: the stored workspace, or the examples (with
/// a notice and a backup when what was stored could not be read).
pub fn initial_editor() -> Editor {
    let text = storage::read();
    let loaded = storage::parse(text.as_deref());
    match &loaded {
        Loaded::Empty => Editor::with_examples(),
        Loaded::Restored(stored) => {
            let mut editor = Editor::restored(stored.snapshot(&View::restored(&loaded)));
            editor.custom_context = storage::read_custom_context().into();
            editor
        }
        Loaded::Unreadable(reason) => {
            let kept = text.as_deref().and_then(storage::back_up);
            let mut editor = Rc::new(Editor::with_examples());
            let where_kept = match kept {
                Some(key) => format!("It was kept in this browser's storage under the key “{key}”"),
                None => "It could not be backed up, so it stays where it is: nothing is saved over it until it can be".to_string(),
            };
            editor = editor.reduce(Action::Notify {
                kind: NoticeKind::Warning,
                text: format!(
                    "Your saved workspace could not be read: {reason}. {where_kept}, and Hookwright started again from the examples."
                ),
            });
            (*editor).clone()
        }
    }
}

/// What the page starts with for autosave: the last save's time.
pub fn initial_save_status() -> SaveStatus {
    SaveStatus {
        last_saved: storage::saved_at(),
        ..SaveStatus::default()
    }
}

/// What a pending save needs: the latest render's editor, copied into the
/// stored document only when the timer fires, and what storage holds already.
struct Pending {
    editor: EditorHandle,
    saves: UseReducerDispatcher<SaveStatus>,
    /// The connections storage holds (written or read by this tab); `None`
    /// when it holds something else. The workspace is written only when they change.
    stored: Option<Connections>,
    /// Unreadable stored text that could not be backed up: it is never saved
    /// over until a backup of it succeeds.
    unreadable: Option<String>,
    /// The custom context last written, to skip rewriting an unchanged one.
    custom_saved: Rc<str>,
    view: View,
    view_saved: View,
    /// Another tab's change awaits a decision, or the last save failed.
    paused: bool,
    timer: Option<Timeout>,
}

fn save_now(pending: &Rc<RefCell<Pending>>) {
    let mut p = pending.borrow_mut();
    p.timer = None;
    if p.paused {
        return;
    }
    let editor = p.editor.clone();
    let unchanged = p
        .stored
        .as_ref()
        .is_some_and(|stored| Rc::ptr_eq(stored, &editor.connections));
    if !unchanged {
        if let Some(text) = p.unreadable.clone() {
            if storage::back_up(&text).is_none() {
                p.paused = true;
                let saves = p.saves.clone();
                drop(p);
                saves.dispatch(SaveEvent::Failed(
                    "the workspace stored earlier could not be read, and there is no room to back it up before saving over it".into(),
                ));
                return;
            }
            p.unreadable = None;
        }
        let now = js_sys::Date::now();
        let result = storage::write(&Stored::new(&editor.snapshot()), now);
        let saves = p.saves.clone();
        match result {
            Ok(()) => {
                p.stored = Some(editor.connections.clone());
                // Dispatching renders at once: release the borrow first.
                drop(p);
                saves.dispatch(SaveEvent::Saved(now));
                p = pending.borrow_mut();
            }
            Err(why) => {
                p.paused = true;
                drop(p);
                saves.dispatch(SaveEvent::Failed(why));
                return;
            }
        }
    }
    p.view.selected = editor.selected.clone();
    if p.view != p.view_saved {
        storage::write_view(&p.view);
        p.view_saved = p.view.clone();
    }
    if !Rc::ptr_eq(&editor.custom_context, &p.custom_saved) {
        storage::write_custom_context(&editor.custom_context);
        p.custom_saved = editor.custom_context.clone();
    }
}

fn schedule_save(pending: &Rc<RefCell<Pending>>) {
    let later = pending.clone();
    pending.borrow_mut().timer = Some(Timeout::new(SAVE_DELAY_MS, move || save_now(&later)));
}

fn main_pane() -> Option<web_sys::Element> {
    gloo::utils::document().get_element_by_id("main")
}

/// Restores, autosaves and listens for `App`, which holds the editor and the saves.
#[hook]
pub fn use_persistence(editor: EditorHandle, saves: SaveHandle) {
    let pending = use_mut_ref(|| {
        let text = storage::read();
        let loaded = storage::parse(text.as_deref());
        // An untouched restored workspace is what storage holds already.
        let stored = (matches!(loaded, Loaded::Restored(_)) && editor.revision == 0)
            .then(|| editor.connections.clone());
        let unreadable = match (&loaded, &text) {
            (Loaded::Unreadable(_), Some(text)) if !storage::is_backed_up(text) => {
                Some(text.clone())
            }
            _ => None,
        };
        let view = View::restored(&loaded);
        Pending {
            editor: editor.clone(),
            saves: saves.dispatcher(),
            stored,
            unreadable,
            custom_saved: editor.custom_context.clone(),
            view_saved: view.clone(),
            view,
            paused: editor.conflict,
            timer: None,
        }
    });
    {
        let mut p = pending.borrow_mut();
        p.editor = editor.clone();
        p.paused = editor.conflict || saves.failure.is_some();
    }

    // Save after every change (the revision moves with each one), and when
    // the user tries again after a failure.
    {
        let pending = pending.clone();
        use_effect_with(
            (editor.revision, saves.retries),
            move |(revision, retries)| {
                if *revision > 0 || *retries > 0 {
                    schedule_save(&pending);
                }
            },
        );
    }

    // Once mounted: restore the scroll position, then listen for scrolling,
    // leaving, other tabs' saves and the history keys.
    {
        let pending = pending.clone();
        let editor = editor.clone();
        use_effect_with((), move |_| {
            let scroll = pending.borrow().view.scroll;
            if let Some(main) = main_pane() {
                main.set_scroll_top(scroll);
            }
            let mut listeners = Vec::new();
            if let Some(main) = main_pane() {
                let pending = pending.clone();
                listeners.push(EventListener::new(&main, "scroll", move |event| {
                    if let Some(target) = event
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    {
                        pending.borrow_mut().view.scroll = target.scroll_top();
                        schedule_save(&pending);
                    }
                }));
            }
            let window = gloo::utils::window();
            {
                let pending = pending.clone();
                listeners.push(EventListener::new(&window, "pagehide", move |_| {
                    // Only a save still waiting for its timer; nothing else changed.
                    let waiting = pending.borrow().timer.is_some();
                    if waiting {
                        save_now(&pending);
                    }
                }));
            }
            {
                let editor = editor.clone();
                let pending = pending.clone();
                listeners.push(EventListener::new(&window, "storage", move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() else {
                        return;
                    };
                    // Only the workspace: the view and the save time are
                    // each tab's own, and an identical save fires no event.
                    if event.key().as_deref() != Some(storage::KEY) {
                        return;
                    }
                    let mut p = pending.borrow_mut();
                    let ours = p.editor.connections.clone();
                    // The same connections written again (a tab adopting
                    // another's copy) need no decision.
                    let same = match storage::parse(event.new_value().as_deref()) {
                        Loaded::Restored(doc) => {
                            doc.workspace.connections.len() == ours.len()
                                && doc
                                    .workspace
                                    .connections
                                    .iter()
                                    .zip(ours.iter())
                                    .all(|(a, b)| a == &**b)
                        }
                        _ => false,
                    };
                    if same {
                        p.stored = Some(ours);
                        return;
                    }
                    p.stored = None;
                    drop(p);
                    editor.dispatch(Action::ExternalChange);
                }));
            }
            let options = EventListenerOptions::enable_prevent_default();
            listeners.push(EventListener::new_with_options(
                &gloo::utils::document(),
                "keydown",
                options,
                move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    if let Some(action) = history_shortcut(event) {
                        event.prevent_default();
                        editor.dispatch(action);
                    }
                },
            ));
            move || drop(listeners)
        });
    }
}

/// Ctrl/⌘+Z undoes; Ctrl/⌘+Shift+Z and Ctrl+Y redo.
fn history_shortcut(event: &web_sys::KeyboardEvent) -> Option<Action> {
    if !(event.ctrl_key() || event.meta_key()) || event.alt_key() {
        return None;
    }
    match event.key().to_lowercase().as_str() {
        "z" if event.shift_key() => Some(Action::Redo),
        "z" => Some(Action::Undo),
        "y" if !event.shift_key() => Some(Action::Redo),
        _ => None,
    }
}
