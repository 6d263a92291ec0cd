//! The dry run's messages between the page and its Web Worker (sent with
//! serde-wasm-bindgen; a portfolio or an export travels beside them as a
//! Blob), and the worker's store of a finished run's tables: sorted and
//! filtered there, so the page only ever holds the rows on screen. Plain
//! Rust, tested natively.

use std::borrow::Cow;
use std::collections::HashMap;

use hookwright_core::dryrun::{
    id_text, is_number_text, number_of, FiredRow, NearMisses, Options, RecordError, Report,
};
use hookwright_core::rule::Date;
use js_sys::{Object, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

use super::youlend::csv;
use super::youlend::table::{RowsWindow, TableHead, TableQuery};

/// `dryrun-helpers=N` in an address's query (`?a&dryrun-helpers=2`): how
/// many helper workers the dry run's worker starts. Tests set it in the page's
/// address; the page passes it on in the worker's (`dry_run::worker_url`),
/// which the worker reads as it loads (`dry_run_worker::run_worker`).
pub fn helpers_asked(search: &str) -> Option<u32> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix("dryrun-helpers="))
        .and_then(|n| n.parse().ok())
}

/// The page to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Evaluate `rule` over the Blob sent beside this message; any run before it stops.
    Start {
        run: u32,
        spec: RunSpec,
        /// Names the portfolio, so the next run of the same one is diffed against this.
        key: String,
    },
    Cancel {
        run: u32,
    },
    /// A window of one of the finished run's tables.
    Rows {
        run: u32,
        table: TableKind,
        sort: Option<(usize, bool)>,
        filter: String,
        offset: u32,
        limit: u32,
    },
    /// The whole table as CSV (a Blob comes back).
    Export {
        run: u32,
        table: TableKind,
    },
    /// A sample portfolio of `count` loans (a Blob comes back).
    Generate {
        count: u32,
    },
    /// Reconcile the YouLend batch in the Blob beside this message (a worker of its own, so
    /// the page stops a run by stopping the worker).
    Reconcile {
        run: u32,
    },
    /// The first rows of a view of one of the reconciliation's tables.
    ReconcileRows {
        run: u32,
        query: TableQuery,
    },
    /// A view of a reconciliation's table as CSV (a Blob comes back).
    ReconcileExport {
        run: u32,
        query: TableQuery,
    },
    /// To the analysis worker (an instance of its own): analyse a large rule;
    /// see `rule_analysis`.
    Analyse {
        version: u32,
        request: super::rule_analysis::RuleRequest,
    },
    /// To the analysis worker: the custom context is the JSON text in the Blob beside this
    /// message (an empty Blob clears it); see `rule_analysis`.
    SetContext {
        version: u32,
    },
    /// To the analysis worker: the custom context's members named `roots`, as JSON.
    ContextSubset {
        version: u32,
        roots: Vec<String>,
    },
    /// To the analysis worker: the rule as SQL; see `copy_sql`.
    Sql {
        version: u32,
        request: super::copy_sql::SqlRequest,
    },
    /// To the analysis worker: a large rule's text changed there (`rule_analysis::RuleJob`).
    EditRule {
        version: u32,
        text: String,
        job: super::rule_analysis::RuleJob,
    },
    /// To the analysis worker: a large body's job for the connection in `json`
    /// (`preview_worker::BodyJob`).
    Body {
        version: u32,
        json: String,
        job: super::preview_worker::BodyJob,
    },
    /// Rehearse a run of `rehearse` over a generated portfolio, so that all
    /// is compiled by the browser's optimising tier before the first run.
    /// (The helper workers start as the worker loads: `dry_run::worker_url`.)
    Prepare {
        rehearse: RunSpec,
    },
    /// To a helper worker: evaluate the NDJSON lines that start in bytes
    /// `start..end` of the Blob beside this message, for run `run` of this
    /// rule; the tally comes back as `RangeDone`.
    Range {
        run: u32,
        seq: u32,
        spec: RunSpec,
        start: f64,
        end: f64,
    },
}

/// What a run evaluates: sent with `Start`, and again with each `Range` so a
/// helper builds the same plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    pub rule: String,
    /// `YYYY-MM-DD`; empty for each loan's `current-date`.
    pub today: String,
    pub id_field: String,
    /// The builder's groups and conditions as rule text, counted one by one.
    pub items: Vec<String>,
}

impl RunSpec {
    /// The engine's options for this run, keeping every row for the tables;
    /// an unreadable date is the user's error, in words.
    pub fn options(&self) -> Result<Options, String> {
        let today = match self.today.trim() {
            "" => None,
            text => Some(
                text.parse::<Date>()
                    .map_err(|e| format!("Evaluate as of: {e}"))?,
            ),
        };
        Ok(Options {
            today,
            id_field: self.id_field.clone(),
            keep_rows: true,
            max_errors: 100_000,
            max_near_misses: 100_000,
            items: self.items.clone(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TableKind {
    Fired,
    NearMisses,
    Errors,
}

impl TableKind {
    pub fn file_name(self) -> &'static str {
        match self {
            TableKind::Fired => "dry-run-fired.csv",
            TableKind::NearMisses => "dry-run-near-misses.csv",
            TableKind::Errors => "dry-run-errors.csv",
        }
    }
}

/// The worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker's handler is installed: messages sent before this would be lost.
    Ready,
    Progress(Progress),
    Done {
        run: u32,
        summary: Box<Summary>,
    },
    /// The rule does not compile, or the file is not a portfolio.
    Failed {
        run: u32,
        message: String,
    },
    Rows {
        run: u32,
        table: TableKind,
        total: u32,
        offset: u32,
        rows: Vec<Vec<String>>,
    },
    /// An export's Blob is beside this message.
    Exported {
        run: u32,
        table: TableKind,
    },
    /// The sample portfolio's Blob is beside this message.
    Generated {
        name: String,
    },
    ReconcileProgress {
        run: u32,
        bytes_read: f64,
        bytes_total: f64,
        events_read: f64,
    },
    Reconciled {
        run: u32,
        summary: hookwright_core::youlend::reconcile::Summary,
        tables: Vec<TableHead>,
        millis: f64,
    },
    ReconcileRows {
        run: u32,
        window: RowsWindow,
    },
    /// The CSV's Blob is beside this message.
    ReconcileExported {
        run: u32,
        table: usize,
    },
    ReconcileFailed {
        run: u32,
        reason: String,
    },
    /// A helper's range is done: its tally travels beside this message as
    /// bincode in an ArrayBuffer (far cheaper than a JavaScript object per
    /// near miss); `lines` is how many lines the range held.
    RangeDone {
        run: u32,
        seq: u32,
        lines: f64,
        work_ms: f64,
    },
    /// How far a helper's range is.
    RangeProgress {
        run: u32,
        seq: u32,
        bytes: f64,
        loans: f64,
        fired: f64,
        errors: f64,
    },
    RangeFailed {
        run: u32,
        message: String,
    },
}

/// The analysis worker's replies (`rule_analysis`, `copy_sql`): an enum of
/// their own, so the page, which reads only these, does not carry the decoder
/// of every `FromWorker` reply. Its `Ready` is the worker's `FromWorker::Ready`
/// on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AnalysisReply {
    Ready,
    /// A rule's analysis (`rule_analysis::RuleReport` as JSON: one string crosses, not a tree of objects).
    Analysed {
        version: u32,
        report: String,
    },
    /// The custom context was read: its size, and why it is not usable, if it is not.
    ContextRead {
        version: u32,
        bytes: f64,
        error: Option<hookwright_core::Error>,
    },
    /// The members asked for as a JSON object, or why the context is not usable.
    ContextSubset {
        version: u32,
        json: Result<String, hookwright_core::Error>,
    },
    /// The query `Sql` asked for, or why the rule has none.
    Sql {
        version: u32,
        result: Result<String, String>,
    },
    /// The rule text an `EditRule` made; `None` when it could not.
    RuleEdited {
        version: u32,
        text: Option<String>,
    },
    /// A `Body` job's answer, as JSON (`preview_worker`).
    BodyDone {
        version: u32,
        json: String,
    },
}

/// Counts are f64: exact far beyond any portfolio, and plain JavaScript numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub run: u32,
    pub bytes: f64,
    pub total_bytes: f64,
    pub loans: f64,
    pub fired: f64,
    pub errors: f64,
    pub elapsed_ms: f64,
    /// Of which evaluating (the rest is waiting for the file); with helpers, this worker's.
    pub work_ms: f64,
    /// Workers that shared the file (1: this one alone).
    pub workers: u32,
}

impl Progress {
    pub fn rate(&self) -> f64 {
        if self.elapsed_ms > 0.0 {
            self.loans / self.elapsed_ms * 1000.0
        } else {
            0.0
        }
    }

    /// Seconds left at the rate so far, from the bytes still to read.
    pub fn eta_seconds(&self) -> Option<f64> {
        (self.bytes > 0.0 && self.total_bytes >= self.bytes && self.elapsed_ms > 0.0)
            .then(|| (self.total_bytes - self.bytes) / self.bytes * self.elapsed_ms / 1000.0)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClauseCount {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub col: usize,
    pub counts: [f64; 3],
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiffSummary {
    pub newly_firing: f64,
    pub no_longer_firing: f64,
    /// The first ids of each, for the page to list.
    pub newly_ids: Vec<String>,
    pub no_longer_ids: Vec<String>,
}

/// A finished run, without its big tables (those stay in the worker).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub progress: Progress,
    pub format: String,
    pub loans: f64,
    pub fired: f64,
    pub not_fired: f64,
    pub errors: f64,
    pub near_misses: f64,
    pub clauses: Vec<ClauseCount>,
    /// Per builder item (as sent in `RunSpec::items`): true, false, error.
    pub items: Vec<[f64; 3]>,
    pub notes: Vec<String>,
    pub conditions: Vec<String>,
    pub near_by_condition: Vec<f64>,
    /// The fired table's columns: the id, then each variable the rule reads.
    pub columns: Vec<String>,
    /// Against the previous run of the same portfolio.
    pub diff: Option<DiffSummary>,
}

/// A table's sort, filter and the row order they give.
type View = (Option<(usize, bool)>, String, Vec<u32>);

/// A finished run's tables, kept in the worker as the engine made them:
/// a row's cells are written out only when the page shows, sorts, filters
/// or exports it (a run may keep 100,000 near misses).
#[derive(Debug, Default)]
pub struct Store {
    pub run: u32,
    fired: Vec<FiredRow>,
    near: NearMisses,
    errors: Vec<RecordError>,
    /// The conditions near misses name, by index.
    conditions: Vec<String>,
    columns: HashMap<TableKind, Vec<String>>,
    /// The last view of each table (sort, filter) and its row order.
    views: HashMap<TableKind, View>,
}

impl Store {
    /// Keeps a report's tables and gives the page its summary.
    pub fn new(
        run: u32,
        report: Report,
        format: &str,
        variables: &[String],
        id_field: &str,
    ) -> (Store, Summary) {
        let t = &report.tally;
        let summary = Summary {
            progress: Progress::default(),
            format: format.to_string(),
            loans: t.loans as f64,
            fired: t.fired as f64,
            not_fired: t.not_fired as f64,
            errors: t.error_count as f64,
            near_misses: t.near_miss_count as f64,
            clauses: report
                .clauses
                .iter()
                .map(|c| ClauseCount {
                    text: c.text.clone(),
                    start: c.start,
                    end: c.end,
                    line: c.line,
                    col: c.col,
                    counts: [
                        c.true_count as f64,
                        c.false_count as f64,
                        c.error_count as f64,
                    ],
                })
                .collect(),
            items: t
                .item_counts
                .iter()
                .map(|c| [c[0] as f64, c[1] as f64, c[2] as f64])
                .collect(),
            notes: report.notes.clone(),
            conditions: report.conditions.clone(),
            near_by_condition: t.near_miss_by_condition.iter().map(|&n| n as f64).collect(),
            columns: std::iter::once(id_field.to_string())
                .chain(variables.iter().cloned())
                .collect(),
            diff: None,
        };
        let Report {
            tally, conditions, ..
        } = report;
        let mut columns = HashMap::new();
        columns.insert(TableKind::Fired, summary.columns.clone());
        columns.insert(
            TableKind::NearMisses,
            vec![
                "line".into(),
                id_field.into(),
                "would fire if this changed".into(),
            ],
        );
        columns.insert(
            TableKind::Errors,
            vec!["line".into(), id_field.into(), "message".into()],
        );
        (
            Store {
                run,
                fired: tally.rows,
                near: tally.near_misses,
                errors: tally.errors,
                conditions,
                columns,
                views: HashMap::new(),
            },
            summary,
        )
    }

    fn len(&self, table: TableKind) -> usize {
        match table {
            TableKind::Fired => self.fired.len(),
            TableKind::NearMisses => self.near.len(),
            TableKind::Errors => self.errors.len(),
        }
    }

    /// One cell's text (empty past the row's end).
    fn cell(&self, table: TableKind, row: usize, column: usize) -> Cow<'_, str> {
        match table {
            TableKind::Fired => {
                let r = &self.fired[row];
                match column {
                    0 => Cow::Borrowed(r.id.as_str()),
                    c => Cow::Borrowed(r.values.get(c - 1).map_or("", String::as_str)),
                }
            }
            TableKind::NearMisses => {
                let Some(m) = self.near.get(row) else {
                    return Cow::Borrowed("");
                };
                match column {
                    0 => Cow::Owned(m.line.to_string()),
                    1 => m.id.map_or(Cow::Borrowed(""), id_text),
                    2 => Cow::Owned(
                        m.conditions
                            .iter()
                            .map(|&c| self.conditions[c as usize].as_str())
                            .collect::<Vec<_>>()
                            .join(" or "),
                    ),
                    _ => Cow::Borrowed(""),
                }
            }
            TableKind::Errors => {
                let e = &self.errors[row];
                match column {
                    0 => Cow::Owned(e.line.to_string()),
                    1 => e.id.as_deref().map_or(Cow::Borrowed(""), id_text),
                    2 => Cow::Borrowed(e.message.as_str()),
                    _ => Cow::Borrowed(""),
                }
            }
        }
    }

    fn row(&self, table: TableKind, row: usize) -> Vec<String> {
        (0..self.columns[&table].len())
            .map(|c| self.cell(table, row, c).into_owned())
            .collect()
    }

    /// Row indexes after filtering (case-insensitive, any cell) and sorting
    /// (numbers by value, then text), cached per table.
    fn order(&mut self, table: TableKind, sort: Option<(usize, bool)>, filter: &str) -> &[u32] {
        let fresh = self
            .views
            .get(&table)
            .is_none_or(|(s, f, _)| *s != sort || f != filter);
        if fresh {
            let needle = filter.trim().to_lowercase();
            let width = self.columns[&table].len();
            let mut order: Vec<u32> = (0..self.len(table) as u32)
                .filter(|&i| {
                    needle.is_empty()
                        || (0..width).any(|c| {
                            self.cell(table, i as usize, c)
                                .to_lowercase()
                                .contains(&needle)
                        })
                })
                .collect();
            if let Some((column, descending)) = sort {
                let keys: Vec<(Option<rust_decimal::Decimal>, String)> = order
                    .iter()
                    .map(|&i| {
                        let text = self.cell(table, i as usize, column);
                        (number_of(&text), text.to_lowercase())
                    })
                    .collect();
                let mut idx: Vec<usize> = (0..order.len()).collect();
                idx.sort_by(|&a, &b| {
                    let (na, ta) = &keys[a];
                    let (nb, tb) = &keys[b];
                    match (na, nb) {
                        (Some(x), Some(y)) => x.cmp(y),
                        (Some(_), None) => std::cmp::Ordering::Less,
                        (None, Some(_)) => std::cmp::Ordering::Greater,
                        (None, None) => ta.cmp(tb),
                    }
                });
                if descending {
                    idx.reverse();
                }
                order = idx.into_iter().map(|k| order[k]).collect();
            }
            self.views.insert(table, (sort, filter.to_string(), order));
        }
        &self.views[&table].2
    }

    /// A window of rows: (total after filtering, rows).
    pub fn window(
        &mut self,
        table: TableKind,
        sort: Option<(usize, bool)>,
        filter: &str,
        offset: u32,
        limit: u32,
    ) -> (u32, Vec<Vec<String>>) {
        let order = self.order(table, sort, filter).to_vec();
        let total = order.len() as u32;
        let window = order
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .map(|&i| self.row(table, i as usize))
            .collect();
        (total, window)
    }

    /// The table as CSV in its current order and filter.
    pub fn csv(&mut self, table: TableKind) -> String {
        let (sort, filter) = self
            .views
            .get(&table)
            .map(|(s, f, _)| (*s, f.clone()))
            .unwrap_or_default();
        let order = self.order(table, sort, &filter).to_vec();
        let mut out = String::new();
        let columns = self.columns[&table].clone();
        csv::write_row(&mut out, columns.iter().map(|c| (c.as_str(), false)));
        for i in order {
            let row = self.row(table, i as usize);
            // A number (`-2.50`) is written as it is; only text is guarded against formulas.
            csv::write_row(
                &mut out,
                row.iter().map(|c| (c.as_str(), is_number_text(c))),
            );
        }
        out
    }
}

/// A message on the wire: `{data, <key>: attachment}`, the attachment a
/// Blob or an ArrayBuffer travelling beside the serialized message.
pub fn pack(message: &impl Serialize, attachment: Option<(&str, &JsValue)>) -> Option<Object> {
    let data = serde_wasm_bindgen::to_value(message).ok()?;
    let envelope = Object::new();
    let _ = Reflect::set(&envelope, &"data".into(), &data);
    if let Some((key, value)) = attachment {
        let _ = Reflect::set(&envelope, &key.into(), value);
    }
    Some(envelope)
}

/// The message of an envelope [`pack`] made; `None` for anything else.
pub fn unpack<T: serde::de::DeserializeOwned>(envelope: &JsValue) -> Option<T> {
    let data = Reflect::get(envelope, &"data".into()).ok()?;
    serde_wasm_bindgen::from_value(data).ok()
}

/// The Blob beside an envelope's message, if there is one.
pub fn attached_blob(envelope: &JsValue, key: &str) -> Option<Blob> {
    Reflect::get(envelope, &key.into()).ok()?.dyn_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookwright_core::dryrun::{Evaluator, Options, Plan, Reader};

    #[test]
    fn helpers_are_read_from_an_address_query() {
        assert_eq!(helpers_asked("?dry-run&dryrun-helpers=2"), Some(2));
        assert_eq!(helpers_asked("dryrun-helpers=0"), Some(0));
        assert_eq!(helpers_asked("?dry-run"), None);
        assert_eq!(helpers_asked("?dryrun-helpers=two"), None);
        assert_eq!(helpers_asked(""), None);
    }

    fn store(text: &str) -> (Store, Summary) {
        let options = Options {
            keep_rows: true,
            ..Options::default()
        };
        let plan = Plan::new(
            r#"(and (> status-amount-due 10) (= loan-status "Open"))"#,
            options,
        )
        .unwrap();
        let mut reader = Reader::new();
        let mut ev = Evaluator::new(&plan);
        let mut tally = plan.tally();
        tally.merge(
            ev.batch(&reader.feed(text.as_bytes()).unwrap()),
            plan.options(),
        );
        tally.merge(ev.batch(&reader.finish().unwrap()), plan.options());
        let variables = plan.variables().to_vec();
        Store::new(1, plan.report(tally), "NDJSON", &variables, "loan-id")
    }

    #[test]
    fn tables_sort_filter_window_and_export() {
        let (mut s, summary) = store(
            "{\"loan-id\": 1, \"status-amount-due\": 100, \"loan-status\": \"Open\"}\n\
             {\"loan-id\": 2, \"status-amount-due\": 20.5, \"loan-status\": \"Open\"}\n\
             {\"loan-id\": 3, \"status-amount-due\": 9, \"loan-status\": \"Open\"}\n\
             {\"loan-id\": 4, \"status-amount-due\": 300, \"loan-status\": \"Open\"}\n",
        );
        assert_eq!(summary.fired, 3.0);
        assert_eq!(
            summary.columns,
            ["loan-id", "status-amount-due", "loan-status"]
        );
        let (total, rows) = s.window(TableKind::Fired, Some((1, false)), "", 0, 10);
        assert_eq!(total, 3);
        let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(ids, ["2", "1", "4"]);
        let (total, rows) = s.window(TableKind::Fired, Some((1, true)), "", 1, 1);
        assert_eq!((total, rows[0][0].as_str()), (3, "1"));
        let (total, _) = s.window(TableKind::Fired, None, "20.5", 0, 10);
        assert_eq!(total, 1);
        assert_eq!(
            s.csv(TableKind::Fired),
            "loan-id,status-amount-due,loan-status\r\n2,20.5,Open\r\n"
        );
        let (total, rows) = s.window(TableKind::NearMisses, None, "", 0, 10);
        assert_eq!(total, 1);
        assert_eq!(rows[0], ["3", "3", "(> status-amount-due 10)"]);
    }

    #[test]
    fn a_negative_number_exports_as_a_number_and_ids_read_as_text_in_every_table() {
        // The exports wrote a negative number (an id -7, an amount -2.50) as `'-7`, text, since
        // every cell was defused as if typed by someone; and the near misses and errors tables
        // showed an id as its JSON: `"M\u00fcller-2"` with its quotes and escape, where the
        // fired table shows `Müller-2`.
        let (mut s, _) = store(
            "{\"loan-id\": -7, \"status-amount-due\": 12.50, \"loan-status\": \"Open\"}\n\
             {\"loan-id\": \"M\\u00fcller-2\", \"status-amount-due\": -2.50, \"loan-status\": \"Open\"}\n\
             {\"loan-id\": \"=1+1\", \"status-amount-due\": 50, \"loan-status\": \"Open\"}\n\
             {\"loan-id\": \"-x\", \"status-amount-due\": \"5\", \"loan-status\": \"Open\"}\n",
        );
        assert_eq!(
            s.csv(TableKind::Fired),
            "loan-id,status-amount-due,loan-status\r\n-7,12.50,Open\r\n'=1+1,50,Open\r\n"
        );
        let (_, near) = s.window(TableKind::NearMisses, None, "", 0, 10);
        assert_eq!(near[0][..2], ["2", "Müller-2"]);
        assert_eq!(
            s.csv(TableKind::NearMisses),
            "line,loan-id,would fire if this changed\r\n2,Müller-2,(> status-amount-due 10)\r\n"
        );
        let (_, errors) = s.window(TableKind::Errors, None, "", 0, 10);
        assert_eq!(errors[0][..2], ["4", "-x"]);
        assert!(
            s.csv(TableKind::Errors).contains("\r\n4,'-x,"),
            "{}",
            s.csv(TableKind::Errors)
        );
        let (total, _) = s.window(TableKind::NearMisses, None, "müller", 0, 10);
        assert_eq!(total, 1);
    }

    #[test]
    fn a_column_sorts_numbers_by_their_exact_value() {
        // Sorting read each number as a float: 19-digit ids (and any two numbers equal to 16
        // significant digits) compared equal and stayed in file order.
        let (mut s, _) = store(
            "{\"loan-id\": 1234567890123456789, \"status-amount-due\": 20, \"loan-status\": \"Open\"}\n\
             {\"loan-id\": 1234567890123456788, \"status-amount-due\": 20, \"loan-status\": \"Open\"}\n\
             {\"loan-id\": 99, \"status-amount-due\": 10000000000000000.02, \"loan-status\": \"Open\"}\n\
             {\"loan-id\": 98, \"status-amount-due\": 10000000000000000.01, \"loan-status\": \"Open\"}\n\
             {\"loan-id\": \"nan\", \"status-amount-due\": 11, \"loan-status\": \"Open\"}\n",
        );
        let (_, rows) = s.window(TableKind::Fired, Some((0, false)), "", 0, 10);
        let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            ids,
            [
                "98",
                "99",
                "1234567890123456788",
                "1234567890123456789",
                "nan"
            ]
        );
        let (_, rows) = s.window(TableKind::Fired, Some((1, false)), "", 0, 10);
        let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            ids,
            [
                "nan",
                "1234567890123456789",
                "1234567890123456788",
                "98",
                "99"
            ]
        );
    }

    #[test]
    fn eta_from_bytes() {
        let p = Progress {
            bytes: 25.0,
            total_bytes: 100.0,
            elapsed_ms: 1000.0,
            loans: 50.0,
            ..Progress::default()
        };
        assert_eq!(p.eta_seconds(), Some(3.0));
        assert_eq!(p.rate(), 50.0);
    }
}
