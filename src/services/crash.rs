//! The last line of defence: a panic is reported in the page (and the
//! console) instead of leaving a silently dead editor. The e2e suite fails on
//! any console error, so it also proves this is never reached.

use wasm_bindgen::JsCast;

/// Reports panics to the console and in a banner over the page, saying what
/// is true of the stored workspace (the hook cannot know of edits after it).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_banner(&info.to_string());
    }));
}

/// What the banner says: when the workspace was last saved, if it ever was.
pub fn banner_text(saved_at: Option<f64>, detail: &str) -> String {
    let saved = match saved_at {
        Some(at) => format!(
            "Your workspace was last saved in this browser at {}; changes made after that may be lost.",
            super::storage::clock(at)
        ),
        None => "Nothing from this session was saved in this browser, so its changes may be lost.".to_string(),
    };
    format!("Hookwright hit an internal error and stopped responding. {saved} Reload the page to continue. Details: {detail}")
}

pub fn show_banner(detail: &str) {
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
    banner.set_text_content(Some(&banner_text(super::storage::saved_at(), detail)));
    if let Some(body) = document.body() {
        let _ = body.append_child(banner.unchecked_ref());
    }
}
