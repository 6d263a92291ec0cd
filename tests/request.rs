//! The request, payload and test panels mounted in headless Chromium: the
//! stable hooks exist and show the selected connection; no network.
#![cfg(target_arch = "wasm32")]

mod common;

use hookwright_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlSelectElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

use common::fresh_root;

#[wasm_bindgen_test]
async fn the_customer_note_shows_in_the_editors_and_the_preview() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    let items = root.query_selector_all(".connection-item").unwrap();
    let note: HtmlElement = items.item(1).unwrap().dyn_into().unwrap();
    note.click();
    yew::scheduler::flush().await;

    let method: HtmlSelectElement = root
        .query_selector("select[aria-label='Method']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(method.value(), "PUT");
    let url: HtmlTextAreaElement = root
        .query_selector("textarea[aria-label='URL']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(url
        .value()
        .contains("Customers([[v('customer.primary.id')]])"));
    let body: HtmlTextAreaElement = root
        .query_selector("textarea[aria-label='Body']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(body.value().contains("Delinquencies"));
    // The example's token was left out of it: the preview says what to fill in.
    let preview = root
        .query_selector("[data-testid='request-preview']")
        .unwrap()
        .unwrap();
    assert!(preview.text_content().unwrap().contains("auth.token"));
    assert!(root
        .query_selector("input[type='file'][aria-label='Import']")
        .unwrap()
        .is_some());
}
