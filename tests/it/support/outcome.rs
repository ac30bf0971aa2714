//! Running the real binary, and [`Outcome`]: what one run did, with the
//! assertions tests make about it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::findings::{self, Diagnostic, Found};
use super::listing;

/// "Now" for every run (`SOURCE_DATE_EPOCH`), 2026-12-01T00:00:00Z, unless
/// a test passes its own: dated content (availability's `as_of`, events)
/// then reads the same on any day the suite runs, and the example site's
/// dates stay recent.
pub const TEST_EPOCH: &str = "1796083200";

/// Runs the real binary with a time limit, capturing stdout and stderr.
pub fn run_handoff(cwd: &Path, args: &[&str], limit: Duration) -> Outcome {
    run_handoff_with_env(cwd, &[], args, limit)
}

/// [`run_handoff`] with extra environment variables (test-only overrides).
pub fn run_handoff_with_env(
    cwd: &Path,
    env: &[(&str, &str)],
    args: &[&str],
    limit: Duration,
) -> Outcome {
    let bin = env!("CARGO_BIN_EXE_handoff");
    let command = env
        .iter()
        .map(|(k, v)| shell_quote(&format!("{k}={v}")))
        .chain(std::iter::once("handoff".to_owned()))
        .chain(args.iter().copied().map(shell_quote))
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new(bin)
        .args(args)
        .env("SOURCE_DATE_EPOCH", TEST_EPOCH)
        .envs(env.iter().copied())
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
        findings: FindingsOn::of(args),
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

/// Where a run prints its findings, and in which layout (from its arguments).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FindingsOn {
    /// `check --format json`: one JSON object per line on stdout.
    JsonStdout,
    /// `check` in the human layout: findings on stdout.
    HumanStdout,
    /// `check --format github`: read by the tests of that format only.
    GithubStdout,
    /// `build` and everything else: the human layout on stderr, the only
    /// form these commands print.
    HumanStderr,
}

impl FindingsOn {
    fn of(args: &[&str]) -> FindingsOn {
        // The subcommand is the first argument that is neither a flag nor
        // the value of `--root`.
        let mut rest = args.iter().copied();
        let mut command = None;
        while let Some(arg) = rest.next() {
            if arg == "--root" {
                rest.next();
            } else if !arg.starts_with('-') {
                command = Some(arg);
                break;
            }
        }
        if command != Some("check") {
            return FindingsOn::HumanStderr;
        }
        let mut format = "human";
        let mut rest = rest.peekable();
        while let Some(arg) = rest.next() {
            if arg == "--format" {
                format = rest.peek().copied().unwrap_or(format);
            } else if let Some(value) = arg.strip_prefix("--format=") {
                format = value;
            }
        }
        match format {
            "json" => FindingsOn::JsonStdout,
            "github" => FindingsOn::GithubStdout,
            _ => FindingsOn::HumanStdout,
        }
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Outcome {
    findings: FindingsOn,
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

    /// Asserts that stdout is empty (a clean `check`, in any format).
    pub fn expect_stdout_empty(&self) -> &Self {
        assert!(
            self.stdout.is_empty(),
            "expected nothing on stdout\n{}",
            self.report()
        );
        self
    }

    /// Asserts that the run reported no finding (see [`Outcome::diagnostics`]).
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

    /// Every finding of the run, in the order printed: the JSON lines of
    /// `check --format json`; for `check` in the human layout, and for
    /// `build`, which prints findings in no other form, the rustc-style
    /// blocks (stdout for `check`, stderr otherwise).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self.findings {
            FindingsOn::JsonStdout => findings::parse_json_lines(&self.stdout)
                .unwrap_or_else(|e| panic!("{e}\n{}", self.report())),
            FindingsOn::HumanStdout => findings::parse_human(&self.stdout),
            FindingsOn::HumanStderr => findings::parse_human(&self.stderr),
            FindingsOn::GithubStdout => panic!(
                "findings in the github format are read by its own tests; run `check --format json`\n{}",
                self.report()
            ),
        }
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
