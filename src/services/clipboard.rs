//! Copying text with `navigator.clipboard.writeText`; the caller shows a
//! text area to copy from by hand when the browser refuses.

use wasm_bindgen_futures::JsFuture;

/// Copies `text`; `Err` when the browser has no clipboard or refuses it.
pub async fn write_text(text: &str) -> Result<(), String> {
    let clipboard = web_sys::window()
        .ok_or("no window")?
        .navigator()
        .clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|e| {
            e.as_string()
                .unwrap_or_else(|| "the browser refused to copy".to_string())
        })
}
