//! The connection's outline: a link to each section (Trigger, Dry run,
//! Request, Payload, Preview), kept in view at the top of the pane, that moves
//! focus to the section's heading, so a long connection is moved around by
//! mouse or keyboard alike.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Each section's label and the id of its heading, in page order.
pub const SECTIONS: [(&str, &str); 5] = [
    ("Trigger", "trigger-title"),
    ("Dry run", "dry-run-title"),
    ("Request", "request-title"),
    ("Payload", "payload-title"),
    ("Preview", "test-title"),
];

/// Moves focus to a section's heading (focusable for this, not in the tab
/// order), which scrolls it into view under the outline.
fn go_to(id: &str) {
    let Some(heading) = gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    if !heading.has_attribute("tabindex") {
        let _ = heading.set_attribute("tabindex", "-1");
    }
    let _ = heading.focus();
}

#[component]
pub fn SectionOutline() -> Html {
    let links = SECTIONS.iter().map(|&(label, id)| {
        // The URL's hash holds the view and share links: the link is handled here.
        let onclick = Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            go_to(id);
        });
        html! {
            <li><a class="outline-link" href={format!("#{id}")} {onclick}>{ label }</a></li>
        }
    });
    html! {
        <nav class="section-outline" aria-label="Sections of this connection">
            <ul>{ for links }</ul>
        </nav>
    }
}
