//! `hookwright simulate youlend`: YouLend in a box. Builds a realistic, seeded sequence of signed
//! webhooks — LOA10055 settlements split between lenders, an LOA10040 repayment per lender
//! payment, manual payments (empty or unknown CorrelationId), and retries of the same body as
//! YouLend makes them — sends it to a URL, and says what reconciling it must give.

use std::fmt::Write as _;
use std::time::Duration;

use hookwright_core::random::Seeded;
use hookwright_core::signing::{self, KeyReading, Scheme, SignWith};
use hookwright_core::template::uuid_v4;
use serde_json::json;

#[derive(Debug, Clone)]
pub struct Plan {
    pub settlements: usize,
    pub manual: usize,
    /// The chance (0–1) that a delivery is sent again, byte for byte.
    pub retry_rate: f64,
    pub seed: u64,
}

/// One webhook to send: its body exactly, and whether it repeats an earlier one.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub code: &'static str,
    pub body: String,
    pub retry: bool,
    /// For the printout: `loan 5b1f0e2a… total 600.00`.
    pub about: String,
}

/// What reconciling the whole sequence must report (the `summary` of `reconcile --json`).
pub type Expected = hookwright_core::youlend::reconcile::Summary;

/// A random-looking loan or payment id, the same for the same generator state.
fn uuid(rng: &mut Seeded) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
    bytes[8..].copy_from_slice(&rng.next_u64().to_le_bytes());
    uuid_v4(bytes)
}

fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// `2024-03-{day}T{hour}:00:00Z`, one step per event so the ledger has an order.
fn date(step: usize) -> String {
    let day = 1 + step / 24 % 28;
    let hour = step % 24;
    format!("2024-03-{day:02}T{hour:02}:00:00Z")
}

/// The deliveries of `plan`, in sending order, and what reconciling them must report.
pub fn build(plan: &Plan) -> (Vec<Delivery>, Expected) {
    let mut rng = Seeded::new(plan.seed);
    let mut events = Vec::new();
    let mut expected = Expected::default();
    let mut step = 0;
    let mut loans = Vec::new();
    for i in 0..plan.settlements {
        let loan = uuid(&mut rng);
        let lead = uuid(&mut rng);
        let lenders = 2 + rng.below(2) as usize;
        let total = 10_000 + rng.below(490_000);
        // Cut the total at lenders-1 distinct points, so every lender gets at least a cent.
        let mut cuts: Vec<u64> = Vec::new();
        while cuts.len() < lenders - 1 {
            let cut = 1 + rng.below(total - 1);
            if !cuts.contains(&cut) {
                cuts.push(cut);
            }
        }
        cuts.sort_unstable();
        let mut amounts = Vec::new();
        let mut previous = 0;
        for cut in cuts.iter().copied().chain([total]) {
            amounts.push(cut - previous);
            previous = cut;
        }
        let payments: Vec<(String, u64)> =
            amounts.into_iter().map(|a| (uuid(&mut rng), a)).collect();
        let reference = format!("SIM-{}-{:03}", plan.seed, i + 1);
        let body = json!({
            "EventCode": "LOA10055",
            "Message": "A settlement from a partner has been processed - payments towards the loan have been initiated",
            "EventProperties": {
                "LoanId": loan,
                "TotalSettlementAmount": money(total),
                "SettlementReference": reference,
                "PaymentsToLenders": payments.iter().map(|(id, a)| json!({
                    "Amount": money(*a),
                    "PaymentCorrelationId": id,
                })).collect::<Vec<_>>(),
                "LeadId": lead,
            }
        });
        events.push(Delivery {
            code: "LOA10055",
            body: body.to_string(),
            retry: false,
            about: format!(
                "settlement {reference} loan {} total {} to {lenders} lenders",
                short(&loan),
                money(total)
            ),
        });
        expected.settlements += 1;
        let mut principal = 1_000_000 + rng.below(4_000_000);
        for (id, amount) in &payments {
            principal = principal.saturating_sub(*amount);
            step += 1;
            events.push(repayment(
                id,
                &lead,
                &loan,
                *amount,
                &date(step),
                principal,
                format!("repayment {} of {}", short(id), money(*amount)),
            ));
            expected.repayments += 1;
            expected.repaid_payments += 1;
        }
        loans.push((loan, lead, principal));
    }
    for m in 0..plan.manual {
        if loans.is_empty() {
            loans.push((uuid(&mut rng), uuid(&mut rng), 1_000_000));
        }
        let pick = rng.below(loans.len() as u64) as usize;
        let (loan, lead, principal) = &mut loans[pick];
        let amount = 1_000 + rng.below(50_000);
        *principal = principal.saturating_sub(amount);
        // Alternate the two kinds: an empty CorrelationId, and one no settlement knows.
        let correlation = if m % 2 == 0 {
            String::new()
        } else {
            format!("MANUAL-{}-{:03}", plan.seed, m + 1)
        };
        step += 1;
        let about = format!(
            "manual payment of {} to loan {} ({})",
            money(amount),
            short(loan),
            if correlation.is_empty() {
                "empty CorrelationId"
            } else {
                "unknown CorrelationId"
            }
        );
        events.push(repayment(
            &correlation,
            lead,
            loan,
            amount,
            &date(step),
            *principal,
            about,
        ));
        expected.repayments += 1;
        expected.manual_payments += 1;
    }
    expected.events = events.len();

    let mut deliveries = Vec::new();
    for event in events {
        let again = rng.probability(plan.retry_rate);
        deliveries.push(event.clone());
        if again {
            expected.duplicates += 1;
            deliveries.push(Delivery {
                retry: true,
                ..event
            });
        }
    }
    (deliveries, expected)
}

fn short(id: &str) -> String {
    format!("{}…", id.get(..8).unwrap_or(id))
}

fn repayment(
    correlation: &str,
    lead: &str,
    loan: &str,
    cents: u64,
    date: &str,
    principal: u64,
    about: String,
) -> Delivery {
    let body = json!({
        "EventCode": "LOA10040",
        "EventProperties": {
            "CorrelationId": correlation,
            "LeadId": lead,
            "LoanId": loan,
            "PaymentAmount": money(cents),
            "PaymentDate": date,
            "PrincipalRemaining": money(principal),
        },
        "Message": "A repayment was made towards the loan",
    });
    Delivery {
        code: "LOA10040",
        body: body.to_string(),
        retry: false,
        about,
    }
}

/// `events=12 settlements=3 …`: one line a script can read.
pub fn expected_line(e: &Expected) -> String {
    let mut out = String::from("expected:");
    let value = serde_json::to_value(e).expect("plain numbers");
    for (k, v) in value.as_object().expect("a struct is an object") {
        let _ = write!(out, " {k}={v}");
    }
    out
}

/// Where to send: an absolute http(s) URL. One written without its scheme
/// (`localhost:7421/webhooks`, which parses as the scheme `localhost:`) is told the one it lacks.
pub fn target(to: &str) -> Result<reqwest::Url, String> {
    let hint = if to.contains("://") {
        String::new()
    } else {
        format!("; did you mean http://{to} ?")
    };
    match reqwest::Url::parse(to) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
        Ok(_) => Err(format!("--to must be an http(s) URL, not `{to}`{hint}")),
        Err(e) => Err(format!("--to `{to}` is not a URL: {e}{hint}")),
    }
}

/// How a delivery went.
pub struct Sent {
    pub status: Result<u16, String>,
}

/// Sends `deliveries` in order to `to`, each signed with `secret` (YouLend's scheme, the key
/// read as `reading`), calling `report` after each. Stops at nothing: every delivery is tried.
pub async fn send_all(
    to: &str,
    secret: &str,
    reading: KeyReading,
    deliveries: &[Delivery],
    mut report: impl FnMut(&Delivery, &Sent),
) -> Result<usize, String> {
    let url = target(to)?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let mut failed = 0;
    for d in deliveries {
        let headers = signing::sign(
            &SignWith {
                scheme: Scheme::Youlend,
                secret,
                id: "",
                timestamp: 0,
                key_reading: reading,
            },
            d.body.as_bytes(),
        )?;
        let mut request = client
            .post(url.clone())
            .header("Content-Type", "application/json")
            .header("User-Agent", "hookwright-simulate (YouLend)")
            .body(d.body.clone());
        for h in headers {
            request = request.header(h.name, h.value);
        }
        let status = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                // Drain, so the connection is reused.
                let _ = response.bytes().await;
                Ok(status)
            }
            Err(e) => Err(crate::describe(&e)),
        };
        if !matches!(status, Ok(200..=299)) {
            failed += 1;
        }
        report(d, &Sent { status });
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookwright_core::youlend::reconcile;

    #[test]
    fn a_sequence_reconciles_to_what_it_expects() {
        for seed in [1, 7, 42] {
            let plan = Plan {
                settlements: 4,
                manual: 3,
                retry_rate: 0.3,
                seed,
            };
            let (deliveries, expected) = build(&plan);
            let batch: String = deliveries.iter().map(|d| format!("{}\n", d.body)).collect();
            let report = reconcile(batch.as_bytes());
            let summary = serde_json::to_value(&report.summary).unwrap();
            assert_eq!(
                summary,
                serde_json::to_value(&expected).unwrap(),
                "seed {seed}"
            );
            assert_eq!(
                build(&plan).0.len(),
                deliveries.len(),
                "seeded: the same again"
            );
        }
    }
}
