//! The shipped YouLend manual-payment example is a valid connection file whose body is JSON.

use hookwright_core::connection::{ConnectionFile, Source};

#[test]
fn manual_payment_note_example_loads() {
    let text = include_str!("../../../examples/youlend-manual-payment-note.json");
    let file = ConnectionFile::from_json(text).unwrap();
    let connection = &file.connections[0];
    assert_eq!(connection.source, Source::Youlend);
    assert!(connection.trigger.rule().contains("LOA10040"));
    assert_eq!(connection.request.method.as_str(), "PUT");
    // Placeholders sit inside JSON strings, so the body template is JSON as written.
    let hookwright_core::connection::Payload::Custom { body, .. } = &connection.request.payload
    else {
        panic!("expected a custom body");
    };
    serde_json::from_str::<serde_json::Value>(body).unwrap();
    let again = ConnectionFile::from_json(&file.to_json_pretty()).unwrap();
    assert_eq!(again, file);
}
