//! Taking connections out of the editor and back in: Export (chosen
//! connections as a version-1 connection file, secrets only when asked, and
//! the dialog lists exactly which secrets stay out), Import (file picker,
//! drag and drop, or paste; every problem listed; a bad file changes
//! nothing; id clashes ask; the secrets to fill in are listed), and share
//! links (the selected connection without its secrets, in the URL fragment;
//! a link too long for browsers is offered as a file instead; a link that
//! cannot be read says so).

use std::rc::Rc;

use base64::Engine as _;
use gloo::events::{EventListener, EventListenerOptions};
use hookwright_core::connection::{Connection, ConnectionFile};
use hookwright_core::error::ErrorKind;
use hookwright_core::lint;
use hookwright_core::secret::{self, Secret};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::export_dialog::ExportDialog;
use super::import_dialog::ImportDialog;
use super::share_dialog::ShareDialog;
use super::use_editor;
use crate::services::files;

/// The URL fragment prefix of a share link.
pub const SHARE_PREFIX: &str = "#share=";
/// Links longer than this are not offered: browsers, chat tools and mail
/// clients cut or refuse them. The file is offered instead.
pub const SHARE_LINK_LIMIT: usize = 32 * 1024;

/// One problem found in an imported file, located for the user.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportProblem {
    /// `line 3, column 5` or `connection late-5-note, request.url`.
    pub location: String,
    pub message: String,
    /// Blocks the import (the file cannot be read as connections).
    pub blocking: bool,
}

/// What reading an import gave: the connections, or nothing when anything blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReview {
    pub source: String,
    pub connections: Vec<Connection>,
    pub problems: Vec<ImportProblem>,
    /// Secrets the file left out (placeholders), to fill in after importing:
    /// (connection id, what it is).
    pub to_fill_in: Vec<(String, String)>,
}

impl ImportReview {
    pub fn blocked(&self) -> bool {
        self.problems.iter().any(|p| p.blocking)
    }
}

/// Reads an import. The file must load as a connection file with unique ids;
/// lint's findings about the connections themselves (a rule that does not
/// check, a template error) are listed but do not block, since an export of
/// a work in progress must come back as it left.
pub fn review_import(source: &str, text: &str) -> ImportReview {
    let mut problems = Vec::new();
    let report = lint::lint_file(source, text);
    for p in &report.problems {
        let structural = p.connection_index.is_none()
            || matches!(p.error.kind, ErrorKind::Json | ErrorKind::Format);
        let mut location = match (&p.connection_id, p.connection_index) {
            (Some(id), _) if !id.is_empty() => format!("connection {id}"),
            (_, Some(i)) => format!("connection #{}", i + 1),
            _ => String::new(),
        };
        if !p.field.is_empty() {
            location.push_str(&format!(", {}", p.field));
        }
        // The problem's own place in the file, as `hookwright lint` prints it
        // (a rule's unknown variable, not the start of the rule's string).
        if let Some(span) = p.position.or(p.location) {
            if !location.is_empty() {
                location.push_str(", ");
            }
            location.push_str(&format!("line {}, column {}", span.line, span.col));
        }
        problems.push(ImportProblem {
            location,
            message: p.error.message.clone(),
            blocking: structural && !p.error.is_warning(),
        });
    }
    let connections = match ConnectionFile::from_json(text) {
        Ok(file) => file.connections,
        Err(e) => {
            if !problems.iter().any(|p| p.blocking) {
                problems.push(ImportProblem {
                    location: e
                        .span
                        .map(|s| format!("line {}, column {}", s.line, s.col))
                        .unwrap_or_default(),
                    message: e.message.clone(),
                    blocking: true,
                });
            }
            Vec::new()
        }
    };
    let mut seen = std::collections::HashSet::new();
    for c in &connections {
        if !seen.insert(c.id.as_str()) {
            problems.push(ImportProblem {
                location: format!("connection {}", c.id),
                message: "this id appears more than once in the file".into(),
                blocking: true,
            });
        }
    }
    let blocked = problems.iter().any(|p| p.blocking);
    let connections = if blocked { Vec::new() } else { connections };
    let to_fill_in = connections
        .iter()
        .flat_map(|c| {
            secret::missing(c)
                .into_iter()
                .map(|s| (c.id.clone(), s.label))
        })
        .collect();
    ImportReview {
        source: source.to_string(),
        connections,
        problems,
        to_fill_in,
    }
}

/// A share link's fragment for a connection: its redacted single-connection file.
pub fn share_fragment(connection: &Connection) -> String {
    let file = ConnectionFile::new(vec![connection.clone()]).redacted();
    let json = serde_json::to_string(&file).expect("connection files always serialise");
    format!(
        "{SHARE_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    )
}

/// The connections of a share link's fragment, read as an import; `None`
/// when the page was not opened by a share link. A link that cannot be read
/// (cut short, changed, not one of ours) gives a review that says so.
pub fn read_share_fragment(fragment: &str) -> Option<ImportReview> {
    let encoded = fragment.strip_prefix(SHARE_PREFIX)?;
    let unreadable = |why: &str| {
        ImportReview {
        source: "the share link".into(),
        connections: Vec::new(),
        problems: vec![ImportProblem {
            location: String::new(),
            message: format!(
                "This share link cannot be read: {why}. It may have been cut short or changed on the way; ask for the link again, or for the exported file."
            ),
            blocking: true,
        }],
        to_fill_in: Vec::new(),
    }
    };
    let encoded = encoded.trim();
    if encoded.is_empty() {
        return Some(unreadable("it is empty"));
    }
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded) else {
        return Some(unreadable(
            "it is not in the link encoding Hookwright writes (base64url)",
        ));
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Some(unreadable("it does not decode to text"));
    };
    let mut review = review_import("the share link", &text);
    if review.blocked() {
        review.problems.insert(
            0,
            ImportProblem {
                location: String::new(),
                message: "This share link cannot be read: what it holds is not a whole connection file. It may have been cut short or changed on the way; ask for the link again, or for the exported file.".into(),
                blocking: true,
            },
        );
    }
    Some(review)
}

/// `id: what` lines for a list of secrets, one per connection's secret.
pub fn secret_list(label: &str, items: &[(String, String)]) -> Html {
    html! {
        <ul class="secret-list" aria-label={label.to_string()}>
            { for items.iter().map(|(id, what)| html! {
                <li><code>{ id }</code>{ format!(": {what}") }</li>
            }) }
        </ul>
    }
}

/// What an export without secrets leaves out of `connections`, as (id, label).
pub fn left_out(connections: &[Connection]) -> Vec<(String, String)> {
    connections
        .iter()
        .flat_map(|c| {
            secret::left_out(c)
                .into_iter()
                .map(|s: Secret| (c.id.clone(), s.label))
        })
        .collect()
}

#[derive(Clone, PartialEq)]
enum Dialog {
    Export,
    Import(Option<ImportReview>),
    /// The connection as it was when Share was clicked; its link is built then.
    Share(Rc<Connection>),
}

#[component]
pub fn WorkspaceMenu() -> Html {
    let editor = use_editor();
    let dialog = use_state(|| None::<Dialog>);

    let open_review = {
        let dialog = dialog.clone();
        Callback::from(move |review: ImportReview| dialog.set(Some(Dialog::Import(Some(review)))))
    };

    // A share link opened this page, and files dropped anywhere on it.
    {
        let open_review = open_review.clone();
        use_effect_with((), move |_| {
            let hash = gloo::utils::window().location().hash().unwrap_or_default();
            if let Some(review) = read_share_fragment(&hash) {
                open_review.emit(review);
            }
            let document = gloo::utils::document();
            let options = EventListenerOptions::enable_prevent_default();
            let over = EventListener::new_with_options(&document, "dragover", options, |e| {
                e.prevent_default()
            });
            let dropped = EventListener::new_with_options(&document, "drop", options, move |e| {
                let Some(e) = e.dyn_ref::<web_sys::DragEvent>() else {
                    return;
                };
                // A drop target in the page (a portfolio, a batch, a context) took it.
                if e.default_prevented() {
                    return;
                }
                let file = e
                    .data_transfer()
                    .and_then(|d| d.files())
                    .and_then(|f| f.get(0));
                if let Some(file) = file {
                    e.prevent_default();
                    review_file(file, open_review.clone());
                }
            });
            move || drop((over, dropped))
        });
    }

    let on_file = {
        let open_review = open_review.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            review_file(file, open_review.clone());
        })
    };
    // A dialog drawn is opened modal (focus goes into it, the page behind is
    // inert, even where the folded connection list hides its place); closed,
    // focus goes back to what opened it.
    let opener = use_mut_ref(|| None::<web_sys::HtmlElement>);
    use_effect(move || {
        let document = gloo::utils::document();
        let drawn = document.query_selector("dialog.dialog").ok().flatten();
        match drawn.and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok()) {
            Some(dialog) if !dialog.open() => {
                if opener.borrow().is_none() {
                    *opener.borrow_mut() =
                        document.active_element().and_then(|e| e.dyn_into().ok());
                }
                let _ = dialog.show_modal();
            }
            Some(_) => {}
            None => {
                if let Some(element) = opener.borrow_mut().take() {
                    let _ = element.focus();
                }
            }
        }
    });
    let open = |d: Dialog| {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| dialog.set(Some(d.clone())))
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_: ()| {
            // A share link is answered once; leave no fragment to re-offer on reload.
            let window = gloo::utils::window();
            if window
                .location()
                .hash()
                .unwrap_or_default()
                .starts_with(SHARE_PREFIX)
            {
                if let Ok(history) = window.history() {
                    let path = window.location().pathname().unwrap_or_default();
                    let _ = history.replace_state_with_url(
                        &wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&path),
                    );
                }
            }
            dialog.set(None)
        })
    };

    html! {
        <div class="workspace-menu">
            <button type="button" class="button" onclick={open(Dialog::Export)}
                disabled={editor.connections.is_empty()}>{ "Export" }</button>
            <label class="button file-button">
                { "Import" }
                <input type="file" class="visually-hidden" aria-label="Import" accept=".json,application/json" onchange={on_file} />
            </label>
            <button type="button" class="button" onclick={open(Dialog::Import(None))} title="Paste a connection file">{ "Paste…" }</button>
            { match editor.selected_connection() {
                Some(c) => html! { <button type="button" class="button" onclick={open(Dialog::Share(c.clone()))}>{ "Share" }</button> },
                None => html! { <button type="button" class="button" disabled=true>{ "Share" }</button> },
            } }
            { match &*dialog {
                None => Html::default(),
                Some(Dialog::Export) => html! { <ExportDialog on_close={close.clone()} /> },
                Some(Dialog::Import(review)) => html! {
                    <ImportDialog review={review.clone()} on_close={close.clone()} on_review={open_review.clone()} />
                },
                Some(Dialog::Share(c)) => html! { <ShareDialog connection={c.clone()} on_close={close.clone()} /> },
            } }
        </div>
    }
}

/// Reads a dropped or picked file and opens its review.
fn review_file(file: web_sys::File, open_review: Callback<ImportReview>) {
    spawn_local(async move {
        let name = file.name();
        let review = match files::read_text(&file).await {
            Ok(text) => review_import(&name, &text),
            Err(why) => failed_read(&name, why),
        };
        open_review.emit(review);
    });
}

pub fn failed_read(name: &str, why: String) -> ImportReview {
    ImportReview {
        source: name.to_string(),
        connections: Vec::new(),
        problems: vec![ImportProblem {
            location: String::new(),
            message: why,
            blocking: true,
        }],
        to_fill_in: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookwright_core::connection::examples;

    #[test]
    fn an_export_imports_back_identically() {
        let all = examples();
        let text = ConnectionFile::new(all.clone()).export(true);
        let review = review_import("x.json", &text);
        assert!(!review.blocked(), "{:?}", review.problems);
        assert_eq!(review.connections, all);
    }

    #[test]
    fn broken_files_block_with_located_problems() {
        let review = review_import(
            "x.json",
            "{\"format\": \"hookwright/connections\",\n \"version\": 1, \"connections\": [}",
        );
        assert!(review.blocked());
        assert!(review.connections.is_empty());
        assert!(
            review.problems[0].location.starts_with("line 2"),
            "{:?}",
            review.problems
        );
        let review = review_import(
            "x.json",
            r#"{"format":"other","version":1,"connections":[]}"#,
        );
        assert!(review.blocked());
    }

    #[test]
    fn a_problem_is_placed_where_lint_places_it() {
        let text = include_str!("../../examples/late-5-days-external.json")
            .replace("(= status-days", "(= status-dayz-days");
        let review = review_import("x.json", &text);
        let report = lint::lint_file("x.json", &text);
        let span = report.problems[0].position.unwrap();
        assert_eq!((span.line, span.col), (13, 26));
        assert_eq!(
            review.problems[0].location,
            "connection late-5-external, trigger.rule, line 13, column 26"
        );
    }

    #[test]
    fn duplicate_ids_block() {
        let one = examples().remove(0);
        let text = ConnectionFile::new(vec![one.clone(), one]).export(true);
        assert!(review_import("x", &text).blocked());
    }

    #[test]
    fn unreadable_share_links_say_so() {
        assert_eq!(read_share_fragment("#other"), None);
        let good = share_fragment(&examples().remove(0));
        for bad in [
            "#share=".to_string(),
            "#share=!!not base64!!".to_string(),
            "#share=__8".to_string(),
            good[..good.len() / 2].to_string(),
            format!(
                "{SHARE_PREFIX}{}",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("[1, 2]")
            ),
        ] {
            let review = read_share_fragment(&bad).unwrap();
            assert!(review.blocked(), "{bad}");
            assert!(
                review.problems[0]
                    .message
                    .starts_with("This share link cannot be read"),
                "{bad}: {:?}",
                review.problems
            );
        }
        assert!(!read_share_fragment(&good).unwrap().blocked());
    }

    #[test]
    fn share_links_leave_out_every_secret_and_list_them_to_fill_in() {
        use hookwright_core::connection::Header;
        let mut c = examples().remove(0);
        c.request.url = "https://ops:pw-777777@h.test/?token=tok-888888".into();
        c.request
            .headers
            .push(Header::new("Authorization", "Bearer bear-999999"));
        c.request
            .headers
            .push(Header::new("X-Api-Key", "key-666666"));
        let fragment = share_fragment(&c);
        let text = String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(fragment.strip_prefix(SHARE_PREFIX).unwrap())
                .unwrap(),
        )
        .unwrap();
        for secret in ["pw-777777", "tok-888888", "bear-999999", "key-666666"] {
            assert!(!text.contains(secret), "{secret}");
        }
        let review = read_share_fragment(&fragment).unwrap();
        let labels: Vec<&str> = review.to_fill_in.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "the Authorization header",
                "the X-Api-Key header",
                "the password in the URL",
                "the URL's token parameter"
            ]
        );
        assert_eq!(left_out(&[c]).len(), 4);
    }

    #[test]
    fn share_links_round_trip_without_secrets() {
        let mut c = examples().remove(1);
        c.request.auth = hookwright_core::connection::Auth::Bearer {
            token: "s3cret".into(),
            redacted: false,
        };
        let fragment = share_fragment(&c);
        assert!(!fragment.contains("s3cret"));
        let review = read_share_fragment(&fragment).unwrap();
        assert_eq!(
            review.connections[0].request.auth,
            c.request.auth.redacted()
        );
        assert_eq!(review.connections[0].request.url, c.request.url);
    }
}
