//! The list of connections in the workspace.

use yew::prelude::*;

use crate::state::{Action, WorkspaceHandle};

#[component]
pub fn Sidebar() -> Html {
    let workspace = use_context::<WorkspaceHandle>().expect("Sidebar is rendered inside App");
    let items = workspace.connections.iter().map(|connection| {
        let selected = workspace.selected.as_deref() == Some(connection.id.as_str());
        let onclick = {
            let workspace = workspace.clone();
            let id = connection.id.clone();
            Callback::from(move |_| workspace.dispatch(Action::Select(id.clone())))
        };
        html! {
            <li key={connection.id.clone()}>
                <button
                    type="button"
                    class={classes!("connection-item", selected.then_some("selected"))}
                    aria-current={selected.then_some("true")}
                    {onclick}
                >
                    <span class="connection-name">{ &connection.name }</span>
                    <span class="connection-meta">
                        <span class={classes!("badge", format!("source-{}", connection.source.label().to_lowercase()))}>
                            { connection.source.label() }
                        </span>
                        if !connection.enabled {
                            <span class="badge disabled">{ "disabled" }</span>
                        }
                    </span>
                </button>
            </li>
        }
    });
    html! {
        <nav class="sidebar" aria-label="Connections">
            <h2 class="sidebar-title">{ "Connections" }</h2>
            <ul class="connection-list">{ for items }</ul>
        </nav>
    }
}
