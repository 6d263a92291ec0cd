//! Renders a whole connection request — method, URL, headers with auth, and
//! body — from a connection and a context, collecting every problem with the
//! field it belongs to so the editor and `lint` can point at it.

use std::fmt;

use serde::Serialize;

use super::render::Outcome;
use super::{envelope, Mode, Template};
use crate::connection::{Auth, Connection, Header, Payload};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Span};
use crate::header_value::{non_latin1_at, non_latin1_message};
use crate::secret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOptions {
    /// Render unknown variables empty instead of failing.
    pub lenient: bool,
    /// The envelope's trace id; LoanPro keeps it across retries, so the caller
    /// owns it (make one with [`super::uuid_v4`]).
    pub trace: String,
}

impl Default for RequestOptions {
    fn default() -> Self {
        RequestOptions {
            lenient: false,
            trace: super::uuid_v4([0; 16]),
        }
    }
}

/// The request as it would be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
    pub body: Option<String>,
    /// Lenient mode: variables rendered empty, as `(field, variable, span)`.
    #[serde(skip)]
    pub empty_variables: Vec<(String, String, Span)>,
}

/// An error in one field of a connection's request. `source` is that field's
/// text, which the error's span points into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `url`, `headers[1].value`, `auth.token`, `body`, `payload.variables`.
    pub field: String,
    pub source: String,
    pub error: Error,
}

impl FieldError {
    fn new(field: &str, source: &str, error: Error) -> FieldError {
        FieldError {
            field: field.to_string(),
            source: source.to_string(),
            error,
        }
    }

    /// The caret view of the error, titled with the field.
    pub fn render(&self) -> String {
        format!("in {}: {}", self.field, self.error.render(&self.source))
    }
}

/// `url: 1:62: unknown variable ...`
impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.error)
    }
}

/// Renders `connection`'s request against `ctx`, returning every problem found.
pub fn render_request(
    connection: &Connection,
    ctx: &Context,
    options: &RequestOptions,
) -> Result<RenderedRequest, Vec<FieldError>> {
    let request = &connection.request;
    let mut r = Fields {
        ctx,
        lenient: options.lenient,
        errors: Vec::new(),
        empty: Vec::new(),
    };

    let url = r.template("url", &request.url, Mode::Url);
    if secret::missing(connection)
        .iter()
        .any(|s| s.field == "request.url")
    {
        r.redacted("url", "a secret in the URL");
    }

    let mut headers = Vec::new();
    for (i, header) in request.headers.iter().enumerate() {
        let name_field = format!("headers[{i}].name");
        if let Some(at) = crate::header_name::invalid_at(&header.name) {
            let message = if header.name.is_empty() {
                "a header name may not be empty".to_string()
            } else {
                "a header name may only hold letters, digits and !#$%&'*+-.^_`|~".to_string()
            };
            let span = Span::locate(&header.name, at, at + 1);
            r.push(
                &name_field,
                &header.name,
                Error::at(ErrorKind::Invalid, message, span),
            );
        }
        if header.name.eq_ignore_ascii_case("authorization") && request.auth != Auth::None {
            let span = Span::locate(&header.name, 0, header.name.len());
            r.push(
                &name_field,
                &header.name,
                Error::at(ErrorKind::Invalid, "an Authorization header and the connection's auth would both be sent; keep one", span),
            );
        }
        let value_field = format!("headers[{i}].value");
        if header.redacted {
            r.redacted(
                &value_field,
                &format!(
                    "the {} header's value",
                    crate::error::quote_n(&header.name, 40)
                ),
            );
            continue;
        }
        if let Some(value) = r.header_value(&value_field, &header.value, true) {
            headers.push(Header::new(header.name.clone(), value));
        }
    }

    match &request.auth {
        Auth::None => {}
        Auth::Bearer { token, redacted } => {
            if *redacted {
                r.redacted("auth.token", "the bearer token");
            } else if let Some(token) = r.header_value("auth.token", token, true) {
                headers.push(Header::new("Authorization", format!("Bearer {token}")));
            }
        }
        Auth::Basic {
            username,
            password,
            redacted,
        } => {
            if *redacted {
                r.redacted("auth.password", "the basic-auth password");
            } else {
                let user = r.header_value("auth.username", username, false);
                let pass = r.header_value("auth.password", password, false);
                if let (Some(user), Some(pass)) = (user, pass) {
                    if user.contains(':') {
                        let at = username.find(':').unwrap_or(0);
                        r.push(
                            "auth.username",
                            username,
                            Error::at(
                                ErrorKind::Invalid,
                                "a basic-auth username may not contain `:`",
                                Span::locate(username, at, at + 1),
                            ),
                        );
                    }
                    use base64::Engine as _;
                    let encoded =
                        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
                    headers.push(Header::new("Authorization", format!("Basic {encoded}")));
                }
            }
        }
    }

    let (body, content_type) = match &request.payload {
        Payload::Variables {
            variables,
            event_name,
        } => {
            let event_name = event_name.as_deref().unwrap_or(&connection.name);
            let body = match envelope::envelope(
                variables,
                event_name,
                ctx,
                &options.trace,
                options.lenient,
            ) {
                Ok(rendered) => {
                    for (name, span) in rendered.empty_variables {
                        r.empty.push(("payload.variables".into(), name, span));
                    }
                    Some(rendered.output)
                }
                Err(errors) => {
                    let joined = variables.join(",");
                    for e in errors {
                        r.push("payload.variables", &joined, e);
                    }
                    None
                }
            };
            (body, "application/json")
        }
        Payload::Custom { content_type, body } => {
            let mode = Mode::for_content_type(content_type);
            (r.template("body", body, mode), content_type.as_str())
        }
    };
    if !headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("content-type"))
        && !content_type.is_empty()
    {
        headers.push(Header::new("Content-Type", content_type));
    }

    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    Ok(RenderedRequest {
        method: request.method.as_str().to_string(),
        url: url.unwrap_or_default(),
        headers,
        body,
        empty_variables: r.empty,
    })
}

struct Fields<'c> {
    ctx: &'c Context,
    lenient: bool,
    errors: Vec<FieldError>,
    empty: Vec<(String, String, Span)>,
}

impl Fields<'_> {
    fn push(&mut self, field: &str, source: &str, error: Error) {
        self.errors.push(FieldError::new(field, source, error));
    }

    fn redacted(&mut self, field: &str, what: &str) {
        self.push(
            field,
            "",
            Error::new(
                ErrorKind::Redacted,
                format!("{what} was left out of this export; fill it in"),
                None,
            ),
        );
    }

    /// Parses and renders one field; `None` when it has errors (recorded).
    fn template(&mut self, field: &str, source: &str, mode: Mode) -> Option<String> {
        self.outcome(field, source, mode).map(|o| o.output)
    }

    /// [`Self::template`]'s render with its output map, for checks that point into it.
    fn outcome(&mut self, field: &str, source: &str, mode: Mode) -> Option<Outcome> {
        let template = match Template::parse(source) {
            Ok(t) => t,
            Err(errors) => {
                for e in errors {
                    self.push(field, source, e);
                }
                return None;
            }
        };
        let outcome = template.outcome(self.ctx, mode, self.lenient);
        for (name, span) in &outcome.empty {
            self.empty.push((field.to_string(), name.clone(), *span));
        }
        if !outcome.errors.is_empty() {
            for e in outcome.errors {
                self.push(field, source, e);
            }
            return None;
        }
        Some(outcome)
    }

    /// A header value: text mode, and no CR, LF or NUL, which would let a
    /// value start a header (or a body) of its own. With `latin1`, also no
    /// character past ISO-8859-1 (basic-auth parts are base64-encoded, so may have them).
    fn header_value(&mut self, field: &str, source: &str, latin1: bool) -> Option<String> {
        let outcome = self.outcome(field, source, Mode::Text)?;
        if let Some(at) = outcome.output.find(['\r', '\n', '\0']) {
            let span = outcome.span_of(source, at);
            self.push(
                field,
                source,
                Error::at(
                    ErrorKind::Invalid,
                    "a header value may not contain a line break (header injection)",
                    span,
                ),
            );
            return None;
        }
        if let Some((at, c)) = latin1.then(|| non_latin1_at(&outcome.output)).flatten() {
            let span = outcome.span_of(source, at);
            self.push(
                field,
                source,
                Error::at(ErrorKind::Invalid, non_latin1_message(c), span),
            );
            return None;
        }
        Some(outcome.output)
    }
}
