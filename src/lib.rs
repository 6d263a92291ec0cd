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

use components::connection_view::connection_view;
use components::header::header;
use components::notices::Notices;
use components::sidebar::Sidebar;
use components::templating::CustomSample;
use components::tools_host::ToolsHost;
use components::youlend::View;
use components::Handles;
use services::views;
use state::{Dispatcher, Editor, EditorHandle};

#[component]
pub fn App() -> Html {
    let editor = use_reducer(components::persistence::initial_editor);
    let dispatcher: Dispatcher = editor.dispatcher();
    let saves = use_reducer(components::persistence::initial_save_status);
    components::persistence::use_persistence(editor.clone(), saves.clone());
    // The worker that analyses large rules and holds a large custom context.
    let analysis = use_state(components::rule_analysis::AnalysisWorker::default);
    {
        let analysis = (*analysis).clone();
        // A file context went to the worker as a File already (`CustomContext`).
        let file = editor.custom_file.is_some();
        use_effect_with(
            (editor.custom_context.clone(), file),
            move |(text, file)| {
                if !file {
                    analysis.set_context(text)
                }
            },
        );
    }
    // The pasted custom context for every panel that previews with it: parsed
    // once here when small, by the analysis worker when large.
    let custom = components::rule_analysis::use_custom_sample_of(
        (*analysis).clone(),
        editor.custom_context.clone(),
        editor.custom_file.clone(),
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
    // What the on-demand views (Reconcile, Verify, Inbox: the `tools` bundle) ask of the page.
    {
        let on_view = on_view.clone();
        let dispatcher = dispatcher.clone();
        use_effect_with((), move |_| {
            let navigate = {
                let on_view = on_view.clone();
                views::listen(views::NAVIGATE, move |hash| {
                    on_view.emit(View::from_hash(&hash))
                })
            };
            let use_sample = views::listen(views::USE_SAMPLE, move |text| {
                dispatcher.dispatch(state::Action::SetCustomContext(text));
                on_view.emit(View::Connections);
            });
            move || drop((navigate, use_sample))
        });
    }
    // The release build's page code arrives in two parts: the sections below the trigger are
    // drawn once the second is in, right after the first paint (`services::page_code`).
    let complete = use_state(services::page_code::complete);
    {
        let complete = complete.clone();
        use_effect_with((), move |_| {
            // `completed` asks again here: the rest may have come in while the page first
            // rendered (loaded at once by a placeholder).
            if !*complete {
                wasm_bindgen_futures::spawn_local(async move {
                    services::page_code::completed().await;
                    complete.set(true);
                });
            }
        });
    }
    html! {
        <ContextProvider<EditorHandle> context={editor.clone()}>
        <ContextProvider<Handles> context={Handles { dispatch: dispatcher, analysis: (*analysis).clone() }}>
        <ContextProvider<CustomSample> context={custom}>
            <div class="app">
                { header(*view, &on_view, &editor, &saves) }
                <Notices saves={saves.clone()} />
                if *view == View::Connections {
                    <div class="app-body">
                        <Sidebar />
                        <main class="main-pane" id="main" tabindex="-1">
                            { connection_view(&editor, *complete) }
                        </main>
                    </div>
                }
                <ToolsHost view={*view} />
            </div>
        </ContextProvider<CustomSample>>
        </ContextProvider<Handles>>
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
