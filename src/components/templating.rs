//! What the template fields (URL, header values, body) share: the catalog and
//! sample a connection previews against, autocomplete (variables, functions,
//! keywords), template and JSON colouring, diagnostics as paints, error
//! lists, and a debounce hook.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use hookwright_core::analysis::preview_context;
use hookwright_core::connection::{Connection, Source};
use hookwright_core::error::Error;
use hookwright_core::json::JsonClass;
use hookwright_core::template::{self, functions, TokenClass};
use hookwright_core::Context;
use yew::prelude::*;

use super::code_editor::{Completer, Completion, CompletionQuery, Paint, SCOPE};

pub use hookwright_core::analysis::{catalog_for, CUSTOM_SAMPLE};

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

/// The engine's choice of preview context (see `analysis::preview_context`).
pub fn preview_sample<'a>(
    connection: &Connection,
    custom: &'a CustomSample,
) -> Option<PreviewSample<'a>> {
    preview_context(connection, custom.0.as_ref().as_ref().ok())
        .map(|(name, context)| PreviewSample { name, context })
}

/// Everything a template field can complete, by group: variables after
/// `v('` (closing the placeholder) and as arguments or condition operands,
/// functions and keywords after `[[`, functions as nested arguments, logic
/// keywords after `{{`.
pub fn template_completions(source: Source) -> Rc<Vec<Completion>> {
    let mut out = Vec::new();
    let catalog = catalog_for(source);
    for v in &catalog.variables {
        let detail = v.format.map_or(v.ty.as_str(), |f| f.as_str());
        out.push(Completion {
            label: v.name.clone(),
            detail: detail.to_string(),
            insert: format!("{}')]]", v.name),
            group: GROUP_VAR_CLOSE,
        });
        out.push(Completion {
            label: v.name.clone(),
            detail: detail.to_string(),
            insert: v.name.clone(),
            group: GROUP_VAR,
        });
    }
    // Every item field of an array-style variable, offered after `[[$`
    // inside its loop (`payments › payment-date`, inserting `payment-date]]`).
    for array in catalog.variables.iter().filter(|a| a.ty.has_items()) {
        for item in catalog.items_of(&array.name) {
            let field = &item.name[array.name.len() + 1..];
            out.push(Completion {
                label: format!("{}{SCOPE}{field}", array.name),
                detail: item
                    .format
                    .map_or(item.ty.as_str(), |f| f.as_str())
                    .to_string(),
                insert: format!("{field}]]"),
                group: GROUP_LOOP_ITEM,
            });
        }
    }
    for doc in functions::docs() {
        for group in [GROUP_TAG, GROUP_CALL] {
            out.push(Completion {
                label: doc.function.name().to_string(),
                detail: doc.signature.to_string(),
                insert: format!("{}(", doc.function.name()),
                group,
            });
        }
    }
    out.push(Completion {
        label: "v".into(),
        detail: "v('variable')".into(),
        insert: "v('".into(),
        group: GROUP_TAG,
    });
    for (label, detail, square, curly) in [
        ("BEGIN", "loop over a list", "BEGIN ", "BEGIN "),
        ("END", "close a loop or IF", "END]]", "END }}"),
        ("IF", "conditional", "IF ", "IF "),
        ("ELSEIF", "another condition", "ELSEIF ", "ELSEIF "),
        ("ELSE", "otherwise", "ELSE]]", "ELSE }}"),
        ("UNLESS", "negated conditional", "UNLESS ", "UNLESS "),
    ] {
        out.push(Completion {
            label: label.into(),
            detail: detail.into(),
            insert: square.into(),
            group: GROUP_TAG,
        });
        out.push(Completion {
            label: label.into(),
            detail: detail.into(),
            insert: curly.into(),
            group: GROUP_LOGIC,
        });
    }
    Rc::new(out)
}

const GROUP_VAR_CLOSE: &str = "var-close";
const GROUP_VAR: &str = "var";
const GROUP_TAG: &str = "tag";
const GROUP_CALL: &str = "call";
const GROUP_LOGIC: &str = "logic";
const GROUP_LOOP_ITEM: &str = "loop-item";

/// Completes inside template fields: see [`template_completions`].
pub const PLACEHOLDER_COMPLETER: Completer = Completer(placeholder_query);

fn placeholder_query(text: &str, caret: usize) -> Option<CompletionQuery> {
    let before = text.get(..caret)?;
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || "-_.$".contains(c)))
        .map_or(0, |i| i + 1);
    let prefix = &before[start..];
    let pre = &before[..start];
    let query = |start: usize, group| {
        Some(CompletionQuery {
            start,
            prefix: before[start..].to_string(),
            group: Some(group),
        })
    };
    if ["v('", "v(\"", "v(\u{2018}"]
        .iter()
        .any(|o| pre.ends_with(o))
    {
        return query(start, GROUP_VAR_CLOSE);
    }
    let open_square = pre
        .rfind("[[")
        .filter(|&i| pre.rfind("]]").is_none_or(|j| j < i));
    let open_curly = pre
        .rfind("{{")
        .filter(|&i| pre.rfind("}}").is_none_or(|j| j < i));
    let typed = !prefix.is_empty() && !prefix.starts_with(|c: char| c.is_ascii_digit());
    let trimmed = pre.trim_end();
    if let Some(at) = open_square.filter(|&i| open_curly.is_none_or(|j| j < i)) {
        let tag = &pre[at..];
        // Inside a quoted argument: a variable name (or an evalFormula symbol).
        let quotes = tag.matches(['\'', '"']).count();
        if quotes % 2 == 1 {
            let arg_start = trimmed.ends_with(['\'', '"'])
                && trimmed[..trimmed.len() - 1]
                    .trim_end()
                    .ends_with(['(', ',']);
            return (typed && (arg_start || tag.contains("evalFormula(")))
                .then(|| query(start, GROUP_VAR))
                .flatten();
        }
        if let Some(field) = prefix.strip_prefix('$') {
            if !trimmed.ends_with("[[") {
                return None;
            }
            let array = open_loop(pre)?;
            return Some(CompletionQuery {
                start: start + 1,
                prefix: format!("{array}{SCOPE}{field}"),
                group: Some(GROUP_LOOP_ITEM),
            });
        }
        if trimmed.ends_with("[[") {
            return query(start, GROUP_TAG);
        }
        if typed && trimmed.ends_with(['(', ',']) {
            return query(start, GROUP_CALL);
        }
        // A bare name in `[[IF …]]`: a variable.
        let head = tag[2..].trim_start();
        let logic = ["IF ", "ELSEIF ", "UNLESS "]
            .iter()
            .any(|k| head.len() >= k.len() && head[..k.len()].eq_ignore_ascii_case(k));
        return (typed && logic && !prefix.starts_with('$'))
            .then(|| query(start, GROUP_VAR))
            .flatten();
    }
    if open_curly.is_some() {
        if trimmed.ends_with("{{") {
            return query(start, GROUP_LOGIC);
        }
        if let Some(name) = prefix.strip_prefix('$') {
            let _ = name;
            return query(start + 1, GROUP_VAR);
        }
        return typed.then(|| query(start, GROUP_VAR)).flatten();
    }
    None
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

/// Template tags coloured by the engine's highlighter (the whole tag as a
/// placeholder, and functions, variables, literals and keywords inside it);
/// in JSON mode keys, strings, numbers and literals too (a tag is opaque to
/// the JSON colouring).
pub fn syntax_paints(text: &str, json: bool) -> Vec<Paint> {
    let highlights = template::highlight(text);
    let mut paints = Vec::with_capacity(highlights.len() / 2 + 16);
    // Tag ranges in order, for the JSON pass to step over.
    let mut tags: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < highlights.len() {
        let tag = highlights[i];
        i += 1;
        if tag.class != TokenClass::Tag {
            continue;
        }
        tags.push((tag.start, tag.end));
        paints.push(Paint::new(tag.start..tag.end, "tok-placeholder"));
        let inner_end = highlights[i..]
            .iter()
            .position(|h| h.class == TokenClass::Tag)
            .map_or(highlights.len(), |n| i + n);
        let inner = &highlights[i..inner_end];
        i = inner_end;
        // A plain `[[v('…')]]` or `[[$field]]` stays one piece in the tag's
        // colour: long bodies are mostly these, and every extra piece costs
        // on each keystroke. Delimiters and brackets take the tag's colour.
        let plain = inner.iter().all(|h| match h.class {
            TokenClass::Delimiter | TokenClass::Bracket | TokenClass::Variable => true,
            TokenClass::Function => &text[h.start..h.end] == "v",
            _ => false,
        });
        if plain {
            continue;
        }
        for h in inner {
            let class = match h.class {
                TokenClass::Tag | TokenClass::Delimiter | TokenClass::Bracket => continue,
                TokenClass::Keyword => "tok-kw",
                TokenClass::Function => "tok-fn",
                TokenClass::Variable => "tok-var",
                TokenClass::Text => "tok-str",
                TokenClass::Number | TokenClass::Literal => "tok-num",
                TokenClass::Operator => "tok-op",
            };
            paints.push(Paint::new(h.start..h.end, class));
        }
    }
    if !json {
        return paints;
    }
    // The engine's JSON tokenizer colours around the tags (holes to it).
    paints.extend(
        hookwright_core::json::highlight(text, &tags)
            .into_iter()
            .map(|h| {
                let class = match h.class {
                    JsonClass::Key => "tok-key",
                    JsonClass::String => "tok-str",
                    JsonClass::Number => "tok-num",
                    JsonClass::Literal => "tok-lit",
                };
                Paint::new(h.start..h.end, class)
            }),
    );
    paints
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

/// Rules longer than this (about 100 clauses; the seed rule is 90 bytes) are
/// analysed once typing pauses, and translated to SQL only on request.
pub const LIVE_ANALYSIS_MAX: usize = 4 * 1024;
/// How long typing must pause before a large text is analysed.
pub const ANALYSIS_DELAY_MS: u32 = 250;

/// `value` at once while it is small; while `large`, only once it has stayed
/// the same for `ms` milliseconds: heavy work on a large text follows typing
/// without running on every keystroke.
#[hook]
pub fn use_settled<T: Clone + PartialEq + 'static>(value: T, large: bool, ms: u32) -> T {
    match use_debounced(large.then(|| value.clone()), ms) {
        Some(settled) if large => settled,
        _ => value,
    }
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

    fn q(text: &str) -> Option<(usize, String, &'static str)> {
        placeholder_query(text, text.len()).map(|q| (q.start, q.prefix, q.group.unwrap()))
    }

    #[test]
    fn completes_variables_functions_and_keywords_by_place() {
        assert_eq!(q("x [[v('cust"), Some((7, "cust".into(), GROUP_VAR_CLOSE)));
        assert_eq!(q("cust"), None);
        assert_eq!(q("[[v('").unwrap().1, "");
        assert_eq!(q("[[form"), Some((2, "form".into(), GROUP_TAG)));
        assert_eq!(q("[[").unwrap().2, GROUP_TAG);
        assert_eq!(q("[[formatNumber([[eval").unwrap().2, GROUP_TAG);
        assert_eq!(q("[[formatNumber(math").unwrap().2, GROUP_CALL);
        assert_eq!(
            q("[[mathAdd('setup-loan"),
            Some((11, "setup-loan".into(), GROUP_VAR))
        );
        assert_eq!(q("[[formatNumber('x', '2"), None);
        assert_eq!(q("[[evalFormula('(- status-sch").unwrap().2, GROUP_VAR);
        assert_eq!(q("{{ ").unwrap().2, GROUP_LOGIC);
        assert_eq!(
            q("{{ IF $setup-pay"),
            Some((7, "setup-pay".into(), GROUP_VAR))
        );
        assert_eq!(q("[[IF customer.sec").unwrap().2, GROUP_VAR);
        assert_eq!(q("{{ IF $x }} text"), None);
        assert_eq!(q("[[v('x')]] done"), None);
    }

    #[test]
    fn every_function_and_keyword_is_offered() {
        let all = template_completions(Source::Loanpro);
        for name in [
            "evalFormula",
            "formatNumberAsCheck",
            "collectionItem",
            "v",
            "IF",
            "END",
        ] {
            assert!(
                all.iter().any(|c| c.label == name && c.group == GROUP_TAG),
                "{name}"
            );
        }
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
        let all = template_completions(Source::Loanpro);
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
        let text = r#"{"a": "x[[v('y')]]", "n": -1.5, "t": true, "p": [[v('z')]], "i": {{ IF $a > 1 }}2{{ END }}}"#;
        let classes: Vec<(&str, &str)> = syntax_paints(text, true)
            .iter()
            .map(|p| (&text[p.range.clone()], p.class))
            .collect();
        assert!(classes.contains(&("\"a\"", "tok-key")));
        // A string's text around a tag is a string; the tag keeps its own colours.
        assert!(classes.contains(&("\"x", "tok-str")));
        assert!(classes.contains(&("\"", "tok-str")));
        assert!(classes.contains(&("[[v('y')]]", "tok-placeholder")));
        assert!(classes.contains(&("-1.5", "tok-num")));
        assert!(classes.contains(&("true", "tok-lit")));
        assert!(classes.contains(&("[[v('z')]]", "tok-placeholder")));
        assert!(classes.contains(&("{{ IF $a > 1 }}", "tok-placeholder")));
        assert!(classes.contains(&("IF", "tok-kw")));
        // A plain `[[v('…')]]` is one piece; a tag with logic or functions is coloured inside.
        assert!(!classes.contains(&("'y'", "tok-var")));
        assert!(classes.contains(&("$a", "tok-var")));
        assert!(classes.contains(&(">", "tok-op")));
        // The `1` inside the tag is the tag's, not a JSON number.
        assert!(
            !classes.contains(&("1", "tok-num"))
                || classes.iter().filter(|c| c.0 == "1").count() == 1
        );
    }
}
