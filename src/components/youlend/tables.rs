//! The reconciliation report laid out as the Reconcile view's tables, built and kept in the
//! worker that reconciled it. Plain Rust, tested natively.

use hookwright_core::youlend::reconcile::{ManualReason, PaymentStatus, Report};

use super::table::{Cell, Row, RowsWindow, Table, TableQuery, Tone};

/// A finished reconciliation's tables, kept in the worker that built them;
/// the page asks for the rows it shows ([`Table::window`]) and for CSV exports.
pub struct ReconcileStore {
    pub run: u32,
    /// In the order of [`ReconcileStore::new`]: settlements, payments to
    /// lenders, manual payments, loans, repayments by loan, unreadable lines.
    pub tables: Vec<Table>,
}

impl ReconcileStore {
    pub fn new(run: u32, report: &Report) -> ReconcileStore {
        ReconcileStore {
            run,
            tables: vec![
                settlements(report),
                payments(report),
                manual_payments(report),
                loans(report),
                loan_repayments(report),
                errors(report),
            ],
        }
    }

    pub fn window(&self, query: &TableQuery) -> Option<RowsWindow> {
        Some(self.tables.get(query.table)?.window(query))
    }

    /// A view's rows, all of them, as CSV.
    pub fn csv(&self, query: &TableQuery) -> Option<String> {
        let table = self.tables.get(query.table)?;
        Some(table.to_csv(&table.visible(&query.filter, &query.status, query.sort)))
    }
}

pub fn settlements(report: &Report) -> Table {
    let rows = report.settlements.iter().map(|s| {
        let repaid = s
            .payments
            .iter()
            .filter(|p| p.status == PaymentStatus::Repaid)
            .count();
        Row {
            cells: vec![
                Cell::text(&s.settlement_reference),
                Cell::code(&s.loan_id),
                Cell::amount(s.total),
                Cell::amount(s.lenders_sum),
                if s.balanced {
                    Cell::badge("balanced", Tone::Ok)
                } else {
                    Cell::badge("unbalanced", Tone::Bad)
                },
                Cell::count(s.payments.len()),
                Cell::count(repaid),
            ],
            status: Some(if s.balanced { "balanced" } else { "unbalanced" }),
            flagged: !s.balanced,
        }
    });
    Table::new(
        "Reference|Loan|#Total|#Lenders sum|Balanced|#Payments|#Repaid",
        &[("balanced", "Balanced"), ("unbalanced", "Unbalanced")],
        rows,
    )
}

pub fn payments(report: &Report) -> Table {
    let rows = report.settlements.iter().flat_map(|s| {
        s.payments.iter().map(move |p| {
            let mut notes = Vec::new();
            if let Some(m) = &p.amount_mismatch {
                notes.push(format!(
                    "repaid {} instead of {} ({})",
                    m.repaid,
                    m.expected,
                    signed(&m.difference.to_string())
                ));
            }
            if p.loan_mismatch {
                notes.push("applied to another loan".to_string());
            }
            if !p.other_repayments.is_empty() {
                notes.push(format!(
                    "{} more repayments carried this id",
                    p.other_repayments.len()
                ));
            }
            let (status, tone) = match p.status {
                PaymentStatus::Repaid => ("repaid", Tone::Ok),
                PaymentStatus::Pending => ("pending", Tone::Warn),
            };
            let flagged = !notes.is_empty();
            Row {
                cells: vec![
                    Cell::text(&s.settlement_reference),
                    Cell::code(&p.payment_correlation_id),
                    Cell::amount(p.amount),
                    Cell::badge(status, tone),
                    Cell::optional_amount(p.repayment.as_ref().map(|r| r.amount)),
                    p.repayment
                        .as_ref()
                        .map_or_else(Cell::empty, |r| Cell::date(&r.payment_date)),
                    if flagged {
                        Cell::badge(notes.join("; "), Tone::Bad)
                    } else {
                        Cell::empty()
                    },
                ],
                status: Some(if flagged { "mismatch" } else { status }),
                flagged,
            }
        })
    });
    Table::new(
        "Settlement|Payment correlation id|#Amount|Status|#Repaid amount|Repaid on|Check",
        &[
            ("repaid", "Repaid"),
            ("pending", "Pending"),
            ("mismatch", "Repaid, needs a look"),
        ],
        rows,
    )
}

fn signed(text: &str) -> String {
    if text.starts_with('-') {
        text.to_string()
    } else {
        format!("+{text}")
    }
}

pub fn manual_payments(report: &Report) -> Table {
    let rows = report.manual_payments.iter().map(|m| {
        let reason = match m.reason {
            ManualReason::Empty => "empty",
            ManualReason::Unmatched => "unmatched",
        };
        Row {
            cells: vec![
                Cell::code(&m.loan_id),
                Cell::date(&m.payment_date),
                Cell::code(&m.correlation_id),
                Cell::amount(m.amount),
                Cell::badge(
                    match m.reason {
                        ManualReason::Empty => "no correlation id",
                        ManualReason::Unmatched => "matches no settlement",
                    },
                    Tone::Warn,
                ),
                Cell::optional_amount(m.principal_remaining),
            ],
            status: Some(reason),
            flagged: false,
        }
    });
    Table::new(
        "Loan|Payment date|Correlation id|#Amount|Why manual|#Principal remaining",
        &[
            ("empty", "No correlation id"),
            ("unmatched", "Matches no settlement"),
        ],
        rows,
    )
}

pub fn loans(report: &Report) -> Table {
    let rows = report.loans.iter().map(|l| Row {
        cells: vec![
            Cell::code(&l.loan_id),
            Cell::count(l.repayments.len()),
            Cell::count(l.repayments.iter().filter(|r| r.manual).count()),
            Cell::amount(l.total_repaid),
            l.repayments
                .last()
                .map_or_else(Cell::empty, |r| Cell::date(&r.payment_date)),
            Cell::optional_amount(l.principal_remaining),
        ],
        status: None,
        flagged: false,
    });
    Table::new(
        "Loan|#Repayments|#Manual|#Total repaid|Latest payment|#Principal remaining",
        &[],
        rows,
    )
}

pub fn loan_repayments(report: &Report) -> Table {
    let rows = report.loans.iter().flat_map(|l| {
        l.repayments.iter().map(move |r| Row {
            cells: vec![
                Cell::code(&l.loan_id),
                Cell::date(&r.payment_date),
                Cell::code(&r.correlation_id),
                Cell::amount(r.amount),
                Cell::optional_amount(r.principal_remaining),
                if r.manual {
                    Cell::badge("manual", Tone::Warn)
                } else {
                    Cell::badge("settlement", Tone::Ok)
                },
            ],
            status: Some(if r.manual { "manual" } else { "settlement" }),
            flagged: false,
        })
    });
    Table::new(
        "Loan|Payment date|Correlation id|#Amount|#Principal remaining|Source",
        &[("settlement", "From a settlement"), ("manual", "Manual")],
        rows,
    )
}

pub fn errors(report: &Report) -> Table {
    let rows = report.errors.iter().map(|e| Row {
        cells: vec![
            Cell::count(e.line),
            Cell::badge(
                match e.kind {
                    hookwright_core::error::ErrorKind::Json => "not JSON",
                    _ => "invalid event",
                },
                Tone::Bad,
            ),
            Cell::text(&e.reason),
        ],
        status: None,
        flagged: false,
    });
    Table::new("#Line|Kind|Reason", &[], rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookwright_core::youlend::reconcile;

    #[test]
    fn the_sample_fills_every_table() {
        let report = reconcile(super::super::sample::BATCH.as_bytes());
        let store = ReconcileStore::new(1, &report);
        let rows: Vec<usize> = store.tables.iter().map(|t| t.rows.len()).collect();
        assert_eq!(rows, [3, 6, 3, 4, 7, 2]);
        let query = TableQuery {
            table: 1,
            status: "mismatch".into(),
            limit: 50,
            ..TableQuery::default()
        };
        let window = store.window(&query).unwrap();
        assert_eq!(window.visible, 1);
        assert_eq!(
            window.rows[0].cells[6].0,
            "repaid 99.00 instead of 99.90 (-0.90)"
        );
        assert!(window.rows[0].flagged);
        let csv = store.csv(&query).unwrap();
        assert_eq!(csv.lines().count(), 2);
        assert!(store.window(&TableQuery { table: 6, ..query }).is_none());
    }
}
