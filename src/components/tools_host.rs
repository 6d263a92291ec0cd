//! The page's end of the on-demand `tools` bundle (the Reconcile, Verify and Inbox views): on
//! the first visit to one of them it imports the bundle's JavaScript (whose hashed name the
//! release build writes into index.html's `hookwright-tools` meta tag), which mounts its own app
//! into `#tools`; until then a loading state, and if that fails an error with Try again.
//!
//! The bundle's app lives in `#tools`, outside the page's own root (`#page`): each Yew app
//! delegates events from its root element, and two apps from two wasm instances must not see
//! each other's elements.

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use super::youlend::View;
use crate::services::views;

#[wasm_bindgen(
    inline_js = "export function load_tools(url) { return import(url).then((m) => m.default()); }"
)]
extern "C" {
    /// Imports the bundle's module and starts it (its `main` mounts the app).
    fn load_tools(url: &str) -> js_sys::Promise;
}

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

fn bundle_url() -> Option<String> {
    gloo::utils::document()
        .query_selector("meta[name=hookwright-tools]")
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the download failed".to_string())
}

#[component]
pub fn ToolsHost(props: &ToolsHostProps) -> Html {
    let load = use_state(|| Load::Idle);
    let attempt = use_mut_ref(|| 0u32);
    let start = {
        let load = load.clone();
        Callback::from(move |()| {
            let Some(url) = bundle_url() else {
                load.set(Load::Failed(
                    "this build of the page has no tools bundle".to_string(),
                ));
                return;
            };
            // A failed import is remembered by the browser: a retry asks for a new URL.
            let url = {
                let mut attempt = attempt.borrow_mut();
                *attempt += 1;
                match *attempt {
                    1 => url,
                    n => format!("{url}?attempt={n}"),
                }
            };
            load.set(Load::Loading);
            let load = load.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(load_tools(&url)).await {
                    Ok(_) => load.set(Load::Ready),
                    Err(error) => load.set(Load::Failed(describe(&error))),
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
