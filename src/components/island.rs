//! A part of the page drawn by the on-demand `tools` bundle (an *island*):
//! `IslandHost` draws a host element, imports the bundle once the page has
//! painted (`services::tools_bundle`), and calls the bundle's export `mount`
//! (`mount_test_send`, `mount_dry_run`: see `src/bin/tools.rs`) with the host,
//! the island's input as JSON and one function of the page's, `page(kind,
//! data)`, through which the island asks the page for something or tells it
//! something (`on_call` answers). New input goes to the island's `update`; the
//! island is destroyed with the host. Until it is mounted a loading state, and
//! if the import fails an error with Try again.
//!
//! The island is a second Yew app inside the page's tree: each Yew app handles
//! the events of the elements its roots branded with their ids, and the
//! bundle's first root (`#tools`) takes id 1, the page's, so an island's ids
//! are never the page's.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::services::tools_bundle;

/// The page's function an island calls: `page(kind, data)` → the page's answer.
#[derive(Clone, PartialEq)]
pub struct PageSide(pub Function);

impl PageSide {
    pub fn call(&self, kind: &str, data: &str) -> Option<String> {
        self.answer(kind, data).as_string()
    }

    /// The page's answer as it is: an object the page hands over (see `IslandHostProps::on_take`).
    pub fn answer(&self, kind: &str, data: &str) -> JsValue {
        self.0
            .call2(
                &JsValue::NULL,
                &JsValue::from_str(kind),
                &JsValue::from_str(data),
            )
            .unwrap_or_default()
    }
}

/// An island's root component's props (in the bundle).
#[derive(Properties, PartialEq)]
pub struct IslandProps {
    /// The input the page sent, as JSON.
    pub input: AttrValue,
    pub page: PageSide,
}

#[derive(Properties, PartialEq)]
pub struct IslandHostProps {
    /// The bundle's export that mounts the island.
    pub mount: &'static str,
    /// The island's input, as JSON.
    pub input: AttrValue,
    /// Answers the island's `page(kind, data)` calls.
    pub on_call: Callback<(String, String), String>,
    /// Hands the island an object of the page's for `kind` (undefined: none;
    /// then `on_call` answers): the dry run's worker, started with the page.
    #[prop_or(Callback::from(|_| JsValue::UNDEFINED))]
    pub on_take: Callback<String, JsValue>,
    /// What the island is, for the loading and error texts: "the dry run".
    pub what: &'static str,
    /// The data-testid prefix of the loading state and the error: `{testid}-loading`, `{testid}-error`.
    pub testid: &'static str,
    /// For an island that is a section of its own: the section drawn around the
    /// loading state and the error, as `(class, heading id, heading)`, so the
    /// outline's link finds its heading at once.
    #[prop_or_default]
    pub section: Option<(&'static str, &'static str, &'static str)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Ready,
    Failed(String),
}

/// The mounted island: the bundle's handle, and the page's function it calls.
struct Mounted {
    handle: JsValue,
    _page: Closure<dyn Fn(String, String) -> JsValue>,
}

impl Drop for Mounted {
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
pub fn IslandHost(props: &IslandHostProps) -> Html {
    let load = use_state(|| Load::Loading);
    let attempt = use_state(|| 0u32);
    let host = use_node_ref();
    let mounted = use_mut_ref(|| None::<Mounted>);
    // Read when the island calls: the newest answerer.
    let answer = use_mut_ref(|| (props.on_call.clone(), props.on_take.clone()));
    *answer.borrow_mut() = (props.on_call.clone(), props.on_take.clone());
    // The newest input, for the mount (the first one may be stale by then).
    let input = use_mut_ref(AttrValue::default);
    *input.borrow_mut() = props.input.clone();
    {
        let load = load.clone();
        let host = host.clone();
        let mounted = mounted.clone();
        let input = input.clone();
        let mount = props.mount;
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
                    let page = Closure::<dyn Fn(String, String) -> JsValue>::new(
                        move |kind: String, data: String| {
                            let (on_call, on_take) = answer.borrow().clone();
                            let taken = on_take.emit(kind.clone());
                            if taken.is_undefined() {
                                JsValue::from_str(&on_call.emit((kind, data)))
                            } else {
                                taken
                            }
                        },
                    );
                    let first = input.borrow().to_string();
                    let args = [
                        element.into(),
                        JsValue::from_str(&first),
                        page.as_ref().clone(),
                    ];
                    match call(&module, mount, &args) {
                        Ok(handle) => {
                            *mounted.borrow_mut() = Some(Mounted {
                                handle,
                                _page: page,
                            });
                            load.set(Load::Ready);
                        }
                        Err(_) => load.set(Load::Failed(format!("the bundle has no {mount}"))),
                    }
                });
            }
            move || *alive.borrow_mut() = false
        });
    }
    // The island follows its input.
    {
        let mounted = mounted.clone();
        use_effect_with((props.input.clone(), (*load).clone()), move |(json, _)| {
            if let Some(island) = &*mounted.borrow() {
                let _ = call(&island.handle, "update", &[JsValue::from_str(json)]);
            }
        });
    }
    // Gone with the host.
    {
        let mounted = mounted.clone();
        use_effect_with((), move |_| move || drop(mounted.borrow_mut().take()));
    }
    let retry = {
        let load = load.clone();
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| {
            load.set(Load::Loading);
            attempt.set(*attempt + 1);
        })
    };
    let what = props.what;
    let waiting = match &*load {
        Load::Ready => Html::default(),
        Load::Loading => html! {
            <p class="muted" role="status" aria-busy="true" data-testid={format!("{}-loading", props.testid)}>
                { format!("Loading {what}…") }
            </p>
        },
        Load::Failed(message) => html! {
            <div class="notice warning" role="alert" data-testid={format!("{}-error", props.testid)}>
                <span>{ format!("{} could not be loaded: {message}. Check the connection and try again.", super::sentence(what)) }</span>
                <button type="button" class="button" onclick={retry}>{ "Try again" }</button>
            </div>
        },
    };
    let waiting = match props.section {
        Some((class, id, heading)) if *load != Load::Ready => html! {
            <section class={classes!("panel", class)} aria-labelledby={id}>
                <div class="panel-head"><h3 {id}>{ heading }</h3></div>
                { waiting }
            </section>
        },
        _ => waiting,
    };
    html! {
        <>
            <div class="island" ref={host}></div>
            { waiting }
        </>
    }
}
