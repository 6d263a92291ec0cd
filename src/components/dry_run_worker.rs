//! The dry run's Web Worker (the `dryrun_worker` binary runs [`run_worker`]):
//! reads the portfolio Blob it is sent in 4 MB slices (`Blob.slice`), undoes
//! gzip, cuts records and evaluates them with the engine, posting progress
//! after each slice. A newer Start or a Cancel stops a run at its next slice.
//! The finished run's tables stay here; the page asks for windows of them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use hookwright_core::dryrun::{
    self, is_gzip, Evaluator, FileError, Gunzip, Options, Plan, Reader, Tally,
};
use hookwright_core::rule::Date;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, MessageEvent};

use super::dry_run_protocol::{DiffSummary, FromWorker, Progress, Store, TableKind, ToWorker};

/// Bytes read per slice of the file.
const SLICE: f64 = 4.0 * 1024.0 * 1024.0;

#[derive(Default)]
struct State {
    /// The run that may go on; older ones stop at their next slice.
    current: Cell<u32>,
    store: RefCell<Option<Store>>,
    /// The last finished run's portfolio key and fired ids, for the diff.
    previous: RefCell<Option<(String, String)>>,
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker, blob: Option<&Blob>) {
    let Ok(data) = serde_wasm_bindgen::to_value(message) else {
        return;
    };
    let envelope = Object::new();
    let _ = Reflect::set(&envelope, &"data".into(), &data);
    if let Some(blob) = blob {
        let _ = Reflect::set(&envelope, &"blob".into(), blob);
    }
    let _ = scope().post_message(&envelope);
}

fn text_blob(text: &str, mime: &str) -> Option<Blob> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_str_sequence_and_options(&parts, &options).ok()
}

/// Installs the message handler; called once by the worker's `main`.
pub fn run_worker() {
    let state = Rc::new(State::default());
    let handler = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let Ok(message) = Reflect::get(&data, &"data".into())
            .map_err(|_| ())
            .and_then(|m| serde_wasm_bindgen::from_value::<ToWorker>(m).map_err(|_| ()))
        else {
            return;
        };
        let blob = Reflect::get(&data, &"blob".into())
            .ok()
            .and_then(|b| b.dyn_into::<Blob>().ok());
        handle(&state, message, blob);
    });
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    post(&FromWorker::Ready, None);
}

fn handle(state: &Rc<State>, message: ToWorker, blob: Option<Blob>) {
    match message {
        ToWorker::Start {
            run,
            rule,
            today,
            id_field,
            items,
            key,
        } => {
            state.current.set(run);
            let Some(blob) = blob else { return };
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                start(&state, run, rule, today, id_field, items, key, blob).await;
            });
        }
        ToWorker::Cancel { run } => {
            if state.current.get() == run {
                state.current.set(run.wrapping_add(1_000_000));
            }
        }
        ToWorker::Rows {
            run,
            table,
            sort,
            filter,
            offset,
            limit,
        } => {
            let mut store = state.store.borrow_mut();
            if let Some(store) = store.as_mut().filter(|s| s.run == run) {
                let (total, rows) = store.window(table, sort, &filter, offset, limit.min(500));
                post(
                    &FromWorker::Rows {
                        run,
                        table,
                        total,
                        offset,
                        rows,
                    },
                    None,
                );
            }
        }
        ToWorker::Export { run, table } => {
            let mut store = state.store.borrow_mut();
            if let Some(store) = store.as_mut().filter(|s| s.run == run) {
                let csv = store.csv(table);
                if let Some(blob) = text_blob(&csv, "text/csv") {
                    post(&FromWorker::Exported { run, table }, Some(&blob));
                }
            }
        }
        ToWorker::Generate { count } => {
            let text = dryrun::sample_portfolio(count as usize, 7);
            if let Some(blob) = text_blob(&text, "application/x-ndjson") {
                post(
                    &FromWorker::Generated {
                        name: format!("sample-portfolio-{count}.ndjson"),
                    },
                    Some(&blob),
                );
            }
        }
    }
}

fn now() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

#[allow(clippy::too_many_arguments)]
async fn start(
    state: &State,
    run: u32,
    rule: String,
    today: String,
    id_field: String,
    items: Vec<String>,
    key: String,
    blob: Blob,
) {
    let today = if today.trim().is_empty() {
        None
    } else {
        match today.trim().parse::<Date>() {
            Ok(d) => Some(d),
            Err(e) => {
                post(
                    &FromWorker::Failed {
                        run,
                        message: format!("Evaluate as of: {e}"),
                    },
                    None,
                );
                return;
            }
        }
    };
    let options = Options {
        today,
        id_field: id_field.clone(),
        keep_rows: true,
        max_errors: 100_000,
        max_near_misses: 1_000_000,
        items,
    };
    let plan = match Plan::new(&rule, options) {
        Ok(plan) => plan,
        Err(errors) => {
            let message = errors
                .first()
                .map(|e| format!("The rule does not compile: {e}"))
                .unwrap_or_default();
            post(&FromWorker::Failed { run, message }, None);
            return;
        }
    };
    let started = now();
    let total = blob.size();
    let mut reader = Reader::new();
    let mut gunzip: Option<Gunzip> = None;
    let mut evaluator = Evaluator::new(&plan);
    let mut tally = plan.tally();
    let mut offset = 0.0;
    let mut progress = Progress {
        run,
        total_bytes: total,
        ..Progress::default()
    };
    let outcome: Result<(), FileError> = async {
        // The next slice is asked for before this one is evaluated, so reading
        // the file overlaps the work.
        let read = |from: f64| -> Result<JsFuture, FileError> {
            let slice = blob
                .slice_with_f64_and_f64(from, (from + SLICE).min(total))
                .map_err(|_| FileError("the browser could not slice the file".into()))?;
            Ok(JsFuture::from(slice.array_buffer()))
        };
        let mut next = (total > 0.0).then(|| read(0.0)).transpose()?;
        while offset < total {
            let end = (offset + SLICE).min(total);
            let Some(pending) = next.take() else { break };
            let buffer = pending
                .await
                .map_err(|_| FileError("the browser could not read the file".into()))?;
            if state.current.get() != run {
                return Ok(());
            }
            if end < total {
                next = Some(read(end)?);
            }
            let work = now();
            let bytes = Uint8Array::new(&buffer).to_vec();
            if offset == 0.0 && is_gzip(&bytes) {
                gunzip = Some(Gunzip::new());
            }
            match &mut gunzip {
                Some(g) => {
                    for piece in bytes.chunks(64 << 10) {
                        let out = g.push(piece)?;
                        let batch = reader.feed(&out)?;
                        tally.merge(evaluator.batch(&batch), plan.options());
                    }
                }
                None => {
                    let batch = reader.feed(&bytes)?;
                    tally.merge(evaluator.batch(&batch), plan.options());
                }
            }
            offset = end;
            progress.work_ms += now() - work;
            progress.bytes = offset;
            progress.loans = tally.loans as f64;
            progress.fired = tally.fired as f64;
            progress.errors = tally.error_count as f64;
            progress.elapsed_ms = now() - started;
            post(&FromWorker::Progress(progress.clone()), None);
        }
        if let Some(g) = gunzip.take() {
            let out = g.finish()?;
            let batch = reader.feed(&out)?;
            tally.merge(evaluator.batch(&batch), plan.options());
        }
        let batch = reader.finish()?;
        tally.merge(evaluator.batch(&batch), plan.options());
        Ok(())
    }
    .await;
    if state.current.get() != run {
        return;
    }
    if let Err(e) = outcome {
        post(&FromWorker::Failed { run, message: e.0 }, None);
        return;
    }
    finish(
        state, run, &plan, tally, &reader, &key, &id_field, progress, started,
    );
}

#[allow(clippy::too_many_arguments)]
fn finish(
    state: &State,
    run: u32,
    plan: &Plan,
    tally: Tally,
    reader: &Reader,
    key: &str,
    id_field: &str,
    mut progress: Progress,
    started: f64,
) {
    let fired_ids = tally.fired_ids.clone();
    let format = reader.format().map_or("?", |f| f.label());
    let variables = plan.variables().to_vec();
    let report = plan.report(tally);
    let (store, mut summary) = Store::new(run, report, format, &variables, id_field);
    let previous = state
        .previous
        .borrow_mut()
        .replace((key.to_string(), fired_ids.clone()));
    if let Some((previous_key, previous_ids)) = previous.filter(|(k, _)| k == key) {
        let d = dryrun::diff(previous_ids.lines(), fired_ids.lines());
        summary.diff = Some(DiffSummary {
            newly_firing: d.newly_firing.len() as f64,
            no_longer_firing: d.no_longer_firing.len() as f64,
            newly_ids: d.newly_firing.into_iter().take(100).collect(),
            no_longer_ids: d.no_longer_firing.into_iter().take(100).collect(),
        });
        let _ = previous_key;
    }
    progress.elapsed_ms = now() - started;
    progress.loans = summary.loans;
    progress.fired = summary.fired;
    progress.errors = summary.errors;
    summary.progress = progress;
    *state.store.borrow_mut() = Some(store);
    post(
        &FromWorker::Done {
            run,
            summary: Box::new(summary),
        },
        None,
    );
}

/// The CSV file name of an export.
pub fn export_name(table: TableKind) -> &'static str {
    table.file_name()
}
