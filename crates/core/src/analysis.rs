//! One analysis of a connection: everything the editor's panels show and the
//! CLI prints about it (the rule's parse, check, builder model, result and
//! per-item outcomes; each template field for the chosen sample; the
//! rendered request; lint's findings by field path), computed by the engine
//! so the page makes no check, parse or choice of its own.
//!
//! Cheap enough to run on every keystroke: each stage is linear in its
//! input (builder items take their outcome from the explanation by span).

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::catalog::{self, Catalog};
use crate::connection::{Connection, Payload, Source, Trigger};
use crate::context::{lookup_in, Context};
use crate::dryrun::{counted_items, CountedItem};
use crate::error::{Error, ErrorKind};
use crate::lint::{self, Finding, Subject};
use crate::rule::model::{self, Group, Item, ItemPath, Match, RuleModel};
use crate::rule::{self, Date, EvalOptions, Outcome, Rule};
use crate::samples::{self, SampleContext};
use crate::template::{
    render_request, FieldError, Mode, RenderOptions, RenderedRequest, RequestOptions, Template,
};
use crate::value::Value;

/// The sample id that stands for the user's own JSON context.
pub const CUSTOM_SAMPLE: &str = "custom";

/// The catalog of variables and events a connection's source has.
pub fn catalog_for(source: Source) -> &'static Catalog {
    match source {
        Source::Loanpro => catalog::loanpro(),
        Source::Youlend => catalog::youlend(),
    }
}

/// The sample context a connection is previewed and evaluated against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SampleChoice {
    /// The user's pasted JSON (the caller holds it).
    Custom,
    Builtin(&'static SampleContext),
    /// No built-in sample fits and none is chosen.
    Nothing,
}

impl SampleChoice {
    /// The id the sample picker shows as selected.
    pub fn id(&self) -> &str {
        match self {
            SampleChoice::Custom => CUSTOM_SAMPLE,
            SampleChoice::Builtin(s) => &s.id,
            SampleChoice::Nothing => "",
        }
    }
}

/// The connection's own choice of sample when it names one that exists,
/// else the first built-in sample that fits its trigger.
pub fn sample_choice(connection: &Connection) -> SampleChoice {
    match connection.sample.as_deref() {
        Some(CUSTOM_SAMPLE) => SampleChoice::Custom,
        chosen => chosen
            .and_then(samples::sample)
            .or_else(|| first_fitting(connection))
            .map_or(SampleChoice::Nothing, SampleChoice::Builtin),
    }
}

fn first_fitting(connection: &Connection) -> Option<&'static SampleContext> {
    samples::samples_for(connection).into_iter().next()
}

/// The context templates are previewed with, and its name: the custom JSON
/// when chosen and usable, else the chosen built-in sample, else the first that fits.
pub fn preview_context<'a>(
    connection: &Connection,
    custom: Option<&'a Context>,
) -> Option<(String, &'a Context)> {
    match (sample_choice(connection), custom) {
        (SampleChoice::Custom, Some(ctx)) => Some(("Custom JSON".to_string(), ctx)),
        (SampleChoice::Builtin(s), _) => Some((s.name.clone(), &s.context)),
        _ => first_fitting(connection).map(|s| (s.name.clone(), &s.context)),
    }
}

/// The connection after its trigger or source changes: an event trigger
/// gets its source's default event when the source changes, YouLend only
/// sends events, and a chosen sample that no longer fits is replaced by
/// the first that does (the custom context always fits).
pub fn retrigger(connection: &Connection, trigger: Trigger, source: Source) -> Connection {
    let mut next = connection.clone();
    next.trigger = trigger;
    next.source = source;
    if let Some(sample) = &next.sample {
        let fitting = samples::samples_for(&next);
        if sample != CUSTOM_SAMPLE && !fitting.iter().any(|s| &s.id == sample) {
            next.sample = fitting.first().map(|s| s.id.clone());
        }
    }
    next
}

/// The event a new event trigger of `source` listens for.
pub fn default_event(source: Source) -> String {
    match source {
        Source::Loanpro => "Account Activated".into(),
        Source::Youlend => "LOA10040".into(),
    }
}

/// The trigger after the user picks rule- or event-based, keeping the rule text.
pub fn trigger_of_kind(trigger: &Trigger, source: Source, event_based: bool) -> Trigger {
    let rule = trigger.rule().to_string();
    match (trigger, event_based) {
        (Trigger::Event { .. }, true) | (Trigger::Rule { .. }, false) => trigger.clone(),
        (_, true) => Trigger::Event {
            event: default_event(source),
            rule,
        },
        (_, false) => Trigger::Rule { rule },
    }
}

/// The trigger after the user picks another source: YouLend only sends
/// events (its filter starts empty); a LoanPro event trigger gets LoanPro's
/// default event.
pub fn trigger_for_source(trigger: &Trigger, source: Source) -> Trigger {
    match (trigger, source) {
        (_, Source::Youlend) => Trigger::Event {
            event: default_event(source),
            rule: String::new(),
        },
        (Trigger::Event { rule, .. }, Source::Loanpro) => Trigger::Event {
            event: default_event(source),
            rule: rule.clone(),
        },
        (other, _) => other.clone(),
    }
}

/// What names each record in a dry run of a connection from `source`: LoanPro's
/// `loan-id`, a YouLend event's
/// `EventProperties.LoanId`, which every loan event carries (an `EventId`
/// is in one version of LOA10055 only).
pub fn record_id_field(source: Source) -> &'static str {
    match source {
        Source::Loanpro => "loan-id",
        Source::Youlend => "EventProperties.LoanId",
    }
}

/// What decides whether the connection fires for a loan or event: the rule;
/// for an event trigger, the event's code and then its filter (an event of
/// another kind never fires it). What dry runs evaluate.
pub fn firing_rule(trigger: &Trigger) -> String {
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

/// The evaluation options for a context: its own `current-date` when it has
/// one, else `today` (the caller's clock; the engine never reads one in wasm).
pub fn eval_options(ctx: &Context, today: Option<Date>) -> EvalOptions {
    // `lookup_in`, not `lookup`: a miss must not pay for did-you-mean.
    if lookup_in(ctx.root(), "current-date").is_some() {
        return EvalOptions::default();
    }
    EvalOptions {
        today,
        ..EvalOptions::default()
    }
}

/// How one builder item came out for the sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemOutcome {
    True,
    False,
    Error,
    /// Not evaluated: its group was decided before it (`and`/`or` stop early).
    Skipped,
}

/// A clause of the rule text marked true or false: the range of its head
/// (`(and`, `(=`) so the marks do not cover each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub range: Range<usize>,
    pub holds: bool,
}

/// Everything about a trigger's rule text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleAnalysis {
    /// Syntax errors, or the catalog check's errors and warnings.
    pub findings: Vec<Error>,
    /// The builder's model; `None` while the text does not parse.
    pub model: Option<RuleModel>,
    /// The result for the sample; `None` without a sample or while the text does not parse.
    pub result: Option<Result<Value, Error>>,
    pub marks: Vec<Mark>,
    /// Each builder item's outcome for the sample, by path from the top group.
    pub items: HashMap<ItemPath, ItemOutcome>,
    /// The builder's items as a dry run counts them (`dryrun::counted_items`);
    /// empty while the text does not parse.
    pub dry_run_items: Vec<CountedItem>,
}

/// Why a rule trigger with no rule is refused, as `lint` says it.
pub const NEEDS_A_RULE: &str = "a rule trigger needs a rule";

/// Parses, checks and models a rule, and explains it against `ctx` when
/// given. An empty rule is an empty "all of" group; it fires an event
/// trigger (no filter), and for a rule trigger it is the problem `lint`
/// reports, with nothing to evaluate, as for a rule that does not parse.
pub fn analyze_rule(
    text: &str,
    catalog: &Catalog,
    ctx: Option<&Context>,
    today: Option<Date>,
    event_trigger: bool,
) -> RuleAnalysis {
    if text.trim().is_empty() {
        let (findings, result) = if event_trigger {
            (Vec::new(), ctx.map(|_| Ok(Value::Bool(true))))
        } else {
            let message = format!("{NEEDS_A_RULE}: build it above or type it below");
            (vec![Error::new(ErrorKind::Syntax, message, None)], None)
        };
        return RuleAnalysis {
            findings,
            model: Some(RuleModel {
                root: Item::Group(Group {
                    mode: Match::All,
                    items: Vec::new(),
                }),
            }),
            result,
            ..RuleAnalysis::default()
        };
    }
    let rule = match Rule::parse(text) {
        Ok(rule) => rule,
        Err(findings) => {
            return RuleAnalysis {
                findings,
                ..RuleAnalysis::default()
            }
        }
    };
    let findings = rule::check(&rule, catalog);
    let model = RuleModel::from_rule(&rule);
    let dry_run_items = counted_items(&rule);
    let Some(ctx) = ctx else {
        return RuleAnalysis {
            findings,
            model: Some(model),
            dry_run_items,
            ..RuleAnalysis::default()
        };
    };
    let explanation = rule.explain(ctx, &eval_options(ctx, today));
    // The outermost step at each span: a parent's span is never its child's.
    let mut by_span: HashMap<(usize, usize), &Outcome> = HashMap::new();
    for step in &explanation.steps {
        by_span
            .entry((step.span.start, step.span.end))
            .or_insert(&step.outcome);
    }
    let items = model::item_spans(&rule)
        .into_iter()
        .map(|(path, span)| {
            let outcome = match by_span.get(&(span.start, span.end)) {
                Some(Outcome::Value(v)) if v.is_truthy() => ItemOutcome::True,
                Some(Outcome::Value(_)) => ItemOutcome::False,
                Some(Outcome::Skipped) => ItemOutcome::Skipped,
                // An error, or no step at all: the rule did not compile.
                Some(Outcome::Error(_)) | None => ItemOutcome::Error,
            };
            (path, outcome)
        })
        .collect();
    let marks = explanation
        .steps
        .iter()
        .filter_map(|step| match &step.outcome {
            Outcome::Value(Value::Bool(b)) => Some((step.span, *b)),
            _ => None,
        })
        .filter_map(|(span, holds)| {
            Some(Mark {
                range: head_of(text, span.start..span.end)?,
                holds,
            })
        })
        .collect();
    RuleAnalysis {
        findings,
        model: Some(model),
        result: Some(explanation.result),
        marks,
        items,
        dry_run_items,
    }
}

/// The head of a list form (`(and`), or `None` for anything else.
pub fn head_of(text: &str, form: Range<usize>) -> Option<Range<usize>> {
    if form.end > text.len() || text.as_bytes().get(form.start) != Some(&b'(') {
        return None;
    }
    let inner = text.get(form.start + 1..form.end)?;
    let end = inner
        .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .map_or(form.end, |i| form.start + 1 + i);
    Some(form.start..end)
}

/// A template field for the chosen sample.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldAnalysis {
    /// The field's path in the connection (`request.url`).
    pub field: String,
    /// The template's syntax errors; else its render's errors for the
    /// sample (JSON and URL problems mapped back into the template), then
    /// its warnings (curly quotes copied from LoanPro's help pages).
    pub errors: Vec<Error>,
    /// The output for the sample; `None` without a sample or while the text does not parse.
    pub output: Option<String>,
}

impl FieldAnalysis {
    pub fn has_errors(&self) -> bool {
        self.errors.iter().any(|e| !e.is_warning())
    }
}

/// Parses a template field and renders it for `ctx` in `mode`.
pub fn analyze_field(
    field: &str,
    source: &str,
    mode: Mode,
    ctx: Option<&Context>,
) -> FieldAnalysis {
    let template = match Template::parse(source) {
        Ok(t) => t,
        Err(errors) => {
            return FieldAnalysis {
                field: field.to_string(),
                errors,
                output: None,
            }
        }
    };
    let (output, mut errors) = match ctx {
        Some(ctx) => {
            let preview = template.preview(ctx, mode, &RenderOptions::default());
            (Some(preview.output), preview.errors)
        }
        None => (None, Vec::new()),
    };
    errors.extend(template.notes().iter().cloned());
    FieldAnalysis {
        field: field.to_string(),
        errors,
        output,
    }
}

/// The mode a template field renders in: the URL as a URL, a custom body by
/// its content type, everything else (header values, credentials) as text.
pub fn mode_of(connection: &Connection, field: &str) -> Mode {
    match (field, &connection.request.payload) {
        ("request.url", _) => Mode::Url,
        ("request.payload.body", Payload::Custom { content_type, .. }) => {
            Mode::for_content_type(content_type)
        }
        _ => Mode::Text,
    }
}

/// What the caller brings to an analysis besides the connection.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// The user's own JSON context, when one is pasted and parses.
    pub custom: Option<&'a Context>,
    /// The evaluation date for contexts without a `current-date`.
    pub today: Option<Date>,
    /// How the request is rendered (lenient: missing variables render empty).
    pub request: RequestOptions,
}

/// Everything the editor shows about one connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The sample's name, when there is one to evaluate and render with.
    pub sample: Option<String>,
    pub rule: RuleAnalysis,
    /// Every template field (see [`lint::template_fields`]) for the sample.
    pub fields: Vec<FieldAnalysis>,
    pub request: Option<Result<RenderedRequest, Vec<FieldError>>>,
    /// lint's findings, by field path in the connection.
    pub findings: Vec<Finding>,
}

impl Analysis {
    pub fn field(&self, path: &str) -> Option<&FieldAnalysis> {
        self.fields.iter().find(|f| f.field == path)
    }

    /// lint's findings for one field (`request.headers[0].name`) or under a prefix.
    pub fn findings_under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings
            .iter()
            .filter(move |f| f.field.starts_with(prefix))
    }
}

/// The whole analysis of a connection for its chosen sample.
pub fn analyze(connection: &Connection, options: &Options) -> Analysis {
    let catalog = catalog_for(connection.source);
    let rule_ctx = match sample_choice(connection) {
        SampleChoice::Custom => options.custom,
        SampleChoice::Builtin(s) => Some(&s.context),
        SampleChoice::Nothing => None,
    };
    let event_trigger = matches!(connection.trigger, Trigger::Event { .. });
    let rule = analyze_rule(
        connection.trigger.rule(),
        catalog,
        rule_ctx,
        options.today,
        event_trigger,
    );
    let preview = preview_context(connection, options.custom);
    let ctx = preview.as_ref().map(|(_, ctx)| *ctx);
    let fields = lint::template_fields(connection)
        .into_iter()
        .map(|(field, source)| {
            let mode = mode_of(connection, &field);
            analyze_field(&field, source, mode, ctx)
        })
        .collect();
    let request = ctx.map(|ctx| render_request(connection, ctx, &options.request));
    let findings = lint_findings(connection);
    Analysis {
        sample: preview.map(|(name, _)| name),
        rule,
        fields,
        request,
        findings,
    }
}

/// lint's findings for one connection, by field path (`request.headers[0].name`),
/// with the built-in catalogs and samples.
pub fn lint_findings(connection: &Connection) -> Vec<Finding> {
    let subject = Subject {
        connection,
        catalog: catalog_for(connection.source),
        samples: samples::samples_for(connection),
        all_samples: samples::samples(),
    };
    lint::CHECKS
        .iter()
        .flat_map(|check| check(&subject))
        .collect()
}
