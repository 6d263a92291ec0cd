//! Hookwright's editor: a Yew single-page app that runs the engine from
//! `hookwright_core` in the page. `main.rs` only mounts [`App`]; tests mount it too.

pub mod body_format;
pub mod builder;
pub mod components;
pub mod outbound;
pub mod services;
pub mod state;

use yew::prelude::*;

use components::connection_view::ConnectionView;
use components::header::Header;
use components::notices::Notices;
use components::persistence::Persistence;
use components::sidebar::Sidebar;
use state::{Editor, EditorHandle};

#[component]
pub fn App() -> Html {
    let editor = use_reducer(components::persistence::initial_editor);
    html! {
        <ContextProvider<EditorHandle> context={editor}>
            <Persistence />
            <div class="app">
                <Header />
                <Notices />
                <div class="app-body">
                    <Sidebar />
                    <main class="main-pane" id="main" tabindex="-1">
                        <ConnectionView />
                    </main>
                </div>
            </div>
        </ContextProvider<EditorHandle>>
    }
}

/// The editor as a test or a fresh page starts it, without reading storage.
pub fn fresh_editor() -> Editor {
    Editor::with_examples()
}
