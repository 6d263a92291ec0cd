//! The page's end of the test-send panel (`test_send`), which the on-demand
//! `tools` bundle draws into a host element here: the bundle is imported
//! once the panel has first been painted, with a loading state and, if that
//! fails, an error with Try again. The page renders the request and hands it
//! to the bundle (`SendInput` as JSON) when the inputs settle, and on a send
//! the newest one through `current()`; the bundle calls `on_sent()` when a
//! send ends.
//!
//! The bundle's app is a second Yew app inside the page's own tree: each
//! Yew app handles the events of the elements it branded with its root's id,
//! and the bundle's first root (`#tools`) takes id 1, the page's, so the
//! panel's root is never 1 (see `src/bin/tools.rs`).

use std::cell::RefCell;
use std::rc::Rc;

use hookwright_core::connection::Connection;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use super::preview::render_for_sample;
use super::templating::CustomSample;
use super::test_send::SendInput;
use crate::services::tools_bundle;

#[derive(Properties, PartialEq)]
pub struct TestSendHostProps {
    /// The connection as it is now (what a send sends).
    pub connection: Rc<Connection>,
    /// The connection once typing paused (what the panel shows).
    pub settled: Rc<Connection>,
    pub custom: CustomSample,
    pub trace: AttrValue,
    pub lenient: bool,
    pub on_sent: Callback<()>,
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Ready,
    Failed(String),
}

/// The mounted panel: the bundle's handle and the page's functions it calls.
struct Island {
    handle: JsValue,
    _current: Closure<dyn Fn() -> String>,
    _on_sent: Closure<dyn Fn()>,
}

impl Drop for Island {
    fn drop(&mut self) {
        let _ = call(&self.handle, "destroy", &[]);
        let _ = call(&self.handle, "free", &[]);
    }
}

/// Calls `object.name(args…)`.
fn call(object: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(object, &JsValue::from_str(name))?.dyn_into()?;
    function.apply(object, &args.iter().collect::<Array>())
}

#[component]
pub fn TestSendHost(props: &TestSendHostProps) -> Html {
    let load = use_state(|| Load::Loading);
    let attempt = use_state(|| 0u32);
    let host = use_node_ref();
    let island = use_mut_ref(|| None::<Island>);
    // Read only when the bundle calls: what a finished send calls, and the
    // newest inputs (made JSON then, not on every keystroke).
    let sent = use_mut_ref(|| None::<Callback<()>>);
    *sent.borrow_mut() = Some(props.on_sent.clone());
    // The request rendered from each: the settled inputs for the panel, the newest for a send.
    let input = |connection: &Connection, custom: &CustomSample, trace: &str, lenient: bool| {
        let request = render_for_sample(connection, custom, trace, lenient).ok();
        SendInput::new(connection, request).to_json()
    };
    let live = use_mut_ref(|| None::<(Rc<Connection>, CustomSample, AttrValue, bool)>);
    *live.borrow_mut() = Some((
        props.connection.clone(),
        props.custom.clone(),
        props.trace.clone(),
        props.lenient,
    ));
    let shown = use_memo(
        (
            props.settled.clone(),
            props.custom.clone(),
            props.trace.clone(),
            props.lenient,
        ),
        |(settled, custom, trace, lenient)| input(settled, custom, trace, *lenient),
    );
    {
        let load = load.clone();
        let host = host.clone();
        let island = island.clone();
        let live = live.clone();
        let sent = sent.clone();
        let first = shown.clone();
        use_effect_with(*attempt, move |_| {
            let alive = Rc::new(RefCell::new(true));
            {
                let alive = alive.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    tools_bundle::painted().await;
                    let module = match tools_bundle::load().await {
                        Ok(module) => module,
                        Err(message) => {
                            if *alive.borrow() {
                                load.set(Load::Failed(message));
                            }
                            return;
                        }
                    };
                    let Some(element) = host.get().filter(|_| *alive.borrow()) else {
                        return;
                    };
                    let current =
                        Closure::<dyn Fn() -> String>::new(move || match &*live.borrow() {
                            Some((connection, custom, trace, lenient)) => {
                                input(connection, custom, trace, *lenient)
                            }
                            None => String::new(),
                        });
                    let on_sent = Closure::<dyn Fn()>::new(move || {
                        let callback = sent.borrow().clone();
                        if let Some(callback) = callback {
                            callback.emit(());
                        }
                    });
                    let mounted = call(
                        &module,
                        "mount_test_send",
                        &[
                            element.into(),
                            JsValue::from_str(&first),
                            current.as_ref().clone(),
                            on_sent.as_ref().clone(),
                        ],
                    );
                    match mounted {
                        Ok(handle) => {
                            *island.borrow_mut() = Some(Island {
                                handle,
                                _current: current,
                                _on_sent: on_sent,
                            });
                            load.set(Load::Ready);
                        }
                        Err(_) => load.set(Load::Failed(
                            "the bundle has no test-send panel".to_string(),
                        )),
                    }
                });
            }
            move || {
                *alive.borrow_mut() = false;
            }
        });
    }
    // The panel follows the settled inputs.
    {
        let island = island.clone();
        use_effect_with((shown, (*load).clone()), move |(json, _)| {
            if let Some(island) = &*island.borrow() {
                let _ = call(
                    &island.handle,
                    "update",
                    &[JsValue::from_str(json.as_str())],
                );
            }
        });
    }
    // Gone with the page's panel.
    {
        let island = island.clone();
        use_effect_with((), move |_| move || drop(island.borrow_mut().take()));
    }
    let retry = {
        let load = load.clone();
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| {
            load.set(Load::Loading);
            attempt.set(*attempt + 1);
        })
    };
    html! {
        <div class="test-send">
            <div class="test-send-island" ref={host}></div>
            { match &*load {
                Load::Ready => html! {},
                Load::Loading => html! {
                    <p class="muted" role="status" aria-busy="true" data-testid="test-send-loading">
                        { "Loading the test send…" }
                    </p>
                },
                Load::Failed(message) => html! {
                    <div class="notice warning" role="alert" data-testid="test-send-error">
                        <span>{ format!("The test send could not be loaded: {message}. Check the connection and try again.") }</span>
                        <button type="button" class="button" onclick={retry}>{ "Try again" }</button>
                    </div>
                },
            } }
        </div>
    }
}
