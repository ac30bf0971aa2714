//! The test harness: a site in a fresh temporary folder, the real `handoff`
//! binary run against it, and assertions whose failure messages show the
//! command, its folder, a listing of the site, stdout and stderr.
//!
//! ```text
//! let site = SiteTest::fixture("bad_input/dangling_service");
//! site.build(&[])
//!     .expect_exit(1)
//!     .diagnostic("E020")
//!     .at_col("content/referrals/palpitations.md", 3, 10)
//!     .mentions("`cardiology`");
//! ```
//!
//! Nothing here writes into the repository: fixtures are copied into a
//! `tempfile::TempDir` laid out as
//!
//! ```text
//! <tmp>/            the working directory of every command (relative --output lands here)
//! <tmp>/site/       the site root (--root), with public/ inside by default
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a command may run before the test fails as a hang. Generous: a
/// debug build on a loaded CI machine is slow, but a hang is still caught.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// The repository root (also the root of the example site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of one fixture, `tests/fixtures/<case>`.
pub fn fixture_dir(case: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(case)
}

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

    /// Runs `handoff <args…>` from the working folder (no `--root` added).
    pub fn run(&self, args: &[&str]) -> Outcome {
        self.run_within(DEFAULT_TIMEOUT, args)
    }

    pub fn run_within(&self, limit: Duration, args: &[&str]) -> Outcome {
        run_handoff(self.work_dir(), args, limit)
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

    /// Asserts that no staging folder (`<output>.tmp-*`) is left beside `output`.
    pub fn expect_no_staging_left(&self, output: &Path) -> &Self {
        let parent = output.parent().expect("an output folder has a parent");
        let name = output
            .file_name()
            .expect("an output folder has a name")
            .to_string_lossy()
            .into_owned();
        let prefix = format!("{name}.tmp-");
        if let Ok(entries) = fs::read_dir(parent) {
            for entry in entries.flatten() {
                let entry_name = entry.file_name().to_string_lossy().into_owned();
                assert!(
                    !entry_name.starts_with(&prefix),
                    "{}: a staging folder was left behind: {}\n{}",
                    self.name,
                    entry.path().display(),
                    listing(self.work_dir())
                );
            }
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

/// Runs the real binary with a time limit, capturing stdout and stderr.
pub fn run_handoff(cwd: &Path, args: &[&str], limit: Duration) -> Outcome {
    let bin = env!("CARGO_BIN_EXE_handoff");
    let command = std::iter::once("handoff")
        .chain(args.iter().copied())
        .map(shell_quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
    let stdout = drain(child.stdout.take().expect("stdout is piped"));
    let stderr = drain(child.stderr.take().expect("stderr is piped"));

    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                let stdout = stdout.join().unwrap_or_default();
                let stderr = stderr.join().unwrap_or_default();
                panic!(
                    "`{command}` did not finish within {limit:?} (killed)\ncwd: {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
                    cwd.display()
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("cannot wait for `{command}`: {e}"),
        }
    };
    let elapsed = start.elapsed();
    Outcome {
        command,
        cwd: cwd.to_path_buf(),
        code: status.code(),
        status: status.to_string(),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        elapsed,
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn shell_quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,".contains(c))
    {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Outcome {
    pub command: String,
    pub cwd: PathBuf,
    /// The exit code; `None` when a signal ended the process (a crash).
    pub code: Option<i32>,
    pub status: String,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Outcome {
    /// The command, its folder, a listing of that folder, stdout and stderr,
    /// for failure messages.
    pub fn report(&self) -> String {
        format!(
            "command: {}\ncwd: {}\nstatus: {} after {:?}\n{}--- stdout\n{}\n--- stderr\n{}\n---",
            self.command,
            self.cwd.display(),
            self.status,
            self.elapsed,
            listing(&self.cwd),
            self.stdout,
            self.stderr
        )
    }

    pub fn expect_exit(&self, code: i32) -> &Self {
        assert!(
            self.code == Some(code),
            "expected exit status {code}, got {}\n{}",
            self.status,
            self.report()
        );
        self
    }

    pub fn expect_success(&self) -> &Self {
        self.expect_exit(0)
    }

    pub fn expect_stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "expected stderr to contain {needle:?}\n{}",
            self.report()
        );
        self
    }

    pub fn expect_stderr_not_contains(&self, needle: &str) -> &Self {
        assert!(
            !self.stderr.contains(needle),
            "expected stderr not to contain {needle:?}\n{}",
            self.report()
        );
        self
    }

    pub fn expect_stdout_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "expected stdout to contain {needle:?}\n{}",
            self.report()
        );
        self
    }

    /// Asserts that stderr holds no `error[…]` and no `warning[…]` finding.
    pub fn expect_no_findings(&self) -> &Self {
        let found = self.diagnostics();
        assert!(
            found.is_empty(),
            "expected no findings, got {}: {:?}\n{}",
            found.len(),
            found.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
            self.report()
        );
        self
    }

    /// Every finding printed on stderr, in order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        parse_diagnostics(&self.stderr)
    }

    /// Every finding with `code` (e.g. "E020" or "W001").
    pub fn diagnostics_with(&self, code: &str) -> Vec<Found<'_>> {
        self.diagnostics()
            .into_iter()
            .filter(|d| d.code == code)
            .map(|diag| Found {
                diag,
                outcome: self,
            })
            .collect()
    }

    /// The first finding with `code`; fails the test if there is none.
    pub fn diagnostic(&self, code: &str) -> Found<'_> {
        self.diagnostics_with(code)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("expected a finding {code}\n{}", self.report()))
    }

    /// The first finding whose code is one of `codes` (for inputs where two
    /// codes are both faithful to the contract, e.g. E015 or E011).
    pub fn diagnostic_any(&self, codes: &[&str]) -> Found<'_> {
        self.diagnostics()
            .into_iter()
            .find(|d| codes.contains(&d.code.as_str()))
            .map(|diag| Found {
                diag,
                outcome: self,
            })
            .unwrap_or_else(|| panic!("expected a finding among {codes:?}\n{}", self.report()))
    }

    /// Asserts that some finding with `code` points at `path:line`.
    pub fn expect_finding_at(&self, code: &str, path: &str, line: u32) -> &Self {
        let all = self.diagnostics_with(code);
        assert!(
            all.iter()
                .any(|f| f.diag.file.as_deref() == Some(path) && f.diag.line == Some(line)),
            "expected a finding {code} at {path}:{line}, found {:?}\n{}",
            all.iter().map(|f| f.diag.location()).collect::<Vec<_>>(),
            self.report()
        );
        self
    }
}

/// One finding as printed on stderr (rustc style).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// "error" or "warning".
    pub severity: String,
    pub code: String,
    /// The text after `error[Exxx]: `.
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The whole block: header, location, source excerpt, help lines.
    pub text: String,
}

impl Diagnostic {
    pub fn location(&self) -> String {
        match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
            (Some(f), Some(l), None) => format!("{f}:{l}"),
            (Some(f), None, _) => f.clone(),
            (None, _, _) => "(no location)".to_owned(),
        }
    }
}

/// A finding together with the run it came from, for failure messages.
pub struct Found<'a> {
    pub diag: Diagnostic,
    pub outcome: &'a Outcome,
}

impl Found<'_> {
    fn fail(&self, what: &str) -> ! {
        panic!(
            "finding {} {what}\n--- the finding\n{}\n{}",
            self.diag.code,
            self.diag.text,
            self.outcome.report()
        )
    }

    /// Asserts ` --> path:line:…`.
    pub fn at(&self, path: &str, line: u32) -> &Self {
        if self.diag.file.as_deref() != Some(path) || self.diag.line != Some(line) {
            self.fail(&format!(
                "should point at {path}:{line}, points at {}",
                self.diag.location()
            ));
        }
        self
    }

    /// Asserts ` --> path:line:column`.
    pub fn at_col(&self, path: &str, line: u32, column: u32) -> &Self {
        self.at(path, line);
        if self.diag.column != Some(column) {
            self.fail(&format!(
                "should point at {path}:{line}:{column}, points at {}",
                self.diag.location()
            ));
        }
        self
    }

    /// Asserts that the finding names `path` in its location.
    pub fn in_file(&self, path: &str) -> &Self {
        if self.diag.file.as_deref() != Some(path) {
            self.fail(&format!(
                "should point into {path}, points at {}",
                self.diag.location()
            ));
        }
        self
    }

    /// Asserts that the finding's block (message, excerpt, help) contains `needle`.
    pub fn mentions(&self, needle: &str) -> &Self {
        if !self.diag.text.contains(needle) {
            self.fail(&format!("should mention {needle:?}"));
        }
        self
    }

    /// Asserts that the finding's block contains at least one of `needles`.
    pub fn mentions_any(&self, needles: &[&str]) -> &Self {
        if !needles.iter().any(|n| self.diag.text.contains(n)) {
            self.fail(&format!("should mention one of {needles:?}"));
        }
        self
    }
}

/// Splits stderr into findings. A finding starts at a line
/// `error[Exxx]: …` or `warning[Wxxx]: …` and runs to the next such line or
/// to a summary line (`error: …`, `warning: …` without a code).
pub fn parse_diagnostics(stderr: &str) -> Vec<Diagnostic> {
    let clean = strip_ansi(stderr);
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut current: Option<Diagnostic> = None;
    for line in clean.lines() {
        if let Some(header) = parse_header(line) {
            out.extend(current.take());
            current = Some(header);
            continue;
        }
        let Some(diag) = current.as_mut() else {
            continue;
        };
        if line.starts_with("error:") || line.starts_with("warning:") {
            out.extend(current.take());
            continue;
        }
        diag.text.push('\n');
        diag.text.push_str(line);
        if diag.file.is_none() {
            if let Some(loc) = line.trim_start().strip_prefix("--> ") {
                let (file, l, c) = parse_location(loc.trim());
                diag.file = Some(file);
                diag.line = l;
                diag.column = c;
            }
        }
    }
    out.extend(current);
    out
}

fn parse_header(line: &str) -> Option<Diagnostic> {
    let (severity, rest) = if let Some(rest) = line.strip_prefix("error[") {
        ("error", rest)
    } else if let Some(rest) = line.strip_prefix("warning[") {
        ("warning", rest)
    } else {
        return None;
    };
    let (code, message) = rest.split_once("]:")?;
    Some(Diagnostic {
        severity: severity.to_owned(),
        code: code.to_owned(),
        message: message.trim().to_owned(),
        file: None,
        line: None,
        column: None,
        text: line.to_owned(),
    })
}

/// `path`, `path:line` or `path:line:column`.
fn parse_location(loc: &str) -> (String, Option<u32>, Option<u32>) {
    let parts: Vec<&str> = loc.rsplitn(3, ':').collect();
    let num = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        [c, l, file] if num(c).is_some() && num(l).is_some() => {
            ((*file).to_owned(), num(l), num(c))
        }
        [l, rest @ ..] if num(l).is_some() => (
            rest.iter().rev().copied().collect::<Vec<_>>().join(":"),
            num(l),
            None,
        ),
        _ => (loc.to_owned(), None, None),
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

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
    fn parses_rustc_style_findings() {
        let stderr = "\
error[E020]: `service: thoracic-oncolgy` does not match any service line
 --> content/referrals/lung-nodule.md:4:10
  |
4 | service: thoracic-oncolgy
  |          ^^^^^^^^^^^^^^^^
  |
  = help: did you mean `thoracic-oncology`?

warning[W001]: the page has no description
 --> content/about.md:1:1

error[E003]: `base_url` is missing
 --> site.toml
error: build failed with 2 errors
";
        let found = parse_diagnostics(stderr);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].code, "E020");
        assert_eq!(found[0].severity, "error");
        assert_eq!(
            found[0].file.as_deref(),
            Some("content/referrals/lung-nodule.md")
        );
        assert_eq!((found[0].line, found[0].column), (Some(4), Some(10)));
        assert!(found[0].text.contains("did you mean `thoracic-oncology`?"));
        assert_eq!(found[1].severity, "warning");
        assert_eq!(found[1].code, "W001");
        assert_eq!(found[2].file.as_deref(), Some("site.toml"));
        assert_eq!(found[2].line, None);
        assert!(!found[2].text.contains("build failed"));
    }

    #[test]
    fn parses_locations_without_a_column() {
        assert_eq!(
            parse_location("site.toml:3"),
            ("site.toml".to_owned(), Some(3), None)
        );
        assert_eq!(
            parse_location("content/a.md:1:1"),
            ("content/a.md".to_owned(), Some(1), Some(1))
        );
    }

    #[test]
    fn strips_colour_codes() {
        let found = parse_diagnostics(
            "\u{1b}[1;31merror[E010]\u{1b}[0m: front matter is not closed\n --> content/a.md:1:1\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "E010");
    }

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
