//! Stage 5: [`Site`] + templates + assets → files in an [`OutputSink`].
//!
//! Renders every page in parallel (Markdown body, template; templates are
//! minified once at load, see [`crate::minify`]) and streams it to the sink, so memory does not grow with
//! the site; pages with much Markdown markup render one at a time. Collects every finding of every page; pages are independent, so
//! the order of work never changes the bytes written.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::Path;

use rayon::prelude::*;
use tera::Context;

pub mod jsonld;
pub mod markdown;
pub mod site_files;
pub mod view;

use crate::assets::Assets;
use crate::content::Audience;
use crate::diag::{Code, Diagnostic, Diagnostics, display_path};
use crate::forms::{self, FormKind, Placement};
use crate::model::{Page, PageKind, Site};
use crate::output::{OutputSink, output_file};
use crate::source::{Section, SourceSet};
use crate::templates::Templates;

/// Descriptions longer than this are cut off in search results.
pub const DESCRIPTION_MAX: usize = 160;

/// Options of a render that change every page.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// A preview build (another `--base-url`): noindex everywhere.
    pub preview: bool,
    /// Forms post to `serve`'s local intake sink.
    pub local_intake: bool,
}

/// What a render produced besides files.
#[derive(Debug, Default)]
pub struct Rendered {
    pub pages: usize,
    pub diagnostics: Diagnostics,
}

/// Renders and writes every page and asset. I/O failures are returned as
/// errors; content problems as findings.
pub fn render_all(
    site: &Site,
    sources: &SourceSet,
    templates: &Templates,
    assets: &Assets,
    opts: RenderOptions,
    sink: &dyn OutputSink,
) -> anyhow::Result<Rendered> {
    let plan = plan(site, assets, opts)?;
    let pages: Vec<&Page> = plan
        .iter()
        .filter_map(|p| match p.writer {
            Writer::Page(i) => Some(&site.pages[i]),
            _ => None,
        })
        .collect();
    let mut diagnostics = render_pages(site, sources, templates, assets, opts, &pages, sink)?;
    diagnostics.extend(check_inline_markdown(site, sources, None));
    for p in &plan {
        match &p.writer {
            Writer::Page(_) => {}
            Writer::SiteFile(bytes) => sink.put(&p.rel, bytes)?,
            Writer::Asset(bytes) => sink.put(&p.rel, bytes)?,
            Writer::Copy(from) => sink.copy(&p.rel, from)?,
        }
    }
    Ok(Rendered {
        pages: site.pages.len(),
        diagnostics,
    })
}

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

/// Every file a build writes, in the order [`render_all`] writes them: the
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
/// robots.txt, `_redirects`, `_headers`.
pub fn site_files(site: &Site, opts: RenderOptions) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for kind in FormKind::ALL {
        if let Some(schema) = forms::schema(site, kind) {
            let mut bytes = serde_json::to_vec_pretty(&schema)?;
            bytes.push(b'\n');
            files.push((format!("forms/{}.schema.json", kind.as_str()), bytes));
        }
    }
    files.push(("sitemap.xml".into(), site_files::sitemap(site).into_bytes()));
    files.push((
        "robots.txt".into(),
        site_files::robots(&site.config, opts.preview).into_bytes(),
    ));
    files.push((
        "_redirects".into(),
        site_files::redirects(site).into_bytes(),
    ));
    files.push((
        "_headers".into(),
        site_files::headers(&site.config).into_bytes(),
    ));
    Ok(files)
}

/// Writes [`site_files`] (a `serve` edit).
pub fn write_site_files(
    site: &Site,
    opts: RenderOptions,
    sink: &dyn OutputSink,
) -> anyhow::Result<()> {
    for (rel, bytes) in site_files(site, opts)? {
        sink.put(&rel, &bytes)?;
    }
    Ok(())
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

/// Renders the given pages only (a `serve` edit).
pub fn render_pages(
    site: &Site,
    sources: &SourceSet,
    templates: &Templates,
    assets: &Assets,
    opts: RenderOptions,
    pages: &[&Page],
    sink: &dyn OutputSink,
) -> anyhow::Result<Diagnostics> {
    let mut base = Context::new();
    base.insert("site", &view::site(site));
    base.insert("theme", &assets.theme);
    let job = PageJob {
        site,
        sources,
        templates,
        assets,
        base: &base,
        opts,
    };
    // Pages with much Markdown markup render one at a time, after the
    // others: the parser's memory grows with a body's markup, and several
    // such pages at once would multiply it by the number of cores.
    let (large, small): (Vec<&Page>, Vec<&Page>) =
        pages.iter().partition(|page| job.is_large(page));
    let mut results: Vec<anyhow::Result<Diagnostics>> = small
        .par_iter()
        .map(|page| job.render(page, sink))
        .collect();
    results.extend(large.iter().map(|page| job.render(page, sink)));
    let mut diagnostics = Diagnostics::new();
    for r in results {
        diagnostics.extend(r?);
    }
    Ok(diagnostics)
}

fn template_name(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Home => "index.html",
        PageKind::Plain => "page.html",
        PageKind::SectionIndex(Section::Services) => "services.html",
        PageKind::SectionIndex(Section::Referrals) => "referrals.html",
        PageKind::SectionIndex(Section::Locations) => "locations.html",
        PageKind::SectionIndex(Section::Physicians) => "physicians.html",
        PageKind::Service(_) => "service.html",
        PageKind::Referral(_) => "referral.html",
        PageKind::Location(_) => "location.html",
        PageKind::Physician(_) => "physician.html",
        PageKind::Alias { .. } => "alias.html",
        PageKind::Refer(_) => "refer.html",
        PageKind::Packet(_) => "packet.html",
        PageKind::ReferHub => "refer_hub.html",
        PageKind::Appointment => "appointment.html",
        PageKind::Thanks(_) => "thanks.html",
        PageKind::NotFound => "404.html",
    }
}

/// What every page render reads; shared by the rayon workers.
struct PageJob<'a> {
    site: &'a Site,
    sources: &'a SourceSet,
    templates: &'a Templates,
    assets: &'a Assets,
    base: &'a Context,
    opts: RenderOptions,
}

impl PageJob<'_> {
    fn render(&self, page: &Page, sink: &dyn OutputSink) -> anyhow::Result<Diagnostics> {
        render_page(self, page, sink)
    }

    fn is_large(&self, page: &Page) -> bool {
        page.body.is_some_and(|(file, start)| {
            let text = &self.sources.files[file].text;
            markdown::markup_weight(text.get(start..).unwrap_or_default()) > markdown::LARGE_MARKUP
        })
    }
}

fn render_page(
    job: &PageJob<'_>,
    page: &Page,
    sink: &dyn OutputSink,
) -> anyhow::Result<Diagnostics> {
    let PageJob {
        site,
        sources,
        templates,
        assets,
        base,
        opts,
    } = *job;
    let mut diags = Diagnostics::new();
    let body = match page.body {
        Some((file, start)) => {
            let f = &sources.files[file];
            let rendered = markdown::render(&f.text[start..]);
            for link in &rendered.unsafe_links {
                diags.push(unsafe_link(
                    &f.rel,
                    &f.text,
                    start + link.offset,
                    link.len,
                    &link.target,
                ));
            }
            if !page.noindex {
                description_findings(page, &f.rel, &f.text, &mut diags);
            }
            rendered.html
        }
        None => String::new(),
    };
    if diags.has_errors() {
        return Ok(diags);
    }
    let at = |service: Option<usize>, reason: Option<usize>| Placement {
        page: &page.path,
        service,
        reason,
        local: opts.local_intake,
    };
    let (form, appointment_form) = match page.kind {
        PageKind::Refer(i) => (
            forms::spec(site, FormKind::Referral, &at(Some(i), None)),
            None,
        ),
        PageKind::ReferHub => (forms::spec(site, FormKind::Referral, &at(None, None)), None),
        PageKind::Appointment => (
            forms::spec(site, FormKind::Appointment, &at(None, None)),
            None,
        ),
        PageKind::Referral(i) => {
            let r = &site.referrals[i];
            let clinicians = matches!(r.audience, Audience::Clinician | Audience::Both);
            let patients = matches!(r.audience, Audience::Patient | Audience::Both);
            let place = at(Some(r.service), Some(i));
            (
                if clinicians {
                    forms::spec(site, FormKind::Referral, &place)
                } else {
                    None
                },
                if patients {
                    forms::spec(site, FormKind::Appointment, &place)
                } else {
                    None
                },
            )
        }
        _ => (None, None),
    };
    let has_form = form.is_some() || appointment_form.is_some();
    let mut ctx = base.clone();
    ctx.insert("page", &view::page(site, page, &body, opts, has_form));
    ctx.insert("form", &form);
    ctx.insert("appointment_form", &appointment_form);
    match page.kind {
        PageKind::Home => {
            ctx.insert("services", &view::site(site).nav.services);
            ctx.insert(
                "locations",
                &site
                    .locations
                    .iter()
                    .map(view::location_summary)
                    .collect::<Vec<_>>(),
            );
            let mut reasons: Vec<&crate::model::Referral> = site.referrals.iter().collect();
            reasons.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
            ctx.insert(
                "referral_reasons",
                &reasons
                    .into_iter()
                    .take(12)
                    .map(view::reason_summary)
                    .collect::<Vec<_>>(),
            );
        }
        PageKind::Plain | PageKind::NotFound => {}
        PageKind::SectionIndex(Section::Services) => {
            ctx.insert(
                "services",
                &site
                    .services
                    .iter()
                    .map(|s| view::service_summary(site, s))
                    .collect::<Vec<_>>(),
            );
        }
        PageKind::SectionIndex(Section::Referrals) => {
            ctx.insert("referral_groups", &view::referral_groups(site))
        }
        PageKind::SectionIndex(Section::Locations) => {
            ctx.insert(
                "locations",
                &site
                    .locations
                    .iter()
                    .map(view::location_summary)
                    .collect::<Vec<_>>(),
            );
        }
        PageKind::SectionIndex(Section::Physicians) => {
            ctx.insert("physicians", &view::physician_summaries(site))
        }
        PageKind::Service(i) | PageKind::Refer(i) | PageKind::Packet(i) => {
            ctx.insert("service", &view::service(site, &site.services[i]))
        }
        PageKind::Referral(i) => ctx.insert("referral", &view::referral(site, &site.referrals[i])),
        PageKind::Location(i) => ctx.insert("location", &view::location(site, &site.locations[i])),
        PageKind::Physician(i) => ctx.insert(
            "physician",
            &view::physician(site, &site.physicians[i], &assets.image_sizes),
        ),
        PageKind::Alias { target } => ctx.insert("redirect_to", &site.pages[target].path),
        PageKind::ReferHub | PageKind::Appointment => {
            ctx.insert(
                "services",
                &site
                    .services
                    .iter()
                    .map(|s| view::refer_summary(site, s))
                    .collect::<Vec<_>>(),
            );
        }
        PageKind::Thanks(kind) => {
            ctx.insert("form_kind", kind.as_str());
            ctx.insert(
                "services",
                &site
                    .services
                    .iter()
                    .map(|s| view::refer_summary(site, s))
                    .collect::<Vec<_>>(),
            );
        }
    }
    let name = template_name(page.kind);
    let html = match templates.render(name, &ctx, &page.path) {
        Ok(html) => html,
        Err(d) => {
            diags.push(d);
            return Ok(diags);
        }
    };
    // Minified already: `[build] minify` minifies the templates (crate::minify).
    sink.put(&output_file(&page.path), html.as_bytes())?;
    Ok(diags)
}

fn description_findings(page: &Page, rel: &str, text: &str, diags: &mut Diagnostics) {
    if matches!(page.kind, PageKind::Alias { .. }) {
        return;
    }
    match &page.description {
        None => diags.push(
            Diagnostic::new(Code::DescriptionMissing, format!("the page `{}` has no `description`", page.path))
                .in_file(rel.to_owned())
                .at_offset(text, 0, 3)
                .with_hint("add `description:` with one or two sentences (up to 160 characters) for search results"),
        ),
        Some(d) if d.chars().count() > DESCRIPTION_MAX => {
            // The `description:` key of the front matter, not the word elsewhere.
            let offset = crate::content::split_front_matter(text)
                .ok()
                .and_then(|s| {
                    let yaml = &text[s.yaml_start..s.yaml_end];
                    crate::content::yaml::locate(yaml, &[crate::content::yaml::Seg::Key("description".into())]).map(|(k, _, _)| s.yaml_start + k)
                })
                .unwrap_or(0);
            diags.push(
                Diagnostic::new(
                    Code::DescriptionTooLong,
                    format!("the description is {} characters; search results cut it at about {DESCRIPTION_MAX}", d.chars().count()),
                )
                .in_file(rel.to_owned())
                .at_offset(text, offset, "description".len())
                .with_hint("shorten it to one or two sentences"),
            );
        }
        Some(_) => {}
    }
}

/// The finding for a script-running link target at a byte offset of a file.
fn unsafe_link(rel: &str, text: &str, offset: usize, len: usize, target: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnsafeLink,
        format!("the link target `{target}` would run a script or hide content"),
    )
    .in_file(rel.to_owned())
    .at_offset(text, offset, len)
    .with_hint("link to a page (`/services/…/`) or an `https://` address")
}

/// Inline Markdown written inside YAML (checklist details, FAQ answers)
/// follows the same link policy as page bodies. `only`: the source files
/// to look at (an edit), else all.
pub fn check_inline_markdown(
    site: &Site,
    sources: &SourceSet,
    only: Option<&std::collections::BTreeSet<usize>>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut check = |file: usize, snippet: &str| {
        if only.is_some_and(|o| !o.contains(&file)) {
            return;
        }
        for link in markdown::render_inline(snippet).unsafe_links {
            let f = &sources.files[file];
            let offset = f.text.find(&link.target).unwrap_or(0);
            diags.push(unsafe_link(
                &f.rel,
                &f.text,
                offset,
                link.target.len(),
                &link.target,
            ));
        }
    };
    // Each item once, in the file that wrote it: a checklist also holds
    // the items it inherits (3,000 links of a chain hold 4.5 million).
    for c in site.checklists.values() {
        for item in c.items.iter().filter(|i| i.file == c.file) {
            if let Some(detail) = &item.detail {
                check(c.file, detail);
            }
        }
    }
    for r in &site.referrals {
        for f in &r.faq {
            check(r.file, &f.a);
        }
    }
    diags
}
