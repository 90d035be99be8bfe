//! The real binary, end to end.

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_impunity"))
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("impunity-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

#[test]
fn presets_lists_every_preset() {
    let o = run(&["presets"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for name in impunity::presets::names() {
        assert!(
            text.lines().any(|l| l.starts_with(name)),
            "{name} missing from `impunity presets`"
        );
    }
}

#[test]
fn run_writes_timeseries_and_manifest() {
    let d = tmpdir("run");
    let o = run(&[
        "run",
        "epstein-run1",
        "--seed",
        "3",
        "--ticks",
        "5",
        "--replicates",
        "2",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ts = std::fs::read_to_string(d.join("timeseries.csv")).unwrap();
    let lines: Vec<&str> = ts.lines().collect();
    assert_eq!(lines[0], "replicate,tick,quiescent,active,jailed,cops");
    assert_eq!(lines.len(), 1 + 2 * 6);
    assert!(lines[1].starts_with("0,0,"));
    assert!(lines[12].starts_with("1,5,"));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["scenario"], "epstein-run1");
    assert_eq!(m["rules"], "paper");
    assert_eq!(m["seed"], 3);
    assert_eq!(m["replicates"], 2);
    assert_eq!(m["ticks"], 5);
    assert_eq!(m["parameters"]["policing"]["max_jail_term"], 15.0);
    assert!(m["impunity_version"].is_string());
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.contains("peak active"), "no summary: {stdout}");
    // the same command again gives the same bytes
    let d2 = tmpdir("run2");
    let o = run(&[
        "run",
        "epstein-run1",
        "--seed",
        "3",
        "--ticks",
        "5",
        "--replicates",
        "2",
        "--out",
        d2.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(
        ts,
        std::fs::read_to_string(d2.join("timeseries.csv")).unwrap()
    );
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::remove_dir_all(&d2);
}

#[test]
fn model2_columns() {
    let d = tmpdir("m2");
    let o = run(&[
        "run",
        "epstein-run7",
        "--ticks",
        "3",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let ts = std::fs::read_to_string(d.join("timeseries.csv")).unwrap();
    assert_eq!(
        ts.lines().next().unwrap(),
        "replicate,tick,alive_blue,alive_green,new_killed,jailed"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn bad_input_is_a_one_line_error_with_exit_2() {
    for args in [
        vec!["run", "no-such-preset"],
        vec!["run", "epstein-run1", "--ticks", "ten"],
        vec!["run", "epstein-run1", "--replicates", "-3"],
        vec!["run", "epstein-run1", "--replicates", "0"],
        vec!["frobnicate"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(err.starts_with("error:"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let o = run(&["run", "epstein-rnu2"]);
    assert!(
        String::from_utf8(o.stderr)
            .unwrap()
            .contains("did you mean `epstein-run2`")
    );
}
