//! Shared by the wasm test files (each is its own crate and includes this).

/// A fresh element to mount the app into, with no workspace, custom context
/// or view left in storage or the URL by another test.
pub fn fresh_root() -> web_sys::Element {
    let window = web_sys::window().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
    let _ = window.history().unwrap().replace_state_with_url(
        &wasm_bindgen::JsValue::NULL,
        "",
        Some("#"),
    );
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}
