//! `impunity validate`, `show` and `init`, driving the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_impunity"))
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// A fresh empty directory for one test.
fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("impunity-scli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn validate_summarises_a_valid_scenario() {
    let o = run(&["validate", "epstein-run2"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("epstein-run2: valid\n"), "{out}");
    for want in [
        "paper+ratio=floor",
        "40 x 40 = 1,600 cells, torus",
        "1,120 (density 0.7); 1 agent = 1 person",
        "cops",
        "64 (vision 7)",
        "KiB per replicate",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    let o = run(&[
        "validate",
        "mesa-epstein",
        "--set",
        "world.people_per_agent=250",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("1 agent = 250 people, so about 280,000 people"));
}

#[test]
fn validate_refuses_every_bad_file_with_its_message_and_exit_2() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap();
        let content = std::fs::read_to_string(&path).unwrap();
        let expected = content
            .lines()
            .next()
            .unwrap()
            .trim_start_matches("# expect: ");
        let o = run_in(&dir, &["validate", name]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert_eq!(text(&o.stderr), format!("error: {expected}\n"), "{name}");
        assert!(o.stdout.is_empty(), "{name}");
        n += 1;
    }
    assert!(n >= 40);
}

#[test]
fn set_errors_are_one_line_with_exit_2() {
    let o = run(&[
        "validate",
        "epstein-run1",
        "--set",
        "communities.citizens.legitmacy=0.5",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        "error: --set communities.citizens.legitmacy=0.5: communities.citizens.legitmacy: unknown key `legitmacy`; did you mean `legitimacy`?\n"
    );
    let o = run(&[
        "run",
        "epstein-run1",
        "--set",
        "world.width=1000000",
        "--set",
        "world.height=1000000",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("TiB of memory"));
}

#[test]
fn show_prints_each_preset_file_exactly() {
    for p in impunity::presets::ALL {
        let o = run(&["show", p.name]);
        assert_eq!(o.status.code(), Some(0), "{}", p.name);
        assert_eq!(o.stdout, p.toml.as_bytes(), "{}", p.name);
    }
    let o = run(&["show", "epstein-rnu2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("did you mean `epstein-run2`?"));
}

#[test]
fn a_shown_preset_runs_to_the_same_bytes_as_the_preset() {
    let d = tmpdir("show-run");
    for preset in ["epstein-run2", "epstein-run7", "mesa-epstein"] {
        let o = run_in(&d, &["show", preset]);
        let file = format!("{preset}-copy.toml");
        std::fs::write(d.join(&file), &o.stdout).unwrap();
        // --force: the same directories serve every preset of the loop
        let args = [
            "--force",
            "--seed",
            "5",
            "--ticks",
            "30",
            "--replicates",
            "2",
            "--out",
        ];
        let a = run_in(
            &d,
            &[&["run", preset][..], &args[..], &["from-preset"]].concat(),
        );
        let b = run_in(
            &d,
            &[&["run", &file][..], &args[..], &["from-file"]].concat(),
        );
        assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
        assert_eq!(b.status.code(), Some(0), "{}", text(&b.stderr));
        let ts = |dir: &str| std::fs::read(d.join(dir).join("timeseries.csv")).unwrap();
        assert_eq!(ts("from-preset"), ts("from-file"), "{preset}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn an_existing_output_directory_is_refused_without_force() {
    let d = tmpdir("force");
    let args = [
        "run",
        "epstein-run1",
        "--ticks",
        "5",
        "--out",
        "o",
        "--no-charts",
    ];
    let first = run_in(&d, &args);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let before = std::fs::read(d.join("o/timeseries.csv")).unwrap();
    std::fs::write(d.join("o/notes.txt"), "mine").unwrap();

    // the same command again, with another seed: refused, nothing touched
    let again = run_in(&d, &[&args[..], &["--seed", "9"]].concat());
    assert_eq!(again.status.code(), Some(2));
    let err = text(&again.stderr);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(d.join("o/timeseries.csv")).unwrap(), before);

    // --force replaces impunity's outputs and keeps the user's file
    let forced = run_in(&d, &[&args[..], &["--seed", "9", "--force"]].concat());
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));
    assert_ne!(std::fs::read(d.join("o/timeseries.csv")).unwrap(), before);
    assert_eq!(
        std::fs::read_to_string(d.join("o/notes.txt")).unwrap(),
        "mine"
    );

    // an empty directory is fine
    std::fs::create_dir_all(d.join("empty")).unwrap();
    let o = run_in(
        &d,
        &[
            "run",
            "epstein-run1",
            "--ticks",
            "2",
            "--out",
            "empty",
            "--no-charts",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn run_from_a_manifest_reproduces_the_run() {
    let d = tmpdir("from");
    let o = run_in(
        &d,
        &[
            "run",
            "epstein-run2",
            "--seed",
            "4",
            "--ticks",
            "40",
            "--replicates",
            "3",
            "--set",
            "rules.ratio=round_half_even",
            "--out",
            "first",
            "--no-charts",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let again = run_in(
        &d,
        &[
            "run",
            "--from",
            "first/manifest.json",
            "--out",
            "again",
            "--threads",
            "1",
            "--no-charts",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    for f in [
        "timeseries.csv",
        "outcomes.csv",
        "summary.csv",
        "manifest.json",
    ] {
        assert_eq!(
            std::fs::read(d.join("first").join(f)).unwrap(),
            std::fs::read(d.join("again").join(f)).unwrap(),
            "{f} differs after run --from"
        );
    }
    // the directory itself names its manifest too
    let dir = run_in(
        &d,
        &["run", "--from", "first", "--out", "third", "--no-charts"],
    );
    assert_eq!(dir.status.code(), Some(0), "{}", text(&dir.stderr));

    // --from fixes the run: no scenario, --seed, --set, --ticks or --replicates beside it
    let clash = run_in(&d, &["run", "--from", "first", "--seed", "2", "--out", "x"]);
    assert_eq!(clash.status.code(), Some(2));
    let clash = run_in(
        &d,
        &["run", "epstein-run2", "--from", "first", "--out", "x"],
    );
    assert_eq!(clash.status.code(), Some(2));

    // not a manifest, or a sweep's: a clear error
    std::fs::write(d.join("bad.json"), "{}").unwrap();
    let bad = run_in(&d, &["run", "--from", "bad.json", "--out", "x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("not an impunity manifest"));
    let sweep = run_in(
        &d,
        &[
            "sweep",
            "epstein-run1",
            "--vary",
            "communities.citizens.legitimacy=0.7,0.8",
            "--ticks",
            "3",
            "--out",
            "sw",
        ],
    );
    assert_eq!(sweep.status.code(), Some(0), "{}", text(&sweep.stderr));
    let from_sweep = run_in(&d, &["run", "--from", "sw", "--out", "x"]);
    assert_eq!(from_sweep.status.code(), Some(2));
    assert!(text(&from_sweep.stderr).contains("impunity sweep epstein-run1"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_set_that_the_timeline_overrides_is_warned_about() {
    let o = run(&[
        "validate",
        "central-mali-2018",
        "--set",
        "policy.impunity=0.2",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: policy.impunity is changed again") && err.contains("2018-06-20"),
        "{err}"
    );
    // a key the timeline leaves alone: no warning
    let o = run(&[
        "validate",
        "central-mali-2018",
        "--set",
        "policy.conviction=0.5",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!text(&o.stderr).contains("warning"), "{}", text(&o.stderr));
}

#[test]
fn init_writes_a_starter_that_validates_and_runs() {
    let d = tmpdir("init");
    let o = run_in(&d, &["init", "mine"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("wrote mine.toml"));
    let starter = std::fs::read_to_string(d.join("mine.toml")).unwrap();
    assert!(starter.contains("name = \"mine\""));
    assert!(
        starter.lines().filter(|l| l.starts_with('#')).count() > 5,
        "commented"
    );
    let o = run_in(&d, &["validate", "mine.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = run_in(&d, &["run", "mine.toml", "--ticks", "5", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(d.join("out/timeseries.csv").is_file());
    // never overwritten unless asked
    std::fs::write(d.join("mine.toml"), "edited").unwrap();
    let o = run_in(&d, &["init", "mine"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("mine.toml exists"));
    assert_eq!(
        std::fs::read_to_string(d.join("mine.toml")).unwrap(),
        "edited"
    );
    let o = run_in(&d, &["init", "mine.toml", "--force"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(d.join("mine.toml")).unwrap(),
        starter
    );
    // a name that cannot name a scenario, a directory that does not exist
    let o = run_in(&d, &["init", "my model"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).starts_with("error: `my model` cannot name a scenario"));
    let o = run_in(&d, &["init", "nowhere/x"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&d);
}

#[cfg(target_os = "linux")]
#[test]
fn a_failure_to_write_is_exit_1() {
    let o = run(&["init", "/proc/impunity-cannot-write-here"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).starts_with("error: cannot write"));
}

#[test]
fn every_new_subcommand_has_a_manual_page_with_an_example() {
    for cmd in ["validate", "show", "init"] {
        let o = run(&[cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0));
        let help = text(&o.stdout);
        assert!(help.contains("Usage: impunity"), "{cmd}: {help}");
        assert!(help.contains("Example"), "{cmd}: {help}");
        assert!(
            help.lines().count() > 12,
            "{cmd}: too short a manual:\n{help}"
        );
    }
    let o = run(&["validate"]);
    assert_eq!(o.status.code(), Some(2), "a usage error");
}
