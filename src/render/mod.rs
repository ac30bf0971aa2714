//! Stage 5: [`Site`] + templates + assets → files in an [`OutputSink`].
//!
//! Renders every page in parallel (Markdown body, template; templates are
//! minified once at load, see [`crate::theme::minify`]) and streams it to the
//! sink, so memory does not grow with the site; pages with much Markdown
//! markup render one at a time. Collects every finding of every page;
//! pages are independent, so the order of work never changes the bytes
//! written.
//!
//! The stage's parts: [`mod@plan`] (every file a build writes), [`pages`] (the
//! page kinds: template and context of each), [`action`] (a page's call and
//! form buttons), [`view`] (what templates see
//! of the site), [`reads`] (what a page read, for `serve`), [`jsonld`],
//! [`mod@site_files`] (sitemap, robots.txt, `_headers`, `_redirects`),
//! [`markdown`] and [`mod@prefix`] (links of a site served under a path),
//! [`ics`] (an event's calendar file).

pub mod action;
pub mod ics;
pub mod jsonld;
pub mod markdown;
pub mod pages;
pub mod plan;
pub mod prefix;
pub mod reads;
pub mod shortcodes;
pub mod site_files;
pub mod splice;
pub mod view;

use rayon::prelude::*;
use tera::Context;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{Page, PageKind, Site};
use crate::output::{OutputSink, output_file};
use crate::source::SourceSet;
use crate::theme::assets::Assets;
use crate::theme::templates::Templates;
pub use plan::{Planned, Writer, collisions, plan, site_files};
use reads::{Reader, Reads};

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
    /// What each page read, by page index (see [`reads`]).
    pub reads: Vec<Reads>,
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
    let pages: Vec<usize> = plan
        .iter()
        .filter_map(|p| match p.writer {
            Writer::Page(i) => Some(i),
            _ => None,
        })
        .collect();
    let rendered = render_pages(site, sources, templates, assets, opts, &pages, sink)?;
    let mut diagnostics = rendered.diagnostics;
    diagnostics.extend(check_inline_markdown(site, sources, None));
    for p in &plan {
        match &p.writer {
            Writer::Page(_) => {}
            Writer::SiteFile(bytes) => sink.put(&p.rel, bytes)?,
            Writer::Asset(bytes) => sink.put(&p.rel, bytes)?,
            Writer::Copy(from) => sink.copy(&p.rel, from)?,
        }
    }
    let mut reads = vec![Reads::default(); site.pages.len()];
    for (k, r) in pages.into_iter().zip(rendered.reads) {
        reads[k] = r;
    }
    Ok(Rendered {
        pages: site.pages.len(),
        diagnostics,
        reads,
    })
}

/// Writes [`site_files()`] (a `serve` edit).
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

/// What [`render_pages`] produced besides files.
#[derive(Debug, Default)]
pub struct RenderedPages {
    pub diagnostics: Diagnostics,
    /// What each page read, in the order the pages were given.
    pub reads: Vec<Reads>,
}

/// What every page's context holds: the site view and the theme.
fn shared_context(site: &Site, assets: &Assets) -> Context {
    let mut base = Context::new();
    base.insert("site", &view::site(site));
    base.insert("theme", &assets.theme);
    base
}

/// Renders the given pages (indices into `site.pages`) only: the pages of
/// a build, or those a `serve` edit touches.
pub fn render_pages(
    site: &Site,
    sources: &SourceSet,
    templates: &Templates,
    assets: &Assets,
    opts: RenderOptions,
    pages: &[usize],
    sink: &dyn OutputSink,
) -> anyhow::Result<RenderedPages> {
    let mut base = shared_context(site, assets);
    let printed = splice::Printed::new(templates, &base);
    base.insert("printed", &printed);
    let job = PageJob {
        site,
        sources,
        templates,
        assets,
        base: &base,
        opts,
        sink,
        fieldsets: splice::Fieldsets::new(templates),
        header: splice::Header::new(templates, &base),
    };
    // Pages with much Markdown markup render one at a time, after the
    // others: the parser's memory grows with a body's markup, and several
    // such pages at once would multiply it by the number of cores.
    // By position in `pages`, so results go back to that order.
    let (large, small): (Vec<usize>, Vec<usize>) =
        (0..pages.len()).partition(|&n| job.is_large(&site.pages[pages[n]]));
    let render = |n: usize| (n, job.render(&site.pages[pages[n]]));
    let mut results: Vec<(usize, anyhow::Result<PageResult>)> =
        small.par_iter().map(|&n| render(n)).collect();
    results.extend(large.into_iter().map(render));
    let mut out = RenderedPages {
        diagnostics: Diagnostics::new(),
        reads: vec![Reads::default(); pages.len()],
    };
    for (n, result) in results {
        let page = result?;
        out.diagnostics.extend(page.diagnostics);
        out.reads[n] = page.reads;
    }
    Ok(out)
}

/// What every page render reads; shared by the rayon workers.
struct PageJob<'a> {
    site: &'a Site,
    sources: &'a SourceSet,
    templates: &'a Templates,
    assets: &'a Assets,
    /// The variables of every page: `site` and `theme`.
    base: &'a Context,
    opts: RenderOptions,
    sink: &'a dyn OutputSink,
    /// The forms' fieldsets printed so far (none: the theme prints forms
    /// whole).
    fieldsets: Option<splice::Fieldsets<'a>>,
    /// The site header, printed once per address it marks current.
    header: splice::Header<'a>,
}

/// One page's findings and what it read.
struct PageResult {
    diagnostics: Diagnostics,
    reads: Reads,
}

impl PageJob<'_> {
    fn is_large(&self, page: &Page) -> bool {
        page.body.is_some_and(|(file, start)| {
            let body = self.sources.files[file]
                .text
                .get(start..)
                .unwrap_or_default();
            markdown::weight_over(body, markdown::LARGE_MARKUP).is_some()
        })
    }

    /// Renders one page into the sink: its body, its context, its template.
    fn render(&self, page: &Page) -> anyhow::Result<PageResult> {
        let mut diagnostics = Diagnostics::new();
        let mut reader = Reader::new(self.site);
        let body = self.body(page, &mut reader, &mut diagnostics);
        if diagnostics.has_errors() {
            return Ok(PageResult {
                diagnostics,
                reads: Reads::default(),
            });
        }
        let mut context = pages::context(
            &mut reader,
            page,
            &body,
            self.opts,
            &self.assets.image_sizes,
        );
        if let Some(fieldsets) = &self.fieldsets {
            for form in [&mut context.form, &mut context.appointment_form]
                .into_iter()
                .flatten()
            {
                fieldsets.splice(form);
            }
        }
        let mut variables = self.base.clone();
        variables.extend(Context::from_serialize(&context)?);
        variables.insert(splice::NAV_CURRENT, self.header.nav_current(&page.path));
        if let Some(header) = self.header.print(&page.path) {
            variables.insert("printed_header", &*header);
        }
        let reads = reader.into_reads();
        let template = pages::kind(page.kind).template;
        match self.templates.render(template, &variables, &page.path) {
            // Minified already: `[build] minify` minifies the templates
            // (crate::theme::minify).
            Ok(html) => {
                let html = prefix::links(&html, self.site.config.base_url.path());
                self.sink.put(&output_file(&page.path), html.as_bytes())?;
            }
            Err(d) => diagnostics.push(d),
        }
        Ok(PageResult { diagnostics, reads })
    }

    /// The page's Markdown body as HTML, and the findings about it.
    fn body(&self, page: &Page, r: &mut Reader<'_>, diags: &mut Diagnostics) -> String {
        let Some((file, start)) = page.body else {
            return String::new();
        };
        let f = &self.sources.files[file];
        let written = &f.text[start..];
        let expanded = shortcodes::expand(written, r);
        let text = expanded.as_ref().map_or(written, |e| e.text.as_str());
        let at = |offset: usize| {
            start
                + expanded
                    .as_ref()
                    .map_or(offset, |e| e.written_offset(offset))
        };
        for p in expanded.iter().flat_map(|e| &e.problems) {
            diags.push(
                Diagnostic::new(p.code, p.message.clone())
                    .in_file(f.rel.clone())
                    .at_offset(&f.text, start + p.at.start, p.at.len())
                    .with_hint(p.hint.clone()),
            );
        }
        let rendered = markdown::render_linking(text, r.numbers_in(text));
        for link in &rendered.unsafe_links {
            diags.push(unsafe_link(
                &f.rel,
                &f.text,
                at(link.offset),
                link.len,
                &link.target,
            ));
        }
        if !page.noindex {
            description_findings(page, &f.rel, &f.text, diags);
        }
        rendered.html
    }
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

/// Markdown written inside YAML (checklist details, FAQ answers, trial
/// criteria) follows the same link policy as page bodies. `only`: the source files
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
        for f in r.faq.iter() {
            check(r.file, &f.a);
        }
    }
    // A trial's criteria: a list of inline Markdown, or a Markdown block
    // (its links are found the same way inline).
    for t in &site.trials {
        match &t.eligibility {
            Some(crate::content::Eligibility::List(items)) => {
                for item in items {
                    check(t.file, item);
                }
            }
            Some(crate::content::Eligibility::Text(text)) => check(t.file, text),
            None => {}
        }
    }
    diags
}
