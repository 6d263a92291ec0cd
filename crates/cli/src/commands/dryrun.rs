//! `hookwright dryrun RULE --portfolio FILE [--today YYYY-MM-DD] [--id-field NAME]
//! [--threads N] [--json]` (or `--connection FILE --id ID` instead of RULE):
//! which loans of a portfolio the rule fires for tonight, and why not the others.
//!
//! The file is streamed: one thread reads it in 1 MB chunks (undoing gzip) and
//! cuts whole records, `--threads` workers evaluate batches, and a collector
//! merges their tallies in file order. At most a few chunks per worker are in
//! memory at once, whatever the file's size.
//!
//! Exit 0 when the file was read (even with errors to report), 1 when the rule
//! does not compile, 2 when the file cannot be opened or is not a portfolio.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use hookwright_core::analysis::{firing_rule, record_id_field};
use hookwright_core::connection::ConnectionFile;
use hookwright_core::dryrun::{
    is_gzip, thousands, Batch, Evaluator, FileError, Format, Gunzip, Options, Plan, Reader, Report,
    Tally,
};
use hookwright_core::rule::Date;
use hookwright_core::value::write_json_string;

use super::eval::{read_rule, report};

#[derive(clap::Args)]
pub struct Args {
    /// The rule text, or @path to read it from a file (or use --connection and --id)
    #[arg(required_unless_present = "connection", conflicts_with = "connection")]
    rule: Option<String>,
    /// The portfolio: NDJSON, a JSON array, JSON objects printed one after another (`jq .`) or
    /// CSV with a header row; .gz accepted (`-` for standard input)
    #[arg(long, value_name = "FILE")]
    portfolio: PathBuf,
    /// Take the rule of a connection in this connection file (with --id)
    #[arg(long, value_name = "FILE", requires = "id")]
    connection: Option<PathBuf>,
    /// The connection's id in --connection's file
    #[arg(long, value_name = "ID", requires = "connection")]
    id: Option<String>,
    /// The evaluation date for u/today and date helpers (default: each loan's current-date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<Date>,
    /// The variable naming each loan [default: loan-id; EventProperties.LoanId for a YouLend connection]
    #[arg(long, value_name = "NAME")]
    id_field: Option<String>,
    /// Worker threads (default: all cores)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Print one JSON object instead of a readable summary
    #[arg(long)]
    json: bool,
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse()
}

/// The rule text: the argument (or its @file), or the connection's rule; and
/// the field naming each record (a connection's source chooses it, as the page does).
fn rule_text(args: &Args) -> Result<(String, &'static str), String> {
    if let Some(rule) = &args.rule {
        return read_rule(rule).map(|rule| (rule, "loan-id"));
    }
    let (Some(path), Some(id)) = (&args.connection, &args.id) else {
        return Err("error: give a RULE, or --connection FILE --id ID".into());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("error: cannot read connection file {}: {e}", path.display()))?;
    let file = ConnectionFile::from_json(&text)
        .map_err(|e| format!("in {}:\n{}", path.display(), e.render(&text)))?;
    let connection = super::connection_by_id(&file.connections, id)
        .map_err(|message| format!("error: in {}, {message}", path.display()))?
        .ok_or_else(|| {
            let ids: Vec<&str> = file.connections.iter().map(|c| c.id.as_str()).collect();
            format!(
                "error: no connection `{id}` in {}; it has: {}",
                path.display(),
                ids.join(", ")
            )
        })?;
    // An event trigger fires for events of its kind that pass its filter (if any).
    Ok((
        firing_rule(&connection.trigger),
        record_id_field(connection.source),
    ))
}

pub fn run(args: Args) -> ExitCode {
    let (source, id_field) = match rule_text(&args) {
        Ok(found) => found,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let options = Options {
        today: args.today,
        id_field: args
            .id_field
            .clone()
            .unwrap_or_else(|| id_field.to_string()),
        ..Options::default()
    };
    let plan = match Plan::new(&source, options) {
        Ok(plan) => plan,
        Err(errors) => {
            report(&errors, &source);
            return ExitCode::FAILURE;
        }
    };
    let piped = args.portfolio.as_os_str() == "-";
    let shown = if piped {
        "standard input".to_string()
    } else {
        args.portfolio.display().to_string()
    };
    let file: Box<dyn Read + Send> = if piped {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(&args.portfolio) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("error: cannot open portfolio {shown}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let threads = args.threads.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let started = Instant::now();
    let (tally, format) = match stream(file, &plan, threads) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("error: {shown}: {e}");
            return ExitCode::from(2);
        }
    };
    let elapsed = started.elapsed().as_secs_f64();
    let report = plan.report(tally);
    let text = if args.json {
        json(&report)
    } else {
        summary(&report, &shown, format, elapsed)
    };
    super::print_out(&text);
    ExitCode::SUCCESS
}

const CHUNK: usize = 1 << 20;

/// Reads, cuts, evaluates and merges; returns the whole tally in file order.
fn stream(
    mut file: Box<dyn Read + Send>,
    plan: &Plan,
    threads: usize,
) -> Result<(Tally, Option<Format>), FileError> {
    let (batches_tx, batches_rx) = sync_channel::<(u64, Batch)>(threads * 2);
    let (tallies_tx, tallies_rx) = sync_channel::<(u64, Tally)>(threads * 2);
    let batches_rx = Arc::new(Mutex::new(batches_rx));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let rx = Arc::clone(&batches_rx);
            let tx = tallies_tx.clone();
            scope.spawn(move || {
                let mut ev = Evaluator::new(plan);
                loop {
                    let next = rx.lock().map(|r| r.recv());
                    let Ok(Ok((seq, batch))) = next else { break };
                    if tx.send((seq, ev.batch(&batch))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tallies_tx);
        let collector = scope.spawn(move || collect(tallies_rx, plan));
        let read = read_all(&mut file, &batches_tx);
        drop(batches_tx);
        let tally = collector.join().expect("the collector does not panic");
        read.map(|format| (tally, format))
    })
}

/// Merges tallies in sequence order as they arrive.
fn collect(rx: Receiver<(u64, Tally)>, plan: &Plan) -> Tally {
    let mut total = plan.tally();
    let mut pending = BTreeMap::new();
    let mut next = 0u64;
    for (seq, tally) in rx {
        pending.insert(seq, tally);
        while let Some(t) = pending.remove(&next) {
            total.merge(t, plan.options());
            next += 1;
        }
    }
    total
}

fn read_all(
    file: &mut dyn Read,
    tx: &std::sync::mpsc::SyncSender<(u64, Batch)>,
) -> Result<Option<Format>, FileError> {
    let mut reader = Reader::new();
    let mut gunzip: Option<Gunzip> = None;
    let mut buf = vec![0u8; CHUNK];
    let mut seq = 0u64;
    let send = |batch: Batch, seq: &mut u64| {
        if !batch.is_empty() {
            // The receivers only stop early if a worker panicked.
            let _ = tx.send((*seq, batch));
            *seq += 1;
        }
    };
    let mut first = true;
    loop {
        let n = read_full(file, &mut buf)
            .map_err(|e| FileError(format!("cannot read the file: {e}")))?;
        if n == 0 {
            break;
        }
        let bytes = &buf[..n];
        if first {
            first = false;
            if is_gzip(bytes) {
                gunzip = Some(Gunzip::new());
            }
        }
        if let Some(g) = &mut gunzip {
            // Small pieces keep what each piece inflates to bounded.
            for piece in bytes.chunks(64 << 10) {
                let out = g.push(piece)?;
                let batch = reader.feed(&out)?;
                send(batch, &mut seq);
            }
        } else {
            let batch = reader.feed(bytes)?;
            send(batch, &mut seq);
        }
    }
    if let Some(g) = gunzip {
        let out = g.finish()?;
        let batch = reader.feed(&out)?;
        send(batch, &mut seq);
    }
    let batch = reader.finish()?;
    send(batch, &mut seq);
    Ok(reader.format())
}

/// Fills `buf` unless the file ends first; returns the bytes read.
fn read_full(file: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Opens one of a list's `{"line":…,"id":…,"KEY":` objects (a comma before all but the first).
fn record_head(out: &mut String, i: usize, line: u64, id: Option<&str>, key: &str) {
    if i > 0 {
        out.push(',');
    }
    let _ = write!(
        out,
        "{{\"line\":{line},\"id\":{},\"{key}\":",
        id.unwrap_or("null")
    );
}

/// The `--json` object: `loans`, `fired`, `errorCount`, `errors` (the first
/// 1,000), `firedIds` (file order), `clauses`; then `notFired`,
/// `nearMissCount`, `nearMisses` (the first 1,000) and `notes`.
pub fn json(report: &Report) -> String {
    let t = &report.tally;
    let mut out = String::with_capacity(t.fired_ids.len() + 4096);
    let _ = write!(
        out,
        "{{\"loans\":{},\"fired\":{},\"errorCount\":{},\"errors\":[",
        t.loans, t.fired, t.error_count
    );
    for (i, e) in t.errors.iter().enumerate() {
        record_head(&mut out, i, e.line, e.id.as_deref(), "message");
        write_json_string(&e.message, &mut out);
        out.push('}');
    }
    out.push_str("],\"firedIds\":[");
    for (i, id) in t.fired_ids().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(id);
    }
    out.push_str("],\"clauses\":[");
    for (i, c) in report.clauses.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"text\":");
        write_json_string(&c.text, &mut out);
        let _ = write!(
            out,
            ",\"line\":{},\"col\":{},\"trueCount\":{},\"falseCount\":{},\"errorCount\":{}}}",
            c.line, c.col, c.true_count, c.false_count, c.error_count
        );
    }
    let _ = write!(
        out,
        "],\"notFired\":{},\"nearMissCount\":{},\"nearMisses\":[",
        t.not_fired, t.near_miss_count
    );
    for (i, m) in t.near_misses.iter().enumerate() {
        record_head(&mut out, i, m.line, m.id, "conditions");
        out.push('[');
        for (j, &c) in m.conditions.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            write_json_string(&report.conditions[c as usize], &mut out);
        }
        out.push_str("]}");
    }
    out.push_str("],\"notes\":[");
    for (i, n) in report.notes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(n, &mut out);
    }
    out.push_str("]}\n");
    out
}

/// `1 loan`, `0 loans`, `1,234 loans`.
fn loans(n: u64) -> String {
    if n == 1 {
        "1 loan".to_string()
    } else {
        format!("{} loans", thousands(n))
    }
}

/// The readable summary.
fn summary(report: &Report, shown: &str, format: Option<Format>, secs: f64) -> String {
    let t = &report.tally;
    let mut out = String::new();
    let rate = if secs > 0.0 {
        format!(" ({} loans/s)", thousands((t.loans as f64 / secs) as u64))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{shown} ({}): {} read in {secs:.2} s{rate}",
        format.map_or("?", Format::label),
        loans(t.loans)
    );
    let width = thousands(t.loans).len();
    let _ = writeln!(out, "  fired      {:>width$}", thousands(t.fired));
    let _ = writeln!(out, "  not fired  {:>width$}", thousands(t.not_fired));
    let _ = writeln!(out, "  errors     {:>width$}", thousands(t.error_count));
    for note in &report.notes {
        let _ = writeln!(out, "\nnote: {note}");
    }
    let _ = writeln!(
        out,
        "\nper clause (true / false / error; not evaluated when decided earlier):"
    );
    for c in &report.clauses {
        let text = if c.text.chars().count() > 70 {
            format!("{}…", c.text.chars().take(70).collect::<String>())
        } else {
            c.text.clone()
        };
        let _ = writeln!(
            out,
            "  {:>4}:{:<3} {text}\n             {} / {} / {}",
            c.line,
            c.col,
            thousands(c.true_count),
            thousands(c.false_count),
            thousands(c.error_count)
        );
    }
    if t.near_miss_count > 0 {
        let _ = writeln!(
            out,
            "\nnear misses: {} would fire if one condition came out the other way",
            loans(t.near_miss_count)
        );
        for (i, n) in t.near_miss_by_condition.iter().enumerate() {
            if *n > 0 {
                let _ = writeln!(out, "  {:>width$}  {}", thousands(*n), report.conditions[i]);
            }
        }
    }
    if !t.errors.is_empty() {
        let shown = t.errors.len().min(10);
        let _ = writeln!(
            out,
            "\nerrors (the first {shown} of {}):",
            thousands(t.error_count)
        );
        for e in &t.errors[..shown] {
            let id =
                e.id.as_deref()
                    .map(|id| format!(" loan {id}"))
                    .unwrap_or_default();
            let _ = writeln!(out, "  line {}{id}: {}", e.line, e.message);
        }
    }
    if t.fired > 0 {
        let ids: Vec<&str> = t.fired_ids().take(10).collect();
        let more = if t.fired > 10 { ", …" } else { "" };
        let _ = writeln!(
            out,
            "\nfired: {}{more} (--json lists them all)",
            ids.join(", ")
        );
    }
    out
}
