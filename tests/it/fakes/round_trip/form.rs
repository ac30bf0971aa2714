//! The form as built: its controls read from the built HTML (labels and
//! choices' labels as the page shows them), and filled in through WebDriver
//! alone, so the same filling works with JavaScript off.

use serde_json::json;

use super::scene::{Page, Scene, UTM};
use crate::browser::Browser;
use crate::support::SiteTest;

/// One control of the built form.
#[derive(Clone, Debug)]
pub(super) struct Control {
    pub(super) name: String,
    /// `text`, `email`, `tel`, `date`, `textarea`, `select`, `radio`,
    /// `checkbox`, `checkboxes` (a group sharing the name), `hidden`.
    pub(super) kind: String,
    /// As the page shows it, "(required)" left out.
    pub(super) label: String,
    /// A hidden field's value; a checkbox's value.
    pub(super) value: String,
    /// Choices: (value, label, selected).
    pub(super) options: Vec<(String, String, bool)>,
}

/// The controls of `page`'s form in the built site (the honeypot left out:
/// no person fills it in).
pub(super) fn controls(site: &SiteTest, page: &Page) -> Vec<Control> {
    let html = site.read(&format!("public{}index.html", page.path));
    let doc = scraper::Html::parse_document(&html);
    let sel = |css: &str| scraper::Selector::parse(css).expect("a selector");
    let form = doc
        .select(&sel(&page.form_css()))
        .next()
        .unwrap_or_else(|| panic!("no {} on {}", page.form_css(), page.path));
    let text = |el: scraper::ElementRef<'_>| {
        el.text()
            .collect::<String>()
            .replace("(required)", "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let label_for = |id: &str| {
        doc.select(&sel(&format!("label[for=\"{id}\"]")))
            .next()
            .map(text)
            .unwrap_or_default()
    };
    let mut out: Vec<Control> = Vec::new();
    for el in form.select(&sel("input[name], select[name], textarea[name]")) {
        let v = el.value();
        let name = v.attr("name").unwrap_or_default().to_owned();
        let in_honeypot = el
            .ancestors()
            .filter_map(scraper::ElementRef::wrap)
            .any(|a| a.value().classes().any(|c| c == "hp"));
        if in_honeypot {
            continue;
        }
        let kind = match v.name() {
            "select" => "select".to_owned(),
            "textarea" => "textarea".to_owned(),
            _ => v.attr("type").unwrap_or("text").to_owned(),
        };
        // A group of tick boxes sharing a name is one control, like radios.
        let kind = if v.attr("data-many").is_some() {
            "checkboxes".to_owned()
        } else {
            kind
        };
        let id = v.attr("id").unwrap_or_default();
        match kind.as_str() {
            "radio" | "checkboxes" => {
                let label = el
                    .ancestors()
                    .filter_map(scraper::ElementRef::wrap)
                    .find(|a| a.value().name() == "fieldset")
                    .and_then(|f| f.select(&sel("legend")).next())
                    .map(text)
                    .unwrap_or_default();
                let option_label = el
                    .parent()
                    .and_then(scraper::ElementRef::wrap)
                    .map(text)
                    .unwrap_or_default();
                let option = (
                    v.attr("value").unwrap_or("on").to_owned(),
                    option_label,
                    v.attr("checked").is_some(),
                );
                match out.iter_mut().find(|c| c.name == name) {
                    Some(c) => c.options.push(option),
                    None => out.push(Control {
                        name,
                        kind,
                        label,
                        value: String::new(),
                        options: vec![option],
                    }),
                }
            }
            "select" => {
                let options = el
                    .select(&sel("option"))
                    .map(|o| {
                        (
                            o.value().attr("value").unwrap_or_default().to_owned(),
                            text(o),
                            o.value().attr("selected").is_some(),
                        )
                    })
                    .collect();
                out.push(Control {
                    label: label_for(id),
                    name,
                    kind,
                    value: String::new(),
                    options,
                });
            }
            "checkbox" => out.push(Control {
                label: label_for(id),
                name,
                kind,
                value: v.attr("value").unwrap_or("on").to_owned(),
                options: Vec::new(),
            }),
            _ => out.push(Control {
                label: label_for(id),
                value: v.attr("value").unwrap_or_default().to_owned(),
                name,
                kind,
                options: Vec::new(),
            }),
        }
    }
    out
}

/// One value the visitor typed or chose (or the page carried in a hidden
/// field), as it must arrive.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    /// The control's name in the page.
    pub(super) name: String,
    /// The canonical field it carries.
    pub(super) canonical: String,
    /// The field's label on the page.
    pub(super) label: String,
    /// The value the browser holds.
    pub(super) raw: String,
    /// What a person reads: the option's label for a choice.
    pub(super) display: String,
    pub(super) kind: String,
}

/// The hidden fields every form carries for the practice (DESIGN18 "Routes"):
/// they must arrive like typed values. Backend plumbing (`oid`, `retURL`,
/// `_next`, `form-name`, …) is the fakes' business, not the visitor's.
pub(super) const HIDDEN_CANONICAL: [&str; 8] = [
    "form",
    "page",
    "reason",
    "service",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer_host",
];

/// What the test types into a text control carrying `canonical`: keys to
/// press, and the value the control then holds.
pub(super) fn typed(control: &Control, canonical: &str, n: usize) -> (String, String) {
    let name = canonical;
    match control.kind.as_str() {
        // The en-US date control takes month, day, year.
        "date" => ("03151960".into(), "1960-03-15".into()),
        "email" => {
            let v = format!("{}@oak-family-practice.example", name.replace('_', "."));
            (v.clone(), v)
        }
        "tel" => {
            let v = format!("+1 555 010 {:04}", 300 + n);
            (v.clone(), v)
        }
        "textarea" => {
            let v = "Recurrent palpitations: is an ambulatory monitor warranted? (normal EKG)"
                .to_owned();
            (v.clone(), v)
        }
        _ => {
            let v = match name {
                n if n.contains("npi") => "1234567893",
                // An honorific: splitting it into first and last is unsure,
                // so the full name must also reach the digest.
                "clinician_name" => "Dr. Jordan Lee",
                "patient_name" => "Maria Gonzalez",
                "name" => "Sam Rivera",
                "clinician_practice" => "Oak Family Practice",
                "referred_by" => "Ana Ortiz",
                _ => "Typed by the visitor",
            }
            .to_owned();
            (v.clone(), v)
        }
    }
}

/// Fills in every visible control of `page`'s form through WebDriver and
/// returns what was typed or chosen, plus the hidden values the page
/// carries (`javascript`: the tracking fields are filled from the address).
pub(super) fn fill(browser: &Browser, scene: &Scene, page: &Page, javascript: bool) -> Vec<Entry> {
    let controls = controls(&scene.site, page);
    let form = page.form_css();
    // The optional questions fold under "More details": open it first.
    let more = format!("{form} details.more-details > summary");
    if browser.try_find(&more).is_some() {
        browser.click(&more);
    }
    let mut entries = Vec::new();
    for (n, c) in controls.iter().enumerate() {
        let css = format!("{form} [name=\"{}\"]", c.name);
        let canonical = scene.canonical(page, &c.name);
        let entry = |raw: &str, display: &str| Entry {
            name: c.name.clone(),
            canonical: canonical.clone(),
            label: c.label.clone(),
            raw: raw.to_owned(),
            display: display.to_owned(),
            kind: c.kind.clone(),
        };
        match c.kind.as_str() {
            "hidden" if HIDDEN_CANONICAL.contains(&canonical.as_str()) => {
                let tracked = UTM.iter().find(|(k, _)| *k == canonical);
                let value = match tracked {
                    Some((_, v)) if javascript => (*v).to_owned(),
                    _ => c.value.clone(),
                };
                // A hidden choice shows its title, as a chosen option its label.
                let shown = match canonical.as_str() {
                    "service" if !value.is_empty() => scene.service_title(&value),
                    "reason" if !value.is_empty() => scene.reason_title(&value),
                    _ => value.clone(),
                };
                if !value.is_empty() {
                    entries.push(entry(&value, &shown));
                }
            }
            "hidden" => {}
            "select" => {
                let (value, label, _) = c
                    .options
                    .iter()
                    .find(|(v, _, selected)| !v.is_empty() && !selected)
                    .unwrap_or_else(|| panic!("{}: no choice to make in {c:?}", page.path));
                // Typing picks an option by its label, as a keyboard user
                // does; clicking an <option> leaves the popup open in
                // headless Chromium. The first word is enough, and has no
                // space (which would open the popup).
                let word = label.split_whitespace().next().unwrap_or_default();
                browser.type_into(&format!("{form} select[name=\"{}\"]", c.name), word);
                let now = browser.property(&css, "value");
                assert_eq!(
                    now,
                    json!(value),
                    "{}: typing {word:?} into `{}` did not choose {label:?}",
                    page.path,
                    c.name
                );
                entries.push(entry(value, label));
            }
            "radio" => {
                let (value, label, _) = c
                    .options
                    .iter()
                    .rev()
                    .find(|(_, _, checked)| !checked)
                    .unwrap_or_else(|| panic!("{}: no choice to make in {c:?}", page.path));
                browser.click(&format!(
                    "{form} input[name=\"{}\"][value=\"{value}\"]",
                    c.name
                ));
                entries.push(entry(value, label));
            }
            "checkbox" => {
                browser.click(&css);
                entries.push(entry(&c.value, &c.label));
            }
            "checkboxes" => {
                // Untick the first ticked box, tick every other: what is
                // ticked then must arrive, each value.
                let mut unticked_one = false;
                for (value, label, checked) in &c.options {
                    let unticks = *checked && !unticked_one && c.options.len() > 1;
                    if unticks || !checked {
                        browser.click(&format!(
                            "{form} input[name=\"{}\"][value=\"{value}\"]",
                            c.name
                        ));
                    }
                    if unticks {
                        unticked_one = true;
                    } else {
                        entries.push(entry(value, label));
                    }
                }
            }
            _ => {
                let (keys, value) = typed(c, &canonical, n);
                browser.type_into(&css, &keys);
                assert_eq!(
                    browser.property(&css, "value"),
                    json!(value),
                    "{}: `{}` does not hold what was typed",
                    page.path,
                    c.name
                );
                entries.push(entry(&value, &value));
            }
        }
    }
    entries
}
