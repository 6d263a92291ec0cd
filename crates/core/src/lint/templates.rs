//! Template fields: parsed, checked against the catalog, rendered per sample.

use super::{check_url, Finding, Subject};
use crate::connection::{Auth, Connection, Payload};
use crate::context::Context;
use crate::error::{Error, ErrorKind};
use crate::suggest;
use crate::template::{Mode, Template};

/// Every template parses and reads only catalog variables; then each is
/// rendered against every sample that fits the trigger: the URL must come
/// out absolute http(s), a header value without line breaks, a JSON body as
/// valid JSON. An error several samples share is reported once, naming them.
///
/// Rendering is lenient (a variable missing from a sample renders empty, as
/// LoanPro does): whether a variable exists is the catalog's question, asked
/// once above, not each sample's. A field whose text already failed a
/// literal check, or that uses unknown variables, is not rendered, so one
/// cause gives one line.
pub fn check_templates(s: &Subject) -> Vec<Finding> {
    let mut out = Vec::new();
    let url_is_broken = check_url(s).iter().any(|f| !f.error.is_warning());
    for (field, source) in template_fields(s.connection) {
        let template = match Template::parse(source) {
            Ok(t) => t,
            Err(errors) => {
                out.extend(errors.into_iter().map(|error| Finding {
                    field: field.clone(),
                    error,
                }));
                continue;
            }
        };
        // Curly quotes copied from LoanPro's help pages, Blitz output left as text.
        out.extend(template.notes().iter().map(|note| Finding {
            field: field.clone(),
            error: note.clone(),
        }));
        let mut unknown = false;
        for (name, span) in template.variables() {
            if s.catalog.variable(&name).is_none() {
                unknown = true;
                let near = suggest::did_you_mean(&name, s.catalog.names());
                out.push(Finding {
                    field: field.clone(),
                    error: Error::at(
                        ErrorKind::UnknownVariable,
                        format!(
                            "unknown variable `{name}` in the {} catalog{}",
                            s.catalog.name,
                            suggest::hint(&near)
                        ),
                        span,
                    ),
                });
            }
        }
        if unknown {
            continue;
        }
        let Some(kind) = render_kind(&field, source, &s.connection.request, url_is_broken) else {
            continue;
        };
        // (error, ids of the samples it happened for), in first-seen order.
        let mut failures: Vec<(Error, Vec<&str>)> = Vec::new();
        for sample in &s.samples {
            for error in render_errors(&template, &sample.context, kind) {
                match failures.iter_mut().find(|(known, _)| *known == error) {
                    Some((_, ids)) => ids.push(&sample.id),
                    None => failures.push((error, vec![&sample.id])),
                }
            }
        }
        for (mut error, ids) in failures {
            error.message = format!(
                "{} ({})",
                error.message,
                which_samples(&ids, s.samples.len())
            );
            out.push(Finding {
                field: field.clone(),
                error,
            });
        }
    }
    out
}

/// How a template field is rendered and what its output must be.
#[derive(Debug, Clone, Copy)]
enum RenderKind {
    /// An absolute http(s) URL (the renderer's URL mode checks it).
    Url,
    /// Text with no CR, LF or NUL, which would start a header of its own; with `latin1`,
    /// nothing past ISO-8859-1 (basic-auth parts are base64-encoded, so they may).
    HeaderValue { latin1: bool },
    /// A body in its content type's mode; JSON mode checks the output parses.
    Body(Mode),
}

/// `None` when the field is not rendered: its literal text already failed a
/// simpler check, or there is nothing a render could get wrong.
fn render_kind(
    field: &str,
    source: &str,
    request: &crate::connection::Request,
    url_is_broken: bool,
) -> Option<RenderKind> {
    if field == "request.url" {
        return (!url_is_broken).then_some(RenderKind::Url);
    }
    if field == "request.payload.body" {
        let Payload::Custom { content_type, .. } = &request.payload else {
            return None;
        };
        let mode = Mode::for_content_type(content_type);
        // Nothing to render in an empty body; a literal JSON one was parsed by `check_payload`.
        let skip = source.trim().is_empty() || (mode == Mode::Json && !source.contains("[["));
        return (!skip).then_some(RenderKind::Body(mode));
    }
    // Header values and credentials: a control character in the text itself
    // was reported by `check_headers` / `check_auth`.
    let latin1 = field.starts_with("request.headers") || field == "request.auth.token";
    (!source.contains(['\r', '\n', '\0'])).then_some(RenderKind::HeaderValue { latin1 })
}

fn render_errors(template: &Template, ctx: &Context, kind: RenderKind) -> Vec<Error> {
    let mode = match kind {
        RenderKind::Url => Mode::Url,
        RenderKind::HeaderValue { .. } => Mode::Text,
        RenderKind::Body(mode) => mode,
    };
    let outcome = template.outcome(ctx, mode, true);
    if !outcome.errors.is_empty() {
        return outcome.errors;
    }
    if let RenderKind::HeaderValue { latin1 } = kind {
        if let Some(at) = outcome.output.find(['\r', '\n', '\0']) {
            return vec![Error::at(
                ErrorKind::Invalid,
                "renders a line break (CR/LF) into the header value, which would end the header early",
                outcome.span_of(template.source(), at),
            )];
        }
        // A character in the field's own text was reported by `check_headers`; this is one a
        // variable brings in.
        let literal = crate::header_value::non_latin1_at(template.source()).is_some();
        if let Some((at, c)) = crate::header_value::non_latin1_at(&outcome.output) {
            if latin1 && !literal {
                return vec![Error::at(
                    ErrorKind::Invalid,
                    format!("renders {}", crate::header_value::non_latin1_message(c)),
                    outcome.span_of(template.source(), at),
                )];
            }
        }
    }
    Vec::new()
}

/// `with sample loan-current`, `with samples loan-current, loan-paid-off`, `with all 4 samples`.
fn which_samples(ids: &[&str], of: usize) -> String {
    match ids {
        [one] => format!("with sample {one}"),
        _ if ids.len() == of => format!("with all {of} samples"),
        _ => format!("with samples {}", ids.join(", ")),
    }
}

/// Every field of a connection that may hold placeholders, with its path:
/// the URL, header values, credentials that are present (the request
/// renderer fills placeholders in them too) and a custom body.
pub fn template_fields(connection: &Connection) -> Vec<(String, &str)> {
    let request = &connection.request;
    let mut out = vec![("request.url".to_string(), request.url.as_str())];
    for (i, h) in request.headers.iter().enumerate() {
        out.push((format!("request.headers[{i}].value"), h.value.as_str()));
    }
    match &request.auth {
        Auth::Bearer {
            token,
            redacted: false,
        } => out.push(("request.auth.token".to_string(), token.as_str())),
        Auth::Basic {
            username,
            password,
            redacted,
        } => {
            out.push(("request.auth.username".to_string(), username.as_str()));
            if !redacted {
                out.push(("request.auth.password".to_string(), password.as_str()));
            }
        }
        _ => {}
    }
    if let Payload::Custom { body, .. } = &request.payload {
        out.push(("request.payload.body".to_string(), body.as_str()));
    }
    out
}
