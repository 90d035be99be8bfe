//! `impunity compare --posterior FILE --draws K` (issue 15): each draw's parameters set on
//! the baseline and every variant, run on the same seeds; the effect over the draws in
//! posterior-effects.csv; the same bytes on any thread count, in shards, and after a resume;
//! a real calibration's posterior end to end; clear refusals.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn impunity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impunity"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("impunity-post-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const KEY: &str = "communities.citizens.legitimacy";

/// A posterior of two generations; the last has three particles of weights 0.2, 0.5, 0.3.
fn posterior(dir: &Path) -> PathBuf {
    let p = dir.join("posterior.csv");
    std::fs::write(
        &p,
        format!(
            "generation,particle,weight,distance,{KEY}\n\
             0,0,1,9,0.6\n\
             1,0,0.2,1,0.8\n1,1,0.5,1,0.85\n1,2,0.3,1,0.9\n"
        ),
    )
    .unwrap();
    p
}

/// 6 draws × 2 replicates of epstein-run1 over 40 ticks, with a variant of more cops.
fn compare(post: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "compare",
        "epstein-run1",
        "--variant",
        "cops:forces.cops.density=0.06",
        "--posterior",
        post.to_str().unwrap(),
        "--replicates",
        "2",
        "--ticks",
        "40",
        "--seed",
        "11",
        "--quiet",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ];
    if !extra.contains(&"--draws") {
        args.extend(["--draws", "6"]);
    }
    args.extend(extra);
    impunity(&args)
}

/// The rows of a CSV file after its header, split on commas.
fn rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn header(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect()
}

/// Every replicate runs its draw's parameters on its own seed: replicate 0 (draw 0) and 11
/// (draw 5) of the baseline and the variant are those of plain runs with the draw's value set;
/// the draws follow the weights; the effect's mean is the mean paired difference.
#[test]
fn each_draw_runs_the_baseline_and_the_variants_on_common_seeds() {
    let w = scratch("draws");
    let post = posterior(&w);
    let out = w.join("c");
    ok(compare(&post, &out, &[]));
    // systematic resampling of 6 draws: 0.2·6 = 1.2 → 1, 0.5·6 = 3, 0.3·6 = 1.8 → 2
    let draws: Vec<String> = rows(&out.join("draws.csv"))
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(draws, ["0.8", "0.85", "0.85", "0.85", "0.9", "0.9"]);
    let outcomes = rows(&out.join("outcomes.csv"));
    let names = header(&out.join("outcomes.csv"));
    assert_eq!(outcomes.len(), 2 * 12);
    for (variant, set_cops) in [
        ("baseline", None),
        ("cops", Some("forces.cops.density=0.06")),
    ] {
        for (rep, value) in [(0usize, "0.8"), (11, "0.9")] {
            let plain = w.join(format!("plain-{variant}-{rep}"));
            let set = format!("{KEY}={value}");
            let reps = (rep + 1).to_string();
            let mut args = vec![
                "run",
                "epstein-run1",
                "--set",
                &set,
                "--replicates",
                &reps,
                "--ticks",
                "40",
                "--seed",
                "11",
                "--quiet",
                "--no-charts",
                "--out",
                plain.to_str().unwrap(),
            ];
            if let Some(c) = set_cops {
                args.extend(["--set", c]);
            }
            ok(impunity(&args));
            let mine = &rows(&plain.join("outcomes.csv"))[rep];
            let theirs = outcomes
                .iter()
                .find(|r| r[1] == variant && r[2] == rep.to_string())
                .unwrap();
            assert_eq!(mine[1..], theirs[3..], "{variant}, replicate {rep}");
        }
    }
    // the mean effect on peak_active: the mean of variant − baseline over all 12 replicates
    let k = names.iter().position(|n| n == "peak_active").unwrap();
    let value = |v: &str, r: usize| -> f64 {
        outcomes
            .iter()
            .find(|row| row[1] == v && row[2] == r.to_string())
            .unwrap()[k]
            .parse()
            .unwrap()
    };
    let mean = (0..12)
        .map(|r| value("cops", r) - value("baseline", r))
        .sum::<f64>()
        / 12.0;
    let effects = rows(&out.join("posterior-effects.csv"));
    let row = effects
        .iter()
        .find(|r| r[0] == "cops" && r[1] == "peak_active")
        .unwrap();
    let num = |i: usize| row[i].parse::<f64>().unwrap();
    assert_eq!((row[2].as_str(), row[3].as_str()), ("6", "2"));
    assert!((num(4) - mean).abs() < 1e-9, "{row:?} against {mean}");
    assert!(num(5) <= num(4) && num(4) <= num(6), "{row:?}");
    assert!(num(7) <= num(8), "{row:?}");
    assert!(mean < 0.0, "more cops, a lower peak: {mean}");
    std::fs::remove_dir_all(&w).unwrap();
}

/// The same bytes on one or two threads, in two shards merged, and after a resume that finds
/// the run finished but its posterior effects missing.
#[test]
fn posterior_compare_bytes_do_not_depend_on_threads_shards_or_resume() {
    let w = scratch("bytes");
    let post = posterior(&w);
    let (one, two, merged) = (w.join("one"), w.join("two"), w.join("merged"));
    ok(compare(&post, &one, &["--threads", "1"]));
    ok(compare(&post, &two, &["--threads", "2"]));
    let (s0, s1) = (w.join("s0"), w.join("s1"));
    ok(compare(&post, &s0, &["--shard", "0/2"]));
    ok(compare(&post, &s1, &["--shard", "1/2"]));
    ok(impunity(&[
        "merge",
        s0.to_str().unwrap(),
        s1.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]));
    for f in [
        "draws.csv",
        "posterior-effects.csv",
        "outcomes.csv",
        "compare.csv",
        "summary.csv",
        "timeseries.csv",
    ] {
        let a = std::fs::read(one.join(f)).unwrap();
        assert_eq!(a, std::fs::read(two.join(f)).unwrap(), "{f}: threads");
        assert_eq!(a, std::fs::read(merged.join(f)).unwrap(), "{f}: shards");
    }
    let effects = std::fs::read(one.join("posterior-effects.csv")).unwrap();
    std::fs::remove_file(one.join("posterior-effects.csv")).unwrap();
    ok(compare(&post, &one, &["--resume"]));
    assert_eq!(
        effects,
        std::fs::read(one.join("posterior-effects.csv")).unwrap()
    );
    // another posterior is another run: a resume is refused
    std::fs::write(
        &post,
        format!("generation,particle,weight,distance,{KEY}\n0,0,1,1,0.7\n"),
    )
    .unwrap();
    let o = compare(&post, &one, &["--resume"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::remove_dir_all(&w).unwrap();
}

/// A real calibration (a few dozen particles) and a comparison over its posterior: every draw
/// is a particle of the calibration's last generation.
#[test]
fn a_calibrations_posterior_drives_a_comparison() {
    let w = scratch("chain");
    let config = w.join("calib.toml");
    std::fs::write(
        &config,
        format!(
            r#"[abc]
particles = 30
max_generations = 2
max_simulations = 2000
ticks = 30
seed = 4

[[parameter]]
key = "{KEY}"
prior = "uniform(0.6, 0.88)"

[[target]]
statistic = "peak_active"
observed = 120
scale = 25
"#
        ),
    )
    .unwrap();
    let cal = w.join("cal");
    ok(impunity(&[
        "calibrate",
        "epstein-run1",
        "--config",
        config.to_str().unwrap(),
        "--out",
        cal.to_str().unwrap(),
        "--quiet",
    ]));
    let post = cal.join("posterior.csv");
    let out = w.join("c");
    let o = ok(compare(&post, &out, &[]));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("Effects over 6 draws from the posterior"),
        "{stdout}"
    );
    let particles = rows(&post);
    let last = particles.iter().map(|r| r[0].clone()).max().unwrap();
    for d in rows(&out.join("draws.csv")) {
        assert!(
            particles.iter().any(|p| p[0] == last && p[4] == d[1]),
            "draw {d:?} is not a particle of generation {last}"
        );
    }
    std::fs::remove_dir_all(&w).unwrap();
}

/// Bad posteriors and flags are refused with exit code 2 and a message that says where.
#[test]
fn bad_posteriors_are_refused_with_where() {
    let w = scratch("bad");
    let out = w.join("c");
    let cases: [(&str, &str); 5] = [
        ("x,y\n1,2\n", "posterior.csv:1: the header must be"),
        (
            "generation,particle,weight,distance,communities.citizens.legitimacy\n1,0,0.5,1\n",
            "posterior.csv:2: 4 fields where the header has 5",
        ),
        (
            "generation,particle,weight,distance,communities.citizens.legitimacy\n1,0,abc,1,0.8\n",
            "posterior.csv:2: weight: `abc` is not a finite number",
        ),
        (
            "generation,particle,weight,distance,communities.citizens.legitimacy\n1,0,0,1,0.8\n",
            "do not sum to a positive number",
        ),
        (
            "generation,particle,weight,distance,no.such_key\n1,0,1,1,0.8\n",
            "`no.such_key` is not a key of the scenario",
        ),
    ];
    for (text, want) in cases {
        let p = w.join("posterior.csv");
        std::fs::write(&p, text).unwrap();
        let o = compare(&p, &out, &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert!(err.contains(want), "{text}: {err}");
        assert!(!out.exists(), "{text}: a refused run wrote something");
    }
    let p = posterior(&w);
    let o = compare(&p, &out, &["--draws", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--draws 0"));
    // a draw whose value the scenario refuses is named
    std::fs::write(
        &p,
        format!("generation,particle,weight,distance,{KEY}\n0,0,1,1,7\n"),
    )
    .unwrap();
    let o = compare(&p, &out, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--posterior: draw 0 on point 0"), "{err}");
    // a variant that sets a key the posterior draws would be overwritten by every draw
    let p = posterior(&w);
    let o = impunity(&[
        "compare",
        "epstein-run1",
        "--variant",
        &format!("trust:{KEY}=0.95"),
        "--posterior",
        p.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "--variant trust: sets `{KEY}`, which the posterior draws"
        )),
        "{err}"
    );
    assert!(!out.exists(), "a refused run wrote something");
    // --draws needs --posterior
    let o = impunity(&[
        "compare",
        "epstein-run1",
        "--variant",
        "a:forces.cops.density=0.06",
        "--draws",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&w).unwrap();
}
