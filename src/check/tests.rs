use super::*;

#[test]
fn links_resolve_like_a_browser() {
    assert_eq!(resolve("/services/a/", "../b/"), "/services/b/");
    assert_eq!(resolve("/services/a/", "/about/"), "/about/");
    assert_eq!(resolve("/services/a/", "refer/"), "/services/a/refer/");
    assert_eq!(resolve("/", "images/x.png"), "/images/x.png");
}

#[test]
fn ids_are_found_in_minified_html() {
    let ids = html_ids("<h2 id=what-to-send>x</h2><div id=\"a b\" data-id=x><p class=x id='c'>");
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        ["a b", "c", "what-to-send"]
    );
}

#[test]
fn phone_and_email_candidates() {
    let text = "Call (555) 010-0199 or +1 555 010 0100, fax 555.010.0101; page 2024-01-01; mail a.b@x.example.";
    let phones: Vec<&str> = phone_candidates(text)
        .into_iter()
        .map(|(a, l)| &text[a..a + l])
        .collect();
    assert_eq!(
        phones,
        ["(555) 010-0199", "+1 555 010 0100", "555.010.0101"]
    );
    let emails: Vec<&str> = email_candidates(text)
        .into_iter()
        .map(|(a, l)| &text[a..a + l])
        .collect();
    assert_eq!(emails, ["a.b@x.example"]);
}

#[test]
fn broken_links_and_anchors() {
    let mut written = BTreeMap::new();
    written.insert(
        "about/index.html".to_owned(),
        BTreeSet::from(["team".to_owned()]),
    );
    written.insert("images/a.png".to_owned(), BTreeSet::new());
    assert!(check_link("/", "/about/", false, &written).is_none());
    assert!(check_link("/", "/about/#team", false, &written).is_none());
    assert!(check_link("/", "https://example.org/x", false, &written).is_none());
    assert!(check_link("/", "mailto:a@b.example", false, &written).is_none());
    assert_eq!(
        check_link("/", "/abut/", false, &written).unwrap().0,
        Code::BrokenLink
    );
    assert_eq!(
        check_link("/", "/about/#tem", false, &written)
            .unwrap()
            .2
            .as_deref(),
        Some("did you mean `#team`?")
    );
    assert_eq!(
        check_link("/", "/images/b.png", true, &written).unwrap().0,
        Code::MissingFile
    );
}
