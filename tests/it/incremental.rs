//! `serve`'s incremental rebuild gives the same site as a full build.
//!
//! Drives the library's serve session directly (no server, no watcher): each
//! edit to a content file of the example site is applied incrementally, then
//! compared file by file with a fresh build of the edited tree. Edits pile
//! up, so later ones run against an already edited site.

use std::path::PathBuf;

use handoff::BuildOptions;
use handoff::render::RenderOptions;
use handoff::serve::session::{Failure, Files, Pending, Session};

use crate::support::{SiteTest, TEST_EPOCH};

fn options(site: &SiteTest) -> (BuildOptions, RenderOptions) {
    (
        BuildOptions {
            root: site.root().to_path_buf(),
            serving: true,
            // One "now" for the session and the full build it is compared
            // with: an event's calendar file is stamped with it.
            now: TEST_EPOCH
                .parse()
                .ok()
                .and_then(|s| jiff::Timestamp::from_second(s).ok()),
            ..BuildOptions::default()
        },
        RenderOptions {
            preview: false,
            local_intake: true,
        },
    )
}

fn full_build(site: &SiteTest) -> Result<Files, String> {
    let (opts, render) = options(site);
    Session::start(opts, render)
        .map(|s| s.files().clone())
        .map_err(describe)
}

fn describe(f: Failure) -> String {
    match f {
        Failure::Findings(d) => d
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        Failure::Fatal(m) => m,
    }
}

/// The differing output paths of two builds.
fn differences(a: &Files, b: &Files) -> Vec<String> {
    let mut out: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(b.keys().filter(|k| !a.contains_key(*k)).cloned());
    out
}

/// Edits that keep a file valid: each replaces the first match of a
/// line prefix, or appends to the body.
/// A named change to a file's text.
type Edit = (String, Box<dyn Fn(&str) -> String>);

fn edits_for(text: &str) -> Vec<Edit> {
    let mut edits: Vec<Edit> = Vec::new();
    for (prefix, replacement) in [
        ("title: ", "title: Edited title"),
        (
            "description: ",
            "description: An edited description for referring offices.",
        ),
        ("  - id: ", ""),
        ("    label: ", "    label: Edited label"),
        ("    required: true", "    required: false"),
        (
            "response_time: ",
            "response_time: Within one business day (edited)",
        ),
        (
            "  response_time: ",
            "  response_time: Within two business days (edited)",
        ),
        ("credentials: ", "credentials: MD, MPH"),
        ("  - q: ", "  - q: An edited question?"),
        ("    a: ", "    a: An edited answer with a [link](/refer/)."),
    ] {
        if replacement.is_empty() || !text.lines().any(|l| l.starts_with(prefix)) {
            continue;
        }
        let (prefix, replacement) = (prefix.to_owned(), replacement.to_owned());
        edits.push((
            format!("`{prefix}` line"),
            Box::new(move |t: &str| {
                let mut done = false;
                t.lines()
                    .map(|l| {
                        if !done && l.starts_with(&prefix) {
                            done = true;
                            replacement.clone()
                        } else {
                            l.to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n"
            }),
        ));
    }
    if text.starts_with("---") {
        edits.push((
            "body".into(),
            Box::new(|t: &str| format!("{t}\n\nAn added paragraph.\n")),
        ));
    }
    edits
}

/// Whether a Markdown file's front matter says `draft: true`.
fn is_draft(text: &str) -> bool {
    text.strip_prefix("---\n")
        .and_then(|rest| rest.split("\n---").next())
        .is_some_and(|fm| fm.lines().any(|l| l.trim() == "draft: true"))
}

#[test]
fn every_content_edit_matches_a_full_build() {
    let site = SiteTest::example();
    let (opts, render) = options(&site);
    let mut session = Session::start(opts, render).map_err(describe).unwrap();
    let total_pages = session
        .files()
        .keys()
        .filter(|k| k.ends_with(".html"))
        .count();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(site.path("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let (mut edits, mut rendered, mut partial, mut body_edits) = (0, 0, 0, 0);
    for path in &files {
        let before = std::fs::read_to_string(path).unwrap();
        for (what, edit) in edits_for(&before) {
            let current = std::fs::read_to_string(path).unwrap();
            let after = edit(&current);
            if after == current {
                continue;
            }
            std::fs::write(path, &after).unwrap();
            let label = format!("{} ({what})", path.display());
            let incremental = session.apply(std::slice::from_ref(path));
            let full = full_build(&site);
            match (incremental, full) {
                (Ok(change), Ok(expected)) => {
                    let diff = differences(session.files(), &expected);
                    assert!(
                        diff.is_empty(),
                        "{label}: the incremental rebuild differs from a full build in {diff:?}"
                    );
                    // A body is shown on its own page only: the fast
                    // path renders that page and nothing else (nothing
                    // for a draft, which a build leaves out).
                    if what == "body" {
                        let own = usize::from(!is_draft(&after));
                        assert_eq!(
                            change.rendered, own,
                            "{label}: a body edit rendered {} pages ({:?})",
                            change.rendered, change.files
                        );
                        body_edits += 1;
                    }
                    edits += 1;
                    rendered += change.rendered;
                    if change.rendered < total_pages {
                        partial += 1;
                    }
                }
                (Err(got), Err(_)) => {
                    // Both refuse the edit; put the file back.
                    std::fs::write(path, &current).unwrap();
                    session
                        .apply(std::slice::from_ref(path))
                        .map_err(describe)
                        .unwrap_or_else(|e| panic!("{label}: reverting failed: {e}"));
                    let _ = describe(got);
                }
                (Ok(_), Err(e)) => panic!(
                    "{label}: the incremental rebuild accepted what a full build refuses: {e}"
                ),
                (Err(e), Ok(_)) => panic!(
                    "{label}: the incremental rebuild refused what a full build accepts: {}",
                    describe(e)
                ),
            }
        }
    }
    assert!(edits >= 40, "only {edits} edits were tried");
    assert!(body_edits >= 20, "only {body_edits} body edits were tried");
    // Most edits touch a few pages, not the whole site.
    assert!(
        partial * 10 >= edits * 7,
        "{partial} of {edits} edits rendered fewer than all {total_pages} pages"
    );
    eprintln!(
        "{edits} edits ({body_edits} of a body, one page each), {rendered} pages rendered in all (a full build renders {total_pages})"
    );
}

#[test]
fn a_checklist_edit_renders_only_the_pages_that_show_it() {
    let site = SiteTest::example();
    let (opts, render) = options(&site);
    let mut session = Session::start(opts, render).map_err(describe).unwrap();
    let rel = "content/checklists/thoracic-oncology.yaml";
    let text = site.read(rel).replace("label: ", "label: Edited ");
    site.write(rel, &text);
    let change = session.apply(&[site.path(rel)]).map_err(describe).unwrap();
    let pages: Vec<&String> = change
        .files
        .iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(
        pages
            .iter()
            .any(|f| f.contains("thoracic-oncology/refer/packet")),
        "{pages:?}"
    );
    assert!(
        pages
            .iter()
            .any(|f| f.contains("referrals/lung-nodule-evaluation")),
        "{pages:?}"
    );
    assert!(
        change
            .files
            .iter()
            .any(|f| f == "forms/referral.schema.json")
            || !session.files().contains_key("forms/referral.schema.json"),
        "{:?}",
        change.files
    );
    // Cardiology pages do not show it.
    assert!(
        !pages.iter().any(|f| f.contains("electrophysiology")),
        "{pages:?}"
    );
    let total = session
        .files()
        .keys()
        .filter(|k| k.ends_with(".html"))
        .count();
    assert!(
        change.rendered < total / 2,
        "rendered {} of {total}",
        change.rendered
    );
    assert!(differences(session.files(), &full_build(&site).unwrap()).is_empty());
}

/// The page open in a browser is rendered before the other pages an edit
/// touches: the browser is told then, with the others marked as pending,
/// and the session ends equal to a full build.
#[test]
fn the_open_page_is_rendered_first_and_the_others_follow() {
    let site = SiteTest::example();
    let (opts, render) = options(&site);
    let mut session = Session::start(opts, render).map_err(describe).unwrap();
    let open_page = "referrals/lung-nodule-evaluation/index.html".to_owned();
    let rel = "content/checklists/thoracic-oncology.yaml";
    let text = site.read(rel).replace("label: ", "label: Edited ");
    site.write(rel, &text);
    let open = std::collections::BTreeSet::from([open_page.clone()]);
    let mut told = Vec::new();
    let change = session
        .apply_open_first(&[site.path(rel)], &open, &mut |s, early| {
            let page = String::from_utf8_lossy(&s.files()[&open_page]).into_owned();
            told.push((early.clone(), page.contains("Edited ")));
        })
        .map_err(describe)
        .unwrap();
    let [(early, edited)] = told.as_slice() else {
        panic!("told {} times", told.len());
    };
    assert_eq!(early.files, std::slice::from_ref(&open_page), "{early:?}");
    assert!(*edited, "the open page did not show the edit when told");
    // The other pages are held until rendered; what pages load is not.
    let packet = "services/thoracic-oncology/refer/packet/index.html";
    assert!(early.pending.holds(packet), "{:?}", early.pending);
    assert!(!early.pending.holds(&open_page), "{:?}", early.pending);
    assert!(!early.pending.holds("css/site.css"), "{:?}", early.pending);
    assert_eq!(change.pending, Pending::Nothing);
    assert!(change.files.contains(&open_page), "{:?}", change.files);
    assert!(change.files.len() > early.files.len(), "{:?}", change.files);
    assert!(differences(session.files(), &full_build(&site).unwrap()).is_empty());

    // Nothing open: the browser is told nothing early, and the whole
    // change comes back at once.
    let text = site.read(rel).replace("label: Edited ", "label: Again ");
    site.write(rel, &text);
    let change = session
        .apply_open_first(&[site.path(rel)], &Default::default(), &mut |_, early| {
            assert!(early.files.is_empty(), "{early:?}");
        })
        .map_err(describe)
        .unwrap();
    assert!(change.files.contains(&open_page), "{:?}", change.files);
    assert!(differences(session.files(), &full_build(&site).unwrap()).is_empty());
}

/// With the built-in theme (no `themes/` folder) the incremental rebuild
/// still equals a full build: after a body edit, a site template override,
/// ejecting the theme while serving (the copy then takes over) and a
/// stylesheet edit to that copy.
#[test]
fn the_built_in_theme_rebuilds_as_a_full_build() {
    let site = SiteTest::example();
    site.remove("themes");
    let (opts, render) = options(&site);
    let mut session = Session::start(opts, render).map_err(describe).unwrap();
    let mut expect_full = |changed: Vec<PathBuf>, label: &str| {
        let change = session.apply(&changed).map_err(describe).unwrap();
        let expected = full_build(&site).unwrap();
        let diff = differences(session.files(), &expected);
        assert!(
            diff.is_empty(),
            "{label}: differs from a full build in {diff:?}"
        );
        change
    };

    let about = "content/about.md";
    site.write(
        about,
        &format!("{}\nAn edited paragraph.\n", site.read(about)),
    );
    expect_full(vec![site.path(about)], "body edit");

    let footer = "templates/partials/footer.html";
    let theme_footer = handoff::theme::embedded::DEFAULT_THEME
        .get_file("templates/partials/footer.html")
        .and_then(|f| f.contents_utf8())
        .unwrap();
    site.write(footer, &format!("<p>Override</p>{theme_footer}"));
    expect_full(vec![site.path(footer)], "template override");

    let theme = site.path("themes/clinic");
    handoff::theme::embedded::write(&handoff::theme::embedded::DEFAULT_THEME, &theme).unwrap();
    let written: Vec<PathBuf> = walkdir::WalkDir::new(&theme)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    expect_full(written, "theme ejected");

    let css = "themes/clinic/css/site.css";
    site.write(css, &format!("{}\n.edited{{color:red}}\n", site.read(css)));
    let change = expect_full(vec![site.path(css)], "stylesheet of the ejected theme");
    assert_eq!(change.rendered, 0, "a stylesheet edit rendered pages");
}
