//! Same input, same bytes out (SPEC §10): no timestamps, no absolute paths,
//! no order that depends on the file system or on threads.

use crate::support::{CopyOrder, DirSnapshot, SiteTest};

/// Two copies of the example site in two different folders, the second one
/// created in reverse order (so `read_dir` order differs), built into
/// differently named output folders: the outputs are byte-for-byte equal.
#[test]
fn example_site_builds_to_the_same_bytes() {
    let a = SiteTest::example();
    let b = SiteTest::example_in_order(CopyOrder::Reverse);

    a.build(&["--output", "out-a"]).expect_success();
    b.build(&["--output", "out-b"]).expect_success();

    let first = DirSnapshot::of(&a.work_dir().join("out-a"));
    let second = DirSnapshot::of(&b.work_dir().join("out-b"));
    assert!(
        first.files().count() > 10,
        "the example site built suspiciously few files: {:?}",
        first.files().collect::<Vec<_>>()
    );
    first.expect_same_as(&second);
}

/// Building again over the previous output gives the same tree.
#[test]
fn rebuilding_in_place_changes_nothing() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let first = DirSnapshot::of(&site.public());
    site.build(&[]).expect_success();
    let second = DirSnapshot::of(&site.public());
    first.expect_same_as(&second);
}

/// The small fixture too, with all its page kinds and its static file.
#[test]
fn fixture_site_builds_to_the_same_bytes() {
    let a = SiteTest::fixture("build/basic");
    let b = SiteTest::fixture("build/basic");
    a.build(&[]).expect_success();
    b.build(&["--output", "other"]).expect_success();
    DirSnapshot::of(&a.public()).expect_same_as(&DirSnapshot::of(&b.work_dir().join("other")));
}

/// A form's fieldsets are printed once per build and spliced into every
/// page that shows them (`render::splice`): the pages are byte for byte
/// the pages of a theme that prints every form whole (a form.html without
/// the `form_fieldset` component), minified or not.
#[test]
fn fieldsets_printed_once_are_the_fieldsets_printed_in_place() {
    let theme_form = std::fs::read_to_string(
        crate::support::repo_root().join("themes/clinic/templates/partials/form.html"),
    )
    .unwrap();
    assert!(theme_form.contains("component form_fieldset("));
    let whole = theme_form.replace("form_fieldset", "form_fieldset_in_place");
    for minify in ["true", "false"] {
        let spliced = SiteTest::example();
        let in_place = SiteTest::example();
        for site in [&spliced, &in_place] {
            let config = site.read("site.toml");
            site.write(
                "site.toml",
                &config.replace("minify = true", &format!("minify = {minify}")),
            );
        }
        in_place.write("templates/partials/form.html", &whole);
        spliced.build(&[]).expect_success();
        in_place.build(&[]).expect_success();
        let a = DirSnapshot::of(&spliced.public());
        let b = DirSnapshot::of(&in_place.public());
        assert!(
            std::fs::read_to_string(spliced.public().join("refer/index.html"))
                .unwrap()
                .contains("<fieldset"),
            "the hub has its form"
        );
        a.expect_same_as(&b);
    }
}

/// The header reads `site`, `theme` and `nav_current` and is printed once
/// per address it marks current; a site's own header that also reads the
/// page is printed on each page, to the same bytes.
#[test]
fn a_header_printed_once_is_the_header_printed_in_place() {
    let header = theme_partial("header");
    let spliced = SiteTest::example();
    let in_place = SiteTest::example();
    in_place.write(
        "templates/partials/header.html",
        &format!("{{% if page.kind == \"no such kind\" %}}x{{% endif %}}{header}"),
    );
    spliced.build(&[]).expect_success();
    in_place.build(&[]).expect_success();
    let refer = std::fs::read_to_string(spliced.public().join("refer/index.html")).unwrap();
    assert!(
        refer.contains("href=/refer/ aria-current=page")
            || refer.contains("href=\"/refer/\" aria-current=\"page\""),
        "the hub's own link is marked current"
    );
    DirSnapshot::of(&spliced.public()).expect_same_as(&DirSnapshot::of(&in_place.public()));
}

/// The footer reads only `site` and is printed once per build; a site's
/// own footer that reads the page is printed on each page, with its page.
#[test]
fn a_footer_that_reads_the_page_is_printed_on_each_page() {
    let footer = theme_partial("footer");
    let site = SiteTest::example();
    site.write(
        "templates/partials/footer.html",
        &footer.replace(
            "</footer>",
            "<p class=\"footer-here\">{{ page.path }}</p></footer>",
        ),
    );
    site.build(&[]).expect_success();
    for path in ["refer/", "services/", ""] {
        let html = std::fs::read_to_string(site.public().join(path).join("index.html")).unwrap();
        assert!(
            html.contains(&format!("footer-here>/{path}</p>"))
                || html.contains(&format!("footer-here\">/{path}</p>")),
            "/{path}: the footer names its page"
        );
    }
}

/// A partial of the built-in theme, as the repository holds it.
fn theme_partial(name: &str) -> String {
    let path = format!("themes/clinic/templates/partials/{name}.html");
    std::fs::read_to_string(crate::support::repo_root().join(path)).unwrap()
}
