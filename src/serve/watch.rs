//! File watching for `serve`: which paths matter, and a debounced watcher
//! that turns an editor's burst of events (atomic rename, swap files,
//! many files at once) into one batch.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::source::is_ignored;

/// Folders of a site whose changes trigger a rebuild.
pub const WATCHED: [&str; 4] = ["content", "static", "templates", "themes"];

/// Whether a changed path can change the site (pure; unit-tested).
pub fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let Some(first) = parts.next() else {
        return false;
    };
    if first == crate::config::FILE {
        return true;
    }
    if !WATCHED.contains(&first.as_str()) {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !is_ignored(&name)
        && !rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
}

pub type Watcher = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// Starts watching `root`; batches of relevant paths arrive on the receiver.
pub fn start(
    root: &Path,
    debounce: Duration,
) -> notify::Result<(Watcher, mpsc::Receiver<Vec<PathBuf>>)> {
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let root_owned = root.to_path_buf();
    let mut debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
        if let Ok(events) = result {
            // Reading a file is an event too (inotify's open/close): only
            // writes, creations, removals and renames can change the site,
            // and the rebuild's own reads must not trigger another.
            let mut paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)))
                .flat_map(|e| e.paths.iter())
                .filter(|p| relevant(&root_owned, p))
                .cloned()
                .collect();
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                let _ = tx.send(paths);
            }
        }
    })?;
    // The root itself only for site.toml and for folders created later;
    // never recursively (it may hold public/, target/, node_modules/).
    debouncer.watch(root, RecursiveMode::NonRecursive)?;
    for dir in WATCHED {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok((debouncer, rx))
}

/// Starts watching a folder that appeared after `start`.
pub fn watch_folder(watcher: &mut Watcher, dir: &Path) -> notify::Result<()> {
    watcher.watch(dir, RecursiveMode::Recursive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_inputs_are_relevant() {
        let root = Path::new("/site");
        for yes in [
            "/site/site.toml",
            "/site/content/a.md",
            "/site/themes/clinic/css/site.css",
            "/site/static/x.png",
            "/site/templates/page.html",
        ] {
            assert!(relevant(root, Path::new(yes)), "{yes}");
        }
        for no in [
            "/site/public/index.html",
            "/site/.handoff/intake.jsonl",
            "/site/target/debug/x",
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/content/#a.md#",
            "/site/content/.git/x",
            "/other/content/a.md",
            "/site/README.md",
        ] {
            assert!(!relevant(root, Path::new(no)), "{no}");
        }
    }
}
