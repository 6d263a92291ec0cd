//! Times `youlend::reconcile` on a realistic 100,000-event batch built in memory: settlements split
//! between lenders, their repayments, manual payments, YouLend's retried deliveries and other codes,
//! shuffled. Run with `cargo bench -p hookwright-core --bench reconcile`.

use std::time::{Duration, Instant};

use hookwright_core::random::Seeded;
use hookwright_core::youlend::{reconcile, Reconciler};

const EVENTS: usize = 100_000;
const RUNS: usize = 7;

fn uuid(rng: &mut Seeded) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a & 0xffff_ffff,
        (a >> 32) & 0xffff,
        b & 0xfff,
        (b >> 12) & 0xffff,
        (a ^ b.rotate_left(17)) & 0xffff_ffff_ffff
    )
}

fn amount(rng: &mut Seeded) -> String {
    format!("{}.{:02}", 10 + rng.below(5000), rng.below(100))
}

fn date(rng: &mut Seeded) -> String {
    format!(
        "2024-{:02}-{:02}T{:02}:{:02}:00Z",
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60)
    )
}

fn repayment(rng: &mut Seeded, correlation: &str, loan: &str, lead: &str, amount: &str) -> String {
    format!(
        r#"{{"EventCode":"LOA10040","EventProperties":{{"CorrelationId":"{correlation}","LeadId":"{lead}","LoanId":"{loan}","PaymentAmount":"{amount}","PaymentDate":"{}","PrincipalRemaining":"{}.{:02}"}},"Message":"A repayment was made towards the loan"}}"#,
        date(rng),
        rng.below(20_000),
        rng.below(100)
    )
}

/// Settlements with two or three lenders, 80% of whose payments are already repaid; manual
/// repayments (a third with an empty CorrelationId); other codes; 3% retried deliveries; shuffled.
fn batch() -> Vec<String> {
    let mut rng = Seeded::new(0x5eed_0003);
    let loans: Vec<(String, String)> = (0..5_000)
        .map(|_| (uuid(&mut rng), uuid(&mut rng)))
        .collect();
    let mut lines = Vec::with_capacity(EVENTS);
    while lines.len() < EVENTS * 97 / 100 {
        let (loan, lead) = loans[rng.below(loans.len() as u64) as usize].clone();
        match rng.below(20) {
            0..=13 => {
                let lenders = 2 + rng.below(2);
                let parts: Vec<(String, String)> =
                    (0..lenders).map(|_| (amount(&mut rng), uuid(&mut rng))).collect();
                let total: rust_decimal::Decimal = parts.iter().map(|(a, _)| a.parse::<rust_decimal::Decimal>().unwrap()).sum();
                let payments: Vec<String> = parts
                    .iter()
                    .map(|(a, id)| format!(r#"{{"Amount":"{a}","PaymentCorrelationId":"{id}"}}"#))
                    .collect();
                lines.push(format!(
                    r#"{{"EventCode":"LOA10055","Message":"A settlement from a partner has been processed - payments towards the loan have been initiated","EventProperties":{{"LoanId":"{loan}","TotalSettlementAmount":"{total}","SettlementReference":"settlement {}","PaymentsToLenders":[{}],"LeadId":"{lead}"}}}}"#,
                    rng.below(1_000_000),
                    payments.join(",")
                ));
                for (a, id) in &parts {
                    if rng.below(10) < 8 {
                        lines.push(repayment(&mut rng, id, &loan, &lead, a));
                    }
                }
            }
            14..=17 => {
                let id = if rng.below(3) == 0 { String::new() } else { uuid(&mut rng) };
                let a = amount(&mut rng);
                lines.push(repayment(&mut rng, &id, &loan, &lead, &a));
            }
            _ => lines.push(format!(
                r#"{{"EventCode":"ONB10009","Message":"Stage 1 submitted","EventProperties":{{"LeadId":"{lead}"}}}}"#
            )),
        }
    }
    while lines.len() < EVENTS {
        let retried = lines[rng.below(lines.len() as u64) as usize].clone();
        lines.push(retried);
    }
    lines.truncate(EVENTS);
    for i in (1..lines.len()).rev() {
        lines.swap(i, rng.below(i as u64 + 1) as usize);
    }
    lines
}

/// Where the time goes: reading (parsing each line) and each step of `finish`, as a page runs
/// them between yields to the browser (the best of several runs, step by step).
fn phases(lines: &[String]) {
    let mut best: Vec<Duration> = Vec::new();
    for _ in 0..RUNS {
        let mut laps = Vec::new();
        let mut start = Instant::now();
        let mut lap = |laps: &mut Vec<Duration>| {
            laps.push(start.elapsed());
            start = Instant::now();
        };
        let mut reconciler = Reconciler::new();
        for line in lines {
            reconciler.push_line(line.as_bytes());
        }
        lap(&mut laps);
        while reconciler.finish_step() {
            lap(&mut laps);
        }
        let report = reconciler.finish();
        lap(&mut laps);
        drop(report);
        best.resize(laps.len(), Duration::MAX);
        for (best, lap) in best.iter_mut().zip(laps) {
            *best = (*best).min(lap);
        }
    }
    let ms = |d: &Duration| format!("{:.1}", d.as_secs_f64() * 1e3);
    let steps: Vec<String> = best[1..].iter().map(ms).collect();
    println!(
        "phases (NDJSON, best of {RUNS}): read {} ms; finish steps {} ms (longest {} ms)",
        ms(&best[0]),
        steps.join(" + "),
        ms(best[1..].iter().max().unwrap())
    );
}

fn time(label: &str, input: &[u8]) {
    let mut runs: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut report = None;
    for _ in 0..RUNS {
        drop(report.take()); // the previous run's report is freed outside the timing
        let start = Instant::now();
        let fresh = reconcile(input);
        runs.push(start.elapsed());
        report = Some(fresh);
    }
    runs.sort();
    let s = report.expect("at least one run").summary;
    println!(
        "{label}: {EVENTS} events, {:.1} MB: median {:.1} ms, best {:.1} ms, worst {:.1} ms ({} runs) \
         [{} settlements, {} repayments, {} manual, {} duplicates, {} errors]",
        input.len() as f64 / 1e6,
        runs[RUNS / 2].as_secs_f64() * 1e3,
        runs[0].as_secs_f64() * 1e3,
        runs[RUNS - 1].as_secs_f64() * 1e3,
        RUNS,
        s.settlements,
        s.repayments,
        s.manual_payments,
        s.duplicates,
        s.errors,
    );
}

fn main() {
    let lines = batch();
    let ndjson = lines.join("\n");
    let array = format!("[\n{}\n]", lines.join(",\n"));
    time("reconcile NDJSON    ", ndjson.as_bytes());
    time("reconcile JSON array", array.as_bytes());
    phases(&lines);
}
