//! Rule- or event-based, the source, and the event. The knock-on changes
//! (YouLend only sends events, a sample that no longer fits) are the
//! engine's refits, applied by the reducer.

use hookwright_core::analysis::catalog_for;
use hookwright_core::connection::{Connection, Source, Trigger};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::actions::Edit;
use crate::state::{Action, Dispatcher};

/// Rule- or event-based, the source, and the event.
pub fn trigger_kind(editor: &Dispatcher, connection: &Connection) -> Html {
    let edit = {
        let editor = editor.clone();
        let id = connection.id.clone();
        move |edit: Edit| {
            editor.dispatch(Action::Edit {
                id: id.clone(),
                edit,
                coalesce: None,
            })
        }
    };
    let on_kind = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            edit(Edit::SetEventBased(input.value() == "event"));
        })
    };
    let on_source = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            edit(Edit::SetSource(if select.value() == "youlend" {
                Source::Youlend
            } else {
                Source::Loanpro
            }));
        })
    };
    let event_input = match &connection.trigger {
        Trigger::Rule { .. } => Html::default(),
        Trigger::Event { event, .. } => {
            let on_event = {
                let edit = edit.clone();
                Callback::from(move |value: String| edit(Edit::SetEvent(value)))
            };
            let catalog = catalog_for(connection.source);
            match connection.source {
                Source::Youlend => {
                    let onchange = Callback::from(move |e: Event| {
                        let select: HtmlSelectElement = e.target_unchecked_into();
                        on_event.emit(select.value());
                    });
                    html! {
                        <label class="field">{ "Event" }
                            <select aria-label="Event" {onchange}>
                                { for catalog.events.iter().map(|ev| html! {
                                    <option value={ev.code.clone()} selected={ev.code == *event}>
                                        { format!("{} — {}", ev.code, ev.name) }
                                    </option>
                                }) }
                            </select>
                        </label>
                    }
                }
                Source::Loanpro => {
                    let oninput = Callback::from(move |e: InputEvent| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        on_event.emit(input.value());
                    });
                    html! {
                        <label class="field">{ "Event" }
                            <input type="text" aria-label="Event" list="loanpro-events" value={event.clone()} {oninput}
                                placeholder="Account Activated" />
                            <datalist id="loanpro-events">
                                { for catalog.events.iter().map(|ev| html! { <option value={ev.code.clone()}>{ &ev.description }</option> }) }
                            </datalist>
                        </label>
                    }
                }
            }
        }
    };
    let is_event = matches!(connection.trigger, Trigger::Event { .. });
    let name = format!("trigger-kind-{}", connection.id);
    html! {
        <div class="trigger-kind">
            <fieldset class="segmented" aria-label="Trigger type">
                <label class={classes!((!is_event).then_some("checked"))}>
                    <input type="radio" name={name.clone()} value="rule" checked={!is_event} onchange={on_kind.clone()}
                        disabled={connection.source == Source::Youlend} />
                    { "Rule-based" }
                </label>
                <label class={classes!(is_event.then_some("checked"))}>
                    <input type="radio" name={name} value="event" checked={is_event} onchange={on_kind} />
                    { "Event-based" }
                </label>
            </fieldset>
            <label class="field">{ "Source" }
                <select aria-label="Source" onchange={on_source}>
                    <option value="loanpro" selected={connection.source == Source::Loanpro}>{ "LoanPro" }</option>
                    <option value="youlend" selected={connection.source == Source::Youlend}>{ "YouLend" }</option>
                </select>
            </label>
            { event_input }
        </div>
    }
}
