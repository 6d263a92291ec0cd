//! Hookwright's editor: a Yew single-page app that runs the engine from
//! `hookwright_core` in the page. `main.rs` only mounts [`App`]; tests mount it too.

pub mod actions;
pub mod body_format;
pub mod builder;
pub mod components;
pub mod outbound;
pub mod services;
pub mod state;

use yew::prelude::*;

use components::connection_view::ConnectionView;
use components::header::Header;
use components::inbox::{Handoff, InboxView};
use components::notices::Notices;
use components::persistence::Persistence;
use components::sidebar::Sidebar;
use components::templating::CustomSample;
use components::youlend::reconcile::ReconcileView;
use components::youlend::verify::VerifyPanel;
use components::youlend::{keep_text_undo, View};
use state::{Dispatcher, Editor, EditorHandle, SaveHandle};

#[component]
pub fn App() -> Html {
    let editor = use_reducer(components::persistence::initial_editor);
    let dispatcher: Dispatcher = editor.dispatcher();
    let saves = use_reducer(components::persistence::initial_save_status);
    // The worker that analyses large rules and holds a large custom context.
    let analysis = use_state(components::rule_analysis::AnalysisWorker::default);
    {
        let analysis = (*analysis).clone();
        use_effect_with(editor.custom_context.clone(), move |text| {
            analysis.set_context(text)
        });
    }
    // The pasted custom context for every panel that previews with it: parsed
    // once here when small, by the analysis worker when large.
    let custom = components::rule_analysis::use_custom_sample_of(
        (*analysis).clone(),
        editor.custom_context.clone(),
        editor.selected_connection().cloned(),
    );
    let view =
        use_state(|| View::from_hash(&gloo::utils::window().location().hash().unwrap_or_default()));
    let on_view = {
        let view = view.clone();
        Callback::from(move |next: View| {
            remember_view(next);
            view.set(next);
        })
    };
    // Deliveries the Inbox hands to Reconcile.
    let handoff = use_state(|| None::<Handoff>);
    let on_reconcile = {
        let handoff = handoff.clone();
        let on_view = on_view.clone();
        Callback::from(move |(text, source): (String, String)| {
            let id = handoff.as_ref().map_or(1, |h| h.id + 1);
            handoff.set(Some(Handoff {
                id,
                text: text.into(),
                source,
            }));
            on_view.emit(View::Reconcile);
        })
    };
    let on_sampled = on_view.reform(|()| View::Connections);
    html! {
        <ContextProvider<EditorHandle> context={editor}>
        <ContextProvider<Dispatcher> context={dispatcher}>
        <ContextProvider<SaveHandle> context={saves}>
        <ContextProvider<CustomSample> context={custom}>
        <ContextProvider<components::rule_analysis::AnalysisWorker> context={(*analysis).clone()}>
            <Persistence />
            <div class="app">
                <Header view={*view} {on_view} />
                <Notices />
                if *view == View::Connections {
                    <div class="app-body">
                        <Sidebar />
                        <main class="main-pane" id="main" tabindex="-1">
                            <ConnectionView />
                        </main>
                    </div>
                } else {
                    <div class="app-body">
                        <main class="main-pane youlend-pane" id="main" tabindex="-1" onkeydown={keep_text_undo()}>
                            { match *view {
                                View::Reconcile => html! { <ReconcileView handoff={(*handoff).clone()} /> },
                                View::Inbox => html! { <InboxView {on_reconcile} {on_sampled} /> },
                                _ => html! { <VerifyPanel /> },
                            } }
                        </main>
                    </div>
                }
            </div>
        </ContextProvider<components::rule_analysis::AnalysisWorker>>
        </ContextProvider<CustomSample>>
        </ContextProvider<SaveHandle>>
        </ContextProvider<Dispatcher>>
        </ContextProvider<EditorHandle>>
    }
}

/// Keeps the view in the URL's hash (without a history entry), so a reload stays on it.
fn remember_view(view: View) {
    let window = gloo::utils::window();
    let url = format!(
        "{}{}{}",
        window.location().pathname().unwrap_or_default(),
        window.location().search().unwrap_or_default(),
        view.hash()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The editor as a test or a fresh page starts it, without reading storage.
pub fn fresh_editor() -> Editor {
    Editor::with_examples()
}
