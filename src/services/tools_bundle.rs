//! The on-demand `tools` bundle's module, imported once for the page: the
//! Reconcile, Verify and Inbox views (`tools_host`) and the islands
//! (`island`) all come from it. Importing it runs its `main`, which mounts
//! the views' app into `#tools`; a failed import is forgotten, so the next
//! call tries again. Also when work that can wait may start (`painted`, `near`).
//!
//! All of it is Rust, with no JavaScript snippet: Trunk builds three bins of
//! this crate at once, and each would write its copy of a snippet to the same
//! `snippets/` file while Trunk reads it for the page's `integrity`.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

/// The page's import of the bundle: the one promise every caller awaits while
/// it is on its way or done, and how many imports were started.
struct Import {
    started: u32,
    loading: Option<Promise>,
}

thread_local! {
    // What a JavaScript module would hold at its top level: one import for
    // every caller in the page (the host of the views and each island).
    static IMPORT: RefCell<Import> = const {
        RefCell::new(Import {
            started: 0,
            loading: None,
        })
    };
}

/// Resolves once `element` is within 600 px of the viewport: work for a part
/// of the page far below waits until the user heads there.
pub async fn near(element: &web_sys::Element) {
    let seen = Promise::new(&mut |resolve: Function, _reject| {
        let on_change = Closure::<dyn FnMut(Array, IntersectionObserver)>::new({
            let resolve = resolve.clone();
            move |entries: Array, observer: IntersectionObserver| {
                let intersecting = entries.iter().any(|entry| {
                    entry
                        .unchecked_into::<IntersectionObserverEntry>()
                        .is_intersecting()
                });
                if intersecting {
                    observer.disconnect();
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            }
        });
        let options = IntersectionObserverInit::new();
        options.set_root_margin("600px");
        // The observer owns its callback from here: both go with the element
        // when it never comes near (`into_js_value` leaves it to the GC).
        match IntersectionObserver::new_with_options(
            on_change.into_js_value().unchecked_ref(),
            &options,
        ) {
            Ok(observer) => observer.observe(element),
            Err(_) => {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    });
    let _ = JsFuture::from(seen).await;
}

/// Resolves once the page has painted the frame being built, and all of its
/// own code is in (`page_code`): work that can wait (downloading, compiling)
/// then leaves the first paint, and the rest of the page after it, alone.
pub async fn painted() {
    super::page_code::completed().await;
    next_paint().await;
}

/// Resolves after the browser has painted the frame being built.
pub async fn next_paint() {
    // The next frame's callbacks run before its paint (so do the microtasks
    // after them); a task queued from there runs after it.
    let window = gloo::utils::window();
    let frame = Promise::new(&mut |resolve: Function, _reject| {
        if window.request_animation_frame(&resolve).is_err() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(frame).await;
    let task = Promise::new(&mut |resolve: Function, _reject| {
        if window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .is_err()
        {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(task).await;
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
/// The first caller imports it; every caller awaits the one promise.
pub async fn load() -> Result<JsValue, String> {
    let Some(url) = bundle_url() else {
        return Err("this build of the page has no tools bundle".to_string());
    };
    let (loading, first) = IMPORT.with(|import| {
        let mut import = import.borrow_mut();
        if let Some(loading) = &import.loading {
            return (loading.clone(), None);
        }
        import.started += 1;
        let mut settle = None;
        let loading = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
        import.loading = Some(loading.clone());
        (loading, settle.map(|settle| (import.started, settle)))
    });
    let answer = JsFuture::from(loading);
    if let Some((attempt, (resolve, reject))) = first {
        // The browser remembers a failed import: each try after one asks for a new URL.
        let url = if attempt == 1 {
            url
        } else {
            format!("{url}?attempt={attempt}")
        };
        let _ = match import_and_start(&url).await {
            Ok(module) => resolve.call1(&JsValue::NULL, &module),
            Err(error) => {
                // Forgotten, so the next call tries again.
                IMPORT.with(|import| import.borrow_mut().loading = None);
                reject.call1(&JsValue::NULL, &error)
            }
        };
    }
    answer.await.map_err(|error| describe(&error))
}

/// `import(url)`, then the module's default export, wasm-bindgen's `init`,
/// which fetches the bundle's wasm and runs its `main`.
async fn import_and_start(url: &str) -> Result<JsValue, JsValue> {
    // `import()` is syntax, not a function, so neither js_sys nor web_sys can
    // call it (wasm-bindgen has no binding for it); a function made from its
    // text can. index.html sets no Content-Security-Policy that forbids that
    // (`script-src` without 'unsafe-eval' would). The URL is resolved against
    // the document, as the meta tag's absolute path needs.
    let import = Function::new_with_args("url", "return import(url)");
    let module = import.call1(&JsValue::NULL, &JsValue::from_str(url))?;
    let module = JsFuture::from(Promise::resolve(&module)).await?;
    let init: Function = Reflect::get(&module, &JsValue::from_str("default"))?.dyn_into()?;
    let started = init.call0(&JsValue::NULL)?;
    JsFuture::from(Promise::resolve(&started)).await?;
    Ok(module)
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the download failed".to_string())
}
