//! The findings of one content file, placed where a writer fixes them: at
//! the key or value of a YAML path (`referring.contacts[0].email`), found
//! through [`yaml::Positions`] only when there is a finding to place. Also
//! the checks of values every kind of file shares (phones, emails, lists
//! of ids).

use super::Located;
use super::yaml::{self, Seg};
use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::phone::{self, Phone};
use crate::source::SourceFile;
use crate::values::{self, Fault};

/// Reads positions in one file's front matter and collects its findings.
pub(crate) struct FileCx<'a> {
    pub file: &'a SourceFile,
    /// Where the YAML starts in the file.
    pub yaml_start: usize,
    pub yaml: &'a str,
    pub diags: Diagnostics,
    /// Top-level keys that were written but could not be read: a value of
    /// the wrong kind, or a misspelling of the key. "No `title`" would
    /// only repeat the finding already made about it.
    pub unreadable: Vec<String>,
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
            unreadable: Vec::new(),
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

    /// Whether `key` is missing because it was not written at all.
    pub fn absent(&self, key: &str) -> bool {
        !self.unreadable.iter().any(|k| k == key)
    }

    /// The text and kind of the value at `path`, if it is written.
    pub fn node(&self, path: &[Seg]) -> Option<(&'a str, &yaml::NodeKind)> {
        let node = self.positions().find(path)?.value?;
        let text = self.yaml.get(node.start..node.end).unwrap_or("");
        Some((text, &node.kind))
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

    /// `value`, an id written as a key (`by_location: { valley: … }`),
    /// located at that key of `path`.
    pub fn located_key(&self, path: &[Seg], value: String) -> Located<String> {
        let (offset, len) = match self.positions().locate(path) {
            Some((key, _, _)) => (self.yaml_start + key, value.len()),
            None => (0, 0),
        };
        Located::new(value, offset, len)
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

    /// Reports keys the file's type does not know, each with a hint from
    /// the keys allowed where it stands: `top` at the top level, `nested`
    /// of its parent key inside a block.
    pub fn unknown_keys(
        &mut self,
        unknown: &[Vec<Seg>],
        top: &[&str],
        nested: fn(&str) -> &'static [&'static str],
    ) {
        for path in unknown {
            let key = match path.last() {
                Some(Seg::Key(k)) => k.clone(),
                _ => continue,
            };
            let mut parents = path.iter().rev().skip(1).filter_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            });
            let allowed: &[&str] = match parents.next() {
                None => top,
                // A block under an id (`by_location: { valley: … }`) has
                // the keys of the map of ids that holds it.
                Some(p) => match nested(p) {
                    [] => parents.next().map_or(&[][..], nested),
                    keys => keys,
                },
            };
            let shown = yaml::path_to_string(path);
            let d = self
                .finding_at_key(
                    Code::UnknownKey,
                    path,
                    format!("`{shown}` is not a key handoff knows here"),
                )
                .with_hint(did_you_mean(&key, allowed));
            self.push(d);
        }
    }

    /// A phone number, or a finding at it.
    pub fn phone(&mut self, path: &[Seg], value: Option<String>) -> Option<Phone> {
        let value = value?;
        match Phone::parse(&value) {
            Ok(p) => Some(p),
            Err(msg) => {
                let d = self
                    .finding(Code::InvalidValue, path, msg)
                    .with_hint(phone::HINT);
                self.push(d);
                None
            }
        }
    }

    /// An image under the top-level key `name`: a path of the site or an
    /// https address, never one that runs script; else a finding at it.
    pub fn image(&mut self, name: &str, value: Option<String>, hint: &str) -> Option<String> {
        let value = value?;
        if values::is_unsafe_target(&value) {
            let d = self
                .finding(
                    Code::InvalidValue,
                    &key(name),
                    format!("`{name}` would run a script or hide content"),
                )
                .with_hint(hint);
            self.push(d);
            return None;
        }
        match values::link(&value) {
            Ok(()) => Some(value),
            Err(fault) => {
                self.refused(&key(name), &fault, hint);
                None
            }
        }
    }

    /// A plain email address, or a finding at it.
    pub fn email(&mut self, path: &[Seg], value: Option<String>) -> Option<String> {
        let value = value?;
        match values::email(&value) {
            Ok(()) => Some(value),
            Err(fault) => {
                self.refused(path, &fault, values::EMAIL_HINT);
                None
            }
        }
    }

    /// `value`, a key of a mapping (a location id under `by_location`),
    /// with where the key at `path` is written.
    pub fn key_located(&self, path: &[Seg], value: String) -> Located<String> {
        let offset = self.positions().find(path).map_or(0, |f| f.key_at);
        let len = value.len();
        Located::new(value, self.yaml_start + offset, len)
    }

    /// A list of ids under key `name`, each with where it is written.
    pub fn ids(&self, name: &str, list: Option<Vec<String>>) -> Vec<Located<String>> {
        list.unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, v)| self.located(&[Seg::Key(name.to_owned()), Seg::Index(i)], v))
            .collect()
    }
}

fn key_len(path: &[Seg]) -> usize {
    match path.last() {
        Some(Seg::Key(k)) => k.len(),
        _ => 1,
    }
}

/// The path of a top-level key.
pub(crate) fn key(k: &str) -> Vec<Seg> {
    vec![Seg::Key(k.to_owned())]
}
