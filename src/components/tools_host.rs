//! The page's end of the on-demand `tools` bundle's views (Reconcile, Verify and Inbox): on
//! the first visit to one of them it imports the bundle (`services::tools_bundle`, unless the
//! test-send panel already did), which mounts its own app into `#tools`; until then a loading
//! state, and if that fails an error with Try again.
//!
//! The bundle's app lives in `#tools`, outside the page's own root (`#page`): each Yew app
//! delegates events from its root element, and two apps from two wasm instances must not see
//! each other's elements.

use yew::prelude::*;

use super::youlend::View;
use crate::services::{tools_bundle, views};

/// The element the bundle's app is mounted into (see index.html).
pub const TOOLS_ROOT: &str = "tools";

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Idle,
    Loading,
    Ready,
    Failed(String),
}

#[derive(Properties, PartialEq)]
pub struct ToolsHostProps {
    pub view: View,
}

#[component]
pub fn ToolsHost(props: &ToolsHostProps) -> Html {
    let load = use_state(|| Load::Idle);
    let start = {
        let load = load.clone();
        Callback::from(move |()| {
            load.set(Load::Loading);
            let load = load.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match tools_bundle::load().await {
                    Ok(_) => load.set(Load::Ready),
                    Err(message) => load.set(Load::Failed(message)),
                }
            });
        })
    };
    let wanted = props.view != View::Connections;
    {
        let start = start.clone();
        let idle = *load == Load::Idle;
        use_effect_with((wanted, idle), move |&(wanted, idle)| {
            if wanted && idle {
                start.emit(());
            }
        });
    }
    // The bundle's app is shown only in its views, and follows the page's view.
    {
        let ready = *load == Load::Ready;
        use_effect_with((props.view, ready), move |&(view, ready)| {
            if let Some(root) = gloo::utils::document().get_element_by_id(TOOLS_ROOT) {
                let _ = root
                    .toggle_attribute_with_force("hidden", !(ready && view != View::Connections));
            }
            if ready {
                views::announce(views::VIEW, view.hash());
            }
        });
    }
    if !wanted {
        return html! {};
    }
    let label = props.view.label();
    let body = match &*load {
        Load::Ready => return html! {},
        Load::Idle | Load::Loading => html! {
            <p class="tools-loading" role="status" aria-busy="true" data-testid="tools-loading">
                { format!("Loading the {label} view…") }
            </p>
        },
        Load::Failed(message) => html! {
            <div class="notice warning" role="alert" data-testid="tools-error">
                <span>{ format!("The {label} view could not be loaded: {message}. Check the connection and try again.") }</span>
                <button type="button" class="button" onclick={start.reform(|_: MouseEvent| ())}>{ "Try again" }</button>
            </div>
        },
    };
    html! {
        <div class="app-body">
            <main class="main-pane youlend-pane" id="main" tabindex="-1">{ body }</main>
        </div>
    }
}
