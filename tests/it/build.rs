//! `handoff build` on a good site, the output folder contract (SPEC §1, §10),
//! and the global flags. `handoff new` is tested in `scaffold`.

use std::fs;
use std::path::Path;

use crate::support::{DirSnapshot, SiteTest, names_in};

const BASIC: &str = "build/basic";

/// Every page kind of SPEC §2 lands at its URL.
const EXPECTED_PAGES: &[&str] = &[
    "index.html",
    "about/index.html",
    "services/index.html",
    "services/cardiology/index.html",
    "services/heart-failure/index.html",
    "referrals/index.html",
    "referrals/palpitations/index.html",
    "locations/index.html",
    "locations/main-street/index.html",
    "physicians/index.html",
    "physicians/ana-ruiz/index.html",
];

/// The hashed stylesheet in `public/css/`: `site.<hash>.css`.
fn hashed_stylesheet(site: &SiteTest, output: &std::path::Path) -> String {
    let css_dir = output.join("css");
    assert!(
        css_dir.is_dir(),
        "no css/ folder in the output\n{}",
        crate::support::listing(site.work_dir())
    );
    let names = names_in(&css_dir);
    let hashed: Vec<&String> = names
        .iter()
        .filter(|n| {
            n.strip_prefix("site.")
                .and_then(|rest| rest.strip_suffix(".css"))
                .is_some_and(|hash| {
                    !hash.is_empty() && hash.chars().all(|c| c.is_ascii_alphanumeric())
                })
        })
        .collect();
    assert!(
        hashed.len() == 1,
        "expected exactly one css/site.<hash>.css, found {names:?}"
    );
    hashed[0].clone()
}

#[test]
fn builds_every_page_kind() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[])
        .expect_success()
        .expect_no_findings()
        .expect_stderr_not_contains("error");

    for page in EXPECTED_PAGES {
        let html = site.expect_file(&format!("public/{page}"));
        assert!(
            html.to_ascii_lowercase().contains("<html"),
            "public/{page} is not an HTML page:\n{html}"
        );
    }
    site.expect_file("public/.handoff-output");
    site.expect_no_staging_left(&site.public());
}

#[test]
fn pages_carry_their_content() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();

    let service = site.read("public/services/cardiology/index.html");
    assert!(service.contains("General Cardiology"), "{service}");
    let referral = site.read("public/referrals/palpitations/index.html");
    assert!(referral.contains("Palpitations"), "{referral}");
    let location = site.read("public/locations/main-street/index.html");
    assert!(location.contains("Main Street Clinic"), "{location}");
    let services = site.read("public/services/index.html");
    assert!(
        services.contains("/services/cardiology/") && services.contains("/services/heart-failure/"),
        "the services index links every service line:\n{services}"
    );
}

#[test]
fn hashed_stylesheet_is_written_and_linked() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();

    let css = hashed_stylesheet(&site, &site.public());
    let home = site.read("public/index.html");
    assert!(
        home.contains(&format!("/css/{css}")),
        "index.html does not link /css/{css}:\n{home}"
    );
}

#[test]
fn static_files_are_copied_as_is() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();

    let original = fs::read(site.path("static/images/logo.svg")).unwrap();
    let copied = fs::read(site.path("public/images/logo.svg")).unwrap();
    assert_eq!(
        original, copied,
        "static/images/logo.svg changed on the way"
    );
}

#[test]
fn site_template_overrides_the_theme() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();

    let about = site.read("public/about/index.html");
    assert!(
        about.contains("Rendered by the site&#39;s own templates/page.html")
            || about.contains("Rendered by the site's own templates/page.html")
            || about.contains("Rendered by the site&#x27;s own templates/page.html"),
        "about/ was not rendered with the site's templates/page.html:\n{about}"
    );
    assert!(
        about.contains("Our team"),
        "the Markdown body is missing:\n{about}"
    );
    let home = site.read("public/index.html");
    assert!(
        !home.contains("site&#39;s own templates/page.html")
            && !home.contains("site's own templates/page.html"),
        "the home page must use index.html, not the page.html override"
    );
}

#[test]
fn drafts_are_built_only_with_the_flag() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();
    site.expect_no_file("public/news/index.html");

    site.build(&["--drafts"]).expect_success();
    site.expect_file("public/news/index.html");
}

#[test]
fn output_flag_writes_elsewhere_relative_to_the_working_folder() {
    let site = SiteTest::fixture(BASIC);
    site.build(&["--output", "elsewhere"]).expect_success();

    let out = site.work_dir().join("elsewhere");
    assert!(
        out.join("index.html").is_file(),
        "{}",
        crate::support::listing(site.work_dir())
    );
    assert!(out.join(".handoff-output").is_file());
    hashed_stylesheet(&site, &out);
    site.expect_no_file("public");
    site.expect_no_staging_left(&out);
}

#[test]
fn output_dir_from_site_toml() {
    let site = SiteTest::fixture(BASIC);
    let toml = site.read("site.toml") + "\n[build]\noutput_dir = \"dist\"\n";
    site.write("site.toml", &toml);
    site.build(&[]).expect_success();

    site.expect_file("dist/index.html");
    site.expect_file("dist/.handoff-output");
    site.expect_no_file("public");
}

#[test]
fn rebuilding_replaces_its_own_output() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();
    site.expect_file("public/about/index.html");

    // The second build swaps a whole new site in: a page removed from
    // content/ is gone from public/ afterwards.
    site.remove("content/about.md");
    site.build(&[]).expect_success();
    site.expect_no_file("public/about/index.html");
    site.expect_file("public/index.html");
    site.expect_no_staging_left(&site.public());
}

#[test]
fn failed_build_keeps_the_previous_real_build() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();
    let before = DirSnapshot::of(&site.public());

    site.write(
        "content/referrals/palpitations.md",
        "---\ntitle: Palpitations\nservice: cardiolgy\n---\nBody.\n",
    );
    let failed = site.build(&[]);
    failed.expect_exit(1).diagnostic("E020");
    before.expect_unchanged(&DirSnapshot::of(&site.public()), &failed.report());
    site.expect_no_staging_left(&site.public());
}

#[test]
fn refuses_to_replace_a_foreign_output_folder() {
    let site = SiteTest::fixture(BASIC);
    let foreign = site.work_dir().join("my-documents");
    fs::create_dir_all(foreign.join("letters")).unwrap();
    fs::write(foreign.join("notes.txt"), "do not delete\n").unwrap();
    fs::write(foreign.join("letters/2026.txt"), "letter\n").unwrap();
    let before = DirSnapshot::of(&foreign);

    let out = site.build(&["--output", "my-documents"]);
    out.expect_exit(1).diagnostic("E005");
    before.expect_unchanged(&DirSnapshot::of(&foreign), &out.report());
    assert_eq!(
        fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "do not delete\n"
    );
    site.expect_no_staging_left(&foreign);
}

#[test]
fn refuses_a_foreign_default_output_folder() {
    let site = SiteTest::fixture(BASIC);
    site.write("public/index.html", "<p>hand-made, not by handoff</p>\n");
    let before = DirSnapshot::of(&site.public());

    let out = site.build(&[]);
    out.expect_exit(1).diagnostic("E005");
    before.expect_unchanged(&DirSnapshot::of(&site.public()), &out.report());
    site.expect_no_staging_left(&site.public());
}

#[test]
fn an_empty_output_folder_is_fine() {
    let site = SiteTest::fixture(BASIC);
    fs::create_dir_all(site.work_dir().join("empty-out")).unwrap();
    site.build(&["--output", "empty-out"]).expect_success();
    assert!(site.work_dir().join("empty-out/index.html").is_file());
}

#[test]
fn root_flag_after_the_subcommand() {
    let site = SiteTest::fixture(BASIC);
    let root = site.root().to_string_lossy().into_owned();
    site.run(&["build", "--root", &root]).expect_success();
    site.expect_file("public/index.html");
}

#[test]
fn quiet_build_of_a_clean_site_prints_nothing() {
    let site = SiteTest::fixture(BASIC);
    let root = site.root().to_string_lossy().into_owned();
    let out = site.run(&["--quiet", "--root", &root, "build"]);
    out.expect_success();
    assert!(
        out.stderr.trim().is_empty(),
        "--quiet printed:\n{}",
        out.report()
    );

    let out = site.run(&["build", "--quiet", "--root", &root]);
    out.expect_success();
    assert!(
        out.stderr.trim().is_empty(),
        "--quiet printed:\n{}",
        out.report()
    );
}

#[test]
fn missing_root_is_bad_usage() {
    let site = SiteTest::empty();
    let missing = site.work_dir().join("no-such-site");
    let missing = missing.to_string_lossy().into_owned();
    site.run(&["--root", &missing, "build"]).expect_exit(2);
}

/// Errors that are not findings (usage, I/O) name paths a pull request can
/// choose; their control characters are shown, never sent to the terminal or
/// turned into a CI workflow command.
#[test]
fn usage_and_io_errors_cannot_inject_into_terminals_or_ci_logs() {
    let site = SiteTest::empty();
    let evil = site.work_dir().join("no\x1b[2Jsite\n::error file=x::pwned");
    let evil = evil.to_string_lossy().into_owned();
    for args in [
        vec!["--root", evil.as_str(), "build"],
        vec!["--root", evil.as_str(), "check"],
        vec!["new", "/proc/x\x1b]0;title\x07/site"],
    ] {
        let out = site.run(&args);
        assert_ne!(out.code, Some(0), "{}", out.report());
        assert!(!out.stderr.is_empty(), "{}", out.report());
        for text in [&out.stderr, &out.stdout] {
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "a control character reached the terminal\n{}",
                out.report()
            );
            assert!(
                !text.lines().any(|l| l.starts_with("::")),
                "a line could be read as a workflow command\n{}",
                out.report()
            );
        }
    }
}

#[test]
fn root_without_site_toml_is_bad_usage() {
    let site = SiteTest::empty();
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.build(&[]).expect_exit(2);
    site.expect_no_file("public");
}

#[test]
fn unknown_flag_is_bad_usage() {
    let site = SiteTest::fixture(BASIC);
    site.build(&["--no-such-flag"]).expect_exit(2);
    site.expect_no_file("public");
}

#[test]
fn version_and_help() {
    let site = SiteTest::empty();
    site.run(&["--version"])
        .expect_success()
        .expect_stdout_contains(env!("CARGO_PKG_VERSION"));
    site.run(&["--help"])
        .expect_success()
        .expect_stdout_contains("build")
        .expect_stdout_contains("new");
    site.run(&["build", "--help"])
        .expect_success()
        .expect_stdout_contains("--output");
}

// --- the output folder: links, host files, spellings, killed and parallel builds

/// `public` is a link to a folder elsewhere (a web server's document root):
/// the new site goes into that folder and the link stays a link.
#[test]
fn an_output_given_through_a_link_is_written_through() {
    let site = SiteTest::fixture(BASIC);
    let real = site.work_dir().join("www");
    fs::create_dir(&real).unwrap();
    site.symlink("public", "../www");
    for round in 0..2 {
        site.build(&[]).expect_success();
        let meta = fs::symlink_metadata(site.public()).unwrap();
        assert!(
            meta.is_symlink(),
            "round {round}: public/ is no longer a link"
        );
        assert_eq!(fs::read_link(site.public()).unwrap(), Path::new("../www"));
        assert!(real.join("index.html").is_file() && real.join(".handoff-output").is_file());
        site.expect_no_staging_left(&real);
        site.expect_no_staging_left(&site.public());
    }
    // `--output` naming a link in the working folder.
    std::os::unix::fs::symlink("www", site.work_dir().join("live")).unwrap();
    site.build(&["--output", "live"]).expect_success();
    assert!(
        fs::symlink_metadata(site.work_dir().join("live"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(names_in(site.work_dir()), ["live", "site", "www"]);
}

/// `.git`, `CNAME` and `.nojekyll` that a user put into the output folder
/// (a `gh-pages` checkout) are kept; other files of the old site are not.
#[test]
fn host_files_in_the_output_are_kept_across_builds() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();
    let host_files = [
        ("public/.git/HEAD", "ref: refs/heads/gh-pages\n"),
        ("public/.git/objects/ab/cdef", "blob\n"),
        ("public/CNAME", "www.example-clinic.example\n"),
        ("public/.nojekyll", ""),
    ];
    for (rel, text) in host_files {
        site.write(rel, text);
    }
    site.write("public/left-over.html", "<p>from an old deploy</p>\n");
    site.build(&[]).expect_success();
    for (rel, text) in host_files {
        assert_eq!(site.read(rel), text, "{rel}");
    }
    site.expect_no_file("public/left-over.html");
    site.expect_file("public/index.html");
    site.expect_no_staging_left(&site.public());

    // A fresh checkout of a deploy branch: host files only, no marker yet.
    let deploy = site.work_dir().join("deploy");
    fs::create_dir_all(deploy.join(".git")).unwrap();
    fs::write(deploy.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    fs::write(deploy.join("CNAME"), "www.example-clinic.example\n").unwrap();
    site.build(&["--output", "deploy"]).expect_success();
    assert!(deploy.join("index.html").is_file());
    assert!(deploy.join(".git/HEAD").is_file() && deploy.join("CNAME").is_file());
}

#[test]
fn every_spelling_of_an_existing_output_builds() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();
    let first = DirSnapshot::of(&site.public());
    let absolute = site.public().to_string_lossy().into_owned();
    for spelling in [
        "site/public/",
        "./site/public/../public",
        "site/./public",
        absolute.as_str(),
    ] {
        let out = site.build(&["--output", spelling]);
        out.expect_success();
        first.expect_unchanged(&DirSnapshot::of(&site.public()), &out.report());
        assert_eq!(
            names_in(site.work_dir()),
            ["site"],
            "{spelling}\n{}",
            out.report()
        );
        site.expect_no_staging_left(&site.public());
    }
}

/// The pid of a process that has ended.
fn ended_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// The staging and set-aside folders beside `public/`.
fn stale_beside(site: &SiteTest) -> Vec<String> {
    names_in(site.root())
        .into_iter()
        .filter(|n| n.starts_with("public.tmp-") || n.starts_with("public.old-"))
        .collect()
}

#[test]
fn stale_folders_of_killed_builds_are_removed_by_the_next() {
    let site = SiteTest::fixture(BASIC);
    site.build(&[]).expect_success();
    let dead = ended_pid();
    for (rel, text) in [
        (format!("public.tmp-{dead}/.handoff-output"), "handoff\n"),
        (format!("public.tmp-{dead}/about/index.html"), "half"),
        (format!("public.old-{dead}/.handoff-output"), "handoff\n"),
        (format!("public.old-{dead}/index.html"), "old"),
        // Not handoff's (no marker): left alone.
        (format!("public.tmp-{}/notes.txt", dead + 300_000), "mine"),
    ] {
        site.write(&rel, text);
    }
    // Killed while made or removed: empty.
    fs::create_dir(site.path(&format!("public.tmp-{}", dead + 200_000))).unwrap();

    site.build(&[]).expect_success();
    assert_eq!(
        stale_beside(&site),
        [format!("public.tmp-{}", dead + 300_000)]
    );
    assert_eq!(
        site.read(&format!("public.tmp-{}/notes.txt", dead + 300_000)),
        "mine"
    );
    site.expect_file("public/index.html");
}

/// A site big enough that a debug build takes a while to write.
fn big_site() -> SiteTest {
    let site = SiteTest::fixture(BASIC);
    let body = "Notes on referral logistics.\n\n".repeat(40);
    for i in 0..1000 {
        site.write(
            &format!("content/notes/note-{i}.md"),
            &format!("---\ntitle: Note {i}\ndescription: Referral note {i}.\n---\n{body}"),
        );
    }
    site
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_site_and_the_next_cleans_up() {
    let site = big_site();
    let reference = site.work_dir().join("reference");
    site.build(&["--output", "reference"]).expect_success();
    let reference = DirSnapshot::of(&reference);
    site.build(&[]).expect_success();
    let root = site.root().to_string_lossy().into_owned();
    // Kill right after staging starts, part-way and late (near the swap).
    let mut killed_running = 0;
    for delay_ms in [0u64, 200, 800, 2000] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handoff"))
            .args(["--quiet", "--root", &root, "build"])
            .current_dir(site.work_dir())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while stale_beside(&site).is_empty() && started.elapsed().as_secs() < 60 {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            killed_running += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let stale = stale_beside(&site);
        assert!(
            stale.len() <= 1,
            "after a kill at +{delay_ms} ms: {stale:?}"
        );
        // The previous site or the new one, whole: never a mix, never none.
        let public = DirSnapshot::of(&site.public());
        reference.expect_same_as(&public);
        // The next build removes what the killed one left.
        site.build(&[]).expect_success();
        assert_eq!(stale_beside(&site), Vec::<String>::new(), "+{delay_ms} ms");
        reference.expect_same_as(&DirSnapshot::of(&site.public()));
    }
    assert!(
        killed_running >= 2,
        "only {killed_running} kills hit a running build: make the site bigger"
    );
}

#[test]
fn two_builds_into_one_folder_at_once_end_in_one_whole_site() {
    let site = big_site();
    site.build(&["--output", "reference"]).expect_success();
    let reference = DirSnapshot::of(&site.work_dir().join("reference"));
    for round in 0..3 {
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| site.build(&[]));
            let b = s.spawn(|| site.build(&[]));
            (a.join().unwrap(), b.join().unwrap())
        });
        let mut built = 0;
        for out in [&a, &b] {
            if out.code == Some(0) {
                built += 1;
            } else {
                out.expect_exit(1)
                    .diagnostic("E005")
                    .mentions("another handoff build");
            }
        }
        assert!(
            built >= 1,
            "round {round}: neither build finished\n{}\n{}",
            a.report(),
            b.report()
        );
        reference.expect_same_as(&DirSnapshot::of(&site.public()));
        assert_eq!(stale_beside(&site), Vec::<String>::new(), "round {round}");
    }
}

/// `[extra]` in site.toml and `extra:` in front matter reach the templates
/// as `site.extra` and `page.extra`, keys free and values of any kind.
#[test]
fn extra_values_reach_the_templates() {
    let site = SiteTest::fixture(BASIC);
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        &format!("{toml}\n[extra]\nparking = \"Free parking behind the building\"\nfounded = 1998\nopened = 2026-03-01\n[extra.social]\nmastodon = \"@clinic@example.social\"\n"),
    );
    site.write(
        "content/about.md",
        "---\ntitle: About the clinic\nextra:\n  banner: Now seeing new patients\n  team_size: 4\n  languages: [English, Español]\n---\nBody.\n",
    );
    site.write(
        "templates/page.html",
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ page.title }}</title></head><body><main>\
         <p id=\"site\">{{ site.extra.parking }}|{{ site.extra.founded }}|{{ site.extra.opened }}|{{ site.extra.social.mastodon }}</p>\
         <p id=\"page\">{{ page.extra.banner }}|{{ page.extra.team_size }}|{{ page.extra.languages | join(sep=\",\") }}</p>\
         </main></body></html>",
    );
    site.build(&[]).expect_success();
    let about = site.read("public/about/index.html");
    assert!(
        about.contains("Free parking behind the building|1998|2026-03-01|@clinic@example.social"),
        "site.extra is missing:\n{about}"
    );
    assert!(
        about.contains("Now seeing new patients|4|English,Español"),
        "page.extra is missing:\n{about}"
    );
}

/// `extra` is still checked as TOML and YAML: it must be a table or map.
#[test]
fn extra_must_be_a_table_or_a_map() {
    let site = SiteTest::fixture(BASIC);
    site.write(
        "content/about.md",
        "---\ntitle: About the clinic\nextra: banner\n---\nBody.\n",
    );
    let out = site.expect_failed_build();
    out.diagnostic("E014")
        .at_col("content/about.md", 3, 8)
        .mentions("`extra` must be a block of `key: value` lines, found `banner`");
}

/// The browser tab's icon is the logo unless `[theme] favicon` names one,
/// linked from every page so browsers ask for no `/favicon.ico`.
#[test]
fn favicon_defaults_to_the_logo() {
    let site = SiteTest::fixture(BASIC);
    let toml = site.read("site.toml");
    site.write("site.toml", &format!("{toml}logo = \"/images/logo.svg\"\n"));
    site.build(&[]).expect_success();
    let page = site.read("public/services/cardiology/index.html");
    assert!(
        page.contains("<link rel=\"icon\" href=\"/images/logo.svg\">"),
        "no icon link to the logo:\n{page}"
    );

    site.write(
        "site.toml",
        &format!("{toml}logo = \"/images/logo.svg\"\n[theme]\nfavicon = \"/images/icon.png\"\n"),
    );
    site.build(&[]).expect_success();
    let page = site.read("public/services/cardiology/index.html");
    assert!(
        page.contains("<link rel=\"icon\" href=\"/images/icon.png\">"),
        "no icon link to [theme] favicon:\n{page}"
    );
}

/// `image:` in front matter is the page's link-preview picture; other
/// pages fall back to the logo.
#[test]
fn og_image_per_page_falls_back_to_the_logo() {
    let site = SiteTest::fixture(BASIC);
    let toml = site.read("site.toml");
    site.write("site.toml", &format!("{toml}logo = \"/images/logo.svg\"\n"));
    let service = site.read("content/services/cardiology.md");
    site.write(
        "content/services/cardiology.md",
        &service.replacen("---\n", "---\nimage: /images/cardiology-team.jpg\n", 1),
    );
    site.build(&[]).expect_success();
    let own = site.read("public/services/cardiology/index.html");
    assert!(
        own.contains("https://www.example-clinic.example/images/cardiology-team.jpg"),
        "og:image is not the page's image:\n{own}"
    );
    let other = site.read("public/services/heart-failure/index.html");
    assert!(
        other.contains("https://www.example-clinic.example/images/logo.svg"),
        "og:image does not fall back to the logo:\n{other}"
    );
    assert!(!other.contains("cardiology-team.jpg"), "{other}");
}

#[test]
fn og_image_must_be_a_path_or_an_https_address() {
    let site = SiteTest::fixture(BASIC);
    site.write(
        "content/about.md",
        "---\ntitle: About the clinic\nimage: javascript:alert(1)\n---\nBody.\n",
    );
    let out = site.expect_failed_build();
    out.diagnostic("E014")
        .at_col("content/about.md", 3, 8)
        .mentions("`image`");
}
