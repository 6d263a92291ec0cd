//! The request's headers as a table of name/value rows (values are
//! templates): add, remove, reorder by buttons, presets for common cases,
//! whether each value is a secret (kept out of exports, share links and the
//! send history; credential names such as `Authorization` and `X-Api-Key`
//! start marked), and each row's problems (bad name, line breaks, headers a
//! browser will drop, a likely credential not marked secret).

use std::rc::Rc;

use hookwright_core::connection::Header;
use hookwright_core::lint::Finding;
use hookwright_core::secret::{header_is_secret, is_credential_name};
use hookwright_core::{Error, ErrorKind};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::error_list::error_list;
use crate::outbound::is_forbidden_header;
use crate::services::focus;

#[derive(Properties, PartialEq)]
pub struct HeadersTableProps {
    pub headers: Vec<Header>,
    /// The engine's findings for the connection (lint's, by field path).
    pub findings: Rc<Vec<Finding>>,
    /// The new rows, and an undo-coalescing key (empty for one-off edits).
    pub on_change: Callback<(Vec<Header>, String)>,
}

/// Presets: (label, name, value).
const PRESETS: &[(&str, &str, &str)] = &[
    ("JSON content type", "Content-Type", "application/json"),
    (
        "LoanPro tenant (Autopal-Instance-Id)",
        "Autopal-Instance-Id",
        "",
    ),
    ("Authorization: Bearer", "Authorization", "Bearer "),
    ("Content-Type", "Content-Type", ""),
];

/// What is wrong with row `i`: the engine's findings for its fields, then
/// what a browser does that the engine does not know about.
pub fn row_problems(findings: &[Finding], header: &Header, i: usize) -> Vec<Error> {
    let prefix = format!("request.headers[{i}].");
    let mut out: Vec<Error> = findings
        .iter()
        .filter(|f| f.field.starts_with(&prefix))
        .map(|f| f.error.clone())
        .collect();
    if is_forbidden_header(&header.name) {
        out.push(Error::warning(
            ErrorKind::Invalid,
            format!(
                "Browsers do not let a page set {}; a test send leaves it out.",
                header.name
            ),
            None,
        ));
    }
    out
}

/// The rows after the user marks row `i` secret or not. A choice that
/// matches what the name implies is stored as no mark, so the file stays
/// as it was unless the user goes against the convention.
pub fn mark_secret(headers: &[Header], i: usize, secret: bool) -> Vec<Header> {
    let mut rows = headers.to_vec();
    if let Some(row) = rows.get_mut(i) {
        row.secret = (secret != is_credential_name(&row.name)).then_some(secret);
    }
    rows
}

#[component]
pub fn HeadersTable(props: &HeadersTableProps) -> Html {
    let headers = &props.headers;
    let revealed = use_state(|| false);
    let emit = {
        let on_change = props.on_change.clone();
        move |rows: Vec<Header>, key: String| on_change.emit((rows, key))
    };
    let on_preset = {
        let headers = headers.clone();
        let emit = emit.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let choice = select.value();
            select.set_value("");
            let Some((_, name, value)) = PRESETS.iter().find(|(label, ..)| *label == choice) else {
                return;
            };
            let mut rows = headers.clone();
            // A preset fills an existing row of the same name rather than duplicating it.
            let at = rows.iter().position(|h| h.name.eq_ignore_ascii_case(name));
            match at.map(|i| &mut rows[i]) {
                Some(row) if !value.is_empty() => {
                    row.value = value.to_string();
                    row.redacted = false;
                }
                Some(_) => {}
                None => rows.push(Header::new(*name, *value)),
            }
            // Its value is what is left to type (a tenant id, a token), and shows where the preset went.
            let n = at.unwrap_or(rows.len() - 1) + 1;
            emit(rows, String::new());
            focus::after_render(vec![focus::labelled(&format!("Header {n} value"))]);
        })
    };
    let on_add = {
        let headers = headers.clone();
        let emit = emit.clone();
        Callback::from(move |_: MouseEvent| {
            let mut rows = headers.clone();
            rows.push(Header::new("", ""));
            let new_name = focus::labelled(&format!("Header {} name", rows.len()));
            emit(rows, String::new());
            focus::after_render(vec![new_name]);
        })
    };
    let rows = headers.iter().enumerate().map(|(i, header)| {
        let n = i + 1;
        let field = |is_name: bool| {
            let headers = headers.clone();
            let emit = emit.clone();
            Callback::from(move |e: InputEvent| {
                let value = e.target_unchecked_into::<HtmlInputElement>().value();
                let mut rows = headers.clone();
                if is_name {
                    rows[i].name = value;
                } else {
                    rows[i].value = value;
                    rows[i].redacted = false;
                }
                emit(rows, format!("header{i}{}", if is_name { "n" } else { "v" }));
            })
        };
        // Rows have no identity of their own, so focus is put where the edited row went.
        let op = |change: fn(&mut Vec<Header>, usize), then: Vec<String>| {
            let headers = headers.clone();
            let emit = emit.clone();
            Callback::from(move |_: MouseEvent| {
                let mut rows = headers.clone();
                change(&mut rows, i);
                emit(rows, String::new());
                focus::after_render(then.clone());
            })
        };
        let moved = |to: usize, arrow: &str, other: &str| {
            vec![
                focus::labelled(&format!("Move header {to} {arrow}")),
                focus::labelled(&format!("Move header {to} {other}")),
            ]
        };
        let after_remove = vec![
            focus::labelled(&format!("Remove header {n}")),
            focus::labelled(&format!("Remove header {}", n.saturating_sub(1))),
            ".headers-editor .toolbar button".to_string(),
        ];
        let problems = row_problems(&props.findings, header, i);
        let problem_id = format!("header-{n}-problems");
        let invalid = problems.iter().any(|e| !e.is_warning());
        let secret = header_is_secret(header);
        let on_secret = {
            let headers = headers.clone();
            let emit = emit.clone();
            Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                emit(mark_secret(&headers, i, on), String::new());
            })
        };
        let secret_title = match (header.secret, secret) {
            (None, true) => "Secret because of its name; untick to let exports and share links include it",
            (Some(true), _) => "Secret: left out of exports, share links and the send history",
            _ => "Tick to keep this value out of exports, share links and the send history",
        };
        html! {
            <>
                <tr class={classes!(invalid.then_some("invalid"))}>
                    <td>
                        <input type="text" class="mono" aria-label={format!("Header {n} name")} value={header.name.clone()}
                            spellcheck="false" autocomplete="off" placeholder="Name"
                            aria-invalid={invalid.then_some("true")} aria-describedby={problem_id.clone()}
                            oninput={field(true)} />
                    </td>
                    <td>
                        <input class="mono" aria-label={format!("Header {n} value")} value={header.value.clone()}
                            type={if secret && !*revealed { "password" } else { "text" }}
                            spellcheck="false" autocomplete="off" placeholder="Value, may use [[v('…')]]"
                            aria-describedby={problem_id.clone()}
                            oninput={field(false)} />
                    </td>
                    <td class="secret-cell">
                        <input type="checkbox" checked={secret} aria-label={format!("Header {n} value is secret")}
                            title={secret_title} onchange={on_secret} />
                    </td>
                    <td class="row-buttons">
                        <button type="button" class="button icon" aria-label={format!("Move header {n} up")} title="Move up"
                            disabled={i == 0} onclick={op(|r, i| r.swap(i, i - 1), moved(n.saturating_sub(1), "up", "down"))}>{ "↑" }</button>
                        <button type="button" class="button icon" aria-label={format!("Move header {n} down")} title="Move down"
                            disabled={i + 1 == headers.len()} onclick={op(|r, i| r.swap(i, i + 1), moved(n + 1, "down", "up"))}>{ "↓" }</button>
                        <button type="button" class="button icon danger" aria-label={format!("Remove header {n}")} title="Remove"
                            onclick={op(|r, i| { r.remove(i); }, after_remove)}>{ "✕" }</button>
                    </td>
                </tr>
                if !problems.is_empty() {
                    <tr class="row-problems"><td colspan="4">
                        { error_list(problem_id.into(), format!("Header {n} problems").into(), &problems, &[], None, None) }
                    </td></tr>
                }
            </>
        }
    });
    html! {
        <div class="headers-editor">
            if headers.is_empty() {
                <p class="empty">{ "No headers. Add one, or start from a preset." }</p>
            } else {
                <table class="headers-table">
                    <thead><tr>
                        <th scope="col">{ "Name" }</th><th scope="col">{ "Value" }</th>
                        <th scope="col" title="Secret values are left out of exports, share links and the send history">{ "Secret" }</th>
                        <th scope="col"><span class="visually-hidden">{ "Order and removal" }</span></th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
            <div class="toolbar">
                <button type="button" class="button" onclick={on_add}>{ "+ Add header" }</button>
                <select aria-label="Add a preset header" onchange={on_preset}>
                    <option value="" selected=true>{ "Preset…" }</option>
                    { for PRESETS.iter().map(|(label, ..)| html! { <option value={*label}>{ *label }</option> }) }
                </select>
                if headers.iter().any(header_is_secret) {
                    <button type="button" class="button" aria-pressed={revealed.to_string()}
                        onclick={{ let revealed = revealed.clone(); Callback::from(move |_: MouseEvent| revealed.set(!*revealed)) }}>
                        { if *revealed { "Hide secret values" } else { "Show secret values" } }
                    </button>
                }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, value: &str) -> Header {
        Header::new(name, value)
    }

    #[test]
    fn rows_show_the_engines_findings_and_dropped_headers() {
        let mut c = hookwright_core::connection::examples().remove(0);
        c.request.headers = vec![
            header("X-Ok", "1"),
            header("Bad Name", "a\r\nb"),
            header("Host", "x"),
        ];
        let findings = hookwright_core::analysis::lint_findings(&c);
        assert_eq!(row_problems(&findings, &c.request.headers[0], 0), vec![]);
        let bad = row_problems(&findings, &c.request.headers[1], 1);
        assert!(
            bad.iter().any(|e| e.message.contains("not a token")),
            "{bad:?}"
        );
        assert!(
            bad.iter().any(|e| e.message.contains("line break")),
            "{bad:?}"
        );
        let host = row_problems(&findings, &c.request.headers[2], 2);
        assert!(host
            .iter()
            .any(|e| e.is_warning() && e.message.contains("Browsers")));
    }

    #[test]
    fn marks_are_stored_only_against_the_convention() {
        let rows = vec![header("X-Api-Key", "k"), header("X-Tenant", "t")];
        let off = mark_secret(&rows, 0, false);
        assert_eq!(off[0].secret, Some(false));
        assert_eq!(mark_secret(&off, 0, true)[0].secret, None);
        let on = mark_secret(&rows, 1, true);
        assert_eq!(on[1].secret, Some(true));
        assert!(header_is_secret(&on[1]));
        assert_eq!(mark_secret(&on, 1, false)[1].secret, None);
    }
}
