//! The Reconcile view: paste, drop or pick a batch of YouLend events and see what became of each
//! settlement, which payments were manual, what was dropped as a repeat and which lines could not
//! be read. The batch goes to a worker as a Blob (the `dryrun_worker` binary, an instance of its
//! own): it reads and reconciles it, reports progress and keeps the tables, so the page never
//! holds the batch or the report and never blocks, at any size; Cancel stops the worker.

use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Array, JsString, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, ClipboardEvent, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use super::sample;
use super::table::{DataTable, RowsWindow, TableHead, TableQuery};
use crate::components::dry_run_protocol::{FromWorker, ToWorker};
use crate::components::file_drop::use_file_drop;
use crate::components::worker_link::{Reply, WorkerLink};
use crate::services::{download, files};
use hookwright_core::dryrun::thousands;
use hookwright_core::youlend::reconcile::Summary;

/// Pasted batches larger than this go straight to the worker instead of into the text area,
/// whose own handling of megabytes would block the page.
const PASTE_DIRECT: u32 = 1_000_000;

pub struct Outcome {
    pub source: String,
    pub bytes: f64,
    pub summary: Summary,
    pub tables: Vec<Rc<TableHead>>,
    pub millis: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Progress {
    pub bytes_read: f64,
    pub bytes_total: f64,
    pub events_read: f64,
}

#[derive(Clone, Default)]
enum Run {
    #[default]
    Idle,
    Reading {
        source: String,
        progress: Progress,
    },
    Done(Rc<Outcome>),
    Cancelled {
        source: String,
        events_read: f64,
    },
    Failed {
        source: String,
        reason: String,
    },
}

#[derive(Clone, Default)]
struct View {
    /// Replies from older runs are ignored.
    id: u32,
    run: Run,
    /// The rows last sent for each table.
    windows: HashMap<usize, Rc<RowsWindow>>,
    /// Why the last export could not be saved.
    export_error: Option<String>,
}

enum Msg {
    Begin { source: String, bytes: f64 },
    Cancel,
    Reply(FromWorker),
    ExportFailed(String),
}

impl Reducible for View {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        match msg {
            Msg::Begin { source, bytes } => {
                next.id += 1;
                next.windows.clear();
                next.export_error = None;
                next.run = Run::Reading {
                    source,
                    progress: Progress {
                        bytes_total: bytes,
                        ..Progress::default()
                    },
                };
            }
            Msg::Cancel => {
                let Run::Reading { source, progress } = &self.run else {
                    return self;
                };
                next.id += 1;
                next.run = Run::Cancelled {
                    source: source.clone(),
                    events_read: progress.events_read,
                };
            }
            Msg::ExportFailed(why) => next.export_error = Some(why),
            Msg::Reply(reply) => match (reply, &self.run) {
                (
                    FromWorker::ReconcileProgress {
                        run,
                        bytes_read,
                        bytes_total,
                        events_read,
                    },
                    Run::Reading { source, .. },
                ) if run == self.id => {
                    next.run = Run::Reading {
                        source: source.clone(),
                        progress: Progress {
                            bytes_read,
                            bytes_total,
                            events_read,
                        },
                    };
                }
                (
                    FromWorker::Reconciled {
                        run,
                        summary,
                        tables,
                        millis,
                    },
                    Run::Reading { source, progress },
                ) if run == self.id => {
                    next.run = Run::Done(Rc::new(Outcome {
                        source: source.clone(),
                        bytes: progress.bytes_total,
                        summary,
                        tables: tables.into_iter().map(Rc::new).collect(),
                        millis,
                    }));
                }
                (FromWorker::ReconcileFailed { run, reason }, Run::Reading { source, .. })
                    if run == self.id =>
                {
                    next.run = Run::Failed {
                        source: source.clone(),
                        reason,
                    };
                }
                (FromWorker::ReconcileRows { run, window }, Run::Done(_)) if run == self.id => {
                    next.windows.insert(window.query.table, Rc::new(window));
                }
                _ => return self,
            },
        }
        Rc::new(next)
    }
}

/// UTF-16 units of text turned into a Blob at a time.
const PIECE: u32 = 1 << 20;

/// A JavaScript string as a Blob, a megabyte at a time with a pause for the browser between
/// pieces (making a Blob of 50 MB of text at once holds the page for a quarter of a second).
/// The text never passes through this page's wasm memory.
async fn text_blob(text: JsValue) -> Option<Blob> {
    let text: JsString = text.dyn_into().ok()?;
    let pieces = Array::new();
    let mut start = 0;
    while start < text.length() {
        let mut end = (start + PIECE).min(text.length());
        // Never between the two halves of a character outside the BMP.
        if end < text.length() && (0xD800..0xDC00).contains(&(text.char_code_at(end - 1) as u32)) {
            end -= 1;
        }
        let piece = text.slice(start, end);
        let blob = Blob::new_with_str_sequence(&Array::of1(&piece)).ok()?;
        pieces.push(&blob);
        start = end;
        if start < text.length() {
            sleep(Duration::ZERO).await;
        }
    }
    Blob::new_with_blob_sequence(&pieces).ok()
}

/// Whether a JavaScript string holds nothing but white space.
fn blank(text: &JsValue) -> bool {
    text.dyn_ref::<JsString>()
        .is_none_or(|t| t.trim().length() == 0)
}

/// Reconciles pasted text once it is a Blob.
fn paste_text(text: JsValue, begin: Callback<(Blob, String)>) {
    spawn_local(async move {
        if let Some(blob) = text_blob(text).await {
            begin.emit((blob, "pasted events".to_string()));
        }
    });
}

#[derive(Properties, PartialEq, Default)]
pub struct ReconcileViewProps {
    /// Deliveries from the Inbox to reconcile at once (a listener's NDJSON lines).
    #[prop_or_default]
    pub handoff: Option<crate::components::inbox::Handoff>,
}

#[component]
pub fn ReconcileView(props: &ReconcileViewProps) -> Html {
    let view = use_reducer(View::default);
    let batch = use_node_ref();
    let paste_error = use_state(|| None::<&'static str>);
    let worker = {
        let dispatcher = view.dispatcher();
        use_mut_ref(move || {
            WorkerLink::new(Callback::from(move |(reply, blob): Reply| {
                match (&reply, blob) {
                    (FromWorker::ReconcileExported { table, .. }, Some(blob)) => {
                        let name = format!("youlend-{}.csv", TABLES[*table].0);
                        if let Err(why) = download::save_blob(&name, &blob) {
                            dispatcher.dispatch(Msg::ExportFailed(format!(
                                "The CSV could not be saved: {why}"
                            )));
                        }
                    }
                    _ => dispatcher.dispatch(Msg::Reply(reply)),
                }
            }))
        })
        .borrow()
        .clone()
    };
    // Leaving the view stops the worker (and a run in progress) with it: `WorkerLink` is dropped.

    let busy = matches!(view.run, Run::Reading { .. });
    let begin = {
        let worker = worker.clone();
        let dispatcher = view.dispatcher();
        let id = view.id;
        Callback::from(move |(blob, source): (Blob, String)| {
            // A run in progress stops with its worker; the next one starts afresh.
            if busy {
                worker.stop();
            }
            dispatcher.dispatch(Msg::Begin {
                source: source.clone(),
                bytes: blob.size(),
            });
            if !worker.send(ToWorker::Reconcile { run: id + 1 }, Some(&blob)) {
                dispatcher.dispatch(Msg::Reply(FromWorker::ReconcileFailed {
                    run: id + 1,
                    reason: "this browser could not start a worker".into(),
                }));
            }
        })
    };
    let read_file = {
        let begin = begin.clone();
        Callback::from(move |file: web_sys::File| {
            let source = file.name();
            begin.emit((file.into(), source));
        })
    };
    let reconcile_pasted = {
        let batch = batch.clone();
        let begin = begin.clone();
        let paste_error = paste_error.clone();
        Callback::from(move |()| {
            let Some(area) = batch.cast::<HtmlTextAreaElement>() else {
                return;
            };
            // The text stays a JavaScript string on its way to a Blob.
            let text = Reflect::get(&area, &"value".into()).unwrap_or_default();
            if blank(&text) {
                paste_error.set(Some(
                    "Paste some events first, or choose a file, or load the sample batch.",
                ));
                let _ = area.focus();
                return;
            }
            paste_error.set(None);
            paste_text(text, begin.clone());
        })
    };
    // A huge paste skips the text area: the browser would take seconds to lay it out.
    let on_paste = {
        let begin = begin.clone();
        let paste_error = paste_error.clone();
        Callback::from(move |e: Event| {
            let Some(data) = e
                .dyn_ref::<ClipboardEvent>()
                .and_then(|e| e.clipboard_data())
            else {
                return;
            };
            let get = Reflect::get(&data, &"getData".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
            let Some(text) = get.and_then(|f| f.call1(&data, &"text".into()).ok()) else {
                return;
            };
            let large = text
                .dyn_ref::<JsString>()
                .is_some_and(|t| t.length() > PASTE_DIRECT);
            if large {
                e.prevent_default();
                paste_error.set(None);
                paste_text(text, begin.clone());
            }
        })
    };
    // Deliveries handed over by the Inbox: shown in the batch field and reconciled at once.
    {
        let batch = batch.clone();
        let begin = begin.clone();
        use_effect_with(props.handoff.clone(), move |handoff| {
            if let Some(handoff) = handoff {
                if let Some(area) = batch.cast::<HtmlTextAreaElement>() {
                    area.set_value(&handoff.text);
                }
                let text = JsValue::from_str(&handoff.text);
                let source = handoff.source.clone();
                let begin = begin.clone();
                spawn_local(async move {
                    if let Some(blob) = text_blob(text).await {
                        begin.emit((blob, source));
                    }
                });
            }
        });
    }
    let on_reconcile = {
        let reconcile_pasted = reconcile_pasted.clone();
        Callback::from(move |_: MouseEvent| reconcile_pasted.emit(()))
    };
    let on_batch_key = {
        let reconcile_pasted = reconcile_pasted.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                reconcile_pasted.emit(());
            }
        })
    };
    let on_sample = {
        let batch = batch.clone();
        let begin = begin.clone();
        let paste_error = paste_error.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = batch.cast::<HtmlTextAreaElement>() {
                area.set_value(sample::BATCH);
            }
            paste_error.set(None);
            let parts = Array::of1(&JsValue::from_str(sample::BATCH));
            if let Ok(blob) = Blob::new_with_str_sequence(&parts) {
                begin.emit((blob, sample::FILE_NAME.to_string()));
            }
        })
    };
    let on_pick = {
        let read_file = read_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = files::first(input.files()) {
                read_file.emit(file);
            }
            // Picking the same file again must run again.
            input.set_value("");
        })
    };
    let drop = use_file_drop(read_file);
    let on_cancel = {
        let worker = worker.clone();
        let dispatcher = view.dispatcher();
        Callback::from(move |_: MouseEvent| {
            worker.stop();
            dispatcher.dispatch(Msg::Cancel);
        })
    };
    let on_query = {
        let worker = worker.clone();
        let run = view.id;
        Callback::from(move |query: TableQuery| {
            worker.send(ToWorker::ReconcileRows { run, query }, None);
        })
    };
    let on_export = {
        let worker = worker.clone();
        let run = view.id;
        Callback::from(move |query: TableQuery| {
            worker.send(ToWorker::ReconcileExport { run, query }, None);
        })
    };

    html! {
        <div class="youlend-view reconcile-view">
            <header class="view-header">
                <h2>{ "Reconcile YouLend repayments" }</h2>
                <p class="hint">
                    { "Match settlements (LOA10055) with the repayments (LOA10040) that followed, find manual payments, \
                       drop YouLend's retried deliveries and see which lines could not be read. \
                       The batch is read in this page only; nothing is uploaded or stored." }
                </p>
            </header>
            <section class={classes!("panel", "intake", drop.dragging.then_some("dragging"))}
                aria-labelledby="intake-title"
                ondragover={drop.ondragover.clone()} ondragenter={drop.ondragover}
                ondragleave={drop.ondragleave} ondrop={drop.ondrop}>
                <h3 id="intake-title">{ "Events" }</h3>
                <label class="field" for="batch-input">
                    <span>{ "Paste a batch: a JSON array of events, or one event per line (NDJSON)" }</span>
                    <textarea id="batch-input" ref={batch} rows="7" spellcheck="false" class="mono"
                        placeholder={"{\"EventCode\":\"LOA10055\",\"EventProperties\":{…}}\n{\"EventCode\":\"LOA10040\",\"EventProperties\":{…}}"}
                        aria-describedby="batch-help" onkeydown={on_batch_key} onpaste={on_paste}
                        aria-invalid={paste_error.is_some().then_some("true")} />
                </label>
                if let Some(message) = *paste_error {
                    <p class="field-error" role="alert">{ message }</p>
                }
                <div class="actions">
                    <button type="button" class="button primary" onclick={on_reconcile} disabled={busy}
                        aria-keyshortcuts="Control+Enter Meta+Enter">{ "Reconcile" }</button>
                    <label class={classes!("button", "file-button", busy.then_some("disabled"))}>
                        { "Choose file…" }
                        <input type="file" class="visually-hidden" onchange={on_pick} disabled={busy}
                            accept=".json,.ndjson,.jsonl,.txt,.log,application/json,application/x-ndjson,text/plain" />
                    </label>
                    <button type="button" class="button" onclick={on_sample} disabled={busy}>{ "Load sample batch" }</button>
                    <span id="batch-help" class="hint">{ "Ctrl/⌘+Enter reconciles what is pasted. Or drop a file anywhere on this panel." }</span>
                </div>
            </section>
            { status(&view.run, on_cancel) }
            if let Some(why) = &view.export_error {
                <p class="field-error" role="alert">{ why }</p>
            }
            if let Run::Done(outcome) = &view.run {
                { results(outcome, &view.windows, &on_query, &on_export) }
            }
        </div>
    }
}

fn status(run: &Run, on_cancel: Callback<MouseEvent>) -> Html {
    match run {
        Run::Idle => html! {
            <div class="empty-state compact" data-testid="reconcile-empty">
                <h3>{ "No batch yet" }</h3>
                <p>{ "Paste events exported from your webhook logs, choose or drop a file, or press " }
                    <strong>{ "Load sample batch" }</strong>
                    { " to see a settlement split between lenders, a repaid and a pending payment, manual payments, a retried delivery and unreadable lines." }</p>
            </div>
        },
        Run::Reading { source, progress } => {
            let percent = (progress.bytes_read as u64 * 100)
                .checked_div(progress.bytes_total as u64)
                .unwrap_or(100);
            let events = thousands(progress.events_read as u64);
            html! {
                <div class="panel progress-panel" data-testid="reconcile-progress">
                    <label for="reconcile-progress">
                        if percent < 100 {
                            { format!("Reading {source}: {events} events read ({percent}%)") }
                        } else {
                            { format!("Matching the {events} events read from {source}…") }
                        }
                    </label>
                    <progress id="reconcile-progress" max={progress.bytes_total.max(1.0).to_string()}
                        value={progress.bytes_read.to_string()}>{ format!("{percent}%") }</progress>
                    <button type="button" class="button" onclick={on_cancel}>{ "Cancel" }</button>
                </div>
            }
        }
        Run::Cancelled {
            source,
            events_read,
        } => html! {
            <div class="panel notice-inline" role="status" data-testid="reconcile-cancelled">
                { format!("Stopped reading {source} after {} events. Nothing was reconciled; run it again when ready.", thousands(*events_read as u64)) }
            </div>
        },
        Run::Failed { source, reason } => html! {
            <div class="panel notice-inline bad" role="alert">
                { format!("{source} could not be read: {reason}") }
            </div>
        },
        Run::Done(_) => Html::default(),
    }
}

/// The report's tables, in the worker's order: id, title, description, what an empty one says.
const TABLES: [(&str, &str, &str, &str); 6] = [
    ("settlements", "Settlements (LOA10055)",
        "Each settlement's total against the sum of its payments to lenders, compared as exact decimals.",
        "The batch holds no settlement (LOA10055)."),
    ("payments", "Payments to lenders",
        "Repaid when a repayment (LOA10040) carried the PaymentCorrelationId; pending otherwise. Amounts that differ are flagged.",
        "No settlement in the batch lists payments to lenders."),
    ("manual-payments", "Manual payments",
        "Repayments whose CorrelationId is empty or matches no PaymentCorrelationId in the batch: a merchant paid YouLend directly.",
        "No manual payment: every repayment matches a settlement's payment to a lender."),
    ("loans", "Loans",
        "Every loan that received a repayment, with the principal remaining after its latest one.",
        "No repayment (LOA10040) in the batch."),
    ("loan-repayments", "Repayments by loan",
        "Each loan's repayments in date order (times with offsets compared as instants).",
        "No repayment (LOA10040) in the batch."),
    ("reconcile-errors", "Unreadable lines",
        "Lines (or array elements) that are not JSON or not a readable event; everything else was still reconciled.",
        "Every line was read."),
];

fn results(
    outcome: &Outcome,
    windows: &HashMap<usize, Rc<RowsWindow>>,
    on_query: &Callback<TableQuery>,
    on_export: &Callback<TableQuery>,
) -> Html {
    let s = &outcome.summary;
    let card = |label: &'static str, value: usize, tone: &'static str, testid: &'static str| {
        html! {
            <div class={classes!("stat", (value > 0).then_some(tone))}>
                <dt>{ label }</dt>
                <dd data-testid={testid} data-value={value.to_string()}>{ thousands(value as u64) }</dd>
            </div>
        }
    };
    html! {
        <div class="results" data-testid="reconcile-results"
            data-elapsed-ms={format!("{:.0}", outcome.millis)}>
            <section class="panel summary" aria-labelledby="summary-title">
                <h3 id="summary-title">{ "Summary" }</h3>
                <p class="hint" role="status">
                    { {
                        let read = (s.events + s.duplicates + s.errors) as u64;
                        format!("Reconciled {} event{} from {} ({}) in {} ms.", thousands(read), if read == 1 { "" } else { "s" },
                            outcome.source, size(outcome.bytes as usize), thousands(outcome.millis.round() as u64))
                    } }
                </p>
                <dl class="stats">
                    { card("Distinct events", s.events, "", "events") }
                    { card("Settlements", s.settlements, "", "settlement-count") }
                    { card("Unbalanced settlements", s.unbalanced_settlements, "bad", "unbalanced") }
                    { card("Lender payments repaid", s.repaid_payments, "ok", "repaid") }
                    { card("Lender payments pending", s.pending_payments, "warn", "pending") }
                    { card("Amount mismatches", s.amount_mismatches, "bad", "mismatches") }
                    { card("Manual payments", s.manual_payments, "warn", "manual") }
                    { card("Duplicates dropped", s.duplicates, "", "duplicates") }
                    { card("Other events", s.other_events, "", "other-events") }
                    { card("Unreadable lines", s.errors, "bad", "error-count") }
                </dl>
            </section>
            { for TABLES.iter().zip(&outcome.tables).enumerate().map(|(index, ((id, title, description, empty), head))| html! {
                <DataTable {id} {title} {description} {empty} {index} head={head.clone()}
                    window={windows.get(&index).cloned()} on_query={on_query.clone()} on_export={on_export.clone()} />
            }) }
        </div>
    }
}

/// A byte count for people: "812 bytes", "38.6 MB" (integer arithmetic, one decimal).
pub fn size(bytes: usize) -> String {
    let tenths = |unit: usize| {
        let t = (bytes * 10 + unit / 2) / unit;
        format!("{}.{}", t / 10, t % 10)
    };
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{} kB", tenths(1_000)),
        _ => format!("{} MB", tenths(1_000_000)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(size(812), "812 bytes");
        assert_eq!(size(38_649_001), "38.6 MB");
        assert_eq!(size(1_500), "1.5 kB");
    }
}
