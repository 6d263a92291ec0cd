//! Hookwright's editor: a Yew single-page app that runs the engine from
//! `hookwright_core` in the page. `main.rs` only mounts [`App`]; tests mount it too.

pub mod components;
pub mod state;

use yew::prelude::*;

use components::connection_view::ConnectionView;
use components::header::Header;
use components::sidebar::Sidebar;
use state::{Workspace, WorkspaceHandle};

#[component]
pub fn App() -> Html {
    let workspace = use_reducer(Workspace::with_examples);
    html! {
        <ContextProvider<WorkspaceHandle> context={workspace}>
            <div class="app">
                <Header />
                <div class="app-body">
                    <Sidebar />
                    <main class="main-pane" id="main">
                        <ConnectionView />
                    </main>
                </div>
            </div>
        </ContextProvider<WorkspaceHandle>>
    }
}
