//! The rule's analysis off the main thread: a rule over `LIVE_ANALYSIS_MAX`
//! is analysed by the engine in a `dryrun_worker` instance of its own (a
//! running dry run never delays it) once typing pauses; a small one at once
//! in the page, as before. The worker also holds the custom context when it is
//! large (see `custom_context`), so megabytes are parsed there, never in the page.
//! Requests are versioned: an answer to an older request is dropped (`worker_link::Newest`).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use hookwright_core::analysis::{
    analyze_rule, catalog_for, ItemOutcome, Mark, RuleAnalysis, CUSTOM_SAMPLE,
};
use hookwright_core::connection::Source;
use hookwright_core::connection::{Connection, Payload};
use hookwright_core::context::parse_json;
use hookwright_core::dryrun::CountedItem;
use hookwright_core::rule::edit::{self, Edit};
use hookwright_core::rule::model::{
    Condition, Expression, Group, Item, ItemPath, Match, RuleModel,
};
use hookwright_core::rule::Date;
use hookwright_core::rule::Rule;
use hookwright_core::value::Map;
use hookwright_core::{samples, Context, Error, ErrorKind, Template, Value};
use serde::{Deserialize, Serialize};
use web_sys::Blob;
use yew::prelude::*;

use super::code_editor::SUMMARY_ABOVE;
use super::dry_run_protocol::{AnalysisReply, ToWorker};
use super::rule_builder::{Cut, Results, FIRST_DEPTH, FIRST_ROWS};
use super::templating::{use_debounced, CustomSample, ANALYSIS_DELAY_MS, LIVE_ANALYSIS_MAX};
use super::worker_link::{use_newest, WorkerLink};
use crate::state::ContextFile;

/// More builder items than this are not sent to the page: drawing or even
/// decoding them would hold the main thread; the builder says so instead.
pub const BUILDER_MAX_ITEMS: usize = 10_000;
/// Problems listed at most; the rest are counted in one last line.
const FINDINGS_MAX: usize = 1_000;

/// A value shared by pointer, so memo dependencies compare cheaply.
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// What the worker analyses: the rule, and the sample by id (`custom`: the context it holds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRequest {
    pub text: String,
    pub source: Source,
    pub sample: String,
    /// `YYYY-MM-DD` from the page's clock; empty when unknown.
    pub today: String,
    pub event_trigger: bool,
    /// The whole builder model ("Show all"); otherwise only the items the
    /// builder draws first (`rule_builder::FIRST_ROWS`, `FIRST_DEPTH`).
    pub full: bool,
}

/// The engine's `RuleAnalysis` on the wire, trimmed to what the page draws:
/// the builder's first items only (unless `full`), the dry run's items as
/// places in the rule text. Decoding and cloning 5,000 items in the page was
/// a 65–140 ms task; the builder draws 250 of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleReport {
    findings: Vec<Error>,
    /// The builder's model in pre-order, flat: JSON nested 600 deep is past
    /// serde_json's recursion limit, and a rule may nest 200 deep.
    model: Option<Vec<Node>>,
    /// Groups whose last items were left out of `model`, by builder path, with how many.
    cut: Vec<(ItemPath, usize)>,
    /// The builder's item count, when there are too many to send the model.
    too_many: Option<usize>,
    /// The value as JSON (exact decimals), or the evaluation's error.
    result: Option<Result<String, Error>>,
    marks: Vec<Mark>,
    /// The outcomes of the items in `model`.
    items: Vec<(ItemPath, ItemOutcome)>,
    dry_run_items: Vec<WireItem>,
}

/// A dry run's counted item whose text is, most often, a slice of the rule:
/// its depth, its label (`None`: the same as its text), and its text as
/// bytes `start..end` of the rule or, when not found there, as it is. A
/// tuple: JSON's field names would be most of 5,000 items' bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct WireItem(usize, Option<String>, usize, usize, Option<String>);

/// The counted items with each text found in the rule: pre-order, so an
/// item starts inside the previous one (its first child, one level deeper)
/// or after it. A text not found there is sent as it is.
fn wire_items(rule: &str, items: Vec<CountedItem>) -> Vec<WireItem> {
    let mut from = 0;
    let mut previous: Option<(usize, usize, usize)> = None;
    items
        .into_iter()
        .map(|item| {
            if let Some((depth, start, end)) = previous.take() {
                from = if item.depth > depth { start + 1 } else { end };
            }
            let found = rule
                .get(from..)
                .and_then(|rest| rest.find(item.text.as_str()))
                .map(|at| (from + at, from + at + item.text.len()));
            previous = found.map(|(start, end)| (item.depth, start, end));
            let label = (item.label != item.text).then_some(item.label);
            match found {
                Some((start, end)) => WireItem(item.depth, label, start, end, None),
                None => WireItem(item.depth, label, 0, 0, Some(item.text)),
            }
        })
        .collect()
}

/// The builder's first items as `rule_builder` draws them (pre-order, at
/// most `rows` of them, groups deeper than `depth` without their items), the
/// groups cut short, and the paths of the items kept. Paths are the
/// builder's: from its top group, a rule that is not a group at `[0]`.
fn window(
    model: &RuleModel,
    rows: usize,
    depth: usize,
) -> (Item, Vec<(ItemPath, usize)>, Vec<ItemPath>) {
    struct Walk {
        left: usize,
        depth: usize,
        cut: Vec<(ItemPath, usize)>,
        kept: Vec<ItemPath>,
        path: ItemPath,
    }
    impl Walk {
        fn item(&mut self, item: &Item) -> Item {
            match item {
                Item::Group(g) => {
                    let mut items = Vec::new();
                    for (i, child) in g.items.iter().enumerate() {
                        if self.left == 0 || self.path.len() >= self.depth {
                            break;
                        }
                        self.left -= 1;
                        self.path.push(i);
                        self.kept.push(self.path.clone());
                        items.push(self.item(child));
                        self.path.pop();
                    }
                    if items.len() < g.items.len() {
                        self.cut
                            .push((self.path.clone(), g.items.len() - items.len()));
                    }
                    Item::Group(Group {
                        mode: g.mode,
                        items,
                    })
                }
                Item::Not(inner) => {
                    self.path.push(0);
                    self.kept.push(self.path.clone());
                    let inner = self.item(inner);
                    self.path.pop();
                    Item::Not(Box::new(inner))
                }
                other => other.clone(),
            }
        }
    }
    let mut walk = Walk {
        left: rows,
        depth,
        cut: Vec::new(),
        kept: vec![Vec::new()],
        path: Vec::new(),
    };
    let top = Item::Group(model.top_group());
    let root = match (walk.item(&top), &model.root) {
        (windowed, Item::Group(_)) => windowed,
        // The builder shows a lone item as "all of" it: the rule is that item again.
        (Item::Group(mut g), _) if g.items.len() == 1 => g.items.remove(0),
        (windowed, _) => windowed,
    };
    (root, walk.cut, walk.kept)
}

impl RuleReport {
    /// The report of `analysis` of `rule`: its builder's first items, or all of them when `full`.
    pub fn new(rule: &str, analysis: RuleAnalysis, full: bool) -> RuleReport {
        let RuleAnalysis {
            mut findings,
            model,
            result,
            marks,
            items,
            dry_run_items,
        } = analysis;
        if findings.len() > FINDINGS_MAX {
            let more = findings.len() - FINDINGS_MAX;
            findings.truncate(FINDINGS_MAX);
            findings.push(Error::warning(
                ErrorKind::Syntax,
                format!("and {more} more problems, not listed"),
                None,
            ));
        }
        let too_many = (dry_run_items.len() > BUILDER_MAX_ITEMS).then_some(dry_run_items.len());
        let (model, cut, items) = match (too_many, model) {
            (Some(_), _) | (None, None) => (None, Vec::new(), Vec::new()),
            (None, Some(m)) if full => (
                Some(flatten(&m.root)),
                Vec::new(),
                items.into_iter().collect(),
            ),
            (None, Some(m)) => {
                let (root, cut, kept) = window(&m, FIRST_ROWS, FIRST_DEPTH);
                let items = kept
                    .into_iter()
                    .filter_map(|path| items.get(&path).map(|&outcome| (path, outcome)))
                    .collect();
                (Some(flatten(&root)), cut, items)
            }
        };
        let dry_run_items = match too_many {
            Some(_) => Vec::new(),
            None => wire_items(rule, dry_run_items),
        };
        RuleReport {
            findings,
            model,
            cut,
            too_many,
            result: result.map(|r| r.map(|v| v.to_json())),
            marks,
            items,
            dry_run_items,
        }
    }

    /// Back into the engine's analysis of `rule` (the text it was made of),
    /// with the groups cut short and the item count when the model was left out.
    fn into_analysis(self, rule: &str) -> (RuleAnalysis, Cut, Option<usize>) {
        let dry_run_items = self
            .dry_run_items
            .into_iter()
            .map(|WireItem(depth, label, start, end, own)| {
                let text =
                    own.unwrap_or_else(|| rule.get(start..end).unwrap_or_default().to_string());
                CountedItem {
                    depth,
                    label: label.unwrap_or_else(|| text.clone()),
                    text,
                }
            })
            .collect();
        let analysis = RuleAnalysis {
            findings: self.findings,
            model: self
                .model
                .and_then(unflatten)
                .map(|root| RuleModel { root }),
            result: self.result.map(|r| r.and_then(|json| parse_json(&json))),
            marks: self.marks,
            items: self.items.into_iter().collect(),
            dry_run_items,
        };
        (analysis, self.cut.into_iter().collect(), self.too_many)
    }
}

/// A builder item without its children, which follow it (pre-order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Node {
    /// A group and how many items it has.
    Group(Match, usize),
    Not,
    Condition(Condition),
    Expression(Expression),
}

fn flatten(root: &Item) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(item) = stack.pop() {
        out.push(match item {
            Item::Group(g) => {
                stack.extend(g.items.iter().rev());
                Node::Group(g.mode, g.items.len())
            }
            Item::Not(inner) => {
                stack.push(inner);
                Node::Not
            }
            Item::Condition(c) => Node::Condition(c.clone()),
            Item::Expression(e) => Node::Expression(e.clone()),
        });
    }
    out
}

/// The tree [`flatten`] flattened; `None` for a list it did not make.
fn unflatten(nodes: Vec<Node>) -> Option<Item> {
    enum Open {
        Group(Match, usize, Vec<Item>),
        Not,
    }
    let mut stack: Vec<Open> = Vec::new();
    let count = nodes.len();
    for (at, node) in nodes.into_iter().enumerate() {
        let mut done = match node {
            Node::Group(mode, 0) => Some(Item::Group(Group {
                mode,
                items: Vec::new(),
            })),
            Node::Group(mode, n) => {
                stack.push(Open::Group(mode, n, Vec::with_capacity(n.min(count))));
                None
            }
            Node::Not => {
                stack.push(Open::Not);
                None
            }
            Node::Condition(c) => Some(Item::Condition(c)),
            Node::Expression(e) => Some(Item::Expression(e)),
        };
        while let Some(item) = done.take() {
            match stack.last_mut() {
                None => return (at + 1 == count).then_some(item),
                Some(Open::Not) => {
                    stack.pop();
                    done = Some(Item::Not(Box::new(item)));
                }
                Some(Open::Group(mode, n, items)) => {
                    items.push(item);
                    if items.len() == *n {
                        let mode = *mode;
                        let items = std::mem::take(items);
                        stack.pop();
                        done = Some(Item::Group(Group { mode, items }));
                    }
                }
            }
        }
    }
    None
}

/// A change to a large rule's text, made in the analysis worker: the page
/// holds neither its whole builder model nor time to format megabytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RuleJob {
    /// The canonical layout (the Format button).
    Format,
    /// A builder edit at a path of the whole model (the page has its first items only).
    Builder { path: Vec<usize>, edit: WireEdit },
}

/// `rule::edit::Edit` on the wire, an item as its rule text (the page then
/// carries no serialiser for the model's types), an expression as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WireEdit {
    SetMode(Match),
    Add(ItemText),
    Remove,
    Move(isize),
    ToggleNot,
    Replace(ItemText),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ItemText {
    /// A group or condition, read back by the rule parser.
    Rule(String),
    /// An expression block's text, which may not parse yet.
    Expression(String),
}

impl ItemText {
    fn new(item: Item) -> ItemText {
        match item {
            Item::Expression(e) => ItemText::Expression(e.text),
            other => ItemText::Rule(RuleModel { root: other }.to_text()),
        }
    }

    fn into_item(self) -> Option<Item> {
        match self {
            ItemText::Rule(text) => edit::model_of(&text).ok().map(|m| m.root),
            ItemText::Expression(text) => Some(Item::Expression(Expression { text })),
        }
    }
}

impl WireEdit {
    pub fn new(edit: Edit) -> WireEdit {
        match edit {
            Edit::SetMode(mode) => WireEdit::SetMode(mode),
            Edit::Add(item) => WireEdit::Add(ItemText::new(item)),
            Edit::Remove => WireEdit::Remove,
            Edit::Move(by) => WireEdit::Move(by),
            Edit::ToggleNot => WireEdit::ToggleNot,
            Edit::Replace(item) => WireEdit::Replace(ItemText::new(item)),
        }
    }

    fn into_edit(self) -> Option<Edit> {
        Some(match self {
            WireEdit::SetMode(mode) => Edit::SetMode(mode),
            WireEdit::Add(item) => Edit::Add(item.into_item()?),
            WireEdit::Remove => Edit::Remove,
            WireEdit::Move(by) => Edit::Move(by),
            WireEdit::ToggleNot => Edit::ToggleNot,
            WireEdit::Replace(item) => Edit::Replace(item.into_item()?),
        })
    }
}

/// The rule text `job` makes of `text`; `None` when it cannot (the text
/// does not parse, the path does not fit).
pub fn run_job(text: &str, job: RuleJob) -> Option<String> {
    match job {
        RuleJob::Format => hookwright_core::rule::format(text).ok(),
        RuleJob::Builder { path, edit } => edit::edit_text(text, &path, edit.into_edit()?),
    }
}

/// The analysis a panel draws, and the rule text (of which connection) it is of.
#[derive(Debug, Default, PartialEq)]
pub struct Analysed {
    pub id: String,
    pub text: String,
    pub analysis: RuleAnalysis,
    /// The builder's item count when it is too large to draw.
    pub too_many: Option<usize>,
    /// The builder items' outcomes, shared with the builder by pointer.
    pub results: Rc<Results>,
    /// Groups of the model whose last items the worker left out (the
    /// builder's "Show all" asks for them); empty when the model is whole.
    pub cut: Rc<Cut>,
}

impl Analysed {
    fn new(
        id: &str,
        text: &str,
        analysis: RuleAnalysis,
        cut: Cut,
        too_many: Option<usize>,
    ) -> Analysed {
        Analysed {
            id: id.to_string(),
            text: text.to_string(),
            results: Rc::new(analysis.items.clone()),
            analysis,
            cut: Rc::new(cut),
            too_many,
        }
    }

    /// Whether the rule parses (the builder may still be too large to draw it).
    pub fn parses(&self) -> bool {
        self.analysis.model.is_some() || self.too_many.is_some()
    }
}

/// What a panel asks for: compared by value, the context by pointer.
#[derive(Clone, PartialEq)]
pub struct RuleInput {
    pub id: String,
    pub text: String,
    pub source: Source,
    pub sample: String,
    /// The sample's context in the page (a small custom one, or a built-in sample).
    pub context: Shared<Result<Context, Error>>,
    pub event_trigger: bool,
    pub today: Option<Date>,
    /// The builder's whole model, not just its first items.
    pub full: bool,
}

impl RuleInput {
    fn here(&self) -> Analysed {
        let analysis = analyze_rule(
            &self.text,
            catalog_for(self.source),
            self.context.0.as_ref().as_ref().ok(),
            self.today,
            self.event_trigger,
        );
        Analysed::new(&self.id, &self.text, analysis, Cut::new(), None)
    }

    fn request(&self) -> RuleRequest {
        RuleRequest {
            text: self.text.clone(),
            source: self.source,
            sample: self.sample.clone(),
            today: self.today.map(|d| d.to_string()).unwrap_or_default(),
            event_trigger: self.event_trigger,
            full: self.full,
        }
    }
}

/// The page's end of the analysis worker: one for the page (`App` provides
/// it), started on first use; each answer goes to whoever asked.
#[derive(Clone)]
pub struct AnalysisWorker {
    link: WorkerLink<AnalysisReply>,
    waiting: Rc<RefCell<HashMap<u32, Callback<AnalysisReply>>>>,
    next: Rc<Cell<u32>>,
    /// The custom context's text, until the worker has it (sent before the
    /// next request, so a page that never asks never starts the worker).
    context: Rc<RefCell<Option<Blob>>>,
}

impl PartialEq for AnalysisWorker {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.waiting, &other.waiting)
    }
}

impl Default for AnalysisWorker {
    fn default() -> Self {
        let waiting: Rc<RefCell<HashMap<u32, Callback<AnalysisReply>>>> = Rc::default();
        let route = {
            let waiting = waiting.clone();
            Callback::from(move |(reply, _): (AnalysisReply, Option<Blob>)| {
                let version = match &reply {
                    AnalysisReply::Analysed { version, .. }
                    | AnalysisReply::ContextRead { version, .. }
                    | AnalysisReply::ContextSubset { version, .. }
                    | AnalysisReply::Sql { version, .. }
                    | AnalysisReply::RuleEdited { version, .. }
                    | AnalysisReply::BodyDone { version, .. } => *version,
                    _ => return,
                };
                // Taken out before it runs: the answer may ask again.
                let answer = waiting.borrow_mut().remove(&version);
                if let Some(answer) = answer {
                    answer.emit(reply);
                }
            })
        };
        AnalysisWorker {
            link: WorkerLink::new(route),
            waiting,
            next: Rc::new(Cell::new(0)),
            context: Rc::default(),
        }
    }
}

impl AnalysisWorker {
    /// Sends the message `make` builds for a fresh version; `answer` gets the
    /// reply (wrap it with `worker_link::Newest` to take only the newest
    /// request's). `false` when no worker could start.
    pub fn ask(
        &self,
        make: impl FnOnce(u32) -> ToWorker,
        blob: Option<&Blob>,
        answer: Callback<AnalysisReply>,
    ) -> bool {
        let context = self.context.borrow_mut().take();
        if let Some(blob) = context {
            let version = self.next.get().wrapping_add(1);
            self.next.set(version);
            self.link
                .send(ToWorker::SetContext { version }, Some(&blob));
        }
        let version = self.next.get().wrapping_add(1);
        self.next.set(version);
        self.waiting.borrow_mut().insert(version, answer);
        let sent = self.link.send(make(version), blob);
        if !sent {
            self.waiting.borrow_mut().remove(&version);
        }
        sent
    }
}

impl AnalysisWorker {
    /// Runs `job` on the rule `text` in the worker; `answer` gets the new
    /// text, `None` when the job cannot be done. `false` when no worker could start.
    pub fn edit_rule(&self, text: String, job: RuleJob, answer: Callback<Option<String>>) -> bool {
        let reply = Callback::from(move |reply: AnalysisReply| {
            if let AnalysisReply::RuleEdited { text, .. } = reply {
                answer.emit(text);
            }
        });
        self.ask(
            |version| ToWorker::EditRule { version, text, job },
            None,
            reply,
        )
    }

    /// The custom context the worker evaluates with (the text as a Blob, read
    /// there); it goes to the worker before the next request.
    pub fn set_context(&self, text: &str) {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        *self.context.borrow_mut() = Blob::new_with_str_sequence(&parts).ok();
    }

    /// The custom context is this file (a dropped or picked File is a Blob):
    /// the worker reads it; the page never holds its text.
    pub fn set_context_file(&self, file: &Blob) {
        *self.context.borrow_mut() = Some(file.clone());
    }
}

#[hook]
pub fn use_analysis_worker() -> Option<AnalysisWorker> {
    use_context::<super::Handles>().map(|handles| handles.analysis)
}

/// The rule's analysis for a panel, and whether a newer one is on its way.
/// Small rules at once in the page; large ones in the worker once typing
/// pauses (the page keeps showing the last answer meanwhile, never another
/// connection's).
#[hook]
pub fn use_rule_analysis(input: RuleInput) -> (Rc<Analysed>, bool) {
    let large = input.text.len() > LIVE_ANALYSIS_MAX;
    let here = use_memo((!large).then(|| input.clone()), |input| {
        input.as_ref().map(|i| Rc::new(i.here()))
    });
    let settled = use_debounced(large.then(|| input.clone()), ANALYSIS_DELAY_MS);
    let answer = use_state(|| None::<Rc<Analysed>>);
    let newest = use_newest();
    let worker = use_analysis_worker();
    {
        let answer = answer.clone();
        use_effect_with(settled, move |settled| {
            if let Some(input) = settled.clone() {
                let asked = input.clone();
                let reply = {
                    let answer = answer.clone();
                    newest.request(move |reply: AnalysisReply| {
                        let AnalysisReply::Analysed { report, .. } = reply else {
                            return;
                        };
                        if let Ok(report) = serde_json::from_str::<RuleReport>(&report) {
                            let (analysis, cut, too_many) = report.into_analysis(&asked.text);
                            let analysed =
                                Analysed::new(&asked.id, &asked.text, analysis, cut, too_many);
                            answer.set(Some(Rc::new(analysed)));
                        }
                    })
                };
                let request = input.request();
                let sent = worker.is_some_and(|w| {
                    w.ask(
                        |version| ToWorker::Analyse { version, request },
                        None,
                        reply,
                    )
                });
                if !sent {
                    // No worker (a test page without its script): here, as for small rules.
                    answer.set(Some(Rc::new(input.here())));
                }
            }
        });
    }
    if let Some(here) = &*here {
        return (here.clone(), false);
    }
    let shown = (*answer)
        .clone()
        .filter(|a| a.id == input.id)
        .unwrap_or_else(|| {
            Rc::new(Analysed {
                id: input.id.clone(),
                ..Analysed::default()
            })
        });
    let analysing = shown.text != input.text;
    (shown, analysing)
}

/// In the analysis worker: the custom context it holds, and a request waiting while it is read.
#[derive(Default)]
pub struct Held {
    context: RefCell<Option<Result<Context, Error>>>,
    reading: Cell<Option<u32>>,
    /// Requests that came while a context was being read, answered after it.
    waiting: RefCell<Vec<ToWorker>>,
}

impl Held {
    /// Runs `f` with the custom context, when there is a usable one.
    pub fn with_custom<R>(&self, f: impl FnOnce(Option<&Context>) -> R) -> R {
        let context = self.context.borrow();
        f(context.as_ref().and_then(|c| c.as_ref().ok()))
    }
}

/// In the analysis worker: handles `Analyse` and `SetContext`.
pub fn in_worker(held: &Rc<Held>, message: ToWorker, blob: Option<Blob>) {
    match message {
        ToWorker::Analyse { .. } | ToWorker::ContextSubset { .. } | ToWorker::Body { .. }
            if held.reading.get().is_some() =>
        {
            held.waiting.borrow_mut().push(message);
        }
        ToWorker::Analyse { version, request } => answer(held, version, &request),
        ToWorker::Body { version, json, job } => {
            super::preview_worker::in_worker(held, version, &json, job)
        }
        ToWorker::EditRule { version, text, job } => {
            let text = run_job(&text, job);
            super::dry_run_worker::post(&AnalysisReply::RuleEdited { version, text }, None);
        }
        ToWorker::ContextSubset { version, roots } => {
            let json = match &*held.context.borrow() {
                Some(Ok(context)) => Ok(subset(context, &roots)),
                Some(Err(error)) => Err(error.clone()),
                None => Ok("{}".to_string()),
            };
            super::dry_run_worker::post(&AnalysisReply::ContextSubset { version, json }, None);
        }
        ToWorker::SetContext { version } => {
            held.reading.set(Some(version));
            let held = held.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = match blob {
                    Some(blob) => wasm_bindgen_futures::JsFuture::from(blob.text())
                        .await
                        .ok()
                        .and_then(|t| t.as_string())
                        .unwrap_or_default(),
                    None => String::new(),
                };
                let bytes = text.len() as f64;
                let context = CustomSample::parse(&text);
                drop(text);
                // A newer context is being read: this one is already stale.
                if held.reading.get() != Some(version) {
                    return;
                }
                let error = context.0.as_ref().as_ref().err().cloned();
                *held.context.borrow_mut() = Rc::try_unwrap(context.0).ok();
                held.reading.set(None);
                super::dry_run_worker::post(
                    &AnalysisReply::ContextRead {
                        version,
                        bytes,
                        error,
                    },
                    None,
                );
                let waiting = std::mem::take(&mut *held.waiting.borrow_mut());
                for message in waiting {
                    in_worker(&held, message, None);
                }
            });
        }
        _ => {}
    }
}

/// The context's top-level members named in `roots` (those present), as a JSON object.
fn subset(context: &Context, roots: &[String]) -> String {
    let mut members = Map::new();
    if let Value::Map(all) = context.root() {
        // In the context's own order.
        for (name, value) in all.iter().filter(|(name, _)| roots.contains(name)) {
            members.insert(name.clone(), value.clone());
        }
    }
    Value::Map(members).to_json()
}

/// The top-level members of a context that a connection reads: its rule's
/// variables (a small rule's; a large one is analysed in the worker, against
/// the whole context), its payload's variable list, its templates', and `current-date`.
pub fn roots_of(connection: &Connection) -> Vec<String> {
    let mut paths: Vec<String> = vec!["current-date".into()];
    let rule = connection.trigger.rule();
    if rule.len() <= LIVE_ANALYSIS_MAX {
        if let Some(compiled) = Rule::parse(rule).ok().and_then(|r| r.compile().ok()) {
            paths.extend(compiled.variables().iter().cloned());
        }
    }
    if let Payload::Variables { variables, .. } = &connection.request.payload {
        paths.extend(variables.iter().cloned());
    }
    for (_, source) in hookwright_core::lint::template_fields(connection) {
        if source.len() <= SUMMARY_ABOVE {
            if let Ok(template) = Template::parse(source) {
                paths.extend(template.variables().into_iter().map(|(name, _)| name));
            }
        }
    }
    let mut roots: Vec<String> = paths
        .iter()
        .map(|p| p.split('.').next().unwrap_or_default().to_string())
        .collect();
    hookwright_core::order::sort(&mut roots);
    roots.dedup();
    roots
}

/// Above this the custom context is parsed in the analysis worker, never in the page.
pub const WORKER_CONTEXT_ABOVE: usize = 64 * 1024;

/// The custom sample for the page: a small context parsed here; a large one
/// parsed and kept by the analysis worker, which sends the members the
/// selected connection reads (asked again when those change), so the main
/// thread never parses megabytes.
#[hook]
pub fn use_custom_sample_of(
    worker: AnalysisWorker,
    text: Rc<str>,
    file: Option<Rc<ContextFile>>,
    selected: Option<Rc<Connection>>,
) -> CustomSample {
    let large = text.len() > WORKER_CONTEXT_ABOVE || file.is_some();
    // What the worker holds: the text, or a file (by address: each load is new).
    let key = ContextKey(text.clone(), file.clone());
    let here = use_memo((!large).then(|| text.clone()), |text| {
        text.as_ref().map(|t| CustomSample::parse(t))
    });
    // Read only while a large context is in use.
    let roots = use_memo(selected.filter(|_| large), |c| {
        c.as_ref().map(|c| roots_of(c)).unwrap_or_default()
    });
    let answer = use_state(|| None::<(ContextKey, CustomSample)>);
    let newest = use_newest();
    {
        let answer = answer.clone();
        use_effect_with(
            (large.then(|| key.clone()), (*roots).clone()),
            move |(key, roots)| {
                let Some(key) = key.clone() else {
                    return;
                };
                let reply = newest.request(move |reply: AnalysisReply| {
                    let AnalysisReply::ContextSubset { json, .. } = reply else {
                        return;
                    };
                    let sample = match json {
                        Ok(json) => CustomSample(Rc::new(Context::from_json(&json))),
                        Err(error) => CustomSample(Rc::new(Err(error))),
                    };
                    answer.set(Some((key.clone(), sample)));
                });
                let roots = roots.clone();
                worker.ask(
                    |version| ToWorker::ContextSubset { version, roots },
                    None,
                    reply,
                );
            },
        );
    }
    if let Some(sample) = &*here {
        return sample.clone();
    }
    let bytes = file.as_ref().map_or(text.len() as f64, |f| f.bytes);
    match &*answer {
        Some((read, sample)) if *read == key => sample.clone(),
        _ => CustomSample(Rc::new(Err(Error::new(
            ErrorKind::Json,
            format!(
                "reading the {} MB context…",
                hookwright_core::dryrun::megabytes(bytes as u64)
            ),
            None,
        )))),
    }
}

/// Which custom context: compared by address, as texts may be megabytes.
#[derive(Clone)]
struct ContextKey(Rc<str>, Option<Rc<ContextFile>>);

impl PartialEq for ContextKey {
    fn eq(&self, other: &ContextKey) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
            && match (&self.1, &other.1) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
    }
}

fn answer(held: &Held, version: u32, request: &RuleRequest) {
    let context = held.context.borrow();
    let ctx = if request.sample == CUSTOM_SAMPLE {
        context.as_ref().and_then(|c| c.as_ref().ok())
    } else {
        samples::sample(&request.sample).map(|s| &s.context)
    };
    let analysis = analyze_rule(
        &request.text,
        catalog_for(request.source),
        ctx,
        request.today.parse().ok(),
        request.event_trigger,
    );
    let report = RuleReport::new(&request.text, analysis, request.full);
    let report = serde_json::to_string(&report).unwrap_or_default();
    super::dry_run_worker::post(&AnalysisReply::Analysed { version, report }, None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_crosses_as_json_and_comes_back_the_same_analysis() {
        let ctx = &samples::sample("loan-5-days-past-due").unwrap().context;
        let text = r#"(and (= status-days-past-due 5) (not (or (= loan-status "Open") (< status-amount-due 10.50))) (= nope 1))"#;
        let analysis = analyze_rule(text, catalog_for(Source::Loanpro), Some(ctx), None, false);
        let wire = serde_json::to_string(&RuleReport::new(text, analysis.clone(), false)).unwrap();
        let (back, cut, too_many) = serde_json::from_str::<RuleReport>(&wire)
            .unwrap()
            .into_analysis(text);
        assert_eq!((too_many, cut), (None, Cut::new()));
        assert_eq!(back, analysis);
    }

    #[test]
    fn a_rule_nested_200_deep_crosses_too() {
        let mut text = "(= loan-status \"Open\")".to_string();
        for i in 0..199 {
            let head = ["and", "or", "not"][i % 3];
            text = match head {
                "not" => format!("(not {text})"),
                _ => format!("({head} (> status-days-past-due {i}) {text})"),
            };
        }
        let analysis = analyze_rule(&text, catalog_for(Source::Loanpro), None, None, false);
        assert!(analysis.model.is_some(), "{:?}", analysis.findings);
        // The whole model when asked for it.
        let wire = serde_json::to_string(&RuleReport::new(&text, analysis.clone(), true)).unwrap();
        let (back, _, _) = serde_json::from_str::<RuleReport>(&wire)
            .unwrap()
            .into_analysis(&text);
        assert_eq!(back, analysis);
    }

    #[test]
    fn the_subset_holds_the_members_a_connection_reads() {
        let connection = hookwright_core::connection::examples().remove(0);
        let roots = roots_of(&connection);
        assert!(roots.contains(&"current-date".to_string()), "{roots:?}");
        assert!(roots.contains(&"loan-id".to_string()), "{roots:?}");
        let context =
            Context::from_json(r#"{"loan-id": 7, "big": [1, 2, 3], "current-date": "2026-01-02"}"#)
                .unwrap();
        let json = subset(&context, &roots);
        assert_eq!(json, r#"{"loan-id":7,"current-date":"2026-01-02"}"#);
    }

    #[test]
    fn a_huge_rule_sends_its_checks_and_marks_but_not_its_builder() {
        let clauses: Vec<String> = (0..BUILDER_MAX_ITEMS + 5)
            .map(|i| format!("(> status-days-past-due {i})"))
            .collect();
        let text = format!("(or {})", clauses.join(" "));
        let ctx = &samples::sample("loan-5-days-past-due").unwrap().context;
        let analysis = analyze_rule(&text, catalog_for(Source::Loanpro), Some(ctx), None, false);
        let (back, _, too_many) =
            RuleReport::new(&text, analysis.clone(), false).into_analysis(&text);
        assert_eq!(too_many, Some(BUILDER_MAX_ITEMS + 6));
        assert!(back.model.is_none() && back.items.is_empty());
        assert_eq!(back.marks, analysis.marks);
        assert_eq!(back.result, analysis.result);
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    fn analysed(text: &str) -> RuleAnalysis {
        let ctx = &samples::sample("loan-5-days-past-due").unwrap().context;
        analyze_rule(text, catalog_for(Source::Loanpro), Some(ctx), None, false)
    }

    #[test]
    fn a_large_rule_sends_the_items_the_builder_draws_first() {
        let clauses: Vec<String> = (0..5000)
            .map(|i| format!("(> status-days-past-due {i})"))
            .collect();
        let text = format!("(or\n  {})", clauses.join("\n  "));
        let analysis = analysed(&text);
        let report = RuleReport::new(&text, analysis.clone(), false);
        let wire = serde_json::to_string(&report).unwrap();
        let full = serde_json::to_string(&RuleReport::new(&text, analysis.clone(), true)).unwrap();
        println!(
            "report {} bytes, whole model {} bytes",
            wire.len(),
            full.len()
        );
        assert!(
            wire.len() * 4 < full.len(),
            "{} bytes against {}",
            wire.len(),
            full.len()
        );
        let (back, cut, _) = serde_json::from_str::<RuleReport>(&wire)
            .unwrap()
            .into_analysis(&text);
        let top = back.model.as_ref().unwrap().top_group();
        assert_eq!(top.items.len(), FIRST_ROWS);
        assert_eq!(cut.get(&Vec::new()), Some(&(5000 - FIRST_ROWS)));
        // The outcomes of the items sent, and the dry run's items whole.
        assert_eq!(back.items.len(), FIRST_ROWS + 1);
        assert_eq!(back.items.get(&vec![3]), analysis.items.get(&vec![3]));
        assert_eq!(back.dry_run_items, analysis.dry_run_items);
        assert_eq!(back.marks, analysis.marks);
    }

    #[test]
    fn a_deep_rule_sends_groups_down_to_the_builders_depth() {
        let mut text = "(= loan-status \"Open\")".to_string();
        for i in 0..150 {
            let head = ["and", "or"][i % 2];
            text = format!("({head} (> status-days-past-due {i}) {text})");
        }
        let analysis = analysed(&text);
        let (back, cut, _) = RuleReport::new(&text, analysis.clone(), false).into_analysis(&text);
        let mut group = back.model.as_ref().unwrap().top_group();
        let mut depth = 0;
        while let Some(Item::Group(inner)) = group.items.get(1).cloned() {
            group = inner;
            depth += 1;
        }
        assert_eq!(depth, FIRST_DEPTH);
        assert!(group.items.is_empty());
        assert_eq!(cut.len(), 1);
        assert_eq!(back.dry_run_items, analysis.dry_run_items);
    }

    #[test]
    fn a_lone_condition_stays_the_rule() {
        let text = "(= loan-status \"Open\")";
        let analysis = analysed(text);
        let (back, cut, _) = RuleReport::new(text, analysis.clone(), false).into_analysis(text);
        assert!(cut.is_empty());
        assert_eq!(back, analysis);
    }

    #[test]
    fn jobs_edit_the_whole_rule() {
        let clauses: Vec<String> = (0..300)
            .map(|i| format!("(> status-days-past-due {i})"))
            .collect();
        let text = format!("(or {})", clauses.join(" "));
        // Removing the 300th item, which the page does not have.
        let job = RuleJob::Builder {
            path: vec![299],
            edit: WireEdit::new(Edit::Remove),
        };
        let next = run_job(&text, job).unwrap();
        assert!(next.contains("(> status-days-past-due 298)"));
        assert!(!next.contains("(> status-days-past-due 299)"));
        let add = Edit::Add(Item::Condition(Condition {
            variable: "loan-status".into(),
            operator: hookwright_core::rule::model::Operator::Eq,
            value: hookwright_core::rule::model::Operand::One(
                hookwright_core::rule::model::Literal::Text("Open".into()),
            ),
        }));
        let next = run_job(
            &next,
            RuleJob::Builder {
                path: vec![],
                edit: WireEdit::new(add),
            },
        )
        .unwrap();
        assert!(
            next.trim_end().ends_with("(= loan-status \"Open\"))"),
            "{next}"
        );
        assert_eq!(
            run_job("(and (= a 1)   (= b 2))", RuleJob::Format).as_deref(),
            Some("(and (= a 1) (= b 2))")
        );
        assert_eq!(run_job("(and", RuleJob::Format), None);
    }
}
