//! Parsing, limits and positions of YAML snippets.

use super::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Doc {
    title: Option<String>,
    inner: Option<Inner>,
}

#[derive(Debug, Deserialize)]
struct Inner {
    name: Option<String>,
}

#[test]
fn unknown_keys_are_collected_with_their_paths() {
    let parsed: Parsed<Doc> = parse("titel: a\ninner:\n  nam: b\n").unwrap();
    assert!(parsed.value.title.is_none());
    assert!(parsed.value.inner.unwrap().name.is_none());
    assert_eq!(path_to_string(&parsed.unknown_keys[0]), "titel");
    assert_eq!(path_to_string(&parsed.unknown_keys[1]), "inner.nam");
}

#[test]
fn syntax_errors_carry_an_offset() {
    let e = parse::<Doc>("title: a\ninner: [\n").unwrap_err();
    assert!(e.offset.is_some());
    assert!(!e.message.contains(" at line "));
    // A control character: the scanner's offset, from its message.
    let e = parse::<Doc>("title: a\u{0}b\n").unwrap_err();
    assert_eq!(e.offset, Some(8), "{e:?}");
    assert!(!e.message.contains("position"), "{e:?}");
    // Offsets are in bytes.
    let e = parse::<Doc>("title: éé\u{0}b\n").unwrap_err();
    assert_eq!(e.offset, Some(11), "{e:?}");
    // A list where keys belong: no internal type names.
    let e = parse::<Doc>("- a\n- b\n").unwrap_err();
    assert!(e.message.ends_with("expected `key: value` lines"), "{e:?}");
}

#[test]
fn nesting_and_alias_bombs_hit_limits() {
    // Under a known key the type check stops it; under an unknown key it
    // is skipped without recursion and reported as unknown. Either way a
    // finding, never a stack overflow.
    let deep = format!("title: {}{}", "[".repeat(5000), "]".repeat(5000));
    assert!(parse::<Doc>(&deep).unwrap_err().limit);
    let deep = format!("extra: {}{}", "[".repeat(60), "]".repeat(60));
    assert_eq!(parse::<Doc>(&deep).unwrap().unknown_keys.len(), 1);
    let quoted = format!("title: \"{}\"", "[".repeat(500));
    assert!(parse::<Doc>(&quoted).is_ok());
    let deep = format!(
        "inner: {{name: {}{}}}",
        "{a: ".repeat(5000),
        "}".repeat(5000)
    );
    assert!(parse::<Doc>(&deep).is_err());
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, prev) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
        ("h", "g"),
        ("i", "h"),
    ] {
        bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    bomb.push_str("title: *i\n");
    let e = parse::<Doc>(&bomb).unwrap_err();
    assert!(e.limit || e.message.contains("invalid type"), "{e:?}");
}

#[test]
fn aliases_of_a_large_value_are_bounded_by_bytes() {
    // Few aliases, each within serde_yaml's replay limit, but each a
    // copy of 1 MiB: 64 MiB once expanded.
    let big = "x".repeat(1024 * 1024);
    let refs = vec!["*a"; 64].join(", ");
    let text = format!("title: T\nextra: &a \"{big}\"\ninner: {{ name: [{refs}] }}\n");
    let started = std::time::Instant::now();
    let e = parse::<Doc>(&text).unwrap_err();
    assert!(e.limit, "{e:?}");
    assert_eq!(e.offset, text.find("*a"));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // A few small aliases are fine, and so is a `*` in text.
    let ok = "title: &t Hello *world*\ninner: { name: *t }\n";
    let parsed = parse::<Doc>(ok).unwrap();
    assert_eq!(
        parsed.value.inner.unwrap().name.as_deref(),
        Some("Hello *world*")
    );
    assert_eq!(first_alias("a: \"*x\" # *y\nb: *z\n"), Some(16));
}

#[test]
fn locate_finds_nested_keys_and_values() {
    let text =
        "title: x\nreferring:\n  phone: \"1\"\n  contacts:\n    - name: A\n    - name: B # lead\n";
    let (_, v, len) = locate(
        text,
        &[Seg::Key("referring".into()), Seg::Key("phone".into())],
    )
    .unwrap();
    assert_eq!(&text[v..v + len], "\"1\"");
    let path = [
        Seg::Key("referring".into()),
        Seg::Key("contacts".into()),
        Seg::Index(1),
        Seg::Key("name".into()),
    ];
    let (_, v, len) = locate(text, &path).unwrap();
    assert_eq!(&text[v..v + len], "B");
    // An empty key (fuzz regression: it used to loop for ever).
    assert_eq!(
        locate(": x\ntitle: a\n", &[Seg::Key(String::new())]),
        Some((0, 2, 1))
    );
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_owned())
}

/// The text of the value at `path`, or of its key when the value is a
/// block or missing.
fn at<'t>(text: &'t str, path: &[Seg]) -> &'t str {
    let (k, v, len) = locate(text, path).unwrap_or_else(|| panic!("{path:?} not found"));
    if len == 0 {
        &text[k..]
    } else {
        &text[v..v + len]
    }
}

#[test]
fn every_list_item_and_flow_value_has_its_own_position() {
    let text = "aliases: [/ok/, \"bad alias\", 'it''s']\n\
                hours:\n  - { days: [Mo, Funday], opens: \"08:00\" }\n  - days:\n      - Tu\n      - Wd\n    opens: 9\n\
                list:\n- a\n- b # c\nafter: [x,\n  y]\n";
    let i = Seg::Index;
    assert_eq!(at(text, &[key("aliases"), i(1)]), "\"bad alias\"");
    assert_eq!(at(text, &[key("aliases"), i(2)]), "'it''s'");
    assert_eq!(at(text, &[key("hours"), i(0), key("days"), i(1)]), "Funday");
    assert_eq!(at(text, &[key("hours"), i(0), key("opens")]), "\"08:00\"");
    assert_eq!(at(text, &[key("hours"), i(1), key("days"), i(1)]), "Wd");
    assert_eq!(at(text, &[key("hours"), i(1), key("opens")]), "9");
    assert!(at(text, &[key("hours"), i(1)]).starts_with("days:\n"));
    assert_eq!(at(text, &[key("list"), i(1)]), "b");
    assert_eq!(at(text, &[key("after"), i(1)]), "y");
    assert!(at(text, &[key("hours")]).starts_with("hours:"));
    assert_eq!(locate(text, &[key("hours"), i(2)]), None);
    assert_eq!(locate(text, &[key("aliases"), key("x")]), None);
    assert_eq!(locate(text, &[key("nothing")]), None);
}

#[test]
fn positions_know_scalars_comments_and_documents() {
    let text = "---\n# a comment: not a key\ntitle: \"a: b\" # title: no\n\
                detail: |\n  line one: x\n  # still text\n\nnext: &anchor !tag plain\n  over two lines\n\
                \"quoted key\": 1\nempty:\nurl: https://x.example/a:b#c\nflow: {a: [1, {b: c}], \"d\": e}\n";
    assert_eq!(at(text, &[key("title")]), "\"a: b\"");
    assert_eq!(
        at(text, &[key("detail")]),
        "|\n  line one: x\n  # still text"
    );
    assert_eq!(at(text, &[key("next")]), "plain\n  over two lines");
    assert_eq!(at(text, &[key("quoted key")]), "1");
    assert!(at(text, &[key("empty")]).starts_with("empty:"));
    assert_eq!(at(text, &[key("url")]), "https://x.example/a:b#c");
    let b = [key("flow"), key("a"), Seg::Index(1), key("b")];
    assert_eq!(at(text, &b), "c");
    assert_eq!(at(text, &[key("flow"), key("d")]), "e");
    // CRLF line ends (read files have none, snippets may) and a
    // top-level list.
    let crlf = "- a\r\n- b: c\r\n  d: e\r\n";
    assert_eq!(at(crlf, &[Seg::Index(1), key("d")]), "e");
}

#[test]
fn positions_give_up_without_looping() {
    for text in [
        "? complex\n: key\n",
        "a: [unclosed\n",
        "a: \"unclosed\n",
        "- - - - - x\n",
        ": x\n",
        "a: {b: }\n",
        "[a, b]: c\n",
        "a:\n  - b\n c\n",
    ] {
        let _ = locate(text, &[key("a")]);
    }
    let deep = format!("a: {}{}", "[".repeat(5000), "]".repeat(5000));
    assert!(locate(&deep, &[key("a")]).is_none());
}
