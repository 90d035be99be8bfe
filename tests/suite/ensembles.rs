//! Ensembles end to end with the real binary: thread-count independence, kill and resume,
//! shards and merge, sweeps, comparisons, and the bad inputs that must write nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_impunity"))
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("impunity-ens-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

fn ok(args: &[&str]) -> Output {
    let o = run(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Every file of a directory (hidden ones included), name -> bytes.
fn files(d: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn same_dirs(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "different files in {} and {}",
        a.display(),
        b.display()
    );
    for (k, v) in &fa {
        assert!(
            v == &fb[k],
            "{k} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn with_out<'a>(args: &[&'a str], out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v: Vec<&str> = args.to_vec();
    v.extend(["--out", out.to_str().unwrap(), "--quiet"]);
    v.extend(extra);
    v
}

/// Issue 5: the same bytes in every file whatever the thread count.
#[test]
fn every_file_identical_for_1_2_and_4_threads() {
    let cases: [&[&str]; 3] = [
        &[
            "run",
            "epstein-run2",
            "--seed",
            "5",
            "--ticks",
            "60",
            "--replicates",
            "12",
        ],
        &[
            "run",
            "central-mali-2018",
            "--set",
            "world.people_per_agent=200",
            "--ticks",
            "15",
            "--replicates",
            "4",
        ],
        &[
            "sweep",
            "epstein-run1",
            "--vary",
            "communities.citizens.legitimacy=0.8:0.9:3",
            "--ticks",
            "20",
            "--replicates",
            "3",
        ],
    ];
    for (k, args) in cases.iter().enumerate() {
        let dirs: Vec<PathBuf> = [1, 2, 4]
            .iter()
            .map(|t| tmpdir(&format!("thr{k}-{t}")))
            .collect();
        for (d, t) in dirs.iter().zip(["1", "2", "4"]) {
            ok(&with_out(args, d, &["--threads", t]));
        }
        assert!(files(&dirs[0]).contains_key("summary.csv"));
        assert!(!dirs[0].join(".parts").exists(), "parts left behind");
        same_dirs(&dirs[0], &dirs[1]);
        same_dirs(&dirs[0], &dirs[2]);
        for d in dirs {
            std::fs::remove_dir_all(d).unwrap();
        }
    }
}

/// Issue 5: SIGKILL mid-run, then --resume: the same bytes as a run never interrupted.
#[test]
fn killed_run_resumes_to_identical_outputs() {
    let args = [
        "run",
        "epstein-run2",
        "--seed",
        "11",
        "--ticks",
        "150",
        "--replicates",
        "300",
    ];
    let full = tmpdir("kill-full");
    ok(&with_out(&args, &full, &["--threads", "2"]));
    let cut = tmpdir("kill-cut");
    let mut child = bin()
        .args(with_out(&args, &cut, &["--threads", "1"]))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let parts = cut.join(".parts");
    let count = || {
        std::fs::read_dir(&parts)
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".part"))
                })
                .count()
            })
            .unwrap_or(0)
    };
    let t0 = std::time::Instant::now();
    while count() < 20 && t0.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let n = count();
    assert!(
        (20..300).contains(&n),
        "killed after {n} parts: not mid-run"
    );
    assert!(!cut.join("timeseries.csv").exists());
    let o = ok(&with_out(&args, &cut, &["--threads", "2", "--resume"]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("resuming"), "{err}");
    same_dirs(&full, &cut);
    // Resuming a finished run does nothing and changes nothing.
    let o = ok(&with_out(&args, &cut, &["--resume"]));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to do"));
    same_dirs(&full, &cut);
    // A different run is refused, exit 2, and the directory is left alone.
    let other = [
        "run",
        "epstein-run2",
        "--seed",
        "12",
        "--ticks",
        "150",
        "--replicates",
        "300",
    ];
    let o = run(&with_out(&other, &cut, &["--resume"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("different run"));
    same_dirs(&full, &cut);
    std::fs::remove_dir_all(full).unwrap();
    std::fs::remove_dir_all(cut).unwrap();
}

/// Issue 5: shards run as separate processes, merged, equal a single-machine run.
#[test]
fn shards_merge_to_the_single_run() {
    for args in [
        &[
            "run",
            "epstein-run1",
            "--seed",
            "4",
            "--ticks",
            "30",
            "--replicates",
            "7",
        ][..],
        &[
            "compare",
            "epstein-run1",
            "--variant",
            "lowL:communities.citizens.legitimacy=0.8",
            "--ticks",
            "30",
            "--replicates",
            "5",
        ][..],
    ] {
        let single = tmpdir("shard-single");
        ok(&with_out(args, &single, &[]));
        let shards: Vec<PathBuf> = (0..3).map(|k| tmpdir(&format!("shard-{k}"))).collect();
        // Three processes at once, as on three machines.
        let children: Vec<_> = shards
            .iter()
            .enumerate()
            .map(|(k, d)| {
                let spec = format!("{k}/3");
                bin()
                    .args(with_out(args, d, &["--shard", &spec, "--threads", "1"]))
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        // A missing shard is named.
        let merged = tmpdir("shard-merged");
        let o = run(&[
            "merge",
            shards[0].to_str().unwrap(),
            shards[2].to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("units missing") && err.contains("replicate 1"),
            "{err}"
        );
        assert!(
            !merged.exists(),
            "a failed merge wrote {}",
            merged.display()
        );
        // The same shard twice is refused.
        let o = run(&[
            "merge",
            shards[0].to_str().unwrap(),
            shards[0].to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("in both"));
        let mut m = vec!["merge"];
        m.extend(shards.iter().rev().map(|d| d.to_str().unwrap()));
        m.extend(["--out", merged.to_str().unwrap()]);
        ok(&m);
        same_dirs(&single, &merged);
        for d in shards.iter().chain([&single, &merged]) {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

#[test]
fn merging_shards_of_different_seeds_is_refused() {
    let a = tmpdir("mix-a");
    let b = tmpdir("mix-b");
    let base = ["run", "epstein-run1", "--ticks", "5", "--replicates", "4"];
    ok(&with_out(&base, &a, &["--shard", "0/2", "--seed", "1"]));
    ok(&with_out(&base, &b, &["--shard", "1/2", "--seed", "2"]));
    let out = tmpdir("mix-out");
    let o = run(&[
        "merge",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("different run") && err.contains("seed 2 vs 1"),
        "{err}"
    );
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(a);
    let _ = std::fs::remove_dir_all(b);
}

/// Bad input: exit code 2, a clear message, and no output directory.
#[test]
fn bad_ensemble_input_writes_nothing() {
    let out = tmpdir("bad");
    let o = out.to_str().unwrap();
    let cases: [(&[&str], &str); 7] = [
        (
            &[
                "sweep",
                "epstein-run1",
                "--vary",
                "communities.citizens.legitmacy=0,1",
            ],
            "did you mean `legitimacy`?",
        ),
        (
            &[
                "sweep",
                "epstein-run1",
                "--vary",
                "communities.citizens.legitimacy=0:1:0",
            ],
            "count of at least 1",
        ),
        (
            &["run", "epstein-run1", "--shard", "3/3"],
            "K must be below N",
        ),
        (
            &[
                "sweep",
                "epstein-run1",
                "--vary",
                "communities.citizens.legitimacy=0,1",
                "--design",
                "lhs",
                "--samples",
                "4",
            ],
            "needs a range",
        ),
        (
            &[
                "sweep",
                "epstein-run1",
                "--vary",
                "communities.citizens.legitimacy=0,2",
            ],
            "outside [0, 1]",
        ),
        (
            &[
                "compare",
                "epstein-run1",
                "--variant",
                "x:communities.citizens.legitmacy=0.5",
            ],
            "did you mean `legitimacy`?",
        ),
        (&["run", "epstein-run1", "--replicates", "0"], "at least 1"),
    ];
    for (args, msg) in cases {
        let mut a = args.to_vec();
        a.extend(["--out", o]);
        let r = run(&a);
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(msg), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

#[test]
fn sweep_and_compare_formats() {
    let d = tmpdir("formats");
    ok(&with_out(
        &[
            "sweep",
            "central-mali-2018",
            "--set",
            "world.people_per_agent=400",
            "--vary",
            "policy.impunity=0,1",
            "--vary",
            "policy.amnesty.scope=0:1:2",
            "--ticks",
            "4",
            "--replicates",
            "2",
        ],
        &d,
        &[],
    ));
    let read = |f: &str| std::fs::read_to_string(d.join(f)).unwrap();
    assert_eq!(
        read("points.csv"),
        "point,policy.impunity,policy.amnesty.scope\n0,0,0\n1,0,1\n2,1,0\n3,1,1\n"
    );
    let summary = read("summary.csv");
    let first = summary.lines().next().unwrap();
    assert_eq!(
        first,
        "point,policy.impunity,policy.amnesty.scope,tick,date,metric,n,mean,sd,p5,p25,p50,p75,p95"
    );
    assert!(
        summary
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("0,0,0,0,2018-01-01,")
    );
    let outcomes = read("outcomes.csv");
    let head = outcomes.lines().next().unwrap();
    assert!(head.starts_with(
        "point,policy.impunity,policy.amnesty.scope,replicate,killed_civilians_total,"
    ));
    for col in [
        "killed_civilians_state_total",
        "battle_deaths_total",
        "cases_amnestied_end",
        "legitimacy_peul_end",
    ] {
        assert!(head.split(',').any(|c| c == col), "{col} missing: {head}");
    }
    assert_eq!(outcomes.lines().count(), 1 + 4 * 2);
    assert!(read("events.csv").starts_with("point,event_id,replicate,"));
    let _ = std::fs::remove_dir_all(&d);

    let o = ok(&with_out(
        &[
            "compare",
            "epstein-run1",
            "--variant",
            "lowL:communities.citizens.legitimacy=0.8",
            "--variant",
            "highL:communities.citizens.legitimacy=0.95",
            "--ticks",
            "20",
            "--replicates",
            "6",
        ],
        &d,
        &[],
    ));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("lowL vs baseline"), "{text}");
    let cmp = read("compare.csv");
    let mut lines = cmp.lines();
    assert_eq!(
        lines.next().unwrap(),
        "variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower"
    );
    assert!(lines.next().unwrap().starts_with("lowL,peak_active,6,"));
    assert!(cmp.lines().any(|l| l.starts_with("highL,active_end,6,")));
    assert!(read("outcomes.csv").starts_with("point,variant,replicate,"));
    assert_eq!(
        read("points.csv"),
        "point,variant\n0,baseline\n1,lowL\n2,highL\n"
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// The library's driver in memory writes, through `Results::write`, the very bytes the binary
/// writes for the same comparison (the manifest recording the same command line), and its
/// paired comparison as values matches `compare.csv`.
#[test]
fn a_comparison_in_memory_writes_what_the_binary_writes() {
    use impunity::ensemble::{Ensemble, Plan, Point, no_progress};
    let cli = tmpdir("lib-cli");
    let lib = tmpdir("lib-mem");
    let args = [
        "compare",
        "epstein-run1",
        "--variant",
        "low:communities.citizens.legitimacy=0.7",
        "--ticks",
        "12",
        "--replicates",
        "3",
        "--seed",
        "4",
    ];
    ok(&with_out(&args, &cli, &[]));
    let base = impunity::presets::get("epstein-run1").unwrap();
    let low =
        crate::common::preset_with("epstein-run1", [("communities.citizens.legitimacy", 0.7)]);
    let points = vec![
        Point {
            tags: vec!["baseline".into()],
            scenario: base.clone(),
        },
        Point {
            tags: vec!["low".into()],
            scenario: low,
        },
    ];
    let design = "compare --variant low:communities.citizens.legitimacy=0.7".to_string();
    let plan = Plan::new(base, vec!["variant".into()], points, 4, 3, 12, design).unwrap();
    let results = Ensemble::new(plan).run(&no_progress).unwrap();
    let mut command_line = vec!["impunity".to_string()];
    command_line.extend(args.iter().map(|a| a.to_string()));
    results.write(&lib, command_line).unwrap();
    let _ = std::fs::remove_dir_all(cli.join("charts"));
    same_dirs(&cli, &lib);
    let rows = results.comparison();
    let text = std::fs::read_to_string(cli.join("compare.csv")).unwrap();
    assert_eq!(text.lines().count(), 1 + rows.len());
    let peak = &rows[results.outcome("peak_active").unwrap()];
    let line = text.lines().nth(1).unwrap();
    assert!(
        line.starts_with(&format!(
            "low,peak_active,3,{},{},",
            impunity::output::fmt_value(peak.paired.baseline_mean),
            impunity::output::fmt_value(peak.paired.variant_mean)
        )),
        "{line}"
    );
    let _ = std::fs::remove_dir_all(&cli);
    let _ = std::fs::remove_dir_all(&lib);
}
