//! The test panel's sending options: "Send through" the browser's fetch or the local relay
//! (with its URL and pairing token), and signing the test send as YouLend or a Standard Webhooks
//! sender would. The token lives in this tab's sessionStorage only and the signing secret only in
//! component state: neither reaches the workspace, an export or a share link.

use hookwright_core::connection::Header;
use hookwright_core::signing::Scheme;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::outbound::Through;
use crate::services::relay::Settings;

#[derive(Properties, PartialEq)]
pub struct SendThroughProps {
    pub settings: Settings,
    pub token: AttrValue,
    pub on_settings: Callback<Settings>,
    pub on_token: Callback<String>,
}

#[component]
pub fn SendThrough(props: &SendThroughProps) -> Html {
    let on_through = {
        let settings = props.settings.clone();
        let on_settings = props.on_settings.clone();
        Callback::from(move |e: Event| {
            let through = match e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .as_str()
            {
                "relay" => Through::Relay,
                _ => Through::Browser,
            };
            on_settings.emit(Settings {
                through,
                ..settings.clone()
            });
        })
    };
    let on_url = {
        let settings = props.settings.clone();
        let on_settings = props.on_settings.clone();
        Callback::from(move |e: InputEvent| {
            on_settings.emit(Settings {
                url: e.target_unchecked_into::<HtmlInputElement>().value(),
                ..settings.clone()
            });
        })
    };
    let on_token = props
        .on_token
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let relay = props.settings.through == Through::Relay;
    html! {
        <div class="send-through" data-testid="send-through">
            <label class="field">
                <span class="field-label">{ "Send through" }</span>
                <select aria-label="Send through" onchange={on_through}>
                    <option value="browser" selected={!relay}>{ Through::Browser.label() }</option>
                    <option value="relay" selected={relay}>{ Through::Relay.label() }</option>
                </select>
            </label>
            if relay {
                <label class="field">
                    <span class="field-label">{ "Relay URL" }</span>
                    <input type="text" class="relay-url" aria-label="Relay URL" spellcheck="false"
                        value={props.settings.url.clone()} oninput={on_url} />
                </label>
                <label class="field">
                    <span class="field-label">{ "Relay token" }</span>
                    <input type="password" class="relay-token" aria-label="Relay token" autocomplete="off"
                        spellcheck="false" value={props.token.clone()} oninput={on_token} />
                </label>
                <p class="hint small relay-hint">
                    { "Run " }<code>{ "hookwright relay" }</code>
                    { " and paste the URL and pairing token it prints. The token stays in this tab only: never saved in the workspace, exported or shared." }
                </p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SignOptionsProps {
    pub scheme: Option<Scheme>,
    pub secret: AttrValue,
    /// The headers signing adds to this request, or why it cannot sign.
    pub preview: Option<Result<Vec<Header>, String>>,
    pub on_scheme: Callback<Option<Scheme>>,
    pub on_secret: Callback<String>,
}

#[component]
pub fn SignOptions(props: &SignOptionsProps) -> Html {
    let on_scheme = props.on_scheme.reform(|e: Event| {
        e.target_unchecked_into::<HtmlSelectElement>()
            .value()
            .parse::<Scheme>()
            .ok()
    });
    let on_secret = props
        .on_secret
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let selected = props.scheme.map_or("none", Scheme::as_str);
    html! {
        <div class="sign-options" data-testid="sign-options">
            <label class="field">
                <span class="field-label">{ "Sign the test send" }</span>
                <select aria-label="Sign the test send" onchange={on_scheme}>
                    <option value="none" selected={selected == "none"}>{ "Don't sign" }</option>
                    { for Scheme::ALL.into_iter().map(|s| html! {
                        <option value={s.as_str()} selected={selected == s.as_str()}>{ s.label() }</option>
                    }) }
                </select>
            </label>
            if props.scheme.is_some() {
                <label class="field">
                    <span class="field-label">{ "Signing secret" }</span>
                    <input type="password" aria-label="Signing secret" autocomplete="off" spellcheck="false"
                        placeholder={if props.scheme == Some(Scheme::Standard) { "whsec_…" } else { "webhookSecretKey" }}
                        value={props.secret.clone()} oninput={on_secret} />
                </label>
            }
            { match &props.preview {
                Some(Ok(headers)) => html! {
                    <div class="signing-preview">
                        <p class="hint small">{ "Signing adds these headers over the exact body above (kept in memory only; a new id and timestamp after each send):" }</p>
                        <table class="preview-headers" data-testid="signing-headers"><tbody>
                            { for headers.iter().map(|h| html! {
                                <tr><th scope="row"><code>{ &h.name }</code></th><td><code>{ &h.value }</code></td></tr>
                            }) }
                        </tbody></table>
                    </div>
                },
                Some(Err(reason)) => html! { <p class="field-error" role="alert">{ reason }</p> },
                None => Html::default(),
            } }
        </div>
    }
}
