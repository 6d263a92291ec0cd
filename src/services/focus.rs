//! Focus after an edit that redraws or removes the focused control: once the
//! page has drawn the change just dispatched, the first of a list of places
//! that exists (and is enabled) takes focus, so a keyboard user carries on
//! where they were instead of from the top of the page.

use wasm_bindgen::JsCast;

/// An element by its accessible name (`aria-label`), enabled.
pub fn labelled(label: &str) -> String {
    format!(
        "[aria-label=\"{}\"]:not(:disabled)",
        label.replace('"', "\\\"")
    )
}

/// Focuses the first element matching one of `selectors`, in order, after the next render.
pub fn after_render(selectors: Vec<String>) {
    gloo::timers::callback::Timeout::new(0, move || {
        let document = gloo::utils::document();
        let target = selectors
            .iter()
            .find_map(|selector| document.query_selector(selector).ok().flatten())
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(target) = target {
            let _ = target.focus();
        }
    })
    .forget();
}
