//! `hookwright reconcile`: reconciles a batch of YouLend events (JSON array or NDJSON) and prints
//! the report as aligned tables, or as the engine's JSON with `--json`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use hookwright_core::youlend::reconcile;
use hookwright_core::youlend::reconcile::{PaymentStatus, Report};

#[derive(clap::Args)]
pub struct Args {
    /// Events exported from your logs: a JSON array, one event per line, or events printed over
    /// several lines one after another (`-` for standard input).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print the report as JSON (amounts as exact decimal strings).
    #[arg(long)]
    json: bool,
}

/// Exit 0 whenever the file was read, even if some of its lines are reported as errors; 2 when it cannot be read.
pub fn run(args: Args) -> ExitCode {
    let input = match super::read_input(&args.file) {
        Ok(input) => input,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let report = reconcile(&input);
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&report).expect("reports always serialise")
        );
    } else {
        out!("{}", render(&report));
    }
    ExitCode::SUCCESS
}

/// `1 settlement`, `2 settlements`, `1 amount mismatch`, `0 amount mismatches`.
fn count(n: usize, one: &str) -> String {
    match (n, one.ends_with("ch")) {
        (1, _) => format!("1 {one}"),
        (_, true) => format!("{n} {one}es"),
        _ => format!("{n} {one}s"),
    }
}

/// The report as text tables, one section per part of the report; empty sections say so.
pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} ({} unbalanced), {}; lender payments {} repaid, {} pending, {}; {}; {} dropped; {}; {}",
        count(s.events, "event"),
        count(s.settlements, "settlement"),
        s.unbalanced_settlements,
        count(s.repayments, "repayment"),
        s.repaid_payments,
        s.pending_payments,
        count(s.amount_mismatches, "amount mismatch"),
        count(s.manual_payments, "manual payment"),
        count(s.duplicates, "duplicate"),
        count(s.other_events, "other event"),
        count(s.errors, "error"),
    );

    section(
        &mut out,
        "Settlements",
        &[
            "reference",
            "loan",
            "total",
            "lenders sum",
            "balanced",
            "payments",
        ],
        report
            .settlements
            .iter()
            .map(|st| {
                vec![
                    st.settlement_reference.clone(),
                    st.loan_id.clone(),
                    st.total.to_string(),
                    st.lenders_sum.to_string(),
                    yes_no(st.balanced),
                    st.payments.len().to_string(),
                ]
            })
            .collect(),
    );

    section(
        &mut out,
        "Payments to lenders",
        &[
            "reference",
            "payment correlation id",
            "amount",
            "status",
            "repaid",
            "on",
            "note",
        ],
        report
            .settlements
            .iter()
            .flat_map(|st| {
                st.payments.iter().map(move |p| {
                    let mut notes = Vec::new();
                    if let Some(m) = &p.amount_mismatch {
                        notes.push(format!("amount differs by {}", m.difference));
                    }
                    if p.loan_mismatch {
                        notes.push("applied to another loan".to_string());
                    }
                    if !p.other_repayments.is_empty() {
                        notes.push(format!(
                            "{} with this id",
                            count(p.other_repayments.len(), "more repayment")
                        ));
                    }
                    vec![
                        st.settlement_reference.clone(),
                        p.payment_correlation_id.clone(),
                        p.amount.to_string(),
                        match p.status {
                            PaymentStatus::Repaid => "repaid",
                            PaymentStatus::Pending => "pending",
                        }
                        .to_string(),
                        p.repayment
                            .as_ref()
                            .map_or(String::new(), |r| r.amount.to_string()),
                        p.repayment
                            .as_ref()
                            .map_or(String::new(), |r| r.payment_date.as_str().to_string()),
                        notes.join("; "),
                    ]
                })
            })
            .collect(),
    );

    section(
        &mut out,
        "Manual payments",
        &["loan", "date", "correlation id", "amount", "reason"],
        report
            .manual_payments
            .iter()
            .map(|m| {
                vec![
                    m.loan_id.clone(),
                    m.payment_date.as_str().to_string(),
                    m.correlation_id.clone(),
                    m.amount.to_string(),
                    format!("{:?}", m.reason).to_lowercase(),
                ]
            })
            .collect(),
    );

    let _ = writeln!(
        out,
        "\nDuplicates\n  {} dropped",
        count(report.duplicates, "identical repeat")
    );

    section(
        &mut out,
        "Loans",
        &[
            "loan",
            "date",
            "correlation id",
            "amount",
            "principal remaining",
            "manual",
        ],
        report
            .loans
            .iter()
            .flat_map(|loan| {
                let mut rows: Vec<Vec<String>> = loan
                    .repayments
                    .iter()
                    .map(|r| {
                        vec![
                            loan.loan_id.clone(),
                            r.payment_date.as_str().to_string(),
                            r.correlation_id.clone(),
                            r.amount.to_string(),
                            r.principal_remaining
                                .map_or(String::new(), |p| p.to_string()),
                            if r.manual {
                                "manual".to_string()
                            } else {
                                String::new()
                            },
                        ]
                    })
                    .collect();
                rows.push(vec![
                    loan.loan_id.clone(),
                    "total".to_string(),
                    String::new(),
                    loan.total_repaid.to_string(),
                    loan.principal_remaining
                        .map_or(String::new(), |p| format!("{p} (latest)")),
                    String::new(),
                ]);
                rows
            })
            .collect(),
    );

    if !report.other_events.is_empty() {
        section(
            &mut out,
            "Other events (ignored)",
            &["code", "count"],
            report
                .other_events
                .iter()
                .map(|(code, n)| vec![code.clone(), n.to_string()])
                .collect(),
        );
    }

    section(
        &mut out,
        "Errors",
        &["line", "reason"],
        report
            .errors
            .iter()
            .map(|e| vec![e.line.to_string(), e.reason.clone()])
            .collect(),
    );
    out
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "NO" }.to_string()
}

/// A titled table with columns padded to their widest cell (counted in
/// characters). A cell of the input longer than a line's worth (a 100 MB event code) is cut;
/// the `reason` and `note` columns hold the report's own words, which are cut only where they
/// quote input (a reason is the whole point of its row: "…is not an ISO date or timestam…"
/// told nothing).
fn section(out: &mut String, title: &str, headers: &[&str], rows: Vec<Vec<String>>) {
    use hookwright_core::error::{clip_message, quote};
    let ours: Vec<bool> = headers
        .iter()
        .map(|h| matches!(*h, "reason" | "note"))
        .collect();
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .zip(&ours)
                .map(|(c, &ours)| if ours { clip_message(c) } else { quote(&c) })
                .collect()
        })
        .collect();
    let _ = writeln!(out, "\n{title}");
    if rows.is_empty() {
        let _ = writeln!(out, "  none");
        return;
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(c, &w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        format!("  {}", padded.join("  ").trim_end())
    };
    let _ = writeln!(out, "{}", line(&mut headers.iter().copied()));
    let _ = writeln!(
        out,
        "  {}",
        widths
            .iter()
            .map(|&w| "-".repeat(w))
            .collect::<Vec<_>>()
            .join("  ")
    );
    for row in &rows {
        let _ = writeln!(out, "{}", line(&mut row.iter().map(String::as_str)));
    }
}
