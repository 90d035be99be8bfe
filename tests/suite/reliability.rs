//! Issue 13, "no way to lose a result": each defect the adversarial pass found, as the test
//! named after it (each failed on the code before the fix). Output directories: paths resolved
//! before any check, `.`/`..` names, root and home refused, `--force` limited to what a
//! manifest lists, merges checked before they touch anything, locks, checksums, resumes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_impunity"))
}

/// A fresh, empty scratch directory.
fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("impunity-rel-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.canonicalize().unwrap()
}

/// Runs the binary in `cwd`.
fn run_in(cwd: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("binary runs")
}

fn ok_in(cwd: &Path, args: &[&str]) -> Output {
    let o = run_in(cwd, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Exit 2 with `needle` in the message.
fn refused(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "expected `{needle}` in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Every file under `d` (recursively, hidden ones included), relative name -> bytes.
fn tree(d: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![d.to_path_buf()];
    while let Some(x) = stack.pop() {
        for e in std::fs::read_dir(&x).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(d).unwrap().to_string_lossy().into_owned();
                out.insert(name, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

const SMALL: [&str; 6] = [
    "--ticks",
    "5",
    "--replicates",
    "2",
    "--quiet",
    "--no-charts",
];

fn small_run<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["run", "epstein-run1"];
    v.extend(SMALL);
    v.extend(["--out", out]);
    v.extend(extra);
    v
}

/// Defect 1: `--out ghost/../victim` (ghost missing) passed the "not empty" check and
/// overwrote victim's files; so did `sweep` and `merge`.
#[test]
fn out_through_a_missing_folder_cannot_overwrite() {
    let w = tmpdir("ghost");
    std::fs::create_dir(w.join("victim")).unwrap();
    std::fs::write(w.join("victim/timeseries.csv"), "precious\n").unwrap();
    refused(&run_in(&w, &small_run("ghost/../victim", &[])), "not empty");
    let sweep = [
        "sweep",
        "epstein-run1",
        "--vary",
        "communities.citizens.legitimacy=0.8,0.9",
        "--ticks",
        "3",
        "--quiet",
        "--out",
        "ghost/../victim",
    ];
    refused(&run_in(&w, &sweep), "not empty");
    let shard = [
        "run",
        "epstein-run1",
        "--ticks",
        "3",
        "--replicates",
        "2",
        "--shard",
        "0/1",
        "--quiet",
        "--out",
        "s0",
    ];
    ok_in(&w, &shard);
    refused(
        &run_in(&w, &["merge", "s0", "--out", "ghost/../victim"]),
        "not empty",
    );
    // --force is refused too: no manifest there lists that timeseries.csv.
    refused(
        &run_in(&w, &small_run("ghost/../victim", &["--force"])),
        "no impunity manifest there lists",
    );
    assert_eq!(
        std::fs::read_to_string(w.join("victim/timeseries.csv")).unwrap(),
        "precious\n"
    );
    assert!(!w.join("ghost").exists(), "the missing folder was created");
    // A path through a missing folder into a new directory works, and lands where the
    // operating system would put it.
    ok_in(&w, &small_run("ghost/../fresh", &[]));
    assert!(w.join("fresh/timeseries.csv").is_file());
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 1: scenario names `.` and `..` were accepted, so that the default `out/NAME` could
/// be the working directory (`impunity init ..` wrote `...toml`; `--set name=..`).
#[test]
fn dot_names_are_refused() {
    let w = tmpdir("dots");
    refused(&run_in(&w, &["init", ".."]), "cannot name a scenario");
    assert!(!w.join("...toml").exists());
    for name in ["name=..", "name=."] {
        let mut args = vec!["run", "epstein-run1", "--set", name];
        args.extend(SMALL);
        refused(&run_in(&w, &args), "names no directory");
    }
    let text = impunity::presets::find("epstein-run1")
        .unwrap()
        .toml
        .replacen("name = \"epstein-run1\"", "name = \"..\"", 1);
    assert!(text.contains("name = \"..\""));
    std::fs::write(w.join("dots.toml"), text).unwrap();
    refused(
        &run_in(&w, &["run", "dots.toml", "--ticks", "2", "--quiet"]),
        "names no directory",
    );
    assert_eq!(std::fs::read_dir(&w).unwrap().count(), 1, "only dots.toml");
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 1: `--out / --force` wrote four files into `/`; the home directory is refused too.
#[test]
fn root_and_home_are_refused_as_outputs() {
    let w = tmpdir("root");
    refused(
        &run_in(&w, &small_run("/", &["--force"])),
        "root of the file system",
    );
    let home = w.join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(home.join("notes.txt"), "mine").unwrap();
    let o = bin()
        .current_dir(&w)
        .env("HOME", &home)
        .args(small_run("home/./", &["--force"]))
        .output()
        .unwrap();
    refused(&o, "home directory");
    assert_eq!(tree(&home).len(), 1);
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 1 (smaller): a dangling symbolic link as `--out` said "File exists (os error 17)".
#[cfg(unix)]
#[test]
fn dangling_symlink_out_is_named() {
    let w = tmpdir("dangling");
    std::os::unix::fs::symlink(w.join("nowhere"), w.join("link")).unwrap();
    refused(&run_in(&w, &small_run("link", &[])), "symbolic link");
    assert!(!w.join("nowhere").exists());
    std::fs::remove_dir_all(&w).unwrap();
}

/// `--force` replaces what the directory's own manifest lists and keeps everything else.
#[test]
fn force_removes_only_what_the_manifest_lists() {
    let w = tmpdir("force");
    ok_in(&w, &small_run("out", &[]));
    std::fs::write(w.join("out/notes.txt"), "mine").unwrap();
    let before = tree(&w.join("out"));
    refused(&run_in(&w, &small_run("out", &[])), "not empty");
    ok_in(&w, &small_run("out", &["--force", "--seed", "2"]));
    let after = tree(&w.join("out"));
    assert_eq!(after["notes.txt"], b"mine");
    assert_ne!(after["timeseries.csv"], before["timeseries.csv"]);
    // An edited manifest is not trusted with deciding what to delete.
    let mf = w.join("out/manifest.json");
    let text = std::fs::read_to_string(&mf).unwrap();
    std::fs::write(&mf, text.replace("\"seed\": 2", "\"seed\": 3")).unwrap();
    refused(&run_in(&w, &small_run("out", &["--force"])), "checksum");
    assert!(w.join("out/timeseries.csv").is_file());
    std::fs::remove_dir_all(&w).unwrap();
}

fn shard_args<'a>(k: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "run",
        "epstein-run2",
        "--seed",
        "4",
        "--ticks",
        "20",
        "--replicates",
        "5",
        "--shard",
        k,
        "--quiet",
        "--out",
        out,
    ]
}

/// Defect 2: `merge --force` deleted the finished outputs before it found shards missing.
#[test]
fn merge_force_checks_every_shard_before_touching_the_destination() {
    let w = tmpdir("mergeforce");
    for (k, d) in [("0/3", "s0"), ("1/3", "s1"), ("2/3", "s2")] {
        ok_in(&w, &shard_args(k, d));
    }
    ok_in(&w, &["merge", "s0", "s1", "s2", "--out", "x", "--keep"]);
    let merged = tree(&w.join("x"));
    let o = run_in(&w, &["merge", "s0", "s1", "--out", "x", "--force"]);
    refused(&o, "units missing");
    assert_eq!(tree(&w.join("x")), merged, "the destination was touched");
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 3: two `--resume` processes on one directory corrupted it and both exited 0. The
/// second is refused at once (exit 2) and the first finishes the same bytes as a lone run.
#[test]
fn a_second_process_on_one_directory_is_refused() {
    let w = tmpdir("lock");
    let args = |out: &'static str| {
        vec![
            "run",
            "epstein-run2",
            "--seed",
            "6",
            "--ticks",
            "400",
            "--replicates",
            "60",
            "--threads",
            "1",
            "--quiet",
            "--no-charts",
            "--out",
            out,
        ]
    };
    ok_in(&w, &args("alone"));
    let mut first = bin()
        .current_dir(&w)
        .args(args("shared"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = w.join("shared/.impunity.lock");
    let t0 = std::time::Instant::now();
    while !lock.exists() && t0.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let mut second = args("shared");
    second.push("--resume");
    let o = run_in(&w, &second);
    let still_running = first.try_wait().unwrap().is_none();
    assert!(
        still_running,
        "the first run ended too soon to test the lock"
    );
    refused(&o, "in use by another impunity process");
    assert!(first.wait().unwrap().success());
    let (a, b) = (tree(&w.join("alone")), tree(&w.join("shared")));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs");
    }
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 4: `--resume` on a non-empty directory that holds no run overwrote it (exit 0).
#[test]
fn resume_where_no_run_lives_is_refused() {
    let w = tmpdir("resume-none");
    std::fs::create_dir(w.join("d")).unwrap();
    std::fs::write(w.join("d/timeseries.csv"), "precious\n").unwrap();
    refused(
        &run_in(&w, &small_run("d", &["--resume"])),
        "holds no impunity run",
    );
    assert_eq!(tree(&w.join("d")).len(), 1);
    assert_eq!(
        std::fs::read_to_string(w.join("d/timeseries.csv")).unwrap(),
        "precious\n"
    );
    // An empty or missing directory simply starts the run.
    ok_in(&w, &small_run("e", &["--resume"]));
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 5: one flipped byte in a part file went through `merge` into timeseries.csv. Now
/// the merge names the part and writes nothing; a resume of the shard sets it aside and runs
/// the unit again; the merge then gives the bytes of a single run.
#[test]
fn a_damaged_part_is_named_and_rerun() {
    let w = tmpdir("damaged");
    ok_in(&w, &shard_args("0/2", "s0"));
    ok_in(&w, &shard_args("1/2", "s1"));
    let part = w.join("s0/.parts/p0-r2.part");
    let mut b = std::fs::read(&part).unwrap();
    let k = b.len() / 2;
    b[k] ^= 0x01;
    std::fs::write(&part, &b).unwrap();
    let o = run_in(&w, &["merge", "s0", "s1", "--out", "x"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("p0-r2.part: damaged part file"), "{err}");
    assert!(!w.join("x/timeseries.csv").exists());
    let mut resume = shard_args("0/2", "s0");
    resume.push("--resume");
    let o = ok_in(&w, &resume);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("point 0 replicate 2 is damaged"), "{err}");
    ok_in(&w, &["merge", "s0", "s1", "--out", "x"]);
    let mut single = shard_args("0/1", "single");
    single.truncate(single.len() - 5);
    single.extend(["--quiet", "--no-charts", "--out", "single"]);
    ok_in(&w, &single);
    let (a, b) = (tree(&w.join("single")), tree(&w.join("x")));
    for f in ["timeseries.csv", "summary.csv", "outcomes.csv"] {
        assert!(a[f] == b[f], "{f} differs");
    }
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 6: a run killed after manifest.json but before its charts: `--resume` said
/// "nothing to do", the charts stayed missing and the part files stayed behind.
#[test]
fn a_resume_after_the_manifest_finishes_charts_and_cleans_parts() {
    let w = tmpdir("late-kill");
    let args = [
        "run",
        "epstein-run1",
        "--ticks",
        "5",
        "--replicates",
        "3",
        "--quiet",
        "--out",
        "d",
    ];
    ok_in(&w, &args);
    let charts = tree(&w.join("d/charts"));
    assert!(!charts.is_empty());
    // The state such a kill leaves: outputs and manifest, part files whose plan.json was
    // already removed, no charts.
    std::fs::remove_dir_all(w.join("d/charts")).unwrap();
    std::fs::create_dir(w.join("d/.parts")).unwrap();
    std::fs::write(w.join("d/.parts/p0-r1.part"), "left behind").unwrap();
    let mut resume = args.to_vec();
    resume.push("--resume");
    let o = ok_in(&w, &resume);
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to do"));
    assert!(!w.join("d/.parts").exists(), "parts left behind");
    assert_eq!(tree(&w.join("d/charts")), charts);
    std::fs::remove_dir_all(&w).unwrap();
}

/// Smaller: `run` on a directory or on /dev/null said "unknown preset".
#[test]
fn run_on_a_directory_or_a_device_says_what_it_is() {
    let w = tmpdir("notfile");
    refused(
        &run_in(&w, &["run", "."]),
        "is a directory, not a scenario file",
    );
    #[cfg(unix)]
    refused(
        &run_in(&w, &["run", "/dev/null"]),
        "is not a regular file, not a scenario file",
    );
    std::fs::remove_dir_all(&w).unwrap();
}

/// Smaller: `--from` a manifest whose fingerprint was removed skipped the integrity check;
/// a tampered seed gave a misleading message.
#[test]
fn from_needs_an_intact_manifest() {
    let w = tmpdir("from");
    ok_in(&w, &small_run("d", &["--seed", "5"]));
    let mf = w.join("d/manifest.json");
    let text = std::fs::read_to_string(&mf).unwrap();
    let from = ["run", "--from", "m.json", "--quiet", "--out", "again"];
    std::fs::write(w.join("m.json"), text.replace("\"seed\": 5", "\"seed\": 6")).unwrap();
    refused(&run_in(&w, &from), "damaged or edited since it was written");
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("fingerprint");
    o.remove("checksum");
    std::fs::write(w.join("m.json"), serde_json::to_string_pretty(&v).unwrap()).unwrap();
    refused(&run_in(&w, &from), "has no fingerprint");
    assert!(!w.join("again").exists());
    std::fs::write(w.join("m.json"), &text).unwrap();
    ok_in(&w, &from);
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 7: a ramp from an infinite value (epstein-run3's unlimited jail term) to 30 made a
/// NaN that panicked in the model; a ramp to `inf` too. Validation refuses both.
#[test]
fn ramp_from_or_to_infinity_is_refused() {
    let w = tmpdir("ramp-inf");
    for (ramp, needle) in [
        (
            r#"timeline=[{from=1,to=10,ramp={"policing.max_jail_term"=inf}}]"#,
            "a ramp needs a finite target",
        ),
        (
            r#"timeline=[{at=2,set={"policing.max_jail_term"=inf}},{from=3,to=10,ramp={"policing.max_jail_term"=30}}]"#,
            "a ramp needs a finite start",
        ),
    ] {
        let args = [
            "run",
            "epstein-run3",
            "--ticks",
            "20",
            "--quiet",
            "--set",
            "policing.max_jail_term=20",
            "--set",
            ramp,
            "--out",
            "d",
        ];
        let o = run_in(&w, &args);
        refused(&o, needle);
    }
    // The first case as the issue gave it, the jail term left unlimited.
    let o = run_in(
        &w,
        &[
            "run",
            "epstein-run3",
            "--ticks",
            "20",
            "--quiet",
            "--set",
            r#"timeline=[{from=1,to=10,ramp={"policing.max_jail_term"=30}}]"#,
        ],
    );
    refused(&o, "a ramp needs a finite start");
    // Found by the valid-scenario fuzz test: under NetLogo's rules J_max must be whole, and a
    // ramp between two whole values passed through fractions and panicked mid-run.
    let o = run_in(
        &w,
        &[
            "run",
            "netlogo-rebellion",
            "--ticks",
            "20",
            "--quiet",
            "--set",
            r#"timeline=[{from=4,to=26,ramp={"policing.max_jail_term"=100}}]"#,
        ],
    );
    refused(
        &o,
        "cannot ramp: on the way from 30 to 100 it would be 30.5",
    );
    // Also found by it: a vision the timeline widens mid-run fell outside the lattice's halo
    // (a segmentation fault); the halo now covers every vision of the run.
    for (change, out) in [
        (
            r#"timeline=[{from=5,to=17,ramp={"population.vision"=9.3}}]"#,
            "v1",
        ),
        (r#"timeline=[{at=5,set={"population.vision"=9.3}}]"#, "v2"),
    ] {
        let o = run_in(
            &w,
            &[
                "run",
                "epstein-run3",
                "--ticks",
                "20",
                "--quiet",
                "--no-charts",
                "--set",
                change,
                "--out",
                out,
            ],
        );
        assert!(o.status.success(), "{change}: {:?}", o.status);
    }
    assert!(!w.join("d").exists());
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 8: `policy.sentence_severity=0` under NetLogo's rules (jail terms drawn below
/// J_max × severity) panicked on an empty range whenever that product was below 1.
#[test]
fn zero_sentence_severity_runs() {
    let w = tmpdir("severity");
    for severity in ["0", "0.01"] {
        let set = format!("policy.sentence_severity={severity}");
        let o = ok_in(
            &w,
            &[
                "run",
                "netlogo-rebellion",
                "--ticks",
                "30",
                "--quiet",
                "--no-charts",
                "--set",
                &set,
                "--out",
                &format!("d{severity}"),
            ],
        );
        assert!(o.status.success());
    }
    std::fs::remove_dir_all(&w).unwrap();
}

/// Waits for `child` at most `secs` seconds; kills it and fails if it takes longer.
fn wait_at_most(mut child: std::process::Child, secs: u64, what: &str) -> Output {
    let t0 = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t0.elapsed().as_secs() >= secs {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{what}: still running after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Runs the binary in `cwd`, failing if it takes more than 60 s (a limit checked before
/// allocation answers at once; one checked after would allocate, abort or spin).
fn quick(cwd: &Path, args: &[&str]) -> Output {
    let child = bin()
        .current_dir(cwd)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_at_most(child, 60, &format!("{args:?}"))
}

/// Defect 9: `--ticks 4294967295` allocated 103 GB and aborted (the file's limit, 10,000,000,
/// did not apply to the flag); `--replicates` near u64::MAX aborted, and a count whose
/// bookkeeping alone exceeded the machine's memory started anyway (now: whose outputs exceed
/// the free disk); `--threads 100000` spent
/// 35 s creating threads. Each is refused before anything is allocated, with the estimate.
#[test]
fn ticks_replicates_and_threads_are_limited_before_allocation() {
    let w = tmpdir("limits");
    let base = [
        "run",
        "epstein-run1",
        "--quiet",
        "--no-charts",
        "--out",
        "d",
    ];
    let with = |extra: &[&'static str]| {
        let mut v = base.to_vec();
        v.extend(extra);
        v
    };
    refused(
        &quick(&w, &with(&["--ticks", "4294967295"])),
        "--ticks 4294967295: 4294967295 ticks is more than the 10000000 a run may have (each \
         replicate would hold about",
    );
    refused(
        &quick(&w, &with(&["--replicates", "18446744073709551615"])),
        "--replicates 18446744073709551615: 1 points × 18446744073709551615 replicates is more \
         than the 1000000000000 units",
    );
    // 10^11 replicates: within the unit limit. Their bookkeeping no longer grows with the
    // count (issue 13: statistics from disk), but their outputs need tens of TB of disk, and no
    // disk here has that: refused at once, with the lower bound (not started, to fill the disk).
    let o = quick(&w, &with(&["--replicates", "100000000000", "--ticks", "5"]));
    refused(&o, "this run writes at least");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("TiB") && err.contains("free there") && err.contains("--allow-large"),
        "{err}"
    );
    refused(
        &quick(&w, &with(&["--threads", "100000"])),
        "--threads 100000: at most 1024",
    );
    assert!(!w.join("d").exists(), "a refused run wrote something");
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 9: a 65,535 × 32,768 world validated, then aborted when the run allocated it. The
/// run is refused with the memory it would need (unless `--allow-large`).
#[test]
fn a_world_larger_than_memory_is_refused() {
    let w = tmpdir("world");
    let o = quick(
        &w,
        &[
            "run",
            "epstein-run1",
            "--set",
            "world.width=65535",
            "--set",
            "world.height=32768",
            "--ticks",
            "1",
            "--quiet",
            "--out",
            "d",
        ],
    );
    refused(&o, "more than this machine's");
    assert!(!w.join("d").exists());
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 9: `sweep --vary K=0:1:18446744073709551615` and `--design lhs --samples
/// 18446744073709551615` panicked with "capacity overflow"; a million points wrote a 635 MB
/// plan. More than 100,000 points are refused before any is made.
#[test]
fn sweep_points_are_limited_before_allocation() {
    let w = tmpdir("points");
    let sweep = |vary: &'static str, extra: &[&'static str]| {
        let mut v = vec![
            "sweep",
            "epstein-run1",
            "--vary",
            vary,
            "--ticks",
            "2",
            "--quiet",
            "--out",
            "d",
        ];
        v.extend(extra);
        quick(&w, &v)
    };
    let o = sweep(
        "communities.citizens.legitimacy=0:1:18446744073709551615",
        &[],
    );
    refused(&o, "more than the limit of 100000");
    let o = sweep(
        "communities.citizens.legitimacy=0:1",
        &["--design", "lhs", "--samples", "18446744073709551615"],
    );
    refused(&o, "more than the limit of 100000");
    let o = sweep("communities.citizens.legitimacy=0:1:1000000", &[]);
    refused(&o, "--allow-large lifts the limit");
    assert!(!w.join("d").exists());
    std::fs::remove_dir_all(&w).unwrap();
}

/// Defect 9: `--chart-width 40000 --chart-height 40000` aborted, 100000 panicked in plotters
/// (after the CSVs were written); `impunity chart` on a timeseries.csv with tick 4294967295
/// aborted, with u64::MAX panicked. Defect 10: a compare.csv with `ci_low=-1e308,
/// ci_high=1e308` made `impunity chart` spin forever.
#[test]
fn charts_survive_extreme_sizes_ticks_and_values() {
    let w = tmpdir("charts");
    for size in ["40000", "100000", "0"] {
        let o = quick(
            &w,
            &[
                "run",
                "epstein-run1",
                "--ticks",
                "2",
                "--quiet",
                "--chart-width",
                size,
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{size}");
    }
    assert!(!w.join("out").exists());
    std::fs::create_dir(w.join("t")).unwrap();
    for tick in ["4294967295", "18446744073709551615"] {
        let csv = format!("replicate,tick,active\n0,0,1\n0,{tick},2\n");
        std::fs::write(w.join("t/timeseries.csv"), csv).unwrap();
        let o = quick(&w, &["chart", "t"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("bad tick"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    ok_in(
        &w,
        &[
            "compare",
            "epstein-run3",
            "--variant",
            "low:communities.citizens.legitimacy=0.7",
            "--ticks",
            "10",
            "--replicates",
            "3",
            "--quiet",
            "--out",
            "c",
        ],
    );
    let path = w.join("c/compare.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let head: Vec<&str> = lines[0].split(',').collect();
    let (lo, hi) = (
        head.iter().position(|h| *h == "ci_low").unwrap(),
        head.iter().position(|h| *h == "ci_high").unwrap(),
    );
    for l in lines.iter_mut().skip(1) {
        let mut f: Vec<String> = l.split(',').map(String::from).collect();
        f[lo] = "-1e308".into();
        f[hi] = "1e308".into();
        *l = f.join(",");
    }
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let o = quick(&w, &["chart", "c"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // the narrowest pictures allowed: the forest plot's column of numbers is at most half of
    // one (it asked for 300 px at least, and panicked under 600)
    for width in ["100", "400"] {
        let o = quick(&w, &["chart", "c", "--chart-width", width]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{width}: {err}");
    }
    std::fs::remove_dir_all(&w).unwrap();
}
