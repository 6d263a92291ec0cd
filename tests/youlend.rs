//! The YouLend views in a real browser (wasm-bindgen-test in headless Chromium): switching views,
//! the Verify panel's verdict as fields are typed, and the sample batch reconciled in the page.
#![cfg(target_arch = "wasm32")]

mod common;

use std::time::Duration;

use hookwright_core::youlend::sign;
use hookwright_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

use common::fresh_root;

fn tab(root: &Element, name: &str) -> HtmlElement {
    let tabs = root.query_selector_all(".view-tab").unwrap();
    (0..tabs.length())
        .map(|i| tabs.item(i).unwrap().dyn_into::<HtmlElement>().unwrap())
        .find(|t| t.text_content().as_deref() == Some(name))
        .unwrap_or_else(|| panic!("a tab named {name}"))
}

fn type_into(root: &Element, selector: &str, value: &str) {
    let element = root.query_selector(selector).unwrap().unwrap();
    if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
        area.set_value(value);
    } else {
        element
            .dyn_ref::<HtmlInputElement>()
            .unwrap()
            .set_value(value);
    }
    let init = EventInit::new();
    init.set_bubbles(true);
    element
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

fn verdict(root: &Element) -> String {
    root.query_selector("[data-testid=verify-result]")
        .unwrap()
        .unwrap()
        .get_attribute("data-value")
        .unwrap()
}

#[wasm_bindgen_test]
async fn verify_panel_gives_a_verdict_as_fields_are_filled() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    tab(&root, "Verify").click();
    yew::scheduler::flush().await;
    assert_eq!(verdict(&root), "incomplete");
    assert_eq!(
        tab(&root, "Verify")
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );

    let body = r#"{"EventCode":"LOA10040"}"#;
    let secret = "dGVzdC1zZWNyZXQ=";
    type_into(&root, "#verify-body", body);
    type_into(
        &root,
        "#verify-header",
        &sign(b"test-secret", body.as_bytes()),
    );
    type_into(&root, "#verify-secret", secret);
    yew::scheduler::flush().await;
    assert_eq!(verdict(&root), "valid");
    let result = root
        .query_selector("[data-testid=verify-result]")
        .unwrap()
        .unwrap();
    assert_eq!(
        result.get_attribute("data-key").as_deref(),
        Some("base64Decoded")
    );

    type_into(&root, "#verify-body", &format!("{body}\n"));
    yew::scheduler::flush().await;
    assert_eq!(verdict(&root), "invalid");
    assert!(result
        .text_content()
        .unwrap()
        .contains("trailing line break"));

    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    for i in 0..storage.length().unwrap() {
        let key = storage.key(i).unwrap().unwrap();
        let value = storage.get_item(&key).unwrap().unwrap_or_default();
        assert!(!value.contains(secret) && !key.contains(secret));
    }
}

#[wasm_bindgen_test]
async fn the_sample_batch_reconciles_in_the_page() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    tab(&root, "Reconcile").click();
    yew::scheduler::flush().await;
    assert!(root
        .query_selector("[data-testid=reconcile-empty]")
        .unwrap()
        .is_some());

    let buttons = root.query_selector_all("main button").unwrap();
    let sample = (0..buttons.length())
        .map(|i| buttons.item(i).unwrap().dyn_into::<HtmlElement>().unwrap())
        .find(|b| b.text_content().as_deref() == Some("Load sample batch"))
        .unwrap();
    sample.click();
    // The batch is read between yields to the browser: wait for the report.
    let mut results = None;
    for _ in 0..200 {
        yew::platform::time::sleep(Duration::from_millis(10)).await;
        yew::scheduler::flush().await;
        results = root
            .query_selector("[data-testid=reconcile-results]")
            .unwrap();
        if results.is_some() {
            break;
        }
    }
    assert!(results.is_some(), "the report appears");
    let count = |testid: &str| {
        root.query_selector(&format!("[data-testid={testid}] tbody"))
            .unwrap()
            .unwrap()
            .child_element_count()
    };
    assert_eq!(count("settlements"), 3);
    assert_eq!(count("manual-payments"), 3);
    assert_eq!(count("reconcile-errors"), 2);
    assert_eq!(count("loans"), 4);
    let duplicates = root
        .query_selector("[data-testid=duplicates]")
        .unwrap()
        .unwrap();
    assert_eq!(duplicates.text_content().as_deref(), Some("1"));

    // Back to Connections: the editor is as it was.
    tab(&root, "Connections").click();
    yew::scheduler::flush().await;
    assert!(root.query_selector("#connection-title").unwrap().is_some());
}
