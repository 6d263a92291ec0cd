//! The frame every workspace dialog shares: title, Close, Escape. A plain
//! function, not a component: it holds no state, and each component costs the
//! page's wasm a copy of Yew's lifecycle. The element is a `<dialog>` that
//! `WorkspaceMenu` opens with `showModal()`: focus goes into it and the page
//! behind it is inert until it closes.

use yew::prelude::*;

/// The dialog around `children`, closed by its Close button or Escape.
pub fn dialog_frame(title: &'static str, on_close: &Callback<()>, children: Html) -> Html {
    // Escape cancels a modal dialog wherever focus is in it (or fell to the body).
    let oncancel = on_close.reform(|_: Event| ());
    let close = on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="dialog-backdrop">
            <dialog class="dialog" aria-labelledby="dialog-title" {oncancel}>
                <div class="dialog-head">
                    <h2 id="dialog-title">{ title }</h2>
                    <button type="button" class="button icon" aria-label="Close" onclick={close}>{ "✕" }</button>
                </div>
                { children }
            </dialog>
        </div>
    }
}
