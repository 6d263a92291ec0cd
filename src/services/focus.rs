//! Focus after an edit that redraws or removes the focused control: once the
//! page has drawn the change just dispatched, what the caller looks for takes
//! focus, so a keyboard user carries on where they were instead of from the
//! top of the page.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

/// An element by its accessible name (`aria-label`), enabled.
pub fn labelled(label: &str) -> String {
    format!(
        "[aria-label=\"{}\"]:not(:disabled)",
        label.replace('"', "\\\"")
    )
}

/// Focuses the first element matching one of `selectors`, in order, after the next render.
pub fn after_render(selectors: Vec<String>) {
    once_drawn(move |document| {
        selectors
            .iter()
            .find_map(|selector| document.query_selector(selector).ok().flatten())
    });
}

/// Looks for the element to focus, or `None` while it is not drawn yet.
type Find = Box<dyn Fn(&Document) -> Option<Element>>;

/// Focuses what `find` returns, asked after the next render and then every
/// 16 ms until it returns something (a large rule's builder is redrawn from
/// the analysis worker's answer), for at most a second.
pub fn once_drawn(find: impl Fn(&Document) -> Option<Element> + 'static) {
    fn attempt(find: Find, tries: u32) {
        let found = find(&gloo::utils::document())
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        match found {
            Some(target) => {
                let _ = target.focus();
            }
            None if tries < 60 => {
                gloo::timers::callback::Timeout::new(16, move || attempt(find, tries + 1)).forget();
            }
            None => {}
        }
    }
    let find: Find = Box::new(find);
    gloo::timers::callback::Timeout::new(0, move || attempt(find, 0)).forget();
}
