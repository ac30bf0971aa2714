//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz) and for the
//! regression tests that replay their crash inputs
//! (`tests/fixtures/fuzz-regressions/<target>/`, run by `tests/it/fuzz_regressions.rs`).
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
//! Not used by the build. Inputs are mapped onto files as follows:
//!
//! | target | input |
//! |---|---|
//! | [`page`] | first byte: the file's kind (home, plain page, section index, service, referral, location, physician); the rest: the file's bytes |
//! | [`checklists`] | up to four checklist files `a`, `b`, `c`, `d` (`a` is the checklist of a service line), separated by lines `=====` |
//! | [`site_toml`] | the bytes of `site.toml` |
//! | [`site`] | a file tree in the [`unpack_tree`] format, on top of the default theme |

use std::path::{Component, Path, PathBuf};

use include_dir::Dir;

use crate::diag::{Diagnostic, Diagnostics};
use crate::render::reads::Reader;
use crate::render::{markdown, view};
use crate::source::{Section, SourceFile, SourceKind, SourceSet};
use crate::{config, content, forms, model, source};

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
    let (rel, kind) = match selector % 7 {
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
    };
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
    let body_start = match &doc {
        content::Document::Home(p)
        | content::Document::Section(_, p)
        | content::Document::Page(p) => p.body_start,
        content::Document::Service(d) => d.page.body_start,
        content::Document::Referral(d) => {
            for faq in &d.faq {
                markdown::render_inline(&faq.a);
            }
            d.page.body_start
        }
        content::Document::Location(d) => d.page.body_start,
        content::Document::Physician(d) => d.page.body_start,
        content::Document::Checklist(_) => 0,
    };
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
    write_embedded(&crate::cli::DEFAULT_THEME, &root.join("themes/clinic"))
        .map_err(|e| format!("cannot write the theme: {e}"))?;
    write_outside(&outside).map_err(|e| format!("cannot write {OUTSIDE}/: {e}"))?;
    unpack_tree(data, &root);
    // An input that spells the canary out may publish it legitimately.
    let guard = !data.windows(CANARY.len()).any(|w| w == CANARY.as_bytes());
    let opts = crate::BuildOptions {
        root: root.clone(),
        output: Some(output.clone()),
        base_url: None,
        drafts: false,
        serving: false,
    };
    let built = crate::build_site(&opts);
    let leftovers = staging_left(work);
    if !leftovers.is_empty() {
        return Err(format!("staging folders left behind: {leftovers:?}"));
    }
    match built {
        Ok(built) => {
            if !output.join(crate::output::MARKER).is_file() {
                return Err("a successful build left no marked output folder".to_owned());
            }
            check_findings(&built.warnings, guard)?;
            check_jsonld(&output)?;
            if guard {
                check_no_canary(&output)?;
            }
        }
        Err(crate::BuildError::Findings(d)) => {
            expect_error(&d, "the build")?;
            check_findings(&d, guard)?;
            if std::fs::symlink_metadata(&output).is_ok() {
                return Err("a failed build created the output folder".to_owned());
            }
        }
        Err(crate::BuildError::Usage(msg)) => {
            if root.join(config::FILE).is_file() {
                return Err(format!("a usage error with a site.toml present: {msg}"));
            }
            return Ok(());
        }
        Err(crate::BuildError::Io(e)) => {
            return Err(format!(
                "the build failed with an I/O error, not a finding: {e:#}"
            ));
        }
    }
    match crate::check_site(&opts) {
        Ok(d) => check_findings(&d, guard),
        Err(crate::BuildError::Usage(_)) => Ok(()),
        Err(crate::BuildError::Findings(d)) => {
            expect_error(&d, "check")?;
            check_findings(&d, guard)
        }
        Err(crate::BuildError::Io(e)) => Err(format!(
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
    let base = crate::cli::DEFAULT_THEME
        .get_file("templates/base.html")
        .and_then(|f| f.contents_utf8())
        .unwrap_or("<!doctype html><html><head></head><body></body></html>");
    base.replacen(
        "</head>",
        &format!("<meta name=\"x\" content=\"{CANARY}\"></head>"),
        1,
    )
}

/// No file under `dir` contains [`CANARY`].
pub fn check_no_canary(dir: &Path) -> Result<(), String> {
    let mut diags = Diagnostics::new();
    for path in source::walk(dir, dir, &mut diags) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        if bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()) {
            return Err(format!(
                "{} holds the canary from outside the site",
                path.display()
            ));
        }
    }
    Ok(())
}

/// Findings as every format prints them: none quotes [`CANARY`] (when
/// `guard`), none can inject into a terminal or a CI log.
pub fn check_findings(diags: &Diagnostics, guard: bool) -> Result<(), String> {
    let human = crate::diag::render_human(diags, false);
    let json = crate::diag::render_json(diags);
    let github = crate::diag::render_github(diags);
    if guard {
        for (format, text) in [("human", &human), ("json", &json), ("github", &github)] {
            if text.contains(CANARY) {
                return Err(format!(
                    "a {format} finding quotes a file from outside the site"
                ));
            }
        }
    }
    if let Some(c) = human
        .chars()
        .find(|&c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(format!("a human finding holds the control character {c:?}"));
    }
    if let Some(line) = human.lines().find(|l| l.starts_with("::")) {
        return Err(format!(
            "a human finding starts a workflow command: {line:?}"
        ));
    }
    if let Some(line) = github
        .lines()
        .find(|l| !(l.starts_with("::error ") || l.starts_with("::warning ")))
    {
        return Err(format!("a github line is not one annotation: {line:?}"));
    }
    for line in json.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .map_err(|e| format!("a json finding is not JSON ({e}): {line:?}"))?;
    }
    Ok(())
}

/// Writes a file tree described by `data` under `root`. The format is
/// line-based and readable, so seeds can be written by hand:
///
/// ```text
/// === site.toml
/// title = "Clinic"
/// === content/about.md
/// ---
/// title: About
/// ---
/// @@@ content/loop -> ..
/// @@@ static/leak.txt -> /secret.txt
/// ```
///
/// `=== <path>` starts a file whose bytes run to the next `===` or `@@@`
/// line; `@@@ <path> -> <target>` makes a symbolic link. Paths are relative,
/// start with `site.toml`, `content/`, `static/`, `templates/` or `themes/`,
/// and never leave `root`; anything else is skipped, as are entries that
/// cannot be created. Link targets may leave the site, but only into the
/// folder [`OUTSIDE`] beside it: a relative target that climbs out of the
/// site must go down into it, and an absolute target `/x` means
/// `<root>/../outside/x`. Files are written before links, and a target may
/// not pass through another link of the input, so where a link lands is
/// known before it is made: the fuzzer never reaches the rest of the disk.
pub fn unpack_tree(data: &[u8], root: &Path) {
    let mut entries: Vec<(&[u8], Vec<u8>)> = Vec::new();
    let mut lines = data.split_inclusive(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let head = line.strip_suffix(b"\n").unwrap_or(line);
        if !(head.starts_with(b"=== ") || head.starts_with(b"@@@ ")) {
            continue;
        }
        let mut body = Vec::new();
        while let Some(next) = lines.peek() {
            if next.starts_with(b"=== ") || next.starts_with(b"@@@ ") {
                break;
            }
            body.extend_from_slice(next);
            lines.next();
        }
        entries.push((head, body));
    }
    let mut links: Vec<(PathBuf, &str)> = Vec::new();
    for (head, body) in entries.into_iter().take(64) {
        let Ok(head) = std::str::from_utf8(head) else {
            continue;
        };
        if let Some(path) = head.strip_prefix("=== ") {
            let Some(rel) = tree_path(path) else { continue };
            let path = root.join(rel);
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(&path, &body);
        } else if let Some(link) = head.strip_prefix("@@@ ") {
            let Some((path, target)) = link.split_once(" -> ") else {
                continue;
            };
            if let Some(rel) = tree_path(path) {
                links.push((rel, target));
            }
        }
    }
    let names: Vec<&Path> = links.iter().map(|(rel, _)| rel.as_path()).collect();
    for (rel, target) in &links {
        let Some(target) = link_target(root, rel, target, &names) else {
            continue;
        };
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = symlink(&target, &path);
    }
}

#[cfg(unix)]
fn symlink(target: &Path, path: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, path)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// A tree path, checked to stay inside the site under a known folder.
fn tree_path(path: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = path.split('/').collect();
    let first = *parts.first()?;
    let known = ["site.toml", "content", "static", "templates", "themes"];
    if !known.contains(&first) || (first == "site.toml") != (parts.len() == 1) {
        return None;
    }
    let ok = parts.len() <= 8
        && parts.iter().all(|p| {
            !p.is_empty() && *p != "." && *p != ".." && p.len() <= 64 && !p.contains('\0')
        });
    ok.then(|| parts.iter().collect())
}

/// What the link at `link` (relative to `root`) may point at for `target`:
/// the target as written when, resolved from the link's folder, it stays
/// in the site or in [`OUTSIDE`] beside it, without passing through any of
/// the input's `links`; an absolute `/x` becomes `<root>/../outside/x`.
/// `None` otherwise.
fn link_target(root: &Path, link: &Path, target: &str, links: &[&Path]) -> Option<PathBuf> {
    // A link inside a linked folder would land where that folder leads.
    let in_link = link.ancestors().skip(1).any(|a| links.contains(&a));
    if in_link || target.is_empty() || target.contains('\0') || target.len() > 256 {
        return None;
    }
    let site = root.file_name()?;
    // Where the walk is, from the folder that holds the site.
    let mut at: Vec<&std::ffi::OsStr> = vec![site];
    let written = Path::new(target);
    let resolved = if let Some(rest) = target.strip_prefix('/') {
        at = vec![std::ffi::OsStr::new(OUTSIDE)];
        Path::new(rest)
    } else {
        at.extend(link.parent()?.components().map(Component::as_os_str));
        written
    };
    let parts: Vec<Component<'_>> = resolved.components().collect();
    for (i, part) in parts.iter().enumerate() {
        match part {
            Component::ParentDir => {
                at.pop()?;
            }
            Component::Normal(name) => at.push(name),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
        // Only the last step may land on a link (a chain of links); a link
        // on the way would move the rest of the walk somewhere unknown.
        let in_site: PathBuf = at.iter().skip(1).collect();
        if at.first() == Some(&site) && i + 1 < parts.len() && links.contains(&in_site.as_path()) {
            return None;
        }
    }
    match at.first() {
        Some(first) if *first == site || *first == OUTSIDE => {
            if target.starts_with('/') {
                Some(root.parent()?.join(OUTSIDE).join(resolved))
            } else {
                Some(written.to_path_buf())
            }
        }
        _ => None,
    }
}

fn write_embedded(dir: &Dir<'_>, target: &Path) -> std::io::Result<()> {
    for file in dir.files() {
        let path = target.join(file.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, file.contents())?;
    }
    for sub in dir.dirs() {
        write_embedded(sub, target)?;
    }
    Ok(())
}

/// `public.tmp-*` and `public.old-*` folders beside the output.
fn staging_left(work: &Path) -> Vec<String> {
    std::fs::read_dir(work)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("public.tmp-") || n.starts_with("public.old-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Every JSON-LD block of every HTML file under `dir` is JSON that cannot
/// end its `<script>` element early.
pub fn check_jsonld(dir: &Path) -> Result<(), String> {
    let mut diags = Diagnostics::new();
    for path in source::walk(dir, dir, &mut diags) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let Ok(html) = std::fs::read_to_string(&path) else {
            continue;
        };
        for block in jsonld_blocks(&html) {
            let lower = block.to_ascii_lowercase();
            if lower.contains("</script") || lower.contains("<!--") {
                return Err(format!(
                    "{}: a JSON-LD block contains `</script` or `<!--`",
                    path.display()
                ));
            }
            if let Err(e) = serde_json::from_str::<serde_json::Value>(block) {
                return Err(format!(
                    "{}: a JSON-LD block is not JSON: {e}",
                    path.display()
                ));
            }
        }
    }
    Ok(())
}

/// The texts of the `<script type="application/ld+json">` elements of a page.
pub fn jsonld_blocks(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = html[from..].find("application/ld+json") {
        let at = from + rel;
        let Some(open_end) = html[at..].find('>').map(|i| at + i + 1) else {
            break;
        };
        let end = html[open_end..]
            .to_ascii_lowercase()
            .find("</script")
            .map_or(html.len(), |i| open_end + i);
        out.push(&html[open_end..end]);
        from = end;
    }
    out
}

/// Resolves documents alone (against [`BASE_CONFIG`]) and, when that works,
/// builds what pages show from them: checklist views, forms and schemas.
fn resolve_alone(
    docs: Vec<content::Document>,
    set: &SourceSet,
    files: &[(&str, &str)],
) -> Result<(), String> {
    let config = config::parse(BASE_CONFIG).map_err(|_| "BASE_CONFIG does not parse")?;
    let site = match model::resolve(docs, &config, set, model::ResolveOptions { drafts: true }) {
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
            local: false,
        };
        forms::spec(&site, forms::FormKind::Referral, &at);
    }
    for kind in forms::FormKind::ALL {
        if let Some(schema) = forms::schema(&site, kind) {
            serde_json::to_vec(&schema).map_err(|e| format!("a schema does not serialize: {e}"))?;
        }
    }
    for page in &site.pages {
        let graph = crate::render::jsonld::page_graph(&site, page);
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

/// A failure must come with at least one error finding.
fn expect_error(d: &Diagnostics, what: &str) -> Result<(), String> {
    if d.has_errors() {
        Ok(())
    } else {
        Err(format!("{what} failed without an error finding"))
    }
}

/// Every finding with a position names a known file, and its line and
/// column lie inside that file (column one past the end of the line allowed).
fn check_positions(
    diags: &Diagnostics,
    files: &[(&str, &str)],
    need_file: bool,
) -> Result<(), String> {
    for d in diags.iter() {
        let Some(file) = &d.file else {
            if need_file {
                return Err(describe(d, "names no file"));
            }
            continue;
        };
        let Some(span) = d.span else { continue };
        let Some((_, text)) = files.iter().find(|(rel, _)| rel == file) else {
            continue;
        };
        let Some(line) = text.split('\n').nth(span.line.wrapping_sub(1)) else {
            return Err(describe(
                d,
                &format!("points at line {}, past the end", span.line),
            ));
        };
        if span.col == 0 || span.col > line.chars().count() + 1 {
            return Err(describe(
                d,
                &format!("points at column {} of line {}", span.col, span.line),
            ));
        }
    }
    Ok(())
}

fn describe(d: &Diagnostic, what: &str) -> String {
    format!("finding {} ({}) {what}", d.code, d.message)
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
    fn tree_paths_stay_inside_the_site() {
        assert!(tree_path("content/about.md").is_some());
        assert!(tree_path("site.toml").is_some());
        assert!(tree_path("site.toml/x").is_none());
        assert!(tree_path("content/../../x").is_none());
        assert!(tree_path("/etc/passwd").is_none());
        assert!(tree_path("public/x").is_none());
        let root = Path::new("/w/site");
        let target = |link: &str, target: &str, links: &[&str]| {
            let links: Vec<&Path> = links.iter().map(Path::new).collect();
            link_target(root, Path::new(link), target, &links)
        };
        assert_eq!(target("content/loop", "..", &[]), Some("..".into()));
        assert_eq!(
            target("content/x", "../../outside/pages", &[]),
            Some("../../outside/pages".into())
        );
        assert_eq!(
            target("content/x", "/secret.txt", &[]),
            Some("/w/outside/secret.txt".into())
        );
        // Nowhere else: not above the site's folder, not beside it.
        assert_eq!(target("content/loop", "../../..", &[]), None);
        assert_eq!(target("content/x", "../../public", &[]), None);
        assert_eq!(target("content/x", "/../../etc/passwd", &[]), None);
        // Not through another link, nor from inside a linked folder; a
        // chain that ends on a link is fine.
        assert_eq!(target("content/b", "a/../../x", &["content/a"]), None);
        assert_eq!(target("content/a/b", "../x", &["content/a"]), None);
        assert_eq!(target("content/b", "a", &["content/a"]), Some("a".into()));
    }

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
        let opts = crate::BuildOptions {
            root: work.path().join("site"),
            ..crate::BuildOptions::default()
        };
        let Err(crate::BuildError::Findings(d)) = crate::check_site(&opts) else {
            panic!("check passed a link out of the site");
        };
        assert!(
            d.iter()
                .any(|d| d.code == crate::diag::Code::LinkOutsideSite),
            "{d:?}"
        );
    }

    #[test]
    fn the_leak_checks_catch_the_canary() {
        let d = Diagnostic::new(crate::diag::Code::FrontMatterUnclosed, "no front matter")
            .in_file("content/leak.md")
            .at(
                &format!("SECRET_TOKEN={CANARY}"),
                crate::diag::Span::new(1, 1, 3),
            );
        let diags = Diagnostics::from(d);
        assert!(check_findings(&diags, true).is_err());
        assert_eq!(check_findings(&diags, false), Ok(()));
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("a.txt"), "fine").unwrap();
        assert_eq!(check_no_canary(out.path()), Ok(()));
        std::fs::write(out.path().join("b.txt"), CANARY).unwrap();
        assert!(check_no_canary(out.path()).is_err());
    }

    #[test]
    fn trees_unpack_with_files_and_links() {
        let tmp = tempfile::tempdir().unwrap();
        unpack_tree(
            b"junk\n=== content/a.md\nA\n=== content/../x\nno\n@@@ content/loop -> ..\n=== site.toml\n",
            tmp.path(),
        );
        assert_eq!(
            std::fs::read(tmp.path().join("content/a.md")).unwrap(),
            b"A\n"
        );
        assert!(tmp.path().join("site.toml").is_file());
        assert!(std::fs::symlink_metadata(tmp.path().join("content/loop")).is_ok());
        assert!(!tmp.path().join("x").exists());
    }
}
