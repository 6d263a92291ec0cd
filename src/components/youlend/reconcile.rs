//! The Reconcile view: paste, drop or pick a batch of YouLend events and see what became of each
//! settlement, which payments were manual, what was dropped as a repeat and which lines could not
//! be read. Large batches are read in slices between which the page yields to the browser, so
//! typing, scrolling and Cancel keep working while 100,000 events are read.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use hookwright_core::youlend::reconcile::Report;
use hookwright_core::youlend::{Progress, Reading};
use web_sys::{DragEvent, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use super::sample;
use super::table::DataTable;
use super::table::TableData;
use super::tables::{self, Tables};
use crate::services::files;

/// How long one slice of reading may hold the page before yielding: well under a frame budget
/// of 100 ms, long enough that the cost of yielding stays small.
const SLICE_MS: f64 = 30.0;
/// Events read between two looks at the clock.
const STEP: usize = 128;
/// Table rows built between two looks at the clock.
const ROWS: usize = 1024;

pub struct Outcome {
    pub source: String,
    pub bytes: usize,
    pub report: Report,
    pub tables: Tables,
    pub millis: f64,
}

#[derive(Clone)]
enum Run {
    Idle,
    Loading { source: String },
    Reading { source: String, progress: Progress },
    Done(Rc<Outcome>),
    Cancelled { source: String, events_read: usize },
    Failed { source: String, reason: String },
}

/// Starts a run; any earlier one stops at its next slice (its generation is no longer current).
type Generation = Rc<RefCell<u64>>;

fn next_generation(generation: &Generation) -> u64 {
    let mut g = generation.borrow_mut();
    *g += 1;
    *g
}

fn now() -> f64 {
    gloo::utils::window()
        .performance()
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Reads `input` slice by slice, yielding to the browser between slices, then reports.
fn start(input: Vec<u8>, source: String, run: UseStateSetter<Run>, generation: Generation) {
    let id = next_generation(&generation);
    let current = move || *generation.borrow() == id;
    spawn_local(async move {
        let started = now();
        let bytes = input.len();
        let mut reading = Reading::new(&input);
        loop {
            let slice = now();
            let mut done = false;
            while !done && now() - slice < SLICE_MS {
                done = reading.step(STEP);
            }
            if !current() {
                return;
            }
            run.set(Run::Reading {
                source: source.clone(),
                progress: reading.progress(),
            });
            if done {
                break;
            }
            sleep(Duration::ZERO).await;
            if !current() {
                return;
            }
        }
        // The rest is done in pieces too, each well under 100 ms for 100,000 events.
        macro_rules! pause {
            () => {
                sleep(Duration::ZERO).await;
                if !current() {
                    return;
                }
            };
        }
        while reading.finish_step() {
            pause!();
        }
        let report = reading.finish();
        pause!();
        let mut built = Vec::with_capacity(6);
        for mut pending in [
            tables::settlements(&report),
            tables::payments(&report),
            tables::manual_payments(&report),
            tables::loans(&report),
            tables::loan_repayments(&report),
            tables::errors(&report),
        ] {
            let mut done = false;
            while !done {
                let slice = now();
                while !done && now() - slice < SLICE_MS {
                    let before = pending.table.rows.len();
                    pending.table.rows.extend(pending.rows.by_ref().take(ROWS));
                    done = pending.table.rows.len() - before < ROWS;
                }
                if !done {
                    pause!();
                }
            }
            built.push(TableData(Rc::new(pending.table)));
        }
        let mut built = built.into_iter();
        let mut next = || built.next().expect("six tables");
        let tables = Tables {
            settlements: next(),
            payments: next(),
            manual_payments: next(),
            loans: next(),
            loan_repayments: next(),
            errors: next(),
        };
        run.set(Run::Done(Rc::new(Outcome {
            source,
            bytes,
            report,
            tables,
            millis: now() - started,
        })));
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
    let run = use_state(|| Run::Idle);
    let generation: Generation = use_mut_ref(|| 0);
    let batch = use_node_ref();
    let dragging = use_state(|| false);
    let paste_error = use_state(|| None::<&'static str>);

    // Leaving the view stops a run in progress.
    {
        let generation = generation.clone();
        use_effect_with((), move |_| {
            move || {
                next_generation(&generation);
            }
        });
    }

    let begin = {
        let run = run.setter();
        let generation = generation.clone();
        Callback::from(move |(input, source): (Vec<u8>, String)| {
            run.set(Run::Reading {
                source: source.clone(),
                progress: Progress {
                    bytes_read: 0,
                    bytes_total: input.len(),
                    events_read: 0,
                },
            });
            start(input, source, run.clone(), generation.clone());
        })
    };
    let read_file = {
        let begin = begin.clone();
        let run = run.setter();
        let generation = generation.clone();
        Callback::from(move |file: web_sys::File| {
            let id = next_generation(&generation);
            let source = file.name();
            run.set(Run::Loading {
                source: source.clone(),
            });
            let begin = begin.clone();
            let run = run.clone();
            let generation = generation.clone();
            spawn_local(async move {
                let bytes = files::read_bytes(&file).await;
                if *generation.borrow() != id {
                    return;
                }
                match bytes {
                    Ok(bytes) => begin.emit((bytes, source)),
                    Err(reason) => run.set(Run::Failed { source, reason }),
                }
            });
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
            let text = area.value();
            if text.trim().is_empty() {
                paste_error.set(Some(
                    "Paste some events first, or choose a file, or load the sample batch.",
                ));
                let _ = area.focus();
                return;
            }
            paste_error.set(None);
            begin.emit((text.into_bytes(), "pasted events".to_string()));
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
                begin.emit((handoff.text.as_bytes().to_vec(), handoff.source.clone()));
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
            begin.emit((
                sample::BATCH.as_bytes().to_vec(),
                sample::FILE_NAME.to_string(),
            ));
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
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let dragging = dragging.clone();
        let read_file = read_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = files::dropped(e.data_transfer()) {
                read_file.emit(file);
            }
        })
    };
    let on_cancel = {
        let run = run.clone();
        let generation = generation.clone();
        Callback::from(move |_: MouseEvent| {
            next_generation(&generation);
            let (source, events_read) = match &*run {
                Run::Reading { source, progress } => (source.clone(), progress.events_read),
                Run::Loading { source } => (source.clone(), 0),
                _ => return,
            };
            run.set(Run::Cancelled {
                source,
                events_read,
            });
        })
    };

    let busy = matches!(*run, Run::Loading { .. } | Run::Reading { .. });
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
            <section class={classes!("panel", "intake", dragging.then_some("dragging"))}
                aria-labelledby="intake-title"
                ondragover={on_drag_over.clone()} ondragenter={on_drag_over}
                ondragleave={on_drag_leave} ondrop={on_drop}>
                <h3 id="intake-title">{ "Events" }</h3>
                <label class="field" for="batch-input">
                    <span>{ "Paste a batch: a JSON array of events, or one event per line (NDJSON)" }</span>
                    <textarea id="batch-input" ref={batch} rows="7" spellcheck="false" class="mono"
                        placeholder={"{\"EventCode\":\"LOA10055\",\"EventProperties\":{…}}\n{\"EventCode\":\"LOA10040\",\"EventProperties\":{…}}"}
                        aria-describedby="batch-help" onkeydown={on_batch_key}
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
            { status(&run, on_cancel) }
            if let Run::Done(outcome) = &*run {
                { results(outcome) }
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
        Run::Loading { source } => html! {
            <div class="panel progress-panel" role="status">
                <span>{ format!("Opening {source}…") }</span>
                <button type="button" class="button" onclick={on_cancel}>{ "Cancel" }</button>
            </div>
        },
        Run::Reading { source, progress } => {
            let percent = (progress.bytes_read as u64 * 100)
                .checked_div(progress.bytes_total as u64)
                .unwrap_or(100);
            html! {
                <div class="panel progress-panel" data-testid="reconcile-progress">
                    <label for="reconcile-progress">
                        if percent < 100 {
                            { format!("Reading {source}: {} events read ({percent}%)", group(progress.events_read)) }
                        } else {
                            { format!("Matching the {} events read from {source}…", group(progress.events_read)) }
                        }
                    </label>
                    <progress id="reconcile-progress" max={progress.bytes_total.max(1).to_string()}
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
                { format!("Stopped reading {source} after {} events. Nothing was reconciled; run it again when ready.", group(*events_read)) }
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

fn results(outcome: &Outcome) -> Html {
    let s = &outcome.report.summary;
    let t = &outcome.tables;
    let card = |label: &'static str, value: usize, tone: &'static str, testid: &'static str| {
        html! {
            <div class={classes!("stat", (value > 0).then_some(tone))}>
                <dt>{ label }</dt>
                <dd data-testid={testid} data-value={value.to_string()}>{ group(value) }</dd>
            </div>
        }
    };
    html! {
        <div class="results" data-testid="reconcile-results"
            data-elapsed-ms={format!("{:.0}", outcome.millis)}>
            <section class="panel summary" aria-labelledby="summary-title">
                <h3 id="summary-title">{ "Summary" }</h3>
                <p class="hint" role="status">
                    { format!("Reconciled {} events from {} ({}) in {} ms.",
                        group(s.events + s.duplicates + s.errors), outcome.source, size(outcome.bytes), group(outcome.millis.round() as usize)) }
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
            <DataTable id="settlements" title="Settlements (LOA10055)" table={t.settlements.clone()}
                description="Each settlement's total against the sum of its payments to lenders, compared as exact decimals."
                empty="The batch holds no settlement (LOA10055)." />
            <DataTable id="payments" title="Payments to lenders" table={t.payments.clone()}
                description="Repaid when a repayment (LOA10040) carried the PaymentCorrelationId; pending otherwise. Amounts that differ are flagged."
                empty="No settlement in the batch lists payments to lenders." />
            <DataTable id="manual-payments" title="Manual payments" table={t.manual_payments.clone()}
                description="Repayments whose CorrelationId is empty or matches no PaymentCorrelationId in the batch: a merchant paid YouLend directly."
                empty="No manual payment: every repayment matches a settlement's payment to a lender." />
            <DataTable id="loans" title="Loans" table={t.loans.clone()}
                description="Every loan that received a repayment, with the principal remaining after its latest one."
                empty="No repayment (LOA10040) in the batch." />
            <DataTable id="loan-repayments" title="Repayments by loan" table={t.loan_repayments.clone()}
                description="Each loan's repayments in date order (times with offsets compared as instants)."
                empty="No repayment (LOA10040) in the batch." />
            <DataTable id="reconcile-errors" title="Unreadable lines" table={t.errors.clone()}
                description="Lines (or array elements) that are not JSON or not a readable event; everything else was still reconciled."
                empty="Every line was read." />
        </div>
    }
}

/// 100000 → "100,000".
pub fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
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
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(100_000), "100,000");
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(size(812), "812 bytes");
        assert_eq!(size(38_649_001), "38.6 MB");
        assert_eq!(size(1_500), "1.5 kB");
    }
}
