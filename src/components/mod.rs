//! One component per file, its `Props` beside it.

pub mod code_editor;
pub mod connection_view;
pub mod copy_sql;
pub mod custom_context;
pub mod dialog_frame;
pub mod dry_run;
pub mod dry_run_island;
pub mod dry_run_protocol;
pub mod dry_run_table;
pub mod dry_run_worker;
pub mod error_list;
pub mod export_dialog;
pub mod file_drop;
pub mod header;
pub mod headers_table;
pub mod import_dialog;
pub mod inbox;
pub mod island;
pub mod notices;
pub mod outline;
pub mod payload_panel;
pub mod persistence;
pub mod preview;
pub mod preview_worker;
pub mod request_panel;
pub mod rule_analysis;
pub mod rule_builder;
pub mod sample_picker;
pub mod send_options;
pub mod share_dialog;
pub mod sidebar;
pub mod templating;
pub mod test_panel;
pub mod test_send;
pub mod test_send_host;
pub mod tools_app;
pub mod tools_host;
pub mod trigger_kind;
pub mod trigger_panel;
pub mod variable_list;
pub mod variable_picker;
pub mod worker_link;
pub mod workspace_menu;
pub mod youlend;

use yew::prelude::*;

use crate::state::{Dispatcher, EditorHandle};

/// What `App` hands down that never changes: the editor's dispatcher and the
/// analysis worker. One context for both: each provider costs the page's wasm
/// a copy of Yew's lifecycle.
#[derive(Clone, PartialEq)]
pub struct Handles {
    pub dispatch: Dispatcher,
    pub analysis: rule_analysis::AnalysisWorker,
}

/// The editor handle every component under `App` reads and dispatches to.
/// Reading it re-renders the component on every state change.
#[hook]
pub fn use_editor() -> EditorHandle {
    use_context::<EditorHandle>().expect("rendered inside App's ContextProvider")
}

/// For components that only dispatch: the dispatcher never changes, so they
/// re-render only when their own props or state do.
#[hook]
pub fn use_dispatch() -> Dispatcher {
    use_context::<Handles>()
        .expect("rendered inside App's ContextProvider")
        .dispatch
}

/// A message of the engine's (which start in lower case, to read inside a
/// sentence) as a sentence of its own: its first letter in upper case. The
/// messages are English, so ASCII's case is enough (Unicode's case tables
/// would cost the page's wasm about 3 KB gzipped).
pub fn sentence(message: &str) -> String {
    let mut text = message.to_string();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_message_as_a_sentence() {
        assert_eq!(super::sentence("the URL is empty"), "The URL is empty");
        assert_eq!(super::sentence(""), "");
        assert_eq!(super::sentence("`x` is unknown"), "`x` is unknown");
        // A first character of more than one byte is left as it is, never split.
        assert_eq!(super::sentence("été"), "été");
    }
}
