//! `hookwright sign`, `verify --scheme standard`, secrets from a file or the environment, and the
//! servers as a user runs them: `listen` refusing an unwritable --out, `relay` printing its URL
//! and token, and simulate → listen → reconcile end to end.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Stdio};

mod common;
use common::*;

/// A fresh directory per test: tests run in parallel.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("hookwright-net-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Stops a server started for a test, whatever happens in it.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `hookwright ARGS` and reads its first lines until one holds `http://127.0.0.1:PORT`.
fn start(args: &[&str], envs: &[(&str, &str)]) -> (Server, String, Vec<String>) {
    let mut command = command();
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    let mut url = None;
    while lines.len() < 4 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if url.is_none() {
            if let Some(at) = line.find("http://127.0.0.1:") {
                let rest = &line[at..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || ":/.".contains(c)))
                    .unwrap_or(rest.len());
                url = Some(rest[..end].trim_end_matches(['.', ':']).to_string());
            }
        }
        lines.push(line);
    }
    // Keep draining, so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in reader.lines() {});
    (
        Server(child),
        url.expect("the server prints its URL"),
        lines,
    )
}

/// `127.0.0.1:PORT` from a server's banner line (`… http://127.0.0.1:PORT …`).
fn loopback_address(banner: &str) -> String {
    banner
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split(':').nth(1))
        .map(|p| {
            format!(
                "127.0.0.1:{}",
                p.trim_end_matches(|c: char| !c.is_ascii_digit())
            )
        })
        .expect("the banner names the URL")
}

/// POSTs `body` to `/hook` over a plain TCP connection (no client's own handling in the way) and
/// returns the whole answer as text.
fn post_raw(address: &str, body: &str) -> String {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /hook HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

const VECTOR_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const VECTOR_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const VECTOR_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

/// `sign` with the Standard Webhooks vector's secret, id and timestamp, over `body`.
fn vector_sign(body: &str) -> [&str; 11] {
    [
        "sign",
        "--scheme",
        "standard",
        "--secret",
        VECTOR_SECRET,
        "--body",
        body,
        "--id",
        VECTOR_ID,
        "--timestamp",
        "1614265330",
    ]
}

#[test]
fn sign_prints_the_standard_webhooks_vector_and_youlend_headers() {
    let dir = Dir::new("sign");
    let body = dir.file("body.json", br#"{"test": 2432232314}"#);
    let signed = run(&vector_sign(&body)).exits(0);
    assert_eq!(
        signed.stdout,
        format!("webhook-id: {VECTOR_ID}\nwebhook-timestamp: 1614265330\nwebhook-signature: {VECTOR_SIGNATURE}\n")
    );
    let secret = "c2VjcmV0LWtleS1ieXRlcw==";
    let line = run(&[
        "sign", "--scheme", "youlend", "--secret", secret, "--body", &body,
    ])
    .exits(0)
    .stdout;
    assert!(
        line.starts_with("X-YL-Webhook-Signature: sha256="),
        "{line}"
    );
    // What sign prints, verify accepts.
    let value = line.trim().split_once(": ").unwrap().1;
    run(&[
        "verify",
        "--secret",
        secret,
        "--signature",
        value,
        "--body",
        &body,
    ])
    .exits(0)
    .out_has("base64-decoded");
}

#[test]
fn verify_standard_checks_signature_and_timestamp() {
    let dir = Dir::new("verify-standard");
    let body = dir.file("body.json", br#"{"test": 2432232314}"#);
    let verify = |signature: &str, extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--scheme",
            "standard",
            "--secret",
            VECTOR_SECRET,
            "--signature",
            signature,
            "--body",
            &body,
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let at = ["--id", VECTOR_ID, "--timestamp", "1614265330"];
    // Signed in 2021: the signature matches, the timestamp is far outside 5 minutes.
    verify(VECTOR_SIGNATURE, &at)
        .exits(1)
        .out_has("the signature matches, but the timestamp is")
        .out_has("--ignore-timestamp");
    let valid = verify(
        VECTOR_SIGNATURE,
        &[&at[..], &["--ignore-timestamp"]].concat(),
    )
    .exits(0);
    assert!(valid.stdout.starts_with("valid:"), "{}", valid.stdout);
    // A malformed signature says why.
    verify("v1,***", &at)
        .exits(1)
        .out_has("not 32 bytes of base64");
    // --id and --timestamp are required for the standard scheme.
    verify(VECTOR_SIGNATURE, &[]).exits(2).err_has("--id");
}

#[test]
fn secrets_come_from_a_file_or_the_environment() {
    let dir = Dir::new("secrets");
    let body = dir.file("body.json", br#"{"test": 2432232314}"#);
    let secret_file = dir.file("secret.txt", format!("{VECTOR_SECRET}\n").as_bytes());
    let verify = |secret: &[&str], env: Option<&str>| {
        let mut verify = command();
        verify.args([
            "verify",
            "--scheme",
            "standard",
            "--signature",
            VECTOR_SIGNATURE,
            "--id",
            VECTOR_ID,
            "--timestamp",
            "1614265330",
            "--ignore-timestamp",
            "--body",
            &body,
        ]);
        verify.args(secret);
        if let Some(env) = env {
            verify.env("HOOKWRIGHT_SECRET", env);
        }
        run_command(&mut verify)
    };
    verify(&["--secret-file", &secret_file], None).exits(0);
    // A key wrapped over lines, as `base64` and `openssl rand -base64` write longer ones: the
    // line breaks are no part of it (it was "not base64", exit 2).
    let (head, tail) = VECTOR_SECRET.split_at(20);
    let wrapped = dir.file("wrapped.txt", format!("{head}\r\n{tail}\n").as_bytes());
    verify(&["--secret-file", &wrapped], None).exits(0);
    verify(&[], Some(VECTOR_SECRET)).exits(0);
    // The flag wins over the environment; a wrong one fails.
    verify(&["--secret", "whsec_d3Jvbmc="], Some(VECTOR_SECRET)).exits(1);
    // sign reads them too.
    run_command(
        command()
            .args(["sign", "--scheme", "standard", "--body", &body])
            .args(["--id", VECTOR_ID, "--timestamp", "1614265330"])
            .env("HOOKWRIGHT_SECRET", VECTOR_SECRET),
    )
    .out_has(VECTOR_SIGNATURE);
    // None given, an empty or missing file: exit 2 saying how to give one.
    verify(&[], None)
        .exits(2)
        .err_has("--secret-file FILE, the HOOKWRIGHT_SECRET environment variable");
    let empty = dir.file("empty.txt", b"\n");
    verify(&["--secret-file", &empty], None)
        .exits(2)
        .err_has("is empty");
    verify(&["--secret-file", &dir.path("missing.txt")], None)
        .exits(2)
        .err_has("cannot read the secret file");
    // Both flags at once is a usage error.
    verify(&["--secret", "x", "--secret-file", &secret_file], None).exits(2);
}

#[test]
fn listen_refuses_an_output_file_it_cannot_write() {
    let dir = Dir::new("listen-out");
    // A directory is not a file one can append to; neither is a path under a missing folder.
    for out in [dir.path(""), dir.path("missing/deliveries.ndjson")] {
        let message = run(&["listen", "--port", "0", "--out", &out])
            .exits(2)
            .stderr;
        assert!(
            message.contains("cannot write deliveries to")
                && message.contains("nothing was started"),
            "{message}"
        );
    }
}

#[test]
fn relay_prints_its_url_and_a_token() {
    let (_relay, url, lines) = start(&["relay", "--port", "0"], &[]);
    assert!(url.starts_with("http://127.0.0.1:"));
    let token = lines
        .iter()
        .find_map(|l| l.strip_prefix("Pairing token: "))
        .expect("a token line");
    assert!(token.trim().len() >= 32, "{token}");
}

#[test]
fn simulate_listen_reconcile_end_to_end() {
    let dir = Dir::new("e2e");
    let secret = "c2VjcmV0LWtleS1ieXRlcw==";
    let secret_file = dir.file("secret", secret.as_bytes());
    let out = dir.path("deliveries.ndjson");
    let (_listener, url, lines) = start(
        &[
            "listen",
            "--port",
            "0",
            "--secret-file",
            &secret_file,
            "--scheme",
            "youlend",
            "--out",
            &out,
        ],
        &[],
    );
    assert!(
        lines.iter().any(|l| l.contains("Recording to")),
        "{lines:?}"
    );
    let printed = run_command(
        command()
            .args([
                "simulate",
                "youlend",
                "--to",
                &format!("{url}/webhooks/youlend"),
                "--settlements",
                "4",
                "--manual",
                "3",
                "--retry-rate",
                "0.4",
                "--seed",
                "11",
            ])
            .env("HOOKWRIGHT_SECRET", secret),
    )
    .exits(0)
    .stdout;
    assert!(
        printed.contains("LOA10055") && printed.contains("(retry, same body)"),
        "{printed}"
    );
    let expected: serde_json::Map<String, serde_json::Value> = printed
        .lines()
        .find_map(|l| l.strip_prefix("expected: "))
        .expect("an expected line")
        .split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (
                k.to_string(),
                serde_json::Value::from(v.parse::<u64>().unwrap()),
            )
        })
        .collect();
    let deliveries = printed.lines().filter(|l| l.starts_with("200 ")).count();

    // Every delivery is one line, recorded before it was answered, and verified.
    let recorded = std::fs::read_to_string(&out).unwrap();
    assert_eq!(recorded.lines().count(), deliveries);
    for line in recorded.lines() {
        let d: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(d["verified"], true, "{line}");
        assert_eq!(d["scheme"], "youlend");
    }
    // The file as it is reconciles to what the simulator expected: retries dropped, nothing lost.
    let report = run(&["reconcile", "--json", &out]).exits(0).stdout;
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        report["summary"],
        serde_json::Value::Object(expected),
        "{}",
        report["summary"]
    );
    assert!(report["summary"]["duplicates"].as_u64().unwrap() > 0);
    assert_eq!(report["summary"]["errors"], 0);
}

#[test]
fn simulate_refuses_counts_that_would_fill_memory() {
    // The sequence is built before anything is sent: a billion settlements once ran until
    // memory ran out, printing nothing. Now clap refuses it at once (a usage error, exit 2).
    for flag in ["--settlements", "--manual"] {
        let mut child = command()
            .args(["simulate", "youlend", "--to", "http://127.0.0.1:9/x"])
            .args(["--secret", "c2VjcmV0", flag, "1000000000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hookwright starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("simulate {flag} 1000000000 was still running after 20 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let args = ["--to", "http://127.0.0.1:9/x", "--secret", "c2VjcmV0"];
        run(&[&["simulate", "youlend"][..], &args, &[flag, "1000000000"]].concat())
            .exits(2)
            .err_has("from 0 to 100000");
    }
}

#[test]
fn simulate_says_why_a_delivery_failed() {
    // A port nothing listens on: each line names the cause, not only reqwest's "error sending
    // request", and the run exits 2, README's "nothing could be sent" (it was 1, "some did
    // not get a 2xx", the same as a receiver that answered 500: a script could not tell a
    // listener that is not running from one that refuses deliveries).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let to = format!("http://127.0.0.1:{port}/webhooks");
    let args = [
        "--secret",
        "c2VjcmV0",
        "--settlements",
        "1",
        "--manual",
        "0",
    ];
    let printed = run(&[&["simulate", "youlend", "--to", &to][..], &args].concat())
        .exits(2)
        .err_has("error: nothing could be sent: no delivery got an answer from http://127.0.0.1:")
        .stdout;
    let failed: Vec<&str> = printed
        .lines()
        .filter(|l| l.starts_with("FAILED"))
        .collect();
    assert!(!failed.is_empty(), "{printed}");
    assert!(
        failed.iter().all(|l| l.contains("Connection refused")),
        "{printed}"
    );
}

#[test]
fn sign_and_verify_read_the_body_from_standard_input() {
    // `--body -` (documented in both helps): the piped bytes exactly, signed and checked.
    let dir = Dir::new("stdin");
    let body = dir.file("body.json", br#"{"test": 2432232314}"#);
    let piped = |args: &[&str]| {
        run_command(
            command()
                .args(args)
                .stdin(std::fs::File::open(&body).unwrap()),
        )
    };
    let from_file = run(&vector_sign(&body)).exits(0).stdout;
    let from_stdin = piped(&vector_sign("-")).exits(0).stdout;
    assert_eq!(from_stdin, from_file);
    assert!(from_stdin.contains(VECTOR_SIGNATURE), "{from_stdin}");
    piped(&[
        "verify",
        "--scheme",
        "standard",
        "--secret",
        VECTOR_SECRET,
        "--body",
        "-",
        "--id",
        VECTOR_ID,
        "--timestamp",
        "1614265330",
        "--ignore-timestamp",
        "--signature",
        VECTOR_SIGNATURE,
    ])
    .exits(0)
    .out_has("valid: the signature matches");
}

#[test]
fn a_taken_port_is_exit_2_naming_it() {
    // The port held by this test: relay and listen both refuse to start, and say which port.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for server in ["relay", "listen"] {
        run(&[server, "--port", &port])
            .exits(2)
            .err_has(&format!("port {port} on 127.0.0.1 is already in use"));
    }
}

#[test]
fn an_unusable_standard_secret_is_exit_2_not_a_bad_signature() {
    // Exit 1 means "this delivery's signature does not hold"; a secret that is not base64 is the
    // caller's mistake, exit 2 as `sign` gives for it.
    let dir = Dir::new("badsecret");
    let body = dir.file("body.json", br#"{"test": 2432232314}"#);
    for secret in ["not base64!!", "whsec_"] {
        let args = ["--scheme", "standard", "--secret", secret, "--body", &body];
        let mut verify = vec!["verify", "--id", VECTOR_ID, "--timestamp", "1614265330"];
        verify.extend(["--ignore-timestamp", "--signature", VECTOR_SIGNATURE]);
        verify.extend(args);
        run(&verify).exits(2).err_has("error: the secret is");
        run(&[&["sign"][..], &args].concat())
            .exits(2)
            .err_has("error: the secret is");
    }
    // The listener checking Standard Webhooks with such a secret does not start.
    run(&[
        "listen",
        "--port",
        "0",
        "--scheme",
        "standard",
        "--secret",
        "not base64!!",
    ])
    .exits(2)
    .err_has("the secret is not base64");
}

#[test]
fn sign_refuses_a_timestamp_before_1970() {
    // It was "unexpected argument '-5'"; a negative timestamp is one verify would refuse.
    let dir = Dir::new("negative");
    let body = dir.file("body.json", b"{}");
    let args = [
        "sign",
        "--scheme",
        "standard",
        "--secret",
        VECTOR_SECRET,
        "--body",
        &body,
    ];
    run(&[&args[..], &["--timestamp", "-5"]].concat())
        .exits(2)
        .err_has("-5 is not in 0..");
}

#[test]
fn ctrl_c_stops_relay_and_listen_with_exit_0() {
    // README's table: relay and listen exit 0 when stopped with Ctrl-C. They died of the signal
    // instead (a shell's 130, no status at all here), and a script could not tell a stop from
    // a crash. The listener also has an Inbox stream open, which never ends by itself.
    use std::io::{Read as _, Write as _};
    for args in [
        &["relay", "--port", "0"][..],
        &["listen", "--port", "0"][..],
    ] {
        let (mut server, url, _) = start(args, &[]);
        let address = url.trim_start_matches("http://");
        let mut inbox = std::net::TcpStream::connect(address).unwrap();
        write!(
            inbox,
            "GET /_hookwright/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
        )
        .unwrap();
        let mut first = [0u8; 12];
        inbox.read_exact(&mut first).unwrap();
        let pid = server.0.id().to_string();
        let signalled = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        assert!(signalled.success());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let status = loop {
            if let Some(status) = server.0.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{} still running 10 s after Ctrl-C",
                args[0]
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "{}: {status:?}", args[0]);
        let mut stderr = String::new();
        server
            .0
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(stderr.contains("Stopped."), "{stderr}");
    }
}

#[test]
fn sign_refuses_a_message_id_that_cannot_be_a_header() {
    // `--id $'msg\nX-Injected: 1'` printed a webhook-id "header" cut in two, the second half
    // looking like a header of its own, and exit 0.
    let dir = Dir::new("id-break");
    let body = dir.file("body.json", b"{}");
    for id in ["msg_1\nX-Injected: 1", "msg_1\r", "msg\t1"] {
        let signed = run(&[
            "sign",
            "--scheme",
            "standard",
            "--secret",
            VECTOR_SECRET,
            "--body",
            &body,
            "--id",
            id,
        ])
        .exits(2)
        .err_has("the message id cannot be the webhook-id header");
        assert!(signed.stdout.is_empty(), "{}", signed.stdout);
    }
}

#[test]
fn listen_answers_deliveries_after_its_output_pipe_closes() {
    // `hookwright listen --out FILE | head -4`: once head had gone, each delivery was recorded
    // and then the listener panicked printing its line, dropping the connection unanswered (so
    // a sender retries a delivery already recorded). Now it answers 200 as before.
    let dir = Dir::new("closed-stdout");
    let out = dir.path("deliveries.ndjson");
    let mut child = command()
        .args(["listen", "--port", "0", "--out", &out])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    for _ in 0..3 {
        reader.read_line(&mut String::new()).unwrap();
    }
    let server = Server(child);
    let address = loopback_address(&first);
    drop(reader);
    for n in 1..=2 {
        let answer = post_raw(&address, "{}");
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "delivery {n}: {answer:?}"
        );
    }
    let recorded = std::fs::read_to_string(&out).unwrap();
    assert_eq!(recorded.lines().count(), 2, "{recorded}");
    drop(server);
}

#[test]
fn servers_keep_running_when_their_output_is_closed_at_once() {
    // Standard output closed before the banner was printed: the banner's println! panicked and
    // the relay or listener ended (exit 101) before serving anything.
    for server in ["relay", "listen"] {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
            .to_string();
        let mut child = command()
            .args([server, "--port", &port])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut child = Server(child);
        std::thread::sleep(std::time::Duration::from_millis(700));
        assert_eq!(child.0.try_wait().unwrap(), None, "{server} ended");
    }
}

#[test]
fn simulate_checks_its_url_before_announcing_deliveries_to_it() {
    // `--to localhost:7421/webhooks` printed "Simulating YouLend …: 15 deliveries to
    // localhost:7421/webhooks" and only then refused the URL. Now it is refused first (a usage
    // error, exit 2), with the scheme it lacks.
    let refused = run(&[
        "simulate",
        "youlend",
        "--to",
        "localhost:7421/webhooks",
        "--secret",
        "c2VjcmV0",
    ])
    .exits(2)
    .err_has("did you mean http://localhost:7421/webhooks ?");
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    run(&[
        "simulate", "youlend", "--to", "nope", "--secret", "c2VjcmV0",
    ])
    .exits(2)
    .err_has("is not a URL");
}

#[test]
fn a_delivery_that_does_not_fit_on_disk_leaves_no_part_line() {
    // The disk filled up in the middle of a delivery's line: the listener answered 500 (so the
    // sender retries) but kept the part written, and the next line was appended to it, both
    // then one broken line to reconcile (the retried delivery lost). A file size limit stands in
    // for the full disk; its signal ignored, writes past it fail (EFBIG) after a part is written.
    let dir = Dir::new("disk-full");
    let out = dir.path("deliveries.ndjson");
    let binary = env!("CARGO_BIN_EXE_hookwright");
    let mut child = std::process::Command::new("sh")
        .args([
            "-c",
            r#"ulimit -f 2 && trap "" XFSZ && exec "$0" listen --port 0 --out "$1""#,
            binary,
            &out,
        ])
        .env_remove("HOOKWRIGHT_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    std::thread::spawn(move || for _ in reader.lines() {});
    let server = Server(child);
    let address = loopback_address(&first);
    let deliver = |body: &str| post_raw(&address, body);
    assert!(deliver(r#"{"n":1}"#).starts_with("HTTP/1.1 200"));
    let big = format!(r#"{{"n":2,"pad":"{}"}}"#, "x".repeat(900));
    assert!(deliver(&big).starts_with("HTTP/1.1 500"));
    assert!(deliver(r#"{"n":3}"#).starts_with("HTTP/1.1 200"));
    drop(server);
    let recorded = std::fs::read_to_string(&out).unwrap();
    let bodies: Vec<String> = recorded
        .lines()
        .map(|line| {
            let delivery: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("a whole line ({e}): {line}"));
            delivery["body"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(bodies, [r#"{"n":1}"#, r#"{"n":3}"#], "{recorded}");
}
