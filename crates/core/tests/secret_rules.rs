//! The one notion of a secret (`secret.rs`): which values count, what an
//! export without secrets leaves out and lists, how a rendered request is
//! masked, what lint says, and that version-1 files without marks still load.

use hookwright_core::connection::{examples, Auth, Connection, ConnectionFile, Header};
use hookwright_core::lint::lint_file;
use hookwright_core::secret::{
    self, header_is_secret, is_credential_name, looks_like_credential, mask_request, Reason, MASK,
    PLACEHOLDER,
};
use hookwright_core::template::{render_request, RequestOptions};
use hookwright_core::{Context, ErrorKind};

const CONTEXT: &str = include_str!("fixtures/template/loan-5-days-past-due.json");
const BEARER: &str = "bearer-0123456789abcdef";
const API_KEY: &str = "apikey-9876543210fedcba";
const URL_PASS: &str = "urlpass-5551234";
const URL_TOKEN: &str = "urltoken-4242424242";

fn external() -> Connection {
    examples()
        .into_iter()
        .find(|c| c.id == "late-5-external")
        .unwrap()
}

/// Credentials typed where the issue found them leaking: the Authorization
/// preset header, an X-Api-Key header, and the URL's user-info and ?token=.
fn leaky() -> Connection {
    let mut c = external();
    c.request.url = format!(
        "https://ops:{URL_PASS}@hooks.example.com/in/[[v('loan-id')]]?token={URL_TOKEN}&loan=[[v('loan-id')]]"
    );
    c.request
        .headers
        .push(Header::new("Authorization", format!("Bearer {BEARER}")));
    c.request.headers.push(Header::new("X-Api-Key", API_KEY));
    c
}

fn render(c: &Connection) -> hookwright_core::template::RenderedRequest {
    let ctx = Context::from_json(CONTEXT).unwrap();
    render_request(c, &ctx, &RequestOptions::default()).unwrap()
}

#[test]
fn credential_names_by_convention() {
    for name in [
        "Authorization",
        "proxy-authorization",
        "Cookie",
        "X-Api-Key",
        "apiKey",
        "api_key",
        "X-Auth-Token",
        "access_token",
        "client_secret",
        "password",
        "X-Auth",
        "Ocp-Apim-Subscription-Key",
        "pwd",
    ] {
        assert!(is_credential_name(name), "{name}");
    }
    for name in [
        "Content-Type",
        "Autopal-Instance-Id",
        "Idempotency-Key",
        "loan",
        "author",
        "",
    ] {
        assert!(!is_credential_name(name), "{name}");
    }
}

#[test]
fn the_users_mark_wins_over_the_name() {
    let mut h = Header::new("X-Api-Key", "abc");
    assert!(header_is_secret(&h));
    h.secret = Some(false);
    assert!(!header_is_secret(&h));
    let mut h = Header::new("X-Tenant", "abc");
    assert!(!header_is_secret(&h));
    h.secret = Some(true);
    assert!(header_is_secret(&h));

    let mut c = leaky();
    c.request.query_secrets.insert("token".into(), false);
    c.request.query_secrets.insert("loan".into(), true);
    let params = secret::query_params(&c.request);
    let shown: Vec<(&str, bool, Option<bool>)> = params
        .iter()
        .map(|p| (p.name.as_str(), p.secret, p.marked))
        .collect();
    assert_eq!(
        shown,
        [("token", false, Some(false)), ("loan", true, Some(true))]
    );
}

#[test]
fn every_secret_is_found_with_a_label() {
    let mut c = leaky();
    c.request.auth = Auth::Bearer {
        token: "auth-token-1".into(),
        redacted: false,
    };
    c.request.headers.retain(|h| h.name != "Authorization");
    let found: Vec<(String, String, Reason)> = secret::secrets(&c)
        .into_iter()
        .map(|s| (s.field, s.label, s.reason))
        .collect();
    assert_eq!(
        found,
        [
            (
                "request.auth.token".into(),
                "the bearer token".into(),
                Reason::Auth
            ),
            (
                "request.headers[1].value".into(),
                "the X-Api-Key header".into(),
                Reason::Name
            ),
            (
                "request.url".into(),
                "the password in the URL".into(),
                Reason::UserInfo
            ),
            (
                "request.url".into(),
                "the URL's token parameter".into(),
                Reason::Name
            ),
        ]
    );
}

#[test]
fn an_export_without_secrets_holds_none_and_lists_them() {
    let file = ConnectionFile::new(vec![leaky()]);
    let shared = file.export(false);
    for secret in [BEARER, API_KEY, URL_PASS, URL_TOKEN] {
        assert!(!shared.contains(secret), "{secret} leaked:\n{shared}");
    }
    let loaded = ConnectionFile::from_json(&shared).unwrap();
    let c = &loaded.connections[0];
    assert_eq!(
        c.request.url,
        format!("https://ops:{PLACEHOLDER}@hooks.example.com/in/[[v('loan-id')]]?token={PLACEHOLDER}&loan=[[v('loan-id')]]")
    );
    let auth = c
        .request
        .headers
        .iter()
        .find(|h| h.name == "Authorization")
        .unwrap();
    assert_eq!(auth.value, format!("Bearer {PLACEHOLDER}"));
    assert!(auth.redacted);
    assert_eq!(
        loaded.missing_secrets(),
        [
            ("late-5-external".into(), "request.headers[1].value".into()),
            ("late-5-external".into(), "request.headers[2].value".into()),
            ("late-5-external".into(), "request.url".into()),
            ("late-5-external".into(), "request.url".into()),
        ]
    );
    // Redacting twice changes nothing more.
    assert_eq!(loaded.redacted(), loaded);
}

#[test]
fn an_export_with_secrets_round_trips_exactly() {
    let mut c = leaky();
    c.request.headers[1].secret = Some(true);
    c.request.query_secrets.insert("loan".into(), false);
    let file = ConnectionFile::new(vec![c.clone()]);
    let full = file.export(true);
    for secret in [BEARER, API_KEY, URL_PASS, URL_TOKEN] {
        assert!(full.contains(secret));
    }
    assert_eq!(ConnectionFile::from_json(&full).unwrap(), file);
    assert!(file.missing_secrets().is_empty());
}

#[test]
fn placeholder_only_values_are_designed_not_secret() {
    let mut c = external();
    c.request
        .headers
        .push(Header::new("Authorization", "Bearer [[v('loan-id')]]"));
    c.request.url = "https://h.test/x?token=[[v('loan-id')]]".into();
    c.request.auth = Auth::None;
    assert!(secret::secrets(&c).is_empty());
    let exported = ConnectionFile::new(vec![c.clone()]).redacted();
    assert_eq!(exported.connections[0], c);
    // Rendered, the value is still masked by its name.
    let masked = mask_request(&c, &render(&c));
    assert!(masked.request.url.ends_with(&format!("token={MASK}")));
    let auth = masked
        .request
        .headers
        .iter()
        .find(|h| h.name == "Authorization")
        .unwrap();
    assert_eq!(auth.value, format!("Bearer {MASK}"));
}

#[test]
fn unmarking_lets_a_value_through() {
    let mut c = leaky();
    c.request.headers[2].secret = Some(false);
    c.request.query_secrets.insert("token".into(), false);
    let shared = ConnectionFile::new(vec![c]).export(false);
    assert!(shared.contains(API_KEY));
    assert!(shared.contains(URL_TOKEN));
    assert!(!shared.contains(BEARER));
    assert!(!shared.contains(URL_PASS));
}

#[test]
fn a_redacted_export_must_be_filled_in_before_sending() {
    let loaded = ConnectionFile::from_json(&ConnectionFile::new(vec![leaky()]).export(false))
        .unwrap()
        .connections
        .remove(0);
    let ctx = Context::from_json(CONTEXT).unwrap();
    let errors = render_request(&loaded, &ctx, &RequestOptions::default()).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["url", "headers[1].value", "headers[2].value"]);
    assert!(errors.iter().all(|e| e.error.kind == ErrorKind::Redacted));
}

#[test]
fn the_send_record_masks_every_secret() {
    let mut c = leaky();
    c.request.auth = Auth::Basic {
        username: "user".into(),
        password: "basic-pass-77".into(),
        redacted: false,
    };
    c.request.headers.retain(|h| h.name != "Authorization");
    let rendered = render(&c);
    let masked = mask_request(&c, &rendered);
    let text = serde_json::to_string(&masked.request).unwrap();
    for secret in [API_KEY, URL_PASS, URL_TOKEN, "basic-pass-77"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(text.contains("Basic ••••••••"), "{text}");
    assert!(masked
        .request
        .url
        .starts_with("https://ops:••••••••@hooks.example.com/in/"));
    // A response that echoes the request is hidden as well.
    let echoed = format!("got key {API_KEY} and token {URL_TOKEN}, pass%2D{}", "x");
    let hidden = masked.hide(&echoed);
    assert!(!hidden.contains(API_KEY) && !hidden.contains(URL_TOKEN));
}

#[test]
fn lint_warns_about_credentials_not_kept_secret() {
    let mut c = external();
    c.request
        .headers
        .push(Header::new("X-Lender", "Zk3Jd8s9Qm2Lx7Vb4Np1Rt6Y"));
    c.request.url = "https://h.test/x?code=Zk3Jd8s9Qm2Lx7Vb4Np1Rt6Y".into();
    let text = ConnectionFile::new(vec![c.clone()]).to_json_pretty();
    let report = lint_file("c.json", &text);
    let lines: Vec<String> = report.problems.iter().map(|p| p.line("c.json")).collect();
    assert!(lines.iter().any(|l| l.contains("request.headers[1].value: warning: the value of header `X-Lender` looks like a credential but is not marked secret")), "{lines:#?}");
    assert!(
        lines.iter().any(|l| l
            .contains("request.url: warning: the URL's `code` parameter looks like a credential")),
        "{lines:#?}"
    );

    c.request.headers[1].secret = Some(true);
    c.request.query_secrets.insert("code".into(), true);
    let text = ConnectionFile::new(vec![c.clone()]).to_json_pretty();
    let report = lint_file("c.json", &text);
    assert_eq!(report.warnings(), 0, "{report}");
    // A file with a mark is version 1 still, and the marks are known keys.
    assert!(text.contains("\"version\": 1"));

    // An export without secrets: each left-out secret is a warning to fill in.
    let shared = ConnectionFile::new(vec![leaky()]).export(false);
    let report = lint_file("s.json", &shared);
    assert_eq!(report.errors(), 0, "{report}");
    let filled: Vec<String> = report.problems.iter().map(|p| p.line("s.json")).collect();
    assert!(filled.iter().any(|l| l.contains(
        "request.headers[2].value: warning: the X-Api-Key header was left out of this export (<redacted>); fill it in"
    )), "{filled:#?}");
}

#[test]
fn likely_credentials() {
    for v in [
        "Bearer abc",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
        "sk_live_51Habcdef",
        "Zk3Jd8s9Qm2Lx7Vb4Np1Rt6Y",
    ] {
        assert!(looks_like_credential(v), "{v}");
    }
    for v in [
        "application/json",
        "5200243",
        "204262bb-4634-49ad-8b88-db8217b76c09",
        "Bearer [[v('token')]]",
        "https://example.com/a1b2c3d4e5f6g7h8i9",
        "no-cache",
    ] {
        assert!(!looks_like_credential(v), "{v}");
    }
}

#[test]
fn version_1_files_without_marks_still_load() {
    let text = r#"{"format": "hookwright/connections", "version": 1, "connections": [
      {"id": "a", "name": "A", "source": "loanpro",
       "trigger": {"type": "rule", "rule": "(= loan-status \"Open\")"},
       "request": {"method": "POST", "url": "https://h.test/?api_key=k123456789",
         "headers": [{"name": "X-Api-Key", "value": "k123456789"}],
         "payload": {"type": "variables", "variables": ["loan-id"]}}}]}"#;
    let file = ConnectionFile::from_json(text).unwrap();
    let c = &file.connections[0];
    assert_eq!(c.request.headers[0].secret, None);
    assert!(c.request.query_secrets.is_empty());
    let shared = file.export(false);
    assert!(!shared.contains("k123456789"), "{shared}");
}

#[test]
fn error_messages_quote_at_most_a_line_of_input() {
    let huge = "a".repeat(5_000_000);
    let text = format!(r#"{{"format": "{huge}", "version": 1, "connections": []}}"#);
    let err = ConnectionFile::from_json(&text).unwrap_err();
    assert!(err.message.len() < 300, "{} bytes", err.message.len());
    let report = lint_file("x.json", &text);
    let shown = report.to_string();
    assert!(shown.len() < 400, "{} bytes", shown.len());

    let conn = |id: &str| {
        let mut c = external();
        c.id = id.to_string();
        c
    };
    let text = ConnectionFile::new(vec![conn(&huge), conn(&huge)]).to_json_pretty();
    let report = lint_file("x.json", &text);
    for p in &report.problems {
        assert!(p.error.message.len() < 300, "{}", p.error.message.len());
        assert!(p.line("x.json").len() < 1000);
    }
}
