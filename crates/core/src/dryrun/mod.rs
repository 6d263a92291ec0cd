//! Portfolio dry run: which loans a rule fires for, and why not the others.
//!
//! A portfolio (NDJSON, a JSON array, JSON objects one after another or CSV; gzip is undone by the caller, see
//! [`Gunzip`]) is fed to a [`Reader`] chunk by chunk, which cuts it into
//! [`Batch`]es of whole records; an [`Evaluator`] (one per thread) turns each
//! batch into a [`Tally`]; tallies merge in file order; [`Plan::report`] turns
//! the total into a [`Report`].
//!
//! Each loan is evaluated exactly as `hookwright eval` and the editor's live
//! result evaluate it: the same compiled rule, the same options, the same
//! context lookups. For speed, a JSON record is first scanned for only the
//! members the rule reads ([`scan`]); the scanner accepts only records the full
//! parser accepts, and whenever the fast evaluation errs the record is parsed
//! whole and evaluated again, so error messages (did-you-mean and all) are
//! those of a full context.

mod csv;
mod direct;
mod gunzip;
mod sample;
mod scan;
mod split;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::context::{lookup_in, Context};
use crate::error::Error;
use crate::rule::eval::Tracer;
use crate::rule::model::{item_spans, Item, Match, RuleModel};
use crate::rule::{CompiledRule, Date, EvalOptions, Rule};
use crate::suggest;
use crate::value::{Map, Value};

pub use csv::{cell_value, split_row, Header};
pub use gunzip::{is_gzip, Gunzip};
pub use sample::portfolio as sample_portfolio;
pub use split::{shareable_head, Batch, FileError, Format, LineRange, Reader, MAX_RECORD};

use split::{Rec, Records};

/// How the message of a record the full parser refused starts.
const UNREADABLE: &str = "unreadable record: ";

/// How many record errors and near misses a tally keeps (all are counted).
pub const KEEP: usize = 1_000;

/// What to run and what to keep.
#[derive(Debug, Clone)]
pub struct Options {
    /// The evaluation date; `None` uses each loan's `current-date`, as LoanPro does.
    pub today: Option<Date>,
    /// The member naming each loan (`loan-id`).
    pub id_field: String,
    /// Keep each fired loan's row (its id and the variables the rule reads), for a table.
    pub keep_rows: bool,
    /// Record errors kept in full (all are counted).
    pub max_errors: usize,
    /// Near misses kept in full (all are counted).
    pub max_near_misses: usize,
    /// Extra rule texts (the builder's groups and conditions) to count true /
    /// false / error for every loan, each evaluated on its own.
    pub items: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            today: None,
            id_field: "loan-id".into(),
            keep_rows: false,
            max_errors: KEEP,
            max_near_misses: KEEP,
            items: Vec::new(),
        }
    }
}

/// A clause of the rule text: a bracketed form, with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct ClauseInfo {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub col: usize,
    /// The node it is in the compiled rule.
    node: usize,
}

/// The rule's boolean shape over its conditions, for near misses.
#[derive(Debug, Clone)]
enum Tree {
    Leaf(usize),
    All(Vec<Tree>),
    Any(Vec<Tree>),
    /// `(not (or …))`: none of them.
    None(Vec<Tree>),
    Not(Box<Tree>),
}

impl Tree {
    /// Clojure's `and`/`or`/`not` over the conditions' outcomes (`None` an
    /// error), left to right and short-circuiting, with one condition flipped.
    fn eval(&self, leaves: &[Option<bool>], flip: usize) -> Option<bool> {
        match self {
            Tree::Leaf(i) => leaves[*i].map(|b| b != (*i == flip)),
            Tree::All(items) => {
                for item in items {
                    if !item.eval(leaves, flip)? {
                        return Some(false);
                    }
                }
                Some(true)
            }
            Tree::Any(items) => {
                for item in items {
                    if item.eval(leaves, flip)? {
                        return Some(true);
                    }
                }
                Some(false)
            }
            Tree::None(items) => {
                for item in items {
                    if item.eval(leaves, flip)? {
                        return Some(false);
                    }
                }
                Some(true)
            }
            Tree::Not(inner) => inner.eval(leaves, flip).map(|b| !b),
        }
    }

    /// Each node's value (1 true, 2 false, 3 error) in pre-order: the
    /// builder's groups and conditions, top first.
    fn values(&self, leaves: &[Option<bool>], out: &mut Vec<u8>) {
        out.push(match self.eval(leaves, usize::MAX) {
            Some(true) => 1,
            Some(false) => 2,
            None => 3,
        });
        match self {
            Tree::Leaf(_) => {}
            Tree::All(items) | Tree::Any(items) | Tree::None(items) => {
                for item in items {
                    item.values(leaves, out);
                }
            }
            Tree::Not(inner) => inner.values(leaves, out),
        }
    }

    fn build(item: &Item, leaves: &mut Vec<String>) -> Tree {
        match item {
            Item::Group(g) => {
                let items = g.items.iter().map(|i| Tree::build(i, leaves)).collect();
                match g.mode {
                    Match::All => Tree::All(items),
                    Match::Any => Tree::Any(items),
                    Match::None => Tree::None(items),
                }
            }
            Item::Not(inner) => Tree::Not(Box::new(Tree::build(inner, leaves))),
            leaf => {
                leaves.push(RuleModel { root: leaf.clone() }.to_text());
                Tree::Leaf(leaves.len() - 1)
            }
        }
    }
}

/// A rule ready for a dry run: compiled once, shared by every thread.
#[derive(Debug)]
pub struct Plan {
    rule: Rule,
    compiled: CompiledRule,
    opts: EvalOptions,
    options: Options,
    /// Top-level members the fast path reads.
    wanted: scan::Wanted,
    /// The rule in the direct form, when it has it and so has every
    /// condition (`direct_leaves`, in the order of `leaves`); `id_member` is
    /// the id field's index among the wanted names.
    direct: Option<direct::Direct>,
    direct_leaves: Vec<direct::Direct>,
    id_member: usize,
    clauses: Vec<ClauseInfo>,
    /// Conditions (as canonical text) and their compiled form, for near misses.
    leaves: Vec<(String, CompiledRule)>,
    /// Each condition's node in the compiled rule, when it is that node's
    /// text exactly: its outcome in the rule's own run is the condition's.
    leaf_nodes: Vec<Option<usize>>,
    tree: Option<Tree>,
    items: Vec<Option<CompiledRule>>,
    /// The items asked for are the tree's nodes: count them from the
    /// conditions' values instead of evaluating each on its own.
    items_from_tree: bool,
}

impl Plan {
    /// Parses and compiles the rule; its errors are the CLI's exit 1.
    pub fn new(rule_text: &str, options: Options) -> Result<Plan, Vec<Error>> {
        let rule = Rule::parse(rule_text)?;
        let compiled = rule.compile()?;
        let source = rule.source().to_string();
        // A member is wanted when it can start the lookup of a path the rule reads.
        let mut wanted: Vec<String> = Vec::new();
        let mut add_prefixes = |path: &str| {
            let mut end = path.len();
            loop {
                let prefix = &path[..end];
                if !wanted.iter().any(|w| w == prefix) {
                    wanted.push(prefix.to_string());
                }
                match prefix.rfind('.') {
                    Some(i) => end = i,
                    None => break,
                }
            }
        };
        for path in compiled.variables() {
            add_prefixes(path);
        }
        add_prefixes("current-date");
        add_prefixes(&options.id_field);
        let clauses = compiled
            .spans()
            .iter()
            .enumerate()
            .filter(|(_, s)| source.as_bytes().get(s.start) == Some(&b'('))
            .map(|(node, s)| ClauseInfo {
                text: one_line(&source[s.start..s.end]),
                start: s.start,
                end: s.end,
                line: s.line,
                col: s.col,
                node,
            })
            .collect();
        let model = RuleModel::from_rule(&rule);
        let mut leaf_texts = Vec::new();
        let tree = Tree::build(&model.root, &mut leaf_texts);
        let leaves: Option<Vec<(String, CompiledRule)>> = leaf_texts
            .into_iter()
            .map(|t| {
                let c = Rule::parse(&t).ok()?.compile().ok()?;
                Some((t, c))
            })
            .collect();
        let (leaves, tree) = match leaves {
            Some(l) if !l.is_empty() => (l, Some(tree)),
            _ => (Vec::new(), None),
        };
        let leaf_nodes = leaf_nodes(&rule, &model, &compiled, &leaves);
        let node_texts = item_texts(&rule);
        let items_from_tree =
            tree.is_some() && !options.items.is_empty() && options.items == node_texts;
        let items = if items_from_tree {
            Vec::new()
        } else {
            options
                .items
                .iter()
                .map(|t| Rule::parse(t).ok()?.compile().ok())
                .collect()
        };
        let opts = EvalOptions {
            today: options.today,
            ..EvalOptions::default()
        };
        let wanted = scan::Wanted::new(wanted);
        // A dotted id field reads inside a member: not the direct form's.
        let id_member = match options.id_field.contains('.') {
            true => None,
            false => wanted.names().iter().position(|n| *n == options.id_field),
        };
        // The engine's run spends a unit of fuel a node; the direct form
        // spends none, so it is used only where fuel cannot run out.
        let fuel_enough =
            opts.fuel.unwrap_or(crate::rule::eval::DEFAULT_FUEL) > compiled.spans().len() as u64;
        let direct_leaves: Option<Vec<direct::Direct>> = leaves
            .iter()
            .map(|(_, leaf)| direct::Direct::of(leaf, &wanted))
            .collect();
        let (direct, direct_leaves, id_member) = match (
            direct::Direct::of(&compiled, &wanted),
            direct_leaves,
            id_member,
        ) {
            (Some(rule), Some(leaves), Some(id))
                if fuel_enough && (options.items.is_empty() || items_from_tree) =>
            {
                (Some(rule), leaves, id)
            }
            _ => (None, Vec::new(), 0),
        };
        Ok(Plan {
            rule,
            compiled,
            opts,
            options,
            wanted,
            direct,
            direct_leaves,
            id_member,
            clauses,
            leaves,
            leaf_nodes,
            tree,
            items,
            items_from_tree,
        })
    }

    pub fn source(&self) -> &str {
        self.rule.source()
    }

    /// The variable paths the rule reads.
    pub fn variables(&self) -> &[String] {
        self.compiled.variables()
    }

    pub fn clauses(&self) -> &[ClauseInfo] {
        &self.clauses
    }

    /// The conditions near misses are told by (canonical text).
    pub fn conditions(&self) -> Vec<&str> {
        self.leaves.iter().map(|(t, _)| t.as_str()).collect()
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// An empty tally shaped for this plan.
    pub fn tally(&self) -> Tally {
        Tally {
            clause_counts: vec![[0; 3]; self.clauses.len()],
            item_counts: vec![[0; 3]; self.options.items.len()],
            near_miss_by_condition: vec![0; self.leaves.len()],
            present: vec![0; self.variables().len()],
            ..Tally::default()
        }
    }

    /// The summary of a finished run.
    pub fn report(&self, tally: Tally) -> Report {
        let clauses = self
            .clauses
            .iter()
            .zip(&tally.clause_counts)
            .map(|(c, n)| Clause {
                text: c.text.clone(),
                line: c.line,
                col: c.col,
                start: c.start,
                end: c.end,
                true_count: n[0],
                false_count: n[1],
                error_count: n[2],
            })
            .collect();
        let mut notes = Vec::new();
        let readable = tally.loans - tally.unreadable;
        if readable > 0 {
            for (path, &n) in self.variables().iter().zip(&tally.present) {
                if n == 0 {
                    let hint = suggest::hint(&suggest::did_you_mean(
                        path,
                        tally.sample_paths.iter().map(String::as_str),
                    ));
                    let hint = if hint.is_empty() {
                        " (check the variable name, or the portfolio's columns)".to_string()
                    } else {
                        hint
                    };
                    notes.push(format!("no loan has `{path}`{hint}"));
                }
            }
            // A misspelt id field leaves every id null, which is easy not to notice.
            let near = (0..tally.near_misses.len()).filter_map(|i| tally.near_misses.get(i));
            let mut listed = tally
                .fired_ids()
                .map(Some)
                .chain(near.map(|m| m.id))
                .peekable();
            if listed.peek().is_some() && listed.all(|id| id.is_none_or(|id| id == "null")) {
                let field = &self.options.id_field;
                let hint = suggest::hint(&suggest::did_you_mean(
                    field,
                    tally.sample_paths.iter().map(String::as_str),
                ));
                notes.push(format!(
                    "no fired loan or near miss has `{field}`, the field naming each loan, so their ids are null{hint}"
                ));
            }
        }
        Report {
            clauses,
            notes,
            conditions: self.leaves.iter().map(|(t, _)| t.clone()).collect(),
            tally,
        }
    }
}

/// A group or condition of the builder as the dry run counts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountedItem {
    /// How deep it sits below the model's root (the root is 0).
    pub depth: usize,
    /// What the results show for it: `all of 2 items`, `NOT`, or a condition's text.
    pub label: String,
    /// Its rule text.
    pub text: String,
}

/// A rule's builder items (its model's groups and conditions) in the order
/// the dry run counts them: pre-order, top first. Each item's text is its own
/// place in the rule's source (`model::item_spans`), so the walk is linear in
/// the rule's size however deep it nests (formatting every group's subtree
/// again was quadratic); only a condition's label is formatted, and
/// conditions do not overlap.
pub fn counted_items(rule: &Rule) -> Vec<CountedItem> {
    let model = RuleModel::from_rule(rule);
    let spans = item_spans(rule);
    // A rule that is not a group is also listed as the top group's only item, `[0]`.
    let skip = usize::from(!matches!(model.root, Item::Group(_)));
    let source = rule.source();
    let mut out = Vec::with_capacity(spans.len());
    let mut stack: Vec<(&Item, usize)> = vec![(&model.root, 0)];
    let mut spans = spans.into_iter().skip(skip);
    while let Some((item, depth)) = stack.pop() {
        let own = spans
            .next()
            .and_then(|(_, span)| source.get(span.start..span.end));
        let canonical = || RuleModel { root: item.clone() }.to_text();
        let text = own.map_or_else(canonical, str::to_string);
        let label = match item {
            Item::Group(g) => {
                let mode = match g.mode {
                    Match::All => "all",
                    Match::Any => "any",
                    Match::None => "none",
                };
                format!("{mode} of {} items", g.items.len())
            }
            Item::Not(_) => "NOT".to_string(),
            // A condition written on one line is shown as written (formatting
            // thousands of them would be most of the walk's time).
            _ => match own {
                Some(own) if !own.contains(['\n', ';']) => own.to_string(),
                _ => canonical(),
            },
        };
        out.push(CountedItem { depth, label, text });
        match item {
            Item::Group(g) => stack.extend(g.items.iter().rev().map(|i| (i, depth + 1))),
            Item::Not(inner) => stack.push((inner, depth + 1)),
            _ => {}
        }
    }
    out
}

/// The rule texts of [`counted_items`] ([`Options::items`] equal to these is
/// the fast path).
pub fn item_texts(rule: &Rule) -> Vec<String> {
    counted_items(rule).into_iter().map(|i| i.text).collect()
}

/// For each condition of `leaves`, the compiled rule's node for the same
/// text, when there is exactly one: a condition sits directly under `and`,
/// `or` and `not`, which bind nothing, so that node's value in a run of the
/// whole rule is the condition's own.
fn leaf_nodes(
    rule: &Rule,
    model: &RuleModel,
    compiled: &CompiledRule,
    leaves: &[(String, CompiledRule)],
) -> Vec<Option<usize>> {
    let top = Item::Group(model.top_group());
    let leaf_spans: Vec<_> = crate::rule::model::item_spans(rule)
        .into_iter()
        .filter(|(path, _)| {
            let mut item = &top;
            for &i in path {
                item = match item {
                    Item::Group(g) => match g.items.get(i) {
                        Some(it) => it,
                        None => return false,
                    },
                    Item::Not(inner) if i == 0 => inner,
                    _ => return false,
                };
            }
            matches!(item, Item::Condition(_) | Item::Expression(_))
        })
        .map(|(_, span)| span)
        .collect();
    if leaf_spans.len() != leaves.len() {
        return vec![None; leaves.len()];
    }
    let source = rule.source();
    leaf_spans
        .iter()
        .zip(leaves)
        .map(|(span, (text, _))| {
            let same_text = source
                .get(span.start..span.end)
                .and_then(|t| Rule::parse(t).ok())
                .is_some_and(|r| RuleModel::from_rule(&r).to_text() == *text);
            let mut nodes = compiled
                .spans()
                .iter()
                .enumerate()
                .filter(|(_, s)| s.start == span.start && s.end == span.end);
            match (nodes.next(), nodes.next()) {
                (Some((node, _)), None) if same_text => Some(node),
                _ => None,
            }
        })
        .collect()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A record's id as the tables show it, from the JSON the tally keeps for errors and near misses
/// (`--json` prints it as it is): a string's text (`"M\u00fcller"` is `Müller`), `null` nothing,
/// a number as written; the fired table's ids read the same.
pub fn id_text(json: &str) -> std::borrow::Cow<'_, str> {
    match json.as_bytes().first() {
        Some(b'"') => crate::json::decode_string(json),
        _ if json == "null" => std::borrow::Cow::Borrowed(""),
        _ => std::borrow::Cow::Borrowed(json),
    }
}

/// Whether a table's cell is a number as JSON writes it (`-2.50`, `1E+3`): a spreadsheet reads it
/// as a number, so an export needs no guard against formulas for it.
pub fn is_number_text(cell: &str) -> bool {
    csv::is_json_number(cell)
}

/// A table cell's exact value when it is a number as JSON writes it (`-2.50`, `1E+3`), for
/// sorting: a float would tie 19-digit ids and any numbers equal to 16 significant digits.
pub fn number_of(cell: &str) -> Option<rust_decimal::Decimal> {
    if csv::is_json_number(cell) {
        crate::context::parse_number(cell).ok()
    } else {
        None
    }
}

/// `1234567` as `1,234,567`: loan counts and rates as the CLI and the page print them.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1_549_000` bytes as `1.5` (MB, one decimal, half up): sizes as the page
/// prints them, in integers, so the page carries no float formatting.
pub fn megabytes(bytes: u64) -> String {
    let tenths = bytes.saturating_add(50_000) / 100_000;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A record that could not be evaluated: unreadable, or the rule erred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordError {
    pub line: u64,
    /// The loan's id as JSON, when it could be read.
    pub id: Option<String>,
    pub message: String,
}

/// A loan that does not fire but would if one condition came out the other way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearMiss<'t> {
    pub line: u64,
    /// The loan's id as JSON, when it has one.
    pub id: Option<&'t str>,
    /// Indexes into [`Plan::conditions`].
    pub conditions: &'t [u16],
}

/// The near misses a tally keeps, in file order, in a few flat arrays: a run
/// may keep 100,000, and an allocation or two for each cost more than
/// evaluating the loan, and made a tally slow to send between workers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NearMisses {
    lines: Vec<u64>,
    /// The ids as JSON one after another, near miss `i`'s ending at
    /// `id_ends[i]` (an empty one: the loan has none).
    ids: String,
    id_ends: Vec<u32>,
    /// The conditions of each, one list after another, near miss `i`'s
    /// ending at `condition_ends[i]`.
    conditions: Vec<u16>,
    condition_ends: Vec<u32>,
}

impl NearMisses {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    fn push(&mut self, line: u64, id: Option<&Value>, conditions: &[u16]) {
        let had = self.ids.len();
        if let Some(id) = id {
            crate::value::write_json(id, &mut self.ids);
        }
        let ends = (
            u32::try_from(self.ids.len()),
            u32::try_from(self.conditions.len() + conditions.len()),
        );
        let (Ok(id_end), Ok(condition_end)) = ends else {
            // Past 4 GB: kept no more (counted all the same).
            self.ids.truncate(had);
            return;
        };
        self.lines.push(line);
        self.id_ends.push(id_end);
        self.conditions.extend_from_slice(conditions);
        self.condition_ends.push(condition_end);
    }

    /// Near miss `i`, in file order.
    pub fn get(&self, i: usize) -> Option<NearMiss<'_>> {
        let start = |ends: &[u32]| match i {
            0 => Some(0),
            _ => ends.get(i - 1).map(|&e| e as usize),
        };
        let id = self
            .ids
            .get(start(&self.id_ends)?..*self.id_ends.get(i)? as usize)?;
        let conditions = self
            .conditions
            .get(start(&self.condition_ends)?..*self.condition_ends.get(i)? as usize)?;
        Some(NearMiss {
            line: *self.lines.get(i)?,
            id: (!id.is_empty()).then_some(id),
            conditions,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = NearMiss<'_>> {
        (0..self.len()).map_while(|i| self.get(i))
    }

    /// Adds the first `room` of `other`, which come after these.
    fn append(&mut self, mut other: NearMisses, room: usize) {
        let n = other.len().min(room);
        if n == 0 {
            return;
        }
        if self.is_empty() && n == other.len() {
            *self = other;
            return;
        }
        let (Some(&id_end), Some(&condition_end)) =
            (other.id_ends.get(n - 1), other.condition_ends.get(n - 1))
        else {
            return;
        };
        let bases = (
            u32::try_from(self.ids.len()),
            u32::try_from(self.conditions.len()),
        );
        let (Ok(id_base), Ok(condition_base)) = bases else {
            return;
        };
        if u32::MAX - id_base < id_end || u32::MAX - condition_base < condition_end {
            return;
        }
        other.ids.truncate(id_end as usize);
        self.lines.extend_from_slice(&other.lines[..n]);
        self.ids.push_str(&other.ids);
        self.id_ends
            .extend(other.id_ends[..n].iter().map(|e| e + id_base));
        self.conditions
            .extend_from_slice(&other.conditions[..condition_end as usize]);
        self.condition_ends
            .extend(other.condition_ends[..n].iter().map(|e| e + condition_base));
    }

    fn shift_lines(&mut self, by: u64) {
        for line in &mut self.lines {
            *line += by;
        }
    }
}

/// A fired loan for the table: its id and the values of the variables the rule reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiredRow {
    pub line: u64,
    pub id: String,
    pub values: Vec<String>,
}

/// Counts and kept details of the records evaluated so far; merge in file order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub loans: u64,
    pub fired: u64,
    pub not_fired: u64,
    pub error_count: u64,
    /// Records that could not be read at all (also in `error_count`).
    pub unreadable: u64,
    pub errors: Vec<RecordError>,
    /// Each fired loan's id as JSON (`null` without one), in file order, a line each.
    pub fired_ids: String,
    pub rows: Vec<FiredRow>,
    /// Per clause: true, false, error.
    pub clause_counts: Vec<[u64; 3]>,
    /// Per extra item ([`Options::items`]): true, false, error.
    pub item_counts: Vec<[u64; 3]>,
    pub near_miss_count: u64,
    pub near_misses: NearMisses,
    pub near_miss_by_condition: Vec<u64>,
    /// Per variable the rule reads: more than 0 when some loan has it.
    pub present: Vec<u64>,
    /// Variable names seen in the first loans, for did-you-mean.
    pub sample_paths: Vec<String>,
}

impl Tally {
    /// Adds `other`, which covers records after this tally's.
    pub fn merge(&mut self, other: Tally, options: &Options) {
        self.loans += other.loans;
        self.fired += other.fired;
        self.not_fired += other.not_fired;
        self.error_count += other.error_count;
        self.unreadable += other.unreadable;
        let room = options.max_errors.saturating_sub(self.errors.len());
        self.errors.extend(other.errors.into_iter().take(room));
        self.fired_ids.push_str(&other.fired_ids);
        self.rows.extend(other.rows);
        add_counts(&mut self.clause_counts, &other.clause_counts);
        add_counts(&mut self.item_counts, &other.item_counts);
        self.near_miss_count += other.near_miss_count;
        let room = options
            .max_near_misses
            .saturating_sub(self.near_misses.len());
        self.near_misses.append(other.near_misses, room);
        add(
            &mut self.near_miss_by_condition,
            &other.near_miss_by_condition,
        );
        add(&mut self.present, &other.present);
        if self.sample_paths.len() < 2_000 {
            let have: HashSet<String> = self.sample_paths.iter().cloned().collect();
            self.sample_paths.extend(
                other
                    .sample_paths
                    .into_iter()
                    .filter(|p| !have.contains(p))
                    .take(2_000),
            );
        }
    }

    /// Moves the lines of a tally of records read from the middle of a file
    /// (lines counted from 1 there) down by the `by` lines before them.
    pub fn shift_lines(&mut self, by: u64) {
        if by == 0 {
            return;
        }
        for e in &mut self.errors {
            e.line += by;
            // An unreadable record's message ends with its place: ` (line N, column M)`.
            if !e.message.starts_with(UNREADABLE) || !e.message.ends_with(')') {
                continue;
            }
            let Some(at) = e.message.rfind(" (line ") else {
                continue;
            };
            let digits = at + " (line ".len();
            let Some(len) = e.message[digits..].find(", column ") else {
                continue;
            };
            if let Ok(n) = e.message[digits..digits + len].parse::<u64>() {
                e.message
                    .replace_range(digits..digits + len, &(n + by).to_string());
            }
        }
        self.near_misses.shift_lines(by);
        for r in &mut self.rows {
            r.line += by;
        }
    }

    /// The fired loans' ids as JSON values, in file order.
    pub fn fired_ids(&self) -> impl Iterator<Item = &str> {
        self.fired_ids.lines()
    }
}

fn add(into: &mut Vec<u64>, from: &[u64]) {
    if into.len() < from.len() {
        into.resize(from.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

fn add_counts(into: &mut Vec<[u64; 3]>, from: &[[u64; 3]]) {
    if into.len() < from.len() {
        into.resize(from.len(), [0; 3]);
    }
    for (a, b) in into.iter_mut().zip(from) {
        for k in 0..3 {
            a[k] += b[k];
        }
    }
}

/// A clause with its counts, as the CLI prints and the page marks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub text: String,
    pub line: usize,
    pub col: usize,
    pub start: usize,
    pub end: usize,
    pub true_count: u64,
    pub false_count: u64,
    pub error_count: u64,
}

/// A finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub clauses: Vec<Clause>,
    /// Advice about the run as a whole ("no loan has `x`; did you mean …").
    pub notes: Vec<String>,
    /// The conditions near misses name (canonical text), by index.
    pub conditions: Vec<String>,
    pub tally: Tally,
}

/// Loans that fire now and did not in the previous run, and the reverse.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    pub newly_firing: Vec<String>,
    pub no_longer_firing: Vec<String>,
}

/// Compares two runs' fired ids (each in file order).
pub fn diff<'a>(
    previous: impl IntoIterator<Item = &'a str>,
    current: impl IntoIterator<Item = &'a str>,
) -> Diff {
    let previous: Vec<&str> = previous.into_iter().collect();
    let current: Vec<&str> = current.into_iter().collect();
    let before: HashSet<&str> = previous.iter().copied().collect();
    let now: HashSet<&str> = current.iter().copied().collect();
    Diff {
        newly_firing: current
            .iter()
            .filter(|id| !before.contains(*id))
            .map(|s| s.to_string())
            .collect(),
        no_longer_firing: previous
            .iter()
            .filter(|id| !now.contains(*id))
            .map(|s| s.to_string())
            .collect(),
    }
}

/// One loan's outcome, for tests and callers that look at loans one by one.
#[derive(Debug, Clone, PartialEq)]
pub enum LoanResult {
    /// The rule's value (truthy: the loan fires).
    Value(Value),
    /// The rule erred for this loan.
    Error(Error),
    /// The record could not be read.
    Unreadable(String),
}

/// Records each node's outcome for one loan: 0 not evaluated, 1 truthy, 2 falsey, 3 error.
struct States(Vec<u8>);

impl Tracer for States {
    const ACTIVE: bool = true;

    #[inline]
    fn record(&mut self, id: u32, outcome: Result<&Value, &Error>) {
        if let Some(s) = self.0.get_mut(id as usize) {
            *s = match outcome {
                Ok(v) if v.is_truthy() => 1,
                Ok(_) => 2,
                Err(_) => 3,
            };
        }
    }
}

/// Evaluates batches for one thread, reusing its buffers from loan to loan.
pub struct Evaluator<'p> {
    plan: &'p Plan,
    /// The fast path's context: only the wanted members, reused.
    ctx: Context,
    scratch: scan::Scratch,
    trace: Trace,
    /// Loans whose names were sampled for did-you-mean.
    sampled: usize,
    sample_names: Vec<String>,
    /// Variables some loan this evaluator saw has.
    present: Vec<bool>,
    all_present: bool,
    /// The rule's run gives only whether it fired (the tally's need), not its value.
    truthiness_only: bool,
    /// The direct form's converted values (a member compared), and the loan's id.
    converted: Value,
    id: Value,
    /// Whether loans may take the direct form (tests compare with and without).
    use_direct: bool,
    /// Loans the direct form counted.
    direct_loans: u64,
}

/// The builder's node values and the near miss's flips for one combination
/// of the conditions' outcomes: a function of those outcomes alone, so each
/// combination is worked out once per evaluator.
#[derive(Default)]
struct Shape {
    node_values: Vec<u8>,
    flips: Vec<u16>,
}

impl Shape {
    fn new(tree: &Tree, values: &[Option<bool>]) -> Shape {
        let mut node_values = Vec::new();
        tree.values(values, &mut node_values);
        let flips = (0..values.len())
            .filter(|&i| values[i].is_some() && tree.eval(values, i) == Some(true))
            .map(|i| i as u16)
            .collect();
        Shape { node_values, flips }
    }
}

/// Conditions up to which every combination of outcomes gets a [`Shape`] slot (3^8 = 6,561).
const SHAPED_LEAVES: usize = 8;

/// The combination of the conditions' outcomes as a number (base 3).
fn leaf_code(values: &[Option<bool>]) -> usize {
    values.iter().rev().fold(0, |code, v| {
        code * 3
            + match v {
                None => 0,
                Some(true) => 1,
                Some(false) => 2,
            }
    })
}

/// What a loan's run leaves for its tally, reused from loan to loan: each
/// node's outcome and each condition's, and the shapes worked out so far.
struct Trace {
    /// Each node's outcome (0 not reached, 1 true, 2 false, 3 error).
    states: Vec<u8>,
    /// Each condition's outcome for the builder and near misses.
    leaf_values: Vec<Option<bool>>,
    /// What the tree made of each combination of the conditions' outcomes
    /// seen so far (by [`leaf_code`]), when there are few conditions.
    shapes: Vec<Option<Shape>>,
    /// The shape of this loan when there are too many conditions to keep them.
    shape: Shape,
}

impl Trace {
    fn new(plan: &Plan) -> Trace {
        Trace {
            states: vec![0; plan.compiled.spans().len()],
            leaf_values: vec![None; plan.leaves.len()],
            shapes: match &plan.tree {
                Some(_) if plan.leaves.len() <= SHAPED_LEAVES => {
                    let combinations = 3usize.pow(plan.leaves.len() as u32);
                    (0..combinations).map(|_| None).collect()
                }
                _ => Vec::new(),
            },
            shape: Shape::default(),
        }
    }

    /// This loan's shape, from the memo when there is one.
    fn shape(&mut self, tree: &Tree) -> &Shape {
        let values = &self.leaf_values;
        if self.shapes.is_empty() {
            self.shape = Shape::new(tree, values);
            return &self.shape;
        }
        self.shapes[leaf_code(values)].get_or_insert_with(|| Shape::new(tree, values))
    }
}

enum Source<'t> {
    Json(&'t str),
    Csv(&'t Header, &'t str),
}

impl<'p> Evaluator<'p> {
    pub fn new(plan: &'p Plan) -> Evaluator<'p> {
        Evaluator {
            plan,
            ctx: Context::new(Value::Map(Map::new())),
            scratch: scan::Scratch::default(),
            trace: Trace::new(plan),
            sampled: 0,
            sample_names: Vec::new(),
            present: vec![false; plan.variables().len()],
            all_present: false,
            truthiness_only: true,
            converted: Value::Nil,
            id: Value::Nil,
            use_direct: true,
            direct_loans: 0,
        }
    }

    /// Evaluates every record of a batch.
    pub fn batch(&mut self, batch: &Batch) -> Tally {
        let mut tally = self.plan.tally();
        match &batch.records {
            Records::Lines => {
                // One UTF-8 check for the whole batch; a bad batch is checked line by line.
                let valid = std::str::from_utf8(&batch.text).ok();
                let text = &batch.text;
                let mut start = 0;
                let mut line = batch.first_line;
                while start < text.len() {
                    let end =
                        memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
                    let raw = &text[start..end];
                    if !raw.iter().all(u8::is_ascii_whitespace) {
                        // Lines end at ASCII newlines, so slicing checked text stays valid.
                        let checked = valid.map(|v| &v[start..end]);
                        self.raw_record(raw, line, None, None, checked, &mut tally);
                    }
                    start = end + 1;
                    line += 1;
                }
            }
            Records::Json(recs) => {
                for rec in recs {
                    self.rec(batch, rec, None, &mut tally);
                }
            }
            Records::Csv(header, recs) => {
                for rec in recs {
                    self.rec(batch, rec, Some(header), &mut tally);
                }
            }
        }
        tally
    }

    fn rec(&mut self, batch: &Batch, rec: &Rec, header: Option<&Header>, tally: &mut Tally) {
        let raw = &batch.text[rec.start..rec.end];
        self.raw_record(raw, rec.line, rec.problem.as_deref(), header, None, tally);
    }

    fn raw_record(
        &mut self,
        raw: &[u8],
        line: u64,
        problem: Option<&str>,
        header: Option<&Header>,
        utf8: Option<&str>,
        tally: &mut Tally,
    ) {
        tally.loans += 1;
        if let Some(problem) = problem {
            return unreadable(tally, line, problem.to_string(), self.plan);
        }
        let checked = match utf8 {
            Some(text) => Ok(text),
            None => std::str::from_utf8(raw),
        };
        let text = match checked {
            Ok(text) => text,
            Err(e) => {
                // Most often one accented letter of a file saved in a Windows code page.
                let at = e.valid_up_to();
                let col = String::from_utf8_lossy(&raw[..at]).chars().count() + 1;
                let message = format!(
                    "the record is not valid UTF-8 text: byte 0x{:02X} at column {col} (a file saved as Latin-1 or Windows-1252? save it as UTF-8)",
                    raw[at]
                );
                return unreadable(tally, line, message, self.plan);
            }
        };
        let source = match header {
            Some(h) => Source::Csv(h, text),
            None if self.direct(text, line, tally) => return,
            None => Source::Json(text),
        };
        match self.evaluate(source, line) {
            Ok((result, ctx)) => self.count(result, ctx.as_ref(), line, tally),
            Err(message) => unreadable(tally, line, message, self.plan),
        }
    }

    /// One JSON record's result, as the tally would count it (for tests and tools).
    pub fn loan(&mut self, text: &str) -> LoanResult {
        self.truthiness_only = false;
        let result = self.evaluate(Source::Json(text), 1);
        self.truthiness_only = true;
        match result {
            Ok((Ok(v), _)) => LoanResult::Value(v),
            Ok((Err(e), _)) => LoanResult::Error(e),
            Err(m) => LoanResult::Unreadable(m),
        }
    }

    /// Evaluates a record; the context is returned when it is not the fast
    /// path's (which stays in `self.ctx`). The states hold each node's outcome.
    #[allow(clippy::type_complexity)]
    fn evaluate(
        &mut self,
        source: Source<'_>,
        line: u64,
    ) -> Result<(Result<Value, Error>, Option<Context>), String> {
        let plan = self.plan;
        if let Source::Json(text) = source {
            let fast = match self.ctx.root_mut() {
                Value::Map(map) => {
                    scan::scan_object(text, &plan.wanted, map, &mut self.scratch).is_ok()
                }
                _ => false,
            };
            if fast {
                let result = self.run(None);
                let sample = self.sampled < 20;
                if result.is_ok() && !sample {
                    return Ok((result, None));
                }
                // Errors (and the first few loans' names) come from the whole record.
            }
        }
        let full = match source {
            Source::Json(text) => Context::from_json(text).map_err(|e| {
                let span = e
                    .span
                    .map(|s| format!(" (line {}, column {})", line + s.line as u64 - 1, s.col));
                format!("{UNREADABLE}{}{}", e.message, span.unwrap_or_default())
            })?,
            Source::Csv(header, text) => Context::new(header.row(text)?),
        };
        // `1` or `"L1"` is not a loan: its variables would all be missing (and a rule that
        // reads none would fire for it).
        let kind = match full.root() {
            Value::Map(_) => None,
            Value::Nil => Some("null"),
            Value::Bool(_) => Some("true or false"),
            Value::Number(_) => Some("a number"),
            Value::Text(_) | Value::Keyword(_) => Some("a string"),
            Value::Vector(_) | Value::Set(_) => Some("an array"),
        };
        if let Some(kind) = kind {
            return Err(format!(
                "{UNREADABLE}it is {kind}, not an object of the loan's variables"
            ));
        }
        if self.sampled < 20 {
            self.sampled += 1;
            self.sample_names.extend(full.paths().into_iter().take(500));
        }
        let result = self.run(Some(&full));
        Ok((result, Some(full)))
    }

    fn run(&mut self, ctx: Option<&Context>) -> Result<Value, Error> {
        let ctx = ctx.unwrap_or(&self.ctx);
        let mut states = States(std::mem::take(&mut self.trace.states));
        states.0.fill(0);
        if self.truthiness_only {
            // Counting needs only whether the rule fired; no values are built.
            let (result, states) = self
                .plan
                .compiled
                .truthy_traced(ctx, &self.plan.opts, states);
            self.trace.states = states.0;
            return result.map(Value::Bool);
        }
        let (result, states) = self.plan.compiled.run(ctx, &self.plan.opts, states);
        self.trace.states = states.0;
        // Only a truthiness is kept for rules that build bigger values.
        result.map(|v| match v {
            std::borrow::Cow::Borrowed(Value::Bool(b)) => Value::Bool(*b),
            v => v.into_owned(),
        })
    }

    fn count(
        &mut self,
        result: Result<Value, Error>,
        full: Option<&Context>,
        line: u64,
        tally: &mut Tally,
    ) {
        let plan = self.plan;
        let ctx = full.unwrap_or(&self.ctx);
        let root = ctx.root();
        // Whether some loan has each variable; once one has, stop looking.
        if !self.all_present {
            self.all_present = true;
            for (i, path) in plan.variables().iter().enumerate() {
                if self.present[i] {
                    continue;
                }
                if small_lookup(root, path).is_some() {
                    self.present[i] = true;
                    tally.present[i] += 1;
                } else {
                    self.all_present = false;
                }
            }
        }
        let fired = result.map(|v| v.is_truthy());
        if plan.tree.is_some() && (plan.items_from_tree || matches!(fired, Ok(false))) {
            let rule_ok = fired.is_ok();
            leaf_values_of(plan, &mut self.trace, ctx, rule_ok);
        }
        for (item, counts) in plan.items.iter().zip(tally.item_counts.iter_mut()) {
            if let Some(item) = item {
                match item.matches(ctx, &plan.opts) {
                    Ok(true) => counts[0] += 1,
                    Ok(false) => counts[1] += 1,
                    Err(_) => counts[2] += 1,
                }
            }
        }
        if !self.sample_names.is_empty() {
            let have: HashSet<&String> = tally.sample_paths.iter().collect();
            let fresh: Vec<String> = self
                .sample_names
                .drain(..)
                .filter(|p| !have.contains(p))
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            tally.sample_paths.extend(fresh);
        }
        let id = small_lookup(root, &plan.options.id_field);
        let outcome = Outcome {
            fired,
            line,
            id,
            root,
        };
        outcome.add_to(tally, plan, &mut self.trace);
    }

    /// A JSON record through the direct form ([`direct`]), when the plan
    /// has one and this loan needs nothing else: `false` when the caller
    /// is to take the usual path (nothing counted yet).
    fn direct(&mut self, text: &str, line: u64, tally: &mut Tally) -> bool {
        let plan = self.plan;
        let Some(rule) = plan.direct.as_ref().filter(|_| self.use_direct) else {
            return false;
        };
        // The first loans' names are sampled and presence is looked up from
        // a context; those loans take the usual path.
        if !self.truthiness_only || self.sampled < 20 || !self.all_present {
            return false;
        }
        if scan::scan_members(text, &plan.wanted, &mut self.scratch).is_err() {
            return false;
        }
        let members = &self.scratch.members;
        let trace = &mut self.trace;
        trace.states.fill(0);
        let Ok(fired) = rule.truthy(text, members, &mut trace.states, &mut self.converted) else {
            return false;
        };
        if plan.tree.is_some() && (plan.items_from_tree || !fired) {
            for ((value, leaf), node) in trace
                .leaf_values
                .iter_mut()
                .zip(&plan.direct_leaves)
                .zip(&plan.leaf_nodes)
            {
                *value = match node.map(|n| trace.states[n]) {
                    Some(1) => Some(true),
                    Some(2) => Some(false),
                    _ => match leaf.truthy(text, members, &mut [], &mut self.converted) {
                        Ok(b) => Some(b),
                        Err(direct::Stop::Missing) => None,
                        Err(direct::Stop::Unsure) => return false,
                    },
                };
            }
        }
        let id = match self.scratch.members[plan.id_member] {
            Some(m) => match scan::member_value(text, m, &mut self.id) {
                Ok(()) => Some(&self.id),
                Err(_) => return false,
            },
            None => None,
        };
        // A fired row shows the rule's variables: the context is filled for those.
        let Value::Map(map) = self.ctx.root_mut() else {
            return false;
        };
        if fired
            && plan.options.keep_rows
            && scan::fill_map(text, &plan.wanted, map, &mut self.scratch).is_err()
        {
            return false;
        }
        self.direct_loans += 1;
        let outcome = Outcome {
            fired: Ok(fired),
            line,
            id,
            root: self.ctx.root(),
        };
        outcome.add_to(tally, plan, &mut self.trace);
        true
    }
}

/// One evaluated loan, for its tally.
struct Outcome<'v> {
    /// Whether the rule fired, or its error.
    fired: Result<bool, Error>,
    line: u64,
    id: Option<&'v Value>,
    /// The loan's context (for a fired row's values).
    root: &'v Value,
}

impl Outcome<'_> {
    /// Counts the loan: its clauses from the trace's node outcomes, the
    /// builder's items and near misses from its conditions' outcomes.
    fn add_to(self, tally: &mut Tally, plan: &Plan, trace: &mut Trace) {
        for (c, counts) in plan.clauses.iter().zip(tally.clause_counts.iter_mut()) {
            match trace.states[c.node] {
                1 => counts[0] += 1,
                2 => counts[1] += 1,
                3 => counts[2] += 1,
                _ => {}
            }
        }
        let leaves_known = plan.items_from_tree;
        if leaves_known {
            if let Some(tree) = &plan.tree {
                let shape = trace.shape(tree);
                for (v, counts) in shape.node_values.iter().zip(tally.item_counts.iter_mut()) {
                    counts[usize::from(*v - 1)] += 1;
                }
            }
        }
        let Outcome {
            fired,
            line,
            id,
            root,
        } = self;
        match fired {
            Ok(true) => {
                tally.fired += 1;
                match id {
                    Some(id) => crate::value::write_json(id, &mut tally.fired_ids),
                    None => tally.fired_ids.push_str("null"),
                }
                tally.fired_ids.push('\n');
                if plan.options.keep_rows {
                    tally.rows.push(FiredRow {
                        line,
                        id: id.map(Value::to_text).unwrap_or_default(),
                        values: plan
                            .variables()
                            .iter()
                            .map(|p| {
                                small_lookup(root, p)
                                    .map(Value::to_text)
                                    .unwrap_or_default()
                            })
                            .collect(),
                    });
                }
            }
            Ok(false) => {
                tally.not_fired += 1;
                if let Some(tree) = &plan.tree {
                    let flips = &trace.shape(tree).flips;
                    if !flips.is_empty() {
                        tally.near_miss_count += 1;
                        for &i in flips {
                            tally.near_miss_by_condition[i as usize] += 1;
                        }
                        if tally.near_misses.len() < plan.options.max_near_misses {
                            tally.near_misses.push(line, id, flips);
                        }
                    }
                }
            }
            Err(e) => {
                tally.error_count += 1;
                if tally.errors.len() < plan.options.max_errors {
                    tally.errors.push(RecordError {
                        line,
                        id: id.map(Value::to_json),
                        message: e.message,
                    });
                }
            }
        }
    }
}

/// Each condition's outcome for this loan: taken from the rule's run when it
/// went without error and reached the condition (an unerring run had fuel to
/// spare, so the condition alone gives the same), else evaluated on its own.
fn leaf_values_of(plan: &Plan, trace: &mut Trace, ctx: &Context, rule_ok: bool) {
    let Trace {
        states,
        leaf_values,
        ..
    } = trace;
    for ((value, (_, leaf)), node) in leaf_values
        .iter_mut()
        .zip(&plan.leaves)
        .zip(&plan.leaf_nodes)
    {
        *value = match node.map(|n| states[n]) {
            Some(1) if rule_ok => Some(true),
            Some(2) if rule_ok => Some(false),
            _ => leaf.matches(ctx, &plan.opts).ok(),
        };
    }
}

/// `lookup_in` for the dry run's small maps: a top-level key found by
/// comparing names (cheaper than hashing for a handful of members).
fn small_lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    if let Value::Map(map) = root {
        if map.len() <= 8 {
            if let Some((_, v)) = map.iter().find(|(k, _)| k.as_str() == path) {
                return Some(v);
            }
        }
    }
    lookup_in(root, path)
}

fn unreadable(tally: &mut Tally, line: u64, message: String, plan: &Plan) {
    tally.error_count += 1;
    tally.unreadable += 1;
    if tally.errors.len() < plan.options.max_errors {
        tally.errors.push(RecordError {
            line,
            id: None,
            message,
        });
    }
}

#[cfg(test)]
mod tests;
