//! What the template fields (URL, header values, body) share: the catalog and
//! sample a connection previews against, `[[v('` autocomplete, placeholder and
//! JSON colouring, diagnostics as paints, error lists, and a debounce hook.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use hookwright_core::catalog::{self, Catalog};
use hookwright_core::connection::{Connection, Source};
use hookwright_core::error::Error;
use hookwright_core::samples::{self, SampleContext};
use hookwright_core::Context;
use yew::prelude::*;

use super::code_editor::{Completer, Completion, CompletionQuery, Paint, SCOPE};

pub fn catalog_for(source: Source) -> &'static Catalog {
    match source {
        Source::Loanpro => catalog::loanpro(),
        Source::Youlend => catalog::youlend(),
    }
}

/// The sample id that stands for the user's pasted JSON.
pub const CUSTOM_SAMPLE: &str = "custom";

/// The user's pasted context, parsed once for the whole page (`App` provides
/// it); compared by pointer, so it is cheap as a memo dependency.
#[derive(Clone)]
pub struct CustomSample(pub Rc<Result<Context, Error>>);

impl PartialEq for CustomSample {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl CustomSample {
    /// Parses pasted JSON; blank text is "nothing pasted yet".
    pub fn parse(text: &str) -> CustomSample {
        CustomSample(Rc::new(if text.trim().is_empty() {
            Err(Error::new(
                hookwright_core::ErrorKind::Json,
                "paste a JSON object below to evaluate against it",
                None,
            ))
        } else {
            Context::from_json(text)
        }))
    }
}

#[hook]
pub fn use_custom_sample() -> CustomSample {
    use_context::<CustomSample>().unwrap_or_else(|| CustomSample::parse(""))
}

/// A context the request and payload preview against, with its name.
pub struct PreviewSample<'a> {
    pub name: String,
    pub context: &'a Context,
}

/// The sample a connection previews against: the user's custom JSON when
/// chosen and usable, else its built-in choice, else the first that fits.
pub fn preview_sample<'a>(
    connection: &Connection,
    custom: &'a CustomSample,
) -> Option<PreviewSample<'a>> {
    if connection.sample.as_deref() == Some(CUSTOM_SAMPLE) {
        if let Ok(context) = custom.0.as_ref() {
            return Some(PreviewSample {
                name: "Custom JSON".to_string(),
                context,
            });
        }
    }
    sample_for(connection).map(|s| PreviewSample {
        name: s.name.clone(),
        context: &s.context,
    })
}

/// The built-in sample the connection previews against: its own choice, else the first that fits.
pub fn sample_for(connection: &Connection) -> Option<&'static SampleContext> {
    connection
        .sample
        .as_deref()
        .and_then(samples::sample)
        .or_else(|| samples::samples_for(connection).into_iter().next())
}

/// Every catalog variable as a completion that closes the placeholder, and
/// every item field of an array-style variable as a loop completion
/// (`payments › payment-date`, inserting `payment-date]]` after `[[$`).
pub fn variable_completions(source: Source) -> Rc<Vec<Completion>> {
    let catalog = catalog_for(source);
    let variables = catalog.variables.iter().map(|v| Completion {
        label: v.name.clone(),
        detail: v.format.map_or(v.ty.as_str(), |f| f.as_str()).to_string(),
        insert: format!("{}')]]", v.name),
    });
    let items = catalog
        .variables
        .iter()
        .filter(|array| array.ty.has_items())
        .flat_map(|array| {
            catalog.items_of(&array.name).map(move |item| {
                let field = &item.name[array.name.len() + 1..];
                Completion {
                    label: format!("{}{SCOPE}{field}", array.name),
                    detail: item
                        .format
                        .map_or(item.ty.as_str(), |f| f.as_str())
                        .to_string(),
                    insert: format!("{field}]]"),
                }
            })
        });
    Rc::new(variables.chain(items).collect())
}

/// Completes a variable name typed right after `v('`, and an item field typed
/// right after `[[$` inside a `[[BEGIN array]]` loop.
pub const PLACEHOLDER_COMPLETER: Completer = Completer(placeholder_query);

fn placeholder_query(text: &str, caret: usize) -> Option<CompletionQuery> {
    let before = text.get(..caret)?;
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || "-_.$".contains(c)))
        .map_or(0, |i| i + 1);
    if before[..start].ends_with("v('") {
        return Some(CompletionQuery {
            start,
            prefix: before[start..].to_string(),
        });
    }
    let typed = before[start..].strip_prefix('$')?;
    if !before[..start].ends_with("[[") {
        return None;
    }
    let array = open_loop(&before[..start])?;
    Some(CompletionQuery {
        start: start + 1,
        prefix: format!("{array}{SCOPE}{typed}"),
    })
}

/// The array of the innermost `[[BEGIN array]]` still open at the end of
/// `text`. `[[END]]` closes the last BEGIN or IF (`[[IF …]]`, `{{ IF … }}`).
fn open_loop(text: &str) -> Option<&str> {
    let mut open: Vec<Option<&str>> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['[', '{']) {
        let tail = &rest[at..];
        let close = if tail.starts_with("[[") {
            "]]"
        } else if tail.starts_with("{{") {
            "}}"
        } else {
            rest = &rest[at + 1..];
            continue;
        };
        let Some(end) = tail[2..].find(close) else {
            break;
        };
        let tag = tail[2..2 + end].trim();
        let (word, arg) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        if word.eq_ignore_ascii_case("BEGIN") {
            open.push(Some(arg.trim()));
        } else if word.eq_ignore_ascii_case("IF") {
            open.push(None);
        } else if word.eq_ignore_ascii_case("END") {
            open.pop();
        }
        rest = &tail[2 + end + close.len()..];
    }
    open.into_iter().rev().flatten().next()
}

/// `[[...]]` tags coloured as placeholders; in JSON mode keys, strings,
/// numbers and literals too (a placeholder is opaque to the JSON colouring).
pub fn syntax_paints(text: &str, json: bool) -> Vec<Paint> {
    let bytes = text.as_bytes();
    let mut paints = Vec::new();
    let tag_end = |from: usize| text[from..].find("]]").map_or(text.len(), |i| from + i + 2);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"[[") {
            let end = tag_end(i);
            paints.push(Paint::new(i..end, "tok-placeholder"));
            i = end;
            continue;
        }
        if !json {
            i += 1;
            continue;
        }
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i..].starts_with(b"[[") {
                        let end = tag_end(i);
                        paints.push(Paint::new(i..end, "tok-placeholder"));
                        i = end;
                        continue;
                    }
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                let rest = text[i..].trim_start();
                let class = if rest.starts_with(':') {
                    "tok-key"
                } else {
                    "tok-str"
                };
                paints.push(Paint::new(start..i, class));
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_digit() || b"+-.eE".contains(&bytes[i]))
                {
                    i += 1;
                }
                paints.push(Paint::new(start..i, "tok-num"));
            }
            b't' | b'f' | b'n' => {
                let word = ["true", "false", "null"]
                    .into_iter()
                    .find(|w| text[i..].starts_with(w));
                match word {
                    Some(w) => {
                        paints.push(Paint::new(i..i + w.len(), "tok-lit"));
                        i += w.len();
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    paints
}

/// Each error underlined at its span, with its message as the tooltip.
pub fn diagnostic_paints(errors: &[Error]) -> Vec<Paint> {
    errors
        .iter()
        .filter_map(|e| {
            let span = e.span?;
            Some(Paint {
                range: span.start..span.end,
                class: if e.is_warning() {
                    "diag-warning"
                } else {
                    "diag-error"
                },
                title: Some(e.message.clone()),
            })
        })
        .collect()
}

/// The errors of one field as a list the field is described by.
pub fn error_list(id: &str, errors: &[Error]) -> Html {
    if errors.is_empty() {
        return html! { <ul id={id.to_string()} class="field-errors" hidden=true></ul> };
    }
    html! {
        <ul id={id.to_string()} class="field-errors" role="list">
            { for errors.iter().map(|e| html! {
                <li class={if e.is_warning() { "warning" } else { "error" }}>
                    if let Some(span) = e.span {
                        <span class="where">{ format!("line {}, column {}: ", span.line, span.col) }</span>
                    }
                    { &e.message }
                </li>
            }) }
        </ul>
    }
}

/// `value`, but only once it has stayed the same for `ms` milliseconds:
/// expensive checks follow typing without running on every keystroke.
#[hook]
pub fn use_debounced<T: Clone + PartialEq + 'static>(value: T, ms: u32) -> T {
    let settled = use_state(|| value.clone());
    {
        let settled = settled.clone();
        use_effect_with(value, move |value| {
            let value = value.clone();
            let timer = (*settled != value).then(|| Timeout::new(ms, move || settled.set(value)));
            move || drop(timer)
        });
    }
    (*settled).clone()
}

/// Milliseconds from the page's clock, for the figures the editor reports.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_after_v_paren_quote() {
        let text = "x [[v('cust";
        let q = placeholder_query(text, text.len()).unwrap();
        assert_eq!((q.start, q.prefix.as_str()), (7, "cust"));
        assert_eq!(placeholder_query("cust", 4), None);
        assert_eq!(placeholder_query("[[v('", 5).unwrap().prefix, "");
    }

    #[test]
    fn completes_item_fields_inside_loops() {
        let text = "[[BEGIN payments]] [[$pay";
        let q = placeholder_query(text, text.len()).unwrap();
        assert_eq!(q.start, text.len() - 3);
        assert_eq!(q.prefix, format!("payments{SCOPE}pay"));
        // The innermost open loop, past closed ones and IF blocks.
        let text = "[[BEGIN til-forecasted-payments]][[END]]{{ IF $x > 1 }}[[BEGIN payments]][[IF $payment-amount]][[END]] [[$";
        let q = placeholder_query(text, text.len()).unwrap();
        assert_eq!(q.prefix, format!("payments{SCOPE}"));
        // Outside any loop, and after the loop closed: nothing.
        assert_eq!(placeholder_query("[[$pay", 6), None);
        let text = "[[BEGIN payments]][[END]] [[$";
        assert_eq!(placeholder_query(text, text.len()), None);
    }

    #[test]
    fn loop_completions_list_every_array_items_fields() {
        let all = variable_completions(Source::Loanpro);
        let loop_item = all
            .iter()
            .find(|c| c.label == format!("payments{SCOPE}payment-date"))
            .unwrap();
        assert_eq!(loop_item.insert, "payment-date]]");
        for label in [
            format!("unfulfilled-promises{SCOPE}due-date"),
            format!("til-forecasted-payments{SCOPE}principal-balance"),
            format!("escrow{SCOPE}balance"),
        ] {
            assert!(all.iter().any(|c| c.label == label), "{label}");
        }
    }

    #[test]
    fn json_colours_keys_values_and_placeholders() {
        let text = r#"{"a": "x[[v('y')]]", "n": -1.5, "t": true, "p": [[v('z')]]}"#;
        let classes: Vec<(&str, &str)> = syntax_paints(text, true)
            .iter()
            .map(|p| (&text[p.range.clone()], p.class))
            .collect();
        assert!(classes.contains(&("\"a\"", "tok-key")));
        assert!(classes.contains(&("\"x[[v('y')]]\"", "tok-str")));
        assert!(classes.contains(&("[[v('y')]]", "tok-placeholder")));
        assert!(classes.contains(&("-1.5", "tok-num")));
        assert!(classes.contains(&("true", "tok-lit")));
        assert!(classes.contains(&("[[v('z')]]", "tok-placeholder")));
    }
}
