//! The reconciliation report laid out as the Reconcile view's tables. Plain Rust, tested natively.

use std::rc::Rc;

use hookwright_core::youlend::reconcile::{ManualReason, PaymentStatus, Report};

use super::table::{Cell, Column, Row, Table, TableData, Tone};

#[derive(Debug, Clone, PartialEq)]
pub struct Tables {
    pub settlements: TableData,
    pub payments: TableData,
    pub manual_payments: TableData,
    pub loans: TableData,
    pub loan_repayments: TableData,
    pub errors: TableData,
}

/// A table whose rows are still to be built: the page builds them a slice at a time.
pub struct Pending<'r> {
    pub table: Table,
    pub rows: Box<dyn Iterator<Item = Row> + 'r>,
}

impl<'r> Pending<'r> {
    fn new(table: Table, rows: impl Iterator<Item = Row> + 'r) -> Pending<'r> {
        Pending {
            table,
            rows: Box::new(rows),
        }
    }

    /// Builds every row at once.
    pub fn build(mut self) -> Table {
        self.table.rows.extend(self.rows);
        self.table
    }
}

impl Tables {
    pub fn new(report: &Report) -> Tables {
        let data = |table: Pending| TableData(Rc::new(table.build()));
        Tables {
            settlements: data(settlements(report)),
            payments: data(payments(report)),
            manual_payments: data(manual_payments(report)),
            loans: data(loans(report)),
            loan_repayments: data(loan_repayments(report)),
            errors: data(errors(report)),
        }
    }
}

pub fn settlements(report: &Report) -> Pending<'_> {
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
    Pending::new(
        Table {
            columns: vec![
                Column::text("Reference"),
                Column::text("Loan"),
                Column::number("Total"),
                Column::number("Lenders sum"),
                Column::text("Balanced"),
                Column::number("Payments"),
                Column::number("Repaid"),
            ],
            rows: Vec::new(),
            haystack: Default::default(),
            statuses: vec![("balanced", "Balanced"), ("unbalanced", "Unbalanced")],
        },
        rows,
    )
}

pub fn payments(report: &Report) -> Pending<'_> {
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
    Pending::new(
        Table {
            columns: vec![
                Column::text("Settlement"),
                Column::text("Payment correlation id"),
                Column::number("Amount"),
                Column::text("Status"),
                Column::number("Repaid amount"),
                Column::text("Repaid on"),
                Column::text("Check"),
            ],
            rows: Vec::new(),
            haystack: Default::default(),
            statuses: vec![
                ("repaid", "Repaid"),
                ("pending", "Pending"),
                ("mismatch", "Repaid, needs a look"),
            ],
        },
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

pub fn manual_payments(report: &Report) -> Pending<'_> {
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
    Pending::new(
        Table {
            columns: vec![
                Column::text("Loan"),
                Column::text("Payment date"),
                Column::text("Correlation id"),
                Column::number("Amount"),
                Column::text("Why manual"),
                Column::number("Principal remaining"),
            ],
            rows: Vec::new(),
            haystack: Default::default(),
            statuses: vec![
                ("empty", "No correlation id"),
                ("unmatched", "Matches no settlement"),
            ],
        },
        rows,
    )
}

pub fn loans(report: &Report) -> Pending<'_> {
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
    Pending::new(
        Table {
            columns: vec![
                Column::text("Loan"),
                Column::number("Repayments"),
                Column::number("Manual"),
                Column::number("Total repaid"),
                Column::text("Latest payment"),
                Column::number("Principal remaining"),
            ],
            rows: Vec::new(),
            haystack: Default::default(),
            statuses: Vec::new(),
        },
        rows,
    )
}

pub fn loan_repayments(report: &Report) -> Pending<'_> {
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
    Pending::new(
        Table {
            columns: vec![
                Column::text("Loan"),
                Column::text("Payment date"),
                Column::text("Correlation id"),
                Column::number("Amount"),
                Column::number("Principal remaining"),
                Column::text("Source"),
            ],
            rows: Vec::new(),
            haystack: Default::default(),
            statuses: vec![("settlement", "From a settlement"), ("manual", "Manual")],
        },
        rows,
    )
}

pub fn errors(report: &Report) -> Pending<'_> {
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
    Pending::new(
        Table {
            columns: vec![
                Column::number("Line"),
                Column::text("Kind"),
                Column::text("Reason"),
            ],
            rows: Vec::new(),
            haystack: Default::default(),
            statuses: Vec::new(),
        },
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookwright_core::youlend::reconcile;

    #[test]
    fn the_sample_fills_every_table() {
        let report = reconcile(super::super::sample::BATCH.as_bytes());
        let t = Tables::new(&report);
        assert_eq!(t.settlements.0.rows.len(), 3);
        assert_eq!(t.payments.0.rows.len(), 6);
        assert_eq!(t.manual_payments.0.rows.len(), 3);
        assert_eq!(t.errors.0.rows.len(), 2);
        let mismatch = &t.payments.0.rows[t.payments.0.visible("", "mismatch", None)[0]];
        assert_eq!(
            mismatch.cells[6].text,
            "repaid 99.00 instead of 99.90 (-0.90)"
        );
        assert_eq!(t.loans.0.rows.len(), 4);
    }
}
