//! The connection's outline: a link to each section (Trigger, Dry run,
//! Request, Payload, Preview), kept in view at the top of the pane, that moves
//! focus to the section's heading, so a long connection is moved around by
//! mouse or keyboard alike; the section being read is marked.

use gloo::events::EventListener;
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

/// Moves a section's heading to the top of the pane and focus to it
/// (focusable for this, not in the tab order).
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
    // To the top (under the outline, by the heading's scroll margin), then focus.
    heading.scroll_into_view_with_bool(true);
    let _ = heading.focus();
}

/// The last section whose heading has reached the outline's bottom edge; the
/// last section once the pane is scrolled to its end, since a short last
/// section's heading never reaches the top.
fn section_in_view() -> usize {
    let document = gloo::utils::document();
    let at_end = document.get_element_by_id("main").is_some_and(|main| {
        main.scroll_top() > 0
            && main.scroll_top() + main.client_height() >= main.scroll_height() - 2
    });
    if at_end {
        return SECTIONS.len() - 1;
    }
    let edge = document
        .query_selector(".section-outline")
        .ok()
        .flatten()
        .map_or(0.0, |outline| outline.get_bounding_client_rect().bottom());
    SECTIONS
        .iter()
        .rposition(|(_, id)| {
            document
                .get_element_by_id(id)
                .is_some_and(|h| h.get_bounding_client_rect().top() <= edge + 32.0)
        })
        .unwrap_or(0)
}

#[component]
pub fn SectionOutline() -> Html {
    let current = use_state_eq(|| 0usize);
    {
        let current = current.clone();
        use_effect_with((), move |_| {
            let listener = gloo::utils::document()
                .get_element_by_id("main")
                .map(|main| {
                    EventListener::new(&main, "scroll", move |_| current.set(section_in_view()))
                });
            move || drop(listener)
        });
    }
    let links = SECTIONS.iter().enumerate().map(|(index, &(label, id))| {
        let here = *current == index;
        // The URL's hash holds the view and share links: the link is handled here.
        let onclick = Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            go_to(id);
        });
        html! {
            <li><a class={classes!("outline-link", here.then_some("current"))} href={format!("#{id}")}
                aria-current={here.then_some("location")} {onclick}>{ label }</a></li>
        }
    });
    html! {
        <nav class="section-outline" aria-label="Sections of this connection">
            <ul>{ for links }</ul>
        </nav>
    }
}
