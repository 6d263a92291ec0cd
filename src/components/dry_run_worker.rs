//! The dry run's Web Worker (the `dryrun_worker` binary runs [`run_worker`]):
//! streams the portfolio Blob it is sent (`Blob.stream()`, about a megabyte
//! at a time), undoes gzip, cuts records and evaluates them with the engine,
//! posting progress a few times a second. A newer Start or a Cancel stops a
//! run at its next chunk.
//! The finished run's tables stay here; the page asks for windows of them.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use hookwright_core::dryrun::{self, is_gzip, Evaluator, FileError, Gunzip, Plan, Reader, Tally};
use hookwright_core::youlend::reconcile::reconcile_with_progress;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, MessageEvent, ReadableStreamDefaultReader,
    Worker,
};

use super::dry_run_protocol::{
    attached_blob, pack, unpack, DiffSummary, FromWorker, Progress, RunSpec, Store, ToWorker,
};
use super::youlend::table::Table;
use super::youlend::tables::ReconcileStore;

/// Bytes of the file evaluated (or handed to a helper) at a time.
const CHUNK: usize = 1 << 20;
/// How often the page hears how far a run is.
const PROGRESS_MS: f64 = 100.0;

#[derive(Default)]
struct State {
    /// The run that may go on; older ones stop at their next slice.
    current: Cell<u32>,
    store: RefCell<Option<Store>>,
    /// The last finished run's portfolio key and fired ids, for the diff.
    previous: RefCell<Option<(String, String)>>,
    /// Helper workers (other cores) and what they owe the current run.
    helpers: RefCell<Vec<Helper>>,
    helpers_made: Cell<bool>,
    outstanding: Cell<u32>,
    results: RefCell<BTreeMap<u32, Tally>>,
    /// Resolves the promise the run awaits while helpers work.
    waiter: RefCell<Option<js_sys::Function>>,
    /// In a helper: the plan of the run its jobs belong to.
    plan: RefCell<Option<(u32, Rc<Plan>)>>,
    /// The last YouLend batch reconciled here, its tables for the page to page through.
    reconciled: RefCell<Option<ReconcileStore>>,
    /// In the analysis worker: the custom context and the request waiting for it.
    analysis: Rc<super::rule_analysis::Held>,
}

/// A helper worker; messages wait until it says it is ready.
struct Helper {
    worker: Worker,
    ready: bool,
    queue: Vec<(ToWorker, JsValue)>,
    _handler: Closure<dyn Fn(MessageEvent)>,
}

fn send_to(worker: &Worker, message: &ToWorker, bytes: &JsValue) {
    if let Some(envelope) = pack(message, Some(("bytes", bytes))) {
        let _ = worker.post_message_with_transfer(&envelope, &js_sys::Array::of1(bytes));
    }
}

/// Starts helpers for the other cores, once: by default one core is left
/// to the page and one is this worker's, at most 3 helpers.
fn ensure_helpers(state: &Rc<State>, asked: Option<u32>) {
    if state.helpers_made.replace(true) {
        return;
    }
    let cores = scope().navigator().hardware_concurrency() as usize;
    let count = asked.map_or(cores.saturating_sub(2).min(3), |n| n.min(8) as usize);
    for index in 0..count {
        let Ok(worker) = Worker::new(WORKER_URL) else {
            return;
        };
        let st = state.clone();
        let handler = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(message) = unpack::<FromWorker>(&event.data()) else {
                return;
            };
            match message {
                FromWorker::Ready => {
                    let mut helpers = st.helpers.borrow_mut();
                    if let Some(h) = helpers.get_mut(index) {
                        h.ready = true;
                        for (m, b) in h.queue.drain(..) {
                            send_to(&h.worker, &m, &b);
                        }
                    }
                }
                FromWorker::JobDone { run, seq, tally } if run == st.current.get() => {
                    st.results.borrow_mut().insert(seq, *tally);
                    st.outstanding.set(st.outstanding.get().saturating_sub(1));
                    if let Some(resolve) = st.waiter.borrow_mut().take() {
                        let _ = resolve.call0(&JsValue::NULL);
                    }
                }
                _ => {}
            }
        });
        worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        state.helpers.borrow_mut().push(Helper {
            worker,
            ready: false,
            queue: Vec::new(),
            _handler: handler,
        });
    }
}

/// Waits until a helper reports.
async fn next_result(state: &State) {
    let mut resolver = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| resolver = Some(resolve));
    *state.waiter.borrow_mut() = resolver;
    let _ = JsFuture::from(promise).await;
}

/// The worker script, for helpers started from this worker (same folder).
const WORKER_URL: &str = "./dryrun_worker_loader.js";

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

pub(super) fn post(message: &FromWorker, blob: Option<&Blob>) {
    if let Some(envelope) = pack(message, blob.map(|b| ("blob", b.as_ref()))) {
        let _ = scope().post_message(&envelope);
    }
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
        let Some(message) = unpack::<ToWorker>(&data) else {
            return;
        };
        if matches!(message, ToWorker::Job { .. }) {
            let bytes = Reflect::get(&data, &"bytes".into()).unwrap_or(JsValue::NULL);
            return job(&state, message, bytes);
        }
        handle(&state, message, attached_blob(&data, "blob"));
    });
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    post(&FromWorker::Ready, None);
}

/// In a helper: evaluates one job's lines and sends the tally back.
fn job(state: &State, message: ToWorker, bytes: JsValue) {
    let ToWorker::Job {
        run,
        seq,
        spec,
        first_line,
    } = message
    else {
        return;
    };
    let cached = state
        .plan
        .borrow()
        .as_ref()
        .filter(|(r, _)| *r == run)
        .map(|(_, p)| p.clone());
    let plan = match cached {
        Some(plan) => plan,
        None => {
            // The page's Start already read the date, so it reads here too.
            let Ok(options) = spec.options() else {
                return;
            };
            let Ok(plan) = Plan::new(&spec.rule, options) else {
                return;
            };
            let plan = Rc::new(plan);
            *state.plan.borrow_mut() = Some((run, plan.clone()));
            plan
        }
    };
    let text = Uint8Array::new(&bytes).to_vec();
    let batch = hookwright_core::dryrun::Batch::lines(text, first_line as u64);
    let tally = Evaluator::new(&plan).batch(&batch);
    post(
        &FromWorker::JobDone {
            run,
            seq,
            tally: Box::new(tally),
        },
        None,
    );
}

fn handle(state: &Rc<State>, message: ToWorker, blob: Option<Blob>) {
    match message {
        ToWorker::Start {
            run,
            spec,
            key,
            helpers,
        } => {
            state.current.set(run);
            let Some(blob) = blob else { return };
            ensure_helpers(state, helpers);
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                start(&state, run, spec, key, blob).await;
            });
        }
        ToWorker::Job { .. } => {}
        ToWorker::Analyse { .. } | ToWorker::SetContext { .. } | ToWorker::ContextSubset { .. } => {
            super::rule_analysis::in_worker(&state.analysis, message, blob)
        }
        ToWorker::Reconcile { run } => {
            let Some(blob) = blob else { return };
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move { reconcile(&state, run, blob).await });
        }
        ToWorker::ReconcileRows { run, query } => {
            let store = state.reconciled.borrow();
            if let Some(window) = store
                .as_ref()
                .filter(|s| s.run == run)
                .and_then(|s| s.window(&query))
            {
                post(&FromWorker::ReconcileRows { run, window }, None);
            }
        }
        ToWorker::ReconcileExport { run, query } => {
            let store = state.reconciled.borrow();
            let csv = store
                .as_ref()
                .filter(|s| s.run == run)
                .and_then(|s| s.csv(&query));
            if let Some(blob) = csv.and_then(|csv| text_blob(&csv, "text/csv;charset=utf-8")) {
                let table = query.table;
                post(&FromWorker::ReconcileExported { run, table }, Some(&blob));
            }
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

/// Reads and reconciles a YouLend batch, reporting progress a few times a second, and keeps
/// its tables. Nothing else runs here meanwhile: the page stops a run by stopping this worker.
async fn reconcile(state: &State, run: u32, blob: Blob) {
    let started = now();
    let Ok(buffer) = JsFuture::from(blob.array_buffer()).await else {
        let reason = "the browser could not read it".to_string();
        return post(&FromWorker::ReconcileFailed { run, reason }, None);
    };
    let input = Uint8Array::new(&buffer).to_vec();
    drop(buffer);
    let mut last = now();
    let report = reconcile_with_progress(&input, |p| {
        if now() - last >= PROGRESS_MS || p.bytes_read == p.bytes_total {
            last = now();
            let progress = FromWorker::ReconcileProgress {
                run,
                bytes_read: p.bytes_read as f64,
                bytes_total: p.bytes_total as f64,
                events_read: p.events_read as f64,
            };
            post(&progress, None);
        }
    });
    drop(input);
    let store = ReconcileStore::new(run, &report);
    let tables = store.tables.iter().map(Table::head).collect();
    *state.reconciled.borrow_mut() = Some(store);
    let summary = report.summary.clone();
    let millis = now() - started;
    post(
        &FromWorker::Reconciled {
            run,
            summary,
            tables,
            millis,
        },
        None,
    );
}

fn now() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

async fn start(state: &Rc<State>, run: u32, spec: RunSpec, key: String, blob: Blob) {
    let options = match spec.options() {
        Ok(options) => options,
        Err(message) => {
            post(&FromWorker::Failed { run, message }, None);
            return;
        }
    };
    let plan = match Plan::new(&spec.rule, options) {
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
    // NDJSON batches are shared round-robin between this worker and its
    // helpers; tallies merge in file order.
    state.outstanding.set(0);
    state.results.borrow_mut().clear();
    let helpers = state.helpers.borrow().len() as u32;
    struct Work<'e, 'p> {
        seq: u32,
        merged: u32,
        evaluator: &'e mut Evaluator<'p>,
    }
    let mut work = Work {
        seq: 0,
        merged: 0,
        evaluator: &mut evaluator,
    };
    let dispatch = |batch: hookwright_core::dryrun::Batch, work: &mut Work| {
        if batch.is_empty() {
            return;
        }
        let seq = work.seq;
        work.seq += 1;
        let target = seq % (helpers + 1);
        let batch = if target > 0 {
            match batch.into_lines() {
                Ok((text, first_line)) => {
                    let message = ToWorker::Job {
                        run,
                        seq,
                        spec: spec.clone(),
                        first_line: first_line as f64,
                    };
                    let bytes: JsValue = Uint8Array::from(text.as_slice()).buffer().into();
                    let mut all = state.helpers.borrow_mut();
                    let h = &mut all[(target - 1) as usize];
                    state.outstanding.set(state.outstanding.get() + 1);
                    if h.ready {
                        send_to(&h.worker, &message, &bytes);
                    } else {
                        h.queue.push((message, bytes));
                    }
                    return;
                }
                Err(batch) => batch,
            }
        } else {
            batch
        };
        let t = work.evaluator.batch(&batch);
        state.results.borrow_mut().insert(seq, t);
    };
    let merge = |tally: &mut Tally, work: &mut Work| {
        let mut results = state.results.borrow_mut();
        while let Some(t) = results.remove(&work.merged) {
            tally.merge(t, plan.options());
            work.merged += 1;
        }
    };
    let outcome: Result<(), FileError> = async {
        // The file streams in; the next chunk is asked for before this one is
        // evaluated, so reading overlaps the work.
        let stream = blob
            .stream()
            .get_reader()
            .unchecked_into::<ReadableStreamDefaultReader>();
        let unreadable = || FileError("the browser could not read the file".into());
        let mut next = Some(JsFuture::from(stream.read()));
        let mut chunks: Vec<Uint8Array> = Vec::new();
        let mut held = 0usize;
        let mut last_post = now();
        while let Some(pending) = next.take() {
            let result = pending.await.map_err(|_| unreadable())?;
            if state.current.get() != run {
                let _ = stream.cancel();
                return Ok(());
            }
            let done = Reflect::get(&result, &"done".into())
                .ok()
                .and_then(|d| d.as_bool())
                .unwrap_or(true);
            if !done {
                let chunk: Uint8Array = Reflect::get(&result, &"value".into())
                    .map_err(|_| unreadable())?
                    .unchecked_into();
                held += chunk.length() as usize;
                chunks.push(chunk);
                next = Some(JsFuture::from(stream.read()));
                // Small chunks wait for company: a batch is about a megabyte.
                if held < CHUNK {
                    continue;
                }
            }
            let began = now();
            if offset == 0.0 {
                let head: Vec<u8> = chunks
                    .iter()
                    .flat_map(|c| c.subarray(0, c.length().min(2)).to_vec())
                    .take(2)
                    .collect();
                if is_gzip(&head) {
                    gunzip = Some(Gunzip::new());
                }
            }
            match &mut gunzip {
                Some(g) => {
                    for chunk in chunks.drain(..) {
                        let bytes = chunk.to_vec();
                        for piece in bytes.chunks(64 << 10) {
                            let out = g.push(piece)?;
                            let batch = reader.feed(&out)?;
                            dispatch(batch, &mut work);
                        }
                    }
                }
                None => {
                    // Copied once, from the browser's buffers into the reader's.
                    let batch = reader.feed_with(held, |into| {
                        let mut at = 0;
                        for chunk in chunks.drain(..) {
                            let n = chunk.length() as usize;
                            chunk.copy_to(&mut into[at..at + n]);
                            at += n;
                        }
                    })?;
                    dispatch(batch, &mut work);
                }
            }
            offset += held as f64;
            held = 0;
            merge(&mut tally, &mut work);
            // Do not let helpers' queues grow: wait while they owe too much.
            while state.outstanding.get() > 2 * helpers && state.current.get() == run {
                let waited = now();
                next_result(state).await;
                progress.work_ms -= now() - waited;
                merge(&mut tally, &mut work);
            }
            progress.work_ms += now() - began;
            // A few progress reports a second: each one is a render in the page.
            if now() - last_post >= PROGRESS_MS || done {
                last_post = now();
                progress.bytes = offset;
                progress.loans = tally.loans as f64;
                progress.fired = tally.fired as f64;
                progress.errors = tally.error_count as f64;
                progress.elapsed_ms = now() - started;
                post(&FromWorker::Progress(progress.clone()), None);
            }
        }
        if let Some(g) = gunzip.take() {
            let out = g.finish()?;
            let batch = reader.feed(&out)?;
            dispatch(batch, &mut work);
        }
        let batch = reader.finish()?;
        dispatch(batch, &mut work);
        while state.outstanding.get() > 0 && state.current.get() == run {
            next_result(state).await;
        }
        merge(&mut tally, &mut work);
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
        state,
        run,
        &plan,
        tally,
        &reader,
        &key,
        &spec.id_field,
        progress,
        started,
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
    if let Some((_, previous_ids)) = previous.filter(|(k, _)| k == key) {
        let d = dryrun::diff(previous_ids.lines(), fired_ids.lines());
        summary.diff = Some(DiffSummary {
            newly_firing: d.newly_firing.len() as f64,
            no_longer_firing: d.no_longer_firing.len() as f64,
            newly_ids: d.newly_firing.into_iter().take(100).collect(),
            no_longer_ids: d.no_longer_firing.into_iter().take(100).collect(),
        });
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
