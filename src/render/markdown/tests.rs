//! Unit tests of [`super`]: rendering, the link policy, raw HTML audits.

use super::*;

#[test]
fn extensions_are_on() {
    let r = render(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n- [x] done\n\nNote[^1]\n\n[^1]: A footnote.\n",
    );
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("<del>old</del>"));
    assert!(r.html.contains("“quoted”"));
    assert!(r.html.contains("type=\"checkbox\""));
    assert!(r.html.contains("footnote"));
}

#[test]
fn headings_get_stable_unique_ids() {
    let r = render("## What to send\n\n## What to send\n\n## Custom {#mine}\n");
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["what-to-send", "what-to-send-1", "mine"]);
    assert!(r.html.contains("<h2 id=\"what-to-send-1\">"));
}

#[test]
fn script_links_are_found_with_positions() {
    let text =
        "Hi\n\n[x](javascript:alert(1)) and [y](/ok/)\n\n<a href=\"JaVa&#x53;cript:x\">z</a>\n";
    let r = render(text);
    assert_eq!(r.unsafe_links.len(), 2, "{:?}", r.unsafe_links);
    assert_eq!(r.unsafe_links[0].offset, 4);
    assert_eq!(r.links.len(), 2);
    assert!(is_unsafe_target(" java\tscript:alert(1)"));
    assert!(is_unsafe_target("DATA:text/html,x"));
    assert!(!is_unsafe_target("/javascript-guide/"));
}

#[test]
fn entity_spelled_schemes_are_found_as_browsers_decode_them() {
    for html in [
        "<a href=\"&#106avascript:alert(1)\">x</a>",
        "<a href=\"&#0000000106;avascript:alert(1)\">x</a>",
        "<a href=\"&#X6A;avascript:alert(1)\">x</a>",
        "<a href=\"&#x00000006a&#x61vascript&colon;alert(1)\">x</a>",
        "<a href=\"java&Tab;script:alert(1)\">x</a>",
    ] {
        assert!(unsafe_in_html(html).is_some(), "{html}");
    }
    assert!(unsafe_in_html("<a href=\"/a&amp;b/\">x</a>").is_none());
    assert!(unsafe_in_html("<a href=\"&#99999999999999999999;\">x</a>").is_none());
}

#[test]
fn many_identical_headings_stay_fast() {
    let text = "# Notes\n\n".repeat(20_000);
    let started = std::time::Instant::now();
    let r = render(&text);
    assert_eq!(r.headings.len(), 20_000);
    assert_eq!(r.headings[19_999].id, "notes-19999");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let r = render("# A\n\n# A-1\n\n# A\n");
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["a", "a-1", "a-2"]);
}

#[test]
fn audit_finds_images_alt_text_and_raw_html() {
    let a = audit(
        "See ![](/a.png) and ![Map](/b.png).\n\n<img src=\"/c.png\"> <a href='/d/'>d</a>\n\nCall 555-010-0100.\n",
    );
    let alts: Vec<_> = a
        .images
        .iter()
        .map(|(l, alt)| (l.dest.as_str(), alt.clone()))
        .collect();
    assert_eq!(
        alts,
        [
            ("/a.png", Some(String::new())),
            ("/b.png", Some("Map".into())),
            ("/c.png", None)
        ]
    );
    assert_eq!(a.links.len(), 1);
    assert_eq!(a.links[0].dest, "/d/");
    assert!(a.text.iter().any(|(_, t)| t.contains("555-010-0100")));
    assert_eq!(attr("<img alt src=x>", "alt"), Some(String::new()));
}

#[test]
fn markup_weight_counts_markup_and_lines() {
    assert_eq!(markup_weight(""), 0);
    assert_eq!(markup_weight("\n\n  \n"), 0);
    assert_eq!(markup_weight("Plain words here"), 1);
    assert_eq!(markup_weight("# A heading\n\nSome *text*.\n"), 3 + 3);
    assert_eq!(markup_weight("  ## A #1\n"), 2);
    assert_eq!(markup_weight(&"[".repeat(1000)), 1001);
    assert_eq!(markup_weight(&"> ".repeat(10)), 11);
}

#[test]
fn inline_snippets_drop_the_paragraph() {
    assert_eq!(
        render_inline("Final report and *addenda*.").html,
        "Final report and <em>addenda</em>."
    );
}

/// `(text at the offset, kind)` of each raw HTML finding in `body`.
fn active(body: &str) -> Vec<(&str, RawHtmlKind)> {
    audit(body)
        .raw_html
        .into_iter()
        .map(|r| (&body[r.offset..r.offset + r.len], r.kind))
        .collect()
}

#[test]
fn raw_html_that_acts_is_found_where_it_is_written() {
    let body = "Intro <img src=x.png ONERROR=\"alert(1)\"> and <a href=/x/ onclick='go()'>x</a>.\n\n\
                <script>if (a<b) { x.onload = y; }</script>\n\n\
                <form action=\"https://evil.example/\">\n<input name=x>\n</form>\n\n\
                > <iframe src=\"https://maps.example/\"></iframe>\n\n\
                <base href=\"https://evil.example/\">\n\n\
                <meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\n\n\
                <!-- <script>old</script> -->\n\n\
                <svg\n  onload=\"x()\"></svg>\n";
    let found = active(body);
    let kinds: Vec<&RawHtmlKind> = found.iter().map(|(_, k)| k).collect();
    assert_eq!(
        kinds,
        [
            &RawHtmlKind::Handler("onerror".into()),
            &RawHtmlKind::Handler("onclick".into()),
            &RawHtmlKind::Element("script"),
            &RawHtmlKind::Element("form"),
            &RawHtmlKind::Element("iframe"),
            &RawHtmlKind::Element("base"),
            &RawHtmlKind::MetaHttpEquiv,
            &RawHtmlKind::Handler("onload".into()),
        ],
        "{found:?}"
    );
    assert_eq!(found[0].0, "<img src=x.png ONERROR=\"alert(1)\">");
    assert_eq!(found[2].0, "<script>");
    assert_eq!(found[4].0, "<iframe src=\"https://maps.example/\">");
    assert_eq!(found[7].0, "<svg\n  onload=\"x()\">");
}

#[test]
fn raw_html_in_code_or_harmless_is_not_reported() {
    let body = "`<script>alert(1)</script>` in a span.\n\n\
                ```html\n<script>alert(1)</script>\n<img onerror=x>\n```\n\n\
                \x20   <iframe src=x></iframe>\n\n\
                <img src=x.png alt=\"one=two\" data-onload=\"x\"> <meta name=\"x\" content=\"y\">\n\n\
                <p one>x</p> <formula>y</formula>\n\nNot a tag: \\<script>\n";
    assert_eq!(active(body), []);
    // Malformed tags end the scan without a panic.
    for html in [
        "<",
        "<a",
        "<a b=",
        "<a b='",
        "<a =x>",
        "<a\u{e9}=x onload=y>",
        "<script>",
        "<!--",
    ] {
        let _ = active_tags(html);
    }
}

/// The site publishes (555) 010-0100 and (555) 010-0150.
fn published() -> Numbers {
    let main = crate::phone::Phone::parse("+1-555-010-0100").unwrap();
    let line = crate::phone::Phone::parse("+1-555-010-0150").unwrap();
    Numbers::new([&main, &line])
}

#[test]
fn published_numbers_in_any_format_become_tel_links() {
    let r = render_linking(
        "Call (555) 010-0100, 555.010.0150, +1 555 010 0100 or *555-010-0150*.\n\n\
         - Tight list: 555-010-0100\n",
        &published(),
    );
    // Each shows the number's display form, whichever way it was typed.
    for want in [
        "Call <a class=\"tel\" href=\"tel:+15550100100\">(555) 010-0100</a>, ",
        "<a class=\"tel\" href=\"tel:+15550100150\">(555) 010-0150</a>, ",
        "<a class=\"tel\" href=\"tel:+15550100100\">(555) 010-0100</a> or ",
        "<em><a class=\"tel\" href=\"tel:+15550100150\">(555) 010-0150</a></em>",
        "Tight list: <a class=\"tel\" href=\"tel:+15550100100\">(555) 010-0100</a>",
    ] {
        assert!(r.html.contains(want), "no {want} in {}", r.html);
    }
    assert_eq!(r.html.matches("href=\"tel:").count(), 5, "{}", r.html);
}

#[test]
fn numbers_stay_text_in_code_links_headings_and_when_unpublished() {
    let r = render_linking(
        "## Call 555-010-0100\n\n`555-010-0100`\n\n    555-010-0100\n\n\
         [555-010-0100](/contact/) <a href=\"/x/\">555-010-0100</a> <code>555-010-0100</code>\n\n\
         Fax 555-010-0199. Updated 2026-03-01.\n",
        &published(),
    );
    assert!(!r.html.contains("tel:"), "{}", r.html);
    assert_eq!(r.headings[0].text, "Call 555-010-0100");
    // Without published numbers nothing is linked.
    assert!(!render("Call 555-010-0100.").html.contains("tel:"));
    // Text after a link is linked again.
    let after = render_linking("[x](/y/) then 555-010-0100", &published());
    assert!(
        after.html.contains("then <a class=\"tel\""),
        "{}",
        after.html
    );
}

#[test]
fn inline_snippets_link_published_numbers() {
    let r = render_inline_linking("Page the fellow on 555 010 0150.", &published());
    assert_eq!(
        r.html,
        "Page the fellow on <a class=\"tel\" href=\"tel:+15550100150\">(555) 010-0150</a>."
    );
}

#[test]
fn weight_over_skips_only_texts_that_cannot_pass_the_limit() {
    // The heaviest text per byte: every byte markup, every line ended.
    for text in ["[".repeat(50), "[\n".repeat(25), "#\n".repeat(25)] {
        assert!(markup_weight(&text) <= 2 * text.len());
        assert_eq!(weight_over(&text, 100), None);
    }
    assert_eq!(weight_over(&"[".repeat(120), 100), Some(121));
    assert_eq!(weight_over(&"a ".repeat(60), 100), None);
}
