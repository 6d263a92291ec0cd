//! A realistic sample portfolio from the LoanPro catalog, for newcomers and
//! benchmarks: loans of every status, mostly current, some past due (5 days
//! among them, for the seed rule), amounts and dates that agree with each other.

use crate::catalog;
use crate::random::Seeded;
use crate::rule::Date;
use crate::value::write_json_string;

/// `count` loans as NDJSON (about 270 bytes each), the same for the same `seed`.
pub fn portfolio(count: usize, seed: u64) -> String {
    let statuses = catalog::loanpro()
        .variable("loan-status")
        .map(|v| v.values.clone())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| vec!["Open".into(), "Collections".into(), "Closed".into()]);
    let first = [
        "Douglas", "Moira", "Ana", "Kofi", "Mei", "Luis", "Priya", "Sam", "Olga", "Tariq",
    ];
    let last = [
        "McCallagher",
        "Okafor",
        "Silva",
        "Chen",
        "Novak",
        "Haddad",
        "Park",
        "Reyes",
    ];
    let today = Date::new(2022, 9, 26).expect("a valid date");
    let mut rng = Seeded::new(seed);
    let mut next = move |n: u64| rng.below(n);
    let mut out = String::with_capacity(count * 280);
    for i in 0..count {
        let id = 100_000 + i as u64;
        // Weighted statuses: mostly open loans.
        let status = match next(100) {
            0..=59 => "Open",
            60..=74 => statuses.get(1).map_or("Open - Repaying", String::as_str),
            75..=84 => "Collections",
            _ => statuses[next(statuses.len() as u64) as usize].as_str(),
        };
        let dpd = match next(10) {
            0..=5 => 0,
            6 => 5,
            7 => 1 + next(10),
            _ => 1 + next(120),
        };
        let principal = 500 + next(24_500);
        let cents = next(100);
        let payment = principal / 30 + next(50);
        let due = if dpd == 0 { 0 } else { payment + next(40) };
        let next_date = today
            .days()
            .checked_add(1 + next(30) as i64)
            .and_then(Date::from_days)
            .unwrap_or(today);
        let name = format!(
            "{} {}",
            first[next(first.len() as u64) as usize],
            last[next(last.len() as u64) as usize]
        );
        out.push_str(&format!(
            "{{\"loan-id\":{id},\"loan-status\":\"{status}\",\"current-date\":\"{today}\",\"status-days-past-due\":{dpd},\"status-amount-due\":{due}.{cents:02},\"status-principal-balance\":{principal}.{:02},\"next-scheduled-payment-date\":\"{next_date}\",\"next-scheduled-payment-amount\":{payment}.{:02},\"customer\":{{\"primary\":{{\"full-name\":",
            next(100),
            next(100),
        ));
        write_json_string(&name, &mut out);
        out.push_str("}}}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loans_parse_and_use_catalog_names() {
        let text = portfolio(200, 7);
        assert_eq!(text, portfolio(200, 7));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 200);
        let avg = text.len() / 200;
        assert!((230..320).contains(&avg), "{avg} bytes a loan");
        for line in lines {
            let ctx = crate::Context::from_json(line).unwrap();
            for name in [
                "loan-id",
                "loan-status",
                "status-days-past-due",
                "customer.primary.full-name",
            ] {
                assert!(catalog::loanpro().variable(name).is_some());
                assert!(ctx.lookup(name).is_ok(), "{name} in {line}");
            }
        }
    }
}
