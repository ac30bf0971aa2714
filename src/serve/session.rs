//! A `serve` session: the last good build, held in memory, and how an edit
//! turns into the next one.
//!
//! Three paths, fastest first:
//! - an edit to the Markdown body of a page (its front matter unchanged)
//!   re-renders only the pages that show that body;
//! - an edit to existing content files (front matter, checklists) parses
//!   those files again, resolves the model again and re-renders the pages
//!   that read what changed ([`super::deps`]);
//! - anything else (templates, CSS, static files, site.toml, files added or
//!   removed) rebuilds the site in memory and diffs it against the last one.
//!
//! On the second path the pages open in a browser are rendered as soon as
//! the model is resolved and the browser told; then the session works out
//! which other pages the edit touches and renders them
//! ([`Session::apply_open_first`]): a checklist that 20,000 pages show
//! reloads the page being looked at in the time of one page, and the
//! server holds a request for any other page until they are rendered.
//!
//! A failed rebuild leaves the last good site in place; when the later
//! pages of such an edit fail, the open pages keep the edit, the others
//! their last good version, and the next edit rebuilds the whole site.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::intake::Expected;
use crate::diag::Diagnostics;
use crate::forms::FormKind;
use crate::output::{MemorySink, output_file};
use crate::render::RenderOptions;
use crate::render::reads::Reads;
use crate::{BuildError, BuildOptions, Prepared, prepare, render, source};

/// Files of the served site by output path (`services/x/index.html`).
pub type Files = BTreeMap<String, Arc<Vec<u8>>>;

/// Where the local sink lands a submission that names a service line (a
/// referral) or a trial (an appointment request), by slug.
#[derive(Debug, Default)]
pub struct ThanksPages {
    pub services: BTreeMap<String, String>,
    pub trials: BTreeMap<String, String>,
}

/// What an edit changed in the served site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Output paths whose bytes changed, were added or removed.
    pub files: Vec<String>,
    /// Only stylesheets changed: the browser can swap them without a reload.
    pub css_only: bool,
    /// How many pages were rendered for this change.
    pub rendered: usize,
    /// Pages the change may touch that are not rendered yet: set only
    /// while the pages open in a browser come first.
    pub pending: Pending,
}

/// The pages of a change still rendering, which the server holds requests
/// for rather than answer with the page from before the edit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Pending {
    /// The change is complete.
    #[default]
    Nothing,
    /// Every page but these (output paths), which are rendered: which of
    /// the others an edit touches is worked out after the pages open in a
    /// browser are rendered, so the browser need not wait for it.
    PagesBut(BTreeSet<String>),
}

impl Pending {
    /// Whether a request for the output file `file` waits.
    pub fn holds(&self, file: &str) -> bool {
        match self {
            Pending::Nothing => false,
            // A page's output file is `.html` (`output_file`); the
            // stylesheets, scripts and pictures a page loads never wait.
            Pending::PagesBut(rendered) => file.ends_with(".html") && !rendered.contains(file),
        }
    }
}

/// A content file an edit replaced, by source index: its previous text
/// and, when the new text parsed, its previous document.
type Edited = (usize, Arc<str>, Option<crate::content::Document>);

/// Pages rendered into memory, and what each read.
struct Rendered {
    files: BTreeMap<String, Vec<u8>>,
    reads: Vec<Reads>,
}

pub struct Session {
    opts: BuildOptions,
    render: RenderOptions,
    prepared: Prepared,
    files: Files,
    /// What each page of the site read when it was last rendered, by page
    /// index: an edit renders again the pages that read what it changed.
    reads: Vec<Reads>,
    /// What the local intake sink checks each form's posts against;
    /// computed when the site model changes, not on every edit.
    schemas: Vec<(FormKind, Arc<Expected>)>,
    /// An edit's later pages did not render: the session is between two
    /// sites, and the next edit rebuilds the whole site.
    unfinished: bool,
}

/// A JSON Schema per form, or the names a CRM backend keeps.
fn schemas(site: &crate::model::Site) -> Vec<(FormKind, Arc<Expected>)> {
    // Only a CRM backend is checked by names; the sheet builds a form for
    // every service and reason, so a webhook site never pays for it.
    let crm = site
        .config
        .intake
        .as_ref()
        .map(|i| i.backend)
        .filter(|b| b.profile().digest().is_some());
    let sheet = crm.and_then(|_| crate::forms::delivery::sheet(site));
    FormKind::ALL
        .iter()
        .filter_map(|&k| {
            let names = crm.zip(sheet.as_ref()).and_then(|(backend, sheet)| {
                let form = sheet.forms.iter().find(|f| f.form == k)?;
                let names = form.fields.iter().map(|f| f.name.clone()).collect();
                Some(Expected::Names { backend, names })
            });
            names
                .or_else(|| crate::forms::schema(site, k).map(Expected::Schema))
                .map(|e| (k, Arc::new(e)))
        })
        .collect()
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

/// A whole build, in memory.
struct Build {
    prepared: Prepared,
    files: Files,
    reads: Vec<Reads>,
}

fn build(opts: &BuildOptions, render_opts: RenderOptions) -> Result<Build, Failure> {
    let mut timings = Vec::new();
    let prepared = prepare(opts, &mut timings)?;
    let sink = MemorySink::default();
    let rendered = prepared
        .render_into(render_opts.local_intake, &sink)
        .map_err(|e| Failure::Fatal(format!("{e:#}")))?;
    if rendered.diagnostics.has_errors() {
        return Err(Failure::Findings(rendered.diagnostics));
    }
    let files = sink
        .into_files()
        .into_iter()
        .map(|(k, v)| (k, Arc::new(v)))
        .collect();
    Ok(Build {
        prepared,
        files,
        reads: rendered.reads,
    })
}

impl Session {
    /// The first build.
    pub fn start(opts: BuildOptions, render: RenderOptions) -> Result<Session, Failure> {
        let Build {
            prepared,
            files,
            reads,
        } = build(&opts, render)?;
        Ok(Session {
            opts,
            render,
            schemas: schemas(&prepared.site),
            prepared,
            files,
            reads,
            unfinished: false,
        })
    }

    pub fn files(&self) -> &Files {
        &self.files
    }

    /// `base_url`'s path, under which the site is served.
    pub fn prefix(&self) -> &str {
        self.prepared.site.config.base_url.path()
    }

    /// Each service line's and each trial's thanks page, by slug.
    pub fn thanks_pages(&self) -> ThanksPages {
        let site = &self.prepared.site;
        ThanksPages {
            services: site
                .services
                .iter()
                .map(|s| (s.slug.clone(), s.thanks_path()))
                .collect(),
            trials: site
                .trials
                .iter()
                .map(|t| (t.slug.clone(), t.thanks_path()))
                .collect(),
        }
    }

    /// How many pages the site has (the files include assets too).
    pub fn pages(&self) -> usize {
        self.prepared.site.pages.len()
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// Warnings of the current site.
    pub fn warnings(&self) -> &Diagnostics {
        &self.prepared.warnings
    }

    /// What the local intake sink checks a form's posts against.
    pub fn schema(&self, kind: FormKind) -> Option<Arc<Expected>> {
        self.schemas
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| Arc::clone(s))
    }

    /// Applies edits to the given paths (absolute or under the root).
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Change, Failure> {
        self.apply_open_first(changed, &BTreeSet::new(), &mut |_, _| {})
    }

    /// [`Session::apply`], rendering first the pages open in a browser
    /// (`open`, output paths such as `services/x/index.html`): when an edit
    /// touches more pages than those, `first` is told what changed as soon
    /// as they are rendered (its `pending` pages follow), then the call
    /// renders the rest and returns the whole change.
    pub fn apply_open_first(
        &mut self,
        changed: &[PathBuf],
        open: &BTreeSet<String>,
        first: &mut dyn FnMut(&Session, &Change),
    ) -> Result<Change, Failure> {
        if !self.unfinished {
            if let Some(change) = self.try_body_only(changed)? {
                return Ok(change);
            }
            if let Some(change) = self.try_content(changed, open, first)? {
                return Ok(change);
            }
            if let Some(change) = self.try_theme_assets(changed)? {
                return Ok(change);
            }
        }
        let next = build(&self.opts, self.render)?;
        let change = diff(&self.files, &next.files, next.prepared.site.pages.len());
        self.schemas = schemas(&next.prepared.site);
        self.prepared = next.prepared;
        self.files = next.files;
        self.reads = next.reads;
        self.unfinished = false;
        Ok(change)
    }

    /// The new texts of the changed files, by source index, when every
    /// change is to the Markdown body of a known page; `None` otherwise.
    fn body_edits(&self, changed: &[PathBuf]) -> Option<Vec<(usize, String)>> {
        let files = &self.prepared.sources.files;
        let mut updates: Vec<(usize, String)> = Vec::new();
        for path in changed {
            let rel = crate::diag::display_path(&self.opts.root, path);
            let known = files.iter().position(|f| f.rel == rel);
            // An editor's temporary file, already renamed over the real one.
            if known.is_none() && !path.exists() {
                continue;
            }
            let index = known?;
            let old = &files[index];
            if !rel.ends_with(".md") || !path.is_file() {
                return None;
            }
            let text = source::read_site_text(&self.opts.root, path).ok()?;
            // The content path reports it, as a build would.
            if crate::content::too_much_markup(&rel, &text).is_some() {
                return None;
            }
            let old_split = crate::content::split_front_matter(&old.text).ok()?;
            let new_split = crate::content::split_front_matter(&text).ok()?;
            if old.text[..old_split.body_start] != text[..new_split.body_start] {
                return None;
            }
            updates.push((index, text));
        }
        (!updates.is_empty()).then_some(updates)
    }

    /// The fast path: only Markdown bodies changed. `None` when it does not apply.
    fn try_body_only(&mut self, changed: &[PathBuf]) -> Result<Option<Change>, Failure> {
        let Some(updates) = self.body_edits(changed) else {
            return Ok(None);
        };
        // The new texts go into the source set in place (no copy of a
        // 10,000-file set per keystroke) and back out if the render fails.
        let mut previous = Vec::with_capacity(updates.len());
        for (index, text) in &updates {
            let old = std::mem::replace(
                &mut self.prepared.sources.files[*index].text,
                text.as_str().into(),
            );
            previous.push((*index, old));
        }
        let p = &self.prepared;
        let pages: Vec<usize> = (0..p.site.pages.len())
            .filter(|&k| {
                p.site.pages[k]
                    .body
                    .is_some_and(|(f, _)| updates.iter().any(|(i, _)| *i == f))
            })
            .collect();
        match self.render_some(&p.site, &pages, None, false) {
            Ok(rendered) => Ok(Some(self.commit(&pages, rendered))),
            Err(f) => {
                for (index, old) in previous {
                    self.prepared.sources.files[index].text = old;
                }
                Err(f)
            }
        }
    }
}

impl Session {
    /// Edits to existing content files only. `None` when it does not apply.
    ///
    /// The pages open in a browser (`open`, output paths) are rendered
    /// first and `first` is told, so the browser can reload while the rest
    /// of the pages the edit touched render (Hugo's server does the same).
    fn try_content(
        &mut self,
        changed: &[PathBuf],
        open: &BTreeSet<String>,
        first: &mut dyn FnMut(&Session, &Change),
    ) -> Result<Option<Change>, Failure> {
        let Some(edits) = self.content_edits(changed) else {
            return Ok(None);
        };
        // The new texts and documents go into the session in place (no copy
        // of a 10,000-file set per keystroke) and back out on a failure.
        let mut findings = Diagnostics::new();
        let mut previous = Vec::with_capacity(edits.len());
        for (index, text) in edits {
            let file = &mut self.prepared.sources.files[index];
            let old_text = std::mem::replace(&mut file.text, text.as_str().into());
            match crate::content::parse_file(index, file) {
                Ok(doc) => {
                    let old_doc = std::mem::replace(&mut self.prepared.docs[index], doc);
                    previous.push((index, old_text, Some(old_doc)));
                }
                Err(d) => {
                    findings.extend(d);
                    previous.push((index, old_text, None));
                }
            }
        }
        let changed_files: BTreeSet<usize> = previous.iter().map(|(i, ..)| *i).collect();
        let outcome = if findings.has_errors() {
            Err(Failure::Findings(findings))
        } else {
            self.resolve_edited()
        };
        let site = match outcome {
            Ok(Some(site)) => site,
            other => {
                self.restore(previous);
                return other.map(|_| None);
            }
        };
        // The open pages first, whether or not the edit touches them (a
        // page rendered again renders the same bytes): which pages it
        // touches is worked out after the browser is told.
        let now = pages_at(&site, open);
        let early = match self.render_some(&site, &now, Some(&changed_files), false) {
            Ok(early) => early,
            Err(f) => {
                self.restore(previous);
                return Err(f);
            }
        };
        // The edit holds: the new site is the session's, and until the
        // other pages are rendered they are held.
        let old = std::mem::replace(&mut self.prepared.site, site);
        let early = self.commit(&now, early);
        self.unfinished = true;
        first(
            self,
            &Change {
                pending: Pending::PagesBut(early_files(&self.prepared.site, &now)),
                ..early.clone()
            },
        );
        let rest: Vec<usize> =
            super::deps::touched(&old, &self.prepared.site, &changed_files, &self.reads)
                .into_iter()
                .filter(|k| !now.contains(k))
                .collect();
        // Freeing a large site takes milliseconds; where no thread can
        // start, it is freed here.
        let _ = std::thread::Builder::new().spawn(move || drop(old));
        let late = self.render_some(&self.prepared.site, &rest, None, true)?;
        let late = self.commit(&rest, late);
        self.schemas = schemas(&self.prepared.site);
        self.unfinished = false;
        let mut files = early.files;
        files.extend(late.files);
        files.sort();
        files.dedup();
        Ok(Some(Change {
            css_only: false,
            rendered: early.rendered + late.rendered,
            files,
            pending: Pending::Nothing,
        }))
    }

    /// The changed content files and their new texts, by source index;
    /// `None` unless every change is to the text of a known content file.
    fn content_edits(&self, changed: &[PathBuf]) -> Option<Vec<(usize, String)>> {
        let p = &self.prepared;
        if p.docs.len() != p.sources.files.len() {
            return None;
        }
        let mut edits: Vec<(usize, String)> = Vec::new();
        for path in changed {
            let rel = crate::diag::display_path(&self.opts.root, path);
            let known = p.sources.files.iter().position(|f| f.rel == rel);
            match known {
                // An editor's temporary file, already gone.
                None if !path.exists() => continue,
                Some(index) if path.is_file() => {
                    match source::read_site_text(&self.opts.root, path) {
                        Ok(text) if *p.sources.files[index].text == *text => {}
                        Ok(text) => edits.push((index, text)),
                        // The full rebuild reports it with the other findings.
                        Err(_) => return None,
                    }
                }
                _ => return None,
            }
        }
        (!edits.is_empty()).then_some(edits)
    }

    /// The site resolved again from the edited documents; `None` when the
    /// shape of the site changed (a page moved, the navigation), which the
    /// full rebuild handles: it also drops the files of pages that are gone.
    fn resolve_edited(&self) -> Result<Option<crate::model::Site>, Failure> {
        let p = &self.prepared;
        let site = crate::model::resolve(
            &p.docs,
            &p.site.config,
            &p.sources,
            crate::model::ResolveOptions {
                drafts: self.opts.drafts,
                // The session's clock: an edit re-renders what it touched,
                // not what the passing hours would change.
                now: p.site.now,
            },
        )
        .map_err(Failure::Findings)?;
        Ok(super::deps::comparable(&p.site, &site).then_some(site))
    }

    /// Puts back the texts and documents an edit replaced.
    fn restore(&mut self, previous: Vec<Edited>) {
        for (index, text, doc) in previous.into_iter().rev() {
            self.prepared.sources.files[index].text = text;
            if let Some(doc) = doc {
                self.prepared.docs[index] = doc;
            }
        }
    }

    /// Renders `pages` of `site` into memory; `site_files` adds the
    /// sitemap and the other files made from the whole site.
    /// `inline_of`: the edited files whose inline Markdown is checked.
    fn render_some(
        &self,
        site: &crate::model::Site,
        pages: &[usize],
        inline_of: Option<&BTreeSet<usize>>,
        site_files: bool,
    ) -> Result<Rendered, Failure> {
        let p = &self.prepared;
        let sink = MemorySink::default();
        let rendered = render::render_pages(
            site,
            &p.sources,
            &p.templates,
            &p.assets,
            self.render_options(),
            pages,
            &sink,
        )
        .map_err(|e| Failure::Fatal(format!("{e:#}")))?;
        let mut diags = rendered.diagnostics;
        if let Some(files) = inline_of {
            diags.extend(render::check_inline_markdown(site, &p.sources, Some(files)));
        }
        if diags.has_errors() {
            return Err(Failure::Findings(diags));
        }
        if site_files {
            render::write_site_files(site, self.render_options(), &sink)
                .map_err(|e| Failure::Fatal(format!("{e:#}")))?;
        }
        Ok(Rendered {
            files: sink.into_files(),
            reads: rendered.reads,
        })
    }

    /// Keeps what `pages` rendered; what changed.
    fn commit(&mut self, pages: &[usize], rendered: Rendered) -> Change {
        for (&k, r) in pages.iter().zip(rendered.reads) {
            self.reads[k] = r;
        }
        let mut files = Vec::new();
        for (rel, bytes) in rendered.files {
            if self.files.get(&rel).is_none_or(|old| **old != bytes) {
                files.push(rel.clone());
                self.files.insert(rel, Arc::new(bytes));
            }
        }
        Change {
            files,
            css_only: false,
            rendered: pages.len(),
            pending: Pending::Nothing,
        }
    }

    /// Edits to the theme's stylesheets and scripts only: compiled again,
    /// no page rendered (their names do not change under serve). `None`
    /// when it does not apply.
    fn try_theme_assets(&mut self, changed: &[PathBuf]) -> Result<Option<Change>, Failure> {
        let config = &self.prepared.site.config;
        // The built-in theme has no files to edit: nothing applies.
        let Ok(theme) = source::locate_theme(&self.opts.root, &config.theme) else {
            return Ok(None);
        };
        let Some(dir) = theme.folder() else {
            return Ok(None);
        };
        let (css, js) = (dir.join("css"), dir.join("js"));
        let relevant: Vec<&PathBuf> = changed
            .iter()
            .filter(|p| p.exists() || self.opts.root.join(p).exists())
            .collect();
        if relevant.is_empty()
            || !relevant.iter().all(|p| {
                let p = self.opts.root.join(p);
                p.starts_with(&css) || p.starts_with(&js)
            })
        {
            return Ok(None);
        }
        let mut assets = crate::theme::assets::build(
            &source::asset_files(&self.opts.root, &theme),
            config,
            &self.prepared.sources,
        )
        .map_err(Failure::Findings)?;
        assets.without_hashes();
        // A stylesheet added or removed changes what templates may link.
        if !assets
            .manifest
            .keys()
            .eq(self.prepared.assets.manifest.keys())
        {
            return Ok(None);
        }
        let mut new_files = self.files.clone();
        for (rel, bytes) in &assets.generated {
            new_files.insert(rel.clone(), Arc::new(bytes.clone()));
        }
        let change = diff(&self.files, &new_files, 0);
        self.files = new_files;
        self.prepared.assets = assets;
        Ok(Some(change))
    }

    fn render_options(&self) -> RenderOptions {
        RenderOptions {
            preview: self.prepared.preview,
            ..self.render
        }
    }
}

/// The pages of `site` whose output files are `files` (the pages open in
/// a browser), found without making every page's output path.
fn pages_at(site: &crate::model::Site, files: &BTreeSet<String>) -> Vec<usize> {
    // A page at `/a/` writes `a/index.html`; one at `/a.html` (an alias),
    // `a.html`.
    let paths: BTreeSet<String> = files
        .iter()
        .flat_map(|f| [Some(f.as_str()), f.strip_suffix("index.html")])
        .flatten()
        .map(|p| format!("/{p}"))
        .filter(|p| files.contains(&output_file(p)))
        .collect();
    (0..site.pages.len())
        .filter(|&k| paths.contains(&site.pages[k].path))
        .collect()
}

/// The output files of `pages` of `site`.
fn early_files(site: &crate::model::Site, pages: &[usize]) -> BTreeSet<String> {
    pages
        .iter()
        .map(|&k| output_file(&site.pages[k].path))
        .collect()
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
    // Under serve stylesheets keep their names (`Assets::without_hashes`),
    // so a stylesheet edit changes no page.
    let css_only = !files.is_empty() && files.iter().all(|f| f.ends_with(".css"));
    Change {
        files,
        css_only,
        rendered,
        pending: Pending::Nothing,
    }
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
    fn the_open_pages_are_found_by_their_output_files() {
        let site = crate::example().site;
        let files = |list: &[&str]| list.iter().map(|f| (*f).to_owned()).collect();
        let at = |open: &BTreeSet<String>| -> Vec<String> {
            pages_at(&site, open)
                .into_iter()
                .map(|k| site.pages[k].path.clone())
                .collect()
        };
        assert_eq!(at(&files(&["index.html"])), ["/"]);
        assert_eq!(
            at(&files(&[
                "404.html",
                "services/medical-oncology/index.html"
            ])),
            ["/404.html", "/services/medical-oncology/"]
        );
        // Not a page: a stylesheet, a page that is gone.
        assert!(at(&files(&["css/site.css", "services/gone/index.html"])).is_empty());
        let held = Pending::PagesBut(files(&["index.html"]));
        assert!(!held.holds("index.html") && !held.holds("css/site.css"));
        assert!(held.holds("404.html") && held.holds("services/medical-oncology/index.html"));
        assert!(!Pending::Nothing.holds("404.html"));
    }

    #[test]
    fn css_changes_are_told_apart_from_page_changes() {
        let old = files(&[
            ("css/site.css", "a{}"),
            ("index.html", "<link href=/css/site.css>Hi"),
        ]);
        let css = files(&[
            ("css/site.css", "b{}"),
            ("index.html", "<link href=/css/site.css>Hi"),
        ]);
        let change = diff(&old, &css, 0);
        assert!(change.css_only, "{change:?}");
        assert_eq!(change.files, ["css/site.css"]);
        let page = files(&[
            ("css/site.css", "a{}"),
            ("index.html", "<link href=/css/site.css>Hello"),
        ]);
        assert!(!diff(&old, &page, 1).css_only);
        assert!(diff(&old, &old, 1).files.is_empty());
    }
}
