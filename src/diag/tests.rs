use super::*;

#[test]
fn span_of_counts_lines_and_characters() {
    let text = "a: 1\nbé: two\n";
    assert_eq!(span_of(text, 0, 1), Span::new(1, 1, 1));
    let off = text.find("two").unwrap();
    assert_eq!(span_of(text, off, 3), Span::new(2, 5, 3));
    // Past the end and inside a character clamp instead of panicking.
    assert_eq!(span_of(text, 999, 3).line, 3);
    assert_eq!(span_of(text, 7, 1).line, 2);
}

#[test]
fn long_values_are_shortened_in_findings() {
    let long = "x".repeat(5 * MAX_SHOWN_CHARS);
    let d = Diagnostic::new(Code::InvalidValue, format!("alias `{long}` is bad"))
        .at(&long, Span::new(1, 1, 1));
    assert_eq!(d.message.chars().count(), MAX_SHOWN_CHARS + 1);
    assert!(d.message.ends_with('…'));
    assert_eq!(
        d.source_line.map(|l| l.chars().count()),
        Some(MAX_SHOWN_CHARS + 1)
    );
    assert_eq!(
        Diagnostic::new(Code::InvalidValue, "short").message,
        "short"
    );
}

#[test]
fn did_you_mean_suggests_close_ids() {
    assert_eq!(
        did_you_mean("titel", &["title", "slug"]),
        "did you mean `title`?"
    );
    assert!(did_you_mean("zzz", &["title", "slug"]).starts_with("expected one of"));
}

#[test]
fn control_characters_are_shown_as_symbols() {
    assert!(matches!(shown("plain `x` é"), Cow::Borrowed(_)));
    assert_eq!(
        shown("a\nb\r\x1b[2J\u{9b}\u{7f}\u{202e}\u{2028}\tc"),
        "a␊b␍␛[2J�␡��\tc"
    );
    // `bad` is at column 6, after an escape sequence.
    let line = "x\x1b[2Jbad \u{9b}";
    let d = Diagnostic::new(Code::InvalidValue, "a value\n::error::x")
        .in_file("content/a\n::error::b.md")
        .at(line, Span::new(1, 6, 3))
        .with_hint("\x1b]0;title\x07");
    let diags = Diagnostics::from(d);
    let out = render_human(&diags, false);
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("::")), "{out}");
    assert!(out.contains("a value␊::error::x"), "{out}");
    assert!(out.contains("--> content/a␊::error::b.md:1:6"), "{out}");
    assert!(out.contains("␛]0;title␇"), "{out}");
    let source = out.lines().find(|l| l.contains("bad")).unwrap();
    let marks = out.lines().find(|l| l.contains('^')).unwrap();
    let column = |l: &str, at: usize| l[..at].chars().count();
    assert_eq!(
        column(marks, marks.find('^').unwrap()),
        column(source, source.find("bad").unwrap()),
        "{out}"
    );
    assert_eq!(marks.matches('^').count(), 3, "{out}");
    // JSON keeps the exact text, with nothing raw a terminal acts on.
    let json = render_json(&diags);
    assert!(!json.trim_end().chars().any(needs_escape), "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["file"], "content/a\n::error::b.md");
    assert_eq!(v["message"], "a value\n::error::x");
    // GitHub: one line, the file escaped as a property.
    let github = render_github(&diags);
    assert_eq!(github.lines().count(), 1, "{github}");
    assert!(github.starts_with("::error file=content/a%0A%3A%3Aerror%3A%3Ab.md,"));
}

#[test]
fn human_rendering_is_rustc_style() {
    let text = "---\nservice: oncolgy\n---\n";
    let d = Diagnostic::new(
        Code::DanglingReference,
        "`service: oncolgy` does not match any service line",
    )
    .in_file("content/referrals/x.md")
    .at_offset(text, 13, 7)
    .with_hint("did you mean `oncology`?");
    let out = render_human(&Diagnostics::from(d), false);
    assert!(out.contains("error[E020]: `service: oncolgy`"), "{out}");
    assert!(out.contains("--> content/referrals/x.md:2:10"), "{out}");
    assert!(out.contains("help: did you mean `oncology`?"), "{out}");
}
