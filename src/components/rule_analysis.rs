//! The rule's analysis off the main thread: a rule over `LIVE_ANALYSIS_MAX`
//! is analysed by the engine in a `dryrun_worker` instance of its own (a
//! running dry run never delays it) once typing pauses; a small one at once
//! in the page, as before. The worker also holds the custom context when it is
//! large (see `custom_context`), so megabytes are parsed there, never in the page.
//! Requests are versioned: an answer to an older request is dropped.

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
use super::rule_builder::Results;
use super::templating::{use_debounced, CustomSample, ANALYSIS_DELAY_MS, LIVE_ANALYSIS_MAX};
use super::worker_link::WorkerLink;

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
}

/// The engine's `RuleAnalysis` on the wire, trimmed to what the page can draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleReport {
    findings: Vec<Error>,
    /// The builder's model in pre-order, flat: JSON nested 600 deep is past
    /// serde_json's recursion limit, and a rule may nest 200 deep.
    model: Option<Vec<Node>>,
    /// The builder's item count, when there are too many to send the model.
    too_many: Option<usize>,
    /// The value as JSON (exact decimals), or the evaluation's error.
    result: Option<Result<String, Error>>,
    marks: Vec<Mark>,
    items: Vec<(ItemPath, ItemOutcome)>,
    dry_run_items: Vec<CountedItem>,
}

impl RuleReport {
    pub fn new(analysis: RuleAnalysis) -> RuleReport {
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
        let (model, items, dry_run_items) = match too_many {
            Some(_) => (None, Vec::new(), Vec::new()),
            None => (
                model.map(|m| flatten(&m.root)),
                items.into_iter().collect(),
                dry_run_items,
            ),
        };
        RuleReport {
            findings,
            model,
            too_many,
            result: result.map(|r| r.map(|v| v.to_json())),
            marks,
            items,
            dry_run_items,
        }
    }

    /// Back into the engine's analysis, with the item count when the model was left out.
    fn into_analysis(self) -> (RuleAnalysis, Option<usize>) {
        let analysis = RuleAnalysis {
            findings: self.findings,
            model: self
                .model
                .and_then(unflatten)
                .map(|root| RuleModel { root }),
            result: self.result.map(|r| r.and_then(|json| parse_json(&json))),
            marks: self.marks,
            items: self.items.into_iter().collect(),
            dry_run_items: self.dry_run_items,
        };
        (analysis, self.too_many)
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
}

impl Analysed {
    fn new(id: &str, text: &str, analysis: RuleAnalysis, too_many: Option<usize>) -> Analysed {
        Analysed {
            id: id.to_string(),
            text: text.to_string(),
            results: Rc::new(analysis.items.clone()),
            analysis,
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
        Analysed::new(&self.id, &self.text, analysis, None)
    }

    fn request(&self) -> RuleRequest {
        RuleRequest {
            text: self.text.clone(),
            source: self.source,
            sample: self.sample.clone(),
            today: self.today.map(|d| d.to_string()).unwrap_or_default(),
            event_trigger: self.event_trigger,
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
                    | AnalysisReply::Sql { version, .. } => *version,
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
    /// reply. `None` when no worker could start.
    pub fn ask(
        &self,
        make: impl FnOnce(u32) -> ToWorker,
        blob: Option<&Blob>,
        answer: Callback<AnalysisReply>,
    ) -> Option<u32> {
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
        if self.link.send(make(version), blob) {
            Some(version)
        } else {
            self.waiting.borrow_mut().remove(&version);
            None
        }
    }
}

impl AnalysisWorker {
    /// The custom context the worker evaluates with (the text as a Blob, read
    /// there); it goes to the worker before the next request.
    pub fn set_context(&self, text: &str) {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        *self.context.borrow_mut() = Blob::new_with_str_sequence(&parts).ok();
    }
}

#[hook]
pub fn use_analysis_worker() -> Option<AnalysisWorker> {
    use_context::<AnalysisWorker>()
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
    let latest = use_mut_ref(|| 0u32);
    let worker = use_analysis_worker();
    {
        let answer = answer.clone();
        use_effect_with(settled, move |settled| {
            if let Some(input) = settled.clone() {
                let asked = input.clone();
                let reply = {
                    let answer = answer.clone();
                    let latest = latest.clone();
                    Callback::from(move |reply: AnalysisReply| {
                        let AnalysisReply::Analysed { version, report } = reply else {
                            return;
                        };
                        if version != *latest.borrow() {
                            return;
                        }
                        if let Ok(report) = serde_json::from_str::<RuleReport>(&report) {
                            let (analysis, too_many) = report.into_analysis();
                            let analysed =
                                Analysed::new(&asked.id, &asked.text, analysis, too_many);
                            answer.set(Some(Rc::new(analysed)));
                        }
                    })
                };
                let request = input.request();
                let sent = worker.and_then(|w| {
                    w.ask(
                        |version| ToWorker::Analyse { version, request },
                        None,
                        reply,
                    )
                });
                match sent {
                    Some(version) => *latest.borrow_mut() = version,
                    // No worker (a test page without its script): here, as for small rules.
                    None => answer.set(Some(Rc::new(input.here()))),
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

/// In the analysis worker: handles `Analyse` and `SetContext`.
pub fn in_worker(held: &Rc<Held>, message: ToWorker, blob: Option<Blob>) {
    match message {
        ToWorker::Analyse { .. } | ToWorker::ContextSubset { .. }
            if held.reading.get().is_some() =>
        {
            held.waiting.borrow_mut().push(message);
        }
        ToWorker::Analyse { version, request } => answer(held, version, &request),
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
    roots.sort();
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
    selected: Option<Rc<Connection>>,
) -> CustomSample {
    let large = text.len() > WORKER_CONTEXT_ABOVE;
    let here = use_memo((!large).then(|| text.clone()), |text| {
        text.as_ref().map(|t| CustomSample::parse(t))
    });
    // Read only while a large context is in use.
    let roots = use_memo(selected.filter(|_| large), |c| {
        c.as_ref().map(|c| roots_of(c)).unwrap_or_default()
    });
    let answer = use_state(|| None::<(Rc<str>, CustomSample)>);
    let latest = use_mut_ref(|| 0u32);
    {
        let answer = answer.clone();
        use_effect_with(
            (large.then(|| text.clone()), (*roots).clone()),
            move |(text, roots)| {
                let Some(text) = text.clone() else {
                    return;
                };
                let reply = {
                    let latest = latest.clone();
                    Callback::from(move |reply: AnalysisReply| {
                        let AnalysisReply::ContextSubset { version, json } = reply else {
                            return;
                        };
                        if version != *latest.borrow() {
                            return;
                        }
                        let sample = match json {
                            Ok(json) => CustomSample(Rc::new(Context::from_json(&json))),
                            Err(error) => CustomSample(Rc::new(Err(error))),
                        };
                        answer.set(Some((text.clone(), sample)));
                    })
                };
                let roots = roots.clone();
                if let Some(version) = worker.ask(
                    |version| ToWorker::ContextSubset { version, roots },
                    None,
                    reply,
                ) {
                    *latest.borrow_mut() = version;
                }
            },
        );
    }
    if let Some(sample) = &*here {
        return sample.clone();
    }
    match &*answer {
        Some((read, sample)) if Rc::ptr_eq(read, &text) => sample.clone(),
        _ => CustomSample(Rc::new(Err(Error::new(
            ErrorKind::Json,
            format!(
                "reading the {:.1} MB context…",
                text.len() as f64 / 1_000_000.0
            ),
            None,
        )))),
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
    let report = serde_json::to_string(&RuleReport::new(analysis)).unwrap_or_default();
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
        let wire = serde_json::to_string(&RuleReport::new(analysis.clone())).unwrap();
        let (back, too_many) = serde_json::from_str::<RuleReport>(&wire)
            .unwrap()
            .into_analysis();
        assert_eq!(too_many, None);
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
        let wire = serde_json::to_string(&RuleReport::new(analysis.clone())).unwrap();
        let (back, _) = serde_json::from_str::<RuleReport>(&wire)
            .unwrap()
            .into_analysis();
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
        let (back, too_many) = RuleReport::new(analysis.clone()).into_analysis();
        assert_eq!(too_many, Some(BUILDER_MAX_ITEMS + 6));
        assert!(back.model.is_none() && back.items.is_empty());
        assert_eq!(back.marks, analysis.marks);
        assert_eq!(back.result, analysis.result);
    }
}
