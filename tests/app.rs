//! The app mounted in a real browser (wasm-bindgen-test in headless Chromium):
//! render into a fresh element, flush Yew's scheduler, read the DOM.
#![cfg(target_arch = "wasm32")]

mod common;

use hookwright_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

use common::fresh_root;

#[wasm_bindgen_test]
async fn shell_shows_the_seed_connection() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    let title = root.query_selector("#connection-title").unwrap().unwrap();
    assert_eq!(
        title.text_content().unwrap(),
        "Customer's Loan is 5 Days Past Due"
    );
    let items = root.query_selector_all(".connection-item").unwrap();
    assert_eq!(items.length(), 3);
}

#[wasm_bindgen_test]
async fn clicking_a_connection_opens_it() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    let items = root.query_selector_all(".connection-item").unwrap();
    let third: HtmlElement = items.item(2).unwrap().dyn_into().unwrap();
    third.click();
    yew::scheduler::flush().await;

    let title = root.query_selector("#connection-title").unwrap().unwrap();
    assert_eq!(title.text_content().unwrap(), "YouLend repayment to ledger");
    assert_eq!(third.get_attribute("aria-current").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
async fn the_trigger_panel_evaluates_the_seed_rule_live() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    let result = root
        .query_selector("[data-testid=rule-result]")
        .unwrap()
        .unwrap();
    assert_eq!(result.get_attribute("data-value").as_deref(), Some("true"));
    assert_eq!(
        root.query_selector_all("[data-testid=group]")
            .unwrap()
            .length(),
        2
    );
    assert_eq!(
        root.query_selector_all("[data-testid=condition]")
            .unwrap()
            .length(),
        3
    );
    let marks = root.query_selector_all(".mark-true").unwrap().length();
    assert!(marks >= 3, "true marks in the text: {marks}");

    let select: web_sys::HtmlSelectElement = root
        .query_selector("select[aria-label='Sample context']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    select.set_value("loan-current");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    let result = root
        .query_selector("[data-testid=rule-result]")
        .unwrap()
        .unwrap();
    assert_eq!(result.get_attribute("data-value").as_deref(), Some("false"));
}

#[wasm_bindgen_test]
fn the_crash_banner_says_only_what_is_known_of_the_last_save() {
    use hookwright_web::services::crash::banner_text;
    let never = banner_text(None, "boom");
    assert!(
        never.contains("Nothing from this session was saved in this browser"),
        "{never}"
    );
    let at = js_sys::Date::new_with_year_month_day_hr_min_sec(2026, 10, 30, 9, 5, 3).get_time();
    let saved = banner_text(Some(at), "boom");
    assert!(
        saved.contains(
            "last saved in this browser at 09:05:03; changes made after that may be lost"
        ),
        "{saved}"
    );
    assert!(saved.ends_with("Details: boom"), "{saved}");
}
