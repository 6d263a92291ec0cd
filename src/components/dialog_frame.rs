//! The frame every workspace dialog shares: title, Close, Escape.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DialogFrameProps {
    pub title: AttrValue,
    pub on_close: Callback<()>,
    pub children: Html,
}

#[component]
pub fn DialogFrame(props: &DialogFrameProps) -> Html {
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" {onkeydown}>
                <div class="dialog-head">
                    <h2 id="dialog-title">{ props.title.clone() }</h2>
                    <button type="button" class="button icon" aria-label="Close" onclick={close}>{ "✕" }</button>
                </div>
                { props.children.clone() }
            </div>
        </div>
    }
}
