//! Typed YouLend repayment events read from the webhook envelope
//! `{EventCode, Message, EventProperties}`: LOA10055 (settlement processed) and
//! LOA10040 (repayment). Amounts become exact decimals; a missing or malformed field is a reason, never a panic.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use serde_json::Value as Json;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Amount(pub Decimal);

impl Amount {
    pub fn zero() -> Amount {
        Amount(Decimal::ZERO)
    }

    /// An amount from YouLend's text (`"300.10"`), refusing anything that is not a plain decimal.
    pub fn parse(text: &str) -> Result<Amount, String> {
        let value = Decimal::from_str_exact(text)
            .map_err(|_| format!("`{text}` is not a decimal amount"))?;
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
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(bad());
        }
        let mut seconds = days_from_civil(year, month, day) * 86_400;
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

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// One YouLend webhook, typed as far as reconciliation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LenderPayment {
    pub amount: Amount,
    pub payment_correlation_id: String,
}

/// LOA10040: money applied to a loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repayment {
    /// Empty for some manual payments (`null` is read as empty too).
    pub correlation_id: String,
    pub loan_id: String,
    pub lead_id: Option<String>,
    pub payment_amount: Amount,
    pub payment_date: PaymentDate,
    pub principal_remaining: Option<Amount>,
}

/// Reads one webhook body. The reason names the event code and the field at fault.
pub fn parse_event(json: &Json) -> Result<Event, String> {
    let Json::Object(envelope) = json else {
        return Err(format!(
            "an event must be a JSON object, not {}",
            json_type(json)
        ));
    };
    let code = match envelope.get("EventCode") {
        Some(Json::String(code)) => code.as_str(),
        Some(other) => return Err(format!("EventCode must be text, not {}", json_type(other))),
        None => return Err("EventCode is missing".to_string()),
    };
    if code != SETTLEMENT_PROCESSED && code != REPAYMENT {
        return Ok(Event::Other {
            code: code.to_string(),
        });
    }
    let props = Fields {
        code,
        path: "EventProperties",
        map: match envelope.get("EventProperties") {
            Some(Json::Object(map)) => map,
            Some(other) => {
                return Err(format!(
                    "{code}: EventProperties must be an object, not {}",
                    json_type(other)
                ))
            }
            None => return Err(format!("{code}: EventProperties is missing")),
        },
    };
    if code == REPAYMENT {
        Ok(Event::Repayment(Repayment {
            correlation_id: props.text_or_empty("CorrelationId")?,
            loan_id: props.text("LoanId")?,
            lead_id: props.optional_text("LeadId")?,
            payment_amount: props.amount("PaymentAmount")?,
            payment_date: PaymentDate::parse(&props.text("PaymentDate")?)
                .map_err(|e| props.reason("PaymentDate", &e))?,
            principal_remaining: match props.map.get("PrincipalRemaining") {
                None | Some(Json::Null) => None,
                Some(_) => Some(props.amount("PrincipalRemaining")?),
            },
        }))
    } else {
        let payments = match props.map.get("PaymentsToLenders") {
            Some(Json::Array(items)) => items,
            Some(other) => {
                return Err(props.reason(
                    "PaymentsToLenders",
                    &format!("must be an array, not {}", json_type(other)),
                ))
            }
            None => return Err(props.reason("PaymentsToLenders", "is missing")),
        };
        let payments_to_lenders = payments
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let path = format!("EventProperties.PaymentsToLenders[{i}]");
                let Json::Object(map) = item else {
                    return Err(format!(
                        "{code}: {path} must be an object, not {}",
                        json_type(item)
                    ));
                };
                let payment = Fields {
                    code,
                    path: &path,
                    map,
                };
                Ok(LenderPayment {
                    amount: payment.amount("Amount")?,
                    payment_correlation_id: payment.text("PaymentCorrelationId")?,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Event::SettlementProcessed(SettlementProcessed {
            loan_id: props.text("LoanId")?,
            total_settlement_amount: props.amount("TotalSettlementAmount")?,
            settlement_reference: props.text("SettlementReference")?,
            payments_to_lenders,
            lead_id: props.optional_text("LeadId")?,
            event_id: props.optional_text("EventId")?,
        }))
    }
}

/// The fields of one JSON object, with the event code and path for reasons.
struct Fields<'a> {
    code: &'a str,
    path: &'a str,
    map: &'a serde_json::Map<String, Json>,
}

impl Fields<'_> {
    fn reason(&self, field: &str, problem: &str) -> String {
        format!("{}: {}.{field} {problem}", self.code, self.path)
    }

    fn text(&self, field: &str) -> Result<String, String> {
        match self.map.get(field) {
            Some(Json::String(s)) => Ok(s.clone()),
            Some(other) => {
                Err(self.reason(field, &format!("must be text, not {}", json_type(other))))
            }
            None => Err(self.reason(field, "is missing")),
        }
    }

    fn text_or_empty(&self, field: &str) -> Result<String, String> {
        match self.map.get(field) {
            Some(Json::Null) => Ok(String::new()),
            _ => self.text(field),
        }
    }

    fn optional_text(&self, field: &str) -> Result<Option<String>, String> {
        match self.map.get(field) {
            None | Some(Json::Null) => Ok(None),
            Some(_) => self.text(field).map(Some),
        }
    }

    /// YouLend sends amounts as strings; a JSON number is read exactly as written too.
    fn amount(&self, field: &str) -> Result<Amount, String> {
        let text = match self.map.get(field) {
            Some(Json::String(s)) => s.clone(),
            Some(Json::Number(n)) => n.to_string(),
            Some(other) => {
                return Err(self.reason(
                    field,
                    &format!("must be a decimal amount, not {}", json_type(other)),
                ))
            }
            None => return Err(self.reason(field, "is missing")),
        };
        Amount::parse(&text).map_err(|e| self.reason(field, &e))
    }
}

fn json_type(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "text",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
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
}
