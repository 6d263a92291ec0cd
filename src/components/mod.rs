//! One component per file, its `Props` beside it.

pub mod connection_view;
pub mod header;
pub mod notices;
pub mod persistence;
pub mod sidebar;
pub mod youlend;

use yew::prelude::*;

use crate::state::EditorHandle;

/// The editor handle every component under `App` reads and dispatches to.
#[hook]
pub fn use_editor() -> EditorHandle {
    use_context::<EditorHandle>().expect("rendered inside App's ContextProvider")
}
