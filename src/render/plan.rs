//! The plan of a build's output: every file it writes, and who writes it.
//!
//! [`plan`] is built once and read twice: by `render_all`, which writes the
//! files in its order, and by [`collisions`], which finds two writers of one
//! file before anything is written. No I/O.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::Path;

use super::RenderOptions;
use crate::diag::{Code, Diagnostic, Diagnostics, display_path};
use crate::forms::{self, FormKind};
use crate::model::{PageKind, Site};
use crate::output::output_file;
use crate::source::SourceSet;
use crate::theme::assets::Assets;

/// Who writes one file of the output.
#[derive(Debug)]
pub enum Writer<'a> {
    /// A page, by index into `Site::pages` (aliases included).
    Page(usize),
    /// A file about the whole site (sitemap, robots.txt, …), with its bytes.
    SiteFile(Vec<u8>),
    /// A stylesheet or script built from the theme.
    Asset(&'a [u8]),
    /// A static or content file, copied as is.
    Copy(&'a Path),
}

/// One file a build writes: its output path (no leading `/`) and its writer.
#[derive(Debug)]
pub struct Planned<'a> {
    pub rel: String,
    pub writer: Writer<'a>,
}

/// Every file a build writes, in the order [`super::render_all`] writes them: the
/// one list that both writing and [`collisions`] read.
pub fn plan<'a>(
    site: &Site,
    assets: &'a Assets,
    opts: RenderOptions,
) -> anyhow::Result<Vec<Planned<'a>>> {
    let mut plan: Vec<Planned<'a>> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, page)| Planned {
            rel: output_file(&page.path),
            writer: Writer::Page(i),
        })
        .collect();
    for (rel, bytes) in site_files(site, opts)? {
        plan.push(Planned {
            rel,
            writer: Writer::SiteFile(bytes),
        });
    }
    for (rel, bytes) in &assets.generated {
        plan.push(Planned {
            rel: rel.clone(),
            writer: Writer::Asset(bytes),
        });
    }
    for (rel, from) in &assets.copies {
        plan.push(Planned {
            rel: rel.clone(),
            writer: Writer::Copy(from),
        });
    }
    Ok(plan)
}

/// The files about the whole site, by output path: form schemas, sitemap,
/// robots.txt, `_redirects`, `_headers`, and each event's calendar file.
pub fn site_files(site: &Site, opts: RenderOptions) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for kind in FormKind::ALL {
        if let Some(schema) = forms::schema(site, kind) {
            let mut bytes = serde_json::to_vec_pretty(&schema)?;
            bytes.push(b'\n');
            files.push((format!("forms/{}.schema.json", kind.as_str()), bytes));
        }
    }
    files.push((
        "sitemap.xml".into(),
        super::site_files::sitemap(site).into_bytes(),
    ));
    files.push((
        "robots.txt".into(),
        super::site_files::robots(&site.config, opts.preview).into_bytes(),
    ));
    files.push((
        "_redirects".into(),
        super::site_files::redirects(site).into_bytes(),
    ));
    files.push((
        "_headers".into(),
        super::site_files::headers(&site.config).into_bytes(),
    ));
    for event in &site.events {
        files.push((
            event.ics_path().trim_start_matches('/').to_owned(),
            super::ics::calendar(site, event).into_bytes(),
        ));
    }
    Ok(files)
}

/// Files of the plan that two writers claim, and files where another writer
/// needs a folder (alias `/sitemap.xml/` writes `sitemap.xml/index.html`).
/// Written in turn, one would silently replace the other, or the build would
/// stop half-way on an I/O error; each is a finding instead (SPEC §10: every
/// output path has one owner). Paths are compared as hosts see them: case
/// folded (many hosts and every macOS or Windows checkout fold case), empty
/// segments dropped. Two pages with one address are `model`'s findings and
/// never reach the plan.
pub fn collisions(
    root: &Path,
    site: &Site,
    sources: &SourceSet,
    plan: &[Planned<'_>],
) -> Diagnostics {
    let claims = Claims {
        root,
        site,
        sources,
        plan,
    };
    let mut owners: BTreeMap<String, usize> = BTreeMap::new();
    let mut diags = Diagnostics::new();
    for (i, p) in plan.iter().enumerate() {
        match owners.entry(host_path(&p.rel)) {
            Entry::Occupied(first) => diags.push(claims.same_file(*first.get(), i)),
            Entry::Vacant(free) => {
                free.insert(i);
            }
        }
    }
    for (path, &inner) in &owners {
        let mut folder = path.as_str();
        while let Some((parent, _)) = folder.rsplit_once('/') {
            folder = parent;
            if let Some(&file) = owners.get(folder) {
                diags.push(claims.file_for_folder(file, inner));
            }
        }
    }
    diags
}

/// An output path as a host stores it: `/`-separated, no empty segments,
/// case folded.
fn host_path(rel: &str) -> String {
    rel.split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
        .to_lowercase()
}

/// What [`collisions`] needs to name the writers of the plan.
struct Claims<'a> {
    root: &'a Path,
    site: &'a Site,
    sources: &'a SourceSet,
    plan: &'a [Planned<'a>],
}

impl Claims<'_> {
    /// Two writers of one file.
    fn same_file(&self, a: usize, b: usize) -> Diagnostic {
        let (here, other) = self.order(a, b);
        let rel = &self.plan[here].rel;
        if let Some((alias, target)) = self.alias_of(here)
            && matches!(self.plan[other].writer, Writer::Page(p) if p == target)
        {
            return self
                .place(
                    here,
                    format!("the alias `{alias}` is the address of its own page"),
                )
                .with_hint("remove the alias: a page needs none for its own address");
        }
        let message = format!(
            "{} and {} both write `/{rel}`",
            self.name(here, false),
            self.name(other, true)
        );
        self.finding(here, message)
    }

    /// `inner` writes a file inside the folder where `file` writes a file.
    fn file_for_folder(&self, file: usize, inner: usize) -> Diagnostic {
        let (here, _) = self.order(file, inner);
        let message = format!(
            "{} writes `/{}`, which needs `/{}` to be a folder, but it is a file: {}",
            self.name(inner, here != inner),
            self.plan[inner].rel,
            self.plan[file].rel,
            self.name(file, here != file),
        );
        self.finding(here, message)
    }

    /// Which of two writers the finding is about: an alias (it has a line),
    /// else a copied file, else the later one.
    fn order(&self, a: usize, b: usize) -> (usize, usize) {
        let rank = |i: usize| match self.plan[i].writer {
            Writer::Page(_) if self.alias_of(i).is_some() => 0,
            Writer::Copy(_) => 1,
            _ => 2,
        };
        if rank(a) < rank(b) { (a, b) } else { (b, a) }
    }

    /// The alias value and the page it redirects to, when plan entry `i` is an alias.
    fn alias_of(&self, i: usize) -> Option<(&str, usize)> {
        let Writer::Page(p) = self.plan[i].writer else {
            return None;
        };
        let PageKind::Alias { target } = self.site.pages[p].kind else {
            return None;
        };
        let entry = self.site.aliases.get(&p)?;
        Some((entry.at.value.as_str(), target))
    }

    /// The writer of plan entry `i` in words; `placed`: with the file (and
    /// line) it comes from, for the writer the finding is not placed at.
    fn name(&self, i: usize, placed: bool) -> String {
        match &self.plan[i].writer {
            Writer::Page(p) => {
                let page = &self.site.pages[*p];
                if let Some(entry) = self.site.aliases.get(p) {
                    let f = &self.sources.files[entry.file];
                    let span = crate::diag::span_of(&f.text, entry.at.offset, entry.at.len);
                    if placed {
                        format!(
                            "the alias `{}` ({}:{}:{})",
                            entry.at.value, f.rel, span.line, span.col
                        )
                    } else {
                        format!("the alias `{}`", entry.at.value)
                    }
                } else if let Some((file, _)) = page.body {
                    format!(
                        "the page `{}` (`{}`)",
                        page.path, self.sources.files[file].rel
                    )
                } else {
                    format!("the page `{}` that handoff makes", page.path)
                }
            }
            Writer::SiteFile(_) => format!("the generated `/{}`", self.plan[i].rel),
            Writer::Asset(_) => format!("the theme's `/{}`", self.plan[i].rel),
            Writer::Copy(from) => format!("the file `{}`", display_path(self.root, from)),
        }
    }

    /// A finding placed at the writer of plan entry `i`, with the hint for it.
    fn finding(&self, i: usize, message: String) -> Diagnostic {
        let hint = match self.plan[i].writer {
            _ if self.alias_of(i).is_some() => {
                "change or remove the alias: an address the site already uses needs no redirect"
            }
            Writer::Copy(_) => {
                "rename or move the file: handoff writes pages and site files itself"
            }
            _ => "rename one of the two",
        };
        self.place(i, message).with_hint(hint)
    }

    fn place(&self, i: usize, message: String) -> Diagnostic {
        let d = Diagnostic::new(Code::Duplicate, message);
        match &self.plan[i].writer {
            Writer::Page(p) => {
                if let Some(entry) = self.site.aliases.get(p) {
                    let f = &self.sources.files[entry.file];
                    d.in_file(f.rel.clone())
                        .at_offset(&f.text, entry.at.offset, entry.at.len)
                } else if let Some((file, _)) = self.site.pages[*p].body {
                    d.in_file(self.sources.files[file].rel.clone())
                } else {
                    d
                }
            }
            Writer::Copy(from) => d.in_file(display_path(self.root, from)),
            _ => d,
        }
    }
}
