//! The Request section: method, URL template (with its rendering for the
//! current sample beneath it), the headers table and auth.

use std::rc::Rc;

use hookwright_core::analysis::{analyze_field, lint_findings};
use hookwright_core::connection::{Auth, Connection, Header, Method, Payload, Trigger};
use hookwright_core::secret::{self, mask_url};
use hookwright_core::template::Mode;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::code_editor::{CodeEditor, Paint};
use super::error_list::{diagnostic_paints, error_list};
use super::headers_table::HeadersTable;
use super::templating::{
    preview_sample, syntax_paints, template_completions, use_custom_sample, PLACEHOLDER_COMPLETER,
};
use super::use_dispatch;
use crate::actions::Edit;
use crate::services::crypto;
use crate::state::{Action, Dispatcher};

#[derive(Properties, PartialEq)]
pub struct RequestPanelProps {
    pub connection: Rc<Connection>,
}

/// Dispatches a domain edit of connection `id`; `key` groups typing into one undo step.
pub fn edit_as(editor: &crate::state::Dispatcher, id: &str, key: &str, edit: Edit) {
    editor.dispatch(Action::Edit {
        id: id.to_string(),
        edit,
        coalesce: (!key.is_empty()).then(|| format!("{key}:{id}")),
    });
}

#[component]
pub fn RequestPanel(props: &RequestPanelProps) -> Html {
    let editor = use_dispatch();
    let connection = &props.connection;
    let request = &connection.request;
    let completions = use_memo(connection.source, |source| template_completions(*source));

    let on_method = {
        let editor = editor.clone();
        let id = connection.id.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let method = Method::ALL
                .into_iter()
                .find(|m| m.as_str() == select.value())
                .unwrap_or(Method::Post);
            edit_as(&editor, &id, "", Edit::SetMethod(method));
        })
    };
    let on_url = {
        let editor = editor.clone();
        let id = connection.id.clone();
        Callback::from(move |url: String| edit_as(&editor, &id, "url", Edit::SetUrl(url)))
    };
    let on_headers = {
        let editor = editor.clone();
        let id = connection.id.clone();
        Callback::from(move |(headers, key): (Vec<Header>, String)| {
            edit_as(&editor, &id, &key, Edit::SetHeaders(headers));
        })
    };

    // The URL rendered for the sample: cheap (one line), so on every keystroke.
    let custom = use_custom_sample();
    let sample = preview_sample(connection, &custom);
    let url = analyze_field(
        "request.url",
        &request.url,
        Mode::Url,
        sample.as_ref().map(|s| s.context),
    );
    let (rendered, errors) = (url.output, url.errors);
    // The rows show the headers' findings, which neither the rule nor the
    // body's text changes: lint runs without them, so a long rule or body is
    // never parsed, checked or rendered for every sample here.
    let mut linted = Connection::clone(connection);
    match &mut linted.trigger {
        Trigger::Rule { rule } | Trigger::Event { rule, .. } => rule.clear(),
    }
    if let Payload::Custom { body, .. } = &mut linted.request.payload {
        body.clear();
    }
    let findings = use_memo(linted, |c| Rc::new(lint_findings(c)));
    let findings = (*findings).clone();
    let method_problems: Vec<_> = findings
        .iter()
        .filter(|f| f.field == "request.method")
        .map(|f| f.error.clone())
        .collect();
    let mut paints: Vec<Paint> = syntax_paints(&request.url, false);
    paints.extend(diagnostic_paints(&errors));

    html! {
        <section class="panel request-panel" aria-labelledby="request-title">
            <h3 id="request-title">{ "Request" }</h3>
            <div class="request-line-editor">
                <label class="field method-field">
                    <span class="field-label">{ "Method" }</span>
                    <select aria-label="Method" class={classes!("method-select", format!("method-{}", request.method.as_str().to_lowercase()))}
                        onchange={on_method} aria-describedby="method-problems">
                        { for Method::ALL.into_iter().map(|m| html! {
                            <option value={m.as_str()} selected={m == request.method}>{ m.as_str() }</option>
                        }) }
                    </select>
                </label>
                <div class="field url-field">
                    <span class="field-label" aria-hidden="true">{ "URL" }</span>
                    <CodeEditor label="URL" value={request.url.clone()} on_change={on_url} rows={1}
                        paints={Rc::new(paints)} completions={(*completions).clone()}
                        completer={Some(PLACEHOLDER_COMPLETER)}
                        placeholder="https://example.com/hook/[[v('loan-id')]]"
                        described_by={Some(AttrValue::from("url-rendered url-errors"))}
                        invalid={errors.iter().any(|e| !e.is_warning())} />
                </div>
            </div>
            { error_list("method-problems".into(), "Method problems".into(), &method_problems, &[], None, None) }
            <p id="url-rendered" class="rendered-url" aria-live="polite">
                <span class="field-label">{ match sample {
                    Some(s) => format!("Sent to, for the sample “{}”: ", s.name),
                    None => "No sample context to render the URL with.".to_string(),
                } }</span>
                if let Some(out) = rendered.filter(|_| errors.iter().all(hookwright_core::Error::is_warning)) {
                    <code data-testid="rendered-url">{ mask_url(request, &out) }</code>
                }
            </p>
            { error_list("url-errors".into(), "URL problems".into(), &errors, &[], None, None) }
            { url_secrets(&editor, connection) }
            <h4>{ "Headers" }</h4>
            <HeadersTable headers={request.headers.clone()} {findings}
                on_change={on_headers} />
            <AuthEditor connection={connection.clone()} />
        </section>
    }
}

/// The URL's user-info and query parameters: which are kept secret, with a
/// box per parameter to mark or unmark it. A plain function: it holds no state.
fn url_secrets(editor: &Dispatcher, connection: &Connection) -> Html {
    let request = &connection.request;
    let params = secret::query_params(request);
    let layout = secret::url_layout(&request.url);
    let left_out = secret::missing(connection)
        .iter()
        .any(|s| s.field == "request.url");
    if params.is_empty() && layout.user_secret.is_none() && !left_out {
        return Html::default();
    }
    // Lint's rule: a credential-looking value in a parameter not kept secret.
    let unmarked: Vec<String> = secret::unmarked_credentials(connection)
        .into_iter()
        .filter(|(field, _)| field == "request.url")
        .map(|(_, message)| message)
        .collect();
    let user_info = layout.user_secret.as_ref().map(|part| {
        if request.url[..part.start].ends_with(':') {
            "The password in the URL is a secret: exports, share links and the send history leave it out."
        } else {
            "The user-info in the URL (before @) is a secret: exports, share links and the send history leave it out."
        }
    });
    html! {
        <fieldset class="url-secrets">
            <legend>{ "Secrets in the URL" }</legend>
            if left_out {
                <p class="inline-note warning">{ format!(
                    "A secret in the URL was left out of an export ({}): fill it in before sending.",
                    secret::PLACEHOLDER
                ) }</p>
            }
            if let Some(note) = user_info {
                <p class="muted small">{ note }</p>
            }
            { for unmarked.iter().map(|m| html! {
                <p class="inline-note warning">{ format!("{}. Tick it below to keep it out.", super::sentence(m)) }</p>
            }) }
            if !params.is_empty() {
                <ul class="query-params" aria-label="Query parameters">
                    { for params.iter().map(|p| {
                        let editor = editor.clone();
                        let id = connection.id.clone();
                        let name = p.name.clone();
                        let onchange = Callback::from(move |e: Event| {
                            let secret = e.target_unchecked_into::<HtmlInputElement>().checked();
                            let name = name.clone();
                            edit_as(&editor, &id, "", Edit::MarkQuerySecret { name, secret });
                        });
                        let why = match p.marked {
                            None if p.secret => " (by its name)",
                            Some(true) => " (marked by you)",
                            Some(false) if p.by_name => " (unmarked by you)",
                            _ => "",
                        };
                        html! {
                            <li>
                                <label class="check">
                                    <input type="checkbox" checked={p.secret} {onchange}
                                        aria-label={format!("Query parameter {} is secret", p.name)} />
                                    { " " }<code>{ &p.name }</code>
                                    <span class="muted small">{ if p.secret { format!(" secret{why}") } else { " not secret".to_string() } }</span>
                                </label>
                            </li>
                        }
                    }) }
                </ul>
            }
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct AuthEditorProps {
    connection: Rc<Connection>,
}

#[component]
fn AuthEditor(props: &AuthEditorProps) -> Html {
    let editor = use_dispatch();
    let revealed = use_state(|| false);
    let connection = &props.connection;
    let auth = &connection.request.auth;
    let kind = match auth {
        Auth::None => "none",
        Auth::Bearer { .. } => "bearer",
        Auth::Basic { .. } => "basic",
    };
    let on_kind = {
        let editor = editor.clone();
        let connection = connection.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let auth = match select.value().as_str() {
                "bearer" => Auth::Bearer {
                    token: String::new(),
                    redacted: false,
                },
                "basic" => Auth::Basic {
                    username: String::new(),
                    password: String::new(),
                    redacted: false,
                },
                _ => Auth::None,
            };
            edit_as(&editor, &connection.id, "", Edit::SetAuth(auth));
        })
    };
    let set = |key: &'static str, f: fn(&mut Auth, String)| {
        let editor = editor.clone();
        let connection = connection.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut auth = connection.request.auth.clone();
            f(&mut auth, value);
            edit_as(&editor, &connection.id, key, Edit::SetAuth(auth));
        })
    };
    let on_generate = {
        let editor = editor.clone();
        let connection = connection.clone();
        let revealed = revealed.clone();
        Callback::from(move |_: MouseEvent| {
            let token = crypto::token();
            let auth = Auth::Bearer {
                token,
                redacted: false,
            };
            edit_as(&editor, &connection.id, "", Edit::SetAuth(auth));
            revealed.set(true);
        })
    };
    let toggle = {
        let revealed = revealed.clone();
        Callback::from(move |_: MouseEvent| revealed.set(!*revealed))
    };
    let input_type = if *revealed { "text" } else { "password" };
    let reveal_button = html! {
        <button type="button" class="button" aria-pressed={revealed.to_string()} onclick={toggle}>
            { if *revealed { "Hide" } else { "Show" } }
        </button>
    };
    let redacted_note = |redacted: bool| {
        redacted.then(|| html! {
            <p class="inline-note warning">{ "This secret was left out of an export: fill it in before sending." }</p>
        })
    };
    html! {
        <fieldset class="auth-editor">
            <legend>{ "Auth" }</legend>
            <label class="field">
                <span class="field-label">{ "Type" }</span>
                <select aria-label="Auth type" onchange={on_kind}>
                    <option value="none" selected={kind == "none"}>{ "None" }</option>
                    <option value="bearer" selected={kind == "bearer"}>{ "Bearer token" }</option>
                    <option value="basic" selected={kind == "basic"}>{ "Basic (username and password)" }</option>
                </select>
            </label>
            { match auth {
                Auth::None => html! { <p class="muted">{ "No Authorization header is added." }</p> },
                Auth::Bearer { token, redacted } => html! {
                    <div class="secret-row">
                        <label class="field grow">
                            <span class="field-label">{ "Token" }</span>
                            <input type={input_type} aria-label="Bearer token" value={token.clone()} autocomplete="off"
                                spellcheck="false" oninput={set("auth-token", |a, v| *a = Auth::Bearer { token: v, redacted: false })} />
                        </label>
                        { reveal_button }
                        <button type="button" class="button" onclick={on_generate}>{ "Generate token" }</button>
                        { for redacted_note(*redacted) }
                    </div>
                },
                Auth::Basic { username, password, redacted } => {
                    let keep_pass = password.clone();
                    let keep_user = username.clone();
                    let on_user = {
                        let editor = editor.clone();
                        let connection = connection.clone();
                        let redacted = *redacted;
                        Callback::from(move |e: InputEvent| {
                            let username = e.target_unchecked_into::<HtmlInputElement>().value();
                            let password = keep_pass.clone();
                            edit_as(&editor, &connection.id, "auth-user", Edit::SetAuth(Auth::Basic { username, password, redacted }));
                        })
                    };
                    let on_pass = {
                        let editor = editor.clone();
                        let connection = connection.clone();
                        Callback::from(move |e: InputEvent| {
                            let password = e.target_unchecked_into::<HtmlInputElement>().value();
                            let username = keep_user.clone();
                            edit_as(&editor, &connection.id, "auth-pass", Edit::SetAuth(Auth::Basic { username, password, redacted: false }));
                        })
                    };
                    html! {
                        <div class="secret-row">
                            <label class="field">
                                <span class="field-label">{ "Username" }</span>
                                <input type="text" aria-label="Username" value={username.clone()} autocomplete="off" oninput={on_user} />
                            </label>
                            <label class="field grow">
                                <span class="field-label">{ "Password" }</span>
                                <input type={input_type} aria-label="Password" value={password.clone()} autocomplete="off" oninput={on_pass} />
                            </label>
                            { reveal_button }
                            if username.contains(':') {
                                <p class="inline-note error">{ "A basic-auth username may not contain “:”." }</p>
                            }
                            { for redacted_note(*redacted) }
                        </div>
                    }
                }
            } }
        </fieldset>
    }
}
