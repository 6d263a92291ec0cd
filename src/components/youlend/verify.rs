//! The Verify panel: paste a webhook's raw body, its `X-YL-Webhook-Signature` value and the
//! subscription's secret, and see at once whether they agree and which form of the key matched.
//! The secret lives only in this component's state: never in storage, the workspace or an export.

use hookwright_core::youlend::{self, KeyEncoding, SignatureError, HEADER_NAME};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::services::files;

/// The body to check: as pasted (a textarea gives its line breaks as `\n`) or a file's exact bytes.
#[derive(Clone, PartialEq)]
enum Body {
    Pasted(String),
    File { name: String, bytes: Vec<u8> },
}

impl Body {
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Pasted(text) => text.as_bytes(),
            Body::File { bytes, .. } => bytes,
        }
    }
}

/// What the panel shows, worked out from the three fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Something is still missing; the text says what.
    Incomplete(&'static str),
    Valid(KeyEncoding),
    Invalid(SignatureError),
}

pub fn verdict(secret: &str, header: &str, body: &[u8]) -> Verdict {
    match (
        body.is_empty(),
        header.trim().is_empty(),
        secret.trim().is_empty(),
    ) {
        (true, true, true) => Verdict::Incomplete(
            "Paste a webhook's body, its signature header and your secret key to check them.",
        ),
        (true, _, _) => Verdict::Incomplete("Paste the raw body to check the signature against."),
        (_, true, _) => Verdict::Incomplete("Paste the X-YL-Webhook-Signature header's value."),
        (_, _, true) => Verdict::Incomplete("Paste the subscription's webhookSecretKey."),
        _ => match youlend::verify(secret, header, body) {
            Ok(verified) => Verdict::Valid(verified.key),
            Err(reason) => Verdict::Invalid(reason),
        },
    }
}

/// An example a user can try: the seed repayment, signed with a made-up key used as text.
const EXAMPLE_BODY: &str = r#"{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"cf08c5de-ef80-460c-aedd-76a49c2ca388","LeadId":"113222a1-1a89-4ef0-bda3-bad07224fe11","LoanId":"d90c9fc1-cdd0-4dfc-810a-e2bab1f76199","PaymentAmount":"10.00","PaymentDate":"2023-10-20T00:00:00Z","PrincipalRemaining":"9880.40"},"Message":"A repayment was made towards the loan"}"#;
const EXAMPLE_SECRET: &str = "ZXhhbXBsZS1zZWNyZXQtbm90LWEtcmVhbC1rZXk=";

#[component]
pub fn VerifyPanel() -> Html {
    let body = use_state(|| Body::Pasted(String::new()));
    let header = use_state(String::new);
    let secret = use_state(String::new);
    let reveal = use_state(|| false);
    let file_error = use_state(|| None::<String>);

    let on_body = {
        let body = body.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            body.set(Body::Pasted(area.value()));
        })
    };
    let on_header = {
        let header = header.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            header.set(input.value());
        })
    };
    let on_secret = {
        let secret = secret.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            secret.set(input.value());
        })
    };
    let on_reveal = {
        let reveal = reveal.clone();
        Callback::from(move |_: MouseEvent| reveal.set(!*reveal))
    };
    let on_body_file = {
        let body = body.clone();
        let file_error = file_error.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = files::first(input.files()) else {
                return;
            };
            input.set_value("");
            let body = body.clone();
            let file_error = file_error.clone();
            spawn_local(async move {
                match files::read_bytes(&file).await {
                    Ok(bytes) => {
                        file_error.set(None);
                        body.set(Body::File {
                            name: file.name(),
                            bytes,
                        });
                    }
                    Err(why) => {
                        file_error.set(Some(format!("{} could not be read: {why}", file.name())))
                    }
                }
            });
        })
    };
    let on_example = {
        let body = body.clone();
        let header = header.clone();
        let secret = secret.clone();
        Callback::from(move |_: MouseEvent| {
            body.set(Body::Pasted(EXAMPLE_BODY.to_string()));
            header.set(youlend::sign(
                EXAMPLE_SECRET.as_bytes(),
                EXAMPLE_BODY.as_bytes(),
            ));
            secret.set(EXAMPLE_SECRET.to_string());
        })
    };
    let on_clear = {
        let body = body.clone();
        let header = header.clone();
        let secret = secret.clone();
        Callback::from(move |_: MouseEvent| {
            body.set(Body::Pasted(String::new()));
            header.set(String::new());
            secret.set(String::new());
        })
    };
    let on_paste_instead = {
        let body = body.clone();
        Callback::from(move |_: MouseEvent| {
            let text = String::from_utf8_lossy(body.bytes()).into_owned();
            body.set(Body::Pasted(text));
        })
    };

    let result = verdict(&secret, &header, body.bytes());
    let body_len = body.bytes().len();
    html! {
        <div class="youlend-view verify-view">
            <header class="view-header">
                <h2>{ "Verify a YouLend signature" }</h2>
                <p class="hint">
                    { "YouLend signs each webhook with HMAC-SHA256 over the raw body, keyed with the subscription's \
                       webhookSecretKey, and sends " }<code>{ format!("{HEADER_NAME}: sha256=<base64>") }</code>
                    { ". Its docs do not say whether the key is the secret's text or its base64 decoding, so both are tried. \
                       Nothing you paste here is saved or sent anywhere." }
                </p>
            </header>
            <div class="verify-grid">
                <section class="panel verify-inputs" aria-labelledby="verify-inputs-title">
                    <h3 id="verify-inputs-title">{ "Webhook" }</h3>
                    <div class="field">
                        <label for="verify-body">{ "Raw body" }</label>
                        {
                            match &*body {
                                Body::Pasted(text) => html! {
                                    <textarea id="verify-body" rows="9" class="mono" spellcheck="false"
                                        value={text.clone()} oninput={on_body} aria-describedby="verify-body-help"
                                        placeholder={"{\"EventCode\":\"LOA10040\",\"EventProperties\":{…},\"Message\":\"…\"}"} />
                                },
                                Body::File { name, .. } => html! {
                                    <div class="file-body" id="verify-body" tabindex="0" aria-describedby="verify-body-help">
                                        <span>{ format!("{name}: {body_len} bytes, checked exactly as stored in the file.") }</span>
                                        <button type="button" class="button" onclick={on_paste_instead}>{ "Edit as text" }</button>
                                    </div>
                                },
                            }
                        }
                        <p id="verify-body-help" class="hint">
                            { "Paste the body exactly as received. Re-serialised JSON (reformatted, keys reordered, \
                               a different number format or even an added trailing newline) has other bytes and breaks the signature. \
                               Line breaks pasted here become \\n; for a body with \\r\\n line breaks, " }
                            <label class="link-button">
                                { "load it from a file" }
                                <input type="file" class="visually-hidden" onchange={on_body_file} />
                            </label>
                            { "." }
                        </p>
                        if let Some(text) = &*file_error {
                            <p class="field-error" role="alert">{ text }</p>
                        }
                    </div>
                    <div class="field">
                        <label for="verify-header">{ "Signature header value" }</label>
                        <input id="verify-header" type="text" class="mono" spellcheck="false" autocomplete="off"
                            placeholder="sha256=…" value={(*header).clone()} oninput={on_header}
                            aria-describedby="verify-header-help" />
                        <p id="verify-header-help" class="hint">
                            { "The value of " }<code>{ HEADER_NAME }</code>{ ", with or without the header's name." }
                        </p>
                    </div>
                    <div class="field">
                        <label for="verify-secret">{ "Secret key" }</label>
                        <div class="secret-row">
                            <input id="verify-secret" type={if *reveal { "text" } else { "password" }} class="mono"
                                spellcheck="false" autocomplete="off" data-lpignore="true"
                                value={(*secret).clone()} oninput={on_secret}
                                aria-describedby="verify-secret-help" />
                            <button type="button" class="button" onclick={on_reveal}
                                aria-pressed={if *reveal { "true" } else { "false" }} aria-controls="verify-secret">
                                { if *reveal { "Hide" } else { "Show" } }
                            </button>
                        </div>
                        <p id="verify-secret-help" class="hint">
                            { "The subscription's webhookSecretKey (base64). It stays in this tab's memory only: never stored, never exported." }
                        </p>
                    </div>
                    <div class="actions">
                        <button type="button" class="button" onclick={on_example}>{ "Try an example" }</button>
                        <button type="button" class="button" onclick={on_clear}>{ "Clear" }</button>
                    </div>
                </section>
                <section class="panel verdict-panel" aria-labelledby="verdict-title">
                    <h3 id="verdict-title">{ "Verdict" }</h3>
                    { verdict_html(&result, body_len) }
                </section>
            </div>
        </div>
    }
}

fn verdict_html(verdict: &Verdict, body_len: usize) -> Html {
    match verdict {
        Verdict::Incomplete(text) => html! {
            <div class="verdict pending" data-testid="verify-result" data-value="incomplete" role="status">
                <p>{ *text }</p>
            </div>
        },
        Verdict::Valid(key) => html! {
            <div class="verdict valid" data-testid="verify-result" data-value="valid" role="status"
                data-key={match key { KeyEncoding::Text => "text", KeyEncoding::Base64Decoded => "base64Decoded" }}>
                <p class="verdict-title">{ "✓ Valid signature" }</p>
                <p>{ format!("It matches, with {} as the HMAC key, over these {body_len} bytes.", key.describe()) }</p>
            </div>
        },
        Verdict::Invalid(reason) => {
            let kind = match reason {
                SignatureError::NoMatch { .. } => "The signature does not match",
                _ => "The input is malformed",
            };
            html! {
                <div class="verdict invalid" data-testid="verify-result" data-value="invalid" role="status"
                    data-reason={reason_code(reason)}>
                    <p class="verdict-title">{ format!("✗ Invalid: {kind}") }</p>
                    <p>{ crate::components::sentence(&reason.to_string()) }{ "." }</p>
                </div>
            }
        }
    }
}

fn reason_code(reason: &SignatureError) -> &'static str {
    match reason {
        SignatureError::EmptySecret => "emptySecret",
        SignatureError::EmptyHeader => "emptyHeader",
        SignatureError::MissingPrefix { .. } => "missingPrefix",
        SignatureError::BadBase64 { .. } => "badBase64",
        SignatureError::WrongLength { .. } => "wrongLength",
        SignatureError::NoMatch { .. } => "noMatch",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let body = EXAMPLE_BODY.as_bytes();
        let header = youlend::sign(EXAMPLE_SECRET.as_bytes(), body);
        assert_eq!(
            verdict(EXAMPLE_SECRET, &header, body),
            Verdict::Valid(KeyEncoding::Text)
        );
        assert!(matches!(verdict("", "", b""), Verdict::Incomplete(_)));
        assert!(matches!(
            verdict(EXAMPLE_SECRET, "md5=x", body),
            Verdict::Invalid(SignatureError::MissingPrefix { .. })
        ));
        assert!(matches!(
            verdict(EXAMPLE_SECRET, &header, b"{}"),
            Verdict::Invalid(SignatureError::NoMatch { .. })
        ));
    }
}
