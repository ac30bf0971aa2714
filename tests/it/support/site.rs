//! [`SiteTest`]: a site copied into a fresh temporary folder, the commands
//! run against it, and the contract every failing build keeps (SPEC §10:
//! nothing written, the previous site untouched, no folder left beside it).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{
    DEFAULT_TIMEOUT, DirSnapshot, Outcome, fixture_dir, listing, repo_root, run_handoff,
    run_handoff_with_env,
};

/// A site in a temporary folder.
pub struct SiteTest {
    tmp: tempfile::TempDir,
    root: PathBuf,
    name: String,
}

impl SiteTest {
    /// An empty working folder with an empty `site/` in it (for `handoff new`
    /// and for sites written entirely by the test).
    pub fn empty() -> SiteTest {
        let tmp = tempfile::Builder::new()
            .prefix("handoff-it-")
            .tempdir()
            .expect("cannot create a temporary folder");
        let root = tmp.path().join("site");
        fs::create_dir_all(&root).expect("cannot create the site folder");
        SiteTest {
            tmp,
            root,
            name: "(empty)".to_owned(),
        }
    }

    /// Copies `tests/fixtures/<case>/` into a fresh temporary folder. When the
    /// fixture has no `themes/` of its own, the repository's `themes/` is
    /// copied beside it, so every fixture builds with the real default theme.
    pub fn fixture(case: &str) -> SiteTest {
        let src = fixture_dir(case);
        assert!(
            src.join("site.toml").is_file(),
            "fixture `{case}` has no site.toml (looked in {})",
            src.display()
        );
        let mut site = SiteTest::empty();
        site.name = format!("fixture {case}");
        copy_tree(&src, &site.root, CopyOrder::Forward);
        if !site.root.join("themes").exists() {
            let themes = repo_root().join("themes");
            assert!(
                themes.is_dir(),
                "the repository has no themes/ folder to build fixtures with"
            );
            copy_tree(&themes, &site.root.join("themes"), CopyOrder::Forward);
        }
        site
    }

    /// Copies the example site at the repository root (site.toml, content/,
    /// static/, themes/, templates/ where present).
    pub fn example() -> SiteTest {
        SiteTest::example_in_order(CopyOrder::Forward)
    }

    /// The example site, its files created in `order` (directory listing
    /// order follows creation order on some file systems, so a reversed copy
    /// flushes out output that depends on `read_dir` order).
    pub fn example_in_order(order: CopyOrder) -> SiteTest {
        let repo = repo_root();
        assert!(
            repo.join("site.toml").is_file(),
            "the example site is missing: no site.toml at the repository root ({})",
            repo.display()
        );
        let mut site = SiteTest::empty();
        site.name = "example site".to_owned();
        fs::copy(repo.join("site.toml"), site.root.join("site.toml"))
            .expect("cannot copy site.toml");
        for dir in ["content", "static", "themes", "templates"] {
            if repo.join(dir).is_dir() {
                copy_tree(&repo.join(dir), &site.root.join(dir), order);
            }
        }
        site
    }

    /// The site root, passed as `--root`.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The working folder of every command: the parent of the site root.
    pub fn work_dir(&self) -> &Path {
        self.tmp.path()
    }

    /// `rel` resolved against the site root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The default output folder, `<root>/public`.
    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Writes `text` to `rel` (under the site root), creating folders.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }

    /// Writes raw bytes to `rel` (for invalid UTF-8, BOMs, CRLF).
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        self
    }

    /// Removes a file or a whole folder under the site root.
    pub fn remove(&self, rel: &str) -> &Self {
        let path = self.path(rel);
        let meta = fs::symlink_metadata(&path)
            .unwrap_or_else(|e| panic!("cannot remove {}: {e}", path.display()));
        let result = if meta.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        result.unwrap_or_else(|e| panic!("cannot remove {}: {e}", path.display()));
        self
    }

    /// Creates a symbolic link at `rel` pointing at `target` (taken verbatim,
    /// so a relative target is relative to the link's folder).
    pub fn symlink(&self, rel: &str, target: &str) -> &Self {
        let path = self.path(rel);
        std::os::unix::fs::symlink(target, &path)
            .unwrap_or_else(|e| panic!("cannot link {} -> {target}: {e}", path.display()));
        self
    }

    /// Rewrites every text file under `rel` with CRLF line endings and a
    /// UTF-8 byte order mark.
    pub fn to_crlf_with_bom(&self, rel: &str) -> &Self {
        let text = self.read(rel);
        let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(crlf.as_bytes());
        self.write_bytes(rel, &bytes)
    }

    /// The text of `rel` under the site root.
    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}\n{}",
                path.display(),
                listing(self.work_dir())
            )
        })
    }

    /// Asserts that `rel` (under the site root) is a file and returns its text.
    pub fn expect_file(&self, rel: &str) -> String {
        let path = self.path(rel);
        assert!(
            path.is_file(),
            "{}: expected the file {rel}\n{}",
            self.name,
            listing(self.work_dir())
        );
        self.read(rel)
    }

    /// Asserts that nothing exists at `rel` (under the site root).
    pub fn expect_no_file(&self, rel: &str) -> &Self {
        assert!(
            fs::symlink_metadata(self.path(rel)).is_err(),
            "{}: expected no {rel}\n{}",
            self.name,
            listing(self.work_dir())
        );
        self
    }

    /// Runs `handoff --root <root> build <args…>` from the working folder.
    pub fn build(&self, args: &[&str]) -> Outcome {
        self.build_within(DEFAULT_TIMEOUT, args)
    }

    /// Like [`SiteTest::build`], failing the test if the build takes longer
    /// than `limit` (for inputs built to make a parser hang).
    pub fn build_within(&self, limit: Duration, args: &[&str]) -> Outcome {
        let root = self.root.to_string_lossy().into_owned();
        let mut all = vec!["--root", root.as_str(), "build"];
        all.extend_from_slice(args);
        self.run_within(limit, &all)
    }

    /// Runs `handoff --root <root> <args…>` from the working folder with
    /// extra environment variables (a test-only override such as
    /// `HANDOFF_TEST_INTAKE_ORIGIN`).
    pub fn run_with_env(&self, env: &[(&str, &str)], args: &[&str]) -> Outcome {
        let root = self.root.to_string_lossy().into_owned();
        let mut all = vec!["--root", root.as_str()];
        all.extend_from_slice(args);
        run_handoff_with_env(self.work_dir(), env, &all, DEFAULT_TIMEOUT)
    }

    /// Runs `handoff --root <root> intake <args…>` from the working folder.
    pub fn intake(&self, args: &[&str]) -> Outcome {
        let root = self.root.to_string_lossy().into_owned();
        let mut all = vec!["--root", root.as_str(), "intake"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs `handoff <args…>` from the working folder (no `--root` added).
    pub fn run(&self, args: &[&str]) -> Outcome {
        self.run_within(DEFAULT_TIMEOUT, args)
    }

    pub fn run_within(&self, limit: Duration, args: &[&str]) -> Outcome {
        run_handoff(self.work_dir(), args, limit)
    }

    /// Runs `handoff --root <root> check <args…>` from the working folder.
    /// Pass `--format json` to read its findings with [`Outcome::diagnostics`]
    /// independently of the human layout.
    pub fn check(&self, args: &[&str]) -> Outcome {
        self.check_within(DEFAULT_TIMEOUT, args)
    }

    pub fn check_within(&self, limit: Duration, args: &[&str]) -> Outcome {
        let root = self.root.to_string_lossy().into_owned();
        let mut all = vec!["--root", root.as_str(), "check"];
        all.extend_from_slice(args);
        self.run_within(limit, &all)
    }

    /// Puts a previous good build in `public/` (the marker, an index page, a
    /// nested page and a stylesheet) and returns its snapshot. Used by failing
    /// builds to prove that they leave the previous site alone.
    pub fn seed_previous_output(&self) -> DirSnapshot {
        let public = self.public();
        let files: [(&str, &str); 4] = [
            (".handoff-output", "handoff\n"),
            (
                "index.html",
                "<!DOCTYPE html><html lang=\"en\"><title>Previous build</title><p>previous good build</p></html>\n",
            ),
            (
                "services/cardiology/index.html",
                "<!DOCTYPE html><html lang=\"en\"><title>Cardiology</title><p>previous</p></html>\n",
            ),
            ("css/site.0123abcd.css", "body{color:#111}\n"),
        ];
        for (rel, text) in files {
            let path = public.join(rel);
            fs::create_dir_all(path.parent().expect("a seeded file has a parent folder"))
                .expect("cannot create the seeded output folder");
            fs::write(&path, text).expect("cannot write a seeded output file");
        }
        DirSnapshot::of(&public)
    }

    /// Asserts that no staging folder (`<output>.tmp-*`) and no set-aside
    /// previous build (`<output>.old-*`) is left beside `output`. A folder
    /// that cannot be listed fails the test: it proves nothing.
    pub fn expect_no_staging_left(&self, output: &Path) -> &Self {
        let parent = output.parent().expect("an output folder has a parent");
        let name = output
            .file_name()
            .expect("an output folder has a name")
            .to_string_lossy()
            .into_owned();
        let leftovers = [format!("{name}.tmp-"), format!("{name}.old-")];
        let entries = fs::read_dir(parent).unwrap_or_else(|e| {
            panic!(
                "{}: cannot list {} to look for leftover folders: {e}\n{}",
                self.name,
                parent.display(),
                listing(self.work_dir())
            )
        });
        for entry in entries {
            let entry = entry.unwrap_or_else(|e| {
                panic!(
                    "{}: cannot read an entry of {}: {e}",
                    self.name,
                    parent.display()
                )
            });
            let entry_name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                !leftovers.iter().any(|p| entry_name.starts_with(p.as_str())),
                "{}: a staging or set-aside folder was left behind: {}\n{}",
                self.name,
                entry.path().display(),
                listing(self.work_dir())
            );
        }
        self
    }

    /// The contract of every failing build, checked twice:
    /// 1. with no previous output: exit 1, no `public/` created, no staging left;
    /// 2. over a previous good `public/`: exit 1, `public/` byte-for-byte as it
    ///    was, no staging left.
    ///
    /// Returns the second run's outcome for assertions on the findings.
    pub fn expect_failed_build(&self) -> Outcome {
        self.expect_failed_build_within(DEFAULT_TIMEOUT)
    }

    pub fn expect_failed_build_within(&self, limit: Duration) -> Outcome {
        let public = self.public();
        assert!(
            !public.exists(),
            "{}: the fixture must not ship a public/ folder",
            self.name
        );
        let first = self.build_within(limit, &[]);
        first.expect_exit(1);
        if public.exists() {
            panic!(
                "{}: a failed build created {}\n{}\n{}",
                self.name,
                public.display(),
                listing(self.work_dir()),
                first.report()
            );
        }
        self.expect_no_staging_left(&public);

        let before = self.seed_previous_output();
        let second = self.build_within(limit, &[]);
        second.expect_exit(1);
        before.expect_unchanged(&DirSnapshot::of(&public), &second.report());
        self.expect_no_staging_left(&public);
        second
    }
}

/// The order in which [`copy_tree`] creates files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyOrder {
    Forward,
    Reverse,
}

/// Copies the folder `src` to `dst` (files, folders and symlinks as links).
pub fn copy_tree(src: &Path, dst: &Path, order: CopyOrder) {
    let mut entries: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(src)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.unwrap_or_else(|e| panic!("cannot walk {}: {e}", src.display())))
        .collect();
    if order == CopyOrder::Reverse {
        entries.reverse();
    }
    fs::create_dir_all(dst).unwrap_or_else(|e| panic!("cannot create {}: {e}", dst.display()));
    for entry in entries {
        let rel = entry
            .path()
            .strip_prefix(src)
            .expect("walkdir yields paths under its root");
        let to = dst.join(rel);
        let kind = entry.file_type();
        if kind.is_dir() {
            fs::create_dir_all(&to)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
            continue;
        }
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        if kind.is_symlink() {
            let target = fs::read_link(entry.path()).expect("a symlink has a target");
            std::os::unix::fs::symlink(&target, &to)
                .unwrap_or_else(|e| panic!("cannot link {}: {e}", to.display()));
        } else {
            fs::copy(entry.path(), &to).unwrap_or_else(|e| {
                panic!(
                    "cannot copy {} to {}: {e}",
                    entry.path().display(),
                    to.display()
                )
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "left behind")]
    fn a_staging_folder_is_a_leftover() {
        let site = SiteTest::empty();
        fs::create_dir(site.path("public.tmp-4242")).unwrap();
        site.expect_no_staging_left(&site.public());
    }

    #[test]
    #[should_panic(expected = "left behind")]
    fn a_set_aside_previous_build_is_a_leftover() {
        let site = SiteTest::empty();
        fs::create_dir(site.path("public.old-4242")).unwrap();
        site.expect_no_staging_left(&site.public());
    }

    #[test]
    #[should_panic(expected = "cannot list")]
    fn a_folder_that_cannot_be_listed_proves_nothing() {
        let site = SiteTest::empty();
        site.expect_no_staging_left(&site.path("no-such-folder/public"));
    }

    #[test]
    fn the_output_folder_itself_and_other_names_are_fine() {
        let site = SiteTest::empty();
        for name in ["public", "public.bak", "publication.tmp-1"] {
            fs::create_dir(site.path(name)).unwrap();
        }
        site.expect_no_staging_left(&site.public());
    }
}
