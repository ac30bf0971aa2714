//! Front matter of Markdown pages: raw YAML → validated documents.
//!
//! One raw struct holds every key any page kind may use; which keys a file
//! may use depends on its folder (SPEC §4), checked here with a
//! "did you mean" hint. Values keep their positions for later stages.

use serde::Deserialize;

use super::yaml::{self, Seg};
use super::{Document, Located, Split, file_stem, is_slug, split_front_matter};
use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::phone::{self, Phone};
use crate::source::SourceFile;
use crate::values::{self, Fault, UrlRule};

/// Which content model a page follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Service,
    Referral,
    Location,
    Physician,
}

const COMMON_KEYS: [&str; 8] = [
    "title",
    "description",
    "slug",
    "weight",
    "draft",
    "updated",
    "aliases",
    "noindex",
];

impl Kind {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Plain => &[],
            Kind::Service => &["specialty", "checklist", "locations", "referring"],
            Kind::Referral => &[
                "service",
                "checklist",
                "urgency",
                "audience",
                "criteria",
                "exclusions",
                "faq",
            ],
            Kind::Location => &["address", "phone", "fax", "geo", "hours"],
            Kind::Physician => &[
                "honorific",
                "credentials",
                "services",
                "locations",
                "accepting_new_patients",
                "photo",
            ],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Plain => "plain pages",
            Kind::Service => "service lines",
            Kind::Referral => "referral reasons",
            Kind::Location => "locations",
            Kind::Physician => "physicians",
        }
    }
}

/// Keys of nested blocks, for hints on a typo inside them.
fn nested_keys(parent: &str) -> &'static [&'static str] {
    match parent {
        "referring" => &[
            "appropriate_for",
            "phone",
            "fax",
            "email",
            "portal",
            "response_time",
            "urgent",
            "results",
            "contacts",
        ],
        "contacts" => &["role", "name", "phone", "email"],
        "faq" => &["q", "a"],
        "address" => &["street", "city", "region", "postal_code", "country"],
        "geo" => &["lat", "lng"],
        "hours" => &["days", "opens", "closes"],
        "items" => &["id", "label", "required", "detail"],
        _ => &[],
    }
}

#[derive(Debug, Default, Deserialize)]
struct RawFrontMatter {
    title: Option<String>,
    description: Option<String>,
    slug: Option<String>,
    weight: Option<i64>,
    draft: Option<bool>,
    updated: Option<String>,
    aliases: Option<Vec<String>>,
    noindex: Option<bool>,
    specialty: Option<String>,
    checklist: Option<String>,
    locations: Option<Vec<String>>,
    referring: Option<RawReferring>,
    service: Option<String>,
    urgency: Option<String>,
    audience: Option<String>,
    criteria: Option<Vec<String>>,
    exclusions: Option<Vec<String>>,
    faq: Option<Vec<RawFaq>>,
    address: Option<Address>,
    phone: Option<String>,
    fax: Option<String>,
    geo: Option<Geo>,
    hours: Option<Vec<RawHours>>,
    honorific: Option<String>,
    credentials: Option<String>,
    services: Option<Vec<String>>,
    accepting_new_patients: Option<bool>,
    photo: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RawReferring {
    appropriate_for: Option<Vec<String>>,
    phone: Option<String>,
    fax: Option<String>,
    email: Option<String>,
    portal: Option<String>,
    response_time: Option<String>,
    urgent: Option<String>,
    results: Option<String>,
    contacts: Option<Vec<RawContact>>,
}

#[derive(Debug, Deserialize)]
struct RawContact {
    role: Option<String>,
    name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawFaq {
    q: Option<String>,
    a: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawHours {
    days: Option<Vec<String>>,
    opens: Option<String>,
    closes: Option<String>,
}

/// Keys every page has.
#[derive(Debug, Clone, PartialEq)]
pub struct Common {
    pub title: String,
    pub description: Option<String>,
    /// The URL slug: `slug:` if given, else the file name.
    pub slug: Located<String>,
    pub weight: i64,
    pub draft: bool,
    pub updated: Option<String>,
    pub aliases: Vec<Located<String>>,
    pub noindex: bool,
}

/// A page: its source file, common keys and where its Markdown body starts.
#[derive(Debug, Clone, PartialEq)]
pub struct PageDoc {
    pub file: usize,
    pub common: Common,
    pub body_start: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDoc {
    pub page: PageDoc,
    pub specialty: Option<Located<String>>,
    pub checklist: Option<Located<String>>,
    pub locations: Vec<Located<String>>,
    pub referring: Referring,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Referring {
    pub appropriate_for: Vec<String>,
    pub phone: Option<Phone>,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    pub portal: Option<String>,
    pub response_time: Option<String>,
    pub urgent: Option<String>,
    pub results: Option<String>,
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub role: String,
    pub name: String,
    pub phone: Option<Phone>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Routine,
    Priority,
    Urgent,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Routine => "routine",
            Urgency::Priority => "priority",
            Urgency::Urgent => "urgent",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Routine => "Routine",
            Urgency::Priority => "Priority",
            Urgency::Urgent => "Urgent",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Clinician,
    Patient,
    Both,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Clinician => "clinician",
            Audience::Patient => "patient",
            Audience::Both => "both",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Faq {
    pub q: String,
    /// Inline Markdown, rendered later.
    pub a: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReferralDoc {
    pub page: PageDoc,
    pub service: Located<String>,
    pub checklist: Option<Located<String>>,
    pub urgency: Urgency,
    pub audience: Audience,
    pub criteria: Vec<String>,
    pub exclusions: Vec<String>,
    pub faq: Vec<Faq>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Address {
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Geo {
    pub lat: f64,
    pub lng: f64,
}

/// Opening hours: schema.org day codes and 24-hour `HH:MM` times.
#[derive(Debug, Clone, PartialEq)]
pub struct Hours {
    pub days: Vec<&'static str>,
    pub opens: String,
    pub closes: String,
}

pub const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

#[derive(Debug, Clone, PartialEq)]
pub struct LocationDoc {
    pub page: PageDoc,
    pub address: Address,
    pub phone: Option<Phone>,
    pub fax: Option<Phone>,
    pub geo: Option<Geo>,
    pub hours: Vec<Hours>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhysicianDoc {
    pub page: PageDoc,
    pub honorific: Option<String>,
    pub credentials: Option<String>,
    pub services: Vec<Located<String>>,
    pub locations: Vec<Located<String>>,
    pub accepting_new_patients: Option<bool>,
    pub photo: Option<String>,
}

/// A parsed page, before it is wrapped into a [`Document`].
pub enum Parsed {
    Plain(PageDoc),
    Service(ServiceDoc),
    Referral(ReferralDoc),
    Location(LocationDoc),
    Physician(PhysicianDoc),
}

impl Parsed {
    pub fn into_page(self) -> PageDoc {
        match self {
            Parsed::Plain(p) => p,
            Parsed::Service(d) => d.page,
            Parsed::Referral(d) => d.page,
            Parsed::Location(d) => d.page,
            Parsed::Physician(d) => d.page,
        }
    }

    pub fn into_document(self) -> Document {
        match self {
            Parsed::Plain(p) => Document::Page(p),
            Parsed::Service(d) => Document::Service(d),
            Parsed::Referral(d) => Document::Referral(d),
            Parsed::Location(d) => Document::Location(d),
            Parsed::Physician(d) => Document::Physician(d),
        }
    }
}

/// Reads positions in one file's front matter and collects its findings.
pub(crate) struct FileCx<'a> {
    pub file: &'a SourceFile,
    /// Where the YAML starts in the file.
    pub yaml_start: usize,
    pub yaml: &'a str,
    pub diags: Diagnostics,
    /// Indexed on the first finding: most files have none.
    positions: std::cell::OnceCell<yaml::Positions>,
}

impl<'a> FileCx<'a> {
    pub fn new(file: &'a SourceFile, yaml_start: usize, yaml: &'a str) -> Self {
        FileCx {
            file,
            yaml_start,
            yaml,
            diags: Diagnostics::new(),
            positions: std::cell::OnceCell::new(),
        }
    }

    pub fn text(&self) -> &'a str {
        &self.file.text
    }

    fn positions(&self) -> &yaml::Positions {
        self.positions
            .get_or_init(|| yaml::Positions::of(self.yaml))
    }

    /// A finding at the value of `path` (or the key, or the file start).
    pub fn finding(&self, code: Code, path: &[Seg], message: String) -> Diagnostic {
        let (offset, len) = match self.positions().locate(path) {
            Some((_, value, len)) if len > 0 => (self.yaml_start + value, len),
            Some((key, _, _)) => (self.yaml_start + key, key_len(path)),
            None => (0, 0),
        };
        Diagnostic::new(code, message)
            .in_file(self.file.rel.clone())
            .at_offset(self.text(), offset, len)
    }

    /// A finding at the key of `path`.
    pub fn finding_at_key(&self, code: Code, path: &[Seg], message: String) -> Diagnostic {
        let (offset, len) = match self.positions().locate(path) {
            Some((key, _, _)) => (self.yaml_start + key, key_len(path)),
            None => (0, 0),
        };
        Diagnostic::new(code, message)
            .in_file(self.file.rel.clone())
            .at_offset(self.text(), offset, len)
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Reports a value a [`values`] rule refused, at the value: the rule's
    /// code and hint, or E014 with `hint` when it is not of the field's kind.
    pub fn refused(&mut self, path: &[Seg], fault: &Fault, hint: &str) {
        let d = self
            .finding(
                fault.code(Code::InvalidValue),
                path,
                format!("`{}`: {fault}", yaml::path_to_string(path)),
            )
            .with_hint(fault.hint().unwrap_or(hint));
        self.push(d);
    }

    /// `value` with where it is written under `path` (an id, or one item
    /// of a list of ids): the text between its quotes, if quoted.
    pub fn located(&self, path: &[Seg], value: String) -> Located<String> {
        let (offset, len) = match self.positions().find(path) {
            Some(yaml::Found {
                value: Some(node), ..
            }) if !node.is_block() => {
                let raw = self.yaml.get(node.start..node.end).unwrap_or("");
                let quoted =
                    raw.len() >= 2 && raw.starts_with(['"', '\'']) && raw.ends_with(&raw[..1]);
                if quoted {
                    (node.start + 1, raw.len() - 2)
                } else {
                    (node.start, raw.len())
                }
            }
            Some(found) => (found.key_at, 0),
            None => (0, 0),
        };
        Located::new(value, self.yaml_start + offset, len)
    }

    /// Reports YAML that failed to parse.
    pub fn yaml_error(&self, e: &yaml::YamlError) -> Diagnostic {
        let (code, hint) = if e.limit {
            (
                Code::YamlLimit,
                "flatten the nesting and remove repeated `*alias` references",
            )
        } else {
            (
                Code::YamlSyntax,
                "check indentation, and quote values that contain `: ` or start with a special character",
            )
        };
        let offset = self.yaml_start + e.offset.unwrap_or(0);
        Diagnostic::new(code, format!("the YAML here does not parse: {}", e.message))
            .in_file(self.file.rel.clone())
            .at_offset(self.text(), offset, 1)
            .with_hint(hint)
    }

    /// Reports keys the document type did not know, with a hint.
    pub fn unknown_keys(&mut self, unknown: &[Vec<Seg>], allowed_top: &[&str]) {
        for path in unknown {
            let key = match path.last() {
                Some(Seg::Key(k)) => k.clone(),
                _ => continue,
            };
            let parent = path.iter().rev().skip(1).find_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            });
            let allowed: Vec<&str> = match parent {
                None => allowed_top.to_vec(),
                Some(p) => nested_keys(p).to_vec(),
            };
            let shown = yaml::path_to_string(path);
            let d = self
                .finding_at_key(
                    Code::UnknownKey,
                    path,
                    format!("`{shown}` is not a key handoff knows here"),
                )
                .with_hint(did_you_mean(&key, &allowed));
            self.push(d);
        }
    }
}

fn key_len(path: &[Seg]) -> usize {
    match path.last() {
        Some(Seg::Key(k)) => k.len(),
        _ => 1,
    }
}

fn key(k: &str) -> Vec<Seg> {
    vec![Seg::Key(k.to_owned())]
}

/// Parses one Markdown page of the given kind.
pub fn parse_page(index: usize, file: &SourceFile, kind: Kind) -> Result<Parsed, Diagnostics> {
    let text = &file.text;
    let split: Split =
        split_front_matter(text).map_err(|d| Diagnostics::from(d.in_file(file.rel.clone())))?;
    let yaml_text = &text[split.yaml_start..split.yaml_end];
    let mut cx = FileCx::new(file, split.yaml_start, yaml_text);
    let parsed = yaml::parse::<RawFrontMatter>(yaml_text)
        .map_err(|e| Diagnostics::from(cx.yaml_error(&e)))?;
    let raw = parsed.value;

    let mut allowed: Vec<&str> = COMMON_KEYS.to_vec();
    allowed.extend(kind.keys());
    cx.unknown_keys(&parsed.unknown_keys, &allowed);
    for (name, set) in raw_keys_set(&raw) {
        if set && !allowed.contains(&name) {
            let d = cx
                .finding_at_key(
                    Code::UnknownKey,
                    &key(name),
                    format!("`{name}` is not used on {}", kind.name()),
                )
                .with_hint(owner_hint(name));
            cx.push(d);
        }
    }

    let common = common(&mut cx, &raw, split.body_start);
    let page = PageDoc {
        file: index,
        common,
        body_start: split.body_start,
    };
    let result = match kind {
        Kind::Plain => Parsed::Plain(page),
        Kind::Service => Parsed::Service(service(&mut cx, raw, page)),
        Kind::Referral => match referral(&mut cx, raw, page) {
            Some(r) => Parsed::Referral(r),
            None => return Err(cx.diags),
        },
        Kind::Location => Parsed::Location(location(&mut cx, raw, page)),
        Kind::Physician => Parsed::Physician(physician(&mut cx, raw, page)),
    };
    if cx.diags.has_errors() {
        Err(cx.diags)
    } else {
        Ok(result)
    }
}

/// Which kind-specific keys a raw front matter sets.
fn raw_keys_set(raw: &RawFrontMatter) -> [(&'static str, bool); 20] {
    [
        ("specialty", raw.specialty.is_some()),
        ("checklist", raw.checklist.is_some()),
        ("locations", raw.locations.is_some()),
        ("referring", raw.referring.is_some()),
        ("service", raw.service.is_some()),
        ("urgency", raw.urgency.is_some()),
        ("audience", raw.audience.is_some()),
        ("criteria", raw.criteria.is_some()),
        ("exclusions", raw.exclusions.is_some()),
        ("faq", raw.faq.is_some()),
        ("address", raw.address.is_some()),
        ("phone", raw.phone.is_some()),
        ("fax", raw.fax.is_some()),
        ("geo", raw.geo.is_some()),
        ("hours", raw.hours.is_some()),
        ("honorific", raw.honorific.is_some()),
        ("credentials", raw.credentials.is_some()),
        ("services", raw.services.is_some()),
        (
            "accepting_new_patients",
            raw.accepting_new_patients.is_some(),
        ),
        ("photo", raw.photo.is_some()),
    ]
}

fn owner_hint(key: &str) -> String {
    let owners: Vec<&str> = [
        Kind::Service,
        Kind::Referral,
        Kind::Location,
        Kind::Physician,
    ]
    .into_iter()
    .filter(|k| k.keys().contains(&key))
    .map(Kind::name)
    .collect();
    format!(
        "`{key}` belongs on {}; remove it here or move the file",
        owners.join(" and ")
    )
}

fn common(cx: &mut FileCx<'_>, raw: &RawFrontMatter, body_start: usize) -> Common {
    let title = match raw.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_owned(),
        Some(_) => {
            let d = cx
                .finding(Code::MissingField, &key("title"), "`title` is empty".into())
                .with_hint("every page needs a title");
            cx.push(d);
            String::new()
        }
        None => {
            let d = Diagnostic::new(Code::MissingField, "this page has no `title`")
                .in_file(cx.file.rel.clone())
                .at_offset(cx.text(), 0, 3)
                .with_hint("add `title: …` between the `---` lines");
            cx.push(d);
            String::new()
        }
    };
    let slug = match &raw.slug {
        Some(s) => {
            if !is_slug(s) {
                let d = cx
                    .finding(Code::InvalidValue, &key("slug"), format!("`slug: {s}` may only use lower-case letters, digits and `-`"))
                    .with_hint("e.g. `slug: lung-nodule-clinic`; the slug becomes part of the page's address");
                cx.push(d);
            }
            cx.located(&key("slug"), s.clone())
        }
        None => {
            let stem = file_stem(&cx.file.rel).to_owned();
            if !is_slug(&stem) && !stem.starts_with('_') {
                let d = Diagnostic::new(
                    Code::InvalidValue,
                    format!("the file name `{stem}` is not a valid page address (lower-case letters, digits and `-`)"),
                )
                .in_file(cx.file.rel.clone())
                .with_hint("rename the file, or set `slug:` in the front matter");
                cx.push(d);
            }
            Located::new(stem, 0, 0)
        }
    };
    let updated = raw.updated.clone().filter(|u| match values::date(u) {
        Ok(()) => true,
        Err(why) => {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &key("updated"),
                    format!("`updated: {}` is not a date: {why}", u.escape_debug()),
                )
                .with_hint("write a real date as `YYYY-MM-DD`, e.g. `2026-03-01`");
            cx.push(d);
            false
        }
    });
    let mut aliases = Vec::new();
    for (i, a) in raw
        .aliases
        .clone()
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let path = [Seg::Key("aliases".into()), Seg::Index(i)];
        if is_alias_path(&a) {
            // `//host/` would be written as a path, but hosts read the
            // `_redirects` rule, and a link to it, as another site.
            match values::site_path(&a) {
                Ok(()) => aliases.push(cx.located(&path, a)),
                Err(fault) => cx.refused(&path, &fault, values::PATH_HINT),
            }
        } else {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &path,
                    // Escaped: a line break in it must not break the finding.
                    format!("alias `{}` is not a path on this site", a.escape_debug()),
                )
                .with_hint("write old addresses as paths like `/oncology/`, without `..`, spaces or line breaks");
            cx.push(d);
        }
    }
    let _ = body_start;
    Common {
        title,
        description: raw
            .description
            .clone()
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty()),
        slug,
        weight: raw.weight.unwrap_or(0),
        draft: raw.draft.unwrap_or(false),
        updated,
        aliases,
        noindex: raw.noindex.unwrap_or(false),
    }
}

/// An alias is a root-relative path without `..`, queries or fragments.
fn is_alias_path(s: &str) -> bool {
    // Whitespace and control characters would end the line of `_redirects`
    // and start a rule of the writer's making (`/* https://… 200`).
    s.starts_with('/')
        && !s.split('/').any(|seg| seg == ".." || seg == ".")
        && !s.contains(['?', '#', '\\', '"', '<', '>', ' '])
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.len() > 1
}

fn phone_field(cx: &mut FileCx<'_>, path: &[Seg], value: Option<String>) -> Option<Phone> {
    let value = value?;
    match Phone::parse(&value) {
        Ok(p) => Some(p),
        Err(msg) => {
            let d = cx
                .finding(Code::InvalidValue, path, msg)
                .with_hint(phone::HINT);
            cx.push(d);
            None
        }
    }
}

fn email_field(cx: &mut FileCx<'_>, path: &[Seg], value: Option<String>) -> Option<String> {
    let value = value?;
    match values::email(&value) {
        Ok(()) => Some(value),
        Err(fault) => {
            cx.refused(path, &fault, values::EMAIL_HINT);
            None
        }
    }
}

fn ids(cx: &FileCx<'_>, name: &str, list: Option<Vec<String>>) -> Vec<Located<String>> {
    list.unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, v)| cx.located(&[Seg::Key(name.to_owned()), Seg::Index(i)], v))
        .collect()
}

fn service(cx: &mut FileCx<'_>, raw: RawFrontMatter, page: PageDoc) -> ServiceDoc {
    let specialty = raw.specialty.map(|s| {
        if !crate::model::SPECIALTIES.contains(&s.as_str()) {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &key("specialty"),
                    format!("`specialty: {s}` is not a schema.org medical specialty"),
                )
                .with_hint(did_you_mean(&s, &crate::model::SPECIALTIES));
            cx.push(d);
        }
        cx.located(&key("specialty"), s)
    });
    let checklist = raw.checklist.map(|c| cx.located(&key("checklist"), c));
    let locations = ids(cx, "locations", raw.locations);
    let referring = referring(cx, raw.referring.unwrap_or_default());
    ServiceDoc {
        page,
        specialty,
        checklist,
        locations,
        referring,
    }
}

fn referring(cx: &mut FileCx<'_>, raw: RawReferring) -> Referring {
    let RawReferring {
        appropriate_for,
        phone,
        fax,
        email,
        portal,
        response_time,
        urgent,
        results,
        contacts,
    } = raw;
    let at = |k: &str| vec![Seg::Key("referring".into()), Seg::Key(k.into())];
    let portal = portal.filter(|p| match values::url(p, UrlRule::LINK) {
        Ok(_) => true,
        Err(fault) => {
            cx.refused(
                &at("portal"),
                &fault,
                "link the referral portal's `https://` address",
            );
            false
        }
    });
    let contacts = contacts
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let path = |k: &str| vec![Seg::Key("referring".into()), Seg::Key("contacts".into()), Seg::Index(i), Seg::Key(k.into())];
            let (Some(role), Some(name)) = (c.role, c.name) else {
                let d = cx
                    .finding(Code::MissingField, &path("name")[..3], format!("contact {} needs a `role` and a `name`", i + 1))
                    .with_hint("e.g. `{ role: Referral coordinator, name: Dana Ortiz, phone: \"+1-555-010-0142\" }`");
                cx.push(d);
                return None;
            };
            Some(Contact { role, name, phone: phone_field(cx, &path("phone"), c.phone), email: email_field(cx, &path("email"), c.email) })
        })
        .collect();
    Referring {
        appropriate_for: appropriate_for.unwrap_or_default(),
        phone: phone_field(cx, &at("phone"), phone),
        fax: phone_field(cx, &at("fax"), fax),
        email: email_field(cx, &at("email"), email),
        portal,
        response_time,
        urgent,
        results,
        contacts,
    }
}

fn referral(cx: &mut FileCx<'_>, raw: RawFrontMatter, page: PageDoc) -> Option<ReferralDoc> {
    let Some(service) = raw.service else {
        let d = Diagnostic::new(
            Code::MissingField,
            "a referral reason needs `service:`, the service line it belongs to",
        )
        .in_file(cx.file.rel.clone())
        .at_offset(cx.text(), 0, 3)
        .with_hint("add e.g. `service: thoracic-oncology` (a file name in `content/services/`)");
        cx.push(d);
        return None;
    };
    let service = cx.located(&key("service"), service);
    let checklist = raw.checklist.map(|c| cx.located(&key("checklist"), c));
    let urgency = match raw.urgency.as_deref() {
        None | Some("routine") => Urgency::Routine,
        Some("priority") => Urgency::Priority,
        Some("urgent") => Urgency::Urgent,
        Some(other) => {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &key("urgency"),
                    format!("`urgency: {other}` is not an urgency level"),
                )
                .with_hint(did_you_mean(other, &["routine", "priority", "urgent"]));
            cx.push(d);
            Urgency::Routine
        }
    };
    let audience = match raw.audience.as_deref() {
        None | Some("both") => Audience::Both,
        Some("clinician") => Audience::Clinician,
        Some("patient") => Audience::Patient,
        Some(other) => {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &key("audience"),
                    format!("`audience: {other}` is not an audience"),
                )
                .with_hint(did_you_mean(other, &["clinician", "patient", "both"]));
            cx.push(d);
            Audience::Both
        }
    };
    let faq = raw
        .faq
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| match (f.q, f.a) {
            (Some(q), Some(a)) => Some(Faq { q, a }),
            _ => {
                let d = cx
                    .finding(
                        Code::MissingField,
                        &[Seg::Key("faq".into()), Seg::Index(i)],
                        format!("question {} of `faq` needs both `q` and `a`", i + 1),
                    )
                    .with_hint("write each entry as `- q: …` with `a: …` below it");
                cx.push(d);
                None
            }
        })
        .collect();
    Some(ReferralDoc {
        page,
        service,
        checklist,
        urgency,
        audience,
        criteria: raw.criteria.unwrap_or_default(),
        exclusions: raw.exclusions.unwrap_or_default(),
        faq,
    })
}

fn location(cx: &mut FileCx<'_>, raw: RawFrontMatter, page: PageDoc) -> LocationDoc {
    let address = raw.address.unwrap_or_else(|| {
        let d = Diagnostic::new(Code::MissingField, "a location needs an `address`")
            .in_file(cx.file.rel.clone())
            .at_offset(cx.text(), 0, 3)
            .with_hint(
                "add `address: { street: …, city: …, region: …, postal_code: \"…\", country: US }`",
            );
        cx.push(d);
        Address {
            street: None,
            city: None,
            region: None,
            postal_code: None,
            country: None,
        }
    });
    if let Some(geo) = raw.geo {
        for (name, value, limit) in [("lat", geo.lat, 90.0), ("lng", geo.lng, 180.0)] {
            if !(-limit..=limit).contains(&value) {
                let d = cx
                    .finding(
                        Code::InvalidValue,
                        &[Seg::Key("geo".into()), Seg::Key(name.into())],
                        format!("`{name}: {value}` is not on Earth"),
                    )
                    .with_hint("latitude (`lat`) is -90 to 90, longitude (`lng`) -180 to 180");
                cx.push(d);
            }
        }
    }
    let hours = raw
        .hours
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, h)| hours_entry(cx, i, h))
        .collect();
    let phone = phone_field(cx, &key("phone"), raw.phone);
    let fax = phone_field(cx, &key("fax"), raw.fax);
    LocationDoc {
        page,
        address,
        phone,
        fax,
        geo: raw.geo,
        hours,
    }
}

/// One row of `hours`. Each wrong value is one finding at that value; a
/// row whose days or times were all reported is not reported again as
/// incomplete.
fn hours_entry(cx: &mut FileCx<'_>, i: usize, h: RawHours) -> Option<Hours> {
    let at = |rest: &[Seg]| {
        let mut path = vec![Seg::Key("hours".into()), Seg::Index(i)];
        path.extend_from_slice(rest);
        path
    };
    let mut days = Vec::new();
    for (j, day) in h.days.clone().unwrap_or_default().iter().enumerate() {
        match DAYS.iter().find(|d| **d == day.as_str()) {
            Some(d) => days.push(*d),
            None => {
                let hint = match crate::diag::closest(day, DAYS) {
                    Some(c) => format!("did you mean `{c}`? Days are Mo, Tu, We, Th, Fr, Sa, Su"),
                    None => "use Mo, Tu, We, Th, Fr, Sa, Su".to_owned(),
                };
                let d = cx
                    .finding(
                        Code::InvalidValue,
                        &at(&[Seg::Key("days".into()), Seg::Index(j)]),
                        format!("`{}` is not a day code", day.escape_debug()),
                    )
                    .with_hint(hint);
                cx.push(d);
            }
        }
    }
    let mut time = |key: &str, value: Option<String>| {
        let value = value?;
        if is_time(&value) {
            return Some(value);
        }
        let d = cx
            .finding(
                Code::InvalidValue,
                &at(&[Seg::Key(key.to_owned())]),
                format!(
                    "`{key}: {}` is not a time on a 24-hour clock",
                    value.escape_debug()
                ),
            )
            .with_hint("write it as `HH:MM`, e.g. `08:00` or `17:30`");
        cx.push(d);
        None
    };
    let (had_opens, had_closes) = (h.opens.is_some(), h.closes.is_some());
    let opens = time("opens", h.opens);
    let closes = time("closes", h.closes);
    if let (Some(opens), Some(closes), false) = (&opens, &closes, days.is_empty()) {
        return Some(Hours {
            days,
            opens: opens.clone(),
            closes: closes.clone(),
        });
    }
    let missing: Vec<&str> = [
        ("days", h.days.as_ref().is_none_or(Vec::is_empty)),
        ("opens", !had_opens),
        ("closes", !had_closes),
    ]
    .into_iter()
    .filter_map(|(k, gone)| gone.then_some(k))
    .collect();
    // Without a missing key, every fault of this row was reported above.
    if !missing.is_empty() {
        let d = cx
            .finding_at_key(
                Code::MissingField,
                &at(&[]),
                format!("hours entry {} has no `{}`", i + 1, missing.join("`, `")),
            )
            .with_hint(
                "e.g. `{ days: [Mo, Tu, We, Th, Fr], opens: \"08:00\", closes: \"17:00\" }`",
            );
        cx.push(d);
    }
    None
}

/// `HH:MM` on a 24-hour clock.
fn is_time(s: &str) -> bool {
    let Some((h, m)) = s.split_once(':') else {
        return false;
    };
    h.len() == 2
        && m.len() == 2
        && h.parse::<u32>().is_ok_and(|h| h < 24)
        && m.parse::<u32>().is_ok_and(|m| m < 60)
}

fn physician(cx: &mut FileCx<'_>, raw: RawFrontMatter, page: PageDoc) -> PhysicianDoc {
    PhysicianDoc {
        page,
        honorific: raw.honorific,
        credentials: raw.credentials,
        services: ids(cx, "services", raw.services),
        locations: ids(cx, "locations", raw.locations),
        accepting_new_patients: raw.accepting_new_patients,
        photo: raw.photo.filter(|photo| {
            let hint = "use a path under `static/`, e.g. `/images/physicians/ana-ruiz.jpg`";
            if crate::render::markdown::is_unsafe_target(photo) {
                let d = cx
                    .finding(
                        Code::InvalidValue,
                        &key("photo"),
                        "`photo` would run a script or hide content".to_owned(),
                    )
                    .with_hint(hint);
                cx.push(d);
                return false;
            }
            match values::link(photo) {
                Ok(()) => true,
                Err(fault) => {
                    cx.refused(&key("photo"), &fault, hint);
                    false
                }
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Section, SourceKind};

    fn file(rel: &str, text: &str) -> SourceFile {
        SourceFile {
            rel: rel.to_owned(),
            kind: SourceKind::Entry(Section::Referrals),
            text: text.into(),
        }
    }

    #[test]
    fn unknown_key_is_reported_at_its_line_with_a_hint() {
        let f = file("content/about.md", "---\ntitle: A\ntitel: B\n---\n");
        let diags = parse_page(0, &f, Kind::Plain).err().unwrap();
        let d = diags.iter().next().unwrap();
        assert_eq!(d.code, Code::UnknownKey);
        assert_eq!(d.span.unwrap().line, 3);
        assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn keys_of_another_kind_are_refused() {
        let f = file("content/about.md", "---\ntitle: A\nurgency: routine\n---\n");
        let diags = parse_page(0, &f, Kind::Plain).err().unwrap();
        assert!(
            diags
                .iter()
                .next()
                .unwrap()
                .hint
                .as_deref()
                .unwrap()
                .contains("referral reasons")
        );
    }

    #[test]
    fn referral_values_are_validated_with_positions() {
        let f = file(
            "content/referrals/x.md",
            "---\ntitle: A\nservice: onc\nurgency: soon\n---\n",
        );
        let diags = parse_page(0, &f, Kind::Referral).err().unwrap();
        let d = diags.iter().next().unwrap();
        assert_eq!(
            (d.code, d.span.unwrap().line, d.span.unwrap().col),
            (Code::InvalidValue, 4, 10)
        );
    }

    #[test]
    fn yaml_errors_are_positioned_in_the_file() {
        let f = file("content/about.md", "---\ntitle: A\nweight: [1\n---\n");
        let d = parse_page(0, &f, Kind::Plain)
            .err()
            .unwrap()
            .into_vec()
            .remove(0);
        assert_eq!(d.code, Code::YamlSyntax);
        assert!(d.span.unwrap().line >= 3, "{d:?}");
    }

    #[test]
    fn aliases_are_site_paths() {
        assert!(is_alias_path("/oncology/"));
        assert!(!is_alias_path("/../etc/"));
        assert!(!is_alias_path("oncology"));
    }
}
