//! The Dry run section: which loans of a portfolio the connection's rule fires
//! for. The file (picked, dropped, pasted or generated) goes to a Web Worker
//! as a Blob; the worker streams it and evaluates it with the engine,
//! so the page never blocks. Progress, Cancel, and a rule edit restarts the run.

use std::collections::HashMap;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use hookwright_core::dryrun::{megabytes, thousands};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlInputElement};
use yew::prelude::*;

use super::dry_run_protocol::{
    helpers_asked, ClauseCount, FromWorker, Progress, RunSpec, Summary, TableKind, ToWorker,
};
use super::dry_run_table::{DryRunTable, Query, Window, WINDOW};
use super::file_drop::use_file_drop;
use super::worker_link::{Reply, WorkerLink, WORKER_URL};
use crate::services::tools_bundle::next_paint;
use crate::services::{download, files};

/// Loans in a generated sample portfolio.
const SAMPLE_LOANS: u32 = 10_000;

/// A finished run's counts: per clause of the text, per item of `items`.
pub type DryCounts = Rc<(Vec<ClauseCount>, Vec<[f64; 3]>)>;

#[derive(Properties, PartialEq)]
pub struct DryRunProps {
    /// The rule text (an event filter's, for YouLend).
    pub rule: AttrValue,
    /// Whether the rule parses; no run starts while it does not.
    pub rule_ok: bool,
    /// The member naming each record: `loan-id`, or YouLend's `EventProperties.LoanId`.
    pub id_field: AttrValue,
    /// The builder's groups and conditions: (depth, label, rule text).
    pub items: Rc<Vec<(usize, String, String)>>,
    /// What a record is called: "loans" or "events".
    #[prop_or(AttrValue::Static("loans"))]
    pub noun: AttrValue,
    /// The last finished run's counts per clause of the text and per item
    /// of `items`, for the marks on the text and the builder.
    #[prop_or_default]
    pub on_counts: Callback<DryCounts>,
    /// The worker the page started for this section, to take over.
    #[prop_or_default]
    pub early: EarlyWorker,
}

/// A dry run worker started before the section was drawn (by the page, as it
/// starts: see `dry_run_island`), and whether it has said Ready; the section
/// takes it once.
#[derive(Clone, Default)]
pub struct EarlyWorker(pub Rc<std::cell::RefCell<Option<(web_sys::Worker, bool)>>>);

impl PartialEq for EarlyWorker {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The portfolio in hand; compared by id.
#[derive(Clone)]
struct Portfolio {
    id: u32,
    blob: Blob,
    name: String,
    size: f64,
}

impl PartialEq for Portfolio {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
enum Status {
    #[default]
    Idle,
    Running(Progress),
    Done(Rc<Summary>),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
struct DryState {
    run: u32,
    status: Status,
    /// The last finished run's summary (kept while the next one runs).
    last: Option<Rc<Summary>>,
    /// The finished run whose results and tables are drawn: they follow its
    /// summary's frame, so that frame waits only for the summary.
    details: u32,
    tables: HashMap<TableKind, Window>,
}

enum Msg {
    Started(u32),
    Details(u32),
    Cancelled,
    Worker(FromWorker),
    Failed(String),
}

impl Reducible for DryState {
    type Action = Msg;

    fn reduce(self: Rc<Self>, action: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Msg::Started(run) => {
                next.run = run;
                next.status = Status::Running(Progress {
                    run,
                    ..Progress::default()
                });
            }
            Msg::Details(run) if run == self.run => next.details = run,
            Msg::Details(_) => return self,
            Msg::Cancelled => {
                next.run += 1;
                next.status = Status::Failed("Dry run cancelled.".into());
            }
            Msg::Failed(message) => {
                next.run += 1;
                next.status = Status::Failed(message);
            }
            Msg::Worker(message) => match message {
                FromWorker::Progress(p) if p.run == self.run => {
                    if matches!(self.status, Status::Running(_)) {
                        next.status = Status::Running(p);
                    }
                }
                FromWorker::Done { run, summary } if run == self.run => {
                    let summary = Rc::new(*summary);
                    // Each table's size is known now; its first rows follow.
                    next.tables.clear();
                    for (table, total) in [
                        (TableKind::Fired, summary.fired),
                        (TableKind::NearMisses, summary.near_misses.min(NEAR_KEPT)),
                        (TableKind::Errors, summary.errors.min(ERRORS_KEPT)),
                    ] {
                        let window = Window {
                            total: total as u32,
                            ..Window::default()
                        };
                        next.tables.insert(table, window);
                    }
                    next.last = Some(summary.clone());
                    next.status = Status::Done(summary);
                }
                FromWorker::Failed { run, message } if run == self.run => {
                    next.status = Status::Failed(message);
                }
                FromWorker::Rows {
                    run,
                    table,
                    total,
                    offset,
                    rows,
                } if run == self.run => {
                    next.tables.insert(
                        table,
                        Window {
                            total,
                            offset,
                            rows: Rc::new(rows),
                        },
                    );
                }
                _ => return self,
            },
        }
        Rc::new(next)
    }
}

/// How long after the section appears its worker starts (after the page's first paint;
/// early, so that it is ready, and warm, before a portfolio can be picked).
const WARM_AFTER_MS: u32 = 100;

/// The dry run's worker: `?dry-run` makes it start its helper workers as it
/// loads (`dry_run_worker::run_worker`), the one way they start, with no
/// round trip through the page's busy main thread; `?dryrun-helpers=N` in the
/// page's address sets how many (tests use it), else a worker a core.
pub(crate) fn worker_url() -> String {
    let search = gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default();
    match helpers_asked(&search) {
        Some(n) => format!("{WORKER_URL}?dry-run&dryrun-helpers={n}"),
        None => format!("{WORKER_URL}?dry-run"),
    }
}

fn seconds(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.1} s")
    }
}

fn size(bytes: f64) -> String {
    if bytes >= 1e6 {
        format!("{} MB", megabytes(bytes as u64))
    } else if bytes >= 1e3 {
        format!("{:.0} KB", (bytes / 1e3).ceil())
    } else {
        format!("{bytes} bytes")
    }
}

#[component]
pub fn DryRun(props: &DryRunProps) -> Html {
    let state = use_reducer(DryState::default);
    let portfolio = use_state(|| None::<Portfolio>);
    let next_id = use_mut_ref(|| 0u32);
    let today = use_state(String::new);
    let pending = use_mut_ref(|| None::<Timeout>);
    let last_portfolio = use_mut_ref(|| None::<u32>);

    // A portfolio in hand: picked, dropped, pasted or generated.
    let take_file = {
        let portfolio = portfolio.setter();
        let next_id = next_id.clone();
        move |blob: Blob, name: String| {
            let id = {
                let mut n = next_id.borrow_mut();
                *n += 1;
                *n
            };
            portfolio.set(Some(Portfolio {
                id,
                size: blob.size(),
                blob,
                name,
            }));
        }
    };
    // The worker: replies feed the reducer; Blobs beside them are a generated
    // portfolio or an export to save.
    let worker = {
        let dispatcher = state.dispatcher();
        let take_file = take_file.clone();
        let early = props.early.0.borrow_mut().take();
        use_mut_ref(move || {
            let on_reply = Callback::from(move |(message, blob): Reply| match (&message, blob) {
                (FromWorker::Generated { name }, Some(blob)) => take_file(blob, name.clone()),
                (FromWorker::Exported { table, .. }, Some(blob)) => {
                    let _ = download::save_blob(table.file_name(), &blob);
                }
                _ => dispatcher.dispatch(Msg::Worker(message)),
            });
            match early {
                Some((worker, ready)) => WorkerLink::adopt(worker, ready, on_reply),
                None => WorkerLink::at(worker_url(), on_reply),
            }
        })
        .borrow()
        .clone()
    };
    let send = {
        let worker = worker.clone();
        let dispatcher = state.dispatcher();
        move |message: ToWorker, blob: Option<&Blob>| {
            if !worker.send(message, blob) {
                dispatcher.dispatch(Msg::Failed(
                    "This browser could not start the dry run's worker.".into(),
                ));
            }
        }
    };

    // The worker and its helpers start shortly after the section appears, and
    // rehearse a run of the rule in hand, so the first run waits for neither
    // their loading nor the browser's compiling.
    {
        let worker = worker.clone();
        let (rule, id_field, items) = (
            props.rule.clone(),
            props.id_field.clone(),
            props.items.clone(),
        );
        use_effect_with((), move |_| {
            let warm = Timeout::new(WARM_AFTER_MS, move || {
                let _ = worker.send(
                    ToWorker::Prepare {
                        rehearse: RunSpec {
                            rule: rule.to_string(),
                            today: String::new(),
                            id_field: id_field.to_string(),
                            items: items.iter().map(|(_, _, t)| t.clone()).collect(),
                        },
                    },
                    None,
                );
            });
            move || drop(warm)
        });
    }

    // A run starts (after a short pause) whenever the rule, the date or the portfolio changes.
    {
        let send = send.clone();
        let dispatcher = state.dispatcher();
        let run = state.run;
        let pending = pending.clone();
        let last_portfolio = last_portfolio.clone();
        let items = props.items.clone();
        let id_field = props.id_field.to_string();
        use_effect_with(
            (
                props.rule.clone(),
                props.rule_ok,
                (*today).clone(),
                (*portfolio).clone(),
            ),
            move |(rule, rule_ok, today, portfolio)| {
                *pending.borrow_mut() = None;
                if let Some(portfolio) = portfolio.clone() {
                    if !*rule_ok || rule.trim().is_empty() {
                        dispatcher.dispatch(Msg::Failed(
                            "Fix the rule's errors first: the dry run uses the rule as written."
                                .into(),
                        ));
                    } else {
                        let rule = rule.to_string();
                        let today = today.clone();
                        let items: Vec<String> = items.iter().map(|(_, _, t)| t.clone()).collect();
                        let next = run + 1;
                        dispatcher.dispatch(Msg::Started(next));
                        // A new file starts at once; edits wait for a pause in typing.
                        let fresh = *last_portfolio.borrow() != Some(portfolio.id);
                        *last_portfolio.borrow_mut() = Some(portfolio.id);
                        let start = move || {
                            send(
                                ToWorker::Start {
                                    run: next,
                                    spec: RunSpec {
                                        rule,
                                        today,
                                        id_field,
                                        items,
                                    },
                                    key: format!("{}:{}", portfolio.name, portfolio.size),
                                },
                                Some(&portfolio.blob),
                            );
                        };
                        if fresh {
                            // Before the page draws the run's progress, not after.
                            start();
                        } else {
                            *pending.borrow_mut() = Some(Timeout::new(200, start));
                        }
                    }
                }
                || ()
            },
        );
    }

    // A finished run: ask for the first rows of each table, and tell the text its counts.
    {
        let send = send.clone();
        let on_counts = props.on_counts.clone();
        let dispatcher = state.dispatcher();
        let done = match &state.status {
            Status::Done(s) => Some((state.run, s.clone())),
            _ => None,
        };
        use_effect_with(done, move |done| {
            let called_off = Rc::new(std::cell::Cell::new(false));
            if let Some((run, summary)) = done {
                // The results, the tables and their first rows, and the counts
                // on the builder and the text (which re-render the whole
                // Trigger panel) follow once the summary is on screen, so its
                // frame waits for none of them.
                let counts = Rc::new((summary.clauses.clone(), summary.items.clone()));
                let off = called_off.clone();
                let run = *run;
                wasm_bindgen_futures::spawn_local(async move {
                    next_paint().await;
                    if off.get() {
                        return;
                    }
                    dispatcher.dispatch(Msg::Details(run));
                    for table in [TableKind::Fired, TableKind::NearMisses, TableKind::Errors] {
                        send(
                            ToWorker::Rows {
                                run,
                                table,
                                sort: None,
                                filter: String::new(),
                                offset: 0,
                                limit: WINDOW,
                            },
                            None,
                        );
                    }
                    on_counts.emit(counts);
                });
            }
            move || called_off.set(true)
        });
    }

    let on_pick = {
        let take_file = take_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = files::first(input.files()) {
                let name = file.name();
                take_file(file.into(), name);
            }
            input.set_value("");
        })
    };
    let drop = {
        let take_file = take_file.clone();
        use_file_drop(Callback::from(move |file: web_sys::File| {
            let name = file.name();
            take_file(file.into(), name);
        }))
    };
    let on_paste = {
        let take_file = take_file.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
                return;
            };
            if text.trim().is_empty() {
                return;
            }
            e.prevent_default();
            let parts = js_sys::Array::of1(&JsValue::from_str(&text));
            let options = BlobPropertyBag::new();
            options.set_type("text/plain");
            if let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) {
                take_file(blob, "pasted portfolio".into());
            }
        })
    };
    let on_generate = {
        let send = send.clone();
        Callback::from(move |_| {
            send(
                ToWorker::Generate {
                    count: SAMPLE_LOANS,
                },
                None,
            )
        })
    };
    let on_cancel = {
        let send = send.clone();
        let dispatcher = state.dispatcher();
        let run = state.run;
        let pending = pending.clone();
        Callback::from(move |_| {
            *pending.borrow_mut() = None;
            send(ToWorker::Cancel { run }, None);
            dispatcher.dispatch(Msg::Cancelled);
        })
    };
    let on_today = {
        let today = today.clone();
        Callback::from(move |e: Event| {
            today.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let on_query = {
        let send = send.clone();
        let run = state.run;
        Callback::from(move |q: Query| {
            send(
                ToWorker::Rows {
                    run,
                    table: q.table,
                    sort: q.sort,
                    filter: q.filter,
                    offset: q.offset,
                    limit: WINDOW,
                },
                None,
            );
        })
    };
    let on_export = {
        let run = state.run;
        Callback::from(move |table: TableKind| {
            send(ToWorker::Export { run, table }, None);
        })
    };

    let noun = props.noun.as_str();
    let summary_el = match &state.status {
        Status::Idle => html! {},
        Status::Running(p) => {
            let eta = p
                .eta_seconds()
                .map(|s| format!(", about {} left", seconds(s)))
                .unwrap_or_default();
            html! {
                <div class="dr-summary running" data-testid="dryrun-summary" data-state="running" role="status" aria-live="polite">
                    <progress max={p.total_bytes.max(1.0).to_string()} value={p.bytes.to_string()} aria-label="Dry run progress"></progress>
                    <span>{ format!("{} {noun} read, {} fired ({} {noun}/s{eta})",
                        thousands(p.loans as u64), thousands(p.fired as u64), thousands(p.rate() as u64)) }</span>
                    <button type="button" class="button" onclick={on_cancel}>{ "Cancel dry run" }</button>
                </div>
            }
        }
        Status::Failed(message) => html! {
            <div class="dr-summary error notice" data-testid="dryrun-summary" data-state="error" role="alert">
                { message }
            </div>
        },
        Status::Done(s) => html! {
            <div class="dr-summary done" data-testid="dryrun-summary" data-state="done"
                data-loans={s.loans.to_string()} data-fired={s.fired.to_string()} data-errors={s.errors.to_string()}
                data-ms={s.progress.elapsed_ms.round().to_string()} data-work-ms={s.progress.work_ms.round().to_string()}
                data-workers={s.progress.workers.to_string()} role="status">
                <dl class="dr-counts">
                    <div><dt>{ format!("{noun} read") }</dt><dd>{ thousands(s.loans as u64) }</dd></div>
                    <div class="fired"><dt>{ "fired" }</dt><dd>{ thousands(s.fired as u64) }</dd></div>
                    <div><dt>{ "not fired" }</dt><dd>{ thousands(s.not_fired as u64) }</dd></div>
                    <div class="errors"><dt>{ "errors" }</dt><dd>{ thousands(s.errors as u64) }</dd></div>
                    <div><dt>{ "near misses" }</dt><dd>{ thousands(s.near_misses as u64) }</dd></div>
                </dl>
                <p class="muted">{ format!("{} ({}) in {} — {} {noun}/s",
                    s.format, size(s.progress.total_bytes), seconds(s.progress.elapsed_ms / 1000.0), thousands(s.progress.rate() as u64)) }</p>
            </div>
        },
    };
    let summary = state
        .last
        .clone()
        .filter(|_| matches!(state.status, Status::Done(_)) && state.details == state.run);
    let window = |t: TableKind| state.tables.get(&t).cloned().unwrap_or_default();

    html! {
        <section class="panel dry-run" aria-labelledby="dry-run-title">
            <div class="panel-head">
                <h3 id="dry-run-title">{ "Dry run" }</h3>
                <span class="muted">{ format!("Which {noun} of a portfolio this rule fires for tonight, and why not the others.") }</span>
            </div>
            <div class={classes!("dr-drop", drop.dragging.then_some("dragging"))} ondrop={drop.ondrop} ondragover={drop.ondragover}
                ondragleave={drop.ondragleave} onpaste={on_paste} tabindex="0"
                aria-label="Drop or paste a file here">
                <label class="button">
                    { "Choose a portfolio…" }
                    <input type="file" class="visually-hidden" aria-label="Portfolio"
                        accept=".ndjson,.jsonl,.json,.csv,.gz,.txt,application/json,text/csv,application/gzip" onchange={on_pick} />
                </label>
                <span class="muted">{ "NDJSON, a JSON array, JSON objects one after another (as jq prints them) or CSV (header row of variable names); .gz too. Drop or paste it here." }</span>
                <button type="button" class="button" onclick={on_generate}>{ "Generate sample portfolio" }</button>
                <label class="dr-today">
                    { "Evaluate as of" }
                    <input type="date" value={(*today).clone()} onchange={on_today} />
                </label>
                if let Some(p) = &*portfolio {
                    <span class="dr-file" data-testid="dryrun-file">{ format!("{} ({})", p.name, size(p.size)) }</span>
                }
            </div>
            if today.is_empty() {
                <p class="hint muted">{ format!("Each {} is evaluated as of its own current-date, as LoanPro does.", &noun[..noun.len() - 1]) }</p>
            }
            { summary_el }
            if let Some(s) = summary {
                { results(&s, &props.items, noun) }
                <DryRunTable table={TableKind::Fired} title={format!("Fired {noun}")} testid="dryrun-fired"
                    columns={Rc::new(s.columns.clone())} window={window(TableKind::Fired)}
                    on_query={on_query.clone()} on_export={on_export.clone()} />
                <DryRunTable table={TableKind::NearMisses} title={kept("Near misses", s.near_misses, NEAR_KEPT)} testid="dryrun-near"
                    columns={Rc::new(vec!["line".to_string(), props.id_field.to_string(), "would fire if this changed".to_string()])}
                    window={window(TableKind::NearMisses)} on_query={on_query.clone()} on_export={on_export.clone()} />
                <DryRunTable table={TableKind::Errors} title={kept("Errors", s.errors, ERRORS_KEPT)} testid="dryrun-errors"
                    columns={Rc::new(vec!["line".to_string(), props.id_field.to_string(), "message".to_string()])}
                    window={window(TableKind::Errors)} on_query={on_query} on_export={on_export} />
            }
        </section>
    }
}

/// Near misses and errors the worker keeps in full (all are counted).
const NEAR_KEPT: f64 = 100_000.0;
const ERRORS_KEPT: f64 = 100_000.0;

/// A table's title, saying so when only the first rows were kept.
fn kept(name: &str, count: f64, limit: f64) -> String {
    if count > limit {
        format!("{name}: the first of {}", thousands(count as u64))
    } else {
        name.to_string()
    }
}

fn counts(c: &[f64; 3]) -> Html {
    html! {
        <span class="dr-tf">
            <span class="t" title="true">{ format!("✓ {}", thousands(c[0] as u64)) }</span>
            <span class="f" title="false">{ format!("✗ {}", thousands(c[1] as u64)) }</span>
            if c[2] > 0.0 {
                <span class="e" title="error">{ format!("! {}", thousands(c[2] as u64)) }</span>
            }
        </span>
    }
}

fn results(s: &Summary, items: &[(usize, String, String)], noun: &str) -> Html {
    html! {
        <div class="dr-results">
            { for s.notes.iter().map(|n| html! { <p class="notice warning" role="status" data-testid="dryrun-note">{ n }</p> }) }
            if let Some(d) = &s.diff {
                <div class="dr-diff" data-testid="dryrun-diff" data-newly={d.newly_firing.to_string()} data-no-longer={d.no_longer_firing.to_string()}>
                    <h5>{ "Since the previous run of this portfolio" }</h5>
                    <p>
                        <strong>{ format!("{} newly firing", thousands(d.newly_firing as u64)) }</strong>
                        { ", " }
                        <strong>{ format!("{} no longer firing", thousands(d.no_longer_firing as u64)) }</strong>
                    </p>
                    if !d.newly_ids.is_empty() {
                        <p class="muted">{ format!("Newly firing: {}{}", d.newly_ids.join(", "), if d.newly_firing > d.newly_ids.len() as f64 { ", …" } else { "" }) }</p>
                    }
                    if !d.no_longer_ids.is_empty() {
                        <p class="muted">{ format!("No longer firing: {}{}", d.no_longer_ids.join(", "), if d.no_longer_firing > d.no_longer_ids.len() as f64 { ", …" } else { "" }) }</p>
                    }
                </div>
            }
            <div class="dr-columns">
                if !items.is_empty() && items.len() == s.items.len() {
                    <div class="dr-items" data-testid="dryrun-builder-counts">
                        <h5>{ format!("Builder: {noun} each condition and group is true / false for") }</h5>
                        <ul>
                            { for items.iter().zip(&s.items).map(|((depth, label, _), c)| html! {
                                <li style={format!("padding-left: {}em", depth * 2)}>
                                    <code>{ label }</code>{ " " }{ counts(c) }
                                </li>
                            }) }
                        </ul>
                    </div>
                }
                <div class="dr-clauses" data-testid="dryrun-clauses">
                    <h5>{ "Rule text: per clause (not counted where an earlier clause decided)" }</h5>
                    <ul>
                        { for s.clauses.iter().map(|c| html! {
                            <li><code class="place">{ format!("{}:{}", c.line, c.col) }</code>{ " " }<code>{ &c.text }</code>{ " " }{ counts(&c.counts) }</li>
                        }) }
                    </ul>
                </div>
                if s.near_misses > 0.0 {
                    <div class="dr-near">
                        <h5>{ format!("Near misses: {} would fire if one condition came out the other way", thousands(s.near_misses as u64)) }</h5>
                        <ul>
                            { for s.conditions.iter().zip(&s.near_by_condition).filter(|(_, n)| **n > 0.0).map(|(c, n)| html! {
                                <li><code>{ c }</code>{ format!(" — {}", thousands(*n as u64)) }</li>
                            }) }
                        </ul>
                    </div>
                }
            </div>
        </div>
    }
}
