//! The request's headers as a table of name/value rows (values are
//! templates): add, remove, reorder by buttons, presets for common cases,
//! whether each value is a secret (kept out of exports, share links and the
//! send history; credential names such as `Authorization` and `X-Api-Key`
//! start marked), and each row's problems (bad name, line breaks, headers a
//! browser will drop, a likely credential not marked secret).

use hookwright_core::connection::Header;
use hookwright_core::secret::{header_is_secret, is_credential_name, looks_like_credential};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::outbound::{invalid_header_name_at, is_forbidden_header};

#[derive(Properties, PartialEq)]
pub struct HeadersTableProps {
    pub headers: Vec<Header>,
    /// The connection's auth adds an Authorization header of its own.
    pub auth_set: bool,
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

/// What is wrong with one row, for the user.
pub fn row_problems(header: &Header, auth_set: bool) -> (Vec<String>, Vec<String>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if let Some(at) = invalid_header_name_at(&header.name) {
        errors.push(if header.name.is_empty() {
            "The name is empty.".to_string()
        } else {
            let c = header.name[at..].chars().next().unwrap_or(' ');
            format!(
                "“{}” (character {}) may not be in a header name.",
                c.escape_debug(),
                at + 1
            )
        });
    }
    if header.value.contains(['\r', '\n']) {
        errors.push(
            "The value contains a line break (CR/LF), which would start a new header.".into(),
        );
    }
    if is_forbidden_header(&header.name) {
        warnings.push(format!(
            "Browsers do not let a page set {}; a test send leaves it out.",
            header.name
        ));
    }
    if auth_set && header.name.eq_ignore_ascii_case("authorization") {
        errors.push("Auth below adds an Authorization header too; keep one.".into());
    }
    if header.redacted {
        warnings.push("This secret was left out of an export: fill it in before sending.".into());
    } else if !header_is_secret(header) && looks_like_credential(&header.value) {
        warnings.push(
            "This looks like a credential: mark it secret so exports, share links and the send history leave it out."
                .into(),
        );
    }
    (errors, warnings)
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
            match rows.iter_mut().find(|h| h.name.eq_ignore_ascii_case(name)) {
                Some(row) if !value.is_empty() => {
                    row.value = value.to_string();
                    row.redacted = false;
                }
                Some(_) => {}
                None => rows.push(Header::new(*name, *value)),
            }
            emit(rows, String::new());
        })
    };
    let on_add = {
        let headers = headers.clone();
        let emit = emit.clone();
        Callback::from(move |_: MouseEvent| {
            let mut rows = headers.clone();
            rows.push(Header::new("", ""));
            emit(rows, String::new());
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
        let op = |change: fn(&mut Vec<Header>, usize)| {
            let headers = headers.clone();
            let emit = emit.clone();
            Callback::from(move |_: MouseEvent| {
                let mut rows = headers.clone();
                change(&mut rows, i);
                emit(rows, String::new());
            })
        };
        let (errors, warnings) = row_problems(header, props.auth_set);
        let problem_id = format!("header-{n}-problems");
        let invalid = !errors.is_empty();
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
                        <input class="mono" aria-label={format!("Header {n} name")} value={header.name.clone()}
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
                            disabled={i == 0} onclick={op(|r, i| r.swap(i, i - 1))}>{ "↑" }</button>
                        <button type="button" class="button icon" aria-label={format!("Move header {n} down")} title="Move down"
                            disabled={i + 1 == headers.len()} onclick={op(|r, i| r.swap(i, i + 1))}>{ "↓" }</button>
                        <button type="button" class="button icon danger" aria-label={format!("Remove header {n}")} title="Remove"
                            onclick={op(|r, i| { r.remove(i); })}>{ "✕" }</button>
                    </td>
                </tr>
                if !errors.is_empty() || !warnings.is_empty() {
                    <tr class="row-problems"><td colspan="4" id={problem_id}>
                        { for errors.iter().map(|e| html! { <p class="inline-note error">{ e }</p> }) }
                        { for warnings.iter().map(|w| html! { <p class="inline-note warning">{ w }</p> }) }
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
    fn rows_flag_bad_names_line_breaks_and_dropped_headers() {
        assert_eq!(row_problems(&header("X-Ok", "1"), false), (vec![], vec![]));
        let (errors, _) = row_problems(&header("Bad Name", "a\r\nb"), false);
        assert_eq!(errors.len(), 2, "{errors:?}");
        let (_, warnings) = row_problems(&header("Host", "x"), false);
        assert_eq!(warnings.len(), 1);
        let (errors, _) = row_problems(&header("authorization", "x"), true);
        assert_eq!(errors.len(), 1);
        let (_, warnings) = row_problems(&header("X-Lender", "Zk3Jd8s9Qm2Lx7Vb4Np1Rt6Y"), false);
        assert_eq!(warnings.len(), 1, "a likely credential not marked secret");
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
