//! Whether all of the page's own code is in. The release build splits the
//! page's wasm in two (`scripts/split-page`): what the first paint runs, and
//! the rest (the Request, Payload and Preview sections, every edit), which
//! index.html's loader (`scripts/split-loader.js`) fetches right after that
//! paint and reports on `window.hookwrightRest`; if it cannot, the loader
//! says so itself, with Try again, since drawing anything new here could need
//! the code that is missing. A build that is not split has no loader: its
//! code is all in from the start.

use gloo::events::EventListener;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// Whether the rest of the page's code is in.
pub fn complete() -> bool {
    let window = gloo::utils::window();
    match Reflect::get(&window, &JsValue::from_str("hookwrightRest")) {
        Ok(loader) if loader.is_object() => {
            Reflect::get(&loader, &JsValue::from_str("done")).is_ok_and(|done| done.is_truthy())
        }
        _ => true,
    }
}

/// Resolves once the rest is in (at once in a build that is not split): the loader's
/// `hookwright-rest` event says it is.
pub async fn completed() {
    if complete() {
        return;
    }
    let mut listener = None;
    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        listener = Some(EventListener::new(
            &gloo::utils::window(),
            "hookwright-rest",
            move |_| {
                if complete() {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            },
        ));
    });
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(listener);
}
