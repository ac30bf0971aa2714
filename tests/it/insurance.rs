//! Insurance and self-pay (issue #23): `[organization] insurance` and
//! `self_pay` make `/insurance/` (the plans, the self-pay terms, a call to
//! confirm coverage on the practice's number), linked from every page's
//! footer and the appointment page, and listed in the sitemap; nothing of
//! it without either key. The appointment form's question is checked with
//! every backend in `forms` (and in the browser round trip, `fakes`).

use scraper::Html;

use crate::support::{SiteTest, sel};

fn page(site: &SiteTest, rel: &str) -> Html {
    Html::parse_document(&site.read(&format!("public/{rel}")))
}

fn hrefs(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

/// The plans of the example's site.toml, as written.
fn plans(site: &SiteTest) -> Vec<String> {
    let toml: toml::Table = site.read("site.toml").parse().expect("site.toml");
    toml["organization"]["insurance"]
        .as_array()
        .expect("the example lists plans")
        .iter()
        .map(|p| p.as_str().expect("a plan name").to_owned())
        .collect()
}

#[test]
fn the_insurance_page_lists_the_plans_self_pay_and_whom_to_call() {
    let site = SiteTest::example();
    site.build(&[]).expect_success();
    let doc = page(&site, "insurance/index.html");
    let listed: Vec<String> = doc
        .select(&sel("main ul.plans li"))
        .map(|li| li.text().collect())
        .collect();
    assert_eq!(listed, plans(&site));
    let main: String = doc
        .select(&sel("main"))
        .next()
        .expect("main")
        .text()
        .collect();
    // The self-pay Markdown, rendered.
    assert!(main.contains("Paying without insurance"), "{main}");
    assert!(
        doc.select(&sel("main .prose strong"))
            .any(|s| s.text().collect::<String>() == "$350"),
        "the self-pay Markdown is rendered"
    );
    // Call to confirm coverage, on the practice's number; no member ID asked.
    assert!(
        main.contains("confirm we are in your plan's network"),
        "{main}"
    );
    assert!(
        hrefs(&doc, "main .callout a").contains(&"tel:+15550100100".to_owned()),
        "the coverage note links the practice's phone"
    );
    assert!(main.contains("never ask for your member ID"), "{main}");
    // Linked from every page's footer and from the appointment page.
    for rel in [
        "index.html",
        "services/medical-oncology/index.html",
        "404.html",
    ] {
        assert!(
            hrefs(&page(&site, rel), ".footer-nav a").contains(&"/insurance/".to_owned()),
            "{rel}: no footer link to /insurance/"
        );
    }
    let appointment = page(&site, "request-appointment/index.html");
    assert!(
        hrefs(&appointment, "main a").contains(&"/insurance/".to_owned()),
        "the appointment page links /insurance/"
    );
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>https://www.riverbend-health.example/insurance/</loc>"),
        "/insurance/ is in the sitemap"
    );
}

#[test]
fn self_pay_alone_makes_the_page_and_neither_key_makes_nothing() {
    let site = SiteTest::example();
    let toml = site.read("site.toml");
    let start = toml
        .find("# The plans patients")
        .expect("the example's plans");
    let end = toml.find("\"\"\"\n\n").expect("the end of self_pay") + 4;
    let self_pay_only = format!(
        "{}self_pay = \"Ask us for the self-pay price of your visit.\"\n{}",
        &toml[..start],
        &toml[end..]
    );
    site.write("site.toml", &self_pay_only);
    site.build(&[]).expect_success();
    let doc = page(&site, "insurance/index.html");
    assert!(
        doc.select(&sel("ul.plans")).next().is_none(),
        "no plans, no list"
    );
    assert!(
        doc.root_element()
            .text()
            .collect::<String>()
            .contains("Ask us for the self-pay price")
    );
    // Without a list the appointment form asks in words.
    let form = page(&site, "request-appointment/index.html");
    let input = form
        .select(&sel("input[name=insurance]"))
        .next()
        .expect("a text question without a list of plans");
    assert_eq!(input.value().attr("type"), Some("text"));

    let neither = format!("{}{}", &toml[..start], &toml[end..]);
    site.write("site.toml", &neither);
    site.build(&[]).expect_success();
    site.expect_no_file("public/insurance/index.html");
    assert!(!site.read("public/sitemap.xml").contains("/insurance/"));
    for rel in ["index.html", "request-appointment/index.html"] {
        assert!(
            !hrefs(&page(&site, rel), "a").contains(&"/insurance/".to_owned()),
            "{rel}: a link to a page that does not exist"
        );
    }
}

#[test]
fn a_blank_or_repeated_plan_is_a_finding_at_it() {
    let site = SiteTest::example();
    let toml = site
        .read("site.toml")
        .replace("  \"Cigna\",\n", "  \"Cigna\",\n  \"aetna\",\n  \" \",\n");
    site.write("site.toml", &toml);
    let out = site.expect_failed_build();
    let line = |needle: &str| {
        u32::try_from(
            toml[..toml.find(needle).expect("written")]
                .matches('\n')
                .count()
                + 1,
        )
        .expect("a small file")
    };
    let found = out.diagnostics_with("E004");
    assert_eq!(found.len(), 2, "{}", out.report());
    found[0]
        .at_col("site.toml", line("  \"aetna\""), 3)
        .mentions("`aetna` twice");
    found[1]
        .at_col("site.toml", line("  \" \""), 3)
        .mentions("blank plan name");
}
