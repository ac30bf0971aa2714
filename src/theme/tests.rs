use super::palette::{PAIRS, floor2};
use super::settings::check_font_list;
use super::*;
use crate::diag::{Code, Diagnostic};

const MINIMAL: &str = "title = \"Clinic\"\nbase_url = \"https://www.clinic.example\"\n";

fn site_settings(theme: &str) -> Result<Settings, Diagnostics> {
    crate::config::parse(&format!("{MINIMAL}{theme}")).map(|c| c.theme_settings)
}

fn resolve_site(theme: &str) -> (Style, Diagnostics) {
    let settings = site_settings(theme).expect("valid settings");
    resolve(
        &settings,
        &Settings::default(),
        None,
        "https://www.clinic.example",
    )
}

#[test]
fn contrast_matches_wcag_examples() {
    assert!((Rgb::BLACK.contrast(Rgb::WHITE) - 21.0).abs() < 1e-9);
    assert!((Rgb::WHITE.contrast(Rgb::WHITE) - 1.0).abs() < 1e-9);
    // #767676 on white is the classic "just passes" grey: 4.54:1.
    let grey = Rgb(0x76, 0x76, 0x76);
    assert_eq!(floor2(grey.contrast(Rgb::WHITE)), "4.54");
    assert_eq!(floor2(4.499), "4.49");
}

#[test]
fn colours_parse_from_any_opaque_css_form() {
    assert_eq!(Rgb::parse("#0b5275"), Ok(Rgb(11, 82, 117)));
    assert_eq!(Rgb::parse("#fff"), Ok(Rgb::WHITE));
    assert_eq!(Rgb::parse("rgb(11 82 117)"), Ok(Rgb(11, 82, 117)));
    assert_eq!(Rgb::parse("teal"), Ok(Rgb(0, 128, 128)));
    assert_eq!(Rgb(11, 82, 117).hex(), "#0b5275");
    for bad in [
        "#12345",
        "bleu",
        "",
        "currentColor",
        "rgb(0 0 0 / 50%)",
        "transparent",
        "red; x: y",
    ] {
        assert!(Rgb::parse(bad).is_err(), "{bad} parsed");
    }
}

/// The palette every site gets without settings passes every pair, and so
/// does the clinic theme's theme.toml (its values are the built-in ones).
#[test]
fn default_palette_passes_wcag_aa() {
    let palette = Palette::derive(BUILT_IN);
    for pair in PAIRS {
        let ratio = (pair.fg)(&palette).contrast((pair.bg)(&palette));
        assert!(
            ratio >= pair.min,
            "{}: {ratio:.2} < {}",
            pair.what,
            pair.min
        );
    }
    let toml = include_str!("../../themes/clinic/theme.toml");
    let clinic =
        parse_defaults(toml, "themes/clinic/theme.toml").expect("clinic theme.toml parses");
    let (style, diags) = resolve(&Settings::default(), &clinic, None, "https://a.example");
    assert!(diags.is_empty(), "{diags:?}");
    let (built_in, _) = resolve(
        &Settings::default(),
        &Settings::default(),
        None,
        "https://a.example",
    );
    assert_eq!(
        style.root_css, built_in.root_css,
        "theme.toml and BUILT_IN disagree"
    );
}

#[test]
fn site_settings_become_custom_properties() {
    let (style, diags) = resolve_site(
        "[theme]\nname = \"clinic\"\nbrand = \"#5b2a86\"\naccent = \"rgb(160 30 20)\"\nfont = \"Charter, 'Bitstream Charter', serif\"\nlogo = \"/images/mark.svg\"\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    let css = &style.root_css;
    assert!(css.starts_with(":root{--brand:#5b2a86;"), "{css}");
    assert!(css.contains("--accent:#a01e14;"), "{css}");
    assert!(css.contains("--brand-text:#fff;"), "{css}");
    assert!(
        css.contains("--font:Charter,'Bitstream Charter',serif;"),
        "{css}"
    );
    assert!(css.contains("--font-heading:var(--font);"), "{css}");
    assert!(
        css.contains("--site-url:\"https://www.clinic.example\""),
        "{css}"
    );
    assert_eq!(style.logo.as_deref(), Some("/images/mark.svg"));
}

#[test]
fn favicon_is_its_own_setting_else_the_logo() {
    let (style, _) = resolve_site("[theme]\nlogo = \"/images/mark.svg\"\n");
    assert_eq!(style.favicon.as_deref(), Some("/images/mark.svg"));
    let (style, _) =
        resolve_site("[theme]\nlogo = \"/images/mark.svg\"\nfavicon = \"/favicon.png\"\n");
    assert_eq!(style.favicon.as_deref(), Some("/favicon.png"));
    let errs = site_settings("[theme]\nfavicon = \"javascript:alert(1)\"\n").unwrap_err();
    let d = errs.iter().next().unwrap();
    assert_eq!((d.code.as_str(), d.span.unwrap().line), ("E004", 4));
    assert!(d.message.contains("`favicon = "), "{}", d.message);
}

#[test]
fn theme_can_still_be_a_plain_name() {
    let c = crate::config::parse(&format!("{MINIMAL}theme = \"clinic\"\n")).unwrap();
    assert_eq!(c.theme, "clinic");
    assert_eq!(c.theme_settings, Settings::default());
    let c = crate::config::parse(&format!("{MINIMAL}[theme]\nname = \"quiet\"\n")).unwrap();
    assert_eq!(c.theme, "quiet");
    let c = crate::config::parse(&format!("{MINIMAL}[theme]\nbrand = \"navy\"\n")).unwrap();
    assert_eq!(
        c.theme, "clinic",
        "the default theme when the table has no name"
    );
}

#[test]
fn low_contrast_brand_warns_at_its_key_with_a_passing_suggestion() {
    let (_, diags) = resolve_site("[theme]\nbrand = \"#f5c400\"\n");
    let found: Vec<&Diagnostic> = diags.iter().collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let d = found[0];
    assert_eq!(d.code, Code::ThemeContrast);
    assert_eq!(d.file.as_deref(), Some("site.toml"));
    assert_eq!(d.span.map(|s| (s.line, s.col)), Some((4, 9)));
    assert!(
        d.message
            .starts_with("`brand = \"#f5c400\"` is too light for WCAG 2.2 AA contrast: "),
        "{}",
        d.message
    );
    assert!(
        d.message.contains("links on the page background 1.6"),
        "{}",
        d.message
    );
    assert!(
        d.message.contains("button text on the brand colour"),
        "{}",
        d.message
    );
    let hint = d.hint.as_deref().unwrap_or_default();
    assert!(hint.contains("darker shade"), "{hint}");
    // The suggested colour really passes.
    let suggested = hint.rsplit('"').nth(1).unwrap();
    let (_, again) = resolve_site(&format!("[theme]\nbrand = \"{suggested}\"\n"));
    assert!(
        again.is_empty(),
        "the suggestion {suggested} fails: {again:?}"
    );
}

#[test]
fn a_finding_names_the_key_the_site_set() {
    // Dark button text on the default brand: the site set `brand_text`.
    let (_, diags) = resolve_site("[theme]\nbrand_text = \"#333333\"\n");
    let keys: Vec<&str> = diags
        .iter()
        .map(|d| d.message.split(' ').next().unwrap())
        .collect();
    assert_eq!(keys, ["`brand_text"], "{diags:?}");
    // A light focus ring fails only the 3:1 non-text check.
    let (_, diags) = resolve_site("[theme]\nfocus = \"#ffd9a0\"\n");
    let d = diags.iter().next().expect("a focus finding");
    assert!(
        d.message.contains("focus ring on the page background"),
        "{}",
        d.message
    );
    assert!(d.message.contains("(needs 3:1)"), "{}", d.message);
}

#[test]
fn invalid_values_are_errors_with_hints() {
    let errs = site_settings("[theme]\nbrand = \"blu\"\nfont = \"Comic Sans; color: red\"\nlogo = \"javascript:alert(1)\"\n")
        .unwrap_err();
    let found: Vec<(&str, usize, &str)> = errs
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                d.span.unwrap().line,
                d.hint.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!((found[0].0, found[0].1), ("E004", 4));
    assert!(found[0].2.contains("#0b5275"), "{}", found[0].2);
    assert_eq!((found[1].0, found[1].1), ("E004", 5));
    assert!(found[1].2.contains("no web fonts"), "{}", found[1].2);
    assert_eq!((found[2].0, found[2].1), ("E004", 6));
}

#[test]
fn unknown_theme_keys_get_a_did_you_mean() {
    let errs = site_settings("[theme]\nbrand_colour = \"#123456\"\n").unwrap_err();
    let d = errs.iter().next().unwrap();
    assert_eq!(d.code, Code::ConfigUnknownKey);
    assert_eq!(d.span.map(|s| s.line), Some(4));
    assert!(
        d.hint
            .as_deref()
            .unwrap_or_default()
            .starts_with("did you mean `brand"),
        "{d:?}"
    );
    let errs = parse_defaults("[defaults]\naccnet = \"red\"\n", "themes/x/theme.toml").unwrap_err();
    let d = errs.iter().next().unwrap();
    assert_eq!(d.file.as_deref(), Some("themes/x/theme.toml"));
    assert_eq!(d.hint.as_deref(), Some("did you mean `accent`?"));
}

#[test]
fn font_lists_are_checked_before_they_reach_the_stylesheet() {
    assert_eq!(
        check_font_list(" Inter ,system-ui,  sans-serif ").as_deref(),
        Ok("Inter, system-ui, sans-serif")
    );
    assert!(check_font_list("\"Source Sans 3\", sans-serif").is_ok());
    for bad in [
        "",
        "a;b",
        "x}",
        "url(x)",
        "\"unclosed, serif",
        "Source Sans 3, serif",
        ",serif",
    ] {
        assert!(check_font_list(bad).is_err(), "{bad:?} accepted");
    }
}

/// A theme author's own default that fails is reported in theme.toml, unless
/// the site overrides it.
#[test]
fn a_failing_theme_default_is_reported_in_theme_toml() {
    let toml = "name = \"pale\"\n\n[defaults]\nbrand = \"#7fb2cc\"\n";
    let defaults = parse_defaults(toml, "themes/pale/theme.toml").expect("parses");
    let (_, diags) = resolve(&Settings::default(), &defaults, None, "https://a.example");
    let d = diags.iter().next().expect("a W040 finding");
    assert_eq!(d.code, Code::ThemeContrast);
    assert_eq!(d.file.as_deref(), Some("themes/pale/theme.toml"));
    assert_eq!(d.span.map(|s| (s.line, s.col)), Some((4, 9)));
    assert_eq!(d.source_line.as_deref(), Some("brand = \"#7fb2cc\""));
    let site = site_settings("[theme]\nbrand = \"#0b5275\"\n").unwrap();
    let (_, diags) = resolve(&site, &defaults, None, "https://a.example");
    assert!(diags.is_empty(), "{diags:?}");
}
