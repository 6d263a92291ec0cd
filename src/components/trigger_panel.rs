//! The Trigger section: when the connection fires. Rule- or event-based, a
//! visual builder and the rule text kept in sync both ways, live evaluation
//! against a sample context, and the catalog's checks as you type.

use std::rc::Rc;

use hookwright_core::catalog::Catalog;
use hookwright_core::connection::{Connection, Source, Trigger};
use hookwright_core::rule::model::{Item, RuleModel};
use hookwright_core::rule::{self, functions, Date, EvalOptions, Outcome, Rule, TokenClass};
use hookwright_core::samples;
use hookwright_core::{Context, Error, Value};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::code_editor::{CodeEditor, Completer, Completion, CompletionQuery, Paint, PLAIN_ABOVE};
use super::dry_run::{DryCounts, DryRun};
use super::dry_run_protocol::ClauseCount;
use super::rule_builder::{self, Results, RuleBuilder};
use super::templating::{
    catalog_for, use_custom_sample, use_settled, ANALYSIS_DELAY_MS, CUSTOM_SAMPLE,
    LIVE_ANALYSIS_MAX,
};
use super::{use_dispatch, use_editor};
use crate::builder::{self, Edit, Path};
use crate::services::storage;
use crate::state::{Action, Dispatcher};

#[derive(Properties, PartialEq)]
pub struct TriggerPanelProps {
    pub connection: Rc<Connection>,
}

/// The sample a connection previews against: its own choice, else the first that fits.
pub fn sample_id(connection: &Connection) -> String {
    connection
        .sample
        .clone()
        .or_else(|| {
            samples::samples_for(connection)
                .first()
                .map(|s| s.id.clone())
        })
        .unwrap_or_else(|| "loan-5-days-past-due".into())
}

/// A value shared by pointer, so memo dependencies compare cheaply.
#[derive(Clone)]
struct Shared<T>(Rc<T>);

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The context of a built-in sample id.
fn builtin_context(id: &str) -> Result<Context, Error> {
    samples::sample(id)
        .map(|s| s.context.clone())
        .ok_or_else(|| {
            Error::new(
                hookwright_core::ErrorKind::UnknownVariable,
                format!("no built-in sample named `{id}`"),
                None,
            )
        })
}

/// Today's date in UTC from the browser: the evaluation date when a context
/// has no `current-date` of its own.
fn eval_options(ctx: &Context) -> EvalOptions {
    // `lookup_in`, not `lookup`: a miss must not pay for did-you-mean.
    if hookwright_core::context::lookup_in(ctx.root(), "current-date").is_some() {
        return EvalOptions::default();
    }
    let now = js_sys::Date::new_0();
    Date::new(
        now.get_utc_full_year() as i32,
        now.get_utc_month() + 1,
        now.get_utc_date(),
    )
    .map(EvalOptions::today)
    .unwrap_or_default()
}

/// Everything the panel shows about the rule text, computed once per change.
struct Analysis {
    /// Syntax errors, or the catalog check's errors and warnings.
    findings: Vec<Error>,
    /// The builder's model; `None` while the text does not parse.
    model: Option<RuleModel>,
    result: Option<Result<Value, Error>>,
    /// Ranges of the text to mark true or false (the heads of boolean forms).
    marks: Vec<Paint>,
    results: Rc<Results>,
}

fn analyze(text: &str, catalog: &Catalog, ctx: Option<&Context>, event_trigger: bool) -> Analysis {
    if text.trim().is_empty() {
        let model = builder::model_of(text).ok();
        let result = ctx.map(|_| {
            if event_trigger {
                Ok(Value::Bool(true))
            } else {
                Err(Error::new(
                    hookwright_core::ErrorKind::Syntax,
                    "the rule is empty: build it above or type it below",
                    None,
                ))
            }
        });
        return Analysis {
            findings: Vec::new(),
            model,
            result,
            marks: Vec::new(),
            results: Rc::default(),
        };
    }
    let rule = match Rule::parse(text) {
        Ok(rule) => rule,
        Err(errors) => {
            return Analysis {
                findings: errors,
                model: None,
                result: None,
                marks: Vec::new(),
                results: Rc::default(),
            }
        }
    };
    let findings = rule::check(&rule, catalog);
    let model = RuleModel::from_rule(&rule);
    let (result, marks, results) = match ctx {
        Some(ctx) => {
            let opts = eval_options(ctx);
            let explanation = rule.explain(ctx, &opts);
            let marks = explanation
                .steps
                .iter()
                .filter_map(|step| match &step.outcome {
                    Outcome::Value(Value::Bool(b)) => Some((step.span, *b)),
                    _ => None,
                })
                .filter(|(span, _)| text.as_bytes().get(span.start) == Some(&b'('))
                .map(|(span, b)| {
                    let head_end = text[span.start + 1..span.end]
                        .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
                        .map_or(span.end, |i| span.start + 1 + i);
                    Paint {
                        range: span.start..head_end,
                        class: if b { "mark-true" } else { "mark-false" },
                        title: Some(
                            if b {
                                "true for this sample"
                            } else {
                                "false for this sample"
                            }
                            .into(),
                        ),
                    }
                })
                .collect();
            let results = item_results(&builder::top_group(&model), ctx, &opts);
            (Some(explanation.result), marks, Rc::new(results))
        }
        None => (None, Vec::new(), Rc::default()),
    };
    Analysis {
        findings,
        model: Some(model),
        result,
        marks,
        results,
    }
}

/// Whether each builder item holds for the context, by evaluating its own text.
fn item_results(
    top: &hookwright_core::rule::model::Group,
    ctx: &Context,
    opts: &EvalOptions,
) -> Results {
    let mut results = Results::new();
    let mut stack: Vec<(Path, Item)> = top
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (vec![i], item.clone()))
        .collect();
    results.insert(Vec::new(), holds(&Item::Group(top.clone()), ctx, opts));
    while let Some((path, item)) = stack.pop() {
        results.insert(path.clone(), holds(&item, ctx, opts));
        match &item {
            Item::Group(group) => stack.extend(group.items.iter().enumerate().map(|(i, child)| {
                let mut p = path.clone();
                p.push(i);
                (p, child.clone())
            })),
            Item::Not(inner) => {
                let mut p = path.clone();
                p.push(0);
                stack.push((p, (**inner).clone()));
            }
            _ => {}
        }
    }
    results
}

fn holds(item: &Item, ctx: &Context, opts: &EvalOptions) -> Option<bool> {
    let text = RuleModel { root: item.clone() }.to_text();
    let rule = Rule::parse(&text).ok()?;
    rule.eval(ctx, opts).ok().map(|v| v.is_truthy())
}

/// Colours for the rule text from the engine's tokens.
fn highlight_paints(text: &str) -> Vec<Paint> {
    // The editor shows a text this long uncoloured.
    if text.len() > PLAIN_ABOVE {
        return Vec::new();
    }
    rule::highlight(text)
        .into_iter()
        .map(|h| {
            let class = match h.class {
                TokenClass::Bracket => "tok-paren",
                TokenClass::Function => "tok-fn",
                TokenClass::Variable => "tok-var",
                TokenClass::Text => "tok-str",
                TokenClass::Number => "tok-num",
                TokenClass::Literal => "tok-lit",
                TokenClass::Keyword => "tok-kw",
                TokenClass::Comment => "tok-comment",
            };
            Paint::new(h.start..h.end, class)
        })
        .collect()
}

fn diagnostic_paints(findings: &[Error]) -> Vec<Paint> {
    findings
        .iter()
        .filter_map(|e| {
            let span = e.span?;
            Some(Paint {
                range: span.start..span.end.max(span.start + 1),
                class: if e.is_warning() {
                    "diag-warning"
                } else {
                    "diag-error"
                },
                title: Some(e.message.clone()),
            })
        })
        .collect()
}

/// Completes the symbol being typed (variables and functions), outside strings.
fn complete_symbol(text: &str, caret: usize) -> Option<CompletionQuery> {
    let before = text.get(..caret)?;
    let quotes = before.bytes().filter(|&b| b == b'"').count() - before.matches("\\\"").count();
    if quotes % 2 == 1 {
        return None;
    }
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || "-_./?!*<>=".contains(*c))
        .last()
        .map_or(caret, |(i, _)| i);
    let prefix = &before[start..];
    (!prefix.is_empty() && !prefix.starts_with(|c: char| c.is_ascii_digit())).then(|| {
        CompletionQuery {
            start,
            prefix: prefix.to_string(),
            group: None,
        }
    })
}

fn completions(catalog: &Catalog) -> Vec<Completion> {
    let variables = catalog.variables.iter().map(|v| Completion {
        label: v.name.clone(),
        detail: v.ty.as_str().to_string(),
        insert: v.name.clone(),
        group: "",
    });
    let functions = functions::names().into_iter().map(|name| Completion {
        detail: "function".into(),
        insert: name.clone(),
        label: name,
        group: "",
    });
    variables.chain(functions).collect()
}

fn replace(editor: &Dispatcher, connection: Connection, coalesce: Option<String>) {
    editor.dispatch(Action::Replace {
        connection: Box::new(connection),
        coalesce,
    });
}

fn with_rule(connection: &Connection, rule: String) -> Connection {
    let mut next = connection.clone();
    match &mut next.trigger {
        Trigger::Rule { rule: r } | Trigger::Event { rule: r, .. } => *r = rule,
    }
    next
}

#[component]
pub fn TriggerPanel(props: &TriggerPanelProps) -> Html {
    let editor = use_dispatch();
    let connection = &props.connection;
    let catalog = catalog_for(connection.source);
    let text = connection.trigger.rule().to_string();
    let sample = sample_id(connection);
    let event_trigger = matches!(connection.trigger, Trigger::Event { .. });

    // The custom context is parsed once for the page (App provides it).
    let custom = use_custom_sample();
    let builtin = use_memo(sample.clone(), |id| Shared(Rc::new(builtin_context(id))));
    let context = if sample == CUSTOM_SAMPLE {
        Shared(custom.0.clone())
    } else {
        (*builtin).clone()
    };
    // A large rule is analysed once typing pauses, not on every keystroke:
    // its text and colours follow the keys at once, its checks, marks and
    // builder a moment later.
    let large = text.len() > LIVE_ANALYSIS_MAX;
    let (settled_id, settled) = use_settled(
        (connection.id.clone(), text.clone()),
        large,
        ANALYSIS_DELAY_MS,
    );
    // Another connection's rule is never shown, even for a moment.
    let analysed = if settled_id == connection.id {
        settled
    } else {
        text.clone()
    };
    let current = analysed == text;
    let analysis = use_memo(
        (
            analysed.clone(),
            connection.source,
            context.clone(),
            event_trigger,
        ),
        |(text, source, context, event_trigger)| {
            analyze(
                text,
                catalog_for(*source),
                context.0.as_ref().as_ref().ok(),
                *event_trigger,
            )
        },
    );
    let completion_list = use_memo(connection.source, |source| {
        Rc::new(completions(catalog_for(*source)))
    });
    // The builder keeps showing the last rule that parsed while the text has errors.
    let last_valid = use_mut_ref(|| None::<(String, RuleModel)>);
    let (model, stale) = match &analysis.model {
        Some(model) => {
            *last_valid.borrow_mut() = Some((connection.id.clone(), model.clone()));
            (Some(model.clone()), false)
        }
        None => match &*last_valid.borrow() {
            Some((id, model)) if *id == connection.id => (Some(model.clone()), true),
            _ => (None, true),
        },
    };

    let on_text = {
        let editor = editor.clone();
        let connection = connection.clone();
        Callback::from(move |text: String| {
            let coalesce = Some(format!("rule:{}", connection.id));
            replace(&editor, with_rule(&connection, text), coalesce);
        })
    };
    // One callback for the panel's life, reading the connection and model of
    // the latest render: the builder then re-renders only when its rule or
    // results change, not on every keystroke elsewhere.
    let latest = use_mut_ref(|| (connection.clone(), model.clone()));
    *latest.borrow_mut() = (connection.clone(), model.clone());
    let on_edit = {
        let editor = editor.clone();
        use_callback(
            (),
            move |(path, edit, coalesce): (Path, Edit, Option<String>), _| {
                // A copy: dispatching must not hold the borrow.
                let (connection, model) = latest.borrow().clone();
                let Some(model) = &model else { return };
                let top = builder::top_group(model);
                if let Some(next) = builder::apply(&top, &path, edit) {
                    let key = coalesce.map(|k| format!("builder:{}:{k}", connection.id));
                    replace(
                        &editor,
                        with_rule(&connection, builder::text_of(&next)),
                        key,
                    );
                }
            },
        )
    };
    let on_format = {
        let editor = editor.clone();
        let connection = connection.clone();
        let text = text.clone();
        Callback::from(move |_| {
            if let Ok(formatted) = rule::format(&text) {
                replace(&editor, with_rule(&connection, formatted), None);
            }
        })
    };

    // The last dry run's counts, for the text it ran on.
    let dry_counts = use_state(|| None::<(String, DryCounts)>);
    let on_counts = {
        let dry_counts = dry_counts.clone();
        let text = text.clone();
        Callback::from(move |counts: DryCounts| dry_counts.set(Some((text.clone(), counts))))
    };
    let dry_items = use_memo(model.clone(), |model| {
        Rc::new(model.as_ref().map(dry_run_items).unwrap_or_default())
    });
    let dry_marks = dry_counts
        .as_ref()
        .filter(|(ran_on, _)| *ran_on == text && !event_trigger)
        .map(|(_, c)| c.clone());
    let builder_counts: Rc<rule_builder::Counts> = Rc::new(match (&dry_marks, &model) {
        (Some(c), Some(model)) => dry_run_paths(model)
            .into_iter()
            .zip(c.1.iter().copied())
            .collect(),
        _ => Default::default(),
    });

    let colours = use_memo(text.clone(), |text| highlight_paints(text));
    let mut paints = (*colours).clone();
    // An event filter runs inside an event-code check, so its offsets differ.
    if let Some(counts) = &dry_marks {
        paints.extend(dry_run_paints(&text, &counts.0));
    }
    // Marks and underlines are placed by offsets into the analysed text.
    if current {
        paints.extend(analysis.marks.iter().cloned());
        paints.extend(diagnostic_paints(&analysis.findings));
    }
    let errors_id = format!("rule-errors-{}", connection.id);
    let has_errors = analysis.findings.iter().any(|e| !e.is_warning());

    html! {
        <>
        <section class="panel trigger-panel" aria-labelledby="trigger-title">
            <div class="panel-head">
                <h3 id="trigger-title">{ "Trigger" }</h3>
                <span class="spacer"></span>
                <SamplePicker connection={connection.clone()} />
            </div>
            <TriggerKind connection={connection.clone()} />
            { result_banner(analysis.result.as_ref(), context.0.as_ref().as_ref().err(), event_trigger) }
            if sample == CUSTOM_SAMPLE {
                <CustomContext error={context.0.as_ref().as_ref().err().cloned()} />
            }
            <div class="rule-areas">
                <div class="rule-area">
                    <h4>{ if event_trigger { "Filter (optional): builder" } else { "Rule: builder" } }</h4>
                    if stale && model.is_some() {
                        <p class="notice warning inline" role="status">
                            { "The rule text has errors, so the builder shows the last rule that parsed. Editing here replaces the text (Undo brings it back)." }
                        </p>
                    }
                    if let Some(model) = &model {
                        <RuleBuilder top={builder::top_group(model)} {catalog} results={analysis.results.clone()} counts={builder_counts.clone()} {on_edit} />
                    } else {
                        <p class="empty">{ "Fix the rule text below and the builder will show it." }</p>
                    }
                </div>
                <div class="rule-area">
                    <div class="area-head">
                        <h4>{ "Rule: text" }</h4>
                        <span class="spacer"></span>
                        <button type="button" class="button" onclick={on_format} disabled={analysis.model.is_none() || text.trim().is_empty()}
                            title="Canonical layout: short forms on one line, long ones broken and indented">{ "Format" }</button>
                    </div>
                    <CodeEditor label="Rule" value={text.clone()} on_change={on_text} paints={Rc::new(paints)}
                        completions={(*completion_list).clone()} completer={Some(Completer(complete_symbol))}
                        rows={4} invalid={has_errors} described_by={Some(AttrValue::from(errors_id.clone()))}
                        placeholder="(and (= status-days-past-due 5) (= loan-status \"Open\"))" />
                    { findings_list(&errors_id, &analysis.findings) }
                </div>
            </div>
        </section>
        <DryRun rule={AttrValue::from(dry_run_rule(&connection.trigger))} rule_ok={analysis.model.is_some()}
            id_field={if connection.source == Source::Youlend { "EventId" } else { "loan-id" }}
            noun={if event_trigger { "events" } else { "loans" }}
            items={(*dry_items).clone()} {on_counts} />
        </>
    }
}

/// What a dry run evaluates: the rule; for an event trigger, the event's
/// code and then its filter (an event of another kind never fires it).
fn dry_run_rule(trigger: &Trigger) -> String {
    match trigger {
        Trigger::Rule { rule } => rule.clone(),
        Trigger::Event { event, rule } => {
            let code = format!(
                "(= EventCode {})",
                serde_json::to_string(event).unwrap_or_default()
            );
            if rule.trim().is_empty() {
                code
            } else {
                format!("(and {code} {rule})")
            }
        }
    }
}

/// The rule's groups and conditions as (depth, label, rule text), in
/// pre-order from the model's root: the order the engine counts them in.
fn dry_run_items(model: &RuleModel) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, Item)> = vec![(0, model.root.clone())];
    while let Some((depth, item)) = stack.pop() {
        let text = RuleModel { root: item.clone() }.to_text();
        let label = match &item {
            Item::Group(g) => format!(
                "{} of {} items",
                match g.mode {
                    rule::model::Match::All => "all",
                    rule::model::Match::Any => "any",
                    rule::model::Match::None => "none",
                },
                g.items.len()
            ),
            Item::Not(_) => "NOT".to_string(),
            _ => text.clone(),
        };
        match &item {
            Item::Group(g) => stack.extend(g.items.iter().rev().map(|i| (depth + 1, i.clone()))),
            Item::Not(inner) => stack.push((depth + 1, (**inner).clone())),
            _ => {}
        }
        out.push((depth, label, text));
    }
    out
}

/// The builder path of each item of [`dry_run_items`], in the same order: the
/// top group is `[]`; a rule that is not a group sits at `[0]` of the top group.
fn dry_run_paths(model: &RuleModel) -> Vec<Path> {
    let root: Path = if matches!(model.root, Item::Group(_)) {
        Vec::new()
    } else {
        vec![0]
    };
    let mut out = Vec::new();
    let mut stack: Vec<(Path, Item)> = vec![(root, model.root.clone())];
    while let Some((path, item)) = stack.pop() {
        match &item {
            Item::Group(g) => stack.extend(g.items.iter().enumerate().rev().map(|(i, child)| {
                let mut p = path.clone();
                p.push(i);
                (p, child.clone())
            })),
            Item::Not(inner) => {
                let mut p = path.clone();
                p.push(0);
                stack.push((p, (**inner).clone()));
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

/// Marks the heads of the rule text's clauses with the dry run's counts.
fn dry_run_paints(text: &str, clauses: &[ClauseCount]) -> Vec<Paint> {
    clauses
        .iter()
        .filter(|c| c.end <= text.len() && text.as_bytes().get(c.start) == Some(&b'('))
        .map(|c| {
            let head_end = text[c.start + 1..c.end]
                .find(|ch: char| ch.is_whitespace() || ch == '(' || ch == ')')
                .map_or(c.end, |i| c.start + 1 + i);
            Paint {
                range: c.start..head_end,
                class: "mark-count",
                title: Some(format!(
                    "dry run: true for {}, false for {}, error for {}",
                    c.counts[0], c.counts[1], c.counts[2]
                )),
            }
        })
        .collect()
}

fn result_banner(
    result: Option<&Result<Value, Error>>,
    context_error: Option<&Error>,
    event_trigger: bool,
) -> Html {
    let (value, class, text) = match (result, context_error) {
        (_, Some(error)) => (
            "error",
            "error",
            format!(
                "Cannot evaluate: the sample context is not usable ({})",
                error
            ),
        ),
        (None, None) => (
            "error",
            "error",
            "Cannot evaluate: fix the rule's errors first.".to_string(),
        ),
        (Some(Err(error)), None) => ("error", "error", format!("Evaluation error: {error}")),
        (Some(Ok(v)), None) if v.is_truthy() => (
            "true",
            "fires",
            match v {
                Value::Bool(true) => "Fires for this sample".to_string(),
                other => format!(
                    "Fires for this sample (the rule gives {}, which counts as true)",
                    other.to_json()
                ),
            },
        ),
        (Some(Ok(v)), None) => (
            "false",
            "quiet",
            match v {
                Value::Bool(false) => "Does not fire for this sample".to_string(),
                other => format!(
                    "Does not fire for this sample (the rule gives {})",
                    other.to_json()
                ),
            },
        ),
    };
    let _ = event_trigger;
    html! {
        <p class={classes!("rule-result", class)} data-testid="rule-result" data-value={value} role="status" aria-live="polite">
            <span class="result-dot" aria-hidden="true"></span>{ text }
        </p>
    }
}

fn findings_list(id: &str, findings: &[Error]) -> Html {
    html! {
        <>
            <ul class="findings" id={id.to_string()} data-testid="rule-errors" aria-label="Rule problems">
                { for findings.iter().map(|e| {
                    let place = e.span.map(|s| format!("{}:{}", s.line, s.col)).unwrap_or_default();
                    html! {
                        <li class={if e.is_warning() { "warning" } else { "error" }}>
                            <span class="severity">{ if e.is_warning() { "warning" } else { "error" } }</span>
                            <code class="place">{ place }</code>
                            <span class="message">{ &e.message }</span>
                        </li>
                    }
                }) }
            </ul>
            if findings.is_empty() {
                <p class="no-findings">{ "No problems found." }</p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ConnectionProps {
    connection: Rc<Connection>,
}

/// Rule- or event-based, the source, and the event.
#[component]
fn TriggerKind(props: &ConnectionProps) -> Html {
    let editor = use_dispatch();
    let connection = &props.connection;
    let set_trigger = {
        let editor = editor.clone();
        let connection = connection.clone();
        move |trigger: Trigger, source: Source| {
            let mut next = (*connection).clone();
            next.trigger = trigger;
            next.source = source;
            // Keep the preview meaningful: a sample that fits the new trigger.
            if let Some(sample) = &next.sample {
                if !samples::samples_for(&next).iter().any(|s| &s.id == sample)
                    && sample != CUSTOM_SAMPLE
                {
                    next.sample = samples::samples_for(&next).first().map(|s| s.id.clone());
                }
            }
            replace(&editor, next, None);
        }
    };
    let rule = connection.trigger.rule().to_string();
    let on_kind = {
        let set_trigger = set_trigger.clone();
        let rule = rule.clone();
        let source = connection.source;
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let trigger = if input.value() == "event" {
                Trigger::Event {
                    event: default_event(source),
                    rule: rule.clone(),
                }
            } else {
                Trigger::Rule { rule: rule.clone() }
            };
            set_trigger(trigger, source);
        })
    };
    let on_source = {
        let set_trigger = set_trigger.clone();
        let trigger = connection.trigger.clone();
        let rule = rule.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let source = if select.value() == "youlend" {
                Source::Youlend
            } else {
                Source::Loanpro
            };
            // YouLend only sends events; rule-based triggers are LoanPro's.
            let trigger = match (&trigger, source) {
                (_, Source::Youlend) => Trigger::Event {
                    event: default_event(source),
                    rule: String::new(),
                },
                (Trigger::Event { .. }, Source::Loanpro) => Trigger::Event {
                    event: default_event(source),
                    rule: rule.clone(),
                },
                (other, _) => other.clone(),
            };
            set_trigger(trigger, source);
        })
    };
    let event_input = match &connection.trigger {
        Trigger::Rule { .. } => Html::default(),
        Trigger::Event { event, rule } => {
            let on_event = {
                let set_trigger = set_trigger.clone();
                let rule = rule.clone();
                let source = connection.source;
                Callback::from(move |value: String| {
                    set_trigger(
                        Trigger::Event {
                            event: value,
                            rule: rule.clone(),
                        },
                        source,
                    )
                })
            };
            let catalog = catalog_for(connection.source);
            match connection.source {
                Source::Youlend => {
                    let onchange = Callback::from(move |e: Event| {
                        let select: HtmlSelectElement = e.target_unchecked_into();
                        on_event.emit(select.value());
                    });
                    html! {
                        <label class="field">{ "Event" }
                            <select aria-label="Event" {onchange}>
                                { for catalog.events.iter().map(|ev| html! {
                                    <option value={ev.code.clone()} selected={ev.code == *event}>
                                        { format!("{} — {}", ev.code, ev.name) }
                                    </option>
                                }) }
                            </select>
                        </label>
                    }
                }
                Source::Loanpro => {
                    let oninput = Callback::from(move |e: InputEvent| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        on_event.emit(input.value());
                    });
                    html! {
                        <label class="field">{ "Event" }
                            <input type="text" aria-label="Event" list="loanpro-events" value={event.clone()} {oninput}
                                placeholder="Account Activated" />
                            <datalist id="loanpro-events">
                                { for catalog.events.iter().map(|ev| html! { <option value={ev.code.clone()}>{ &ev.description }</option> }) }
                            </datalist>
                        </label>
                    }
                }
            }
        }
    };
    let is_event = matches!(connection.trigger, Trigger::Event { .. });
    let name = format!("trigger-kind-{}", connection.id);
    html! {
        <div class="trigger-kind">
            <fieldset class="segmented" aria-label="Trigger type">
                <label class={classes!((!is_event).then_some("checked"))}>
                    <input type="radio" name={name.clone()} value="rule" checked={!is_event} onchange={on_kind.clone()}
                        disabled={connection.source == Source::Youlend} />
                    { "Rule-based" }
                </label>
                <label class={classes!(is_event.then_some("checked"))}>
                    <input type="radio" name={name} value="event" checked={is_event} onchange={on_kind} />
                    { "Event-based" }
                </label>
            </fieldset>
            <label class="field">{ "Source" }
                <select aria-label="Source" onchange={on_source}>
                    <option value="loanpro" selected={connection.source == Source::Loanpro}>{ "LoanPro" }</option>
                    <option value="youlend" selected={connection.source == Source::Youlend}>{ "YouLend" }</option>
                </select>
            </label>
            { event_input }
        </div>
    }
}

fn default_event(source: Source) -> String {
    match source {
        Source::Loanpro => "Account Activated".into(),
        Source::Youlend => "LOA10040".into(),
    }
}

/// The "Sample context" select: built-in loans and events, or custom JSON.
#[component]
fn SamplePicker(props: &ConnectionProps) -> Html {
    let editor = use_dispatch();
    let connection = &props.connection;
    let current = sample_id(connection);
    let onchange = {
        let editor = editor.clone();
        let connection = connection.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*connection).clone();
            next.sample = Some(select.value());
            replace(&editor, next, None);
        })
    };
    let option = |s: &samples::SampleContext| {
        html! { <option value={s.id.clone()} selected={s.id == current} title={s.description.clone()}>{ &s.name }</option> }
    };
    let all = samples::samples();
    html! {
        <label class="field sample-field">{ "Sample context" }
            <select aria-label="Sample context" {onchange}>
                <optgroup label="LoanPro loans">
                    { for all.iter().filter(|s| s.source == Source::Loanpro).map(option) }
                </optgroup>
                <optgroup label="YouLend events">
                    { for all.iter().filter(|s| s.source == Source::Youlend).map(option) }
                </optgroup>
                <option value={CUSTOM_SAMPLE} selected={current == CUSTOM_SAMPLE}>{ "Custom JSON…" }</option>
            </select>
        </label>
    }
}

#[derive(Properties, PartialEq)]
struct CustomContextProps {
    /// Why the pasted text is not a usable context, if it is not.
    error: Option<Error>,
}

/// Pasted contexts larger than this are applied after a pause in typing, so
/// parsing megabytes never sits on the keystroke path.
const LARGE_CONTEXT: usize = 64 * 1024;
/// Above this a pasted context is summarised instead of shown for editing.
const HUGE_CONTEXT: usize = 512 * 1024;

/// The user's own JSON context, validated as it is typed.
#[component]
fn CustomContext(props: &CustomContextProps) -> Html {
    let editor = use_editor();
    let text = editor.custom_context.clone();
    let timer = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
    let on_change = {
        let editor = editor.clone();
        Callback::from(move |text: String| {
            if text.len() > LARGE_CONTEXT {
                let editor = editor.clone();
                *timer.borrow_mut() = Some(gloo::timers::callback::Timeout::new(300, move || {
                    editor.dispatch(Action::SetCustomContext(text))
                }));
            } else {
                timer.borrow_mut().take();
                editor.dispatch(Action::SetCustomContext(text));
            }
        })
    };
    let blank = text.trim().is_empty();
    let error = props.error.as_ref().filter(|_| !blank);
    let paints = match error {
        Some(Error {
            span: Some(span),
            message,
            ..
        }) => vec![Paint {
            range: span.start..span.end.max(span.start + 1),
            class: "diag-error",
            title: Some(message.clone()),
        }],
        _ => Vec::new(),
    };
    let size_note = (text.len() > storage::CUSTOM_CONTEXT_LIMIT).then(|| {
        format!(
            " It is {:.1} MB, too large to keep in this browser's storage: it stays until you reload.",
            text.len() as f64 / 1_000_000.0
        )
    });
    // A text area holding megabytes makes the browser itself slow on every
    // keystroke, so a large context is shown as a summary and replaced by
    // pasting, not edited in place.
    let huge = text.len() > HUGE_CONTEXT;
    let shown = if huge {
        AttrValue::Static("")
    } else {
        AttrValue::from(text.to_string())
    };
    let on_clear = {
        let editor = editor.clone();
        Callback::from(move |_| editor.dispatch(Action::SetCustomContext(String::new())))
    };
    html! {
        <div class="custom-context">
            if huge {
                <p class="context-summary" data-testid="large-context">
                    { format!("A {:.1} MB context is loaded. It is too large to edit here comfortably: paste below to replace it, or ", text.len() as f64 / 1_000_000.0) }
                    <button type="button" class="button small" onclick={on_clear}>{ "clear it" }</button>{ "." }
                </p>
            }
            // A new key when the summary takes over: the text area holding
            // the megabytes is dropped, not kept behind the summary.
            <CodeEditor key={if huge { "summary" } else { "editor" }} label="Custom context" value={shown} {on_change} paints={Rc::new(paints)} rows={6}
                invalid={error.is_some()} described_by={Some(AttrValue::from("custom-context-status"))}
                placeholder="{\"loan-status\": \"Open\", \"status-days-past-due\": 5}" />
            <p id="custom-context-status" class={classes!("context-status", error.is_some().then_some("error"))} role="status">
                { match error {
                    Some(e) => format!("Not usable: {e}"),
                    None if blank => "Paste a loan's or event's JSON to evaluate the rule against it.".to_string(),
                    None => "Valid JSON context.".to_string(),
                } }
                { size_note.unwrap_or_default() }
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookwright_core::catalog;

    #[test]
    fn completes_symbols_outside_strings() {
        assert_eq!(
            complete_symbol("(= loan-st", 10),
            Some(CompletionQuery {
                start: 3,
                prefix: "loan-st".into(),
                group: None,
            })
        );
        assert_eq!(complete_symbol("(= \"Op", 6), None);
        assert_eq!(complete_symbol("(= 5", 4), None);
    }

    #[test]
    fn dry_run_items_are_the_engines_counting_order() {
        for text in [
            SEED_FOR_DRY_RUN,
            "(= loan-status \"Open\")",
            "(and (not (= a 1)) (not (or (= b 2) (= c 3))) (or))",
        ] {
            let model = RuleModel::from_rule(&Rule::parse(text).unwrap());
            let texts: Vec<String> = dry_run_items(&model)
                .into_iter()
                .map(|(_, _, t)| t)
                .collect();
            assert_eq!(texts, hookwright_core::dryrun::item_texts(&model), "{text}");
            // Each item's builder path leads to that item.
            let top = builder::top_group(&model);
            let paths = dry_run_paths(&model);
            assert_eq!(paths.len(), texts.len());
            for (path, text) in paths.iter().zip(&texts) {
                let item = if path.is_empty() {
                    Item::Group(top.clone())
                } else {
                    builder::item_at(&top, path).unwrap().clone()
                };
                assert_eq!(&RuleModel { root: item }.to_text(), text, "{path:?}");
            }
        }
    }

    const SEED_FOR_DRY_RUN: &str = r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;

    #[test]
    fn analysis_marks_the_seed_rule_for_each_sample() {
        let text = r#"(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))"#;
        let due = samples::sample("loan-5-days-past-due").unwrap();
        let a = analyze(text, catalog::loanpro(), Some(&due.context), false);
        assert_eq!(a.result, Some(Ok(Value::Bool(true))));
        assert!(a.findings.is_empty(), "{:?}", a.findings);
        assert_eq!(a.results.get(&vec![]), Some(&Some(true)));
        assert_eq!(a.results.get(&vec![1, 1]), Some(&Some(false)));
        let current = samples::sample("loan-current").unwrap();
        let b = analyze(text, catalog::loanpro(), Some(&current.context), false);
        assert_eq!(b.result, Some(Ok(Value::Bool(false))));
        assert!(b.marks.iter().any(|p| p.class == "mark-false"));
    }

    #[test]
    fn unclosed_rules_report_at_the_opener() {
        let a = analyze("(and (= a 1)", catalog::loanpro(), None, false);
        assert!(a.model.is_none());
        let span = a.findings[0].span.unwrap();
        assert_eq!((span.line, span.col), (1, 1));
    }
}
