//! The `site` target's input format: a file tree as readable text
//! ([`unpack_tree`]), unpacked so that no link reaches beyond the site and
//! the folder of secrets beside it.

use std::path::{Component, Path, PathBuf};

use super::OUTSIDE;

/// Writes a file tree described by `data` under `root`. The format is
/// line-based and readable, so seeds can be written by hand:
///
/// ```text
/// === site.toml
/// title = "Clinic"
/// === content/about.md
/// ---
/// title: About
/// ---
/// @@@ content/loop -> ..
/// @@@ static/leak.txt -> /secret.txt
/// ```
///
/// `=== <path>` starts a file whose bytes run to the next `===` or `@@@`
/// line; `@@@ <path> -> <target>` makes a symbolic link. Paths are relative,
/// start with `site.toml`, `content/`, `static/`, `templates/` or `themes/`,
/// and never leave `root`; anything else is skipped, as are entries that
/// cannot be created. Link targets may leave the site, but only into the
/// folder [`OUTSIDE`] beside it: a relative target that climbs out of the
/// site must go down into it, and an absolute target `/x` means
/// `<root>/../outside/x`. Files are written before links, and a target may
/// not pass through another link of the input, so where a link lands is
/// known before it is made: the fuzzer never reaches the rest of the disk.
pub fn unpack_tree(data: &[u8], root: &Path) {
    let mut entries: Vec<(&[u8], Vec<u8>)> = Vec::new();
    let mut lines = data.split_inclusive(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let head = line.strip_suffix(b"\n").unwrap_or(line);
        if !(head.starts_with(b"=== ") || head.starts_with(b"@@@ ")) {
            continue;
        }
        let mut body = Vec::new();
        while let Some(next) = lines.peek() {
            if next.starts_with(b"=== ") || next.starts_with(b"@@@ ") {
                break;
            }
            body.extend_from_slice(next);
            lines.next();
        }
        entries.push((head, body));
    }
    let mut links: Vec<(PathBuf, &str)> = Vec::new();
    for (head, body) in entries.into_iter().take(64) {
        let Ok(head) = std::str::from_utf8(head) else {
            continue;
        };
        if let Some(path) = head.strip_prefix("=== ") {
            let Some(rel) = tree_path(path) else { continue };
            let path = root.join(rel);
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(&path, &body);
        } else if let Some(link) = head.strip_prefix("@@@ ") {
            let Some((path, target)) = link.split_once(" -> ") else {
                continue;
            };
            if let Some(rel) = tree_path(path) {
                links.push((rel, target));
            }
        }
    }
    let names: Vec<&Path> = links.iter().map(|(rel, _)| rel.as_path()).collect();
    for (rel, target) in &links {
        let Some(target) = link_target(root, rel, target, &names) else {
            continue;
        };
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = symlink(&target, &path);
    }
}

#[cfg(unix)]
fn symlink(target: &Path, path: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, path)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// A tree path, checked to stay inside the site under a known folder.
fn tree_path(path: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = path.split('/').collect();
    let first = *parts.first()?;
    let known = ["site.toml", "content", "static", "templates", "themes"];
    if !known.contains(&first) || (first == "site.toml") != (parts.len() == 1) {
        return None;
    }
    let ok = parts.len() <= 8
        && parts.iter().all(|p| {
            !p.is_empty() && *p != "." && *p != ".." && p.len() <= 64 && !p.contains('\0')
        });
    ok.then(|| parts.iter().collect())
}

/// What the link at `link` (relative to `root`) may point at for `target`:
/// the target as written when, resolved from the link's folder, it stays
/// in the site or in [`OUTSIDE`] beside it, without passing through any of
/// the input's `links`; an absolute `/x` becomes `<root>/../outside/x`.
/// `None` otherwise.
fn link_target(root: &Path, link: &Path, target: &str, links: &[&Path]) -> Option<PathBuf> {
    // A link inside a linked folder would land where that folder leads.
    let in_link = link.ancestors().skip(1).any(|a| links.contains(&a));
    if in_link || target.is_empty() || target.contains('\0') || target.len() > 256 {
        return None;
    }
    let site = root.file_name()?;
    // Where the walk is, from the folder that holds the site.
    let mut at: Vec<&std::ffi::OsStr> = vec![site];
    let written = Path::new(target);
    let resolved = if let Some(rest) = target.strip_prefix('/') {
        at = vec![std::ffi::OsStr::new(OUTSIDE)];
        Path::new(rest)
    } else {
        at.extend(link.parent()?.components().map(Component::as_os_str));
        written
    };
    let parts: Vec<Component<'_>> = resolved.components().collect();
    for (i, part) in parts.iter().enumerate() {
        match part {
            Component::ParentDir => {
                at.pop()?;
            }
            Component::Normal(name) => at.push(name),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
        // Only the last step may land on a link (a chain of links); a link
        // on the way would move the rest of the walk somewhere unknown.
        let in_site: PathBuf = at.iter().skip(1).collect();
        if at.first() == Some(&site) && i + 1 < parts.len() && links.contains(&in_site.as_path()) {
            return None;
        }
    }
    match at.first() {
        Some(first) if *first == site || *first == OUTSIDE => {
            if target.starts_with('/') {
                Some(root.parent()?.join(OUTSIDE).join(resolved))
            } else {
                Some(written.to_path_buf())
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_paths_stay_inside_the_site() {
        assert!(tree_path("content/about.md").is_some());
        assert!(tree_path("site.toml").is_some());
        assert!(tree_path("site.toml/x").is_none());
        assert!(tree_path("content/../../x").is_none());
        assert!(tree_path("/etc/passwd").is_none());
        assert!(tree_path("public/x").is_none());
        let root = Path::new("/w/site");
        let target = |link: &str, target: &str, links: &[&str]| {
            let links: Vec<&Path> = links.iter().map(Path::new).collect();
            link_target(root, Path::new(link), target, &links)
        };
        assert_eq!(target("content/loop", "..", &[]), Some("..".into()));
        assert_eq!(
            target("content/x", "../../outside/pages", &[]),
            Some("../../outside/pages".into())
        );
        assert_eq!(
            target("content/x", "/secret.txt", &[]),
            Some("/w/outside/secret.txt".into())
        );
        // Nowhere else: not above the site's folder, not beside it.
        assert_eq!(target("content/loop", "../../..", &[]), None);
        assert_eq!(target("content/x", "../../public", &[]), None);
        assert_eq!(target("content/x", "/../../etc/passwd", &[]), None);
        // Not through another link, nor from inside a linked folder; a
        // chain that ends on a link is fine.
        assert_eq!(target("content/b", "a/../../x", &["content/a"]), None);
        assert_eq!(target("content/a/b", "../x", &["content/a"]), None);
        assert_eq!(target("content/b", "a", &["content/a"]), Some("a".into()));
    }

    #[test]
    fn trees_unpack_with_files_and_links() {
        let tmp = tempfile::tempdir().unwrap();
        unpack_tree(
            b"junk\n=== content/a.md\nA\n=== content/../x\nno\n@@@ content/loop -> ..\n=== site.toml\n",
            tmp.path(),
        );
        assert_eq!(
            std::fs::read(tmp.path().join("content/a.md")).unwrap(),
            b"A\n"
        );
        assert!(tmp.path().join("site.toml").is_file());
        assert!(std::fs::symlink_metadata(tmp.path().join("content/loop")).is_ok());
        assert!(!tmp.path().join("x").exists());
    }
}
