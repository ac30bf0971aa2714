//! A `serve` session: the last good build, held in memory, and how an edit
//! turns into the next one.
//!
//! An edit to the Markdown body of a page (its front matter unchanged)
//! re-renders only the pages that show that body; any other change (front
//! matter, checklists, templates, CSS, static files, site.toml, files added
//! or removed) rebuilds the site in memory and diffs it against the last
//! one. A failed rebuild leaves the last good site in place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::Diagnostics;
use crate::forms::FormKind;
use crate::model::Page;
use crate::output::MemorySink;
use crate::view::RenderOptions;
use crate::{BuildError, BuildOptions, Prepared, prepare, render, source};

/// Files of the served site by output path (`services/x/index.html`).
pub type Files = BTreeMap<String, Arc<Vec<u8>>>;

/// What an edit changed in the served site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Output paths whose bytes changed, were added or removed.
    pub files: Vec<String>,
    /// Only stylesheets changed: the browser can swap them without a reload.
    pub css_only: bool,
    /// How many pages were rendered for this change.
    pub rendered: usize,
}

pub struct Session {
    opts: BuildOptions,
    render: RenderOptions,
    prepared: Prepared,
    files: Files,
}

/// Why a (re)build did not produce a site.
pub enum Failure {
    Findings(Diagnostics),
    Fatal(String),
}

impl From<BuildError> for Failure {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Findings(d) => Failure::Findings(d),
            BuildError::Usage(m) => Failure::Fatal(m),
            BuildError::Io(e) => Failure::Fatal(format!("{e:#}")),
        }
    }
}

fn build(opts: &BuildOptions, render_opts: RenderOptions) -> Result<(Prepared, Files), Failure> {
    let mut timings = Vec::new();
    let prepared = prepare(opts, &mut timings)?;
    let sink = MemorySink::default();
    let (_, all) = prepared
        .render_into(render_opts.local_intake, &sink)
        .map_err(|e| Failure::Fatal(format!("{e:#}")))?;
    if all.has_errors() {
        return Err(Failure::Findings(all));
    }
    let files = sink
        .into_files()
        .into_iter()
        .map(|(k, v)| (k, Arc::new(v)))
        .collect();
    Ok((prepared, files))
}

impl Session {
    /// The first build.
    pub fn start(opts: BuildOptions, render: RenderOptions) -> Result<Session, Failure> {
        let (prepared, files) = build(&opts, render)?;
        Ok(Session {
            opts,
            render,
            prepared,
            files,
        })
    }

    pub fn files(&self) -> &Files {
        &self.files
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// Warnings of the current site.
    pub fn warnings(&self) -> &Diagnostics {
        &self.prepared.warnings
    }

    /// The JSON Schema of a form, for the local intake sink.
    pub fn schema(&self, kind: FormKind) -> Option<serde_json::Value> {
        crate::forms::schema(&self.prepared.site, kind)
    }

    /// Applies edits to the given paths (absolute or under the root).
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Change, Failure> {
        if let Some(change) = self.try_body_only(changed)? {
            return Ok(change);
        }
        let (prepared, files) = build(&self.opts, self.render)?;
        let change = diff(&self.files, &files, prepared.site.pages.len());
        self.prepared = prepared;
        self.files = files;
        Ok(change)
    }

    /// The fast path: only Markdown bodies changed. `None` when it does not apply.
    fn try_body_only(&mut self, changed: &[PathBuf]) -> Result<Option<Change>, Failure> {
        let mut updates: Vec<(usize, String)> = Vec::new();
        for path in changed {
            let rel = crate::diag::display_path(&self.opts.root, path);
            let known = self
                .prepared
                .sources
                .files
                .iter()
                .position(|f| f.rel == rel);
            // An editor's temporary file, already renamed over the real one.
            if known.is_none() && !path.exists() {
                continue;
            }
            let Some(index) = known else { return Ok(None) };
            let old = &self.prepared.sources.files[index];
            if !rel.ends_with(".md") || !path.is_file() {
                return Ok(None);
            }
            let text = match source::read_text(path) {
                Ok(t) => t,
                Err(_) => return Ok(None),
            };
            let (Ok(old_split), Ok(new_split)) = (
                crate::content::split_front_matter(&old.text),
                crate::content::split_front_matter(&text),
            ) else {
                return Ok(None);
            };
            if old.text[..old_split.body_start] != text[..new_split.body_start] {
                return Ok(None);
            }
            updates.push((index, text));
        }
        if updates.is_empty() {
            return Ok(None);
        }
        let mut sources = self.prepared.sources.clone();
        for (index, text) in &updates {
            sources.files[*index].text = text.as_str().into();
        }
        let pages: Vec<&Page> = self
            .prepared
            .site
            .pages
            .iter()
            .filter(|p| {
                p.body
                    .is_some_and(|(f, _)| updates.iter().any(|(i, _)| *i == f))
            })
            .collect();
        let sink = MemorySink::default();
        let p = &self.prepared;
        let diags = render::render_pages(
            &p.site,
            &sources,
            &p.templates,
            &p.assets,
            self.render,
            &pages,
            &sink,
        )
        .map_err(|e| Failure::Fatal(format!("{e:#}")))?;
        if diags.has_errors() {
            return Err(Failure::Findings(diags));
        }
        let rendered = pages.len();
        let mut files = Vec::new();
        for (rel, bytes) in sink.into_files() {
            if self.files.get(&rel).is_none_or(|old| **old != bytes) {
                files.push(rel.clone());
                self.files.insert(rel, Arc::new(bytes));
            }
        }
        self.prepared.sources = sources;
        Ok(Some(Change {
            files,
            css_only: false,
            rendered,
        }))
    }
}

/// What differs between two builds.
fn diff(old: &Files, new: &Files, rendered: usize) -> Change {
    let mut files: Vec<String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    files.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
    files.sort();
    // A stylesheet's hashed name changes with its content, and every page
    // links the new name: pages whose only change is that link still count
    // as a CSS-only change.
    let css_only = !files.is_empty()
        && files.iter().all(|f| {
            f.ends_with(".css")
                || (f.ends_with(".html")
                    && old
                        .get(f)
                        .zip(new.get(f))
                        .is_some_and(|(a, b)| same_but_css_links(a, b)))
        });
    Change {
        files,
        css_only,
        rendered,
    }
}

/// Two pages equal once their `/css/<name>.<hash>.css` links are ignored.
fn same_but_css_links(a: &[u8], b: &[u8]) -> bool {
    fn strip(s: &[u8]) -> Vec<u8> {
        let text = String::from_utf8_lossy(s);
        let mut out = String::with_capacity(text.len());
        let mut rest: &str = &text;
        while let Some(i) = rest.find("/css/") {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            let end = tail.find(".css").map_or(tail.len(), |e| e + 4);
            rest = &tail[end..];
        }
        out.push_str(rest);
        out.into_bytes()
    }
    strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Files {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), Arc::new(v.as_bytes().to_vec())))
            .collect()
    }

    #[test]
    fn css_changes_are_told_apart_from_page_changes() {
        let old = files(&[
            ("css/site.aaaa.css", "a{}"),
            ("index.html", "<link href=/css/site.aaaa.css>Hi"),
        ]);
        let css = files(&[
            ("css/site.bbbb.css", "b{}"),
            ("index.html", "<link href=/css/site.bbbb.css>Hi"),
        ]);
        let change = diff(&old, &css, 1);
        assert!(change.css_only, "{change:?}");
        assert_eq!(
            change.files,
            ["css/site.aaaa.css", "css/site.bbbb.css", "index.html"]
        );
        let page = files(&[
            ("css/site.aaaa.css", "a{}"),
            ("index.html", "<link href=/css/site.aaaa.css>Hello"),
        ]);
        assert!(!diff(&old, &page, 1).css_only);
        assert!(diff(&old, &old, 1).files.is_empty());
    }
}
