//! Whole requests: the shipped examples render, auth becomes headers, header
//! injection and bad header names are refused, and every problem is reported
//! with its field.

use hookwright_core::connection::{examples, Auth, Connection, Header, Payload};
use hookwright_core::template::{render_request, RequestOptions};
use hookwright_core::{Context, ErrorKind};

const CONTEXT: &str = include_str!("fixtures/template/loan-5-days-past-due.json");

fn ctx() -> Context {
    Context::from_json(CONTEXT).unwrap()
}

fn example(id: &str) -> Connection {
    examples().into_iter().find(|c| c.id == id).unwrap()
}

fn options() -> RequestOptions {
    RequestOptions {
        lenient: false,
        trace: "204262bb-4634-49ad-8b88-db8217b76c09".into(),
    }
}

#[test]
fn the_customer_note_example_renders_exactly() {
    let mut connection = example("late-5-note");
    connection.request.auth = Auth::Bearer {
        token: "abc123".into(),
        redacted: false,
    };
    let request = render_request(&connection, &ctx(), &options()).unwrap();
    assert_eq!(request.method, "PUT");
    assert_eq!(
        request.url,
        "https://loanpro.simnang.com/api/public/api/1/odata.svc/Customers(1842)"
    );
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str()))
        .collect();
    assert_eq!(
        headers,
        [
            ("Autopal-Instance-Id", "5200243"),
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer abc123"),
        ]
    );
    let body = request.body.unwrap();
    assert!(body.contains("\"body\": \"This customer was late on their payment  on 2022-09-26. Their outstanding balance at the time was $158.70.\""));
    let json =
        serde_json::to_value(render_request(&connection, &ctx(), &options()).unwrap()).unwrap();
    assert_eq!(json["headers"][0]["name"], "Autopal-Instance-Id");
    assert_eq!(json["method"], "PUT");
}

#[test]
fn a_redacted_token_must_be_filled_in() {
    let errors = render_request(&example("late-5-note"), &ctx(), &options()).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "auth.token");
    assert_eq!(errors[0].error.kind, ErrorKind::Redacted);
}

#[test]
fn the_variable_list_example_sends_the_envelope() {
    let request = render_request(&example("late-5-external"), &ctx(), &options()).unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "https://yoururlhere.com");
    let body = request.body.unwrap();
    let expected = include_str!("fixtures/template/seed_envelope.txt");
    let expected = &expected[expected.find("--- expected\n").unwrap() + 13..].trim_end();
    assert_eq!(body, *expected);
}

#[test]
fn basic_auth_is_base64() {
    let mut connection = example("late-5-external");
    connection.request.auth = Auth::Basic {
        username: "Aladdin".into(),
        password: "open sesame".into(),
        redacted: false,
    };
    let request = render_request(&connection, &ctx(), &options()).unwrap();
    assert!(request
        .headers
        .iter()
        .any(|h| h.name == "Authorization" && h.value == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
}

#[test]
fn every_problem_is_reported_with_its_field() {
    let mut connection = example("late-5-external");
    connection.request.url = "https://x.example.com/[[v('loan-stauts')]]".into();
    connection.request.headers = vec![
        Header::new("X Bad", "ok"),
        Header::new("X-Name", "[[v('evil')]]"),
    ];
    connection.request.payload = Payload::Custom {
        content_type: "application/json".into(),
        body: "{\"a\": [[v('loan-id')]] \"b\": 1}".into(),
    };
    let ctx = Context::from_json(
        r#"{"loan-id": 1, "evil": "x\r\nSet-Cookie: a=b", "loan-status": "Open"}"#,
    )
    .unwrap();
    let errors = render_request(&connection, &ctx, &options()).unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "url: 1:25: unknown variable `loan-stauts`; did you mean `loan-status`?",
            "headers[0].name: 1:2: a header name may only hold letters, digits and !#$%&'*+-.^_`|~",
            "headers[1].value: 1:1: a header value may not contain a line break (header injection)",
            "body: 1:24: invalid JSON: expected `,` or `}`, found `\"`",
        ]
    );
    assert!(errors[2]
        .render()
        .starts_with("in headers[1].value: error:"));
}

#[test]
fn lenient_requests_list_empty_variables() {
    let mut connection = example("youlend-repayment-ledger");
    connection
        .request
        .headers
        .push(Header::new("X-Loan", "[[v('EventProperties.LoanId')]]"));
    let ctx = Context::from_json(r#"{"EventProperties": {"LoanId": "a/b c"}}"#).unwrap();
    let request = render_request(
        &connection,
        &ctx,
        &RequestOptions {
            lenient: true,
            ..options()
        },
    )
    .unwrap();
    assert_eq!(
        request.url,
        "https://ledger.example.com/loans/a%2Fb%20c/repayments"
    );
    assert_eq!(request.headers[1].value, "a/b c");
    let fields: Vec<&str> = request
        .empty_variables
        .iter()
        .map(|(f, _, _)| f.as_str())
        .collect();
    assert_eq!(fields, ["body"; 4]);
    let body: serde_json::Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["loanId"], "a/b c");
    assert_eq!(body["amount"], "");
}

#[test]
fn form_bodies_percent_encode() {
    let mut connection = example("late-5-external");
    connection.request.headers.clear();
    connection.request.payload = Payload::Custom {
        content_type: "application/x-www-form-urlencoded; charset=utf-8".into(),
        body: "name=[[v('customer.primary.full-name')]]&due=[[v('status-amount-due')]]".into(),
    };
    let request = render_request(&connection, &ctx(), &options()).unwrap();
    assert_eq!(
        request.body.as_deref(),
        Some("name=Douglas%20McCallagher&due=158.70")
    );
    assert_eq!(
        request.headers[0].value,
        "application/x-www-form-urlencoded; charset=utf-8"
    );
}

#[test]
fn header_values_past_iso_8859_1_are_refused_with_what_would_carry_them() {
    let mut connection = example("late-5-external");
    connection
        .request
        .headers
        .push(Header::new("X-Note", "paid 🙂"));
    connection
        .request
        .headers
        .push(Header::new("X-Name", "José"));
    let errors = render_request(&connection, &ctx(), &options()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert!(
        e.field.ends_with(".value") && e.field.starts_with("headers["),
        "{}",
        e.field
    );
    assert_eq!(e.error.kind, ErrorKind::Invalid);
    assert!(e.error.message.contains("U+1F642"), "{}", e.error.message);
    assert!(
        e.error.message.contains("%F0%9F%99%82"),
        "{}",
        e.error.message
    );
    assert_eq!(
        e.error.span.unwrap().col,
        6,
        "the caret points at the emoji"
    );
    // Basic-auth parts are base64-encoded, so they may hold any character.
    connection
        .request
        .headers
        .truncate(connection.request.headers.len() - 2);
    connection.request.auth = Auth::Basic {
        username: "Zoë€".into(),
        password: "p€ss".into(),
        redacted: false,
    };
    assert!(render_request(&connection, &ctx(), &options()).is_ok());
}
