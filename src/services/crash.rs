//! The last line of defence: a panic is reported in the page (and the
//! console) instead of leaving a silently dead editor. The e2e suite fails on
//! any console error, so it also proves this is never reached.

use wasm_bindgen::JsCast;

/// Reports panics to the console and in a banner over the page. The
/// workspace is already saved (autosave), so reloading loses nothing.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_banner(&info.to_string());
    }));
}

fn show_banner(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_class_name("crash-banner");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "crash");
    // Text only: the detail is never interpreted as HTML.
    banner.set_text_content(Some(&format!(
        "Hookwright hit an internal error and stopped responding. Your work up to the last change is saved: reload the page to continue. Details: {detail}"
    )));
    if let Some(body) = document.body() {
        let _ = body.append_child(banner.unchecked_ref());
    }
}
