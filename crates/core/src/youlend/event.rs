//! Typed YouLend repayment events read from the webhook envelope
//! `{EventCode, Message, EventProperties}`: LOA10055 (settlement processed) and
//! LOA10040 (repayment). Amounts become exact decimals; a missing or malformed field is a reason, never a panic.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::error::ErrorKind;
use crate::json::{self, TokenKind};

/// A partner's settlement into a virtual IBAN was split into payments to lenders.
pub const SETTLEMENT_PROCESSED: &str = "LOA10055";
/// A repayment was applied to a loan.
pub const REPAYMENT: &str = "LOA10040";

/// Larger amounts are refused so that summing up to a billion of them can never
/// exceed the 28 significant digits a `Decimal` holds exactly.
const MAX_INTEGER_DIGITS: usize = 12;
const MAX_DECIMAL_PLACES: u32 = 6;

/// A money amount exactly as YouLend wrote it: `"600"`, `"10.00"`.
///
/// Ordered by value, then by scale, so `10` sorts before `10.00` and reports
/// never depend on input order.
/// Two amounts are equal only when written alike (`10` ≠ `10.00`); [`Amount::same_value`]
/// compares money.
#[derive(Debug, Clone, Copy, Default)]
pub struct Amount(pub Decimal);

impl Amount {
    fn written(&self) -> (i128, u32, bool) {
        (self.0.mantissa(), self.0.scale(), self.0.is_sign_negative())
    }
}

impl PartialEq for Amount {
    fn eq(&self, other: &Self) -> bool {
        self.written() == other.written()
    }
}

impl Eq for Amount {}

impl std::hash::Hash for Amount {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.written().hash(state);
    }
}

impl Amount {
    pub fn zero() -> Amount {
        Amount(Decimal::ZERO)
    }

    /// An amount from YouLend's text (`"300.10"`), refusing anything that is not a plain decimal.
    pub fn parse(text: &str) -> Result<Amount, String> {
        let not_decimal = || format!("`{text}` is not a decimal amount");
        // Digits with at most one point: `Decimal` alone also reads `1_000` (and `1_0` as 10).
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !digits(fraction) {
            return Err(not_decimal());
        }
        let value = Decimal::from_str_exact(text).map_err(|_| not_decimal())?;
        let integer_digits = text
            .trim_start_matches(['-', '+'])
            .split('.')
            .next()
            .unwrap_or("")
            .trim_start_matches('0')
            .len();
        if integer_digits > MAX_INTEGER_DIGITS || value.scale() > MAX_DECIMAL_PLACES {
            return Err(format!(
                "`{text}` is outside the amounts reconciled exactly (at most {MAX_INTEGER_DIGITS} digits before the point and {MAX_DECIMAL_PLACES} after)"
            ));
        }
        Ok(Amount(value))
    }

    /// Same money, whatever the scale: `400` equals `400.00`.
    pub fn same_value(self, other: Amount) -> bool {
        self.0 == other.0
    }
}

/// Exact sum; the bounds checked in [`Amount::parse`] keep it from rounding.
impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, other: Amount) -> Amount {
        Amount(self.0 + other.0)
    }
}

impl std::ops::Sub for Amount {
    type Output = Amount;
    fn sub(self, other: Amount) -> Amount {
        Amount(self.0 - other.0)
    }
}

impl Ord for Amount {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .cmp(&other.0)
            .then(self.0.scale().cmp(&other.0.scale()))
            .then(self.0.is_sign_negative().cmp(&other.0.is_sign_negative()))
    }
}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Amounts travel as strings in JSON, as YouLend sends them, so no reader turns them into floats.
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// A `PaymentDate` as written (`2023-10-20T00:00:00Z`), ordered by the instant it names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaymentDate {
    text: String,
    /// Seconds since 1970-01-01T00:00:00Z and nanoseconds: the sort key.
    instant: (i64, u32),
}

impl PaymentDate {
    /// Reads an ISO 8601 / RFC 3339 date or timestamp: `2023-10-20`,
    /// `2023-10-20T00:00:00Z`, `2023-10-20T10:00:00.5+01:00`. No offset means UTC.
    pub fn parse(text: &str) -> Result<PaymentDate, String> {
        let bad = || format!("`{text}` is not an ISO date or timestamp");
        let b = text.as_bytes();
        let digits = |from: usize, len: usize| -> Option<i64> {
            let part = b.get(from..from + len)?;
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let year = digits(0, 4).ok_or_else(bad)?;
        let month = digits(5, 2).ok_or_else(bad)?;
        let day = digits(8, 2).ok_or_else(bad)?;
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(bad());
        }
        // The engine's one calendar: the rule language's dates.
        let date = crate::rule::Date::new(
            i32::try_from(year).map_err(|_| bad())?,
            u32::try_from(month).map_err(|_| bad())?,
            u32::try_from(day).map_err(|_| bad())?,
        )
        .ok_or_else(bad)?;
        let mut seconds = date.days() * 86_400;
        let mut nanos = 0u32;
        if b.len() > 10 {
            if !matches!(b[10], b'T' | b't' | b' ') || b.get(13) != Some(&b':') {
                return Err(bad());
            }
            let hour = digits(11, 2).ok_or_else(bad)?;
            let minute = digits(14, 2).ok_or_else(bad)?;
            let (second, mut i) = if b.get(16) == Some(&b':') {
                (digits(17, 2).ok_or_else(bad)?, 19)
            } else {
                (0, 16)
            };
            if hour > 23 || minute > 59 || second > 60 {
                return Err(bad());
            }
            seconds += hour * 3600 + minute * 60 + second;
            if b.get(i) == Some(&b'.') {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if i == start {
                    return Err(bad());
                }
                let mut scale = 1_000_000_000u32;
                for &d in &b[start..i.min(start + 9)] {
                    scale /= 10;
                    nanos += u32::from(d - b'0') * scale;
                }
            }
            match b.get(i) {
                None => {}
                Some(b'Z' | b'z') if i + 1 == b.len() => {}
                Some(&sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
                    let offset = digits(i + 1, 2).ok_or_else(bad)? * 3600
                        + digits(i + 4, 2).ok_or_else(bad)? * 60;
                    seconds -= if sign == b'+' { offset } else { -offset };
                }
                _ => return Err(bad()),
            }
        }
        Ok(PaymentDate {
            text: text.to_string(),
            instant: (seconds, nanos),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Ord for PaymentDate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant
            .cmp(&other.instant)
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for PaymentDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for PaymentDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// One YouLend webhook, typed as far as reconciliation needs. Two deliveries are the same event
/// when these are equal: same code and the same value, as written, in every field read here
/// (the free-text `Message` and fields Hookwright does not read are not compared).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Event {
    SettlementProcessed(SettlementProcessed),
    Repayment(Repayment),
    /// Any other event code (ONB10009, LOA10036, ...): well formed, but no part of reconciliation.
    Other {
        code: String,
    },
}

/// LOA10055: `TotalSettlementAmount` arrived with `SettlementReference` and was split
/// into `PaymentsToLenders`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SettlementProcessed {
    pub loan_id: String,
    pub total_settlement_amount: Amount,
    pub settlement_reference: String,
    pub payments_to_lenders: Vec<LenderPayment>,
    pub lead_id: Option<String>,
    /// Present in one version of the event only.
    pub event_id: Option<String>,
}

/// One payment to a lender; a later LOA10040 echoes its id as `CorrelationId`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LenderPayment {
    pub amount: Amount,
    pub payment_correlation_id: String,
}

/// LOA10040: money applied to a loan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Repayment {
    /// Empty for some manual payments (`null` is read as empty too).
    pub correlation_id: String,
    pub loan_id: String,
    pub lead_id: Option<String>,
    pub payment_amount: Amount,
    pub payment_date: PaymentDate,
    pub principal_remaining: Option<Amount>,
}

/// Why one event could not be read: `Json` for text that does not parse, `Invalid` for a
/// missing field or a bad value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError {
    pub kind: ErrorKind,
    pub reason: String,
    /// Lines below the event's first where the JSON broke (0 but for an event printed over
    /// several lines), so a report can name the line itself.
    pub lines_below: usize,
}

impl EventError {
    /// Quoted input in the reason is cut to a line's worth.
    fn invalid(reason: String) -> EventError {
        EventError {
            kind: ErrorKind::Invalid,
            reason: crate::error::clip_message(reason),
            lines_below: 0,
        }
    }
}

/// Reads one webhook body. Fields are taken from the raw text one by one, without building a
/// JSON tree, because batches of 100,000 events must reconcile in well under a second.
pub fn parse_event(text: &str) -> Result<Event, EventError> {
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(envelope) if text.trim_start().starts_with('{') => envelope,
        Ok(_) => {
            let value: &RawValue = serde_json::from_str(text).map_err(json_error)?;
            return Err(EventError::invalid(format!(
                "an event must be a JSON object, not {}",
                json_type(value)
            )));
        }
        Err(e) => {
            // A valid JSON value of the wrong shape is an invalid event, not bad JSON; text that
            // is not JSON gets the plain parser's reason (the typed one names a Rust struct:
            // "invalid type: string, expected struct Envelope").
            match serde_json::from_str::<&RawValue>(text) {
                Ok(value) if !value.get().starts_with('{') => {
                    return Err(EventError::invalid(format!(
                        "an event must be a JSON object, not {}",
                        json_type(value)
                    )));
                }
                Ok(_) => return Err(json_error(e)),
                Err(plain) => return Err(json_error(plain)),
            }
        }
    };
    let code = match envelope.code.0 {
        Some(raw) if raw.get().starts_with('"') => json_text(raw).into_owned(),
        Some(raw) => {
            return Err(EventError::invalid(format!(
                "EventCode must be text, not {}",
                json_type(raw)
            )))
        }
        None => return Err(EventError::invalid("EventCode is missing".to_string())),
    };
    if code != SETTLEMENT_PROCESSED && code != REPAYMENT {
        return Ok(Event::Other { code });
    }
    let at = |path: &str, field: &str, problem: String| {
        EventError::invalid(format!("{code}: {path}.{field} {problem}"))
    };
    let properties = object(&code, "EventProperties", envelope.properties)?;
    let path = "EventProperties";
    if code == REPAYMENT {
        let f: RepaymentFields = fields(properties, &code, path)?;
        let payment_date = text_field(f.payment_date, path, "PaymentDate", &code)?;
        Ok(Event::Repayment(Repayment {
            correlation_id: match f.correlation_id.0 {
                Some(raw) if raw.get() == "null" => String::new(),
                _ => text_field(f.correlation_id, path, "CorrelationId", &code)?,
            },
            loan_id: text_field(f.loan_id, path, "LoanId", &code)?,
            lead_id: optional_text(f.lead_id, path, "LeadId", &code)?,
            payment_amount: amount(f.payment_amount, path, "PaymentAmount", &code)?,
            payment_date: PaymentDate::parse(&payment_date)
                .map_err(|e| at(path, "PaymentDate", e))?,
            principal_remaining: match f.principal_remaining.0 {
                None => None,
                Some(raw) if raw.get() == "null" => None,
                Some(_) => Some(amount(
                    f.principal_remaining,
                    path,
                    "PrincipalRemaining",
                    &code,
                )?),
            },
        }))
    } else {
        let f: SettlementFields = fields(properties, &code, path)?;
        let payments = match f.payments_to_lenders.0 {
            Some(raw) if raw.get().starts_with('[') => {
                serde_json::from_str::<Vec<&RawValue>>(raw.get()).map_err(json_error)?
            }
            Some(raw) => {
                return Err(at(
                    path,
                    "PaymentsToLenders",
                    format!("must be an array, not {}", json_type(raw)),
                ))
            }
            None => return Err(at(path, "PaymentsToLenders", "is missing".to_string())),
        };
        let payments_to_lenders = payments
            .into_iter()
            .enumerate()
            .map(|(i, raw)| {
                let path = format!("EventProperties.PaymentsToLenders[{i}]");
                if !raw.get().starts_with('{') {
                    return Err(EventError::invalid(format!(
                        "{code}: {path} must be an object, not {}",
                        json_type(raw)
                    )));
                }
                let p: LenderPaymentFields = fields(raw, &code, &path)?;
                Ok(LenderPayment {
                    amount: amount(p.amount, &path, "Amount", &code)?,
                    payment_correlation_id: text_field(
                        p.payment_correlation_id,
                        &path,
                        "PaymentCorrelationId",
                        &code,
                    )?,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Event::SettlementProcessed(SettlementProcessed {
            loan_id: text_field(f.loan_id, path, "LoanId", &code)?,
            total_settlement_amount: amount(
                f.total_settlement_amount,
                path,
                "TotalSettlementAmount",
                &code,
            )?,
            settlement_reference: text_field(
                f.settlement_reference,
                path,
                "SettlementReference",
                &code,
            )?,
            payments_to_lenders,
            lead_id: optional_text(f.lead_id, path, "LeadId", &code)?,
            event_id: optional_text(f.event_id, path, "EventId", &code)?,
        }))
    }
}

/// A field's raw JSON text, or `None` when the field is absent. Unlike `Option<&RawValue>`,
/// a `null` arrives as `Some("null")`, so "missing" and "null" can be told apart.
#[derive(Debug, Default, Clone, Copy)]
struct Field<'a>(Option<&'a RawValue>);

impl<'de: 'a, 'a> Deserialize<'de> for Field<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <&'a RawValue>::deserialize(deserializer).map(|raw| Field(Some(raw)))
    }
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "EventCode", borrow, default)]
    code: Field<'a>,
    #[serde(rename = "EventProperties", borrow, default)]
    properties: Field<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RepaymentFields<'a> {
    #[serde(borrow, default)]
    correlation_id: Field<'a>,
    #[serde(borrow, default)]
    lead_id: Field<'a>,
    #[serde(borrow, default)]
    loan_id: Field<'a>,
    #[serde(borrow, default)]
    payment_amount: Field<'a>,
    #[serde(borrow, default)]
    payment_date: Field<'a>,
    #[serde(borrow, default)]
    principal_remaining: Field<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SettlementFields<'a> {
    #[serde(borrow, default)]
    loan_id: Field<'a>,
    #[serde(borrow, default)]
    total_settlement_amount: Field<'a>,
    #[serde(borrow, default)]
    settlement_reference: Field<'a>,
    #[serde(borrow, default)]
    payments_to_lenders: Field<'a>,
    #[serde(borrow, default)]
    lead_id: Field<'a>,
    #[serde(borrow, default)]
    event_id: Field<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LenderPaymentFields<'a> {
    #[serde(borrow, default)]
    amount: Field<'a>,
    #[serde(borrow, default)]
    payment_correlation_id: Field<'a>,
}

fn object<'a>(code: &str, name: &str, field: Field<'a>) -> Result<&'a RawValue, EventError> {
    match field.0 {
        Some(raw) if raw.get().starts_with('{') => Ok(raw),
        Some(raw) => Err(EventError::invalid(format!(
            "{code}: {name} must be an object, not {}",
            json_type(raw)
        ))),
        None => Err(EventError::invalid(format!("{code}: {name} is missing"))),
    }
}

/// Reads an object's known fields; a repeated key is the only way this fails on valid JSON.
fn fields<'a, T: Deserialize<'a>>(
    raw: &'a RawValue,
    code: &str,
    path: &str,
) -> Result<T, EventError> {
    serde_json::from_str(raw.get()).map_err(|e| {
        EventError::invalid(format!(
            "{code}: {path}: {}",
            crate::context::serde_reason(&e)
        ))
    })
}

fn text_field(field: Field, path: &str, name: &str, code: &str) -> Result<String, EventError> {
    match field.0 {
        Some(raw) if raw.get().starts_with('"') => Ok(json_text(raw).into_owned()),
        Some(raw) => Err(EventError::invalid(format!(
            "{code}: {path}.{name} must be text, not {}",
            json_type(raw)
        ))),
        None => Err(EventError::invalid(format!(
            "{code}: {path}.{name} is missing"
        ))),
    }
}

fn optional_text(
    field: Field,
    path: &str,
    name: &str,
    code: &str,
) -> Result<Option<String>, EventError> {
    match field.0 {
        None => Ok(None),
        Some(raw) if raw.get() == "null" => Ok(None),
        Some(_) => text_field(field, path, name, code).map(Some),
    }
}

/// YouLend sends amounts as strings; a JSON number is read exactly as written too.
fn amount(field: Field, path: &str, name: &str, code: &str) -> Result<Amount, EventError> {
    let invalid = |problem: String| EventError::invalid(format!("{code}: {path}.{name} {problem}"));
    match field.0 {
        Some(raw) if raw.get().starts_with('"') => Amount::parse(&json_text(raw)).map_err(invalid),
        Some(raw) if json_type(raw) == "a number" => Amount::parse(raw.get()).map_err(invalid),
        Some(raw) => Err(invalid(format!(
            "must be a decimal amount, not {}",
            json_type(raw)
        ))),
        None => Err(invalid("is missing".to_string())),
    }
}

/// A JSON string's text, decoded by the engine's JSON tokenizer. `raw` is valid JSON (serde_json
/// read it), so its escapes are valid; most strings have none and are borrowed as they are.
fn json_text(raw: &RawValue) -> Cow<'_, str> {
    json::decode_string(raw.get())
}

/// What kind of JSON value `raw` is, by its first token.
fn json_type(raw: &RawValue) -> &'static str {
    match json::Lexer::new(raw.get()).next() {
        Some(Ok(t)) => match t.kind {
            TokenKind::Null => "null",
            TokenKind::True | TokenKind::False => "a boolean",
            TokenKind::String { .. } => "text",
            TokenKind::BeginArray => "an array",
            TokenKind::BeginObject => "an object",
            _ => "a number",
        },
        _ => "a number",
    }
}

fn json_error(e: serde_json::Error) -> EventError {
    EventError {
        kind: ErrorKind::Json,
        reason: format!(
            "bad JSON: {} (column {})",
            crate::context::serde_reason(&e),
            e.column()
        ),
        lines_below: e.line().saturating_sub(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_keep_their_scale_and_sum_exactly() {
        let a = Amount::parse("300.10").unwrap();
        let b = Amount::parse("99.90").unwrap();
        assert_eq!((a + b).to_string(), "400.00");
        assert!(Amount::parse("400").unwrap().same_value(a + b));
        assert!(Amount::parse("1e3").is_err());
        assert!(Amount::parse("").is_err());
        assert!(Amount::parse("12.5 GBP").is_err());
        for written_oddly in ["1_000", "1_0", "_5", "5.0_0", "1.2.3", "--5", "+-5"] {
            assert!(Amount::parse(written_oddly).is_err(), "{written_oddly}");
        }
        assert_eq!(Amount::parse("+10").unwrap().to_string(), "10");
        assert_eq!(Amount::parse("-0.50").unwrap().to_string(), "-0.50");
        assert!(Amount::parse("1234567890123").is_err());
        assert!(Amount::parse("0.0000001").is_err());
        assert!(Amount::parse("000000000000001.5").is_ok());
    }

    #[test]
    fn dates_order_by_instant() {
        let utc = PaymentDate::parse("2023-10-20T00:00:00Z").unwrap();
        let plus = PaymentDate::parse("2023-10-20T00:30:00+01:00").unwrap();
        let day = PaymentDate::parse("2023-10-20").unwrap();
        let frac = PaymentDate::parse("2023-10-20T00:00:00.25Z").unwrap();
        assert!(plus < utc);
        assert_eq!(day.instant, utc.instant);
        assert!(utc < frac);
        assert_eq!(utc.instant.0, 1_697_760_000);
        for bad in [
            "2023-13-01",
            "2023-02-29",
            "20-10-2023",
            "2023-10-20T25:00:00Z",
            "2023-10-20Tnoon",
            "yesterday",
        ] {
            assert!(PaymentDate::parse(bad).is_err(), "{bad}");
        }
        assert!(PaymentDate::parse("2024-02-29T23:59:60Z").is_ok());
    }

    #[test]
    fn text_that_is_not_json_is_bad_json_without_rust_names() {
        // A line of an object printed over several lines, as `reconcile` read it line by line.
        for line in [r#" "b": }"#, r#"  "EventCode": "LOA10040","#, "[1,"] {
            let e = parse_event(line).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Json, "{line}");
            assert!(e.reason.starts_with("bad JSON: "), "{}", e.reason);
            assert!(!e.reason.contains("struct"), "{}", e.reason);
        }
    }
}
