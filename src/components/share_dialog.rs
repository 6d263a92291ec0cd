//! Share: the selected connection without its secrets as a link (in the URL
//! fragment), or as a file when the link would be too long for browsers.

use std::rc::Rc;

use hookwright_core::connection::{Connection, ConnectionFile};
use hookwright_core::secret;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::dialog_frame::dialog_frame;
use super::workspace_menu::*;
use crate::services::{clipboard, download};

#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    pub connection: Rc<Connection>,
    pub on_close: Callback<()>,
}

/// The full share link for a connection at this page's address.
fn share_link(connection: &Connection) -> String {
    let location = gloo::utils::window().location();
    format!(
        "{}{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        share_fragment(connection)
    )
}

#[component]
pub fn ShareDialog(props: &ShareDialogProps) -> Html {
    let copied = use_state(|| None::<bool>);
    let error = use_state(|| None::<String>);
    // Built once, when Share is clicked: the dialog holds that moment's connection.
    let link = use_memo(props.connection.clone(), |c| share_link(c));
    let left = left_out(std::slice::from_ref(&*props.connection));
    let too_long = link.len() > SHARE_LINK_LIMIT;
    let on_copy = {
        let copied = copied.clone();
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            let (copied, link) = (copied.clone(), link.clone());
            spawn_local(
                async move { copied.set(Some(clipboard::write_text(&link).await.is_ok())) },
            );
        })
    };
    let on_download = {
        let connection = props.connection.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            let text = ConnectionFile::new(vec![(*connection).clone()]).export(false);
            let name = format!("{}.json", connection.id);
            if let Err(why) = download::save_text(&name, "application/json", &(text + "\n")) {
                error.set(Some(why));
            }
        })
    };
    let secrets_note = if left.is_empty() {
        html! { <p class="muted small">{ "This connection holds no secrets." }</p> }
    } else {
        html! {
            <>
                <p class="small">{ format!(
                    "Left out of the {} (each replaced by {} or emptied; whoever opens it is asked to fill them in):",
                    if too_long { "file" } else { "link" },
                    secret::PLACEHOLDER
                ) }</p>
                { secret_list("Secrets left out", &left) }
            </>
        }
    };
    html! {
        { dialog_frame("Share this connection", &props.on_close, html! { <>
            if too_long {
                <p data-testid="share-too-long">{ format!(
                    "This connection is too large for a link: it would be {} KB, and browsers and chat tools cut or refuse links over about {} KB. Share it as a file instead.",
                    link.len().div_ceil(1024),
                    SHARE_LINK_LIMIT / 1024
                ) }</p>
                <div data-testid="share-secrets">{ secrets_note }</div>
                if let Some(why) = &*error { <p class="inline-note error">{ why }</p> }
                <div class="dialog-actions">
                    <button type="button" class="button primary" onclick={on_download}>{ "Download the file" }</button>
                </div>
            } else {
                <p>{ "The link holds the whole connection in its fragment (after #), which browsers do not send to servers." }</p>
                <div data-testid="share-secrets">{ secrets_note }</div>
                <label class="field">
                    <span class="field-label">{ "Share link" }</span>
                    <input type="text" class="mono" readonly=true aria-label="Share link" value={(*link).clone()} />
                </label>
                <div class="dialog-actions">
                    <button type="button" class="button primary" onclick={on_copy}>{ "Copy link" }</button>
                    { match *copied {
                        Some(true) => html! { <span class="ok" role="status">{ "Copied." }</span> },
                        Some(false) => html! { <span class="bad" role="status">{ "The browser would not copy; select the link above." }</span> },
                        None => Html::default(),
                    } }
                </div>
            }
        </> }) }
    }
}
