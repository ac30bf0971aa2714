//! The keys every page has (SPEC §4): title, description, address, order,
//! draft and dates, old addresses. A plain page has only these.

use crate::content::findings::{FileCx, key};
use crate::content::keys::keys;
use crate::content::yaml::Seg;
use crate::content::{Located, file_stem, is_slug};
use crate::diag::{Code, Diagnostic};
use crate::values;

keys! {
    /// The keys of every page, and all of a plain page's.
    pub(crate) struct CommonKeys {
        title: String,
        description: String,
        slug: String,
        weight: i64,
        draft: bool,
        updated: String,
        aliases: Vec<String>,
        noindex: bool,
        image: String,
        extra: serde_json::Map<String, serde_json::Value>,
    }
}

/// Keys every page has.
#[derive(Debug, Clone, PartialEq)]
pub struct Common {
    pub title: String,
    pub description: Option<String>,
    /// The URL slug: `slug:` if given, else the file name.
    pub slug: Located<String>,
    pub weight: i64,
    pub draft: bool,
    pub updated: Option<String>,
    pub aliases: Vec<Located<String>>,
    pub noindex: bool,
    /// `image:`, the page's link-preview picture (default: the logo).
    pub image: Option<String>,
    /// `extra:`, the writer's own values for the page's template; keys free.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A page: its source file, common keys and where its Markdown body starts.
#[derive(Debug, Clone, PartialEq)]
pub struct PageDoc {
    pub file: usize,
    pub common: Common,
    pub body_start: usize,
}

pub(super) fn common(cx: &mut FileCx<'_>, raw: CommonKeys) -> Common {
    let CommonKeys {
        title,
        description,
        slug,
        weight,
        draft,
        updated,
        aliases,
        noindex,
        image,
        extra,
    } = raw;
    let title = self::title(cx, title);
    let slug = self::slug(cx, slug);
    let updated = updated.filter(|u| match values::date(u) {
        Ok(()) => true,
        Err(why) => {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &key("updated"),
                    format!("`updated: {}` is not a date: {why}", u.escape_debug()),
                )
                .with_hint("write a real date as `YYYY-MM-DD`, e.g. `2026-03-01`");
            cx.push(d);
            false
        }
    });
    let aliases = self::aliases(cx, aliases);
    Common {
        title,
        description: description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty()),
        slug,
        weight: weight.unwrap_or(0),
        draft: draft.unwrap_or(false),
        updated,
        aliases,
        noindex: noindex.unwrap_or(false),
        image: cx.image(
            "image",
            image,
            "use a path under `static/`, e.g. `/images/team.jpg`, or an https address",
        ),
        extra: extra.unwrap_or_default(),
    }
}

fn title(cx: &mut FileCx<'_>, title: Option<String>) -> String {
    match title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_owned(),
        Some(_) => {
            let d = cx
                .finding(Code::MissingField, &key("title"), "`title` is empty".into())
                .with_hint("every page needs a title");
            cx.push(d);
            String::new()
        }
        None if !cx.absent("title") => String::new(),
        None => {
            let d = Diagnostic::new(Code::MissingField, "this page has no `title`")
                .in_file(cx.file.rel.clone())
                .at_offset(cx.text(), 0, 3)
                .with_hint("add `title: …` between the `---` lines");
            cx.push(d);
            String::new()
        }
    }
}

/// `slug:` if given, else the file name.
fn slug(cx: &mut FileCx<'_>, slug: Option<String>) -> Located<String> {
    match slug {
        Some(s) => {
            if !is_slug(&s) {
                let d = cx
                    .finding(Code::InvalidValue, &key("slug"), format!("`slug: {s}` may only use lower-case letters, digits and `-`"))
                    .with_hint("e.g. `slug: lung-nodule-clinic`; the slug becomes part of the page's address");
                cx.push(d);
            }
            cx.located(&key("slug"), s)
        }
        None => {
            let stem = file_stem(&cx.file.rel).to_owned();
            if !is_slug(&stem) && !stem.starts_with('_') {
                let d = Diagnostic::new(
                    Code::InvalidValue,
                    format!("the file name `{stem}` is not a valid page address (lower-case letters, digits and `-`)"),
                )
                .in_file(cx.file.rel.clone())
                .with_hint("rename the file, or set `slug:` in the front matter");
                cx.push(d);
            }
            Located::new(stem, 0, 0)
        }
    }
}

/// Old addresses that redirect here, each a path on this site.
fn aliases(cx: &mut FileCx<'_>, list: Option<Vec<String>>) -> Vec<Located<String>> {
    let mut aliases = Vec::new();
    for (i, a) in list.unwrap_or_default().into_iter().enumerate() {
        let path = [Seg::Key("aliases".into()), Seg::Index(i)];
        if is_alias_path(&a) {
            // `//host/` would be written as a path, but hosts read the
            // `_redirects` rule, and a link to it, as another site.
            match values::site_path(&a) {
                Ok(()) => aliases.push(cx.located(&path, a)),
                Err(fault) => cx.refused(&path, &fault, values::PATH_HINT),
            }
        } else {
            let d = cx
                .finding(
                    Code::InvalidValue,
                    &path,
                    // Escaped: a line break in it must not break the finding.
                    format!("alias `{}` is not a path on this site", a.escape_debug()),
                )
                .with_hint("write old addresses as paths like `/oncology/`, without `..`, spaces or line breaks");
            cx.push(d);
        }
    }
    aliases
}

/// An alias is a root-relative path without `..`, queries or fragments.
pub(super) fn is_alias_path(s: &str) -> bool {
    // Whitespace and control characters would end the line of `_redirects`
    // and start a rule of the writer's making (`/* https://… 200`).
    s.starts_with('/')
        && !s.split('/').any(|seg| seg == ".." || seg == ".")
        && !s.contains(['?', '#', '\\', '"', '<', '>', ' '])
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.len() > 1
}
