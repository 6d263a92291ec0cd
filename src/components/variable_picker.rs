//! A searchable combobox over a catalog's variables, showing each one's type,
//! description and example. Free text is allowed (custom contexts may hold
//! variables no catalog lists).

use hookwright_core::catalog::{Catalog, Variable};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VariablePickerProps {
    pub value: AttrValue,
    pub catalog: &'static Catalog,
    pub on_pick: Callback<String>,
    #[prop_or(AttrValue::Static("Variable"))]
    pub label: AttrValue,
}

const MAX_SHOWN: usize = 40;

/// Variables whose name, description or group contain every word of the
/// query, best first (see [`Catalog::search`]: the catalog keeps a lower-cased
/// index, so a keystroke is one pass of substring tests).
pub fn search<'a>(catalog: &'a Catalog, query: &str) -> Vec<&'a Variable> {
    catalog.search(query, MAX_SHOWN)
}

fn example_text(v: &Variable) -> String {
    match &v.example {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => format!("“{s}”"),
        other => other.to_string(),
    }
}

#[component]
pub fn VariablePicker(props: &VariablePickerProps) -> Html {
    // While open: what is typed, and which option is highlighted.
    let open = use_state(|| None::<(String, usize)>);
    let list_id = use_memo((), |_| format!("vars-{}", js_id()));
    let found = match &*open {
        Some((query, _)) => search(props.catalog, query),
        None => Vec::new(),
    };
    let active = open.as_ref().map_or(0, |(_, a)| *a);

    let pick = {
        let open = open.clone();
        let on_pick = props.on_pick.clone();
        Callback::from(move |name: String| {
            open.set(None);
            on_pick.emit(name);
        })
    };
    let onfocus = {
        let open = open.clone();
        Callback::from(move |e: FocusEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            input.select();
            open.set(Some((String::new(), 0)));
        })
    };
    let oninput = {
        let open = open.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            open.set(Some((input.value(), 0)));
        })
    };
    let onblur = {
        let open = open.clone();
        Callback::from(move |_: FocusEvent| open.set(None))
    };
    let onkeydown = {
        let open = open.clone();
        let pick = pick.clone();
        let names: Vec<String> = found.iter().map(|v| v.name.clone()).collect();
        Callback::from(move |e: KeyboardEvent| {
            let Some((query, active)) = (*open).clone() else {
                if e.key() == "ArrowDown" {
                    open.set(Some((String::new(), 0)));
                }
                return;
            };
            match e.key().as_str() {
                "ArrowDown" => {
                    e.prevent_default();
                    open.set(Some((
                        query,
                        (active + 1).min(names.len().saturating_sub(1)),
                    )));
                }
                "ArrowUp" => {
                    e.prevent_default();
                    open.set(Some((query, active.saturating_sub(1))));
                }
                "Enter" => {
                    e.prevent_default();
                    match names.get(active) {
                        Some(name) => pick.emit(name.clone()),
                        // Free text: a variable the catalog does not list.
                        None if !query.trim().is_empty() => pick.emit(query.trim().to_string()),
                        None => open.set(None),
                    }
                }
                "Escape" => {
                    e.prevent_default();
                    open.set(None);
                }
                _ => {}
            }
        })
    };

    let options = found.iter().enumerate().map(|(i, v)| {
        let onmousedown = {
            let pick = pick.clone();
            let name = v.name.clone();
            Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                pick.emit(name.clone());
            })
        };
        html! {
            <li id={format!("{}-{i}", list_id)} role="option" aria-selected={(i == active).to_string()}
                class={classes!("var-option", (i == active).then_some("active"))} {onmousedown}>
                <span class="var-name"><code>{ &v.name }</code>
                    <span class={classes!("type-badge", format!("type-{}", v.ty.as_str()))}>{ v.format.map_or(v.ty.as_str(), |f| f.as_str()) }</span></span>
                <span class="var-description">{ &v.description }</span>
                if !example_text(v).is_empty() {
                    <span class="var-example">{ "e.g. " }{ example_text(v) }</span>
                }
            </li>
        }
    });
    let value = match &*open {
        Some((query, _)) => query.clone(),
        None => props.value.to_string(),
    };
    let empty = open.is_some() && found.is_empty();
    html! {
        <div class="var-picker">
            <input type="text" role="combobox" class="var-input" aria-label={props.label.clone()}
                aria-expanded={open.is_some().to_string()} aria-controls={(*list_id).clone()}
                aria-autocomplete="list"
                aria-activedescendant={(!found.is_empty()).then(|| format!("{}-{active}", list_id))}
                placeholder={props.value.clone()} {value} spellcheck="false"
                {onfocus} {oninput} {onblur} {onkeydown} />
            if open.is_some() {
                // Not a tab stop: the list scrolls, so Chrome would focus it, and it closes once the input loses focus.
                <ul id={(*list_id).clone()} class="var-list" role="listbox" aria-label="Variables" tabindex="-1">
                    { for options }
                    if empty {
                        <li class="var-empty">{ "No catalog variable matches; press Enter to use it as typed." }</li>
                    }
                </ul>
            }
        </div>
    }
}

/// A page-unique number for element ids.
fn js_id() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_matches_words_in_name_and_description() {
        let catalog = hookwright_core::catalog::loanpro();
        let names: Vec<&str> = search(catalog, "days past")
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert!(names.contains(&"status-days-past-due"), "{names:?}");
        let first = search(catalog, "loan-st");
        assert_eq!(first[0].name, "loan-status");
        let escrow: Vec<&str> = search(catalog, "escrow bal")
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert!(escrow.contains(&"escrow.balance"), "{escrow:?}");
        assert_eq!(search(catalog, "").len(), MAX_SHOWN);
    }
}
