//! Repayment reconciliation over a batch of YouLend events (a JSON array or NDJSON, any order):
//! settlements with each lender payment repaid or pending, manual payments, dropped duplicates,
//! per-loan repayment ledgers, and every unreadable line with its reason. The report is sorted by
//! stable keys, so the order of the input never changes it.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::event::{parse_event, Amount, Event, PaymentDate, Repayment, SettlementProcessed};
use crate::delivery::Delivery;
use crate::error::ErrorKind;

/// The reconciliation of one batch. Serialises to camelCase JSON with amounts as exact decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub summary: Summary,
    /// Sorted by settlement reference, then loan, then the rest of the settlement.
    pub settlements: Vec<Settlement>,
    /// Repayments whose CorrelationId is empty or matches no PaymentCorrelationId in the batch.
    pub manual_payments: Vec<ManualPayment>,
    /// How many events were dropped as identical repeats of an earlier one (YouLend retries deliveries).
    pub duplicates: usize,
    /// Well-formed events of other codes, counted by code and otherwise ignored.
    pub other_events: BTreeMap<String, usize>,
    /// Every loan that received a repayment, by loan id.
    pub loans: Vec<LoanLedger>,
    /// Unreadable lines and events, by line.
    pub errors: Vec<LineError>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Distinct readable events, of any code.
    pub events: usize,
    pub settlements: usize,
    pub unbalanced_settlements: usize,
    pub repayments: usize,
    pub repaid_payments: usize,
    pub pending_payments: usize,
    pub amount_mismatches: usize,
    pub manual_payments: usize,
    pub duplicates: usize,
    pub other_events: usize,
    pub errors: usize,
}

/// One LOA10055 and what became of each of its payments to lenders.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settlement {
    pub settlement_reference: String,
    pub loan_id: String,
    pub total: Amount,
    /// The sum of `payments[].amount`.
    pub lenders_sum: Amount,
    /// Whether `total` and `lendersSum` are the same amount.
    pub balanced: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// In the order the event lists them.
    pub payments: Vec<Payment>,
}

/// One payment to a lender.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub payment_correlation_id: String,
    pub amount: Amount,
    pub status: PaymentStatus,
    /// The LOA10040 that carried this id, the earliest if several did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repayment: Option<RepaymentRecord>,
    /// Set when the repayment's amount differs from the lender payment's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_mismatch: Option<AmountMismatch>,
    /// Set when the repayment was applied to another loan than the settlement's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub loan_mismatch: bool,
    /// Further, different repayments that carried the same id: worth a look.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_repayments: Vec<RepaymentRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentStatus {
    /// A LOA10040 with this PaymentCorrelationId arrived.
    Repaid,
    /// No LOA10040 with this id in the batch (yet).
    Pending,
}

/// A LOA10040 as shown in the report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepaymentRecord {
    pub payment_date: PaymentDate,
    pub loan_id: String,
    pub amount: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_remaining: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AmountMismatch {
    /// The lender payment's amount.
    pub expected: Amount,
    pub repaid: Amount,
    /// `repaid - expected`.
    pub difference: Amount,
}

/// A LOA10040 that no settlement explains: a merchant paid YouLend directly.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManualPayment {
    pub loan_id: String,
    pub payment_date: PaymentDate,
    pub correlation_id: String,
    pub amount: Amount,
    pub reason: ManualReason,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_remaining: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ManualReason {
    /// The CorrelationId is empty (or null).
    Empty,
    /// The CorrelationId matches no PaymentCorrelationId in the batch.
    Unmatched,
}

/// The repayments applied to one loan, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoanLedger {
    pub loan_id: String,
    pub total_repaid: Amount,
    /// From the latest repayment that states one; on a tie of dates, the smaller one (principal
    /// only goes down).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_remaining: Option<Amount>,
    pub repayments: Vec<LoanRepayment>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoanRepayment {
    pub payment_date: PaymentDate,
    /// Descending principal within one date, so the ledger reads in the order money went in.
    #[serde(skip)]
    principal_order: std::cmp::Reverse<Option<Amount>>,
    pub correlation_id: String,
    pub amount: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_remaining: Option<Amount>,
    /// True when it is one of the report's manual payments.
    pub manual: bool,
}

/// A line (or array element) that could not be reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineError {
    /// 1-based; for a JSON array, the line where the element starts.
    pub line: usize,
    /// `json` for text that does not parse, `invalid` for an event missing a field or holding a bad value.
    pub kind: ErrorKind,
    pub reason: String,
}

/// How far a reconciliation has read, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub bytes_read: usize,
    pub bytes_total: usize,
    pub events_read: usize,
}

/// Reconciles a whole batch: a JSON array of events, or one event per line (blank lines ignored).
pub fn reconcile(input: &[u8]) -> Report {
    reconcile_with_progress(input, |_| {})
}

/// Like [`reconcile`], calling `progress` every few thousand events and once at the end of reading.
pub fn reconcile_with_progress(input: &[u8], mut progress: impl FnMut(Progress)) -> Report {
    const EVERY: usize = 4096;
    let mut reading = Reading::new(input);
    while !reading.step(EVERY) {
        progress(reading.progress());
    }
    progress(reading.progress());
    reading.finish()
}

/// A batch read a few events at a time, so that a page can yield to the browser between steps
/// (and show progress, or stop) instead of freezing while 100,000 events are read.
pub struct Reading<'a> {
    reconciler: Reconciler,
    bytes_total: usize,
    source: Source<'a>,
}

enum Source<'a> {
    /// NDJSON: the rest of the input, and the number of the next line.
    Lines {
        rest: &'a [u8],
        line: usize,
        offset: usize,
    },
    Array(ArrayElements<'a>),
    /// Pretty-printed events one after another (see [`Objects`]).
    Objects(Objects<'a>),
}

impl<'a> Reading<'a> {
    /// Starts reading a JSON array of events, pretty-printed events one after another (a first
    /// line of `{` alone), or one event per line (blank lines ignored).
    pub fn new(input: &'a [u8]) -> Reading<'a> {
        let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
        let first = input.iter().position(|b| !b.is_ascii_whitespace());
        let first_line = first.map(|i| {
            let rest = &input[i..];
            let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            rest[..end].trim_ascii()
        });
        let source = if first.is_some_and(|i| input[i] == b'[') {
            Source::Array(ArrayElements::new(input))
        } else if first_line == Some(b"{") {
            // No NDJSON line is `{` alone: this is an event printed over several lines (one
            // copied from YouLend's docs, or `jq .`'s output), which read line by line was
            // nothing but errors.
            Source::Objects(Objects::new(input))
        } else {
            Source::Lines {
                rest: input,
                line: 0,
                offset: 0,
            }
        };
        Reading {
            reconciler: Reconciler::new(),
            bytes_total: input.len(),
            source,
        }
    }

    /// Reads up to `pieces` more lines (or array elements); true once the whole input is read.
    pub fn step(&mut self, pieces: usize) -> bool {
        for _ in 0..pieces {
            match &mut self.source {
                Source::Lines { rest, line, offset } => {
                    if *offset >= self.bytes_total {
                        return true;
                    }
                    let (text, next) = match rest.iter().position(|&b| b == b'\n') {
                        Some(i) => (&rest[..i], &rest[i + 1..]),
                        None => (*rest, &rest[rest.len()..]),
                    };
                    *line += 1;
                    *offset += text.len() + 1;
                    *rest = next;
                    self.reconciler.push_event(*line, text);
                }
                Source::Array(elements) => match elements.next() {
                    Some(element) => self.reconciler.push_element(element),
                    None => return true,
                },
                Source::Objects(objects) => match objects.next() {
                    Some(element) => self.reconciler.push_element(element),
                    None => return true,
                },
            }
        }
        self.bytes_read() >= self.bytes_total && matches!(self.source, Source::Lines { .. })
    }

    fn bytes_read(&self) -> usize {
        match &self.source {
            Source::Lines { offset, .. } => (*offset).min(self.bytes_total),
            Source::Array(elements) => elements.pos,
            Source::Objects(objects) => objects.pos,
        }
    }

    pub fn progress(&self) -> Progress {
        Progress {
            bytes_read: self.bytes_read(),
            bytes_total: self.bytes_total,
            events_read: self.reconciler.events_read(),
        }
    }

    /// Reads whatever is left, then does the next phase of building the report (see
    /// [`Reconciler::finish_step`]); false once only [`Reading::finish`] is left.
    pub fn finish_step(&mut self) -> bool {
        while !self.step(usize::MAX) {}
        self.reconciler.finish_step()
    }

    /// Reads whatever is left, then builds the report.
    pub fn finish(mut self) -> Report {
        while !self.step(usize::MAX) {}
        self.reconciler.finish()
    }
}

/// Reconciles events pushed one at a time, so a caller can read a large batch in chunks and
/// report progress between them; [`Reconciler::finish`] matches everything, whatever the order.
#[derive(Debug, Default)]
pub struct Reconciler {
    next_line: usize,
    events_read: usize,
    /// Repeats are dropped in `finish` by sorting: cheaper than hashing every event on the way in.
    settlements: Vec<SettlementProcessed>,
    repayments: Vec<Repayment>,
    /// Canonical JSON of the other codes' events, which carry fields not typed here.
    other_seen: HashSet<Box<str>>,
    other_duplicates: usize,
    other_events: BTreeMap<String, usize>,
    errors: Vec<LineError>,
    /// Repeats of settlements and repayments dropped so far by sorting.
    dropped: usize,
    built: Built,
}

impl Reconciler {
    pub fn new() -> Reconciler {
        Reconciler::default()
    }

    /// The next NDJSON line, numbered from 1 in the order pushed. Blank lines are skipped.
    pub fn push_line(&mut self, line: &[u8]) {
        self.next_line += 1;
        self.push_event(self.next_line, line);
    }

    /// One event's JSON text, found at `line` of the input. Blank text is skipped.
    pub fn push_event(&mut self, line: usize, text: &[u8]) {
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let text = match std::str::from_utf8(text) {
            Ok(text) => text,
            Err(e) => {
                let reason = format!(
                    "not UTF-8 text (bad byte at column {})",
                    e.valid_up_to() + 1
                );
                return self.push_error(line, ErrorKind::Json, reason);
            }
        };
        // A line of `hookwright listen --out`: the event is its body (once; a body that is
        // itself a delivery line is read as an event and fails as one).
        if Delivery::looks_like(text) {
            return match Delivery::event_bytes(text) {
                Ok(body) => match std::str::from_utf8(&body) {
                    // The body's own line breaks are not the file's: errors stay on this line.
                    Ok(body) => self.push_text(line, body, false),
                    Err(_) => self.push_error(
                        line,
                        ErrorKind::Json,
                        "the delivery's body is not UTF-8 text".to_string(),
                    ),
                },
                Err(reason) => self.push_error(line, ErrorKind::Invalid, reason),
            };
        }
        self.push_text(line, text, true);
    }

    /// `text` is an event, at `line`; `in_file` when its line breaks are the file's.
    fn push_text(&mut self, line: usize, text: &str, in_file: bool) {
        match parse_event(text) {
            Ok(Event::SettlementProcessed(settlement)) => self.settlements.push(settlement),
            Ok(Event::Repayment(repayment)) => self.repayments.push(repayment),
            Ok(Event::Other { code }) => {
                let mut canonical = String::new();
                if let Ok(json) = serde_json::from_str::<Json>(text) {
                    write_canonical(&json, &mut canonical);
                }
                if self.other_seen.insert(canonical.into()) {
                    *self.other_events.entry(code).or_default() += 1;
                } else {
                    self.other_duplicates += 1;
                }
            }
            Err(e) => {
                let line = if in_file { line + e.lines_below } else { line };
                return self.push_error(line, e.kind, e.reason);
            }
        }
        self.events_read += 1;
    }

    /// An event found in an array or among pretty-printed objects, or why it could not be read.
    fn push_element(&mut self, element: Element) {
        match element.text {
            Ok(text) => self.push_event(element.line, text),
            Err(reason) => self.push_error(element.line, ErrorKind::Json, reason),
        }
    }

    fn push_error(&mut self, line: usize, kind: ErrorKind, reason: String) {
        self.errors.push(LineError { line, kind, reason });
    }

    /// Readable events so far, repeats included (they are dropped in `finish`).
    pub fn events_read(&self) -> usize {
        self.events_read
    }

    /// Does the next phase of building the report (sorting, settlements, ledgers, their order,
    /// freeing the events read); false once only assembling it is left. [`Reconciler::finish`] runs whatever
    /// phases are left; a page runs them one by one to yield to the browser in between. Push no
    /// more events once this has been called.
    pub fn finish_step(&mut self) -> bool {
        let phase = self.built.phase;
        match phase {
            0 => {
                // Sorted by correlation id first (field order), so each id's repayments are one
                // run, found by binary search.
                let before = self.repayments.len();
                self.repayments.sort_unstable();
                self.repayments.dedup();
                self.dropped += before - self.repayments.len();
            }
            1 => {
                let before = self.settlements.len();
                self.settlements.sort_unstable();
                self.settlements.dedup();
                self.dropped += before - self.settlements.len();
                self.built.matched = vec![false; self.repayments.len()];
                let mut starts =
                    HashMap::with_capacity_and_hasher(self.repayments.len(), IdHash::default());
                for (i, r) in self.repayments.iter().enumerate().rev() {
                    if !r.correlation_id.is_empty() {
                        starts.insert(id_hash(&r.correlation_id), i as u32);
                    }
                }
                self.built.run_starts = starts;
                self.built.unmatched_settlements =
                    std::mem::take(&mut self.settlements).into_iter();
            }
            2 => {
                // A few thousand settlements at a time: the longest phase otherwise.
                if self.build_settlements(SETTLEMENTS_PER_STEP) {
                    return true;
                }
            }
            3 => {
                self.built.run_starts = HashMap::default();
                self.build_ledgers();
            }
            4 => self.order(),
            5 => {
                // What is left of the events read: freeing it takes a while in wasm.
                self.repayments = Vec::new();
                self.built.matched = Vec::new();
                self.other_seen = HashSet::new();
            }
            _ => return false,
        }
        self.built.phase = phase + 1;
        true
    }

    /// Drops repeats, matches repayments to lender payments and builds the sorted report.
    pub fn finish(mut self) -> Report {
        while self.finish_step() {}
        let mut summary = self.built.summary;
        summary.duplicates = self.dropped + self.other_duplicates;
        summary.other_events = self.other_events.values().sum();
        summary.errors = self.errors.len();
        let mut errors = self.errors;
        errors.sort_by(|a, b| (a.line, &a.reason).cmp(&(b.line, &b.reason)));
        Report {
            duplicates: summary.duplicates,
            summary,
            settlements: self.built.settlements,
            manual_payments: self.built.manual_payments,
            other_events: self.other_events,
            loans: self.built.loans,
            errors,
        }
    }

    /// Up to `count` more settlements with what became of their payments to lenders; true while
    /// some are left. Takes the settlements read, so their text moves into the report.
    fn build_settlements(&mut self, count: usize) -> bool {
        let repayments = &self.repayments;
        let matched = &mut self.built.matched;
        let starts = &self.built.run_starts;
        let mut repayments_for = |id: &str| -> &[Repayment] {
            let start = match starts.get(&id_hash(id)) {
                Some(&i) if repayments[i as usize].correlation_id == id => i as usize,
                Some(_) => repayments.partition_point(|r| r.correlation_id.as_str() < id),
                None => return &[],
            };
            let len = repayments[start..]
                .iter()
                .take_while(|r| r.correlation_id == id)
                .count();
            matched[start..start + len].fill(true);
            &repayments[start..start + len]
        };
        let summary = &mut self.built.summary;
        let settlements = self
            .built
            .unmatched_settlements
            .by_ref()
            .take(count)
            .map(|s| {
                let loan_id = s.loan_id;
                let payments: Vec<Payment> = s
                    .payments_to_lenders
                    .into_iter()
                    .map(|p| {
                        let matched = match p.payment_correlation_id.as_str() {
                            "" => &[][..],
                            id => repayments_for(id),
                        };
                        // The earliest repayment first; most ids have exactly one.
                        let (repayment, others) = match matched {
                            [] => (None, Vec::new()),
                            [only] => (Some(record(only)), Vec::new()),
                            several => {
                                let mut records: Vec<RepaymentRecord> =
                                    several.iter().map(record).collect();
                                records.sort();
                                let first = records.remove(0);
                                (Some(first), records)
                            }
                        };
                        let amount_mismatch = repayment
                            .as_ref()
                            .filter(|r| !r.amount.same_value(p.amount))
                            .map(|r| AmountMismatch {
                                expected: p.amount,
                                repaid: r.amount,
                                difference: r.amount - p.amount,
                            });
                        match repayment {
                            Some(_) => summary.repaid_payments += 1,
                            None => summary.pending_payments += 1,
                        }
                        summary.amount_mismatches += usize::from(amount_mismatch.is_some());
                        Payment {
                            payment_correlation_id: p.payment_correlation_id,
                            amount: p.amount,
                            status: if repayment.is_some() {
                                PaymentStatus::Repaid
                            } else {
                                PaymentStatus::Pending
                            },
                            loan_mismatch: repayment.as_ref().is_some_and(|r| r.loan_id != loan_id),
                            repayment,
                            amount_mismatch,
                            other_repayments: others,
                        }
                    })
                    .collect();
                let lenders_sum = payments
                    .iter()
                    .fold(Amount::zero(), |sum, p| sum + p.amount);
                let balanced = lenders_sum.same_value(s.total_settlement_amount);
                summary.unbalanced_settlements += usize::from(!balanced);
                Settlement {
                    settlement_reference: s.settlement_reference,
                    loan_id,
                    total: s.total_settlement_amount,
                    lenders_sum,
                    balanced,
                    lead_id: s.lead_id,
                    event_id: s.event_id,
                    payments,
                }
            });
        self.built.settlements.extend(settlements);
        self.built.unmatched_settlements.len() > 0
    }
    /// Manual payments and per-loan ledgers, from the sorted, distinct repayments. Runs after
    /// [`Reconciler::build_settlements`] has marked the repayments a lender payment explains, and
    /// takes the repayments, so that their text moves into the ledgers instead of being copied.
    fn build_ledgers(&mut self) {
        let summary = &mut self.built.summary;
        summary.events =
            self.built.settlements.len() + self.repayments.len() + self.other_seen.len();
        summary.settlements = self.built.settlements.len();
        summary.repayments = self.repayments.len();

        // Which ledger each repayment joins: looked up by reference first, then moved in.
        let mut index: HashMap<&str, u32, IdHash> = HashMap::default();
        let mut loan_ids: Vec<String> = Vec::new();
        let ledger_of: Vec<u32> = self
            .repayments
            .iter()
            .map(|r| {
                *index.entry(&r.loan_id).or_insert_with(|| {
                    loan_ids.push(r.loan_id.clone());
                    (loan_ids.len() - 1) as u32
                })
            })
            .collect();
        drop(index);
        let mut ledgers: Vec<Vec<LoanRepayment>> = vec![Vec::new(); loan_ids.len()];
        let mut manual_payments = Vec::new();
        let matched = std::mem::take(&mut self.built.matched);
        for (i, r) in std::mem::take(&mut self.repayments).into_iter().enumerate() {
            let manual = !matched.get(i).copied().unwrap_or(false);
            if manual {
                manual_payments.push(ManualPayment {
                    loan_id: r.loan_id,
                    payment_date: r.payment_date.clone(),
                    correlation_id: r.correlation_id.clone(),
                    amount: r.payment_amount,
                    reason: if r.correlation_id.is_empty() {
                        ManualReason::Empty
                    } else {
                        ManualReason::Unmatched
                    },
                    principal_remaining: r.principal_remaining,
                    lead_id: r.lead_id,
                });
            }
            ledgers[ledger_of[i] as usize].push(LoanRepayment {
                payment_date: r.payment_date,
                principal_order: std::cmp::Reverse(r.principal_remaining),
                correlation_id: r.correlation_id,
                amount: r.payment_amount,
                principal_remaining: r.principal_remaining,
                manual,
            });
        }
        self.built.matched = matched;
        summary.manual_payments = manual_payments.len();
        self.built.manual_payments = manual_payments;
        self.built.loans = loan_ids
            .into_iter()
            .zip(ledgers)
            .map(|(loan_id, repayments)| LoanLedger {
                loan_id,
                total_repaid: Amount::zero(),
                principal_remaining: None,
                repayments,
            })
            .collect();
    }

    /// Puts the settlements, manual payments, loans and each loan's repayments in report order.
    fn order(&mut self) {
        self.built.settlements.sort_unstable();
        self.built.manual_payments.sort_unstable();
        for ledger in &mut self.built.loans {
            ledger.repayments.sort_unstable();
            ledger.total_repaid = ledger
                .repayments
                .iter()
                .fold(Amount::zero(), |sum, r| sum + r.amount);
            // PrincipalRemaining is optional in a LOA10040: a latest repayment without one
            // does not unsay what an earlier one stated.
            ledger.principal_remaining = ledger
                .repayments
                .iter()
                .rev()
                .find_map(|r| r.principal_remaining);
        }
        self.built
            .loans
            .sort_unstable_by(|a, b| a.loan_id.cmp(&b.loan_id));
    }
}

/// The report as [`Reconciler::finish_step`] builds it, phase by phase.
#[derive(Debug, Default)]
struct Built {
    phase: u8,
    summary: Summary,
    settlements: Vec<Settlement>,
    manual_payments: Vec<ManualPayment>,
    loans: Vec<LoanLedger>,
    /// Per sorted repayment: whether a lender payment in the batch carries its CorrelationId.
    matched: Vec<bool>,
    /// Where each CorrelationId's run of sorted repayments starts, by the id's hash (a lookup
    /// checks the id, and falls back to a binary search on the rare collision).
    run_starts: HashMap<u64, u32, IdHash>,
    /// Sorted, distinct settlements still to be matched.
    unmatched_settlements: std::vec::IntoIter<SettlementProcessed>,
}

/// Settlements matched per [`Reconciler::finish_step`]: about 30 ms in a page.
const SETTLEMENTS_PER_STEP: usize = 8192;

/// rustc's Fx hash: several times faster than SipHash on short ids. It does not resist crafted
/// collisions, which is acceptable for a partner reconciling its own exported events.
type IdHash = std::hash::BuildHasherDefault<FxHasher>;

#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    IdHash::default().hash_one(id)
}

fn record(r: &Repayment) -> RepaymentRecord {
    RepaymentRecord {
        payment_date: r.payment_date.clone(),
        loan_id: r.loan_id.clone(),
        amount: r.payment_amount,
        principal_remaining: r.principal_remaining,
        lead_id: r.lead_id.clone(),
    }
}

/// JSON with object keys sorted and numbers as written: two deliveries of one event are
/// identical when these texts are, whatever their key order or whitespace.
fn write_canonical(json: &Json, out: &mut String) {
    match json {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::String(s) => crate::value::write_json_string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::value::write_json_string(key, out);
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
    }
}

/// One top-level piece of a JSON array: where it starts, where it ends, and its text or what is wrong.
struct Element<'a> {
    line: usize,
    text: Result<&'a [u8], String>,
}

/// The top-level elements of a JSON array, found without parsing them, so that one bad element
/// does not hide the rest. Structural faults (empty elements, no closing `]`, text after it) become
/// elements carrying a reason. The input starts, after blanks, with `[`.
struct ArrayElements<'a> {
    input: &'a [u8],
    pos: usize,
    line: usize,
    state: ArrayState,
}

#[derive(PartialEq, Eq)]
enum ArrayState {
    Opening,
    Elements,
    Closed,
    Done,
}

impl<'a> ArrayElements<'a> {
    fn new(input: &'a [u8]) -> ArrayElements<'a> {
        ArrayElements {
            input,
            pos: 0,
            line: 1,
            state: ArrayState::Opening,
        }
    }

    fn skip_blanks(&mut self) {
        while let Some(&b) = self.input.get(self.pos) {
            if !b.is_ascii_whitespace() {
                break;
            }
            self.line += usize::from(b == b'\n');
            self.pos += 1;
        }
    }

    fn fault(&mut self, reason: &str) -> Option<Element<'a>> {
        self.state = ArrayState::Done;
        self.pos = self.input.len();
        Some(Element {
            line: self.line,
            text: Err(reason.to_string()),
        })
    }
}

impl<'a> Iterator for ArrayElements<'a> {
    type Item = Element<'a>;

    fn next(&mut self) -> Option<Element<'a>> {
        let input = self.input;
        if self.state == ArrayState::Opening {
            self.skip_blanks();
            self.pos += 1; // the `[`
            self.skip_blanks();
            self.state = ArrayState::Elements;
            if input.get(self.pos) == Some(&b']') {
                self.pos += 1;
                self.state = ArrayState::Closed;
            }
        }
        match self.state {
            ArrayState::Done => return None,
            ArrayState::Closed => {
                self.skip_blanks();
                if self.pos < input.len() {
                    return self.fault("text after the array's closing `]`");
                }
                self.state = ArrayState::Done;
                return None;
            }
            ArrayState::Opening | ArrayState::Elements => {}
        }
        if self.pos >= input.len() {
            return self.fault("the array is not closed with `]`");
        }
        self.skip_blanks();
        let (start, start_line) = (self.pos, self.line);
        let mut nesting = Nesting::default();
        let mut pos = self.pos;
        let mut line = self.line;
        while let Some(&b) = input.get(pos) {
            if nesting.step(b) == Some(0) && matches!(b, b']' | b',') {
                break;
            }
            line += usize::from(b == b'\n');
            pos += 1;
        }
        let text = input[start..pos].trim_ascii_end();
        let delimiter = input.get(pos).copied();
        self.line = line;
        self.pos = (pos + 1).min(input.len());
        if delimiter == Some(b']') {
            self.state = ArrayState::Closed;
        }
        let text = match (text.is_empty(), delimiter) {
            (false, _) => Ok(text),
            (true, Some(b']')) => Err("a comma before `]` leaves an empty element".to_string()),
            (true, Some(_)) => Err("two commas leave an empty element".to_string()),
            (true, None) => return self.fault("the array is not closed with `]`"),
        };
        Some(Element {
            line: start_line,
            text,
        })
    }
}

/// Where a scan of JSON text is, byte by byte, without parsing it: inside a
/// string (and after a backslash there), or how deep in brackets outside one.
#[derive(Default)]
struct Nesting {
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl Nesting {
    /// Takes the next byte. Outside a string: the bracket depth before it
    /// (brackets and quotes are counted); inside one (its closing quote
    /// included): `None`.
    fn step(&mut self, b: u8) -> Option<usize> {
        if self.in_string {
            match b {
                _ if self.escaped => self.escaped = false,
                b'\\' => self.escaped = true,
                b'"' => self.in_string = false,
                _ => {}
            }
            return None;
        }
        let before = self.depth;
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Some(before)
    }
}

/// The top-level values of pretty-printed JSON written one after another, found without
/// parsing them: each runs from its opening `{` or `[` to the bracket that closes it, and a
/// value that never closes runs to the end. Each is an element at the line it starts on.
struct Objects<'a> {
    input: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Objects<'a> {
    fn new(input: &'a [u8]) -> Objects<'a> {
        Objects {
            input,
            pos: 0,
            line: 1,
        }
    }
}

impl<'a> Iterator for Objects<'a> {
    type Item = Element<'a>;

    fn next(&mut self) -> Option<Element<'a>> {
        let input = self.input;
        while let Some(&b) = input.get(self.pos) {
            if !b.is_ascii_whitespace() {
                break;
            }
            self.line += usize::from(b == b'\n');
            self.pos += 1;
        }
        if self.pos >= input.len() {
            return None;
        }
        let (start, start_line) = (self.pos, self.line);
        let mut nesting = Nesting::default();
        let mut pos = start;
        while let Some(&b) = input.get(pos) {
            pos += 1;
            self.line += usize::from(b == b'\n');
            match nesting.step(b) {
                // Text outside any bracket is an element up to its line's end.
                Some(0) if b == b'\n' => break,
                Some(_) if nesting.depth == 0 && matches!(b, b'}' | b']') => break,
                _ => {}
            }
        }
        self.pos = pos;
        Some(Element {
            line: start_line,
            text: Ok(&input[start..pos]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/youlend");

    #[test]
    fn reading_in_small_steps_gives_the_same_report() {
        let mut inputs: Vec<Vec<u8>> =
            ["mixed.ndjson", "array-with-errors.json", "seed-batch.json"]
                .iter()
                .map(|name| std::fs::read(format!("{FIXTURES}/{name}")).unwrap())
                .collect();
        inputs.extend(
            ["[", "[1,", "[]  x", "[ ]", "", "\n\n", "[{}]\n", "{}\r\n{}"]
                .map(|s| s.as_bytes().to_vec()),
        );
        for input in &inputs {
            for step in [1, 2, 7] {
                let mut reading = Reading::new(input);
                let mut last = 0;
                while !reading.step(step) {
                    let p = reading.progress();
                    assert!(p.bytes_read >= last && p.bytes_read <= p.bytes_total);
                    last = p.bytes_read;
                }
                let p = reading.progress();
                assert_eq!(p.bytes_read, p.bytes_total);
                if step == 2 {
                    while reading.finish_step() {}
                }
                assert_eq!(reading.finish(), reconcile(input), "{step}: {input:?}");
            }
        }
    }
}
