//! The Payload section: a LoanPro variable list (sent as its envelope) or a
//! custom body with a content type, edited in the code editor with live
//! validation. Colouring follows every keystroke; the render-and-check runs
//! once typing pauses, so a long body stays responsive.

use std::rc::Rc;

use hookwright_core::analysis::analyze_field;
use hookwright_core::connection::{Connection, Payload};
use hookwright_core::template::Mode;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::code_editor::{CodeEditor, Paint, PLAIN_ABOVE};
use super::error_list::{diagnostic_paints, error_list};
use super::preview_worker::{use_body_check, WORKER_BODY_ABOVE};
use super::request_panel::edit_as;
use super::templating::{
    now_ms, preview_sample, syntax_paints, template_completions, use_custom_sample, use_debounced,
    PLACEHOLDER_COMPLETER,
};
use super::use_dispatch;
use super::variable_list::VariableList;
use crate::actions::Edit;
use crate::body_format::format_json_template;
use crate::state::Dispatcher;

/// How long typing must pause before the body is rendered and checked.
const VALIDATE_DELAY_MS: u32 = 150;

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/xml",
];

/// The section. A plain function, not a component: it holds no state of its
/// own (`BodyEditor` and `VariableList` do), and each component costs the
/// page's wasm a copy of Yew's lifecycle.
pub fn payload_panel(editor: &Dispatcher, connection: &Rc<Connection>) -> Html {
    let payload = &connection.request.payload;
    let custom = matches!(payload, Payload::Custom { .. });
    let set_mode = |to_custom: bool| {
        let editor = editor.clone();
        let connection = connection.clone();
        Callback::from(move |_: Event| {
            let payload = if to_custom {
                Payload::Custom {
                    content_type: "application/json".into(),
                    body: "{\n  \"loanId\": [[v('loan-id')]]\n}".into(),
                }
            } else {
                Payload::Variables {
                    variables: vec!["loan-id".into()],
                    event_name: None,
                }
            };
            edit_as(
                &editor,
                &connection.id,
                "",
                Edit::SetPayload(payload.clone()),
            );
        })
    };
    html! {
        <section class="panel payload-panel" aria-labelledby="payload-title">
            <h3 id="payload-title">{ "Payload" }</h3>
            <fieldset class="segmented">
                <legend class="visually-hidden">{ "Payload kind" }</legend>
                <label class={classes!((!custom).then_some("checked"))}><input type="radio" name={format!("payload-kind-{}", connection.id)} checked={!custom}
                    onchange={set_mode(false)} />{ "Variable list (LoanPro envelope)" }</label>
                <label class={classes!(custom.then_some("checked"))}><input type="radio" name={format!("payload-kind-{}", connection.id)} checked={custom}
                    onchange={set_mode(true)} />{ "Custom body" }</label>
            </fieldset>
            if custom {
                <BodyEditor connection={connection.clone()} />
            } else {
                <VariableList connection={connection.clone()} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BodyEditorProps {
    connection: Rc<Connection>,
}

#[component]
fn BodyEditor(props: &BodyEditorProps) -> Html {
    let editor = use_dispatch();
    let format_error = use_state(|| None::<String>);
    let connection = &props.connection;
    // No early return before the hooks below: Yew needs the same hooks in
    // the same order on every render. `payload_panel` shows this editor only
    // for a custom body; anything else renders nothing after the hooks.
    let no_body = String::new();
    let (content_type, body) = match &connection.request.payload {
        Payload::Custom { content_type, body } => (content_type, body),
        Payload::Variables { .. } => (&no_body, &no_body),
    };
    let completions = use_memo(connection.source, |source| template_completions(*source));
    let json = Mode::for_content_type(content_type) == Mode::Json;

    // Checked once typing pauses; the text itself updates at once.
    let settled = use_debounced(
        (
            connection.id.clone(),
            body.clone(),
            content_type.clone(),
            connection.sample.clone(),
        ),
        VALIDATE_DELAY_MS,
    );
    let custom = use_custom_sample();
    // A large body is checked in the analysis worker once typing pauses.
    let typing_paused = settled.1 == *body;
    let from_worker = use_body_check(connection.clone(), custom.clone(), typing_paused);
    let check = {
        let connection = connection.clone();
        use_memo(
            (settled, custom.clone()),
            move |((_, body, content_type, _), custom)| {
                if body.len() > WORKER_BODY_ABOVE {
                    return None;
                }
                let started = now_ms();
                let ctx = preview_sample(&connection, custom).map(|s| s.context);
                let mode = Mode::for_content_type(content_type);
                let errors = analyze_field("request.payload.body", body, mode, ctx).errors;
                Some((body.clone(), errors, now_ms() - started))
            },
        )
    };
    let (current, errors, millis) = match (&*check, from_worker) {
        (Some((checked_text, errors, millis)), _) => {
            (checked_text == body, errors.clone(), *millis)
        }
        (None, Some((asked, errors))) => {
            let same =
                matches!(&asked.request.payload, Payload::Custom { body: b, .. } if b == body);
            (same, (*errors).clone(), 0.0)
        }
        (None, None) => (false, Vec::new(), 0.0),
    };
    let (errors, millis) = (&errors, &millis);

    // Colours follow every keystroke (the editor draws only the lines in
    // view); a body past the editor's plain size is shown uncoloured.
    let colours = use_memo((body.clone(), json), |(body, json)| {
        if body.len() > PLAIN_ABOVE {
            Vec::new()
        } else {
            syntax_paints(body, *json)
        }
    });
    let mut paints: Vec<Paint> = (*colours).clone();
    if current {
        paints.extend(diagnostic_paints(errors));
    }

    let on_body = {
        let editor = editor.clone();
        let connection = connection.clone();
        let format_error = format_error.clone();
        Callback::from(move |body: String| {
            format_error.set(None);
            edit_as(&editor, &connection.id, "body", Edit::SetBody(body));
        })
    };
    let on_type = {
        let editor = editor.clone();
        let connection = connection.clone();
        Callback::from(move |e: InputEvent| {
            let content_type = e.target_unchecked_into::<HtmlInputElement>().value();
            edit_as(
                &editor,
                &connection.id,
                "content-type",
                Edit::SetContentType(content_type),
            );
        })
    };
    let on_format = {
        let editor = editor.clone();
        let connection = connection.clone();
        let body = body.clone();
        let format_error = format_error.clone();
        Callback::from(move |_: MouseEvent| match format_json_template(&body) {
            Ok(formatted) => {
                format_error.set(None);
                edit_as(&editor, &connection.id, "", Edit::SetBody(formatted));
            }
            Err(why) => format_error.set(Some(why)),
        })
    };
    if !matches!(connection.request.payload, Payload::Custom { .. }) {
        return Html::default();
    }
    let list_id = format!("content-types-{}", connection.id);
    html! {
        <div class="body-editor">
            <div class="toolbar">
                <label class="field">
                    <span class="field-label">{ "Content type" }</span>
                    <input type="text" class="mono" aria-label="Content type" list={list_id.clone()} value={content_type.clone()}
                        spellcheck="false" oninput={on_type} />
                    <datalist id={list_id}>
                        { for CONTENT_TYPES.iter().map(|t| html! { <option value={*t} /> }) }
                    </datalist>
                </label>
                <button type="button" class="button" onclick={on_format} disabled={!json}
                    title={if json { "Pretty-print the JSON, keeping placeholders as written" } else { "Formatting is for JSON bodies" }}>
                    { "Format" }
                </button>
            </div>
            if let Some(why) = &*format_error {
                <p class="inline-note error" role="status">{ format!("Not formatted: {why}") }</p>
            }
            <CodeEditor label="Body" value={body.clone()} on_change={on_body} rows={14}
                paints={Rc::new(paints)} completions={(*completions).clone()}
                completer={Some(PLACEHOLDER_COMPLETER)}
                described_by={Some(AttrValue::from("body-errors"))}
                invalid={current && errors.iter().any(|e| !e.is_warning())} />
            <div class="body-status" data-testid="body-status" data-validate-ms={hundredths(*millis)}
                data-current={current.to_string()} aria-live="polite">
                if !current {
                    <span class="muted">{ "Checking…" }</span>
                } else if errors.is_empty() {
                    <span class="ok">{ if json { "✓ Renders valid JSON for the sample." } else { "✓ Renders for the sample." } }</span>
                } else {
                    <span class="bad">{ format!("{} problem{}", errors.len(), if errors.len() == 1 { "" } else { "s" }) }</span>
                }
            </div>
            { error_list("body-errors".into(), "Body problems".into(), errors, &[], None, None) }
        </div>
    }
}

/// Milliseconds with two decimals (`1.25`), in integers: the page carries no
/// float formatting.
fn hundredths(millis: f64) -> String {
    let hundredths = (millis.max(0.0) * 100.0 + 0.5) as u64;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}
