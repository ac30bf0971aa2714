//! Stage 5: [`Site`] + templates + assets → files in an [`OutputSink`].
//!
//! Renders every page in parallel (Markdown body, template; templates are
//! minified once at load, see [`crate::minify`]) and streams it to the sink, so memory does not grow with
//! the site; pages with much Markdown markup render one at a time. Collects every finding of every page; pages are independent, so
//! the order of work never changes the bytes written.

use rayon::prelude::*;
use tera::Context;

use crate::assets::Assets;
use crate::content::Audience;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::forms::{self, FormKind, Placement};
use crate::markdown;
use crate::model::{Page, PageKind, Site};
use crate::output::OutputSink;
use crate::site_files;
use crate::source::{Section, SourceSet};
use crate::templates::Templates;
use crate::view::{self, RenderOptions};

/// Descriptions longer than this are cut off in search results.
pub const DESCRIPTION_MAX: usize = 160;

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
    let mut diagnostics = render_pages(
        site,
        sources,
        templates,
        assets,
        opts,
        &site.pages.iter().collect::<Vec<_>>(),
        sink,
    )?;
    diagnostics.extend(check_inline_markdown(site, sources, None));
    write_site_files(site, opts, sink)?;
    for (rel, bytes) in &assets.generated {
        sink.put(rel, bytes)?;
    }
    for (rel, from) in &assets.copies {
        sink.copy(rel, from)?;
    }
    Ok(Rendered {
        pages: site.pages.len(),
        diagnostics,
    })
}

/// The files about the whole site: form schemas, sitemap, robots.txt,
/// `_redirects`, `_headers`.
pub fn write_site_files(
    site: &Site,
    opts: RenderOptions,
    sink: &dyn OutputSink,
) -> anyhow::Result<()> {
    for kind in FormKind::ALL {
        if let Some(schema) = forms::schema(site, kind) {
            let mut bytes = serde_json::to_vec_pretty(&schema)?;
            bytes.push(b'\n');
            sink.put(&format!("forms/{}.schema.json", kind.as_str()), &bytes)?;
        }
    }
    sink.put("sitemap.xml", site_files::sitemap(site).as_bytes())?;
    sink.put(
        "robots.txt",
        site_files::robots(&site.config, opts.preview).as_bytes(),
    )?;
    sink.put("_redirects", site_files::redirects(site).as_bytes())?;
    sink.put("_headers", site_files::headers(&site.config).as_bytes())?;
    Ok(())
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

/// The output file of a page path: `/about/` → `about/index.html`.
pub fn output_file(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".to_owned()
    } else if trimmed.ends_with(".html") {
        trimmed.to_owned()
    } else {
        format!("{}/index.html", trimmed.trim_end_matches('/'))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths_map_to_index_files() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/about/"), "about/index.html");
        assert_eq!(output_file("/services/x/"), "services/x/index.html");
        assert_eq!(output_file("/old.html"), "old.html");
    }
}
