//! `hookwright catalog loanpro|youlend [--json]`: the variables and events
//! rules and templates are checked against, as a grouped listing or as JSON
//! in the catalog file format (which a team can copy and extend): every
//! variable with its format, description, example and source page, every
//! event, the notes and the pages cited.

use std::fmt::Write;
use std::process::ExitCode;

use hookwright_core::catalog::{self, Catalog, Variable};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Which {
    Loanpro,
    Youlend,
}

#[derive(clap::Args)]
pub struct Args {
    /// Which catalog to list.
    #[arg(value_enum)]
    which: Which,
    /// Print the catalog as JSON instead of a listing.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> ExitCode {
    let catalog = match args.which {
        Which::Loanpro => catalog::loanpro(),
        Which::Youlend => catalog::youlend(),
    };
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(catalog).expect("catalogs serialise")
        );
    } else {
        out!("{}", listing(catalog));
    }
    ExitCode::SUCCESS
}

fn listing(c: &Catalog) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} variables, {} events",
        c.name,
        c.variables.len(),
        c.events.len()
    );
    if !c.description.is_empty() {
        let _ = writeln!(out, "{}", c.description);
    }
    for note in &c.notes {
        let _ = writeln!(out, "- {note}");
    }
    let _ = writeln!(
        out,
        "(* = not named in the platform's public docs; [page] = the page that names it, listed at the end)"
    );
    let width = c
        .variables
        .iter()
        .map(|v| v.name.len())
        .max()
        .unwrap_or(0)
        .min(48);
    for group in c.groups() {
        let _ = writeln!(out, "\n{group}");
        for v in c.variables.iter().filter(|v| v.group == group) {
            variable_line(&mut out, v, width);
        }
    }
    let _ = writeln!(out, "\nevents");
    let code_width = c.events.iter().map(|e| e.code.len()).max().unwrap_or(0);
    for e in &c.events {
        let mark = if e.documented { ' ' } else { '*' };
        let deprecated = e
            .deprecated_by
            .as_ref()
            .map(|d| format!(" [deprecated: use {d}]"))
            .unwrap_or_default();
        let name = if e.name == e.code {
            String::new()
        } else {
            format!("{}: ", e.name)
        };
        let _ = writeln!(
            out,
            " {mark}{:code_width$}  {name}{}{deprecated}",
            e.code, e.description
        );
        if !e.fields.is_empty() {
            let names: Vec<&str> = e.fields.iter().map(|f| f.name.as_str()).collect();
            let _ = writeln!(out, "  {:code_width$}  fields: {}", "", names.join(", "));
        }
        if let (Some(sample), true) = (&e.sample, e.fields.is_empty()) {
            let _ = writeln!(out, "  {:code_width$}  payload: {sample}", "");
        }
    }
    if !c.sources.is_empty() {
        let _ = writeln!(out, "\npages");
        for (key, page) in &c.sources {
            let _ = writeln!(out, "  [{key}] {} <{}>", page.title, page.url);
        }
    }
    out
}

fn variable_line(out: &mut String, v: &Variable, width: usize) {
    let mark = if v.documented { ' ' } else { '*' };
    // The platform's own format name where the catalog gives one (LoanPro's
    // currency, percentage …), else the checker's type.
    let kind = v.format.map_or(v.ty.as_str(), |f| f.as_str());
    let mut line = format!(" {mark}{:width$}  {kind:10}  {}", v.name, v.description);
    if !v.values.is_empty() {
        let values: Vec<String> = v.values.iter().map(|s| format!("{s:?}")).collect();
        let _ = write!(line, " One of {}.", values.join(", "));
    } else if !(v.example.is_null() || v.example.is_array() || v.example.is_object()) {
        let _ = write!(line, " e.g. {}", v.example);
    }
    if !v.events.is_empty() && v.events.len() <= 4 {
        let _ = write!(line, " ({})", v.events.join(", "));
    }
    if !v.source.is_empty() {
        let _ = write!(line, " [{}]", v.source);
    }
    let _ = writeln!(out, "{line}");
}
