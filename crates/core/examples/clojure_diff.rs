//! Differential test of the rule language against real Clojure 1.11.
//!
//! Generates random rules (seeded) over generated LoanPro-like contexts,
//! evaluates each with Hookwright and, in one JVM, with Clojure
//! (`clojure_diff.clj` next to this file), and compares the printed results.
//! A rule counts as a documented difference when Clojure's answer differs
//! but the shimmed Clojure run (applying the deliberate differences listed in
//! docs/clojure-differences.md) agrees with ours, or when the only difference
//! is one of the documented printing choices (set order, `M` suffixes).
//!
//! ```text
//! cargo run --release -p hookwright-core --example clojure_diff -- --rules 10000 --seed 1
//! ```
//!
//! Options: `--rules N` (default 10000), `--seed S` (default 1),
//! `--min-agreement P` (percent, default 99; the exit code is 1 below it),
//! `--show K` (disagreements to print, default 20), `--classpath CP`
//! (default: Debian's libclojure-java jars, or `$CLOJURE_CLASSPATH`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use hookwright_core::random::Seeded;
use hookwright_core::rule::{pr_str, EvalOptions, Rule};
use hookwright_core::{Context, Value};

const DEFAULT_CLASSPATH: &str =
    "/usr/share/java/clojure.jar:/usr/share/java/spec.alpha.jar:/usr/share/java/core.specs.alpha.jar";

// ------------------------------------------------------------------ data

/// A generated value or expression, printed two ways: for Hookwright and for
/// Clojure (decimals as BigDecimals, `1.50M`).
#[derive(Clone, Debug)]
enum G {
    Nil,
    Bool(bool),
    Int(i64),
    /// Decimal text with a point, `-3.50`.
    Dec(String),
    Text(String),
    Kw(String),
    Var(String),
    Vector(Vec<G>),
    Set(Vec<G>),
    /// Context data only: a JSON object (keys become keywords in Clojure).
    Map(Vec<(String, G)>),
    Call(&'static str, Vec<G>),
    /// `#_dropped kept`: the reader drops the first form.
    Dropped(Box<G>, Box<G>),
}

impl G {
    fn write(&self, clojure: bool, out: &mut String) {
        let items = |open: &str, xs: &[G], close: &str, out: &mut String| {
            out.push_str(open);
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                x.write(clojure, out);
            }
            out.push_str(close);
        };
        match self {
            G::Nil => out.push_str("nil"),
            G::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            G::Int(i) => write!(out, "{i}").unwrap(),
            G::Dec(d) => {
                out.push_str(d);
                if clojure {
                    out.push('M');
                }
            }
            // Clojure's reader and the rule lexer read `pr-str`'s quoting alike.
            G::Text(s) => out.push_str(&pr_str(&Value::Text(s.clone()))),
            G::Kw(k) => write!(out, ":{k}").unwrap(),
            G::Var(v) => out.push_str(v),
            G::Vector(xs) => items("[", xs, "]", out),
            G::Set(xs) => items("#{", xs, "}", out),
            G::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    write!(out, ":{k} ").unwrap();
                    v.write(clojure, out);
                }
                out.push('}');
            }
            G::Call(head, args) => {
                out.push('(');
                out.push_str(head);
                for a in args {
                    out.push(' ');
                    a.write(clojure, out);
                }
                out.push(')');
            }
            G::Dropped(dropped, kept) => {
                out.push_str("#_");
                dropped.write(clojure, out);
                out.push(' ');
                kept.write(clojure, out);
            }
        }
    }

    fn text(&self, clojure: bool) -> String {
        let mut out = String::new();
        self.write(clojure, &mut out);
        out
    }

    fn json(&self, out: &mut String) {
        match self {
            G::Nil => out.push_str("null"),
            G::Bool(_) | G::Int(_) | G::Dec(_) => self.write(false, out),
            G::Text(s) => out.push_str(&serde_json::to_string(s).unwrap()),
            G::Vector(xs) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    x.json(out);
                }
                out.push(']');
            }
            G::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write!(out, "{}:", serde_json::to_string(k).unwrap()).unwrap();
                    v.json(out);
                }
                out.push('}');
            }
            other => panic!("not context data: {other:?}"),
        }
    }

    /// Equality key for set members, so a generated set literal never
    /// repeats a member (Clojure refuses those at read time).
    fn member_key(&self) -> String {
        match self {
            G::Int(i) => format!("n{i}"),
            G::Dec(d) => format!(
                "n{}",
                d.parse::<rust_decimal::Decimal>().unwrap().normalize()
            ),
            G::Dropped(_, kept) => kept.member_key(),
            other => other.text(false),
        }
    }
}

fn call(head: &'static str, args: Vec<G>) -> G {
    G::Call(head, args)
}

// ------------------------------------------------------------------ contexts

const TEXTS: &[&str] = &[
    "Open",
    "open",
    "Closed",
    "",
    " padded ",
    "Active - Good Standing",
    "a\"quote",
    "back\\slash",
    "two\nlines",
    "Ünïcödé ß",
    "12",
    "3.50",
    "true",
    "a,b",
    "L42-20132",
    "x",
    // Whitespace to Rust, not to Java's `Character.isWhitespace`, and the reverse.
    "\u{a0}",
    "\u{1c}x\u{2007}",
];
const DATES: &[&str] = &["2024-05-01", "2023-12-31", "2024-02-29", "2024-05-02"];
const KEYWORDS: &[&str] = &["value", "id", "date", "35", "missing", "amount"];

/// Numbers that often meet each other, so `=`, `contains?`, `min` and ties
/// compare equal values of different scales (`1` and `1.00`).
const COMMON_INTS: &[i64] = &[0, 1, 2, 5];
const COMMON_DECIMALS: &[&str] = &["0.0", "0.00", "1.0", "1.00", "1.5", "1.50", "2.50", "5.0"];

fn int(r: &mut Seeded) -> i64 {
    if r.percent(30) {
        return *r.pick(COMMON_INTS);
    }
    match r.index(20) {
        0 => 0,
        1 => r.range(1_000_000_000, 9_000_000_000_000),
        2..=4 => r.range(-20, -1),
        _ => r.range(0, 120),
    }
}

fn dec(r: &mut Seeded) -> String {
    if r.percent(30) {
        return r.pick(COMMON_DECIMALS).to_string();
    }
    let scale = r.range(1, 3) as u32;
    let whole = match r.index(10) {
        0 => 0,
        1 => -r.range(0, 50),
        _ => r.range(0, 500),
    };
    let frac = if r.percent(25) {
        0
    } else {
        r.range(0, 10i64.pow(scale) - 1)
    };
    let sign = if whole == 0 && r.percent(15) { "-" } else { "" };
    format!("{sign}{whole}.{frac:0width$}", width = scale as usize)
}

fn text(r: &mut Seeded) -> String {
    r.pick(TEXTS).to_string()
}

/// The generated context: variable name → value, plus each variable's kind.
struct Ctx {
    vars: Vec<(&'static str, Kind, G)>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Int,
    Dec,
    Text,
    Date,
    Bool,
    Nil,
    Numbers,
    Texts,
    Record,
    Records,
    Fields,
}

fn context(r: &mut Seeded) -> Ctx {
    use Kind::*;
    let spec: &[(&'static str, Kind)] = &[
        ("days-past-due", Int),
        ("payment-count", Int),
        ("amount-due", Dec),
        ("payoff-amount", Dec),
        ("loan-status", Text),
        ("display-id", Text),
        ("contract-date", Date),
        ("next-due-date", Date),
        ("autopay", Bool),
        ("stoplight", Bool),
        ("nothing", Nil),
        ("amounts", Numbers),
        ("tags", Texts),
        ("customer", Record),
        ("payments", Records),
        ("custom-fields", Fields),
    ];
    let vars = spec
        .iter()
        .map(|&(name, kind)| {
            // Sometimes a variable is missing its value or arrives as text
            // (LoanPro sends `"loan-display-id": "727"`).
            let value = if kind != Nil && r.percent(6) {
                G::Nil
            } else if matches!(kind, Int | Dec) && r.percent(5) {
                G::Text(match kind {
                    Int => int(r).to_string(),
                    _ => dec(r),
                })
            } else {
                value_of(r, kind)
            };
            (name, kind, value)
        })
        .collect();
    Ctx { vars }
}

fn number(r: &mut Seeded) -> G {
    if r.percent(50) {
        G::Int(int(r))
    } else {
        G::Dec(dec(r))
    }
}

fn value_of(r: &mut Seeded, kind: Kind) -> G {
    match kind {
        Kind::Int => G::Int(int(r)),
        Kind::Dec => G::Dec(dec(r)),
        Kind::Text => G::Text(text(r)),
        Kind::Date => G::Text(r.pick(DATES).to_string()),
        Kind::Bool => G::Bool(r.percent(50)),
        Kind::Nil => G::Nil,
        Kind::Numbers => G::Vector((0..r.index(4)).map(|_| number(r)).collect()),
        Kind::Texts => G::Vector((0..r.index(4)).map(|_| G::Text(text(r))).collect()),
        Kind::Record => G::Map(vec![
            ("id".into(), G::Int(int(r))),
            ("name".into(), G::Text(text(r))),
            ("active".into(), G::Bool(r.percent(50))),
            ("tags".into(), value_of(r, Kind::Texts)),
        ]),
        Kind::Records => G::Vector(
            (0..r.index(3))
                .map(|_| {
                    G::Map(vec![
                        ("amount".into(), G::Dec(dec(r))),
                        ("date".into(), G::Text(r.pick(DATES).to_string())),
                    ])
                })
                .collect(),
        ),
        Kind::Fields => G::Map(vec![
            (
                "35".into(),
                G::Map(vec![("value".into(), G::Text(text(r)))]),
            ),
            ("36".into(), G::Map(vec![("value".into(), number(r))])),
        ]),
    }
}

// ------------------------------------------------------------------ rules

struct Gen<'c> {
    r: Seeded,
    ctx: &'c Ctx,
}

#[derive(Clone, Copy, PartialEq)]
enum Want {
    Num,
    Text,
    Bool,
    Any,
}

impl Gen<'_> {
    fn one_of(&mut self, names: &[&'static str]) -> &'static str {
        names[self.r.index(names.len())]
    }

    fn var(&mut self, kinds: &[Kind]) -> G {
        let matching: Vec<&str> = self
            .ctx
            .vars
            .iter()
            .filter(|(_, k, _)| kinds.contains(k))
            .map(|(n, ..)| *n)
            .collect();
        G::Var(self.r.pick(&matching).to_string())
    }

    fn args(&mut self, want: Want, lo: usize, hi: usize, depth: u32) -> Vec<G> {
        let n = lo + self.r.index(hi - lo + 1);
        (0..n).map(|_| self.expr(want, depth)).collect()
    }

    fn expr(&mut self, want: Want, depth: u32) -> G {
        // Now and then an argument of another type, to compare the errors too.
        let want = if want != Want::Any && self.r.percent(4) {
            Want::Any
        } else {
            want
        };
        let leaf = depth == 0 || self.r.percent(30);
        // Now and then a form dropped by `#_` before it, which neither reader evaluates.
        if self.r.percent(3) {
            let dropped = self.expr(Want::Any, depth.min(1));
            let kept = self.expr(want, depth);
            return G::Dropped(Box::new(dropped), Box::new(kept));
        }
        match want {
            Want::Num if leaf => self.num_leaf(),
            Want::Num => self.num(depth - 1),
            Want::Text if leaf => self.text_leaf(),
            Want::Text => self.text(depth - 1),
            Want::Bool if leaf => self.bool_leaf(),
            Want::Bool => self.boolean(depth - 1),
            Want::Any => {
                let choice = self.r.index(10);
                match choice {
                    0..=2 => self.expr(Want::Num, depth),
                    3..=4 => self.expr(Want::Text, depth),
                    5..=6 => self.expr(Want::Bool, depth),
                    _ if leaf => self.any_leaf(),
                    _ => self.any(depth - 1),
                }
            }
        }
    }

    fn num_leaf(&mut self) -> G {
        match self.r.index(10) {
            0..=2 => G::Int(int(&mut self.r)),
            3..=5 => G::Dec(dec(&mut self.r)),
            _ => self.var(&[Kind::Int, Kind::Dec]),
        }
    }

    fn text_leaf(&mut self) -> G {
        match self.r.index(10) {
            0..=3 => G::Text(text(&mut self.r)),
            4 => G::Text(self.r.pick(DATES).to_string()),
            _ => self.var(&[Kind::Text, Kind::Date]),
        }
    }

    fn bool_leaf(&mut self) -> G {
        match self.r.index(4) {
            0 => G::Bool(self.r.percent(50)),
            _ => self.var(&[Kind::Bool]),
        }
    }

    fn any_leaf(&mut self) -> G {
        match self.r.index(12) {
            0 => G::Nil,
            1 => G::Kw(self.r.pick(KEYWORDS).to_string()),
            2 => G::Var("nothing".into()),
            3 => self.set_literal(),
            4 => G::Vector((0..self.r.index(3)).map(|_| self.const_leaf()).collect()),
            _ => self.var(&[
                Kind::Numbers,
                Kind::Texts,
                Kind::Record,
                Kind::Records,
                Kind::Fields,
                Kind::Int,
                Kind::Dec,
                Kind::Text,
            ]),
        }
    }

    fn const_leaf(&mut self) -> G {
        match self.r.index(8) {
            0 => G::Nil,
            1 => G::Bool(self.r.percent(50)),
            2 => G::Kw(self.r.pick(KEYWORDS).to_string()),
            3 | 4 => G::Text(text(&mut self.r)),
            5 => G::Int(int(&mut self.r)),
            _ => G::Dec(dec(&mut self.r)),
        }
    }

    fn set_literal(&mut self) -> G {
        let mut seen = Vec::new();
        let mut members = Vec::new();
        for _ in 0..self.r.index(5) {
            let m = self.const_leaf();
            let key = m.member_key();
            if !seen.contains(&key) {
                seen.push(key);
                members.push(m);
            }
        }
        G::Set(members)
    }

    fn branch(&mut self, want: Want, depth: u32) -> G {
        match self.r.index(3) {
            0 => {
                let mut args = vec![self.expr(Want::Bool, depth), self.expr(want, depth)];
                if self.r.percent(70) {
                    args.push(self.expr(want, depth));
                }
                call("if", args)
            }
            1 => call(
                "when",
                vec![self.expr(Want::Bool, depth), self.expr(want, depth)],
            ),
            _ => {
                let mut args = Vec::new();
                for _ in 0..1 + self.r.index(2) {
                    args.push(self.expr(Want::Bool, depth));
                    args.push(self.expr(want, depth));
                }
                if self.r.percent(60) {
                    args.push(G::Kw("else".into()));
                    args.push(self.expr(want, depth));
                }
                call("cond", args)
            }
        }
    }

    fn num(&mut self, d: u32) -> G {
        let n = Want::Num;
        match self.r.index(22) {
            0..=2 => call("+", self.args(n, 0, 3, d)),
            3..=4 => call("-", self.args(n, 1, 3, d)),
            5..=6 => call("*", self.args(n, 0, 3, d)),
            7..=8 => {
                let mut args = vec![self.expr(n, d)];
                if self.r.percent(80) {
                    args.push(self.divisor(d));
                }
                call("/", args)
            }
            9 => call(self.one_of(&["inc", "dec", "abs"]), vec![self.expr(n, d)]),
            10..=11 => call(self.one_of(&["min", "max"]), self.args(n, 1, 3, d)),
            12 => {
                let head = *self.r.pick(&["quot", "rem", "mod"]);
                call(head, vec![self.expr(n, d), self.divisor(d)])
            }
            13 => {
                let what = match self.r.index(3) {
                    0 => self.expr(Want::Text, d),
                    _ => self.any_leaf(),
                };
                call("count", vec![what])
            }
            14 => call(
                "->",
                vec![
                    self.var(&[Kind::Fields]),
                    G::Kw("36".into()),
                    G::Kw("value".into()),
                ],
            ),
            15 => call(
                "get",
                vec![
                    self.var(&[Kind::Numbers]),
                    G::Int(self.r.range(-1, 3)),
                    G::Int(0),
                ],
            ),
            16 => call(
                "get-in",
                vec![
                    self.var(&[Kind::Records]),
                    G::Vector(vec![G::Int(self.r.range(0, 2)), G::Kw("amount".into())]),
                ],
            ),
            17 => {
                let step = call(self.one_of(&["+", "*", "-"]), vec![self.num_leaf()]);
                call(
                    self.one_of(&["->", "->>"]),
                    vec![self.expr(n, d), step, G::Var("inc".into())],
                )
            }
            _ => self.branch(n, d),
        }
    }

    fn divisor(&mut self, d: u32) -> G {
        match self.r.index(6) {
            0 => G::Int(*self.r.pick(&[2, 4, 5, 3, 8, -2])),
            1 => G::Dec(
                self.r
                    .pick(&["0.5", "2.50", "0.25", "1.5", "0.3"])
                    .to_string(),
            ),
            _ => self.expr(Want::Num, d),
        }
    }

    fn needle(&mut self) -> G {
        if self.r.percent(85) {
            G::Text(
                self.r
                    .pick(&["O", "pen", "", "1", "2", "a", "true", ".5", "-"])
                    .to_string(),
            )
        } else {
            self.num_leaf()
        }
    }

    fn text(&mut self, d: u32) -> G {
        match self.r.index(12) {
            0..=3 => call("str", self.args(Want::Any, 0, 3, d)),
            4 => {
                let mut args = vec![self.expr(Want::Text, d), G::Int(self.r.range(0, 3))];
                if self.r.percent(50) {
                    args.push(G::Int(self.r.range(1, 5)));
                }
                call("subs", args)
            }
            5..=6 => {
                let head = *self
                    .r
                    .pick(&["clojure.string/upper-case", "clojure.string/lower-case"]);
                let arg = if self.r.percent(50) {
                    self.expr(Want::Text, d)
                } else {
                    self.expr(Want::Any, d)
                };
                call(head, vec![arg])
            }
            7 => call("clojure.string/trim", vec![self.expr(Want::Text, d)]),
            8 => call("get", vec![self.var(&[Kind::Record]), G::Kw("name".into())]),
            9 => call(
                "->",
                vec![
                    self.var(&[Kind::Fields]),
                    G::Kw("35".into()),
                    G::Kw("value".into()),
                ],
            ),
            _ => self.branch(Want::Text, d),
        }
    }

    fn boolean(&mut self, d: u32) -> G {
        match self.r.index(26) {
            0..=3 => {
                let head = *self.r.pick(&["=", "=", "not="]);
                let mut args = vec![self.expr(Want::Any, d)];
                for _ in 0..1 + self.r.index(2) {
                    args.push(if self.r.percent(50) {
                        self.expr(Want::Num, d)
                    } else {
                        self.expr(Want::Any, d)
                    });
                }
                if self.r.percent(5) {
                    args.truncate(1);
                }
                call(head, args)
            }
            4..=7 => {
                let head = *self.r.pick(&["<", ">", "<=", ">="]);
                let mut args = self.args(Want::Num, 1, 4, d);
                if self.r.percent(15) {
                    args.push(if self.r.percent(50) {
                        G::Nil
                    } else {
                        self.text_leaf()
                    });
                }
                call(head, args)
            }
            8 => {
                let head = *self.r.pick(&["<", ">", "<=", ">="]);
                call(
                    head,
                    vec![
                        self.var(&[Kind::Date]),
                        G::Text(self.r.pick(DATES).to_string()),
                    ],
                )
            }
            9..=10 => call(self.one_of(&["and", "or"]), self.args(Want::Bool, 0, 3, d)),
            11 => call("not", vec![self.expr(Want::Bool, d)]),
            12..=14 => {
                let head = *self.r.pick(&[
                    "clojure.string/starts-with?",
                    "clojure.string/ends-with?",
                    "clojure.string/includes?",
                ]);
                let hay = match self.r.index(3) {
                    0 => self.expr(Want::Any, d),
                    _ => self.expr(Want::Text, d),
                };
                call(head, vec![hay, self.needle()])
            }
            15 => {
                let arg = match self.r.index(3) {
                    0 => self.expr(Want::Any, d),
                    1 => G::Bool(self.r.percent(50)),
                    _ => self.expr(Want::Text, d),
                };
                call("clojure.string/blank?", vec![arg])
            }
            16 => call("empty?", vec![self.expr(Want::Any, d)]),
            17..=18 => {
                let (coll, key) = match self.r.index(4) {
                    0 | 1 => (self.set_literal(), self.expr(Want::Any, d)),
                    2 => (
                        self.var(&[Kind::Record, Kind::Fields]),
                        G::Kw(self.r.pick(KEYWORDS).to_string()),
                    ),
                    _ => (self.any_leaf(), G::Int(self.r.range(-1, 3))),
                };
                call("contains?", vec![coll, key])
            }
            19..=20 => call(
                self.one_of(&["nil?", "some?", "true?", "false?"]),
                vec![self.expr(Want::Any, d)],
            ),
            _ => self.branch(Want::Bool, d),
        }
    }

    fn any(&mut self, d: u32) -> G {
        match self.r.index(9) {
            0 => G::Vector(self.args(Want::Any, 0, 3, d)),
            1 => call(
                "get",
                vec![
                    self.any_leaf(),
                    match self.r.index(3) {
                        0 => G::Kw(self.r.pick(KEYWORDS).to_string()),
                        1 => G::Text(self.r.pick(&["id", "name", "35"]).to_string()),
                        _ => G::Int(self.r.range(0, 2)),
                    },
                ],
            ),
            2 => call(
                "get-in",
                vec![
                    self.var(&[Kind::Fields, Kind::Record, Kind::Records]),
                    G::Vector(vec![
                        G::Kw(self.r.pick(KEYWORDS).to_string()),
                        G::Kw("value".into()),
                    ]),
                    self.const_leaf(),
                ],
            ),
            3 => call(
                KEYWORD_CALLS[self.r.index(KEYWORD_CALLS.len())],
                vec![self.any_leaf()],
            ),
            4 => call(self.one_of(&["and", "or"]), self.args(Want::Any, 0, 3, d)),
            5 => call(
                self.one_of(&["min", "max", "+", "*"]),
                vec![self.expr(Want::Any, d)],
            ),
            6 => {
                // `nth` of a vector, text, nil (a missing variable), with and
                // without a default.
                let mut args = vec![self.any_leaf(), G::Int(self.r.range(-1, 3))];
                if self.r.percent(60) {
                    args.push(self.const_leaf());
                }
                call("nth", args)
            }
            _ => self.branch(Want::Any, d),
        }
    }
}

/// Keyword calls, `(:id customer)`, written as a call head.
const KEYWORD_CALLS: [&str; 4] = [":id", ":value", ":name", ":35"];

// ------------------------------------------------------------------ comparing

/// Our result printed as the Clojure side prints its own: `pr-str` with
/// top-level sets sorted (their order is not the rule's meaning).
fn ours_printed(v: &Value) -> String {
    match v {
        Value::Set(items) => {
            let mut parts: Vec<String> = items.iter().map(ours_printed).collect();
            parts.sort();
            format!("#{{{}}}", parts.join(" "))
        }
        Value::Vector(items) => format!(
            "[{}]",
            items.iter().map(ours_printed).collect::<Vec<_>>().join(" ")
        ),
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!(":{k} {}", ours_printed(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => pr_str(other),
    }
}

/// Drops Clojure's BigDecimal `M` suffix (`1.5M` → `1.5`) inside printed text.
fn strip_m(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let after_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let ends = chars.get(i + 1).is_none_or(|n| !n.is_alphanumeric());
        // `m` too: `(lower-case [1.5M])` is "[1.5m]".
        if (c == 'M' || c == 'm') && after_digit && ends {
            continue;
        }
        out.push(c);
    }
    out
}

/// Sorts the members of every `#{...}` in printed text, so two printings of
/// one set in different orders compare equal.
fn sort_sets(s: &str) -> String {
    let Some(start) = s.find("#{") else {
        return s.to_string();
    };
    let body_start = start + 2;
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut in_text = false;
    let mut members = Vec::new();
    let mut member_start = body_start;
    let mut i = body_start;
    while i < bytes.len() {
        let c = bytes[i];
        if in_text {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_text = false;
            }
        } else {
            match c {
                b'"' => in_text = true,
                b'[' | b'{' | b'(' => depth += 1,
                b']' | b')' => depth = depth.saturating_sub(1),
                b'}' if depth == 0 => {
                    members.push(&s[member_start..i]);
                    let mut sorted: Vec<String> = members
                        .iter()
                        .filter(|m| !m.is_empty())
                        .map(|m| sort_sets(m))
                        .collect();
                    sorted.sort();
                    return format!(
                        "{}#{{{}}}{}",
                        &s[..start],
                        sorted.join(" "),
                        sort_sets(&s[i + 1..])
                    );
                }
                b'}' => depth -= 1,
                b' ' if depth == 0 => {
                    members.push(&s[member_start..i]);
                    member_start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    s.to_string()
}

/// The text inside a printed string literal (`"a\"b"` → `a"b`); anything
/// else unchanged.
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn is_error(s: &str) -> bool {
    s.starts_with("#error")
}

fn same(a: &str, b: &str) -> bool {
    a == b || (is_error(a) && is_error(b))
}

/// Tags whose shimmed value may still differ in its last digits.
const LOSSY: &[&str] = &["inexact-division"];

enum Verdict {
    Agree,
    Documented(Vec<String>),
    Differ,
}

fn classify(ours: &str, pure: &str, shimmed: &str, tags: &[String]) -> Verdict {
    if same(ours, pure) {
        return Verdict::Agree;
    }
    // Printing choices: Clojure's `M` suffix and its hash order of sets.
    let canon = |s: &str| sort_sets(&strip_m(&unquote(s)));
    let printing = |theirs: &str| {
        let mut found = Vec::new();
        if strip_m(theirs) != theirs {
            found.push("decimal-printing".to_string());
        }
        if strip_m(theirs) != strip_m(ours) {
            found.push("set-order".to_string());
        }
        found
    };
    if canon(ours) == canon(pure) {
        return Verdict::Documented(printing(pure));
    }
    if !tags.is_empty() {
        let lossy = tags.iter().any(|t| LOSSY.contains(&t.as_str()));
        if same(ours, shimmed) || canon(ours) == canon(shimmed) || lossy {
            let mut found = tags.to_vec();
            if !same(ours, shimmed) && !lossy {
                found.extend(printing(shimmed));
            }
            found.dedup();
            return Verdict::Documented(found);
        }
    }
    Verdict::Differ
}

// ------------------------------------------------------------------ main

struct Options {
    rules: usize,
    seed: u64,
    min_agreement: f64,
    show: usize,
    classpath: String,
}

fn options() -> Options {
    let mut o = Options {
        rules: 10_000,
        seed: 1,
        min_agreement: 99.0,
        show: 20,
        classpath: std::env::var("CLOJURE_CLASSPATH").unwrap_or_else(|_| DEFAULT_CLASSPATH.into()),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--rules" => o.rules = value.parse().expect("--rules N"),
            "--seed" => o.seed = value.parse().expect("--seed S"),
            "--min-agreement" => o.min_agreement = value.parse().expect("--min-agreement P"),
            "--show" => o.show = value.parse().expect("--show K"),
            "--classpath" => o.classpath = value,
            other => {
                eprintln!("unknown option {other}; see the top of examples/clojure_diff.rs");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    o
}

struct Case {
    ours_text: String,
    clojure_text: String,
    ours: String,
}

fn main() {
    let o = options();
    let started = Instant::now();
    let mut r = Seeded::new(o.seed);
    let mut cases = Vec::with_capacity(o.rules);
    let mut batch = String::new();
    let opts = EvalOptions::default();
    while cases.len() < o.rules {
        let ctx = context(&mut r);
        let mut json = String::new();
        G::Map(
            ctx.vars
                .iter()
                .map(|(n, _, v)| (n.to_string(), v.clone()))
                .collect(),
        )
        .json(&mut json);
        let context = Context::from_json(&json).expect("generated context is JSON");
        let mut bindings = String::new();
        for (name, _, value) in &ctx.vars {
            write!(bindings, "{name} {} ", value.text(true)).unwrap();
        }
        let mut g = Gen {
            r: Seeded::new(r.next_u64()),
            ctx: &ctx,
        };
        for _ in 0..5 {
            if cases.len() == o.rules {
                break;
            }
            let depth = g.r.index(4) as u32;
            let want =
                *g.r.pick(&[Want::Bool, Want::Bool, Want::Num, Want::Text, Want::Any]);
            // The rule itself is always a call, never a bare value.
            let rule = match want {
                Want::Bool => g.boolean(depth),
                Want::Num => g.num(depth),
                Want::Text => g.text(depth),
                _ => g.any(depth),
            };
            let (ours_text, clojure_text) = (rule.text(false), rule.text(true));
            let ours = match Rule::parse(&ours_text) {
                Ok(parsed) => match parsed.eval(&context, &opts) {
                    Ok(v) => ours_printed(&v),
                    Err(e) => format!("#error {}", one_line(&e.message)),
                },
                Err(errors) => format!("#error {}", one_line(&errors[0].message)),
            };
            writeln!(batch, "{}\t{ours}\t{bindings}\t{clojure_text}", cases.len()).unwrap();
            cases.push(Case {
                ours_text,
                clojure_text,
                ours,
            });
        }
    }
    let generated = started.elapsed();

    let dir = PathBuf::from(
        std::env::var("CARGO_TARGET_TMPDIR")
            .unwrap_or_else(|_| std::env::temp_dir().to_string_lossy().into_owned()),
    );
    let batch_path = dir.join(format!(
        "hookwright-clojure-diff-{}.txt",
        std::process::id()
    ));
    std::fs::write(&batch_path, &batch).expect("write the batch file");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/clojure_diff.clj");
    let jvm_started = Instant::now();
    let output = Command::new("java")
        .args(["-cp", &o.classpath, "clojure.main"])
        .arg(&script)
        .arg(&batch_path)
        .output();
    let _ = std::fs::remove_file(&batch_path);
    let output = match output {
        Ok(out) if out.status.success() => out,
        Ok(out) => {
            eprintln!("Clojure failed:\n{}", String::from_utf8_lossy(&out.stderr));
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("cannot run java ({e}); install Debian's libclojure-java (scripts/setup)");
            std::process::exit(2);
        }
    };
    let jvm = jvm_started.elapsed();
    let stdout = String::from_utf8(output.stdout).expect("Clojure prints UTF-8");

    let mut agree = 0;
    let mut documented = 0;
    let mut errors_both = 0;
    let mut by_tag: BTreeMap<String, usize> = BTreeMap::new();
    let mut differ = Vec::new();
    let mut seen = 0;
    for line in stdout.lines() {
        let mut parts = line.splitn(4, '\t');
        let (Some(id), Some(pure), Some(shimmed), tags) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next().unwrap_or(""),
        ) else {
            continue;
        };
        let Ok(id) = id.trim().parse::<usize>() else {
            continue;
        };
        seen += 1;
        let case = &cases[id];
        let tags: Vec<String> = tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        match classify(&case.ours, pure, shimmed, &tags) {
            Verdict::Agree => {
                agree += 1;
                if is_error(pure) {
                    errors_both += 1;
                }
            }
            Verdict::Documented(found) => {
                documented += 1;
                for t in found {
                    *by_tag.entry(t).or_default() += 1;
                }
            }
            Verdict::Differ => differ.push((id, pure.to_string(), shimmed.to_string(), tags)),
        }
    }
    assert_eq!(
        seen,
        cases.len(),
        "Clojure answered {seen} of {} rules",
        cases.len()
    );

    if std::env::var_os("CLOJURE_DIFF_DUMP").is_some() {
        for (id, line) in stdout.lines().enumerate().take(o.show) {
            println!(
                "{}\n  ours {}\n  clj  {line}",
                cases[id].ours_text, cases[id].ours
            );
        }
    }
    for (id, pure, shimmed, tags) in differ.iter().take(o.show) {
        let case = &cases[*id];
        println!("DIFFERENT #{id}");
        println!("  rule     {}", case.ours_text);
        println!("  clojure  {}", case.clojure_text);
        println!("  ours     {}", case.ours);
        println!("  Clojure  {pure}");
        if shimmed != pure {
            println!("  shimmed  {shimmed}  [{}]", tags.join(","));
        }
    }
    let compared = cases.len() - documented;
    let rate = 100.0 * agree as f64 / compared.max(1) as f64;
    println!(
        "clojure-diff seed {}: {} rules; {} agree ({} of them errors on both sides), \
         {} documented differences, {} disagree",
        o.seed,
        cases.len(),
        agree,
        errors_both,
        documented,
        differ.len()
    );
    for (tag, n) in &by_tag {
        println!("  documented {tag}: {n}");
    }
    let dropping = cases.iter().filter(|c| c.ours_text.contains("#_")).count();
    println!("  rules with a form dropped by #_: {dropping}");
    println!(
        "agreement outside documented differences: {agree}/{compared} = {rate:.2}% \
         (needed {:.2}%); generated in {:.1?}, Clojure took {:.1?}",
        o.min_agreement, generated, jvm
    );
    if rate < o.min_agreement {
        std::process::exit(1);
    }
}
