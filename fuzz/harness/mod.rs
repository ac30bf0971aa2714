//! The fuzz harness: entry points for the fuzz targets (`fuzz_targets/`,
//! cargo-fuzz; this folder is their crate's library) and for the regression
//! tests that replay their crash inputs
//! (`tests/fixtures/fuzz-regressions/<target>/`, run by
//! `tests/it/fuzz_regressions.rs`, which includes this folder as a module).
//! It is not part of handoff's library: a normal build never compiles it.
//!
//! Each function takes arbitrary bytes, runs them through the same stages
//! as a build, and returns `Err` naming a broken invariant. A panic is
//! caught by the fuzzer itself; the invariants here are the quieter promises
//! of SPEC §10:
//!
//! - a stage that fails reports at least one error finding (never a silent
//!   failure);
//! - every finding about a content file names it, and its line and column
//!   lie inside that file;
//! - a failed build leaves no output folder and no staging folder behind; a
//!   successful one leaves exactly the output folder, marked as handoff's;
//! - every JSON-LD block of a built page is valid JSON with no `</script`
//!   or `<!--` inside;
//! - ([`site`]) nothing outside the site is published or quoted: links may
//!   point into a folder beside the site that holds a canary ([`CANARY`]),
//!   and no output file and no finding may contain it;
//! - ([`site`]) findings cannot inject: the human rendering holds no
//!   control character but line ends and no line starting with `::` (a
//!   GitHub workflow command), every `github` line is one command, every
//!   `json` line is JSON.
//!
//! It drives handoff through its public API only: `source::decode` (the one
//! encoding check), the stage functions a build runs in order
//! (`content::parse_file`/`parse_all`, `model::resolve`, `markdown::render`,
//! `view::checklist`, `forms::spec`/`schema`, `jsonld::page_graph`), the
//! whole pipeline (`build_site`, `check_site`), the three finding renderers
//! of `diag`, `output::MARKER` and the embedded default theme
//! (`theme::embedded`). A stage that stops being public must keep what this
//! harness calls reachable, or the fuzz targets lose it.
//!
//! Inputs are mapped onto files as follows:
//!
//! | target | input |
//! |---|---|
//! | [`page`] | first byte: the file's kind (home, plain page, section index, service, referral, location, physician); the rest: the file's bytes |
//! | [`checklists`] | up to four checklist files `a`, `b`, `c`, `d` (`a` is the checklist of a service line), separated by lines `=====` |
//! | [`site_toml`] | the bytes of `site.toml` |
//! | [`site`] | a file tree in the [`unpack_tree`] format, on top of the default theme |

use std::path::Path;

use handoff::diag::Diagnostics;
use handoff::render::reads::Reader;
use handoff::render::{markdown, view};
use handoff::source::{self, Section, SourceFile, SourceKind, SourceSet};
use handoff::theme::embedded;
use handoff::{config, content, forms, model};

mod checks;
mod tree;

use checks::{
    check_findings, check_jsonld, check_no_canary, check_positions, expect_error, staging_left,
};
pub use tree::unpack_tree;

/// The site.toml that the content targets resolve against: valid, with
/// forms on, so checklists reach the referral form's JSON Schema.
pub const BASE_CONFIG: &str = "title = \"Fuzz Clinic\"\n\
base_url = \"https://www.fuzz-clinic.example\"\n\
[organization]\n\
phone = \"+1-555-010-0100\"\n\
privacy_policy = \"/privacy/\"\n\
[intake]\n\
backend = \"webhook\"\n\
endpoint = \"https://intake.fuzz-clinic.example/v1\"\n\
phi_ok = true\n";

/// The line that separates checklist files in a [`checklists`] input.
pub const CHECKLIST_SEPARATOR: &str = "\n=====\n";

/// Parses one Markdown content file (front matter + body) of the kind the
/// first byte selects, renders its body, and resolves it alone into a site.
pub fn page(data: &[u8]) -> Result<(), String> {
    let Some((&selector, bytes)) = data.split_first() else {
        return Ok(());
    };
    let (rel, kind) = page_file(selector);
    let text = match source::decode(bytes.to_vec()) {
        Ok(text) => text,
        Err(d) => return expect_error(&Diagnostics::from(d), "decoding the file"),
    };
    let mut set = SourceSet::default();
    set.files.push(SourceFile {
        rel: rel.to_owned(),
        kind,
        text: text.into(),
    });
    // What the page may refer to, so that resolving can succeed.
    for (support_rel, support_kind, support_text) in SUPPORT {
        if support_rel != rel {
            set.files.push(SourceFile {
                rel: support_rel.to_owned(),
                kind: support_kind,
                text: support_text.into(),
            });
        }
    }
    let file = &set.files[0];
    let files: Vec<(&str, &str)> = set
        .files
        .iter()
        .map(|f| (f.rel.as_str(), &*f.text))
        .collect();
    let doc = match content::parse_file(0, file) {
        Ok(doc) => doc,
        Err(d) => {
            expect_error(&d, "parsing the page")?;
            return check_positions(&d, &files, true);
        }
    };
    let body_start = body_start(&doc);
    let body = file
        .text
        .get(body_start..)
        .ok_or("the body starts outside the file")?;
    let rendered = markdown::render(body);
    for link in &rendered.unsafe_links {
        if body.get(link.offset..link.offset + link.len).is_none() {
            return Err(format!(
                "an unsafe link's range {}..{} is outside the body",
                link.offset,
                link.offset + link.len
            ));
        }
    }
    markdown::audit(body);
    let mut docs = vec![doc];
    for (i, support) in set.files.iter().enumerate().skip(1) {
        let doc = content::parse_file(i, support)
            .map_err(|_| format!("the support file {} does not parse", support.rel))?;
        docs.push(doc);
    }
    resolve_alone(docs, &set, &files)
}

/// The file a [`page`] input's first byte selects: where it sits, so what
/// kind of page it is.
fn page_file(selector: u8) -> (&'static str, SourceKind) {
    match selector % 7 {
        0 => ("content/_index.md", SourceKind::Home),
        1 => ("content/about.md", SourceKind::Page),
        2 => (
            "content/services/_index.md",
            SourceKind::SectionIndex(Section::Services),
        ),
        3 => (
            "content/services/cardiology.md",
            SourceKind::Entry(Section::Services),
        ),
        4 => (
            "content/referrals/palpitations.md",
            SourceKind::Entry(Section::Referrals),
        ),
        5 => (
            "content/locations/main-street.md",
            SourceKind::Entry(Section::Locations),
        ),
        _ => (
            "content/physicians/ana-ruiz.md",
            SourceKind::Entry(Section::Physicians),
        ),
    }
}

/// Where the Markdown body of a parsed page starts (a referral's FAQ
/// answers, Markdown too, are rendered on the way).
fn body_start(doc: &content::Document) -> usize {
    match doc {
        content::Document::Home(p)
        | content::Document::Section(_, p)
        | content::Document::Page(p) => p.body_start,
        content::Document::Service(d) => d.page.body_start,
        content::Document::Referral(d) => {
            for faq in d.faq.iter() {
                markdown::render_inline(&faq.a);
            }
            d.page.body_start
        }
        content::Document::Location(d) => d.page.body_start,
        content::Document::Physician(d) => d.page.body_start,
        content::Document::Checklist(_) => 0,
        content::Document::Event(d) => d.page.body_start,
        content::Document::Trial(d) => d.page.body_start,
    }
}

/// Files beside the fuzzed page: a home page, a service line and a location
/// that the example references (`service: cardiology`, `locations: [main-street]`).
const SUPPORT: [(&str, SourceKind, &str); 3] = [
    (
        "content/_index.md",
        SourceKind::Home,
        "---\ntitle: Home\ndescription: The clinic.\n---\nWelcome.\n",
    ),
    (
        "content/services/cardiology.md",
        SourceKind::Entry(Section::Services),
        "---\ntitle: Cardiology\ndescription: Heart care.\nlocations: [main-street]\n---\nBody.\n",
    ),
    (
        "content/locations/main-street.md",
        SourceKind::Entry(Section::Locations),
        "---\ntitle: Main Street\ndescription: Our clinic.\naddress: { street: 1 Main St, city: Riverbend, region: OR, postal_code: \"97000\", country: US }\n---\nParking.\n",
    ),
];

/// Parses up to four checklist files and resolves them (flattening
/// `extends`) with a service line that uses checklist `a`, then builds the
/// referral form and its JSON Schema from the result.
pub fn checklists(data: &[u8]) -> Result<(), String> {
    let mut set = SourceSet::default();
    for (i, chunk) in split_bytes(data, CHECKLIST_SEPARATOR.as_bytes())
        .into_iter()
        .take(4)
        .enumerate()
    {
        let id = ["a", "b", "c", "d"][i];
        let rel = format!("content/checklists/{id}.yaml");
        match source::decode(chunk.to_vec()) {
            Ok(text) => set.files.push(SourceFile {
                rel,
                kind: SourceKind::Checklist,
                text: text.into(),
            }),
            Err(d) => expect_error(&Diagnostics::from(d), "decoding a checklist")?,
        }
    }
    set.files.push(SourceFile {
        rel: "content/_index.md".to_owned(),
        kind: SourceKind::Home,
        text: SUPPORT[0].2.into(),
    });
    set.files.push(SourceFile {
        rel: "content/services/cardiology.md".to_owned(),
        kind: SourceKind::Entry(Section::Services),
        text: "---\ntitle: Cardiology\ndescription: Heart care.\nchecklist: a\n---\nBody.\n".into(),
    });
    let files: Vec<(&str, &str)> = set
        .files
        .iter()
        .map(|f| (f.rel.as_str(), &*f.text))
        .collect();
    let (docs, diags) = content::parse_all(&set);
    check_positions(&diags, &files, true)?;
    if diags.has_errors() {
        return Ok(());
    }
    resolve_alone(docs, &set, &files)
}

/// Parses and validates `site.toml`.
pub fn site_toml(data: &[u8]) -> Result<(), String> {
    let text = match source::decode(data.to_vec()) {
        Ok(text) => text,
        Err(d) => return expect_error(&Diagnostics::from(d), "decoding site.toml"),
    };
    match config::parse(&text) {
        Ok(_) => Ok(()),
        Err(d) => {
            expect_error(&d, "parsing site.toml")?;
            check_positions(&d, &[(config::FILE, &text)], false)
        }
    }
}

/// The folder beside the site root (`work/outside`) that [`site`] inputs
/// may link into: valid pages, a stylesheet, a template, an environment
/// file, each holding [`CANARY`].
pub const OUTSIDE: &str = "outside";

/// A secret outside the site. An input that does not contain it must
/// never produce an output file or a finding that does.
pub const CANARY: &str = "canary-5e1f0b9d37a2";

/// Unpacks `data` as a site in `work/site` (on top of the default theme,
/// beside `work/outside`), builds it into `work/public` with the real
/// pipeline, runs `check` on it, and checks the output-folder contract and
/// that nothing from outside the site leaks. `work` is emptied first.
pub fn site(data: &[u8], work: &Path) -> Result<(), String> {
    let root = work.join("site");
    let output = work.join("public");
    let outside = work.join(OUTSIDE);
    for dir in [&root, &output, &outside] {
        if std::fs::symlink_metadata(dir).is_ok() {
            std::fs::remove_dir_all(dir)
                .map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
        }
    }
    embedded::write(&embedded::DEFAULT_THEME, &root.join("themes/clinic"))
        .map_err(|e| format!("cannot write the theme: {e:#}"))?;
    write_outside(&outside).map_err(|e| format!("cannot write {OUTSIDE}/: {e}"))?;
    unpack_tree(data, &root);
    // An input that spells the canary out may publish it legitimately.
    let guard = !data.windows(CANARY.len()).any(|w| w == CANARY.as_bytes());
    let opts = handoff::BuildOptions {
        root: root.clone(),
        output: Some(output.clone()),
        base_url: None,
        drafts: false,
        serving: false,
        // A fixed "now": the same input builds the same site.
        now: Some(jiff::Timestamp::UNIX_EPOCH),
    };
    let built = handoff::build_site(&opts);
    let leftovers = staging_left(work);
    if !leftovers.is_empty() {
        return Err(format!("staging folders left behind: {leftovers:?}"));
    }
    match built {
        Ok(built) => {
            if !output.join(handoff::output::MARKER).is_file() {
                return Err("a successful build left no marked output folder".to_owned());
            }
            check_findings(&built.warnings, guard)?;
            check_jsonld(&output)?;
            if guard {
                check_no_canary(&output)?;
            }
        }
        Err(handoff::BuildError::Findings(d)) => {
            expect_error(&d, "the build")?;
            check_findings(&d, guard)?;
            if std::fs::symlink_metadata(&output).is_ok() {
                return Err("a failed build created the output folder".to_owned());
            }
        }
        Err(handoff::BuildError::Usage(msg)) => {
            if root.join(config::FILE).is_file() {
                return Err(format!("a usage error with a site.toml present: {msg}"));
            }
            return Ok(());
        }
        Err(handoff::BuildError::Io(e)) => {
            return Err(format!(
                "the build failed with an I/O error, not a finding: {e:#}"
            ));
        }
    }
    match handoff::check_site(&opts) {
        Ok(d) => check_findings(&d, guard),
        Err(handoff::BuildError::Usage(_)) => Ok(()),
        Err(handoff::BuildError::Findings(d)) => {
            expect_error(&d, "check")?;
            check_findings(&d, guard)
        }
        Err(handoff::BuildError::Io(e)) => Err(format!(
            "check failed with an I/O error, not a finding: {e:#}"
        )),
    }
}

/// The files of [`OUTSIDE`]: what a link out of the site could reach, each
/// of a kind the build would read (pages, a folder of pages, a site.toml,
/// a checklist, a stylesheet, a template, an image, an environment).
fn write_outside(dir: &Path) -> std::io::Result<()> {
    let page = format!("---\ntitle: {CANARY}\ndescription: {CANARY}\n---\n{CANARY}\n");
    let files = [
        ("environ", format!("HOME=/root\0SECRET_TOKEN={CANARY}\0")),
        ("secret.txt", format!("SECRET_TOKEN={CANARY}\n")),
        ("page.md", page.clone()),
        ("pages/_index.md", page.clone()),
        ("pages/about.md", page),
        ("site.toml", BASE_CONFIG.replace("Fuzz Clinic", CANARY)),
        (
            "checklist.yaml",
            format!("title: {CANARY}\nitems:\n  - id: x\n    label: {CANARY}\n"),
        ),
        ("site.css", format!(".x {{ content: \"{CANARY}\" }}\n")),
        ("base.html", base_template()),
        (
            "image.svg",
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"><title>{CANARY}</title></svg>\n"
            ),
        ),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// The default theme's `base.html` with the canary in its head: a
/// template override that builds, so a link to it would publish it.
fn base_template() -> String {
    let base = embedded::DEFAULT_THEME
        .get_file("templates/base.html")
        .and_then(|f| f.contents_utf8())
        .unwrap_or("<!doctype html><html><head></head><body></body></html>");
    base.replacen(
        "</head>",
        &format!("<meta name=\"x\" content=\"{CANARY}\"></head>"),
        1,
    )
}

/// Resolves documents alone (against [`BASE_CONFIG`]) and, when that works,
/// builds what pages show from them: checklist views, forms and schemas.
fn resolve_alone(
    docs: Vec<content::Document>,
    set: &SourceSet,
    files: &[(&str, &str)],
) -> Result<(), String> {
    let config = config::parse(BASE_CONFIG).map_err(|_| "BASE_CONFIG does not parse")?;
    let site = match model::resolve(
        &docs,
        &config,
        set,
        model::ResolveOptions {
            drafts: true,
            ..Default::default()
        },
    ) {
        Ok(site) => site,
        Err(d) => {
            expect_error(&d, "resolving")?;
            // Site-wide findings (no home page) name no file.
            return check_positions(&d, files, false);
        }
    };
    for id in site.checklists.keys() {
        view::checklist(&mut Reader::new(&site), Some(id));
    }
    for (i, _) in site.services.iter().enumerate() {
        let at = forms::Placement {
            page: "/refer/",
            service: Some(i),
            reason: None,
            location: site.services[i].locations.first().copied(),
            local: false,
            trial: None,
        };
        forms::spec(&site, forms::FormKind::Referral, &at);
    }
    for kind in forms::FormKind::ALL {
        if let Some(schema) = forms::schema(&site, kind) {
            serde_json::to_vec(&schema).map_err(|e| format!("a schema does not serialize: {e}"))?;
        }
    }
    for page in &site.pages {
        let graph = handoff::render::jsonld::page_graph(&site, page);
        let lower = graph.to_ascii_lowercase();
        if lower.contains("</script") || lower.contains("<!--") {
            return Err(format!(
                "the JSON-LD of {} can end its script early",
                page.path
            ));
        }
        serde_json::from_str::<serde_json::Value>(&graph)
            .map_err(|e| format!("the JSON-LD of {} is not JSON: {e}", page.path))?;
    }
    Ok(())
}

/// Splits `data` at every occurrence of `sep`.
fn split_bytes<'a>(data: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(sep.len()).position(|w| w == sep) {
        out.push(&rest[..i]);
        rest = &rest[i + sep.len()..];
    }
    out.push(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_config_and_a_tiny_page_pass() {
        assert!(config::parse(BASE_CONFIG).is_ok());
        assert_eq!(page(b"\x01---\ntitle: About\n---\nHello.\n"), Ok(()));
        assert_eq!(
            checklists(b"title: A\nextends: b\nitems: []\n=====\ntitle: B\nitems:\n  - id: x\n    label: X\n"),
            Ok(())
        );
        assert_eq!(site_toml(BASE_CONFIG.as_bytes()), Ok(()));
    }

    #[test]
    fn links_out_of_the_site_reach_the_canary_and_are_refused() {
        let work = tempfile::tempdir().unwrap();
        let input = format!(
            "=== site.toml\n{BASE_CONFIG}=== content/_index.md\n---\ntitle: Home\n---\n\
             @@@ content/leak.md -> /environ\n"
        );
        assert_eq!(site(input.as_bytes(), work.path()), Ok(()));
        // The input did reach outside: without the rule the canary was
        // one read away, and the build refused it.
        let leak = work.path().join("site/content/leak.md");
        let text = std::fs::read_to_string(&leak).unwrap();
        assert!(text.contains(CANARY), "{text}");
        let opts = handoff::BuildOptions {
            root: work.path().join("site"),
            ..handoff::BuildOptions::default()
        };
        let Err(handoff::BuildError::Findings(d)) = handoff::check_site(&opts) else {
            panic!("check passed a link out of the site");
        };
        assert!(
            d.iter()
                .any(|d| d.code == handoff::diag::Code::LinkOutsideSite),
            "{d:?}"
        );
    }
}
