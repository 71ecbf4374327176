//! The JSON envelope of every `--json` output: a schema version and a kind,
//! so scripts can check what they read (docs/cli-json.md).

use serde::Serialize;

/// Version of the JSON output; raised on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Envelope<'a, T> {
    archsim_json: u32,
    kind: &'a str,
    archsim_version: &'a str,
    #[serde(flatten)]
    body: &'a T,
}

/// `body` wrapped in the envelope, pretty-printed.
pub fn to_string<T: Serialize>(kind: &str, body: &T) -> String {
    let envelope = Envelope {
        archsim_json: SCHEMA_VERSION,
        kind,
        archsim_version: env!("CARGO_PKG_VERSION"),
        body,
    };
    serde_json::to_string_pretty(&envelope)
        .unwrap_or_else(|e| format!("{{\"archsim_json\": {SCHEMA_VERSION}, \"error\": \"{e}\"}}"))
}
