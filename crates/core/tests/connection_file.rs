//! The connection file: its generated JSON Schema, secrets in exports, and
//! loading of the shipped examples.

use hookwright_core::connection::{self, Auth, ConnectionFile, EXAMPLE_FILES};
use hookwright_core::ErrorKind;

/// The committed schema must be what the types generate. Run with
/// `UPDATE_SCHEMA=1` after changing the connection types to refresh it.
#[test]
fn committed_schema_matches_the_types() {
    let generated = connection::schema();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/connection-file.schema.json"
    );
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap();
    assert!(
        committed == generated,
        "data/connection-file.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p hookwright-core --test connection_file`"
    );
}

#[test]
fn schema_describes_the_format() {
    let schema: serde_json::Value = serde_json::from_str(&connection::schema()).unwrap();
    assert_eq!(schema["title"], "Hookwright connection file");
    let props = &schema["properties"];
    assert_eq!(props["format"]["const"], "hookwright/connections");
    assert_eq!(props["version"]["const"], 1);
    assert!(props["$schema"].is_object());
    let text = connection::schema();
    for needle in [
        "\"bearer\"",
        "\"basic\"",
        "\"variables\"",
        "\"custom\"",
        "\"PATCH\"",
        "\"youlend\"",
        "eventName",
        "contentType",
        "redacted",
    ] {
        assert!(text.contains(needle), "schema lacks {needle}");
    }
}

#[test]
fn schema_key_is_accepted() {
    let text = r#"{"$schema": "./connection-file.schema.json", "format": "hookwright/connections", "version": 1, "connections": []}"#;
    let file = ConnectionFile::from_json(text).unwrap();
    assert_eq!(
        file.schema.as_deref(),
        Some("./connection-file.schema.json")
    );
}

fn with_secrets() -> ConnectionFile {
    let mut file = ConnectionFile::new(connection::examples());
    file.connections[0].request.auth = Auth::Bearer {
        token: "s3cret-token".into(),
        redacted: false,
    };
    file.connections[1].request.auth = Auth::Basic {
        username: "ops".into(),
        password: "hunter2".into(),
        redacted: false,
    };
    file
}

/// Written through `serde_json::Value` (so the page holds one writer of the
/// types), the file is the same text serde's pretty writer makes of the types,
/// escapes, exact numbers and the `$schema` key included.
#[test]
fn the_pretty_file_is_serdes_pretty_text() {
    let mut file = with_secrets();
    file.schema = Some("./connection-file.schema.json".into());
    file.connections[0].description = "quotes \" and \\, a tab\t, é, 😀, \u{1}".into();
    file.connections[0]
        .request
        .query_secrets
        .insert("token".into(), false);
    assert_eq!(
        file.to_json_pretty(),
        serde_json::to_string_pretty(&file).unwrap()
    );
    let empty = ConnectionFile::new(Vec::new());
    assert_eq!(
        empty.to_json_pretty(),
        serde_json::to_string_pretty(&empty).unwrap()
    );
}

#[test]
fn exports_leave_secrets_out_unless_asked() {
    let file = with_secrets();
    let shared = file.export(false);
    assert!(!shared.contains("s3cret-token") && !shared.contains("hunter2"));
    assert!(shared.contains("\"redacted\": true"));
    assert!(shared.contains("\"ops\""), "usernames are kept");
    let full = file.export(true);
    assert!(full.contains("s3cret-token") && full.contains("hunter2"));
    assert!(!full.contains("redacted"));
}

#[test]
fn loading_a_redacted_export_names_the_missing_secrets() {
    let file = with_secrets();
    let loaded = ConnectionFile::from_json(&file.export(false)).unwrap();
    let ids: Vec<String> = loaded.connections.iter().map(|c| c.id.clone()).collect();
    assert_eq!(
        loaded.missing_secrets(),
        vec![
            (ids[0].clone(), "request.auth.token".to_string()),
            (ids[1].clone(), "request.auth.password".to_string()),
        ]
    );
    assert!(ConnectionFile::from_json(&file.export(true))
        .unwrap()
        .missing_secrets()
        .is_empty());
}

#[test]
fn shipped_examples_load() {
    for (name, text) in EXAMPLE_FILES {
        let file = ConnectionFile::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(file.connections.len(), 1, "{name}");
    }
}

#[test]
fn bad_files_are_located_errors() {
    let err = ConnectionFile::from_json(
        "{\"format\": \"hookwright/connections\",\n \"version\": 1,\n \"connections\": [",
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Json);
    assert_eq!(err.span.unwrap().line, 3);
    let err = ConnectionFile::from_json(
        r#"{"format": "hookwright/connections", "version": 1, "connections": [{"id": 5}]}"#,
    )
    .unwrap_err();
    assert!(err.message.contains("invalid type"), "{}", err.message);
    assert!(err.span.is_some());
}
