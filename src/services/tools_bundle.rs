//! The on-demand `tools` bundle's module, imported once for the page: the
//! Reconcile, Verify and Inbox views (`tools_host`) and the test-send panel
//! (`test_send_host`) both come from it. Importing it runs its `main`, which
//! mounts the views' app into `#tools`; a failed import is forgotten, so the
//! next call tries again.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "
let ready = null;
let attempts = 0;
export function tools_module(url) {
  if (ready) return ready;
  // The browser remembers a failed import: each try after one asks for a new URL.
  attempts += 1;
  const loading = import(attempts === 1 ? url : `${url}?attempt=${attempts}`)
    .then(async (m) => { await m.default(); return m; });
  ready = loading;
  loading.catch(() => { if (ready === loading) ready = null; });
  return loading;
}
export function near_view(element, margin) {
  return new Promise((resolve) => {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { observer.disconnect(); resolve(); }
    }, { rootMargin: margin });
    observer.observe(element);
  });
}
export function after_paint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}")]
extern "C" {
    /// The bundle's module (its exports), started once.
    fn tools_module(url: &str) -> js_sys::Promise;
    fn after_paint() -> js_sys::Promise;
    fn near_view(element: &web_sys::Element, margin: &str) -> js_sys::Promise;
}

/// Resolves once `element` is within 600 px of the viewport: work for a part
/// of the page far below waits until the user heads there.
pub async fn near(element: &web_sys::Element) {
    let _ = wasm_bindgen_futures::JsFuture::from(near_view(element, "600px")).await;
}

/// Resolves once the page has painted the frame being built: work that
/// can wait (downloading, compiling) then leaves the first paint alone.
pub async fn painted() {
    let _ = wasm_bindgen_futures::JsFuture::from(after_paint()).await;
}

/// The bundle's JavaScript, whose hashed name the release build writes into
/// index.html's `hookwright-tools` meta tag.
fn bundle_url() -> Option<String> {
    gloo::utils::document()
        .query_selector("meta[name=hookwright-tools]")
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
}

/// Imports and starts the bundle (once): its module, or the error in words.
pub async fn load() -> Result<JsValue, String> {
    let Some(url) = bundle_url() else {
        return Err("this build of the page has no tools bundle".to_string());
    };
    wasm_bindgen_futures::JsFuture::from(tools_module(&url))
        .await
        .map_err(|error| describe(&error))
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the download failed".to_string())
}
