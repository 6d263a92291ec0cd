//! Saving text the page produced (a CSV export) as a download: a Blob, an object URL and a
//! temporary link, the URL revoked once the browser has taken it.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Offers `text` as a file called `file_name` of the given MIME type.
pub fn save_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    save_blob(file_name, &blob)
}

/// Offers a Blob (a worker's export) as a file called `file_name`.
pub fn save_blob(file_name: &str, blob: &Blob) -> Result<(), String> {
    let url = Url::create_object_url_with_blob(blob).map_err(describe)?;
    let document = gloo::utils::document();
    let link: HtmlAnchorElement = document
        .create_element("a")
        .map_err(describe)?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.set_hidden(true);
    let body = gloo::utils::body();
    body.append_child(&link).map_err(describe)?;
    link.click();
    let _ = body.remove_child(&link);
    // Revoking at once can cancel the download in some browsers; a moment later is safe.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

fn describe(error: JsValue) -> String {
    error
        .as_string()
        .unwrap_or_else(|| "the browser refused to create the file".to_string())
}
