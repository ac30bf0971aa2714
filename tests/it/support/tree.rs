//! Folder trees: byte-for-byte snapshots (to prove a failed build left
//! `public/` alone, or that two builds are the same), and listings for
//! failure messages.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The snapshot of every file under `dir` (see [`DirSnapshot`]).
pub fn snapshot_of_dir(dir: &Path) -> DirSnapshot {
    DirSnapshot::of(dir)
}

/// One entry of a folder tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Dir,
    File(Vec<u8>),
    Symlink(PathBuf),
}

/// Every entry under a folder with its bytes, keyed by `/`-separated
/// relative path. Two snapshots are equal when the trees are byte-for-byte
/// the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirSnapshot {
    pub root: PathBuf,
    pub entries: BTreeMap<String, Entry>,
}

impl DirSnapshot {
    pub fn of(root: &Path) -> DirSnapshot {
        assert!(
            root.is_dir(),
            "cannot snapshot {}: not a folder",
            root.display()
        );
        let mut entries = BTreeMap::new();
        for entry in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
            let entry = entry.unwrap_or_else(|e| panic!("cannot walk {}: {e}", root.display()));
            let rel = entry
                .path()
                .strip_prefix(root)
                .expect("walkdir yields paths under its root")
                .to_string_lossy()
                .replace('\\', "/");
            let kind = entry.file_type();
            let value = if kind.is_dir() {
                Entry::Dir
            } else if kind.is_symlink() {
                Entry::Symlink(fs::read_link(entry.path()).expect("a symlink has a target"))
            } else {
                Entry::File(
                    fs::read(entry.path())
                        .unwrap_or_else(|e| panic!("cannot read {}: {e}", entry.path().display())),
                )
            };
            entries.insert(rel, value);
        }
        DirSnapshot {
            root: root.to_path_buf(),
            entries,
        }
    }

    /// Relative paths of the files (not folders).
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(|(_, e)| matches!(e, Entry::File(_)))
            .map(|(k, _)| k.as_str())
    }

    /// A stable 64-bit FNV-1a digest of the whole tree (paths, kinds, bytes).
    pub fn digest(&self) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in bytes {
                hash ^= u64::from(*b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for (path, entry) in &self.entries {
            feed(path.as_bytes());
            match entry {
                Entry::Dir => feed(b"\0d"),
                Entry::File(bytes) => {
                    feed(b"\0f");
                    feed(&(bytes.len() as u64).to_le_bytes());
                    feed(bytes);
                }
                Entry::Symlink(target) => {
                    feed(b"\0l");
                    feed(target.to_string_lossy().as_bytes());
                }
            }
        }
        hash
    }

    /// Human-readable differences from `other` (at most 30 lines).
    pub fn diff(&self, other: &DirSnapshot) -> Vec<String> {
        let mut out = Vec::new();
        for (path, entry) in &self.entries {
            match other.entries.get(path) {
                None => out.push(format!("only in {}: {path}", self.root.display())),
                Some(e) if e != entry => out.push(describe_change(path, entry, e)),
                Some(_) => {}
            }
        }
        for path in other.entries.keys() {
            if !self.entries.contains_key(path) {
                out.push(format!("only in {}: {path}", other.root.display()));
            }
        }
        out.truncate(30);
        out
    }

    /// Fails the test with the differences when `after` differs from `self`.
    pub fn expect_unchanged(&self, after: &DirSnapshot, context: &str) {
        let diff = self.diff(after);
        assert!(
            diff.is_empty() && self.digest() == after.digest(),
            "{} changed:\n  {}\n{context}",
            self.root.display(),
            diff.join("\n  ")
        );
    }

    /// Fails the test when the two trees differ anywhere.
    pub fn expect_same_as(&self, other: &DirSnapshot) {
        let diff = self.diff(other);
        assert!(
            diff.is_empty(),
            "{} and {} differ:\n  {}",
            self.root.display(),
            other.root.display(),
            diff.join("\n  ")
        );
    }
}

fn describe_change(path: &str, a: &Entry, b: &Entry) -> String {
    match (a, b) {
        (Entry::File(x), Entry::File(y)) => {
            let at = x
                .iter()
                .zip(y.iter())
                .position(|(p, q)| p != q)
                .unwrap_or(x.len().min(y.len()));
            let lo = at.saturating_sub(40);
            let show = |v: &[u8]| {
                String::from_utf8_lossy(&v[lo.min(v.len())..(at + 40).min(v.len())]).into_owned()
            };
            format!(
                "{path}: differs at byte {at} ({} vs {} bytes)\n      {:?}\n      {:?}",
                x.len(),
                y.len(),
                show(x),
                show(y)
            )
        }
        _ => format!(
            "{path}: {a:?} became {b:?}",
            a = kind_name(a),
            b = kind_name(b)
        ),
    }
}

fn kind_name(e: &Entry) -> &'static str {
    match e {
        Entry::Dir => "folder",
        Entry::File(_) => "file",
        Entry::Symlink(_) => "symlink",
    }
}

/// An indented listing of `dir` for failure messages: at most 200 entries,
/// without the contents of `themes/` (a copy of the repository's) and
/// `node_modules/`.
pub fn listing(dir: &Path) -> String {
    let mut out = format!("listing of {}:\n", dir.display());
    let walker = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let parent = e.path().parent().and_then(Path::file_name);
            parent.is_none_or(|p| p != "themes" && p != "node_modules")
        });
    for (n, entry) in walker.enumerate() {
        if n == 200 {
            out.push_str("  …\n");
            break;
        }
        match entry {
            Ok(entry) => {
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let mark = if entry.file_type().is_dir() {
                    "/"
                } else if entry.file_type().is_symlink() {
                    "@"
                } else {
                    ""
                };
                let _ = writeln!(out, "  {}{mark}", rel.display());
            }
            Err(e) => {
                let _ = writeln!(out, "  (unreadable: {e})");
            }
        }
    }
    out
}

/// The file names in `dir` (not recursive), sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| {
            e.expect("a readable folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_notice_any_change() {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        fs::write(tmp.path().join("a.html"), "one").expect("write");
        let before = DirSnapshot::of(tmp.path());
        fs::write(tmp.path().join("a.html"), "two").expect("write");
        let after = DirSnapshot::of(tmp.path());
        assert_ne!(before.digest(), after.digest());
        assert_eq!(before.diff(&after).len(), 1);
    }
}
