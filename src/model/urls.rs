//! Addresses: no two files may claim one URL, no file the URL of a page
//! handoff makes; and `aliases:` become redirect pages to the page that
//! lists them.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::docs::Docs;
use super::resolver::Resolver;
use super::types::{AliasEntry, Page, PageKind};
use crate::diag::{Code, Diagnostic};

/// Every page sorted by path, each address claimed once. Two files may not
/// claim one URL, nor a file the URL of a page handoff makes (compared
/// case-insensitively: many hosts and every macOS/Windows checkout fold
/// case).
pub(super) fn claim(written: Vec<Page>, made: Vec<Page>, r: &mut Resolver<'_>) -> Vec<Page> {
    let mut claimed: HashMap<Cow<str>, usize> = HashMap::with_capacity(written.len());
    for page in &written {
        let Some((file, _)) = page.body else { continue };
        if let Some(first) = claimed.insert(folded(&page.path), file)
            && first != file
        {
            let (a, b) = (&r.sources.files[first].rel, &r.sources.files[file].rel);
            let d = Diagnostic::new(
                Code::Duplicate,
                format!("`{a}` and `{b}` both make the page `{}`", page.path),
            )
            .in_file(b.clone())
            .at_offset(&r.sources.files[file].text, slug_key(r, file), 4)
            .with_hint("rename one file or give it a different `slug:`");
            r.push(d);
        }
    }
    for page in &made {
        if let Some(&file) = claimed.get(&folded(&page.path)) {
            let d = Diagnostic::new(
                Code::Duplicate,
                format!(
                    "`{}` is the address of a page handoff makes (`{}`)",
                    page.path, page.title
                ),
            )
            .in_file(r.sources.files[file].rel.clone())
            .at_offset(&r.sources.files[file].text, slug_key(r, file), 4)
            .with_hint("rename the file or give it another `slug:`");
            r.push(d);
        }
    }
    let mut pages = written;
    pages.extend(made);
    // Sorted by index, then moved once: a page is a large struct, and a
    // sort that moves 20,000 of them costs a serve edit milliseconds.
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.par_sort_by(|&a, &b| pages[a].path.cmp(&pages[b].path));
    let mut slots: Vec<Option<Page>> = pages.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// A path as a case-folding host sees it; most paths are lower-case
/// already, and are not copied.
pub(super) fn folded(path: &str) -> Cow<'_, str> {
    if path.bytes().any(|b| b.is_ascii_uppercase()) || !path.is_ascii() {
        Cow::Owned(path.to_lowercase())
    } else {
        Cow::Borrowed(path)
    }
}

/// Where a page's `slug:` key is, for findings about its address; the start
/// of the file when the address comes from the file name.
fn slug_key(r: &Resolver<'_>, file: usize) -> usize {
    crate::content::front_matter_key(&r.sources.files[file].text, "slug").unwrap_or(0)
}

/// Appends a redirect page for every `aliases:` entry, after the sorted
/// pages, and returns the entry of each by page index. Whether an alias's
/// address is free is decided with every other file the build writes
/// (`render::collisions`), not here.
pub(super) fn aliases(pages: &mut Vec<Page>, docs: &Docs) -> BTreeMap<usize, AliasEntry> {
    let mut entries: Vec<(String, AliasEntry)> = docs
        .aliased()
        .flat_map(|doc| {
            doc.common.aliases.iter().map(|alias| {
                let path = if alias.value.ends_with('/') || alias.value.ends_with(".html") {
                    alias.value.clone()
                } else {
                    format!("{}/", alias.value)
                };
                let entry = AliasEntry {
                    file: doc.file,
                    at: alias.clone(),
                };
                (path, entry)
            })
        })
        .collect();
    entries.sort_by(|a, b| (&a.0, a.1.file).cmp(&(&b.0, b.1.file)));
    // The page each file's body makes (the first, in path order).
    let mut page_of_file: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some((file, _)) = page.body {
            page_of_file.entry(file).or_insert(i);
        }
    }
    let mut aliases = BTreeMap::new();
    for (path, entry) in entries {
        // A file without a page (a referral reason whose service line is
        // missing) redirects nowhere.
        let Some(&target) = page_of_file.get(&entry.file) else {
            continue;
        };
        aliases.insert(pages.len(), entry);
        pages.push(Page {
            title: pages[target].title.clone(),
            path,
            kind: PageKind::Alias { target },
            description: None,
            body: None,
            noindex: true,
            updated: None,
            breadcrumbs: Arc::new([]),
            image: None,
            extra: serde_json::Map::new(),
            pager: None,
        });
    }
    aliases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_copied_to_fold_it_only_when_it_has_capitals() {
        assert!(matches!(folded("/about/"), Cow::Borrowed("/about/")));
        assert_eq!(folded("/About/"), "/about/");
        assert_eq!(folded("/über-uns/"), "/über-uns/");
        assert_eq!(folded("/ÜBER/"), "/über/");
    }
}
