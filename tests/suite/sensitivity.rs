//! `impunity sensitivity` end to end: the file, determinism across thread counts, shards and
//! merge, a substantive check on Epstein's model, and bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("impunity-sens-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(args: &[&str], out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impunity"))
        .args(args)
        .args(["--out", out.to_str().unwrap(), "--quiet"])
        .args(extra)
        .output()
        .expect("binary runs")
}

fn ok(args: &[&str], out: &Path, extra: &[&str]) -> Output {
    let o = run(args, out, extra);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Morris over legitimacy (drives rebellion) and `policy.impunity` (not read by Epstein's
/// model): 6 trajectories, 2 replicates, 20 ticks (36 replicates in all).
const MORRIS: &[&str] = &[
    "sensitivity",
    "epstein-run1",
    "--method",
    "morris",
    "--samples",
    "6",
    "--vary",
    "communities.citizens.legitimacy=0.6:0.9",
    "--vary",
    "policy.impunity=0:1",
    "--outcomes",
    "peak_active,active_end",
    "--replicates",
    "2",
    "--ticks",
    "20",
    "--seed",
    "3",
];

/// (outcome, parameter, index) → (value, low, high) of a sensitivity.csv.
fn read(dir: &Path) -> (String, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let rows = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn find<'a>(rows: &'a [Vec<String>], outcome: &str, param: &str, index: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == outcome && r[1] == param && r[3] == index)
        .unwrap_or_else(|| panic!("no row {outcome},{param},{index}"))
}

#[test]
fn morris_on_epstein_finds_legitimacy_and_not_an_inert_key() {
    let one = tmpdir("morris-1");
    let two = tmpdir("morris-2");
    ok(MORRIS, &one, &["--threads", "1"]);
    ok(MORRIS, &two, &["--threads", "2"]);
    let bytes = |d: &Path| std::fs::read(d.join("sensitivity.csv")).unwrap();
    assert_eq!(
        bytes(&one),
        bytes(&two),
        "thread count changed sensitivity.csv"
    );
    let (header, rows) = read(&one);
    assert_eq!(header, "outcome,parameter,method,index,value,low,high");
    // 2 outcomes × (2 keys × 3 indices + 1 noise share)
    assert_eq!(rows.len(), 14);
    assert!(rows.iter().all(|r| r.len() == 7 && r[2] == "morris"));
    let num = |s: &str| s.parse::<f64>().unwrap();
    for outcome in ["peak_active", "active_end"] {
        let inert = find(&rows, outcome, "policy.impunity", "mu_star");
        assert_eq!(
            (num(&inert[4]), num(&inert[5]), num(&inert[6])),
            (0.0, 0.0, 0.0),
            "{outcome}: an inert key has effects"
        );
        let legit = find(&rows, outcome, "communities.citizens.legitimacy", "mu_star");
        assert!(
            num(&legit[5]) > 0.0 && num(&legit[4]) > 10.0,
            "{outcome}: legitimacy's mu* {legit:?}"
        );
        // Higher legitimacy, fewer active citizens: every effect is negative.
        let mu = find(&rows, outcome, "communities.citizens.legitimacy", "mu");
        assert!(num(&mu[4]) < 0.0, "{mu:?}");
        let noise = find(&rows, outcome, "", "noise_share");
        assert!(num(&noise[4]) >= 0.0 && noise[5].is_empty());
    }
    // 18 points: r (k + 1)
    let points = std::fs::read_to_string(one.join("points.csv")).unwrap();
    assert_eq!(points.lines().count(), 1 + 18);
    assert!(one.join("charts/sensitivity-peak_active.png").is_file());
    for d in [one, two] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn sobol_shards_merge_to_the_single_run() {
    let args: &[&str] = &[
        "sensitivity",
        "epstein-run1",
        "--method",
        "sobol",
        "--samples",
        "8",
        "--vary",
        "communities.citizens.legitimacy=0.6:0.9",
        "--vary",
        "activation.k=1.5:3",
        "--outcomes",
        "peak_active",
        "--ticks",
        "10",
        "--no-charts",
    ];
    let single = tmpdir("sobol-single");
    ok(args, &single, &[]);
    let (header, rows) = read(&single);
    assert_eq!(header, "outcome,parameter,method,index,value,low,high");
    // 2 keys × (S1, ST); one replicate: no noise share
    let idx: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[1].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        idx,
        [
            ("communities.citizens.legitimacy", "S1"),
            ("communities.citizens.legitimacy", "ST"),
            ("activation.k", "S1"),
            ("activation.k", "ST"),
        ]
    );
    for r in &rows {
        let (v, lo, hi) = (
            r[4].parse::<f64>().unwrap(),
            r[5].parse::<f64>().unwrap(),
            r[6].parse::<f64>().unwrap(),
        );
        assert!(v.is_finite() && lo <= hi, "{r:?}");
    }
    let shards: Vec<PathBuf> = (0..2)
        .map(|k| tmpdir(&format!("sobol-shard-{k}")))
        .collect();
    for (k, d) in shards.iter().enumerate() {
        ok(args, d, &["--shard", &format!("{k}/2")]);
        assert!(
            !d.join("sensitivity.csv").exists(),
            "a shard analysed its share"
        );
    }
    let merged = tmpdir("sobol-merged");
    let o = Command::new(env!("CARGO_BIN_EXE_impunity"))
        .args([
            "merge",
            shards[0].to_str().unwrap(),
            shards[1].to_str().unwrap(),
        ])
        .args(["--out", merged.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read(merged.join("sensitivity.csv")).unwrap(),
        std::fs::read(single.join("sensitivity.csv")).unwrap(),
        "merged shards differ from one process"
    );
    for d in shards.into_iter().chain([single, merged]) {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn bad_input_is_refused_with_exit_code_2() {
    let out = tmpdir("bad");
    let base = ["sensitivity", "epstein-run1", "--ticks", "5"];
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--method",
                "sobol",
                "--samples",
                "6",
                "--vary",
                "activation.k=1:2",
            ],
            "power of two",
        ),
        (
            &[
                "--method",
                "sobol",
                "--samples",
                "8",
                "--vary",
                "activation.kk=1:2",
            ],
            "activation.kk",
        ),
        (
            &[
                "--method",
                "morris",
                "--samples",
                "4",
                "--vary",
                "activation.k=2:1",
            ],
            "below the high",
        ),
        (&["--method", "morris", "--samples", "4"], "--vary"),
        (
            &[
                "--method",
                "fast",
                "--samples",
                "4",
                "--vary",
                "activation.k=1:2",
            ],
            "morris",
        ),
        (
            &[
                "--method",
                "morris",
                "--samples",
                "4",
                "--vary",
                "activation.k=1:2",
                "--outcomes",
                "nope",
            ],
            "nope",
        ),
        (
            &[
                "--method",
                "morris",
                "--samples",
                "4",
                "--levels",
                "3",
                "--vary",
                "activation.k=1:2",
            ],
            "even",
        ),
    ];
    for (extra, needle) in cases {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let o = run(&args, &out, &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(needle), "{extra:?}: {err}");
        assert!(!out.exists(), "{extra:?} wrote {}", out.display());
    }
}
