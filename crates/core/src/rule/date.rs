//! Calendar dates for rules: `YYYY-MM-DD` text and ISO timestamps, compared as
//! instants, with day arithmetic done by hand (days from the civil calendar)
//! so the engine needs no time crate and behaves the same in wasm.

use std::fmt;
use std::str::FromStr;

/// A proleptic Gregorian date between the years 0 and 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if it exists on the calendar (`2023-02-29` does not).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let valid = (0..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// Exactly `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::new(
            digits(&b[0..4])? as i32,
            digits(&b[5..7])?,
            digits(&b[8..10])?,
        )
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days(self) -> i64 {
        days_from_civil(self.year.into(), self.month.into(), self.day.into())
    }

    /// The date `days` after 1970-01-01, if it is within the years 0..=9999.
    pub fn from_days(days: i64) -> Option<Date> {
        let (y, m, d) = civil_from_days(days);
        Date::new(i32::try_from(y).ok()?, m, d)
    }

    /// Today in UTC from the system clock. Never called on wasm, where
    /// `SystemTime::now` panics: there the caller must supply the date.
    pub fn today_utc() -> Result<Date, String> {
        #[cfg(target_arch = "wasm32")]
        {
            Err("no evaluation date: pass one".to_string())
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|_| "the system clock is before 1970".to_string())?
                .as_secs();
            Date::from_days((secs / 86_400) as i64)
                .ok_or_else(|| "the system clock is out of range".to_string())
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = String;

    fn from_str(s: &str) -> Result<Date, String> {
        Date::parse(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
    }
}

/// A point in time as (seconds since 1970 in UTC, nanoseconds), parsed from a
/// date (midnight UTC) or an ISO timestamp (`2023-10-20T00:00:00Z`,
/// `2023-10-20T08:30:00.5+02:00`; no offset means UTC).
pub(crate) fn parse_instant(text: &str) -> Option<(i64, u32)> {
    if text.len() < 10 {
        return None;
    }
    let date = Date::parse(text.get(..10)?)?;
    let base = date.days() * 86_400;
    let rest = &text.as_bytes()[10..];
    if rest.is_empty() {
        return Some((base, 0));
    }
    if !(rest[0] == b'T' || rest[0] == b't' || rest[0] == b' ') || rest.len() < 6 {
        return None;
    }
    let hh = digits(&rest[1..3])?;
    let mm = digits(&rest[4..6])?;
    if rest[3] != b':' || hh > 23 || mm > 59 {
        return None;
    }
    let mut i = 6;
    let mut ss = 0;
    let mut nanos = 0u32;
    if rest.get(i) == Some(&b':') {
        ss = digits(rest.get(i + 1..i + 3)?)?;
        if ss > 60 {
            return None;
        }
        i += 3;
        if rest.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < rest.len() && rest[i].is_ascii_digit() {
                i += 1;
            }
            let frac = &rest[start..i];
            if frac.is_empty() {
                return None;
            }
            for k in 0..9 {
                nanos = nanos * 10 + frac.get(k).map_or(0, |d| u32::from(d - b'0'));
            }
        }
    }
    let offset = match &rest[i..] {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, tail @ ..] => {
            let oh = digits(&[*h1, *h2])?;
            let om = match tail {
                [] => 0,
                [b':', m1, m2] | [m1, m2] => digits(&[*m1, *m2])?,
                _ => return None,
            };
            let secs = i64::from(oh * 3600 + om * 60);
            if *sign == b'+' {
                secs
            } else {
                -secs
            }
        }
        _ => return None,
    };
    Some((base + i64::from(hh * 3600 + mm * 60 + ss) - offset, nanos))
}

/// The calendar date (UTC) of a date or timestamp text.
pub(crate) fn parse_date_of(text: &str) -> Option<Date> {
    let (secs, _) = parse_instant(text)?;
    Date::from_days(secs.div_euclid(86_400))
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms: exact for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("2000-03-01").unwrap().days(), 11_017);
        for days in -800_000..800_000 {
            if let Some(d) = Date::from_days(days) {
                assert_eq!(d.days(), days);
                assert_eq!(Date::parse(&d.to_string()), Some(d));
            }
        }
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
    }

    #[test]
    fn instants_respect_offsets() {
        let a = parse_instant("2023-10-20T00:00:00Z").unwrap();
        let b = parse_instant("2023-10-20T02:00:00+02:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(parse_instant("2023-10-20").unwrap(), a);
        assert!(parse_instant("2023-10-20T25:00:00Z").is_none());
        assert!(parse_instant("Open").is_none());
        assert_eq!(
            parse_date_of("2023-10-19T23:00:00-02:00")
                .unwrap()
                .to_string(),
            "2023-10-20"
        );
    }
}
