//! Output shared by many pages, printed once per build and spliced: a
//! form's fieldsets, and the footer every page shares ([`Printed`]). The clinician's details, the patient's and the
//! optional details are the same on thousands of referral pages, and the
//! referral fieldset the same on every page of a reason's service line
//! at one place; printing each once takes a fifth of a large site's
//! render time off (CONTRIBUTING.md, "Where the time goes").
//!
//! The theme prints a fieldset with its `form_fieldset` component
//! (themes/clinic/templates/partials/form.html), which sees only the
//! fieldset, the form's id and its place in the form: what is spliced is
//! exactly what the page would have printed. A theme whose form.html has
//! no such component prints its forms whole, as before.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError};

use crate::forms::{Fieldset, FormSpec};
use crate::theme::templates::Templates;

/// The component that prints one fieldset.
const COMPONENT: &str = "form_fieldset";

/// Two independent 64-bit hashes of (form id, place, fieldset): a
/// fieldset is known by these alone, so the cache keeps no copy of it.
type Key = (u64, u64);

/// The fieldsets seen so far in one render, shared by its workers.
pub struct Fieldsets<'t> {
    templates: &'t Templates,
    hashers: (RandomState, RandomState),
    /// Printed once a fieldset is seen the second time: one seen on a
    /// single page (a reason's own choice) is printed there as usual and
    /// costs the cache 16 bytes, not its HTML.
    seen: Mutex<HashMap<Key, Option<Arc<str>>>>,
}

impl<'t> Fieldsets<'t> {
    /// None when the theme has no `form_fieldset` component.
    pub fn new(templates: &'t Templates) -> Option<Self> {
        templates
            .tera
            .contains_component(COMPONENT)
            .then(|| Fieldsets {
                templates,
                hashers: (RandomState::new(), RandomState::new()),
                seen: Mutex::default(),
            })
    }

    /// Gives each fieldset of `form` seen before its printed HTML. A
    /// fieldset the component cannot print is left as it is: the page's
    /// own render then reports the failure where the writer can see it.
    pub fn splice(&self, form: &mut FormSpec) {
        for (i, set) in form.fieldsets.iter_mut().enumerate() {
            set.html = self.print(&form.id, i + 1, set);
        }
    }

    fn print(&self, form_id: &str, n: usize, set: &Fieldset) -> Option<Arc<str>> {
        let what = (form_id, n, set);
        let key = (self.hashers.0.hash_one(what), self.hashers.1.hash_one(what));
        {
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            match seen.get(&key) {
                Some(Some(html)) => return Some(html.clone()),
                Some(None) => {}
                None => {
                    seen.insert(key, None);
                    return None;
                }
            }
        }
        // Printed outside the lock; two workers may print the same
        // fieldset once each, to the same bytes.
        let mut context = tera::Context::new();
        context.insert("form_id", form_id);
        context.insert("set", set);
        context.insert("n", &n);
        let html: Arc<str> = self
            .templates
            .tera
            .render_component(COMPONENT, &context, None, true)
            .ok()?
            .into();
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, Some(html.clone()));
        Some(html)
    }
}

/// What every page shares, printed once per build (`printed` in
/// templates): the footer, when it reads `site` and `theme` only.
#[derive(serde::Serialize, Default)]
pub struct Printed {
    pub footer: Option<String>,
}

/// The footer partial a theme includes from base.html.
const FOOTER: &str = "partials/footer.html";

impl Printed {
    /// Prints what reads nothing but `base` (`site`, `theme`). A partial
    /// that reads more, or does not print, is left to each page.
    pub fn new(templates: &Templates, base: &tera::Context) -> Printed {
        let shared = |name: &str| {
            templates.has(name)
                && templates
                    .tera
                    .get_template_variables(name)
                    .is_ok_and(|vars| vars.iter().all(|v| base.contains_key(v)))
        };
        Printed {
            footer: shared(FOOTER)
                .then(|| templates.tera.render(FOOTER, base).ok())
                .flatten(),
        }
    }
}

/// The header partial a theme includes from base.html.
const HEADER: &str = "partials/header.html";

/// The site header, printed once for the pages it does not link to and
/// once for each page it links to, when it reads nothing of the page but
/// `nav_current`: the page's address when the header links to it (to mark
/// it `aria-current`), else empty. A header that reads more is printed on
/// each page, and `nav_current` is then the page's address.
pub struct Header<'t> {
    templates: &'t Templates,
    base: &'t tera::Context,
    /// What the header links to (its `href`s as printed for a page it
    /// does not link to); `None` when it is printed on each page.
    links: Option<HashSet<String>>,
    printed: Mutex<HashMap<String, Arc<str>>>,
}

impl<'t> Header<'t> {
    pub fn new(templates: &'t Templates, base: &'t tera::Context) -> Self {
        let mut header = Header {
            templates,
            base,
            links: None,
            printed: Mutex::default(),
        };
        let shared = templates.has(HEADER)
            && templates
                .tera
                .get_template_variables(HEADER)
                .is_ok_and(|vars| {
                    vars.iter()
                        .all(|v| *v == NAV_CURRENT || base.contains_key(v))
                });
        if let Some(html) = shared.then(|| header.render("")).flatten() {
            header.links = Some(hrefs(&html).map(str::to_owned).collect());
            header.printed_mut().insert(String::new(), html);
        }
        header
    }

    /// `nav_current` for the page at `path`.
    pub fn nav_current<'p>(&self, path: &'p str) -> &'p str {
        match &self.links {
            Some(links) if !links.contains(path) => "",
            _ => path,
        }
    }

    /// The header of the page at `path`, or `None` when the page prints
    /// its own (a header that reads the page, or one that fails: the
    /// page's render then reports where).
    pub fn print(&self, path: &str) -> Option<Arc<str>> {
        self.links.as_ref()?;
        let current = self.nav_current(path);
        if let Some(html) = self.printed_mut().get(current) {
            return Some(html.clone());
        }
        let html = self.render(current)?;
        self.printed_mut().insert(current.to_owned(), html.clone());
        Some(html)
    }

    fn render(&self, current: &str) -> Option<Arc<str>> {
        let mut context = self.base.clone();
        context.insert(NAV_CURRENT, current);
        self.templates
            .tera
            .render(HEADER, &context)
            .ok()
            .map(Arc::from)
    }

    fn printed_mut(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<str>>> {
        self.printed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The template variable that names the page for the header.
pub const NAV_CURRENT: &str = "nav_current";

/// The values of the `href` attributes in printed HTML, quoted or not
/// (the minifier drops quotes it does not need).
fn hrefs(html: &str) -> impl Iterator<Item = &str> {
    html.split("href=")
        .skip(1)
        .map(|rest| match rest.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next().unwrap_or_default(),
            None => rest
                .split(|c: char| c.is_ascii_whitespace() || c == '>')
                .next()
                .unwrap_or_default(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{self, FormKind, Placement};

    fn example() -> crate::Prepared {
        crate::example()
    }

    #[test]
    fn hrefs_are_read_quoted_or_not() {
        let html = r#"<a href="/refer/">R</a><a class=x href=/about/>A</a><a href=/b/ >B</a>"#;
        assert_eq!(
            hrefs(html).collect::<Vec<_>>(),
            ["/refer/", "/about/", "/b/"]
        );
    }

    /// The theme's header reads only what every page shares and
    /// `nav_current`: printed once for the pages it does not link to, once
    /// for each it links to, which it marks current.
    #[test]
    fn the_header_is_printed_once_per_address_it_marks() {
        let p = example();
        let base = crate::render::shared_context(&p.site, &p.assets);
        let header = Header::new(&p.templates, &base);
        assert_eq!(header.nav_current("/refer/"), "/refer/");
        assert_eq!(header.nav_current("/about/"), "");
        let (Some(refer), Some(about), Some(privacy)) = (
            header.print("/refer/"),
            header.print("/about/"),
            header.print("/privacy/"),
        ) else {
            panic!("the theme's header is printed on each page");
        };
        assert!(Arc::ptr_eq(&about, &privacy), "one print for both");
        assert!(!about.contains("aria-current"), "{about}");
        assert!(refer.contains("aria-current"), "{refer}");
        assert_eq!(header.printed_mut().len(), 2);
    }

    /// A fieldset is printed the second time it is seen, and every time
    /// after comes from the cache, the same bytes.
    #[test]
    fn a_fieldset_seen_again_is_spliced() {
        let p = example();
        let at = Placement {
            page: "/refer/",
            ..Placement::default()
        };
        let Some(form) = forms::spec(&p.site, FormKind::Referral, &at) else {
            panic!("the example site has a referral form");
        };
        let Some(fieldsets) = Fieldsets::new(&p.templates) else {
            panic!("the theme prints fieldsets with `form_fieldset`");
        };
        let mut first = form.clone();
        fieldsets.splice(&mut first);
        assert!(first.fieldsets.iter().all(|s| s.html.is_none()));
        let mut second = form.clone();
        fieldsets.splice(&mut second);
        let mut third = form;
        fieldsets.splice(&mut third);
        for (a, b) in second.fieldsets.iter().zip(&third.fieldsets) {
            let html = a.html.as_deref().unwrap_or_default();
            assert!(html.contains("<fieldset"), "{html}");
            assert_eq!(a.html, b.html);
        }
    }

    /// The theme's footer reads `site` only: it is printed once.
    #[test]
    fn the_footer_is_printed_once() {
        let p = example();
        let base = crate::render::shared_context(&p.site, &p.assets);
        let footer = Printed::new(&p.templates, &base).footer.unwrap_or_default();
        assert!(footer.contains("<footer"), "{footer}");
        // Without `theme` and `site` it cannot be: each page prints it.
        assert!(
            Printed::new(&p.templates, &tera::Context::new())
                .footer
                .is_none()
        );
    }
}
