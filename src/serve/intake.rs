//! The local intake sink of `serve` (SPEC §11): what a form posts to
//! `/_intake/<form>` is checked for where it comes from (`post`),
//! validated against that form's JSON Schema, appended to
//! `.handoff/intake.jsonl` and answered like a backend would. Nothing
//! leaves the machine.
//!
//! What comes back (a 422 body, the terminal line) names fields and the
//! rules they break, never a submitted value: a patient's name or date of
//! birth must not travel further than the log it was posted into.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::extract::{FromRequest, Path as UrlPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value, json};

use super::App;
use crate::diag;
use crate::forms::FormKind;
use crate::forms::backend::Backend;

/// What a form's posts are checked against.
#[derive(Debug)]
pub enum Expected {
    /// The form's JSON Schema: the backend keeps every name.
    Schema(Value),
    /// The names a CRM backend keeps (`handoff intake` lists them):
    /// HubSpot refuses a submission naming anything else, Salesforce drops
    /// it, so the sink says so before the site goes live.
    Names {
        backend: Backend,
        names: BTreeSet<String>,
    },
}

impl Expected {
    /// What is wrong with `payload`, as readable lines (no values).
    fn errors(&self, payload: &Map<String, Value>) -> Vec<String> {
        match self {
            Expected::Schema(schema) => validate(schema, payload),
            Expected::Names { backend, names } => payload
                .keys()
                .filter(|k| !names.contains(*k))
                .map(|k| {
                    let k = field_name(k);
                    match backend {
                        Backend::Hubspot => format!("`{k}`: is not a field of the HubSpot form (HubSpot refuses the submission: FIELD_NOT_IN_FORM)"),
                        _ => format!("`{k}`: is not a field {} keeps (it would be dropped)", backend.name()),
                    }
                })
                .collect(),
        }
    }

    /// HubSpot answers a submission it refuses with 400 and its own error
    /// shape; the form's script reads `errorType` from it.
    /// <https://developers.hubspot.com/docs/api-reference/legacy/marketing/forms/v3-legacy/submit-data-unauthenticated>
    fn refusal(&self, payload: &Map<String, Value>) -> Option<Response> {
        let Expected::Names {
            backend: Backend::Hubspot,
            names,
        } = self
        else {
            return None;
        };
        let errors: Vec<Value> = payload
            .keys()
            .filter(|k| !names.contains(*k))
            .map(|k| {
                let k = field_name(k);
                json!({ "message": format!("Error in 'fields.{k}'. Field '{k}' is not in the form"), "errorType": "FIELD_NOT_IN_FORM" })
            })
            .collect();
        (!errors.is_empty()).then(|| {
            (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({ "status": "error", "message": "The request is not valid", "correlationId": "local-intake-sink", "errors": errors })),
            )
                .into_response()
        })
    }
}

/// The largest body the sink reads (a referral form is a few KB).
pub const MAX_BODY: usize = 64 * 1024;

/// How a post's body is encoded, from its `Content-Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyType {
    Json,
    Form,
    /// The boundary, when the header gives one.
    Multipart(Option<String>),
}

/// The body type of a `Content-Type` header, matched by MIME essence
/// exactly (parameters such as `charset` or `boundary` allowed); `None`
/// for anything else, `application/jsonx` or `text/plain` included.
pub fn body_type(content_type: &str) -> Option<BodyType> {
    let mime: mime_guess::Mime = content_type.parse().ok()?;
    match mime.essence_str() {
        "application/json" => Some(BodyType::Json),
        "application/x-www-form-urlencoded" => Some(BodyType::Form),
        "multipart/form-data" => Some(BodyType::Multipart(
            mime.get_param(mime_guess::mime::BOUNDARY)
                .map(|b| b.as_str().to_owned()),
        )),
        _ => None,
    }
}

/// A submission turned into the canonical flat object. The error says
/// what is wrong with the body's shape, never what it contains.
pub fn payload(body_type: &BodyType, body: &[u8]) -> Result<Map<String, Value>, String> {
    match body_type {
        BodyType::Json => json_payload(body),
        BodyType::Form => {
            let mut flat = Map::new();
            for (k, v) in url::form_urlencoded::parse(body) {
                add(&mut flat, k.into_owned(), v.into_owned());
            }
            Ok(flat)
        }
        BodyType::Multipart(Some(boundary)) => multipart(body, boundary),
        BodyType::Multipart(None) => {
            Err("a multipart/form-data body needs a `boundary` parameter".to_owned())
        }
    }
}

/// Adds a posted field: a name posted again (a group of tick boxes) holds
/// every value, in order.
fn add(flat: &mut Map<String, Value>, name: String, value: String) {
    match flat.get_mut(&name) {
        Some(Value::Array(values)) => values.push(Value::String(value)),
        Some(first) => {
            let first = first.take();
            flat.insert(name, Value::Array(vec![first, Value::String(value)]));
        }
        None => {
            flat.insert(name, Value::String(value));
        }
    }
}

/// A field the schema says is a list, posted once, is a list of one.
fn as_schema_says(schema: &Value, payload: &mut Map<String, Value>) {
    for (name, value) in payload.iter_mut() {
        let is_list = schema["properties"][name.as_str()]["type"] == "array";
        if is_list && value.is_string() {
            *value = Value::Array(vec![value.take()]);
        }
    }
}

fn json_payload(body: &[u8]) -> Result<Map<String, Value>, String> {
    // serde_json's syntax errors name a line and column, not the text.
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    match value {
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
    }
}

/// The text fields of a `multipart/form-data` body (RFC 7578). The forms
/// have no file inputs, so a part with a file name is refused.
fn multipart(body: &[u8], boundary: &str) -> Result<Map<String, Value>, String> {
    let broken = || "the multipart/form-data body is malformed".to_owned();
    let delimiter = format!("\r\n--{boundary}");
    let delimiter = delimiter.as_bytes();
    // The first delimiter has no line break before it, unless a preamble does.
    let mut rest = match body.strip_prefix(&delimiter[2..]) {
        Some(r) => r,
        None => {
            let at = find(body, delimiter).ok_or_else(broken)?;
            &body[at + delimiter.len()..]
        }
    };
    let mut flat = Map::new();
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n").ok_or_else(broken)?;
        let end = find(rest, delimiter).ok_or_else(broken)?;
        let (name, value) = part(&rest[..end]).ok_or_else(broken)?;
        add(&mut flat, name, value?);
        rest = &rest[end + delimiter.len()..];
    }
    Ok(flat)
}

/// One part: its field name and its text (an error for a file or bytes
/// that are not UTF-8). `None` when the part is malformed.
fn part(bytes: &[u8]) -> Option<(String, Result<String, String>)> {
    let split = find(bytes, b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..split]).ok()?;
    let content = &bytes[split + 4..];
    let disposition = head.split("\r\n").find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(value)
    })?;
    let params = disposition_params(disposition)?;
    let name = params.iter().find(|(k, _)| k == "name")?.1.clone();
    if params.iter().any(|(k, _)| k == "filename") {
        return Some((name, Err("the forms take no files".to_owned())));
    }
    let text =
        String::from_utf8(content.to_vec()).map_err(|_| "a field is not UTF-8 text".to_owned());
    Some((name, text))
}

/// `form-data; name="a"; filename="b"` → `[("name", "a"), ("filename", "b")]`.
fn disposition_params(value: &str) -> Option<Vec<(String, String)>> {
    let mut rest = value.trim_start();
    let kind_end = rest.find(';').unwrap_or(rest.len());
    if !rest[..kind_end].trim().eq_ignore_ascii_case("form-data") {
        return None;
    }
    rest = &rest[kind_end..];
    let mut params = Vec::new();
    while let Some(after) = rest.trim_start().strip_prefix(';') {
        let (key, after) = after.split_once('=')?;
        let key = key.trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (value, tail) = match after.strip_prefix('"') {
            // Browsers percent-encode `"` in names (HTML's form encoding).
            Some(quoted) => {
                let close = quoted.find('"')?;
                (&quoted[..close], &quoted[close + 1..])
            }
            None => after.split_at(after.find(';').unwrap_or(after.len())),
        };
        params.push((key, value.trim().to_owned()));
        rest = tail;
    }
    rest.trim().is_empty().then_some(params)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Validation errors of a payload against a schema, as readable lines:
/// the field, then the rule it breaks.
pub fn validate(schema: &Value, payload: &Map<String, Value>) -> Vec<String> {
    // Formats (`email`, `date`) are checked as the browser checks its
    // `type=email` and `type=date` inputs; JSON Schema 2020-12 would
    // otherwise only annotate them.
    let validator = match jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
    {
        Ok(v) => v,
        Err(_) => return vec!["the form's JSON Schema is invalid".to_owned()],
    };
    let instance = Value::Object(payload.clone());
    let mut errors: Vec<String> = validator
        .iter_errors(&instance)
        .flat_map(|e| describe(e.instance_path().as_str(), e.kind()))
        .collect();
    errors.sort();
    errors.dedup();
    errors
}

/// One schema error as `` `field`: rule (`keyword`) ``. Built from the
/// error's kind and location, never from its `Display`, which quotes the
/// submitted value (`"Jane Doe, 1950-02-03" is not a "email"`).
fn describe(instance_path: &str, kind: &ValidationErrorKind) -> Vec<String> {
    let at = |field: &str| {
        if field.is_empty() {
            "the submission".to_owned()
        } else {
            format!("`{}`", field_name(field))
        }
    };
    let field = instance_path.trim_start_matches('/');
    let line = match kind {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            format!("{}: is required but missing (`required`)", at(name))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            return unexpected
                .iter()
                .map(|k| {
                    format!(
                        "{}: is not a field of this form (`additionalProperties: false`)",
                        at(k)
                    )
                })
                .collect();
        }
        ValidationErrorKind::Format { format } => {
            format!(
                "{}: is not a valid {format} (`format: {format}`)",
                at(field)
            )
        }
        ValidationErrorKind::Pattern { pattern } => {
            format!("{}: does not match `pattern: {pattern}`", at(field))
        }
        ValidationErrorKind::MaxLength { limit } => format!(
            "{}: is longer than {limit} characters (`maxLength: {limit}`)",
            at(field)
        ),
        ValidationErrorKind::MinLength { limit } => format!(
            "{}: is shorter than {limit} characters (`minLength: {limit}`)",
            at(field)
        ),
        ValidationErrorKind::Enum { .. } => {
            format!("{}: is not one of the form's options (`enum`)", at(field))
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("{}: must be {expected_value} (`const`)", at(field))
        }
        ValidationErrorKind::Type { .. } => {
            format!("{}: has the wrong type (`type`)", at(field))
        }
        ValidationErrorKind::AnyOf { .. } => format!(
            "{}: must be left empty or be a valid value (`anyOf`)",
            at(field)
        ),
        other => format!("{}: breaks `{}`", at(field), other.keyword()),
    };
    vec![line]
}

/// A field name as it may be shown: the forms' names are short slugs; any
/// other key a client sent (it could be a value typed in the wrong place)
/// is not repeated.
fn field_name(name: &str) -> &str {
    let plain = name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
    if plain { name } else { "(a field name)" }
}

/// `.handoff/intake.jsonl` of a site, appended to one whole line at a time.
pub struct Sink {
    path: PathBuf,
    /// Held across the one write of a line: posts are answered on several
    /// threads, and a line written in pieces (as `writeln!` of a JSON value
    /// does, one `write` per token) interleaves with another post's.
    lock: Mutex<()>,
}

impl Sink {
    pub fn new(root: &Path) -> Sink {
        Sink {
            path: root.join(".handoff").join("intake.jsonl"),
            lock: Mutex::new(()),
        }
    }

    /// Appends one record as one line.
    pub fn append(
        &self,
        form: &str,
        errors: &[String],
        payload: &Map<String, Value>,
    ) -> std::io::Result<()> {
        let received = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let record = json!({ "received": received, "form": form, "valid": errors.is_empty(), "errors": errors, "payload": payload });
        let mut line = serde_json::to_vec(&record)?;
        line.push(b'\n');
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(dir) = self.path.parent() {
            refuse_link(dir)?;
            std::fs::create_dir_all(dir)?;
        }
        // A link here would append submissions to a file outside the site.
        refuse_link(&self.path)?;
        // Opened per line, so a log moved aside while serving starts anew.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?
            .write_all(&line)
    }
}

/// Fails when `path` is a symlink (a missing path is fine: it is created).
fn refuse_link(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(std::io::Error::other(format!(
            "{} is a symlink; the intake sink writes only inside the site",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Whether a post comes from one of this server's own pages, or from a
/// client that is not a browser; anything else must not write into the
/// sink (a page elsewhere, open in the same browser, could otherwise fill
/// the log or probe the forms).
///
/// Browsers send `Origin` with every cross-origin POST, fetch or form
/// submission alike (Chromium, Firefox and Safari all do), and Chromium also
/// with same-origin form posts, so a page elsewhere always names itself:
/// `Origin` must then be `http://` and a `Host` this server answers.
/// `Origin: null` (a sandboxed frame, a `file:` page, a post redirected
/// across origins) hides where it comes from and is refused, like every
/// other value. A post without `Origin` comes from curl or a script on this
/// machine, which could append to the file directly anyway; it is refused
/// only when `Sec-Fetch-Site` (sent by browsers) says another site or
/// another local server (`same-site`: another port) sent it.
fn from_own_origin(headers: &HeaderMap, hosts: &[String]) -> bool {
    let mut origins = headers.get_all(header::ORIGIN).iter();
    match (origins.next(), origins.next()) {
        (Some(origin), None) => origin.to_str().is_ok_and(|o| {
            o.strip_prefix("http://")
                .is_some_and(|host| hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
        }),
        (Some(_), Some(_)) => false,
        (None, _) => headers
            .get("sec-fetch-site")
            .is_none_or(|site| matches!(site.to_str(), Ok("same-origin" | "none"))),
    }
}

/// A form post: origin, claimed size and content type are checked before
/// the body is read, then the body is validated, logged and answered.
pub(super) async fn post(
    State(app): State<Arc<App>>,
    UrlPath(form): UrlPath<String>,
    request: Request,
) -> Response {
    let Some(kind) = FormKind::ALL.into_iter().find(|k| k.as_str() == form) else {
        return (StatusCode::NOT_FOUND, "no such form\n").into_response();
    };
    let headers = request.headers();
    let body_type = match admit(headers, &app.hosts) {
        Ok(t) => t,
        Err(refusal) => return refusal,
    };
    let wants_json = body_type == BodyType::Json
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json"));
    // A body without a length (chunked) is cut off at the limit: 413.
    let body = match Bytes::from_request(request, &()).await {
        Ok(b) => b,
        Err(rejection) => return rejection.into_response(),
    };
    let mut payload = match payload(&body_type, &body) {
        Ok(p) => p,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response(),
    };
    let served = app.current();
    let expected = served.schemas.get(kind.as_str());
    if let Some(Expected::Schema(schema)) = expected.map(AsRef::as_ref) {
        as_schema_says(schema, &mut payload);
    }
    let errors = match expected {
        Some(expected) => expected.errors(&payload),
        None => vec!["the site has no [intake] section, so it has no forms".to_owned()],
    };
    let form_name = kind.as_str();
    let logged = {
        let (app, errors, payload) = (Arc::clone(&app), errors.clone(), payload.clone());
        tokio::task::spawn_blocking(move || app.intake.append(form_name, &errors, &payload)).await
    };
    let page = shown_page(&payload);
    // The terminal line names the form and page, never a submitted value.
    app.say(&format!(
        "intake: {form_name} form from {page}: {} ({} fields) -> .handoff/intake.jsonl",
        if errors.is_empty() {
            "valid".to_owned()
        } else {
            format!("{} schema error(s)", errors.len())
        },
        payload.len()
    ));
    // A submission that was not kept must not look received: the browser
    // shows its error message with the number to call instead.
    let failure = match logged {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(e) => Some(e.to_string()),
    };
    if let Some(why) = failure {
        eprintln!(
            "error: could not append to .handoff/intake.jsonl: {}",
            diag::shown(&why)
        );
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the submission could not be stored in .handoff/intake.jsonl",
        )
            .into_response();
    }
    if let Some(refusal) = expected.and_then(|e| e.refusal(&payload)) {
        return refusal;
    }
    let thanks = thanks_page(kind, &payload, &served.thanks);
    answer(&served.href(thanks), wants_json, &errors)
}

/// Where a native post lands: a referral for a service line on that
/// service's thanks page, a question about a trial on that trial's (as the
/// form's own `retURL`, `_next` or action says on the live site), else the
/// form's generic one.
fn thanks_page<'a>(
    kind: FormKind,
    payload: &Map<String, Value>,
    pages: &'a super::session::ThanksPages,
) -> &'a str {
    let named = |key: &str, pages: &'a BTreeMap<String, String>| {
        let slug = payload.get(key).and_then(Value::as_str)?;
        pages.get(slug).map(String::as_str)
    };
    let own = match kind {
        FormKind::Referral => named("service", &pages.services),
        FormKind::Appointment => named("trial", &pages.trials),
        FormKind::Updates => None,
    };
    own.unwrap_or(kind.generic_thanks_path())
}

/// The checks made before a byte of the body is read: where the post comes
/// from, its claimed size, its content type. The body's type, or the
/// refusal.
fn admit(headers: &HeaderMap, hosts: &[String]) -> Result<BodyType, Response> {
    if !from_own_origin(headers, hosts) {
        return Err((
            StatusCode::FORBIDDEN,
            "the local intake sink takes posts only from the pages handoff serves\n",
        )
            .into_response());
    }
    let claimed = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if claimed.is_some_and(|n| n > MAX_BODY as u64) {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("a form post may carry at most {} KiB\n", MAX_BODY / 1024),
        )
            .into_response());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    body_type(content_type).ok_or_else(|| {
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the local intake sink reads application/json, application/x-www-form-urlencoded or multipart/form-data bodies\n",
        )
            .into_response()
    })
}

/// The `page` field, printed only when it is a site path: a submitted
/// value (a patient's name, a terminal escape) never reaches the terminal.
fn shown_page(payload: &Map<String, Value>) -> &str {
    payload
        .get("page")
        .and_then(Value::as_str)
        .filter(|p| {
            p.starts_with('/')
                && p.len() < 200
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"/_-.".contains(&b))
        })
        .unwrap_or("?")
}

/// What a backend answers: the thanks page or `{ ok }`, or 422 with the
/// schema errors (fields and rules, never values).
fn answer(thanks: &str, wants_json: bool, errors: &[String]) -> Response {
    match (wants_json, errors.is_empty()) {
        (true, true) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({ "ok": true })),
        )
            .into_response(),
        (true, false) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(serde_json::json!({ "ok": false, "errors": errors })),
        )
            .into_response(),
        (false, true) => Redirect::to(thanks).into_response(),
        (false, false) => {
            let list: String = errors
                .iter()
                .map(|e| format!("<li>{}</li>", crate::escape::html(e)))
                .collect();
            let html = format!(
                "<!doctype html><html lang=en><head><meta charset=utf-8><title>Submission rejected</title></head><body>\
                 <h1>The local intake sink rejected this submission</h1><p>It does not match the form's JSON Schema:</p><ul>{list}</ul>\
                 <p><a href=\"javascript:history.back()\">Back to the form</a></p></body></html>"
            );
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                html,
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(list: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in list {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn posts_come_from_this_server_or_no_browser() {
        let hosts = crate::serve::Reach::of("127.0.0.1".parse().unwrap(), 1111, &[]).hosts;
        for ok in [
            headers(&[("origin", "http://127.0.0.1:1111")]),
            headers(&[("origin", "http://localhost:1111")]),
            headers(&[("origin", "http://LOCALHOST:1111")]),
            headers(&[
                ("origin", "http://localhost:1111"),
                ("sec-fetch-site", "cross-site"),
            ]),
            headers(&[]),
            headers(&[("sec-fetch-site", "same-origin")]),
            headers(&[("sec-fetch-site", "none")]),
        ] {
            assert!(from_own_origin(&ok, &hosts), "{ok:?}");
        }
        for bad in [
            headers(&[("origin", "null")]),
            headers(&[("origin", "http://evil.example")]),
            headers(&[("origin", "http://127.0.0.1:1112")]),
            headers(&[("origin", "https://127.0.0.1:1111")]),
            headers(&[("origin", "http://127.0.0.1:1111.evil.example")]),
            headers(&[("origin", "http://localhost:1111/")]),
            headers(&[("origin", "")]),
            headers(&[
                ("origin", "http://localhost:1111"),
                ("origin", "http://evil.example"),
            ]),
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("sec-fetch-site", "same-site")]),
        ] {
            assert!(!from_own_origin(&bad, &hosts), "{bad:?}");
        }
    }

    #[test]
    fn a_linked_log_or_folder_is_never_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        let payload = Map::new();
        for linked in [".handoff", ".handoff/intake.jsonl"] {
            let site = tmp.path().join(format!("site-{}", linked.len()));
            std::fs::create_dir_all(site.join(".handoff")).unwrap();
            if linked == ".handoff" {
                std::fs::remove_dir(site.join(".handoff")).unwrap();
                std::os::unix::fs::symlink(&outside, site.join(linked)).unwrap();
            } else {
                std::os::unix::fs::symlink(outside.join("log"), site.join(linked)).unwrap();
            }
            assert!(Sink::new(&site).append("referral", &[], &payload).is_err());
            assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0, "{linked}");
        }
        let site = tmp.path().join("plain");
        Sink::new(&site).append("referral", &[], &payload).unwrap();
        assert!(site.join(".handoff/intake.jsonl").is_file());
    }

    #[test]
    fn form_json_and_hubspot_bodies_flatten_alike() {
        let form = payload(&BodyType::Form, b"form=referral&clinician_name=Ana+Ruiz").unwrap();
        assert_eq!(form["clinician_name"], "Ana Ruiz");
        let json = payload(&BodyType::Json, br#"{"form":"referral"}"#).unwrap();
        assert_eq!(json["form"], "referral");
        let hub = payload(
            &BodyType::Json,
            br#"{"fields":[{"name":"form","value":"referral"}],"context":{"pageUri":"x"}}"#,
        )
        .unwrap();
        assert_eq!(hub["form"], "referral");
        let multi = payload(
            &BodyType::Multipart(Some("XyZ".into())),
            b"--XyZ\r\nContent-Disposition: form-data; name=\"form\"\r\n\r\nreferral\r\n--XyZ\r\ncontent-disposition: form-data; name=clinician_name\r\n\r\nAna\r\nRuiz\r\n--XyZ--\r\n",
        )
        .unwrap();
        assert_eq!(multi["form"], "referral");
        assert_eq!(multi["clinician_name"], "Ana\r\nRuiz");
    }

    #[test]
    fn malformed_multipart_bodies_are_refused() {
        let boundary = BodyType::Multipart(Some("b".into()));
        for bad in [
            &b"no delimiter"[..],
            b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
            b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--",
            b"--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--b--",
            b"--b\r\nContent-Disposition: form-data; name=\"a\"; filename=\"x.txt\"\r\n\r\nx\r\n--b--",
        ] {
            assert!(payload(&boundary, bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        assert!(payload(&BodyType::Multipart(None), b"--b--").is_err());
    }

    #[test]
    fn content_types_match_by_essence_exactly() {
        assert_eq!(body_type("application/json"), Some(BodyType::Json));
        assert_eq!(
            body_type("Application/JSON; charset=utf-8"),
            Some(BodyType::Json)
        );
        assert_eq!(
            body_type("application/x-www-form-urlencoded;charset=UTF-8"),
            Some(BodyType::Form)
        );
        assert_eq!(
            body_type("multipart/form-data; boundary=\"--a b\""),
            Some(BodyType::Multipart(Some("--a b".into())))
        );
        assert_eq!(
            body_type("multipart/form-data"),
            Some(BodyType::Multipart(None))
        );
        for other in [
            "",
            "application/jsonx",
            "application/json-patch+json",
            "application/x-www-form-urlencodedx",
            "text/plain",
            "text/plain; x=application/json",
            "multipart/mixed; boundary=a",
            "application/json, text/plain",
        ] {
            assert_eq!(body_type(other), None, "{other}");
        }
    }

    #[test]
    fn schema_errors_name_the_field_and_rule_not_the_value() {
        let schema = json!({
            "type": "object",
            "properties": {
                "form": { "const": "referral" },
                "email": { "type": "string", "format": "email" },
                "npi": { "type": "string", "pattern": "^[0-9]{10}$" },
            },
            "required": ["form", "page"],
            "additionalProperties": false,
        });
        let bad: Map<String, Value> = serde_json::from_value(json!({
            "form": "CANARY-1",
            "email": "not-an-email-CANARY",
            "npi": "CANARY",
            "CANARY name": "x",
            "extra": "CANARY",
        }))
        .unwrap();
        let errors = validate(&schema, &bad);
        let text = errors.join("\n");
        assert!(!text.contains("CANARY"), "{text}");
        for want in [
            "`page`: is required but missing (`required`)",
            "`email`: is not a valid email (`format: email`)",
            "`npi`: does not match `pattern: ^[0-9]{10}$`",
            "`form`: must be \"referral\" (`const`)",
            "`extra`: is not a field of this form",
            "`(a field name)`: is not a field of this form",
        ] {
            assert!(
                errors.iter().any(|e| e == want || e.starts_with(want)),
                "{want}\n{text}"
            );
        }
    }

    #[test]
    fn a_valid_payload_has_no_errors() {
        let schema = json!({ "type": "object", "properties": { "form": { "const": "referral" } }, "required": ["form", "page"] });
        let ok: Map<String, Value> =
            serde_json::from_value(json!({ "form": "referral", "page": "/" })).unwrap();
        assert!(validate(&schema, &ok).is_empty());
    }
}
