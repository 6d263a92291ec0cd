//! The dry run's Web Worker (the `dryrun_worker` binary runs [`run_worker`]):
//! streams the portfolio Blob it is sent (`Blob.stream()`, a megabyte at a
//! time into buffers of its own where the browser allows: [`Chunks`]), undoes gzip, cuts records and evaluates them with the engine,
//! posting progress a few times a second. A newer Start or a Cancel stops a
//! run at its next chunk.
//! A large plain NDJSON file is shared out by byte ranges: this worker reads
//! the first, helper workers (one a core) each read their own with
//! `Blob.slice`, aligned to line starts ([`LineRange`]), and send their
//! tallies back as bincode; tallies merge in file order, lines moved to their
//! place. The finished run's tables stay here; the page asks for windows of them.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use hookwright_core::dryrun::{
    self, is_gzip, shareable_head, Evaluator, FileError, Gunzip, LineRange, Plan, Reader, Tally,
};
use hookwright_core::youlend::reconcile::reconcile_with_progress;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, MessageEvent, ReadableStreamByobReader,
    ReadableStreamDefaultReader, Worker,
};

use super::dry_run_protocol::{
    attached_blob, helpers_asked, pack, unpack, DiffSummary, FromWorker, Progress, RunSpec, Store,
    ToWorker,
};
use super::youlend::table::Table;
use super::youlend::tables::ReconcileStore;

/// Bytes of the file evaluated at a time.
const CHUNK: usize = 1 << 20;
/// The same in a rehearsal: its file is smaller, and the code run once a
/// chunk has to be called as often as in a run to be optimised.
const REHEARSAL_CHUNK: usize = 64 << 10;
/// A helper's share of a file against this worker's (1.0): see [`start`].
const HELPER_WEIGHT: f64 = 1.1;
/// How often the page hears how far a run is.
const PROGRESS_MS: f64 = 100.0;
/// Files smaller than this stay on one worker (each range costs a stream and a message).
const SHARE_FROM: f64 = 4e6;
/// Loans in a rehearsal ([`rehearse`]): enough to share out (over [`SHARE_FROM`]).
const REHEARSAL_LOANS: usize = 24_000;
/// Rehearsals before the first run.
const REHEARSALS: u32 = 2;
/// The first rehearsal's run number; the page's runs count up from 1.
const REHEARSAL_RUN: u32 = u32::MAX;
/// Workers at most, this one included.
const MAX_WORKERS: usize = 4;

#[derive(Default)]
struct State {
    /// The run that may go on; older ones stop at their next slice.
    current: Cell<u32>,
    store: RefCell<Option<Store>>,
    /// The last finished run's portfolio key and fired ids, for the diff.
    previous: RefCell<Option<(String, String)>>,
    /// Helper workers (other cores).
    helpers: RefCell<Vec<Helper>>,
    /// A rehearsal was asked for (once is enough).
    rehearsed: Cell<bool>,
    /// The current run's ranges the helpers finished: tally and line count, by range.
    results: RefCell<BTreeMap<u32, (Tally, u64)>>,
    /// The helpers' latest progress: bytes, loans, fired, errors, by range.
    helper_progress: RefCell<BTreeMap<u32, [f64; 4]>>,
    /// A helper could not read its range.
    failed: RefCell<Option<String>>,
    /// Resolves the promise the run awaits while helpers work.
    waiter: RefCell<Option<js_sys::Function>>,
    /// In a helper: the plan of the run its ranges belong to.
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
    queue: Vec<(ToWorker, Option<Blob>)>,
    _handler: Closure<dyn Fn(MessageEvent)>,
}

fn send_to(worker: &Worker, message: &ToWorker, blob: Option<&Blob>) {
    if let Some(envelope) = pack(message, blob.map(|b| ("blob", b.as_ref()))) {
        let _ = worker.post_message(&envelope);
    }
}

impl Helper {
    fn send(&mut self, message: ToWorker, blob: Option<&Blob>) {
        if self.ready {
            send_to(&self.worker, &message, blob);
        } else {
            self.queue.push((message, blob.cloned()));
        }
    }
}

/// Wakes the run waiting for its helpers.
fn wake(state: &State) {
    if let Some(resolve) = state.waiter.borrow_mut().take() {
        let _ = resolve.call0(&JsValue::NULL);
    }
}

/// Starts helpers for the other cores (once, as the dry run's worker
/// loads): by default a worker a core (the page idles while a run goes on),
/// at most [`MAX_WORKERS`] in all.
fn start_helpers(state: &Rc<State>, asked: Option<u32>) {
    let cores = scope().navigator().hardware_concurrency() as usize;
    let count = asked.map_or(cores.clamp(1, MAX_WORKERS) - 1, |n| n.min(7) as usize);
    for index in 0..count {
        let Ok(worker) = Worker::new(WORKER_URL) else {
            return;
        };
        let st = state.clone();
        let handler = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let Some(message) = unpack::<FromWorker>(&data) else {
                return;
            };
            match message {
                FromWorker::Ready => {
                    let mut helpers = st.helpers.borrow_mut();
                    if let Some(h) = helpers.get_mut(index) {
                        h.ready = true;
                        for (m, b) in h.queue.drain(..) {
                            send_to(&h.worker, &m, b.as_ref());
                        }
                    }
                }
                FromWorker::RangeDone {
                    run, seq, lines, ..
                } if run == st.current.get() => {
                    let tally = Reflect::get(&data, &"bytes".into())
                        .ok()
                        .map(|b| Uint8Array::new(&b).to_vec())
                        .and_then(|b| bincode::deserialize::<Tally>(&b).ok());
                    match tally {
                        Some(tally) => {
                            st.results.borrow_mut().insert(seq, (tally, lines as u64));
                        }
                        None => {
                            *st.failed.borrow_mut() =
                                Some("a helper worker's results could not be read".into());
                        }
                    }
                    wake(&st);
                }
                FromWorker::RangeProgress {
                    run,
                    seq,
                    bytes,
                    loans,
                    fired,
                    errors,
                } if run == st.current.get() => {
                    st.helper_progress
                        .borrow_mut()
                        .insert(seq, [bytes, loans, fired, errors]);
                    wake(&st);
                }
                FromWorker::RangeFailed { run, message } if run == st.current.get() => {
                    *st.failed.borrow_mut() = Some(message);
                    wake(&st);
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

/// The bytes a read of run `run` asks for.
fn chunk_size(run: u32) -> usize {
    if rehearsal(run) {
        REHEARSAL_CHUNK
    } else {
        CHUNK
    }
}

/// Whether run `run` is a rehearsal ([`rehearse`]): its results are not posted.
fn rehearsal(run: u32) -> bool {
    run >= REHEARSAL_RUN - REHEARSALS
}

/// Rehearses a run before the user's first: a generated portfolio of
/// [`REHEARSAL_LOANS`] taken through the whole of a run's path (read as a
/// picked file is, shared with the helpers by byte ranges, evaluated, their
/// tallies sent back and merged, the tables built), [`REHEARSALS`] times, with
/// nothing posted to the page. The browser compiles a function with its
/// optimising tier only once it has run for a while (and never a loop while
/// it runs), so a fresh worker's first run was 30 - 50% slower than its next
/// (BENCHMARKS.md). `spec` is the rule in hand; one that does not compile is
/// rehearsed with the seed's rule instead. Any run of the page's stops it.
async fn rehearse(state: &Rc<State>, spec: RunSpec) {
    let compiles = spec
        .options()
        .is_ok_and(|options| Plan::new(&spec.rule, options).is_ok());
    let spec = if compiles {
        spec
    } else {
        const RULE: &str = r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;
        let Ok(rule) = hookwright_core::rule::Rule::parse(RULE) else {
            return;
        };
        RunSpec {
            rule: RULE.into(),
            today: String::new(),
            id_field: spec.id_field,
            items: dryrun::item_texts(&rule),
        }
    };
    let text = dryrun::sample_portfolio(REHEARSAL_LOANS, 7);
    let Some(blob) = text_blob(&text, "application/x-ndjson") else {
        return;
    };
    drop(text);
    for round in 0..REHEARSALS {
        // The page's first run has begun: it needs the worker now.
        let current = state.current.get();
        if current != 0 && !rehearsal(current) {
            return;
        }
        let run = REHEARSAL_RUN - round;
        state.current.set(run);
        start(state, run, spec.clone(), String::new(), blob.clone()).await;
    }
}

/// Lets the messages waiting for this worker be handled first.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = scope().set_timeout_with_callback(&resolve);
    });
    let _ = JsFuture::from(promise).await;
}

/// Waits until a helper reports (a range done, progress, a failure).
async fn next_report(state: &State) {
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

pub(super) fn post(message: &impl serde::Serialize, blob: Option<&Blob>) {
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
    let st = state.clone();
    let handler = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let Some(message) = unpack::<ToWorker>(&data) else {
            return;
        };
        handle(&st, message, attached_blob(&data, "blob"));
    });
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    // The dry run's own worker (started by the page as `…?dry-run`, with
    // `&dryrun-helpers=N` when the page's address has it: `dry_run::worker_url`)
    // starts its helpers now, so their files load while the page does; the
    // only way they start. The analysis and Reconcile workers have none.
    let search = Reflect::get(&js_sys::global(), &"location".into())
        .and_then(|location| Reflect::get(&location, &"search".into()))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    if search
        .trim_start_matches('?')
        .split('&')
        .any(|kv| kv == "dry-run")
    {
        start_helpers(&state, helpers_asked(&search));
    }
    post(&FromWorker::Ready, None);
}

/// In a helper: evaluates one byte range and sends the tally back.
async fn range_job(
    state: &State,
    run: u32,
    seq: u32,
    spec: RunSpec,
    blob: Blob,
    range: (f64, f64),
) {
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
    let mut last_post = now();
    let report = |tally: &Tally, bytes: f64| {
        if now() - last_post >= PROGRESS_MS {
            last_post = now();
            let progress = FromWorker::RangeProgress {
                run,
                seq,
                bytes,
                loans: tally.loans as f64,
                fired: tally.fired as f64,
                errors: tally.error_count as f64,
            };
            post(&progress, None);
        }
    };
    match evaluate_range(state, run, &plan, &blob, range, false, None, report).await {
        Ok(Some(done)) => {
            let Ok(bytes) = bincode::serialize(&done.tally) else {
                let message = "could not send a helper worker's results".to_string();
                return post(&FromWorker::RangeFailed { run, message }, None);
            };
            let message = FromWorker::RangeDone {
                run,
                seq,
                lines: done.lines as f64,
                work_ms: done.work_ms,
            };
            let buffer: JsValue = Uint8Array::from(bytes.as_slice()).buffer().into();
            if let Some(envelope) = pack(&message, Some(("bytes", &buffer))) {
                let _ = scope().post_message_with_transfer(&envelope, &js_sys::Array::of1(&buffer));
            }
        }
        Ok(None) => {}
        Err(e) => post(&FromWorker::RangeFailed { run, message: e.0 }, None),
    }
}

/// What one worker made of its byte range.
struct RangeDone {
    tally: Tally,
    /// The lines the range held.
    lines: u64,
    /// Of the time, evaluating (the rest is waiting for the file).
    work_ms: f64,
    format: Option<dryrun::Format>,
    /// Bytes read.
    bytes: f64,
}

fn unreadable() -> FileError {
    FileError("the browser could not read the file".into())
}

/// One result of a stream reader's `read()`: its chunk, or `None` when the
/// stream is done.
fn stream_chunk(result: &JsValue) -> Result<Option<Uint8Array>, FileError> {
    let done = Reflect::get(result, &"done".into())
        .ok()
        .and_then(|d| d.as_bool())
        .unwrap_or(true);
    let chunk = Reflect::get(result, &"value".into()).map_err(|_| unreadable())?;
    if done {
        // A BYOB read that meets the end brings the last bytes with `done`.
        return Ok(chunk
            .dyn_into::<Uint8Array>()
            .ok()
            .filter(|c| c.length() > 0));
    }
    Ok(Some(chunk.unchecked_into()))
}

/// A file's bytes as a stream: into buffers of our own, [`CHUNK`] bytes a
/// read, where the browser offers that (`Blob.stream()` as a byte stream,
/// read with a BYOB reader: no new buffer for every chunk), else as the
/// browser's own chunks.
enum Chunks {
    Plain(ReadableStreamDefaultReader),
    /// The reader, the buffers whose bytes have been used, and their size.
    Own(ReadableStreamByobReader, Vec<js_sys::ArrayBuffer>, usize),
}

impl Chunks {
    /// `size`: the bytes of a read, where the browser lets us choose.
    fn open(blob: &Blob, size: usize) -> Chunks {
        let stream = blob.stream();
        match ReadableStreamByobReader::new(&stream) {
            Ok(reader) => Chunks::Own(reader, Vec::new(), size),
            Err(_) => Chunks::Plain(stream.get_reader().unchecked_into()),
        }
    }

    /// The next chunk; a BYOB read waits for a whole [`CHUNK`] or the end.
    fn read(&mut self) -> JsFuture {
        match self {
            Chunks::Plain(reader) => JsFuture::from(reader.read()),
            Chunks::Own(reader, spare, size) => {
                let buffer = spare
                    .pop()
                    .unwrap_or_else(|| js_sys::ArrayBuffer::new(*size as u32));
                let options = js_sys::Object::new();
                let _ = Reflect::set(
                    &options,
                    &"min".into(),
                    &JsValue::from(buffer.byte_length()),
                );
                let read = Reflect::get(reader, &"read".into())
                    .ok()
                    .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
                let promise = read
                    .and_then(|f| f.call2(reader, &Uint8Array::new(&buffer), &options).ok())
                    .map_or_else(
                        || js_sys::Promise::reject(&JsValue::NULL),
                        |p| p.unchecked_into(),
                    );
                JsFuture::from(promise)
            }
        }
    }

    /// `piece`'s bytes have been copied: its buffer may take the next read.
    fn used(&mut self, piece: &Uint8Array) {
        if let Chunks::Own(_, spare, size) = self {
            let buffer = piece.buffer();
            if buffer.byte_length() as usize == *size {
                spare.push(buffer);
            }
        }
    }

    fn cancel(&self) {
        let _ = match self {
            Chunks::Plain(reader) => reader.cancel(),
            Chunks::Own(reader, ..) => reader.cancel(),
        };
    }
}

/// Streams the lines that start in bytes `range` of `blob` (all of it for
/// `(0, size)`, whatever its format) and evaluates them; `report` hears the
/// tally so far and the bytes read after each batch. `None` when a newer
/// run or a Cancel stopped it. `first`: the range starts the file;
/// `opened`: its stream, already opened and asked for its first chunk.
#[allow(clippy::too_many_arguments)]
async fn evaluate_range(
    state: &State,
    run: u32,
    plan: &Plan,
    blob: &Blob,
    range: (f64, f64),
    first: bool,
    opened: Option<(Chunks, JsFuture)>,
    mut report: impl FnMut(&Tally, f64),
) -> Result<Option<RangeDone>, FileError> {
    let mut cut = LineRange::new(range.0 as u64, range.1 as u64);
    let chunk_size = chunk_size(run);
    let (mut stream, first_read) = match opened {
        Some(opened) => opened,
        None => {
            let slice = blob
                .slice_with_f64_and_f64(cut.read_from() as f64, blob.size())
                .map_err(|_| unreadable())?;
            let mut stream = Chunks::open(&slice, chunk_size);
            let read = stream.read();
            (stream, read)
        }
    };
    let mut reader = if first {
        Reader::new()
    } else {
        Reader::ndjson_from_middle()
    };
    let mut evaluator = Evaluator::new(plan);
    let mut tally = plan.tally();
    let mut pieces: Vec<Uint8Array> = Vec::new();
    let mut held = 0usize;
    let mut read = 0.0;
    let mut work_ms = 0.0;
    // The next chunk is asked for before this one is evaluated, so reading overlaps the work.
    let mut next = Some(first_read);
    while let Some(pending) = next.take() {
        let result = pending.await.map_err(|_| unreadable())?;
        if state.current.get() != run {
            stream.cancel();
            return Ok(None);
        }
        if let Some(chunk) = stream_chunk(&result)? {
            let len = chunk.length() as usize;
            read += len as f64;
            // Only the chunks where the range begins or ends are looked into here.
            let mut copy: Option<Vec<u8>> = None;
            let take = cut.take(len, |from| {
                let bytes = copy.get_or_insert_with(|| chunk.to_vec());
                bytes[from..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map(|i| from + i)
            });
            if !take.is_empty() {
                held += take.len();
                pieces.push(if take.len() == len {
                    chunk
                } else {
                    chunk.subarray(take.start as u32, take.end as u32)
                });
            }
            if cut.done() {
                stream.cancel();
            } else {
                next = Some(stream.read());
                // Small chunks wait for company: a batch is about a megabyte.
                if held < chunk_size {
                    continue;
                }
            }
        }
        let began = now();
        if held > 0 {
            // Copied once, from the browser's buffers into the reader's.
            let batch = reader.feed_with(held, |into| {
                let mut at = 0;
                for piece in pieces.drain(..) {
                    let n = piece.length() as usize;
                    piece.copy_to(&mut into[at..at + n]);
                    at += n;
                    stream.used(&piece);
                }
            })?;
            held = 0;
            tally.merge(evaluator.batch(&batch), plan.options());
        }
        work_ms += now() - began;
        report(&tally, read);
        if rehearsal(run) {
            // A rehearsal's file is in memory, always ready: the page's Start waits for no more than a batch.
            next_task().await;
        }
    }
    range_done(plan, reader, evaluator, tally, work_ms, read).map(Some)
}

/// A range's last records (those the reader held back for a line's end) evaluated, and its totals.
fn range_done(
    plan: &Plan,
    mut reader: Reader,
    mut evaluator: Evaluator,
    mut tally: Tally,
    mut work_ms: f64,
    bytes: f64,
) -> Result<RangeDone, FileError> {
    let began = now();
    tally.merge(evaluator.batch(&reader.finish()?), plan.options());
    work_ms += now() - began;
    Ok(RangeDone {
        tally,
        lines: reader.lines_read(),
        work_ms,
        format: reader.format(),
        bytes,
    })
}

/// Whether the file can be shared out by byte ranges: plain NDJSON, its
/// first record in the first 64 KB (so the first range has it); not JSON
/// objects printed over several lines (the engine's `shareable_head`).
async fn shareable(blob: &Blob) -> bool {
    let Ok(head) = blob.slice_with_f64_and_f64(0.0, 65_536.0) else {
        return false;
    };
    let Ok(buffer) = JsFuture::from(head.array_buffer()).await else {
        return false;
    };
    let head = Uint8Array::new(&buffer).to_vec();
    shareable_head(&head)
}

fn handle(state: &Rc<State>, message: ToWorker, blob: Option<Blob>) {
    match message {
        ToWorker::Start { run, spec, key } => {
            state.current.set(run);
            // A run waiting for its helpers sees it is over.
            wake(state);
            let Some(blob) = blob else { return };
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                start(&state, run, spec, key, blob).await;
            });
        }
        ToWorker::Prepare { rehearse: spec } => {
            if !state.rehearsed.replace(true) {
                let state = state.clone();
                wasm_bindgen_futures::spawn_local(async move { rehearse(&state, spec).await });
            }
        }
        ToWorker::Range {
            run,
            seq,
            spec,
            start,
            end,
        } => {
            state.current.set(run);
            let Some(blob) = blob else { return };
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                range_job(&state, run, seq, spec, blob, (start, end)).await;
            });
        }
        ToWorker::Analyse { .. }
        | ToWorker::SetContext { .. }
        | ToWorker::ContextSubset { .. }
        | ToWorker::EditRule { .. }
        | ToWorker::Body { .. } => super::rule_analysis::in_worker(&state.analysis, message, blob),
        ToWorker::Sql { version, request } => super::copy_sql::answer(version, &request),
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
                wake(state);
            }
            for h in state.helpers.borrow_mut().iter_mut() {
                h.send(ToWorker::Cancel { run }, None);
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
    // A rehearsal tells the page nothing.
    let to_page = |message: &FromWorker| {
        if !rehearsal(run) {
            post(message, None);
        }
    };
    let options = match spec.options() {
        Ok(options) => options,
        Err(message) => {
            to_page(&FromWorker::Failed { run, message });
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
            to_page(&FromWorker::Failed { run, message });
            return;
        }
    };
    let started = now();
    let total = blob.size();
    state.results.borrow_mut().clear();
    state.helper_progress.borrow_mut().clear();
    *state.failed.borrow_mut() = None;
    let helpers = state.helpers.borrow().len();
    // The helpers start on their ranges at once, before the file is known to
    // be shareable (reading its head takes a few milliseconds), and are
    // called off when it is not.
    let might_share = helpers > 0 && total >= SHARE_FROM;
    // A helper's share is a little over an even one: this worker also reads
    // the file's head, posts the progress and hears the helpers', and
    // finished its range 15 - 25 ms after them at an even share, while a
    // helper's tally now travels in 3 - 5 ms.
    let bound = |k: usize| {
        let weights = 1.0 + helpers as f64 * HELPER_WEIGHT;
        let before = if k == 0 {
            0.0
        } else {
            1.0 + (k - 1) as f64 * HELPER_WEIGHT
        };
        (total * (before / weights).min(1.0)).floor()
    };
    if might_share {
        for k in 1..=helpers {
            let message = ToWorker::Range {
                run,
                seq: k as u32,
                spec: spec.clone(),
                start: bound(k),
                end: bound(k + 1),
            };
            state.helpers.borrow_mut()[k - 1].send(message, Some(&blob));
        }
    }
    // This worker's own stream, from the file's start, opens beside the
    // check of its head rather than after it.
    let mut opened = might_share.then(|| {
        let mut stream = Chunks::open(&blob, chunk_size(run));
        let read = stream.read();
        (stream, read)
    });
    let share = might_share && shareable(&blob).await;
    if !share {
        if let Some((stream, _)) = opened.take() {
            stream.cancel();
        }
    }
    if might_share && !share {
        for h in state.helpers.borrow_mut().iter_mut() {
            h.send(ToWorker::Cancel { run }, None);
        }
    }
    if state.current.get() != run {
        return;
    }
    let workers = if share { helpers + 1 } else { 1 };
    let bound = |k: usize| {
        if share {
            bound(k)
        } else {
            total
        }
    };
    let mut progress = Progress {
        run,
        total_bytes: total,
        workers: workers as u32,
        ..Progress::default()
    };
    let mut last_post = now();
    // This worker's own part and the helpers' latest, a few times a second.
    let mut report = |tally: &Tally, bytes: f64, force: bool| {
        if now() - last_post < PROGRESS_MS && !force {
            return;
        }
        last_post = now();
        let mut sum = [
            bytes,
            tally.loans as f64,
            tally.fired as f64,
            tally.error_count as f64,
        ];
        // (Helpers called off may still have reported.)
        for p in state.helper_progress.borrow().values().filter(|_| share) {
            for (s, v) in sum.iter_mut().zip(p) {
                *s += v;
            }
        }
        progress.bytes = sum[0];
        progress.loans = sum[1];
        progress.fired = sum[2];
        progress.errors = sum[3];
        progress.elapsed_ms = now() - started;
        to_page(&FromWorker::Progress(progress.clone()));
    };
    let gzip = !share && {
        let head = blob.slice_with_f64_and_f64(0.0, 2.0).ok();
        match head {
            Some(head) => JsFuture::from(head.array_buffer())
                .await
                .is_ok_and(|b| is_gzip(&Uint8Array::new(&b).to_vec())),
            None => false,
        }
    };
    let own = if gzip {
        evaluate_gzip(state, run, &plan, &blob, |t, b| report(t, b, false)).await
    } else {
        let range = (0.0, bound(1));
        evaluate_range(state, run, &plan, &blob, range, true, opened, |t, b| {
            report(t, b, false)
        })
        .await
    };
    let own = match own {
        Ok(Some(own)) => own,
        Ok(None) => return,
        Err(e) => {
            to_page(&FromWorker::Failed { run, message: e.0 });
            return;
        }
    };
    let mut work_ms = own.work_ms;
    // The helpers' ranges, merged in file order with their lines moved to their place.
    while state.results.borrow().len() + 1 < workers && state.failed.borrow().is_none() {
        if state.current.get() != run {
            return;
        }
        report(&own.tally, own.bytes, false);
        next_report(state).await;
    }
    if state.current.get() != run {
        return;
    }
    if let Some(message) = state.failed.borrow_mut().take().filter(|_| share) {
        to_page(&FromWorker::Failed { run, message });
        return;
    }
    let began = now();
    let mut lines = own.lines;
    let mut tally = own.tally;
    let parts = std::mem::take(&mut *state.results.borrow_mut());
    for (_, (mut part, part_lines)) in parts.into_iter().filter(|_| share) {
        part.shift_lines(lines);
        lines += part_lines;
        tally.merge(part, plan.options());
    }
    work_ms += now() - began;
    progress.bytes = total;
    progress.work_ms = work_ms;
    let format = own.format.map_or("?", |f| f.label());
    finish(
        state,
        run,
        &plan,
        tally,
        format,
        &key,
        &spec.id_field,
        progress,
        started,
    );
}

/// A gzipped portfolio, undone in pieces as it streams in, on this worker alone.
async fn evaluate_gzip(
    state: &State,
    run: u32,
    plan: &Plan,
    blob: &Blob,
    mut report: impl FnMut(&Tally, f64),
) -> Result<Option<RangeDone>, FileError> {
    let stream = blob
        .stream()
        .get_reader()
        .unchecked_into::<ReadableStreamDefaultReader>();
    let mut reader = Reader::new();
    let mut gunzip = Gunzip::new();
    let mut evaluator = Evaluator::new(plan);
    let mut tally = plan.tally();
    let mut read = 0.0;
    let mut work_ms = 0.0;
    let mut next = Some(JsFuture::from(stream.read()));
    while let Some(pending) = next.take() {
        let result = pending.await.map_err(|_| unreadable())?;
        if state.current.get() != run {
            let _ = stream.cancel();
            return Ok(None);
        }
        let Some(chunk) = stream_chunk(&result)? else {
            break;
        };
        next = Some(JsFuture::from(stream.read()));
        read += chunk.length() as f64;
        let began = now();
        let bytes = chunk.to_vec();
        for piece in bytes.chunks(64 << 10) {
            let out = gunzip.push(piece)?;
            tally.merge(evaluator.batch(&reader.feed(&out)?), plan.options());
        }
        work_ms += now() - began;
        report(&tally, read);
    }
    let began = now();
    let out = gunzip.finish()?;
    tally.merge(evaluator.batch(&reader.feed(&out)?), plan.options());
    work_ms += now() - began;
    range_done(plan, reader, evaluator, tally, work_ms, read).map(Some)
}

#[allow(clippy::too_many_arguments)]
fn finish(
    state: &State,
    run: u32,
    plan: &Plan,
    tally: Tally,
    format: &str,
    key: &str,
    id_field: &str,
    mut progress: Progress,
    started: f64,
) {
    let fired_ids = tally.fired_ids.clone();
    let variables = plan.variables().to_vec();
    let report = plan.report(tally);
    let (store, mut summary) = Store::new(run, report, format, &variables, id_field);
    if rehearsal(run) {
        // What the page would be sent is made too, then dropped with the tables.
        let summary = Box::new(summary);
        drop(pack(&FromWorker::Done { run, summary }, None));
        return;
    }
    let previous = state
        .previous
        .borrow_mut()
        .replace((key.to_string(), fired_ids.clone()));
    if let Some((_, previous_ids)) = previous.filter(|(k, _)| k == key) {
        let d = dryrun::diff(previous_ids.lines(), fired_ids.lines());
        summary.diff = Some(DiffSummary {
            newly_firing: d.newly_firing.len() as f64,
            no_longer_firing: d.no_longer_firing.len() as f64,
            newly_ids: shown_ids(&d.newly_firing),
            no_longer_ids: shown_ids(&d.no_longer_firing),
        });
    }
    progress.elapsed_ms = now() - started;
    progress.loans = summary.loans;
    progress.fired = summary.fired;
    progress.errors = summary.errors;
    summary.progress = progress;
    let old = state.store.borrow_mut().replace(store);
    post(
        &FromWorker::Done {
            run,
            summary: Box::new(summary),
        },
        None,
    );
    // The previous run's tables are freed once the page has its answer.
    drop(old);
}

/// The first hundred ids of a diff as the tables show them (`L-1`, not its JSON `"L-1"`).
fn shown_ids(ids: &[String]) -> Vec<String> {
    ids.iter()
        .take(100)
        .map(|id| dryrun::id_text(id).into_owned())
        .collect()
}
