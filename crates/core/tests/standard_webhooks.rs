//! Standard Webhooks signing against the vectors the reference libraries' own tests use
//! (standard-webhooks/standard-webhooks, libraries/*/tests: Python, Go, JavaScript, PHP, Ruby,
//! C#, Java share the first; the Rust library's test has the second), plus their verification
//! cases: prefix and padding, missing headers, partial and multiple signatures, tolerance.

use hookwright_core::connection::Header;
use hookwright_core::signing::{self, KeyReading, Scheme, SignWith};
use hookwright_core::standard_webhooks::{self as sw, StandardError, TOLERANCE_SECONDS};

const SECRET: &str = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const PAYLOAD: &[u8] = br#"{"test": 2432232314}"#;

#[test]
fn the_libraries_published_signatures() {
    // Python, Go, JavaScript, PHP, Ruby, C#, Java: `test_sign_function` and its ports.
    assert_eq!(
        sw::sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            MSG_ID,
            1614265330,
            PAYLOAD
        )
        .unwrap(),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
    // The Rust library's `test_sign`.
    assert_eq!(
        sw::sign(
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1649367553,
            br#"{"email":"test@example.com","username":"test_user"}"#
        )
        .unwrap(),
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
    );
}

fn signed(ts: i64) -> String {
    sw::sign(SECRET, MSG_ID, ts, PAYLOAD).unwrap()
}

#[test]
fn verifies_with_and_without_prefix_and_with_unpadded_secrets() {
    let now = 1_700_000_000;
    let ts = now.to_string();
    // A secret verifies as it is and with its `whsec_` prefix.
    let verifies = |secret: &str, sig: &str| {
        for secret in [secret.to_string(), format!("whsec_{secret}")] {
            sw::verify(&secret, MSG_ID, &ts, sig, PAYLOAD, Some(now)).unwrap();
        }
    };
    verifies(SECRET, &signed(now));
    // Python's test_signature_verification_with_unpadded_secret: signed with the padded form.
    for (unpadded, padded) in [
        (
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=",
        ),
        (
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr==",
        ),
    ] {
        verifies(unpadded, &sw::sign(padded, MSG_ID, now, PAYLOAD).unwrap());
    }
}

#[test]
fn the_libraries_failure_cases() {
    let now = 1_700_000_000;
    let ts = now.to_string();
    let sig = signed(now);
    let verify =
        |id: &str, ts: &str, sig: &str| sw::verify(SECRET, id, ts, sig, PAYLOAD, Some(now));
    assert_eq!(verify("", &ts, &sig), Err(StandardError::MissingId));
    assert!(matches!(
        verify(MSG_ID, "", &sig),
        Err(StandardError::BadTimestamp { .. })
    ));
    assert!(matches!(
        verify(MSG_ID, "hello", &sig),
        Err(StandardError::BadTimestamp { .. })
    ));
    assert_eq!(verify(MSG_ID, &ts, ""), Err(StandardError::NoSignature));
    // Python's invalid signature: one character off.
    assert_eq!(
        verify(
            MSG_ID,
            &ts,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="
        ),
        Err(StandardError::NoMatch)
    );
    // Partial signatures: `v1,` alone, and the first few characters.
    assert!(verify(MSG_ID, &ts, "v1,").is_err());
    assert!(verify(MSG_ID, &ts, &sig[..8]).is_err());
    assert!(verify(MSG_ID, &ts, "v1,dawfeoifkpqwoekfpqoekf").is_err());
    // Another version's entry is not a v1 signature.
    assert_eq!(
        verify(MSG_ID, &ts, &sig.replacen("v1,", "v2,", 1)),
        Err(StandardError::NoSignature)
    );
}

#[test]
fn any_v1_entry_may_match_for_key_rotation() {
    let now = 1_700_000_000;
    let sig = signed(now);
    let multi = format!(
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {sig} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
    );
    sw::verify(SECRET, MSG_ID, &now.to_string(), &multi, PAYLOAD, Some(now)).unwrap();
    let without = "v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ= v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q=";
    assert_eq!(
        sw::verify(
            SECRET,
            MSG_ID,
            &now.to_string(),
            without,
            PAYLOAD,
            Some(now)
        ),
        Err(StandardError::NoMatch)
    );
}

#[test]
fn timestamps_outside_five_minutes_fail_either_way() {
    let now = 1_700_000_000;
    for (ts, ok) in [
        (now - TOLERANCE_SECONDS, true),
        (now + TOLERANCE_SECONDS, true),
        (now - TOLERANCE_SECONDS - 1, false),
        (now + TOLERANCE_SECONDS + 1, false),
    ] {
        let result = sw::verify(
            SECRET,
            MSG_ID,
            &ts.to_string(),
            &signed(ts),
            PAYLOAD,
            Some(now),
        );
        assert_eq!(result.is_ok(), ok, "{ts}: {result:?}");
    }
    let old = sw::verify(
        SECRET,
        MSG_ID,
        &(now - 3 * 86_400).to_string(),
        &signed(now - 3 * 86_400),
        PAYLOAD,
        Some(now),
    );
    assert_eq!(
        old,
        Err(StandardError::TooOld {
            seconds: 3 * 86_400
        })
    );
    assert!(old.unwrap_err().to_string().contains("3 days old"));
    // Without "now" (checking a stored delivery) only the signature counts.
    sw::verify(
        SECRET,
        MSG_ID,
        "946684800",
        &signed(946684800),
        PAYLOAD,
        None,
    )
    .unwrap();
}

#[test]
fn empty_secrets_are_refused() {
    for secret in ["", "whsec_"] {
        assert_eq!(
            sw::sign(secret, MSG_ID, 1, PAYLOAD),
            Err(StandardError::EmptySecret)
        );
    }
}

#[test]
fn signing_headers_for_a_delivery() {
    let headers = signing::sign(
        &SignWith {
            scheme: Scheme::Standard,
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            id: MSG_ID,
            timestamp: 1614265330,
            key_reading: KeyReading::Decoded,
        },
        PAYLOAD,
    )
    .unwrap();
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("webhook-id", MSG_ID),
            ("webhook-timestamp", "1614265330"),
            (
                "webhook-signature",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
            ),
        ]
    );
    let verdict = signing::verify(None, Some(SECRET), &headers, PAYLOAD, 1614265330 + 10);
    assert_eq!(verdict.verified, Some(true), "{}", verdict.message);
    // The header names are matched without regard to case, as HTTP has them.
    let shouted: Vec<Header> = headers
        .iter()
        .map(|h| Header::new(h.name.to_uppercase(), h.value.clone()))
        .collect();
    assert_eq!(
        signing::verify(
            Some(Scheme::Standard),
            Some(SECRET),
            &shouted,
            PAYLOAD,
            1614265330
        )
        .verified,
        Some(true)
    );
}
