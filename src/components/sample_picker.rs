//! The "Sample context" select: built-in loans and events, or custom JSON.

use hookwright_core::analysis::{sample_choice, CUSTOM_SAMPLE};
use hookwright_core::connection::{Connection, Source};
use hookwright_core::samples;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::actions::Edit;
use crate::state::{Action, Dispatcher};

/// The "Sample context" select: built-in loans and events, or custom JSON.
pub fn sample_picker(editor: &Dispatcher, connection: &Connection) -> Html {
    let current = sample_choice(connection).id().to_string();
    let onchange = {
        let editor = editor.clone();
        let id = connection.id.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            editor.dispatch(Action::Edit {
                id: id.clone(),
                edit: Edit::SetSample(select.value()),
                coalesce: None,
            });
        })
    };
    let option = |s: &samples::SampleContext| {
        html! { <option value={s.id.clone()} selected={s.id == current} title={s.description.clone()}>{ &s.name }</option> }
    };
    let all = samples::samples();
    html! {
        <label class="field sample-field">{ "Sample context" }
            <select aria-label="Sample context" {onchange}>
                <optgroup label="LoanPro loans">
                    { for all.iter().filter(|s| s.source == Source::Loanpro).map(option) }
                </optgroup>
                <optgroup label="YouLend events">
                    { for all.iter().filter(|s| s.source == Source::Youlend).map(option) }
                </optgroup>
                <option value={CUSTOM_SAMPLE} selected={current == CUSTOM_SAMPLE}>{ "Custom JSON…" }</option>
            </select>
        </label>
    }
}
