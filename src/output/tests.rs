use super::*;

#[test]
fn page_paths_map_to_index_files() {
    assert_eq!(output_file("/"), "index.html");
    assert_eq!(output_file("/about/"), "about/index.html");
    assert_eq!(output_file("/services/x/"), "services/x/index.html");
    assert_eq!(output_file("/old.html"), "old.html");
}

/// A folder with a previous build in it: the marker and one page.
fn previous_build(dir: &Path) {
    fs::create_dir_all(dir.join("about")).unwrap();
    fs::write(dir.join(MARKER), MARKER_TEXT).unwrap();
    fs::write(dir.join("about/index.html"), "old").unwrap();
}

/// The pid of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn foreign_folders_are_refused_and_marked_ones_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    assert!(check_replaceable(&out, "public").is_ok());
    fs::create_dir(&out).unwrap();
    fs::write(out.join("thesis.docx"), "mine").unwrap();
    assert_eq!(
        check_replaceable(&out, "public").unwrap_err().code,
        Code::ForeignOutput
    );

    let staging = StagingDir::create(&tmp.path().join("site")).unwrap();
    staging.put("a/index.html", b"x").unwrap();
    assert!(staging.put("../escape", b"x").is_err());
    staging.commit().unwrap();
    assert!(check_replaceable(&tmp.path().join("site"), "site").is_ok());
    assert_eq!(
        fs::read(tmp.path().join("site/a/index.html")).unwrap(),
        b"x"
    );
}

#[test]
fn the_marker_counts_only_as_a_regular_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("thesis.docx"), "mine").unwrap();
    fs::write(tmp.path().join("elsewhere"), "").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("elsewhere"), out.join(MARKER)).unwrap();
    assert!(
        check_replaceable(&out, "public").is_err(),
        "a linked marker"
    );
    fs::remove_file(out.join(MARKER)).unwrap();
    fs::create_dir(out.join(MARKER)).unwrap();
    assert!(
        check_replaceable(&out, "public").is_err(),
        "a marker folder"
    );
    fs::remove_dir(out.join(MARKER)).unwrap();
    fs::write(out.join(MARKER), "").unwrap();
    assert!(check_replaceable(&out, "public").is_ok());
}

#[test]
fn a_folder_of_host_files_only_may_be_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    fs::create_dir_all(out.join(".git")).unwrap();
    fs::write(out.join("CNAME"), "clinic.example\n").unwrap();
    assert!(check_replaceable(&out, "public").is_ok());
}

#[test]
fn every_spelling_of_a_folder_is_one_real_path() {
    let tmp = tempfile::tempdir().unwrap();
    let base = fs::canonicalize(tmp.path()).unwrap();
    fs::create_dir(base.join("public")).unwrap();
    let real = base.join("public");
    for spelling in ["public", "public/", "./public/../public", "x/../public"] {
        assert_eq!(real_path(&base.join(spelling)).unwrap(), real, "{spelling}");
    }
    assert_eq!(
        real_path(&base.join("new/deeper/../out")).unwrap(),
        base.join("new/out")
    );
    std::os::unix::fs::symlink(&real, base.join("link")).unwrap();
    assert_eq!(real_path(&base.join("link")).unwrap(), real);
    assert_eq!(real_path(&base.join("link/sub")).unwrap(), real.join("sub"));
    std::os::unix::fs::symlink(base.join("gone"), base.join("dangling")).unwrap();
    assert!(real_path(&base.join("dangling")).is_err());
    assert!(real_path(&base.join("dangling/sub")).is_err());
}

#[test]
fn the_site_and_its_sources_are_never_an_output() {
    let tmp = tempfile::tempdir().unwrap();
    let base = fs::canonicalize(tmp.path()).unwrap();
    let root = base.join("site");
    for dir in ["content", "static", "templates", "themes/clinic"] {
        fs::create_dir_all(root.join(dir)).unwrap();
    }
    fs::create_dir(base.join("shared")).unwrap();
    std::os::unix::fs::symlink(base.join("shared"), root.join("static-link")).unwrap();
    fs::remove_dir(root.join("static")).unwrap();
    std::os::unix::fs::symlink(base.join("shared"), root.join("static")).unwrap();
    let refused = [
        (root.clone(), "is the site folder itself"),
        (base.clone(), "holds the site folder"),
        (root.join("content"), "lies inside `content/`"),
        (root.join("content/out"), "lies inside `content/`"),
        (root.join("themes/clinic/public"), "lies inside `themes/`"),
        (root.join("templates"), "lies inside `templates/`"),
        (base.join("shared/out"), "lies inside `static/`"),
        (root.join("static-link/out"), "lies inside `static/`"),
    ];
    for (dir, why) in refused {
        let dir = real_path(&dir).unwrap();
        let d = check_location(&root, &dir, "out").unwrap_err();
        assert_eq!(d.code, Code::ForeignOutput);
        assert!(d.message.contains(why), "{}: {}", dir.display(), d.message);
    }
    for fine in [
        root.join("public"),
        base.join("public"),
        root.join("dist/site"),
    ] {
        assert!(
            check_location(&root, &fine, "out").is_ok(),
            "{}",
            fine.display()
        );
    }
}

#[test]
fn a_second_build_of_one_folder_is_refused_while_the_first_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    fs::create_dir(&root).unwrap();
    let out = root.join("public");
    let first = Output::claim(&root, &out, "public").unwrap();
    let second = Output::claim(&root, &out, "public").err().unwrap();
    assert!(
        second.message.contains("another handoff build"),
        "{}",
        second.message
    );
    drop(first);
    assert!(Output::claim(&root, &out, "public").is_ok());
}

#[test]
fn host_files_are_kept_and_the_sites_own_win() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    previous_build(&out);
    fs::create_dir_all(out.join(".git/objects")).unwrap();
    fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    fs::write(out.join(".git/objects/ab"), "blob").unwrap();
    std::os::unix::fs::symlink("HEAD", out.join(".git/link")).unwrap();
    fs::write(out.join(".nojekyll"), "").unwrap();
    fs::write(out.join("CNAME"), "old.example\n").unwrap();
    fs::write(out.join("stray.txt"), "gone\n").unwrap();

    let staging = StagingDir::create(&out).unwrap();
    staging.put("index.html", b"new").unwrap();
    staging.put("CNAME", b"new.example\n").unwrap();
    staging.commit().unwrap();

    assert_eq!(
        names(&out),
        [
            ".git",
            ".handoff-output",
            ".nojekyll",
            "CNAME",
            "index.html"
        ]
    );
    assert_eq!(
        fs::read_to_string(out.join("CNAME")).unwrap(),
        "new.example\n"
    );
    assert_eq!(
        fs::read_to_string(out.join(".git/objects/ab")).unwrap(),
        "blob"
    );
    assert_eq!(
        fs::read_link(out.join(".git/link")).unwrap(),
        Path::new("HEAD")
    );
    assert_eq!(names(tmp.path()), ["public"]);
}

/// Renames that work, but a file system without a one-step exchange.
fn without_exchange() -> Renames {
    Renames {
        rename: SYSTEM.rename,
        exchange: |_, _| Ok(false),
    }
}

#[test]
fn the_swap_without_exchange_replaces_the_old_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    previous_build(&out);
    let staging = StagingDir::create(&out).unwrap();
    staging.put("index.html", b"new").unwrap();
    staging.commit_with(without_exchange()).unwrap();
    assert_eq!(names(&out), [".handoff-output", "index.html"]);
    assert_eq!(names(tmp.path()), ["public"]);
}

#[test]
fn a_failed_swap_leaves_the_previous_site_as_it_was() {
    // Moving the new site in fails after the old one was moved aside.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    previous_build(&out);
    let staging = StagingDir::create(&out).unwrap();
    staging.put("index.html", b"new").unwrap();
    let failing = Renames {
        rename: |from, to| {
            if from.to_string_lossy().contains(".tmp-") {
                Err(io::Error::other("injected"))
            } else {
                fs::rename(from, to)
            }
        },
        exchange: |_, _| Ok(false),
    };
    let err = staging.commit_with(failing).unwrap_err();
    assert!(format!("{err:#}").contains("injected"), "{err:#}");
    assert_eq!(names(&out), [".handoff-output", "about"]);
    assert_eq!(
        fs::read_to_string(out.join("about/index.html")).unwrap(),
        "old"
    );
    assert_eq!(names(tmp.path()), ["public"]);

    // The exchange itself fails.
    let staging = StagingDir::create(&out).unwrap();
    let failing = Renames {
        rename: SYSTEM.rename,
        exchange: |_, _| Err(io::Error::other("injected")),
    };
    assert!(staging.commit_with(failing).is_err());
    assert_eq!(names(&out), [".handoff-output", "about"]);
    assert_eq!(names(tmp.path()), ["public"]);

    // The old site cannot be moved aside.
    let staging = StagingDir::create(&out).unwrap();
    let failing = Renames {
        rename: |_, _| Err(io::Error::other("injected")),
        exchange: |_, _| Ok(false),
    };
    assert!(staging.commit_with(failing).is_err());
    assert_eq!(names(&out), [".handoff-output", "about"]);
    assert_eq!(names(tmp.path()), ["public"]);
}

#[test]
fn stale_folders_of_ended_builds_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    previous_build(&out);
    let dead = dead_pid();
    previous_build(&sibling(&out, "tmp", dead));
    previous_build(&sibling(&out, "old", dead));
    // Killed while it was being made or removed: empty.
    fs::create_dir(sibling(&out, "tmp", dead + 100_000)).unwrap();
    // Not handoff's: no marker.
    let foreign = sibling(&out, "tmp", dead + 200_000);
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("notes.txt"), "mine").unwrap();
    // A build that is still running (pid 1 always is).
    previous_build(&sibling(&out, "tmp", 1));
    // Another folder's staging.
    previous_build(&tmp.path().join(format!("dist.tmp-{dead}")));

    remove_stale(&out);
    let mut expected = vec![
        "dist.tmp-".to_owned() + &dead.to_string(),
        "public".to_owned(),
        "public.tmp-1".to_owned(),
        format!("public.tmp-{}", dead + 200_000),
    ];
    expected.sort();
    assert_eq!(names(tmp.path()), expected);
    assert_eq!(
        fs::read_to_string(out.join("about/index.html")).unwrap(),
        "old"
    );
}

#[test]
fn a_site_set_aside_by_a_killed_swap_is_put_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let dead = dead_pid();
    previous_build(&sibling(&out, "old", dead));
    previous_build(&sibling(&out, "tmp", dead));
    remove_stale(&out);
    assert_eq!(names(tmp.path()), ["public"]);
    assert_eq!(
        fs::read_to_string(out.join("about/index.html")).unwrap(),
        "old"
    );
}

#[test]
fn stale_names_are_read_exactly() {
    let out = Path::new("/x/public");
    assert_eq!(sibling_pid(out, "public.tmp-42"), Some(("tmp", 42)));
    assert_eq!(sibling_pid(out, "public.old-7"), Some(("old", 7)));
    for other in [
        "public",
        "public.tmp-",
        "public.tmp-4x",
        "publicx.tmp-4",
        "dist.tmp-4",
        "public.new-4",
    ] {
        assert_eq!(sibling_pid(out, other), None, "{other}");
    }
}
