//! What a secret is, in one place. Exports, share links, the send history,
//! the preview's masking and lint all ask this module, so a credential is
//! treated the same wherever it was typed:
//!
//! - the Auth section's bearer token and basic-auth password;
//! - a header value the user marked secret, or, unless the user unmarked it,
//!   one whose name carries credentials by convention (`Authorization`,
//!   `Proxy-Authorization`, `Cookie`, `X-Api-Key` and other `*key*`,
//!   `*token*`, `*secret*`, `*password*` names);
//! - the URL's user-info (`https://user:pass@host`: the password, or the
//!   user part when there is no password), and query parameters the user
//!   marked secret or, unless unmarked, whose name looks like a credential
//!   (`?token=`, `?api_key=`).
//!
//! A value made only of placeholders (`Bearer [[v('api-token')]]`) holds no
//! secret of its own: it is designed, not typed, and stays in exports.
//! Secrets left out of an export become [`PLACEHOLDER`] and are listed by
//! [`missing`], so whoever loads the file knows what to fill in.

use std::collections::BTreeSet;

use crate::connection::{Auth, Connection, Header, Request};
use crate::template::RenderedRequest;

/// What a left-out secret is replaced by in exports and share links.
pub const PLACEHOLDER: &str = "<redacted>";
/// What a secret looks like on screen and in the send history.
pub const MASK: &str = "••••••••";

/// Why a value counts as a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The Auth section's token or password.
    Auth,
    /// The user marked it secret.
    Marked,
    /// Its name carries credentials by convention.
    Name,
    /// It is the user-info of the URL.
    UserInfo,
}

/// One secret of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    /// The field path in the connection: `request.auth.token`,
    /// `request.headers[1].value`, `request.url`.
    pub field: String,
    /// What it is, for people: `the X-Api-Key header`, `the URL's token parameter`.
    pub label: String,
    pub reason: Reason,
    /// The secret text as typed (without an auth scheme such as `Bearer `);
    /// empty when it was left out of an export.
    pub value: String,
    /// It was left out of an export and must be filled in.
    pub redacted: bool,
}

/// Whether a header or query parameter name carries credentials by
/// convention. Case and separators do not matter (`x-api-key`, `apiKey`,
/// `ACCESS_TOKEN`); `Idempotency-Key` is not a credential.
pub fn is_credential_name(name: &str) -> bool {
    let lower = name.trim().to_ascii_lowercase();
    if lower.is_empty() || lower.contains("idempotency") {
        return false;
    }
    const WORDS: &[&str] = &["auth", "cookie", "pass", "pwd", "sig"];
    const PARTS: &[&str] = &[
        "key",
        "token",
        "secret",
        "password",
        "passwd",
        "credential",
        "authorization",
    ];
    PARTS.iter().any(|p| lower.contains(p))
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| WORDS.contains(&word))
}

/// Whether a header's value is a secret: the user's mark, else its name.
pub fn header_is_secret(header: &Header) -> bool {
    header
        .secret
        .unwrap_or_else(|| is_credential_name(&header.name))
}

/// Whether a URL query parameter's value is a secret: the user's mark, else its name.
pub fn query_param_is_secret(request: &Request, name: &str) -> bool {
    request
        .query_secrets
        .get(name)
        .copied()
        .unwrap_or_else(|| is_credential_name(name))
}

/// Authorization schemes kept in front of a hidden value: `Bearer ••••`.
const SCHEMES: &[&str] = &[
    "bearer",
    "basic",
    "token",
    "digest",
    "apikey",
    "api-key",
    "key",
    "ssws",
    "hmac",
    "oauth",
    "negotiate",
];

/// Splits `Bearer abc` into (`Bearer `, `abc`); a value without a known
/// scheme is all secret.
pub fn split_scheme(value: &str) -> (&str, &str) {
    if let Some((word, rest)) = value.split_once(' ') {
        if SCHEMES.contains(&word.to_ascii_lowercase().as_str()) {
            let rest_start = value.len() - rest.trim_start().len();
            return value.split_at(rest_start);
        }
    }
    ("", value)
}

/// Whether some of `text` was typed rather than filled in by placeholders:
/// `abc` and `x[[v('a')]]` are, `[[v('a')]]` and ` ` are not.
pub fn has_literal(text: &str) -> bool {
    let mut rest = text;
    loop {
        match rest.find("[[") {
            None => return !rest.trim().is_empty(),
            Some(at) => {
                if !rest[..at].trim().is_empty() {
                    return true;
                }
                match rest[at..].find("]]") {
                    Some(end) => rest = &rest[at + end + 2..],
                    None => return true,
                }
            }
        }
    }
}

/// A part of a URL that may hold a secret, by byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlPart {
    pub start: usize,
    pub end: usize,
}

/// One query parameter of a URL (template), by byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParam {
    pub name: UrlPart,
    pub value: UrlPart,
}

/// Where a URL's secrets can sit: the user-info's secret part and the query
/// parameters. Placeholders (`[[…]]`) are opaque: a `/` or `?` inside one
/// does not end a part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrlLayout {
    /// The password of `user:pass@`, or the whole user-info when it has no `:`.
    pub user_secret: Option<UrlPart>,
    pub query: Vec<QueryParam>,
}

/// Byte offsets of `wanted` characters in `text`, outside `[[…]]`.
fn outside_placeholders(text: &str, from: usize, wanted: &[u8]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'[' && bytes.get(i + 1) == Some(&b'[') {
            match text[i + 2..].find("]]") {
                Some(end) => {
                    i += 2 + end + 2;
                    continue;
                }
                None => break,
            }
        }
        if wanted.contains(&bytes[i]) {
            out.push(i);
        }
        i += 1;
    }
    out
}

fn first_of(text: &str, from: usize, wanted: &[u8]) -> Option<usize> {
    // The scan is linear; URLs are one line, so collecting is cheap.
    outside_placeholders(text, from, wanted).into_iter().next()
}

/// Finds where a URL's secrets can sit. Works on templates and on rendered URLs.
pub fn url_layout(url: &str) -> UrlLayout {
    let mut layout = UrlLayout::default();
    let authority_start = first_of(url, 0, b":/?#")
        .filter(|&i| url[i..].starts_with("://"))
        .map(|i| i + 3);
    let mut rest_start = 0;
    if let Some(start) = authority_start {
        let end = first_of(url, start, b"/?#").unwrap_or(url.len());
        rest_start = end;
        if let Some(&at) = outside_placeholders(&url[..end], start, b"@").last() {
            let user_secret = match first_of(&url[..at], start, b":") {
                Some(colon) => UrlPart {
                    start: colon + 1,
                    end: at,
                },
                None => UrlPart { start, end: at },
            };
            if user_secret.end > user_secret.start {
                layout.user_secret = Some(user_secret);
            }
        }
    }
    let Some(question) = first_of(url, rest_start, b"?#").filter(|&i| url.as_bytes()[i] == b'?')
    else {
        return layout;
    };
    let query_end = first_of(url, question + 1, b"#").unwrap_or(url.len());
    let mut bounds = vec![question];
    bounds.extend(
        outside_placeholders(&url[..query_end], question + 1, b"&")
            .into_iter()
            .filter(|&i| i < query_end),
    );
    bounds.push(query_end);
    for pair in bounds.windows(2) {
        let (start, end) = (pair[0] + 1, pair[1]);
        if start >= end {
            continue;
        }
        let (name, value) = match first_of(&url[..end], start, b"=") {
            Some(eq) => (UrlPart { start, end: eq }, UrlPart { start: eq + 1, end }),
            None => (UrlPart { start, end }, UrlPart { start: end, end }),
        };
        layout.query.push(QueryParam { name, value });
    }
    layout
}

/// A query parameter as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParamInfo {
    pub name: String,
    /// Whether its value is kept secret.
    pub secret: bool,
    /// The user's own choice, if any (`None`: decided by the name).
    pub marked: Option<bool>,
    /// Its name looks like a credential.
    pub by_name: bool,
}

/// The URL's query parameters, each name once, in order, with whether it is secret.
pub fn query_params(request: &Request) -> Vec<QueryParamInfo> {
    let url = &request.url;
    let mut seen = BTreeSet::new();
    url_layout(url)
        .query
        .into_iter()
        .map(|p| url[p.name.start..p.name.end].to_string())
        .filter(|name| !name.is_empty() && seen.insert(name.clone()))
        .map(|name| QueryParamInfo {
            secret: query_param_is_secret(request, &name),
            marked: request.query_secrets.get(&name).copied(),
            by_name: is_credential_name(&name),
            name,
        })
        .collect()
}

/// Every secret of a connection that holds something: typed secrets and
/// secrets left out of an export. Placeholder-only values are not listed.
pub fn secrets(connection: &Connection) -> Vec<Secret> {
    let request = &connection.request;
    let mut out = Vec::new();
    match &request.auth {
        Auth::None => {}
        Auth::Bearer { token, redacted } => {
            if *redacted || has_literal(token) {
                out.push(Secret {
                    field: "request.auth.token".into(),
                    label: "the bearer token".into(),
                    reason: Reason::Auth,
                    value: if *redacted {
                        String::new()
                    } else {
                        token.clone()
                    },
                    redacted: *redacted,
                });
            }
        }
        Auth::Basic {
            password, redacted, ..
        } => {
            if *redacted || has_literal(password) {
                out.push(Secret {
                    field: "request.auth.password".into(),
                    label: "the basic-auth password".into(),
                    reason: Reason::Auth,
                    value: if *redacted {
                        String::new()
                    } else {
                        password.clone()
                    },
                    redacted: *redacted,
                });
            }
        }
    }
    for (i, header) in request.headers.iter().enumerate() {
        if !header_is_secret(header) && !header.redacted {
            continue;
        }
        let (_, value) = split_scheme(&header.value);
        if !header.redacted && (!has_literal(value) || value == PLACEHOLDER) {
            continue;
        }
        out.push(Secret {
            field: format!("request.headers[{i}].value"),
            label: format!("the {} header", header_label(&header.name)),
            reason: if header.secret == Some(true) {
                Reason::Marked
            } else {
                Reason::Name
            },
            value: if header.redacted {
                String::new()
            } else {
                value.to_string()
            },
            redacted: header.redacted,
        });
    }
    let url = &request.url;
    let layout = url_layout(url);
    if let Some(part) = &layout.user_secret {
        let text = &url[part.start..part.end];
        let redacted = text == PLACEHOLDER;
        if redacted || has_literal(text) {
            out.push(Secret {
                field: "request.url".into(),
                label: if url[..part.start].ends_with(':') {
                    "the password in the URL".into()
                } else {
                    "the user-info in the URL".into()
                },
                reason: Reason::UserInfo,
                value: if redacted {
                    String::new()
                } else {
                    text.to_string()
                },
                redacted,
            });
        }
    }
    for param in &layout.query {
        let name = &url[param.name.start..param.name.end];
        let text = &url[param.value.start..param.value.end];
        let redacted = text == PLACEHOLDER;
        let typed_secret = query_param_is_secret(request, name) && has_literal(text);
        if !(redacted || typed_secret) {
            continue;
        }
        out.push(Secret {
            field: "request.url".into(),
            label: format!("the URL's {} parameter", short(name)),
            reason: match request.query_secrets.get(name) {
                Some(true) => Reason::Marked,
                _ => Reason::Name,
            },
            value: if redacted {
                String::new()
            } else {
                text.to_string()
            },
            redacted,
        });
    }
    out
}

fn header_label(name: &str) -> String {
    if name.trim().is_empty() {
        "unnamed".into()
    } else {
        short(name)
    }
}

/// A name as quoted in a label: at most 40 characters.
fn short(name: &str) -> String {
    crate::error::quote_n(name, 40)
}

/// The secrets an export left out, which must be filled in before sending.
pub fn missing(connection: &Connection) -> Vec<Secret> {
    secrets(connection)
        .into_iter()
        .filter(|s| s.redacted)
        .collect()
}

/// The secrets an export without secrets leaves out of this connection.
pub fn left_out(connection: &Connection) -> Vec<Secret> {
    secrets(connection)
        .into_iter()
        .filter(|s| !s.redacted)
        .collect()
}

/// The connection with every secret replaced by [`PLACEHOLDER`] (the Auth
/// section's emptied) and marked, so it can be shared. The user's marks stay.
pub fn redact(connection: &Connection) -> Connection {
    let mut out = connection.clone();
    let request = &mut out.request;
    request.auth = match &request.auth {
        Auth::Bearer { token, redacted } if *redacted || has_literal(token) => {
            request.auth.redacted()
        }
        Auth::Basic {
            password, redacted, ..
        } if *redacted || has_literal(password) => request.auth.redacted(),
        other => other.clone(),
    };
    for header in &mut request.headers {
        if header.redacted || !header_is_secret(header) {
            continue;
        }
        let (scheme, value) = split_scheme(&header.value);
        if has_literal(value) && value != PLACEHOLDER {
            header.value = format!("{scheme}{PLACEHOLDER}");
            header.redacted = true;
        }
    }
    request.url = replace_url_secrets(&connection.request, &request.url, PLACEHOLDER, true);
    out
}

/// `url` with its secret parts (per `request`'s marks) replaced by `with`.
/// With `literal_only`, parts made only of placeholders are kept.
fn replace_url_secrets(request: &Request, url: &str, with: &str, literal_only: bool) -> String {
    let layout = url_layout(url);
    let mut parts: Vec<&UrlPart> = Vec::new();
    if let Some(part) = &layout.user_secret {
        parts.push(part);
    }
    for param in &layout.query {
        if query_param_is_secret(request, &url[param.name.start..param.name.end]) {
            parts.push(&param.value);
        }
    }
    let mut out = url.to_string();
    crate::order::sort_by_key(&mut parts, |p| std::cmp::Reverse(p.start));
    for part in parts {
        let text = &url[part.start..part.end];
        if text.is_empty() || text == PLACEHOLDER || (literal_only && !has_literal(text)) {
            continue;
        }
        out.replace_range(part.start..part.end, with);
    }
    out
}

/// A rendered URL with its secrets masked, for display.
pub fn mask_url(request: &Request, rendered_url: &str) -> String {
    replace_url_secrets(request, rendered_url, MASK, false)
}

/// A rendered request masked for display and for the send history, and the
/// secret texts it held, to hide wherever else they turn up (a response
/// that echoes the request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    pub request: RenderedRequest,
    /// Longest first, so a secret that contains another is hidden whole.
    pub texts: Vec<String>,
}

impl Masked {
    /// `text` with every secret text in it replaced by [`MASK`].
    pub fn hide(&self, text: &str) -> String {
        hide(&self.texts, text)
    }
}

/// Texts shorter than this are hidden only where they belong (their header,
/// their URL part), not searched for in bodies: a one-letter password would
/// otherwise mask every `a`.
const MIN_SEARCHED: usize = 4;

fn hide(texts: &[String], text: &str) -> String {
    texts
        .iter()
        .fold(text.to_string(), |t, s| t.replace(s.as_str(), MASK))
}

/// Masks `rendered` (the request `connection` renders to): the secret
/// headers' values (the scheme stays: `Bearer ••••••••`), the URL's secret
/// parts, and any secret text wherever else it appears (the body).
pub fn mask_request(connection: &Connection, rendered: &RenderedRequest) -> Masked {
    let request = &connection.request;
    let mut texts: BTreeSet<String> = BTreeSet::new();
    let add = |text: &str, texts: &mut BTreeSet<String>| {
        let text = text.trim();
        if text.chars().count() >= MIN_SEARCHED && text != PLACEHOLDER {
            texts.insert(text.to_string());
            let decoded = percent_decode(text);
            if decoded != text && decoded.chars().count() >= MIN_SEARCHED {
                texts.insert(decoded);
            }
        }
    };
    for secret in secrets(connection) {
        add(&secret.value, &mut texts);
    }
    if let Auth::Basic {
        username, password, ..
    } = &request.auth
    {
        add(&format!("{username}:{password}"), &mut texts);
    }
    let secret_header = |name: &str| {
        (request.auth != Auth::None && name.eq_ignore_ascii_case("authorization"))
            || request
                .headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case(name) && header_is_secret(h))
    };
    let mut headers = Vec::with_capacity(rendered.headers.len());
    for h in &rendered.headers {
        let mut h = h.clone();
        if secret_header(&h.name) {
            let (scheme, value) = split_scheme(&h.value);
            if !value.is_empty() {
                add(value, &mut texts);
                h.value = format!("{scheme}{MASK}");
            }
        }
        headers.push(h);
    }
    let layout = url_layout(&rendered.url);
    if let Some(part) = &layout.user_secret {
        add(&rendered.url[part.start..part.end], &mut texts);
    }
    for param in &layout.query {
        if query_param_is_secret(request, &rendered.url[param.name.start..param.name.end]) {
            add(
                &rendered.url[param.value.start..param.value.end],
                &mut texts,
            );
        }
    }
    let mut texts: Vec<String> = texts.into_iter().collect();
    crate::order::sort_by_key(&mut texts, |t| std::cmp::Reverse(t.len()));
    let url = hide(&texts, &mask_url(request, &rendered.url));
    for h in &mut headers {
        h.value = hide(&texts, &h.value);
    }
    Masked {
        request: RenderedRequest {
            method: rendered.method.clone(),
            url,
            headers,
            body: rendered.body.as_deref().map(|b| hide(&texts, b)),
            empty_variables: rendered.empty_variables.clone(),
        },
        texts,
    }
}

/// `%41` → `A`; invalid escapes and non-UTF-8 results are left as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Whether a value looks like a credential: an auth scheme and a value
/// (`Bearer abc`), a JWT, or a long token-like run of letters and digits.
/// Placeholders are never credentials.
pub fn looks_like_credential(value: &str) -> bool {
    let value = value.trim();
    if value.contains("[[") || value == PLACEHOLDER {
        return false;
    }
    let (scheme, rest) = split_scheme(value);
    if !scheme.is_empty() && !rest.is_empty() {
        return true;
    }
    if value.contains(char::is_whitespace) || value.contains("://") || is_uuid(value) {
        return false;
    }
    let tokenish = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.~+/=:".contains(c));
    if !tokenish {
        return false;
    }
    const PREFIXES: &[&str] = &[
        "eyJ", "sk_", "pk_", "rk_", "sk-", "ghp_", "gho_", "xox", "AKIA", "glpat-",
    ];
    if PREFIXES.iter().any(|p| value.starts_with(p)) && value.len() >= 12 {
        return true;
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let letters = value.chars().filter(char::is_ascii_alphabetic).count();
    let mixed_case = value.chars().any(|c| c.is_ascii_uppercase())
        && value.chars().any(|c| c.is_ascii_lowercase());
    value.len() >= 20 && digits >= 2 && letters >= 2 && (mixed_case || value.len() >= 32)
}

fn is_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A likely credential that is not kept secret: `(field, message)` for lint.
pub fn unmarked_credentials(connection: &Connection) -> Vec<(String, String)> {
    let request = &connection.request;
    let mut out = Vec::new();
    for (i, header) in request.headers.iter().enumerate() {
        if header_is_secret(header) || !looks_like_credential(&header.value) {
            continue;
        }
        let why = if header.secret == Some(false) {
            "is marked not secret"
        } else {
            "is not marked secret"
        };
        out.push((
            format!("request.headers[{i}].value"),
            format!(
                "the value of header `{}` looks like a credential but {why}: exports and share links would include it",
                short(&header.name)
            ),
        ));
    }
    let url = &request.url;
    for param in url_layout(url).query {
        let name = &url[param.name.start..param.name.end];
        let value = &url[param.value.start..param.value.end];
        if query_param_is_secret(request, name) || !looks_like_credential(&percent_decode(value)) {
            continue;
        }
        let why = if request.query_secrets.get(name) == Some(&false) {
            "is marked not secret"
        } else {
            "is not marked secret"
        };
        out.push((
            "request.url".to_string(),
            format!(
                "the URL's `{}` parameter looks like a credential but {why}: exports and share links would include it",
                short(name)
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("a%2Bb"), "a+b");
        assert_eq!(percent_decode("a+b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%ff"), "%ff");
    }

    #[test]
    fn layout_skips_placeholders() {
        let url = "https://[[v('a/b?c')]]/x?token=[[v('t&u')]]&n=1";
        let layout = url_layout(url);
        assert_eq!(layout.user_secret, None);
        let names: Vec<&str> = layout
            .query
            .iter()
            .map(|p| &url[p.name.start..p.name.end])
            .collect();
        assert_eq!(names, ["token", "n"]);
        assert_eq!(
            &url[layout.query[0].value.start..layout.query[0].value.end],
            "[[v('t&u')]]"
        );
    }
}
