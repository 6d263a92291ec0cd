//! The YouLend views in a real browser (wasm-bindgen-test in headless Chromium): switching views
//! (the views are the tools bundle's app, mounted beside the page's as in index.html), and the
//! Verify panel's verdict as fields are typed (the Reconcile view runs in the dry run's worker,
//! which only the release build has: e2e/tests/youlend.test.mjs covers it).
#![cfg(target_arch = "wasm32")]

mod common;

use hookwright_core::youlend::sign;
use hookwright_web::components::tools_app::ToolsApp;
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
    // The page and the tools bundle's app, each in a root of its own as index.html has them.
    let page = fresh_root();
    yew::Renderer::<App>::with_root(page.clone()).render();
    yew::scheduler::flush().await;
    tab(&page, "Verify").click();
    yew::scheduler::flush().await;
    assert_eq!(
        tab(&page, "Verify")
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );
    // This test build has no tools bundle to download: the page says so.
    assert!(page
        .query_selector("[data-testid=tools-error]")
        .unwrap()
        .is_some());
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<ToolsApp>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    assert_eq!(verdict(&root), "incomplete");

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
