//! Variable-list payload: an ordered list of catalog variables (search, add,
//! remove, reorder) and the event name, with the exact envelope JSON the
//! receiver gets for the current sample.

use std::rc::Rc;

use hookwright_core::connection::{Connection, Payload};
use hookwright_core::template::envelope;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::request_panel::edit_as;
use super::templating::{catalog_for, preview_sample, use_custom_sample};
use super::use_dispatch;
use crate::actions::Edit;
use crate::services::{crypto, focus};

#[derive(Properties, PartialEq)]
pub struct VariableListProps {
    pub connection: Rc<Connection>,
}

/// A change to the ordered list of variables.
type ListEdit = dyn Fn(&mut Vec<String>);

/// How many search results are listed at once.
const MAX_RESULTS: usize = 40;

#[component]
pub fn VariableList(props: &VariableListProps) -> Html {
    let editor = use_dispatch();
    let search = use_state(String::new);
    // A fresh trace per page view, from the browser's crypto, as LoanPro makes one per delivery.
    let trace = use_state(crypto::trace_id);
    let connection = &props.connection;
    let Payload::Variables {
        variables,
        event_name,
    } = &connection.request.payload
    else {
        return Html::default();
    };
    let set_list = |change: Box<ListEdit>| {
        let editor = editor.clone();
        let id = connection.id.clone();
        let current = variables.clone();
        move || {
            let mut list = current.clone();
            change(&mut list);
            edit_as(&editor, &id, "", Edit::SetVariables(list));
        }
    };
    let on_event = {
        let editor = editor.clone();
        let id = connection.id.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            edit_as(&editor, &id, "event-name", Edit::SetEventName(value));
        })
    };
    let on_search = {
        let search = search.clone();
        Callback::from(move |e: InputEvent| {
            search.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };

    let catalog = catalog_for(connection.source);
    // The catalog's own search, as the variable picker's: every word, ranked by name.
    let results: Vec<_> = catalog
        .search(&search, MAX_RESULTS + variables.len())
        .into_iter()
        .filter(|v| !variables.contains(&v.name))
        .take(MAX_RESULTS)
        .collect();

    let items = variables.iter().enumerate().map(|(i, name)| {
        let n = variables.len();
        let op = |f: fn(&mut Vec<String>, usize)| {
            let run = set_list(Box::new(move |list: &mut Vec<String>| f(list, i)));
            Callback::from(move |_: MouseEvent| run())
        };
        let known = catalog.variable(name);
        html! {
            <li key={name.clone()}>
                <code>{ name }</code>
                <span class="muted">{ known.map(|v| v.ty.as_str()).unwrap_or("not in the catalog") }</span>
                <span class="row-buttons">
                    <button type="button" class="button icon" aria-label={format!("Move {name} up")} disabled={i == 0}
                        onclick={op(|l, i| l.swap(i, i - 1))}>{ "↑" }</button>
                    <button type="button" class="button icon" aria-label={format!("Move {name} down")} disabled={i + 1 == n}
                        onclick={op(|l, i| l.swap(i, i + 1))}>{ "↓" }</button>
                    <button type="button" class="button icon danger" aria-label={format!("Remove {name}")}
                        onclick={{
                            let remove = op(|l, i| { l.remove(i); });
                            // Focus to the next variable's ✕, else the previous one's, else the search.
                            let next: Vec<String> = [variables.get(i + 1), i.checked_sub(1).and_then(|p| variables.get(p))]
                                .into_iter()
                                .flatten()
                                .map(|v| focus::labelled(&format!("Remove {v}")))
                                .chain([focus::labelled("Search variables")])
                                .collect();
                            Callback::from(move |e: MouseEvent| {
                                remove.emit(e);
                                focus::after_render(next.clone());
                            })
                        }}>{ "✕" }</button>
                </span>
            </li>
        }
    });
    let result_items = results.iter().enumerate().map(|(i, v)| {
        let name = v.name.clone();
        let run = set_list(Box::new(move |list: &mut Vec<String>| {
            list.push(name.clone())
        }));
        html! {
            <li key={v.name.clone()}>
                <button type="button" class="button small" aria-label={format!("Add {}", v.name)}
                    tabindex={if i == 0 { "0" } else { "-1" }}
                    onclick={Callback::from(move |_: MouseEvent| {
                        run();
                        // The added variable leaves the results: the one now in its place, or the last.
                        focus::after_render(vec![
                            format!(".variable-results li:nth-child({}) button", i + 1),
                            ".variable-results li:last-child button".into(),
                        ]);
                    })}>{ "+ Add" }</button>
                <code>{ &v.name }</code>
                <span class="muted">{ format!(" {} — {}", v.ty.as_str(), v.description) }</span>
            </li>
        }
    });

    let shown_name = event_name
        .clone()
        .unwrap_or_else(|| connection.name.clone());
    let custom = use_custom_sample();
    let preview = preview_sample(connection, &custom)
        .map(|sample| envelope(variables, &shown_name, sample.context, &trace, false));

    html! {
        <div class="variable-list-editor">
            <label class="field">
                <span class="field-label">{ "Event name" }</span>
                <input type="text" aria-label="Event name" value={event_name.clone().unwrap_or_default()}
                    placeholder={connection.name.clone()} oninput={on_event} />
            </label>
            <div class="two-columns">
                <div>
                    <h4 id="chosen-variables">{ format!("Variables sent ({})", variables.len()) }</h4>
                    if variables.is_empty() {
                        <p class="empty">{ "No variables yet: add some from the catalog." }</p>
                    } else {
                        <ol class="variable-list" aria-labelledby="chosen-variables">{ for items }</ol>
                    }
                </div>
                <div>
                    <label class="field">
                        <span class="field-label">{ "Search the catalog" }</span>
                        <input type="search" aria-label="Search variables" value={(*search).clone()} oninput={on_search}
                            placeholder="e.g. status, customer, date" />
                    </label>
                    if results.is_empty() {
                        <p class="empty">{ "No variable matches." }</p>
                    } else {
                        <ul class="variable-results" aria-label="Catalog variables" title="↑/↓ move between the results"
                            onkeydown={Callback::from(step_between_results)}>{ for result_items }</ul>
                    }
                </div>
            </div>
            <h4>{ "Envelope the receiver gets" }</h4>
            { match preview {
                None => html! { <p class="empty">{ "No sample context to preview with." }</p> },
                Some(Ok(rendered)) => html! {
                    <pre class="code envelope-preview" data-testid="envelope-preview">{ rendered.output }</pre>
                },
                Some(Err(errors)) => html! {
                    <ul class="field-errors">
                        { for errors.iter().map(|e| html! { <li class="error">{ e.to_string() }</li> }) }
                    </ul>
                },
            } }
            <p class="muted small">{ "The trace id is a fresh v4 UUID for each delivery (LoanPro keeps it across retries)." }</p>
        </div>
    }
}

/// One tab stop for the results: ↑/↓ (Home/End) move focus between their Add
/// buttons, so the rest of the page is a Tab away, not forty.
fn step_between_results(e: KeyboardEvent) {
    let Some(item) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|button| button.parent_element())
    else {
        return;
    };
    let next = match e.key().as_str() {
        "ArrowDown" => item.next_element_sibling(),
        "ArrowUp" => item.previous_element_sibling(),
        "Home" => item
            .parent_element()
            .and_then(|list| list.first_element_child()),
        "End" => item
            .parent_element()
            .and_then(|list| list.last_element_child()),
        _ => return,
    };
    e.prevent_default();
    if let Some(button) = next
        .and_then(|li| li.query_selector("button").ok().flatten())
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = button.focus();
    }
}
