//! A plain-textarea code editor with a highlighted layer behind it: line
//! numbers, syntax colours, bracket matching, diagnostics underlined at their
//! span, marks (e.g. true/false from a rule's explain) and autocomplete.
//! The language is supplied by the caller; this file knows no grammar.
//! Only the lines in view (plus a margin) are drawn, so a keystroke costs the
//! same in a 20-line rule as in a 20,000-line body.

use std::cell::Cell;
use std::ops::Range;
use std::rc::Rc;

use hookwright_core::dryrun::{megabytes, thousands};
// One sort routine for the page (hookwright_core::order): each std sort is ~4 KB of wasm.
use hookwright_core::order::{sort, sort_by_key};
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// A byte range of the text and the CSS class that colours it.
#[derive(Debug, Clone, PartialEq)]
pub struct Paint {
    pub range: Range<usize>,
    pub class: &'static str,
    /// Shown as a tooltip over the range (diagnostic messages).
    pub title: Option<String>,
}

impl Paint {
    pub fn new(range: Range<usize>, class: &'static str) -> Paint {
        Paint {
            range,
            class,
            title: None,
        }
    }
}

/// Separates a scope from the rest of a completion's label
/// (`payments › payment-date`, an item field offered inside
/// `[[BEGIN payments]]`): scoped completions match only queries that carry
/// the same separator, plain ones only plain queries.
pub const SCOPE: &str = " › ";

/// One autocomplete suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub label: String,
    /// A short note beside the label: a type, "function".
    pub detail: String,
    pub insert: String,
    /// Which kind of place it fits (the caller's grammar decides; "" fits anywhere).
    pub group: &'static str,
}

/// Where completion applies at the caret: the text typed so far and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionQuery {
    pub start: usize,
    pub prefix: String,
    /// Offer only completions of this group (`None`: all of them).
    pub group: Option<&'static str>,
}

/// Decides from the text and caret whether to complete, and what prefix is typed.
#[derive(Clone, Copy)]
pub struct Completer(pub fn(&str, usize) -> Option<CompletionQuery>);

impl PartialEq for Completer {
    fn eq(&self, other: &Completer) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct CodeEditorProps {
    /// The accessible name of the text area.
    pub label: AttrValue,
    pub value: AttrValue,
    pub on_change: Callback<String>,
    #[prop_or_default]
    pub paints: Rc<Vec<Paint>>,
    #[prop_or_default]
    pub completions: Rc<Vec<Completion>>,
    #[prop_or_default]
    pub completer: Option<Completer>,
    #[prop_or(6)]
    pub rows: u32,
    #[prop_or_default]
    pub placeholder: AttrValue,
    /// Ids of elements that describe the editor (its error list).
    #[prop_or_default]
    pub described_by: Option<AttrValue>,
    #[prop_or_default]
    pub invalid: bool,
}

const MAX_SUGGESTIONS: usize = 8;
/// Texts longer than this are shown without colours (the text area's own
/// text): callers need not compute paints for them.
pub const PLAIN_ABOVE: usize = 512 * 1024;
/// Texts longer than this are not put in the text area: Chromium's own
/// layout of a text area holding 2 MB (65,000 lines) is over a second. Such
/// a text is summarised; pasting into the empty box replaces it.
pub const SUMMARY_ABOVE: usize = 512 * 1024;
/// Pastes longer than this are put in the text area as its value, not by
/// the browser's paste: Chromium's paste makes an element (`<br>`) of every
/// line break inside the text area, and its style and layout of a 5,000-line
/// paste, again after every change around it, took 80–160 ms.
const PASTE_AS_VALUE_ABOVE: usize = 16 * 1024;
/// The height of a line in pixels: `--code-line` in `static/style.css`.
const LINE_PX: f64 = 20.0;
/// Lines drawn above and below the ones in view, so scrolling a little
/// redraws nothing.
const MARGIN: usize = 40;
/// Lines drawn before the text area has scrolled: more than any editor shows at once.
const FIRST_VIEW: usize = 120;

#[component]
pub fn CodeEditor(props: &CodeEditorProps) -> Html {
    let textarea = use_node_ref();
    // Compared before re-rendering: most keys leave both as they were.
    let caret = use_state_eq(|| None::<usize>);
    let popup = use_state_eq(|| None::<(CompletionQuery, usize)>);
    // A caret position to restore after the next render (after accepting a completion).
    let pending_caret = use_mut_ref(|| None::<u32>);
    // The text area is not re-set from `value` on every render: Yew may render
    // a value from a few keystrokes ago after the user typed on, and writing
    // it back would drop what was typed. A value this editor emitted itself is
    // skipped; any other (undo, format, the builder) is written in. The list
    // is cleared when focus leaves or an undo key is pressed, so undoing back
    // to an earlier typed value still shows.
    let emitted = use_mut_ref(Vec::<Fingerprint>::new);
    {
        let textarea = textarea.clone();
        let emitted = emitted.clone();
        use_effect_with(props.value.clone(), move |value| {
            if !emitted.borrow().contains(&fingerprint(value)) {
                emitted.borrow_mut().clear();
                // A summarised text leaves the box empty, for a paste that replaces it.
                let shown = if value.len() > SUMMARY_ABOVE {
                    ""
                } else {
                    value.as_str()
                };
                if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
                    if area.value() != shown {
                        area.set_value(shown);
                    }
                }
            }
        });
    }
    let remember = {
        let emitted = emitted.clone();
        move |value: &str| {
            let mut list = emitted.borrow_mut();
            list.push(fingerprint(value));
            if list.len() > 64 {
                list.remove(0);
            }
        }
    };
    // The text area's scroll offset (top, left) in pixels; the layer and the
    // gutter follow it by a transform set straight on the page, not by a render.
    // The second is the offset last applied to the drawn lines.
    let scroll = use_mut_ref(|| Cell::new(((0, 0), None::<(i32, i32)>)));
    let layer_lines = use_node_ref();
    let gutter_lines = use_node_ref();
    // The lines drawn: the ones in view and a margin around them.
    let view = use_state(|| 0..FIRST_VIEW);

    let text: &str = props.value.as_str();
    let starts = use_memo(props.value.clone(), |value| line_starts(value));
    let suggestions: Vec<Completion> = match &*popup {
        Some((query, _)) => matching(&props.completions, query),
        None => Vec::new(),
    };
    let active = popup
        .as_ref()
        .map_or(0, |(_, a)| (*a).min(suggestions.len().saturating_sub(1)));

    {
        let textarea = textarea.clone();
        let pending_caret = pending_caret.clone();
        let scroll = scroll.clone();
        let layer_lines = layer_lines.clone();
        let gutter_lines = gutter_lines.clone();
        use_effect(move || {
            if let Some(pos) = pending_caret.borrow_mut().take() {
                if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
                    let _ = area.set_selection_range(pos, pos);
                }
            }
            // Lines drawn after the text area scrolled start where it is
            // scrolled to (setting the same offset again would only cost a
            // style pass, so it is skipped).
            let (offset, applied) = scroll.borrow().get();
            if applied != Some(offset) {
                follow_scroll(&layer_lines, &gutter_lines, offset);
                scroll.borrow().set((offset, Some(offset)));
            }
        });
    }

    let update_caret = {
        let caret = caret.clone();
        let large = props.value.len() > PLAIN_ABOVE;
        move |area: &HtmlTextAreaElement| {
            // Reading a large value back costs a full copy; plain mode shows no brackets.
            if large {
                return;
            }
            let value = area.value();
            caret.set(caret_of(area, &value));
        }
    };

    let oninput = {
        let on_change = props.on_change.clone();
        let remember = remember.clone();
        let popup = popup.clone();
        let completer = props.completer;
        let caret = caret.clone();
        let summarised = props.value.len() > SUMMARY_ABOVE;
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            // A summarised text is replaced by a paste or a drop, never by a stray key.
            if summarised
                && !matches!(
                    e.input_type().as_str(),
                    "insertFromPaste" | "insertFromDrop"
                )
            {
                area.set_value("");
                return;
            }
            let value = area.value();
            let at = caret_of(&area, &value);
            if value.len() <= PLAIN_ABOVE {
                caret.set(at);
            }
            let query = completer
                .zip(at)
                .and_then(|(complete, at)| (complete.0)(&value, at));
            popup.set(query.map(|q| (q, 0)));
            remember(&value);
            on_change.emit(value);
        })
    };
    let accept = {
        let on_change = props.on_change.clone();
        let remember = remember.clone();
        let popup = popup.clone();
        let pending_caret = pending_caret.clone();
        let textarea = textarea.clone();
        move |completion: &Completion, query: &CompletionQuery| {
            let Some(area) = textarea.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let value = area.value();
            let end = area
                .selection_start()
                .ok()
                .flatten()
                .map_or(value.len(), |p| utf16_to_byte(&value, p as usize));
            let start = query.start.min(end);
            let next = format!("{}{}{}", &value[..start], completion.insert, &value[end..]);
            let caret_at =
                value[..start].encode_utf16().count() + completion.insert.encode_utf16().count();
            *pending_caret.borrow_mut() = Some(caret_at as u32);
            popup.set(None);
            area.set_value(&next);
            remember(&next);
            on_change.emit(next);
        }
    };

    // A paste of megabytes never lands in the text area (see SUMMARY_ABOVE):
    // the new text is made here and the editor summarises it.
    let onpaste = {
        let on_change = props.on_change.clone();
        let remember = remember.clone();
        let summarised = props.value.len() > SUMMARY_ABOVE;
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            // Read as a JavaScript string: copying megabytes into the page's
            // memory is a task of its own, after this one.
            let Some(pasted) = e.clipboard_data().and_then(|data| {
                let get = js_sys::Reflect::get(&data, &"getData".into()).ok()?;
                let get: js_sys::Function = get.dyn_into().ok()?;
                get.call1(&data, &"text".into())
                    .ok()?
                    .dyn_into::<js_sys::JsString>()
                    .ok()
            }) else {
                return;
            };
            if (pasted.length() as usize) <= PASTE_AS_VALUE_ABOVE {
                return;
            }
            e.prevent_default();
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let value = if summarised {
                String::new()
            } else {
                area.value()
            };
            let at = |p: Result<Option<u32>, _>| {
                p.ok()
                    .flatten()
                    .map_or(value.len(), |p| utf16_to_byte(&value, p as usize))
            };
            let (start, end) = (at(area.selection_start()), at(area.selection_end()));
            let (start, end) = (start.min(end), end.max(start));
            if (pasted.length() as usize) <= SUMMARY_ABOVE {
                // One text node; the caret after the pasted text, as a paste leaves it.
                let pasted = String::from(pasted);
                let next = format!("{}{pasted}{}", &value[..start], &value[end..]);
                area.set_value(&next);
                // Setting the value leaves the caret at the end: moving it
                // there again would only force a layout of the whole text now.
                if end < value.len() {
                    let caret = (value[..start].encode_utf16().count()
                        + pasted.encode_utf16().count()) as u32;
                    let _ = area.set_selection_range(caret, caret);
                }
                remember(&next);
                // The editor's answer in a task of its own, after the browser's
                // layout of the pasted text.
                let on_change = on_change.clone();
                gloo::timers::callback::Timeout::new(0, move || on_change.emit(next)).forget();
                return;
            }
            area.set_value("");
            let (before, after) = (value[..start].to_string(), value[end..].to_string());
            let on_change = on_change.clone();
            gloo::timers::callback::Timeout::new(0, move || {
                let pasted = String::from(pasted);
                on_change.emit(format!("{before}{pasted}{after}"));
            })
            .forget();
        })
    };
    let on_clear = {
        let on_change = props.on_change.clone();
        Callback::from(move |_: MouseEvent| on_change.emit(String::new()))
    };

    let onkeydown = {
        let popup = popup.clone();
        let accept = accept.clone();
        let completions = props.completions.clone();
        let completer = props.completer;
        let emitted = emitted.clone();
        Callback::from(move |e: KeyboardEvent| {
            if (e.ctrl_key() || e.meta_key())
                && matches!(e.key().to_lowercase().as_str(), "z" | "y")
            {
                emitted.borrow_mut().clear();
            }
            let Some(open) = (*popup).clone() else { return };
            // Work from the text as it is now, not as of the last render: keys
            // can arrive faster than the page re-renders.
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let value = area.value();
            let at = area
                .selection_start()
                .ok()
                .flatten()
                .map(|p| utf16_to_byte(&value, p as usize));
            let Some(query) = completer
                .zip(at)
                .and_then(|(complete, at)| (complete.0)(&value, at))
            else {
                return;
            };
            let suggestions = matching(&completions, &query);
            if suggestions.is_empty() {
                return;
            }
            let active = if open.0.prefix == query.prefix {
                open.1.min(suggestions.len() - 1)
            } else {
                0
            };
            match e.key().as_str() {
                "ArrowDown" => {
                    e.prevent_default();
                    popup.set(Some((query, (active + 1) % suggestions.len())));
                }
                "ArrowUp" => {
                    e.prevent_default();
                    popup.set(Some((
                        query,
                        (active + suggestions.len() - 1) % suggestions.len(),
                    )));
                }
                "Enter" | "Tab" => {
                    e.prevent_default();
                    accept(&suggestions[active], &query);
                }
                "Escape" => {
                    e.prevent_default();
                    popup.set(None);
                }
                _ => {}
            }
        })
    };

    let onselect = {
        let update_caret = update_caret.clone();
        Callback::from(move |e: Event| update_caret(&e.target_unchecked_into()))
    };
    let onkeyup = {
        let update_caret = update_caret.clone();
        Callback::from(move |e: KeyboardEvent| update_caret(&e.target_unchecked_into()))
    };
    let onclick = {
        let update_caret = update_caret.clone();
        let popup = popup.clone();
        Callback::from(move |e: MouseEvent| {
            popup.set(None);
            update_caret(&e.target_unchecked_into());
        })
    };
    let onblur = {
        let popup = popup.clone();
        let emitted = emitted.clone();
        Callback::from(move |_: FocusEvent| {
            emitted.borrow_mut().clear();
            popup.set(None);
        })
    };
    let onscroll = {
        let scroll = scroll.clone();
        let layer_lines = layer_lines.clone();
        let gutter_lines = gutter_lines.clone();
        let view = view.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let offset = (area.scroll_top(), area.scroll_left());
            scroll.borrow().set((offset, Some(offset)));
            follow_scroll(&layer_lines, &gutter_lines, offset);
            let first = (f64::from(offset.0.max(0)) / LINE_PX) as usize;
            let shown = (f64::from(area.client_height().max(0)) / LINE_PX).ceil() as usize + 1;
            if first < view.start || first + shown > view.end {
                view.set(first.saturating_sub(MARGIN)..first + shown + MARGIN);
            }
        })
    };

    // Past this size the coloured layer costs more than it gives: the text
    // area shows its own text instead.
    let plain = text.len() > PLAIN_ABOVE;
    let summarised = text.len() > SUMMARY_ABOVE;
    let line_count = starts.len();
    let drawn = view.start.min(line_count)..view.end.min(line_count);
    let bracket = use_memo((props.value.clone(), *caret), |(value, caret)| {
        caret.and_then(|at| matching_bracket(value, at))
    });
    let layer_html = if plain || summarised {
        Html::default()
    } else {
        let mut paints: Vec<&Paint> = Vec::new();
        let bracket_paints: Vec<Paint> = bracket
            .iter()
            .flat_map(|&(a, b)| {
                [
                    Paint::new(a..a + 1, "bracket-match"),
                    Paint::new(b..b + 1, "bracket-match"),
                ]
            })
            .collect();
        paints.extend(props.paints.iter());
        paints.extend(bracket_paints.iter());
        draw_lines(text, &starts, drawn.clone(), &paints)
    };
    let ((top, left), _) = scroll.borrow().get();
    let (caret_line, caret_col) = match &*popup {
        Some((query, _)) => line_col(text, &starts, query.start),
        None => (0, 0),
    };
    let popup_html = (!suggestions.is_empty()).then(|| {
        let query = popup.as_ref().map(|(q, _)| q.clone()).expect("popup is open");
        let items = suggestions.iter().enumerate().map(|(i, s)| {
            let onmousedown = {
                let accept = accept.clone();
                let s = s.clone();
                let query = query.clone();
                Callback::from(move |e: MouseEvent| {
                    // Keep focus in the text area while choosing with the mouse.
                    e.prevent_default();
                    accept(&s, &query);
                })
            };
            html! {
                <li role="option" aria-selected={(i == active).to_string()}
                    class={classes!((i == active).then_some("active"))} {onmousedown}>
                    <span class="completion-label">{ &s.label }</span>
                    <span class="completion-detail">{ &s.detail }</span>
                </li>
            }
        });
        // Under the caret's line, where the text area is scrolled to.
        html! {
            <ul class="completions" role="listbox" aria-label="Suggestions" tabindex="-1"
                style={format!("top: calc({} * var(--code-line) + 10px - {top}px); left: calc({}ch + 12px - {left}px)", caret_line + 1, caret_col)}>
                { for items }
            </ul>
        }
    });
    let skip = |lines: usize| {
        html! { <div class="code-skip" style={format!("height: calc({lines} * var(--code-line))")}></div> }
    };
    let digits = line_count.to_string().len();

    let summary = summarised.then(|| {
        html! {
            <p class="code-summary" data-testid="code-summary">
                { format!("{}: {} MB, {} lines, too large to edit here. Paste into the box below to replace it, or ",
                    props.label, megabytes(text.len() as u64), thousands(line_count as u64)) }
                <button type="button" class="button small" onclick={on_clear}>{ "clear it" }</button>{ "." }
            </p>
        }
    });
    let drawn = if summarised { 0..0 } else { drawn };
    html! {
        <>
        { for summary }
        <div class={classes!("code-editor", props.invalid.then_some("invalid"), plain.then_some("plain"))}>
            <div class="code-gutter" aria-hidden="true" style={format!("min-width: max(3.2em, calc({digits}ch + 19px))")}>
                <div class="code-lines" ref={gutter_lines}>
                    { skip(drawn.start) }
                    { gutter_text(drawn.clone()) }
                </div>
            </div>
            <div class="code-area">
                <pre class="code-layer" aria-hidden="true">
                    <div class="code-lines" ref={layer_lines}>
                        { skip(drawn.start) }
                        { layer_html }
                    </div>
                </pre>
                <textarea
                    ref={textarea}
                    class="code-input"
                    aria-label={props.label.clone()}
                    aria-describedby={props.described_by.clone()}
                    aria-invalid={props.invalid.then_some("true")}
                    aria-autocomplete={props.completer.map(|_| "list")}
                    rows={props.rows.to_string()}
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    placeholder={if summarised { AttrValue::Static("Paste here to replace the whole text") } else { props.placeholder.clone() }}
                    {oninput} {onpaste} {onkeydown} {onkeyup} {onclick} {onselect} {onblur} {onscroll}
                />
                // A wrapper that is always there keeps the text area's place in
                // the list stable; otherwise Yew would rebuild it (losing the
                // text and caret) when the popup appears.
                <div class="completions-anchor">{ for popup_html }</div>
            </div>
        </div>
        </>
    }
}

/// Moves the drawn lines (layer and gutter) to the text area's scroll offset.
/// Set on the page directly: Yew never renders these elements' `style`.
fn follow_scroll(layer: &NodeRef, gutter: &NodeRef, (top, left): (i32, i32)) {
    if let Some(lines) = layer.cast::<web_sys::Element>() {
        let _ = lines.set_attribute(
            "style",
            &format!("transform: translate({}px, {}px)", -left, -top),
        );
    }
    if let Some(lines) = gutter.cast::<web_sys::Element>() {
        let _ = lines.set_attribute("style", &format!("transform: translateY({}px)", -top));
    }
}

/// The caret's byte offset in `value`, the text area's current text.
fn caret_of(area: &HtmlTextAreaElement, value: &str) -> Option<usize> {
    area.selection_start()
        .ok()
        .flatten()
        .map(|p| utf16_to_byte(value, p as usize))
}

/// Where each line starts, in bytes: the first is 0, one more after every `\n`.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The lines `lines` of the text, each coloured by the paints that cover it,
/// one per row of the layer. Paints elsewhere in the text cost one
/// comparison each.
fn draw_lines(text: &str, starts: &[usize], lines: Range<usize>, paints: &[&Paint]) -> Html {
    if lines.is_empty() {
        return Html::default();
    }
    let line_end = |i: usize| starts.get(i + 1).map_or(text.len(), |&s| s - 1);
    let per_line = paints_by_line(text, starts, lines.clone(), paints);
    // An empty diagnostic span (e.g. "expected `)` at end") still needs a
    // visible mark: at the end of the text, as it says.
    let last = lines.end == starts.len();
    let eof = last
        && paints
            .iter()
            .any(|p| p.range.is_empty() && p.range.start <= text.len());
    html! {
        <>
            { for lines.clone().zip(per_line).map(|(i, line_paints)| {
                html! { <>{ paint(&text[starts[i]..line_end(i)], &line_paints) }{ "\n" }</> }
            }) }
            if eof { <span class="diag-eof">{ " " }</span> }
        </>
    }
}

/// The paints over each of `lines`, in offsets from the line's start; a
/// paint over several lines is cut at each line's end.
fn paints_by_line(
    text: &str,
    starts: &[usize],
    lines: Range<usize>,
    paints: &[&Paint],
) -> Vec<Vec<Paint>> {
    let line_end = |i: usize| starts.get(i + 1).map_or(text.len(), |&s| s - 1);
    let (from, to) = (starts[lines.start], line_end(lines.end - 1));
    let mut per_line: Vec<Vec<Paint>> = vec![Vec::new(); lines.len()];
    for p in paints {
        let (a, b) = (p.range.start, p.range.end);
        if a >= b || b <= from || a >= to.max(from + 1) {
            continue;
        }
        let first = starts.partition_point(|&s| s <= a.max(from)) - 1;
        for i in first.max(lines.start)..lines.end {
            let (s, e) = (starts[i], line_end(i));
            if s >= b {
                break;
            }
            per_line[i - lines.start].push(Paint {
                range: a.max(s) - s..b.min(e) - s,
                class: p.class,
                title: p.title.clone(),
            });
        }
    }
    per_line
}

/// Identifies a text without keeping a copy of it (texts may be megabytes).
type Fingerprint = (usize, u64);

fn fingerprint(text: &str) -> Fingerprint {
    // FNV-1a: fast and plenty to tell our own recent values apart.
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (text.len(), hash)
}

/// The numbers of the drawn lines as one text node.
fn gutter_text(lines: Range<usize>) -> String {
    lines
        .map(|i| (i + 1).to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Suggestions of the query's group whose label starts with the prefix
/// first, then those containing it.
fn matching(all: &[Completion], query: &CompletionQuery) -> Vec<Completion> {
    let needle = query.prefix.to_lowercase();
    let mut starts: Vec<Completion> = Vec::new();
    let mut contains: Vec<Completion> = Vec::new();
    for c in all {
        if query.group.is_some_and(|g| g != c.group) {
            continue;
        }
        let label = c.label.to_lowercase();
        if label == needle || label.contains(SCOPE) != needle.contains(SCOPE) {
            continue;
        }
        if label.starts_with(&needle) {
            starts.push(c.clone());
        } else if needle.len() >= 2 && label.contains(&needle) {
            contains.push(c.clone());
        }
    }
    starts.extend(contains);
    starts.truncate(MAX_SUGGESTIONS);
    starts
}

/// The text cut at every paint boundary, each piece wrapped in the classes that cover it.
fn paint(text: &str, paints: &[Paint]) -> Html {
    if paints.is_empty() {
        return html! { { text } };
    }
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for p in paints {
        cuts.push(p.range.start.min(text.len()));
        cuts.push(p.range.end.min(text.len()));
    }
    cuts.retain(|&c| text.is_char_boundary(c));
    sort(&mut cuts);
    cuts.dedup();
    // One sweep over the cuts with the paints open at each (a long body has
    // thousands of paints; testing each against each piece would be quadratic).
    let mut order: Vec<usize> = (0..paints.len())
        .filter(|&i| paints[i].range.start < paints[i].range.end)
        .collect();
    sort_by_key(&mut order, |&i| paints[i].range.start);
    let mut next = 0;
    let mut open: Vec<usize> = Vec::new();
    let pieces: Vec<Html> = cuts
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            open.retain(|&i| paints[i].range.end > a);
            while next < order.len() && paints[order[next]].range.start <= a {
                if paints[order[next]].range.end > a {
                    open.push(order[next]);
                }
                next += 1;
            }
            let piece = &text[a..b];
            if open.is_empty() {
                return html! { { piece } };
            }
            let mut covering = open.clone();
            sort(&mut covering);
            let class = covering
                .iter()
                .map(|&i| paints[i].class)
                .collect::<Vec<_>>()
                .join(" ");
            let title = covering.iter().find_map(|&i| paints[i].title.clone());
            html! { <span {class} {title}>{ piece }</span> }
        })
        .collect();
    html! { <>{ for pieces }</> }
}

/// The bracket at or just before the caret and its partner, skipping strings.
fn matching_bracket(text: &str, caret: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let at = [caret.checked_sub(1), Some(caret)]
        .into_iter()
        .flatten()
        .find(|&i| i < bytes.len() && b"()[]{}".contains(&bytes[i]))?;
    let in_string = hookwright_core::json::string_mask(text);
    if in_string[at] {
        return None;
    }
    let (open, close, forward) = match bytes[at] {
        b'(' => (b'(', b')', true),
        b'[' => (b'[', b']', true),
        b'{' => (b'{', b'}', true),
        b')' => (b'(', b')', false),
        b']' => (b'[', b']', false),
        _ => (b'{', b'}', false),
    };
    let mut depth = 0usize;
    let indices: Box<dyn Iterator<Item = usize>> = if forward {
        Box::new(at..bytes.len())
    } else {
        Box::new((0..=at).rev())
    };
    for i in indices {
        if in_string[i] {
            continue;
        }
        let b = bytes[i];
        if b == open || b == close {
            let opening = (b == open) == forward;
            if opening {
                depth += 1;
            } else {
                depth -= 1;
                if depth == 0 {
                    return Some((at.min(i), at.max(i)));
                }
            }
        }
    }
    None
}

/// 0-based line and column (in characters) of a byte offset.
fn line_col(text: &str, starts: &[usize], at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let line = starts.partition_point(|&s| s <= at).saturating_sub(1);
    let col = text
        .get(starts[line]..at)
        .map_or(0, |before| before.chars().count());
    (line, col)
}

/// The browser counts selection offsets in UTF-16 code units; the engine in bytes.
pub fn utf16_to_byte(text: &str, utf16: usize) -> usize {
    // Up to an ASCII caret a unit is a byte: a large rule's every key asked
    // this of the whole text before the caret, a character at a time.
    let prefix = utf16.min(text.len());
    if text.as_bytes()[..prefix].is_ascii() {
        return prefix;
    }
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_match_outside_strings() {
        let text = r#"(= a ")" (b))"#;
        assert_eq!(matching_bracket(text, 0), Some((0, 12)));
        assert_eq!(matching_bracket(text, 13), Some((0, 12)));
        assert_eq!(matching_bracket(text, 12), Some((9, 11)));
        assert_eq!(matching_bracket(text, 6), None);
    }

    #[test]
    fn lines_and_columns_come_from_line_starts() {
        let text = "ab\n\né😀x\n";
        let starts = line_starts(text);
        assert_eq!(starts, [0, 3, 4, 12]);
        assert_eq!(line_col(text, &starts, 0), (0, 0));
        assert_eq!(line_col(text, &starts, 3), (1, 0));
        assert_eq!(line_col(text, &starts, 10), (2, 2));
        assert_eq!(line_col(text, &starts, 11), (2, 3));
        assert_eq!(line_col(text, &starts, 12), (3, 0));
        assert_eq!(line_col(text, &starts, 99), (3, 0));
    }

    #[test]
    fn paints_are_cut_into_the_drawn_lines() {
        let text = "l0\nl1 \"two\nlines\"\nl3\nl4";
        let starts = line_starts(text);
        let string = Paint::new(6..18, "tok-str");
        let before = Paint::new(0..2, "tok-var");
        let after = Paint::new(25..27, "tok-var");
        let empty = Paint::new(8..8, "diag-error");
        let drawn = paints_by_line(text, &starts, 1..3, &[&before, &string, &after, &empty]);
        let ranges: Vec<Vec<(Range<usize>, &str)>> = drawn
            .iter()
            .map(|line| line.iter().map(|p| (p.range.clone(), p.class)).collect())
            .collect();
        // Line 1 is `l1 "two`, line 2 is `lines"`: the string is cut at the line break.
        assert_eq!(ranges, [vec![(3..7, "tok-str")], vec![(0..6, "tok-str")]]);
    }

    #[test]
    fn line_height_matches_the_stylesheet() {
        let css = include_str!("../../static/style.css");
        assert!(css.contains(&format!("--code-line: {LINE_PX}px")));
    }

    #[test]
    fn utf16_offsets_map_to_bytes() {
        assert_eq!(utf16_to_byte("a😀b", 3), 5);
        assert_eq!(utf16_to_byte("é", 1), 2);
        assert_eq!(utf16_to_byte("ab😀c", 2), 2);
        assert_eq!(utf16_to_byte("ab😀c", 4), 6);
        assert_eq!(utf16_to_byte("abc", 9), 3);
        assert_eq!(utf16_to_byte("", 0), 0);
    }

    #[test]
    fn suggestions_prefer_prefixes() {
        let all: Vec<Completion> = ["loan-status", "status-amount-due", "loan-id"]
            .iter()
            .map(|l| Completion {
                label: l.to_string(),
                detail: String::new(),
                insert: l.to_string(),
                group: if l.starts_with("loan") { "a" } else { "b" },
            })
            .collect();
        let query = |prefix: &str, group| CompletionQuery {
            start: 0,
            prefix: prefix.to_string(),
            group,
        };
        let labels =
            |q| -> Vec<String> { matching(&all, &q).into_iter().map(|c| c.label).collect() };
        assert_eq!(
            labels(query("sta", None)),
            ["status-amount-due", "loan-status"]
        );
        assert_eq!(labels(query("sta", Some("a"))), ["loan-status"]);
    }
}
