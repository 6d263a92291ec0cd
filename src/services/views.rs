//! The channel between the page and the on-demand `tools` bundle (the Reconcile, Verify and
//! Inbox views, a second wasm with its own Yew app): three window `CustomEvent`s whose
//! `detail` is a string. Two wasm instances share no memory, so this is all they pass.
//!
//! - `hookwright:view` (page → tools): the view the header switched to, as its URL hash.
//! - `hookwright:navigate` (tools → page): show this view (the Inbox's "Reconcile" buttons,
//!   or the connections after a body became the sample).
//! - `hookwright:use-sample` (tools → page): this text becomes the custom sample context.

use gloo::events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, CustomEventInit};

use crate::components::youlend::View;

pub const VIEW: &str = "hookwright:view";
pub const NAVIGATE: &str = "hookwright:navigate";
pub const USE_SAMPLE: &str = "hookwright:use-sample";

/// Dispatches `name` on the window with `detail` as its text.
pub fn announce(name: &str, detail: &str) {
    let init = CustomEventInit::new();
    init.set_detail(&JsValue::from_str(detail));
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = gloo::utils::window().dispatch_event(&event);
    }
}

/// Calls `on_detail` with the text of each `name` event until the listener is dropped.
pub fn listen(name: &'static str, on_detail: impl Fn(String) + 'static) -> EventListener {
    EventListener::new(&gloo::utils::window(), name, move |event| {
        let detail = event
            .dyn_ref::<CustomEvent>()
            .and_then(|e| e.detail().as_string());
        if let Some(detail) = detail {
            on_detail(detail);
        }
    })
}

/// The view the URL's hash names now (the page keeps it there).
pub fn current_view() -> View {
    View::from_hash(&gloo::utils::window().location().hash().unwrap_or_default())
}
