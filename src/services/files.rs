//! Reading files the user dropped or picked: as raw bytes where exactness
//! matters (reconciliation and signature checks must see exactly what was
//! received), as text for connection files. Downloads are in `download`.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, File, FileList};

/// The first file in a list (a file input's or a drop's), if any.
pub fn first(files: Option<FileList>) -> Option<File> {
    files.and_then(|files| files.get(0))
}

/// The first file dropped, if the drop carried files at all.
pub fn dropped(transfer: Option<DataTransfer>) -> Option<File> {
    first(transfer.and_then(|t| t.files()))
}

/// The file's bytes, or why they could not be read.
pub async fn read_bytes(file: &File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| describe(&e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn describe(error: &wasm_bindgen::JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the browser could not read the file".to_string())
}

/// The text of a file the user picked or dropped.
pub async fn read_text(file: &web_sys::File) -> Result<String, String> {
    JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| format!("could not read {}", file.name()))
}
