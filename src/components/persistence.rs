//! Keeps the workspace safe: restores it on load (or recovers from unreadable
//! data), autosaves every change within half a second and on leaving the page,
//! notices other tabs' saves, and binds the undo/redo keys. Renders nothing.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::use_editor;
use crate::services::storage::{self, Loaded, Stored};
use crate::state::{Action, Editor, EditorHandle, NoticeKind};

/// Autosave waits this long after the last change, well inside the 500 ms promise.
const SAVE_DELAY_MS: u32 = 250;

/// The editor a page starts with: the stored workspace, or the examples (with
/// a notice and a backup when what was stored could not be read).
pub fn initial_editor() -> Editor {
    let text = storage::read();
    match storage::parse(text.as_deref()) {
        Loaded::Empty => Editor::with_examples(),
        Loaded::Restored(stored) => {
            let mut editor = Editor::restored(stored.snapshot());
            editor.custom_context = storage::read_custom_context().into();
            editor
        }
        Loaded::Unreadable(reason) => {
            let kept = text.as_deref().and_then(storage::back_up);
            let mut editor = Rc::new(Editor::with_examples());
            let where_kept = match kept {
                Some(key) => format!("It was kept in this browser's storage under the key “{key}”"),
                None => "It could not be backed up".to_string(),
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

/// What a pending save needs: the latest render's editor, copied into the
/// stored document only when the timer fires.
struct Pending {
    editor: EditorHandle,
    /// The custom context last written, to skip rewriting an unchanged one.
    custom_saved: Rc<str>,
    paused: bool,
    scroll: i32,
    timer: Option<Timeout>,
}

fn save_now(pending: &Rc<RefCell<Pending>>) {
    let mut p = pending.borrow_mut();
    p.timer = None;
    if p.paused {
        return;
    }
    if let Err(why) = storage::write(&Stored::new(&p.editor.snapshot(), p.scroll)) {
        gloo::console::error!(format!("Hookwright could not save: {why}"));
    }
    let custom_context = p.editor.custom_context.clone();
    if !Rc::ptr_eq(&custom_context, &p.custom_saved) {
        storage::write_custom_context(&custom_context);
        p.custom_saved = custom_context;
    }
}

fn schedule_save(pending: &Rc<RefCell<Pending>>) {
    let later = pending.clone();
    pending.borrow_mut().timer = Some(Timeout::new(SAVE_DELAY_MS, move || save_now(&later)));
}

fn main_pane() -> Option<web_sys::Element> {
    gloo::utils::document().get_element_by_id("main")
}

#[component]
pub fn Persistence() -> Html {
    let editor = use_editor();
    let pending = use_mut_ref(|| Pending {
        editor: editor.clone(),
        custom_saved: editor.custom_context.clone(),
        paused: editor.conflict,
        scroll: storage::parse(storage::read().as_deref())
            .restored_scroll()
            .unwrap_or(0),
        timer: None,
    });
    {
        let mut p = pending.borrow_mut();
        p.editor = editor.clone();
        p.paused = editor.conflict;
    }

    // Save after every change (the revision moves with each one).
    {
        let pending = pending.clone();
        use_effect_with(editor.revision, move |revision| {
            if *revision > 0 {
                schedule_save(&pending);
            }
        });
    }

    // Once mounted: restore the scroll position, then listen for scrolling,
    // leaving, other tabs' saves and the history keys.
    {
        let pending = pending.clone();
        let editor = editor.clone();
        use_effect_with((), move |_| {
            let scroll = pending.borrow().scroll;
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
                        pending.borrow_mut().scroll = target.scroll_top();
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
                listeners.push(EventListener::new(&window, "storage", move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() else {
                        return;
                    };
                    if event.key().as_deref() == Some(storage::KEY) {
                        editor.dispatch(Action::ExternalChange);
                    }
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
    Html::default()
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

impl Loaded {
    fn restored_scroll(&self) -> Option<i32> {
        match self {
            Loaded::Restored(stored) => Some(stored.scroll),
            _ => None,
        }
    }
}
