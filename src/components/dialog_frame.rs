//! The frame every workspace dialog shares: title, Close, Escape. A plain
//! function, not a component: it holds no state, and each component costs the
//! page's wasm a copy of Yew's lifecycle.

use yew::prelude::*;

/// The dialog around `children`, closed by its Close button or Escape.
pub fn dialog_frame(title: &'static str, on_close: &Callback<()>, children: Html) -> Html {
    let onkeydown = {
        let on_close = on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let close = on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" {onkeydown}>
                <div class="dialog-head">
                    <h2 id="dialog-title">{ title }</h2>
                    <button type="button" class="button icon" aria-label="Close" onclick={close}>{ "✕" }</button>
                </div>
                { children }
            </div>
        </div>
    }
}
