//! `hookwright simulate youlend`: sends a realistic, signed, seeded sequence of YouLend webhooks
//! to a URL and prints what it sent and what reconciling it must report.

use std::process::ExitCode;

use hookwright_core::signing::KeyReading;
use hookwright_net::simulate::{self, Plan};

use super::secret::SecretArgs;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    platform: Platform,
}

#[derive(clap::Subcommand)]
enum Platform {
    /// LOA10055 settlements split between lenders, an LOA10040 per lender payment, manual
    /// payments and YouLend-style retries, each signed with X-YL-Webhook-Signature.
    Youlend(YoulendArgs),
}

#[derive(clap::Args)]
struct YoulendArgs {
    /// Where to send them (a `hookwright listen` URL, or your own receiver).
    #[arg(long, value_name = "URL", value_parser = target)]
    to: String,
    #[command(flatten)]
    secret: SecretArgs,
    /// How many settlements (LOA10055), each followed by a repayment per lender payment
    /// (at most 100,000).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = count)]
    settlements: usize,
    /// How many manual payments (LOA10040 with an empty or unknown CorrelationId; at most 100,000).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = count)]
    manual: usize,
    /// The chance (0 to 1) that a delivery is sent again with the same body, as YouLend retries.
    #[arg(long, value_name = "R", default_value_t = 0.2, value_parser = parse_rate)]
    retry_rate: f64,
    /// The same seed sends the same sequence (default: a new one, printed).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Sign with the secret's base64-decoded bytes (`decoded`) or its text (`text`).
    #[arg(long, value_name = "READING", default_value = "decoded", value_parser = super::parse_key_reading)]
    key_reading: KeyReading,
}

/// The whole sequence is built before the first send, so a count past this (a typo for a
/// billion) would fill memory instead of sending anything.
const MOST: usize = 100_000;

fn count(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n <= MOST => Ok(n),
        _ => Err(format!("a count is a whole number from 0 to {MOST}")),
    }
}

/// `--to`, checked before the banner says where deliveries go.
fn target(text: &str) -> Result<String, String> {
    simulate::target(text).map(|_| text.to_string())
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err("a retry rate is a number from 0 to 1".to_string()),
    }
}

/// Exit 0 when every delivery got a 2xx, 1 when some did not, 2 when nothing could be sent
/// (a bad URL, or no delivery answered at all: nothing listens there).
pub fn run(args: Args) -> ExitCode {
    let Platform::Youlend(args) = args.platform;
    let secret = match args.secret.require() {
        Ok(secret) => secret,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let seed = args.seed.unwrap_or_else(|| {
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        u64::from_le_bytes(bytes) % 1_000_000
    });
    let plan = Plan {
        settlements: args.settlements,
        manual: args.manual,
        retry_rate: args.retry_rate,
        seed,
    };
    let (deliveries, expected) = simulate::build(&plan);
    outln!(
        "Simulating YouLend (seed {seed}): {} deliveries to {}",
        deliveries.len(),
        args.to
    );
    let runtime = match hookwright_net::runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut answered = 0;
    let result = runtime.block_on(simulate::send_all(
        &args.to,
        &secret,
        args.key_reading,
        &deliveries,
        |d, sent| {
            let status = match &sent.status {
                Ok(status) => {
                    answered += 1;
                    status.to_string()
                }
                Err(e) => format!("FAILED ({e})"),
            };
            let retry = if d.retry { " (retry, same body)" } else { "" };
            outln!("{status} {}{retry} {}", d.code, d.about);
        },
    ));
    match result {
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Ok(failed) => {
            let retries = deliveries.iter().filter(|d| d.retry).count();
            outln!(
                "Sent {} deliveries ({} events, {retries} retries); {failed} not answered 2xx.",
                deliveries.len(),
                deliveries.len() - retries
            );
            outln!("{}", simulate::expected_line(&expected));
            if answered == 0 && !deliveries.is_empty() {
                eprintln!(
                    "error: nothing could be sent: no delivery got an answer from {}",
                    args.to
                );
                ExitCode::from(2)
            } else if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}
