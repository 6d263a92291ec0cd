//! The fully rendered request for the selected sample — method, URL, headers
//! (auth included, every secret masked) and body — and "Copy as curl", which
//! copies the real bytes (secrets included) for sending from a terminal;
//! beside it "Copy as SQL" (`copy_sql`).

use std::rc::Rc;

use hookwright_core::connection::{self, Connection, Trigger};
use hookwright_core::secret::mask_request;
use hookwright_core::template::{render_request, FieldError, RenderedRequest, RequestOptions};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::copy_sql::CopySql;
use super::error_list::error_list;
use super::preview_worker::RenderResult;
use super::templating::{preview_sample, use_custom_sample, CustomSample};

use crate::outbound::curl;
use crate::services::clipboard;

/// The request as it would be sent for the connection's sample.
pub fn render_for_sample(
    connection: &Connection,
    custom: &CustomSample,
    trace: &str,
    lenient: bool,
) -> Result<RenderedRequest, Vec<FieldError>> {
    let Some(sample) = preview_sample(connection, custom) else {
        return Err(Vec::new());
    };
    render_request(
        connection,
        sample.context,
        &RequestOptions {
            lenient,
            trace: trace.to_string(),
        },
    )
}

#[derive(Properties, PartialEq)]
pub struct RequestPreviewProps {
    pub connection: Rc<Connection>,
    /// The request for the connection's sample (`preview_worker::use_rendered`):
    /// `None` until the worker's first answer for a large body.
    pub rendered: Option<Rc<RenderResult>>,
}

#[component]
pub fn RequestPreview(props: &RequestPreviewProps) -> Html {
    let connection = &props.connection;
    let custom = use_custom_sample();
    let sample = preview_sample(connection, &custom);
    let Some(rendered) = &props.rendered else {
        return html! {
            <div class="request-preview-wrap">
                <div data-testid="request-preview" class="request-preview" aria-busy="true">
                    <p class="muted">{ "Rendering the request…" }</p>
                </div>
            </div>
        };
    };
    html! {
        <div class="request-preview-wrap">
            <p class="muted small">{ match sample {
                Some(s) => format!("Rendered for the sample “{}”.", s.name),
                None => "No sample context fits this connection.".to_string(),
            } }</p>
            { match &**rendered {
                Ok(request) => html! {
                    <>
                        if !request.empty_variables.is_empty() {
                            <div class="notice warning inline" data-testid="empty-variables">
                                <span>{ "Rendered empty because the sample does not have them:" }</span>
                                <ul class="empty-variables">
                                    { for request.empty_variables.iter().map(|(field, name, span)| html! {
                                        <li><code>{ name }</code>{ format!(" in {field} at {}:{}", span.line, span.col) }</li>
                                    }) }
                                </ul>
                            </div>
                        }
                        { view(request, connection) }
                    </>
                },
                Err(errors) => html! {
                    <div data-testid="request-preview" class="request-preview invalid">
                        <p class="bad">{ "The request cannot be rendered yet:" }</p>
                        { error_list("request-preview-errors".into(), "Why the request cannot be rendered".into(),
                            &errors.iter().map(field_error).collect::<Vec<_>>(),
                            // A caret view only under errors with a place: without one it repeats the message.
                            &errors.iter().map(|e| if e.error.span.is_some() { e.render() } else { String::new() }).collect::<Vec<_>>(), None, None) }
                    </div>
                },
            } }
            { match (connection.source, &connection.trigger) {
                (connection::Source::Loanpro, Trigger::Rule { rule }) => html! {
                    <CopySql rule={AttrValue::from(rule.clone())}>
                        if let Ok(request) = &**rendered {
                            <CopyCurl command={curl(request)} />
                        }
                    </CopySql>
                },
                _ => html! {
                    if let Ok(request) = &**rendered {
                        <CopyCurl command={curl(request)} />
                    }
                },
            } }
        </div>
    }
}

/// A request error as the page lists errors: the field named in its message
/// (its caret rendering, drawn beneath, shows the place).
fn field_error(e: &FieldError) -> hookwright_core::Error {
    let mut error = e.error.clone();
    error.message = format!("{}: {}", e.field, error.message);
    error
}

fn view(request: &RenderedRequest, connection: &Connection) -> Html {
    let shown = mask_request(connection, request).request;
    html! {
        <div data-testid="request-preview" class="request-preview">
            <p class="preview-line">
                <span class={classes!("method", format!("method-{}", shown.method.to_lowercase()))} data-part="method">{ &shown.method }</span>
                { " " }
                <code data-part="url">{ &shown.url }</code>
            </p>
            <table class="preview-headers">
                <caption class="visually-hidden">{ "Headers sent" }</caption>
                <tbody>
                    { for shown.headers.iter().map(|h| html! {
                        <tr data-part="header"><th scope="row"><code>{ &h.name }</code></th><td><code>{ &h.value }</code></td></tr>
                    }) }
                </tbody>
            </table>
            { match &shown.body {
                Some(body) if body.len() > BODY_SHOWN_WHOLE => body_head(body),
                Some(body) => html! { <pre class="code" data-part="body">{ body }</pre> },
                None => html! { <p class="muted">{ "No body." }</p> },
            } }
        </div>
    }
}

/// Bodies longer than this show their first lines only: the browser's
/// layout of a 2 MB `<pre>` (21,000 lines) is a long task, and no one reads
/// it there; "Copy as curl" has the whole body.
const BODY_SHOWN_WHOLE: usize = 64 * 1024;
const BODY_HEAD_LINES: usize = 500;

fn body_head(body: &str) -> Html {
    let lines = body.lines().count();
    let end = body
        .match_indices('\n')
        .nth(BODY_HEAD_LINES - 1)
        .map_or(body.len(), |(at, _)| at);
    html! {
        <>
            <p class="muted small" data-testid="body-head">
                { format!("A {} MB body: its first {BODY_HEAD_LINES} of {} lines. “Copy as curl” copies all of it.",
                    hookwright_core::dryrun::megabytes(body.len() as u64), hookwright_core::dryrun::thousands(lines as u64)) }
            </p>
            <pre class="code body-head" data-part="body">{ &body[..end] }</pre>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct CopyCurlProps {
    pub command: String,
}

/// The copy button, with a text area to copy from when the clipboard refuses.
#[component]
pub fn CopyCurl(props: &CopyCurlProps) -> Html {
    let state = use_state(|| None::<Result<(), String>>);
    let onclick = {
        let state = state.clone();
        let command = props.command.clone();
        Callback::from(move |_: MouseEvent| {
            let state = state.clone();
            let command = command.clone();
            spawn_local(async move {
                state.set(Some(clipboard::write_text(&command).await));
            });
        })
    };
    html! {
        <div class="copy-curl">
            <button type="button" class="button" {onclick}>{ "Copy as curl" }</button>
            { match &*state {
                Some(Ok(())) => html! { <span class="ok" role="status">{ " Copied (it includes your secrets)." }</span> },
                Some(Err(_)) => html! {
                    <label class="field">
                        <span class="field-label">{ "The browser would not copy; copy the command from here (it includes your secrets):" }</span>
                        <textarea class="mono" readonly=true rows="6" aria-label="curl command" value={props.command.clone()} />
                    </label>
                },
                None => Html::default(),
            } }
        </div>
    }
}
