//! `[extra]`: the practice's own values for its templates (`site.extra`),
//! keys free. TOML has already checked the syntax; this only turns the
//! table into the plain data templates read, the same shape a page's
//! `extra:` map has.

use serde_json::{Map, Number, Value};

/// The table as template data. A TOML date becomes its text as written
/// (`2026-03-01`); a float JSON cannot hold (`nan`, `inf`) becomes none.
pub fn to_data(table: toml::Table) -> Map<String, Value> {
    table.into_iter().map(|(k, v)| (k, value(v))).collect()
}

fn value(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Number(i.into()),
        toml::Value::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(value).collect()),
        toml::Value::Table(t) => Value::Object(to_data(t)),
    }
}
