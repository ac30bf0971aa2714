//! The local intake sink of `serve` (SPEC §11): what a form posts to
//! `/_intake/<form>` is validated against that form's JSON Schema, appended
//! to `.handoff/intake.jsonl` and answered like a backend would. Nothing
//! leaves the machine.

use std::io::Write as _;
use std::path::Path;

use serde_json::{Map, Value, json};

/// A submission turned into the canonical flat object.
pub fn payload(content_type: &str, body: &[u8]) -> Result<Map<String, Value>, String> {
    if content_type.starts_with("application/json") {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
        return match value {
            // HubSpot's shape: { fields: [{ name, value }], context: {…} }.
            Value::Object(mut o) if o.get("fields").is_some_and(Value::is_array) => {
                let mut flat = Map::new();
                if let Some(Value::Array(fields)) = o.remove("fields") {
                    for f in fields {
                        if let (Some(name), Some(value)) =
                            (f.get("name").and_then(Value::as_str), f.get("value"))
                        {
                            flat.insert(name.to_owned(), value.clone());
                        }
                    }
                }
                Ok(flat)
            }
            Value::Object(o) => Ok(o),
            _ => Err("the body is not a JSON object".to_owned()),
        };
    }
    if content_type.starts_with("application/x-www-form-urlencoded") || content_type.is_empty() {
        let mut flat = Map::new();
        for (k, v) in url::form_urlencoded::parse(body) {
            flat.insert(k.into_owned(), Value::String(v.into_owned()));
        }
        return Ok(flat);
    }
    Err(format!(
        "handoff's forms send form-encoded or JSON bodies, not `{content_type}`"
    ))
}

/// Validation errors of a payload against a schema, as readable lines.
pub fn validate(schema: &Value, payload: &Map<String, Value>) -> Vec<String> {
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => return vec![format!("the form's schema is invalid: {e}")],
    };
    let instance = Value::Object(payload.clone());
    let mut errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| {
            let at = e.instance_path().to_string();
            if at.is_empty() {
                e.to_string()
            } else {
                format!("{at}: {e}")
            }
        })
        .collect();
    errors.sort();
    errors
}

/// Appends one line to `<root>/.handoff/intake.jsonl`.
pub fn append(
    root: &Path,
    form: &str,
    errors: &[String],
    payload: &Map<String, Value>,
) -> std::io::Result<()> {
    let dir = root.join(".handoff");
    std::fs::create_dir_all(&dir)?;
    let received = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let line = json!({ "received": received, "form": form, "valid": errors.is_empty(), "errors": errors, "payload": payload });
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("intake.jsonl"))?;
    writeln!(file, "{line}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_json_and_hubspot_bodies_flatten_alike() {
        let form = payload(
            "application/x-www-form-urlencoded",
            b"form=referral&clinician_name=Ana+Ruiz",
        )
        .unwrap();
        assert_eq!(form["clinician_name"], "Ana Ruiz");
        let json = payload("application/json", br#"{"form":"referral"}"#).unwrap();
        assert_eq!(json["form"], "referral");
        let hub = payload(
            "application/json",
            br#"{"fields":[{"name":"form","value":"referral"}],"context":{"pageUri":"x"}}"#,
        )
        .unwrap();
        assert_eq!(hub["form"], "referral");
        assert!(payload("text/plain", b"x").is_err());
    }

    #[test]
    fn schema_errors_are_listed() {
        let schema = json!({ "type": "object", "properties": { "form": { "const": "referral" } }, "required": ["form", "page"] });
        let ok: Map<String, Value> =
            serde_json::from_value(json!({ "form": "referral", "page": "/" })).unwrap();
        assert!(validate(&schema, &ok).is_empty());
        let bad: Map<String, Value> = serde_json::from_value(json!({ "form": "x" })).unwrap();
        assert_eq!(validate(&schema, &bad).len(), 2);
    }
}
