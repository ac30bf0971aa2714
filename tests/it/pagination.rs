//! Index pages split past `[build] page_size` (SPEC §13, issue 22): the
//! service lines, reasons, locations and physicians indexes and the
//! `/refer/` hub, each page complete without JavaScript, linked with
//! `rel=prev/next`, the entries in one stable order; the hub chooses the
//! service line first; the thanks page lists the service lines only while
//! the hub fits on one page.

use std::path::{Path, PathBuf};
use std::time::Duration;

use scraper::Html;

use crate::bench_corpus::{build_strict, generate, generate_shape};
use crate::support::{SiteTest, sel};

/// A generated corpus of `n` pages (`shape`), built with `page_size`
/// entries per index page (none: the default); returns the output folder.
fn built(work: &SiteTest, shape: &str, n: usize, page_size: Option<usize>) -> PathBuf {
    let out = work
        .work_dir()
        .join(format!("{shape}-{n}-{}", page_size.unwrap_or(0)));
    if shape == "default" {
        generate(n, &out);
    } else {
        generate_shape(shape, n, &out);
    }
    let root = out.join("handoff");
    if let Some(size) = page_size {
        let config = root.join("site.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("{text}page_size = {size}\n")).unwrap();
    }
    let output = out.join("public");
    build_strict(work, &root, &output, Duration::from_secs(600));
    output
}

fn page(output: &Path, path: &str) -> Html {
    let file = output.join(path.trim_start_matches('/')).join("index.html");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("no page {path} ({}): {e}", file.display()));
    Html::parse_document(&text)
}

fn attr(html: &Html, css: &str, name: &str) -> Option<String> {
    html.select(&sel(css))
        .next()
        .and_then(|e| e.value().attr(name))
        .map(str::to_owned)
}

fn hrefs(html: &Html, css: &str) -> Vec<String> {
    html.select(&sel(css))
        .filter_map(|e| e.value().attr("href"))
        .map(str::to_owned)
        .collect()
}

/// The entries of an index, following `rel=next` from its first page, with
/// the path of every page visited; each page checked for its neighbours.
fn walk(output: &Path, first: &str, entries: &str) -> (Vec<String>, Vec<String>) {
    let (mut all, mut pages) = (Vec::new(), Vec::new());
    let mut at = Some(first.to_owned());
    while let Some(path) = at {
        assert!(pages.len() < 100, "rel=next loops at {path}");
        let html = page(output, &path);
        let prev = attr(&html, "head link[rel=prev]", "href");
        assert_eq!(prev, pages.last().cloned(), "rel=prev of {path}");
        // The visible pager carries the same links, as plain anchors.
        assert_eq!(
            attr(&html, "nav.pager a[rel=prev]", "href"),
            prev,
            "pager of {path}"
        );
        let next = attr(&html, "head link[rel=next]", "href");
        assert_eq!(
            attr(&html, "nav.pager a[rel=next]", "href"),
            next,
            "pager of {path}"
        );
        all.extend(hrefs(&html, entries));
        pages.push(path);
        at = next;
    }
    (all, pages)
}

#[test]
fn index_pages_split_past_page_size_in_a_stable_order() {
    let work = SiteTest::empty();
    // 12 service lines, 48 reasons.
    let whole = built(&work, "default", 60, None);
    let split = built(&work, "default", 60, Some(5));

    let cards = "main .cards .card h2 a";
    let (services, pages) = walk(&split, "/services/", cards);
    assert_eq!(
        pages,
        ["/services/", "/services/page/2/", "/services/page/3/"]
    );
    assert_eq!(hrefs(&page(&split, "/services/"), cards).len(), 5);
    // Every service line once, in the order of the single page.
    let (one, one_page) = walk(&whole, "/services/", cards);
    assert_eq!(
        one_page,
        ["/services/"],
        "12 service lines fit on one page of 100"
    );
    assert_eq!(one.len(), 12);
    assert_eq!(
        services, one,
        "the pages list every service line once, in order"
    );
    assert!(
        page(&whole, "/services/")
            .select(&sel("nav.pager"))
            .next()
            .is_none()
    );
    assert!(!split.join("services/page/4").exists());
    assert!(
        !split.join("services/page/1").exists(),
        "page 1 is the index itself"
    );

    // Reasons: 48 by five, each under its service line.
    let reasons = "main .reason-list a[href^='/referrals/']";
    let (split_reasons, reason_pages) = walk(&split, "/referrals/", reasons);
    assert_eq!(reason_pages.len(), 10);
    assert_eq!(split_reasons.len(), 48);
    assert_eq!(split_reasons, walk(&whole, "/referrals/", reasons).0);
    let second = page(&split, "/referrals/page/2/");
    assert_eq!(
        second.select(&sel(".reason-group h2 a")).count(),
        2,
        "a group per service line on the page"
    );

    // Each page stands alone: its own title and canonical address, no script but data.
    let third = page(&split, "/services/page/3/");
    let title = third
        .select(&sel("title"))
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    assert!(title.contains("page 3 of 3"), "{title}");
    assert!(
        attr(&third, "link[rel=canonical]", "href")
            .unwrap()
            .ends_with("/services/page/3/")
    );
    assert!(third.select(&sel("script[src]")).next().is_none());
}

#[test]
fn the_hub_chooses_the_service_line_first_without_javascript() {
    let work = SiteTest::empty();
    let split = built(&work, "default", 60, Some(5));
    let refer_links = "table.refer-table th a";
    let (linked, pages) = walk(&split, "/refer/", refer_links);
    assert_eq!(pages, ["/refer/", "/refer/page/2/", "/refer/page/3/"]);
    assert_eq!(linked.len(), 12, "{linked:?}");
    for href in &linked {
        assert!(
            href.starts_with("/services/") && href.ends_with("/refer/"),
            "{href}"
        );
    }
    // No form choosing among every reason: each service line's page has its own.
    for path in &pages {
        let hub = page(&split, path);
        assert!(
            hub.select(&sel("form, select")).next().is_none(),
            "{path} has a form"
        );
    }
    let refer = page(&split, &linked[0]);
    let options = refer
        .select(&sel("select[name=referral_reason] option"))
        .filter(|o| {
            o.value()
                .attr("value")
                .is_some_and(|v| !v.is_empty() && v != "other")
        })
        .count();
    assert_eq!(
        options, 4,
        "the service line's four reasons, not the site's 48"
    );

    // A hub that fits on one page keeps its form.
    let whole = built(&work, "default", 60, None);
    assert!(
        page(&whole, "/refer/")
            .select(&sel("form"))
            .next()
            .is_some()
    );
}

/// The referral thanks page lists each service line (response time, where
/// to send records, its own thanks page) while they fit on one page of the
/// hub; once the hub is paginated it lists none and links the hub, so its
/// weight stays bounded by `[build] page_size`.
#[test]
fn the_thanks_page_lists_service_lines_only_while_the_hub_fits_one_page() {
    let work = SiteTest::empty();
    let output = built(&work, "default", 60, None);
    let thanks = page(&output, "/refer/thanks/");
    let listed: Vec<String> = hrefs(&thanks, "main a")
        .into_iter()
        .filter(|h| h.starts_with("/services/") && h.ends_with("/refer/thanks/"))
        .collect();
    assert_eq!(listed.len(), 12, "one per service line: {listed:?}");

    let work = SiteTest::empty();
    let output = built(&work, "default", 60, Some(5));
    let thanks = page(&output, "/refer/thanks/");
    let links = hrefs(&thanks, "main a");
    assert!(
        links.iter().all(|h| !h.starts_with("/services/")),
        "{links:?}"
    );
    assert!(links.iter().any(|h| h == "/refer/"), "{links:?}");
}

#[test]
fn physicians_and_locations_indexes_paginate_too() {
    let work = SiteTest::empty();
    // The wide shape at 300 pages: 9 physicians, 5 locations.
    let output = built(&work, "wide", 300, Some(4));
    let (physicians, pages) = walk(
        &output,
        "/physicians/",
        "main .cards a[href^='/physicians/']",
    );
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert_eq!(physicians.len(), 9);
    let (locations, pages) = walk(&output, "/locations/", "main .cards a[href^='/locations/']");
    assert_eq!(pages, ["/locations/", "/locations/page/2/"]);
    assert_eq!(locations.len(), 5);
}

/// The patient's appointment request lists the first `[build] page_size`
/// service lines and "Not listed or not sure" for the others, so its page
/// does not grow with the site; a small site lists every line.
#[test]
fn the_appointment_request_lists_at_most_a_page_of_service_lines() {
    let options = |output: &Path| -> Vec<String> {
        let html = page(output, "/request-appointment/");
        let select = html
            .select(&sel("select"))
            .find(|s| s.select(&sel("option[value=not_sure]")).next().is_some())
            .expect("the service select");
        select
            .select(&sel("option"))
            .filter_map(|o| o.value().attr("value"))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let work = SiteTest::empty();
    let all = options(&built(&work, "default", 60, None));
    assert_eq!(all.len(), 12 + 1, "every line and not sure: {all:?}");

    let work = SiteTest::empty();
    let few = options(&built(&work, "default", 60, Some(5)));
    assert_eq!(few.len(), 5 + 1, "{few:?}");
    assert_eq!(few[..5], all[..5], "the navigation's order");
    assert_eq!(few[5], "not_sure");
}
