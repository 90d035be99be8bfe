//! Outputs that say what they mean (issue 12): a conflict scenario's files in people, named by
//! what each number is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("impunity-outputs-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn impunity(args: &[&str]) -> std::process::Output {
    let o = Command::new(env!("CARGO_BIN_EXE_impunity"))
        .args(args)
        .output()
        .expect("binary runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// A CSV file as rows of (column → field).
fn rows(p: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(p).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

#[test]
fn conflict_outcomes_timeseries_events_and_cases_agree_in_people() {
    // issue 12: outcomes, events' fatalities and cases' victims were in agents while the
    // printed summary and the charts were in people (a "-2.375 civilians_killed" was -119
    // people). With 50 people per agent, every file holds people, and the totals agree.
    let d = tmpdir("people");
    let out = d.to_str().unwrap();
    impunity(&[
        "run",
        "central-mali-2018",
        "--ticks",
        "150",
        "--replicates",
        "2",
        "--set",
        "world.people_per_agent=50",
        "--no-charts",
        "--quiet",
        "--out",
        out,
    ]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["people_per_agent"], 50.0);
    assert_eq!(manifest["count_unit"], "people");
    let outcomes = rows(&d.join("outcomes.csv"));
    let events = rows(&d.join("events.csv"));
    let cases = rows(&d.join("cases.csv"));
    let series = rows(&d.join("timeseries.csv"));
    let forces: Vec<String> = impunity::presets::get("central-mali-2018")
        .unwrap()
        .forces
        .keys()
        .cloned()
        .collect();
    let mut killed_any = 0.0;
    for o in &outcomes {
        let r = &o["replicate"];
        let of_rep = |e: &&BTreeMap<String, String>| &e["replicate"] == r;
        let fatalities = |types: &[&str]| -> f64 {
            events
                .iter()
                .filter(of_rep)
                .filter(|e| types.contains(&e["event_type"].as_str()))
                .map(|e| num(&e["fatalities"]))
                .sum()
        };
        let killed = num(&o["killed_civilians_total"]);
        killed_any += killed;
        assert_eq!(
            killed,
            fatalities(&["violence against civilians", "abuses"]),
            "replicate {r}: civilians killed (people) against events.csv's fatalities"
        );
        assert_eq!(
            num(&o["abuses_total"]),
            fatalities(&["abuses"]),
            "replicate {r}: abuses"
        );
        // every civilian the state's forces kill is an abuse with a case (the militias' cases,
        // opened under `policy.militia_impunity`, are cases of their killings); abuses are the
        // state's and the pro-government groups' killings
        assert_eq!(
            num(&o["abuses_total"]),
            num(&o["killed_civilians_state_total"]) + num(&o["killed_civilians_progov_total"]),
            "replicate {r}: abuses are the state side's killings"
        );
        let victims: f64 = cases
            .iter()
            .filter(of_rep)
            .filter(|c| forces.contains(&c["perpetrator"]))
            .map(|c| num(&c["victims"]))
            .sum();
        assert_eq!(
            num(&o["killed_civilians_state_total"]),
            victims,
            "replicate {r}: the forces' cases' victims"
        );
        // the time series' per-tick counts add up to the outcome
        let per_tick: f64 = series
            .iter()
            .filter(of_rep)
            .map(|t| {
                t.iter()
                    .filter(|(k, _)| k.starts_with("new_killed_civilians_"))
                    .map(|(_, v)| num(v))
                    .sum::<f64>()
            })
            .sum();
        assert_eq!(
            killed, per_tick,
            "replicate {r}: time series against outcome"
        );
    }
    assert!(
        killed_any > 0.0,
        "the run should kill someone to test anything"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn epstein_outputs_stay_in_agents_and_say_so() {
    let d = tmpdir("agents");
    impunity(&[
        "run",
        "epstein-run1",
        "--ticks",
        "3",
        "--no-charts",
        "--quiet",
        "--out",
        d.to_str().unwrap(),
    ]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["count_unit"], "agents");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn outcomes_are_named_by_what_they_are() {
    // issue 12: `final_killed_civilians_state` (a per-tick count's last value, 0) sat next to
    // `civilians_killed_by_state` (7), and Epstein's outburst outcomes were printed for the
    // conflict model, where `ticks_above_50` was the whole run
    let mali = impunity::presets::get("central-mali-2018").unwrap();
    let names = impunity::ensemble::outcomes::names(&mali).unwrap();
    assert_eq!(
        names[0], "killed_civilians_total",
        "the conflict model's headline first"
    );
    for epstein in ["peak_active", "peak_tick", "outbursts", "ticks_above_50"] {
        assert!(
            !names.iter().any(|n| n == epstein),
            "{epstein} in {names:?}"
        );
    }
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("final_") || n.starts_with("new_")),
        "no last tick of a per-tick count, no per-tick name: {names:?}"
    );
    // the names say what they are: totals of per-tick counts, levels at the start or end
    for n in &names {
        assert!(
            n.ends_with("_total") || n.ends_with("_start") || n.ends_with("_end"),
            "{n} says neither total nor level"
        );
    }
    assert!(names.iter().any(|n| n == "abuses_total"));
    assert!(names.iter().any(|n| n == "active_end"));
    let run1 = impunity::presets::get("epstein-run1").unwrap();
    assert_eq!(
        impunity::ensemble::outcomes::names(&run1).unwrap(),
        [
            "peak_active",
            "peak_tick",
            "outbursts",
            "ticks_above_50",
            "quiescent_end",
            "active_end",
            "jailed_end",
            "cops_end"
        ]
    );
    // a per-tick count is summed over the run, not read at its end
    let mut s = impunity::presets::get("epstein-run2").unwrap();
    s.outputs.metrics = vec!["active".into(), "new_arrests".into()];
    let names = impunity::ensemble::outcomes::names(&s).unwrap();
    assert_eq!(&names[4..], ["active_end", "arrests_total"]);
    let out = impunity::run::run_replicate(&s, 1, 0, 100);
    let v = impunity::ensemble::outcomes::values(&s, &out);
    assert_eq!(v.len(), names.len());
    let arrests: f64 = out.rows.iter().map(|r| r[1]).sum();
    assert!(arrests > 0.0);
    assert_eq!(v[5], arrests);
}

#[test]
fn a_variant_identical_to_its_baseline_is_warned_about() {
    let d = tmpdir("same");
    let o = impunity(&[
        "compare",
        "epstein-run1",
        "--set",
        "communities.citizens.legitimacy=0.82",
        "--variant",
        "same:communities.citizens.legitimacy=0.82",
        "--variant",
        "other:communities.citizens.legitimacy=0.9",
        "--ticks",
        "2",
        "--replicates",
        "1",
        "--quiet",
        "--out",
        d.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--variant same: identical to the baseline"),
        "{err}"
    );
    assert!(!err.contains("--variant other"), "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn validate_lists_armed_groups_and_missions() {
    // issue 12: validate listed the forces but not the armed groups or the missions
    let o = impunity(&["validate", "central-mali-2018"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("armed groups")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("jnim") && l.contains("people at the start")),
        "{text}"
    );
}

/// The long form (`--tidy`, `impunity tidy`): one value per row, each the very bytes of the
/// wide files, with its metric, entity and unit, and the sweep's keys in formula-safe columns.
#[test]
fn the_tidy_form_holds_every_value_of_the_wide_files() {
    let d = tmpdir("tidy");
    let out = d.to_str().unwrap();
    impunity(&[
        "sweep",
        "central-mali-2018",
        "--vary",
        "policy.impunity=0,0.5",
        "--replicates",
        "2",
        "--ticks",
        "20",
        "--set",
        "world.people_per_agent=100",
        "--quiet",
        "--tidy",
        "--out",
        out,
    ]);
    // outcomes: every (point, replicate, column) of the wide file is one row of the long one
    let wide = rows(&d.join("outcomes.csv"));
    let long = rows(&d.join("tidy/outcomes.csv"));
    let head = std::fs::read_to_string(d.join("tidy/outcomes.csv")).unwrap();
    assert_eq!(
        head.lines().next().unwrap(),
        "point,policy_impunity,replicate,outcome,entity,value,unit"
    );
    let described = impunity::ensemble::outcomes::describe(
        &impunity::presets::get("central-mali-2018").unwrap(),
    )
    .unwrap();
    assert_eq!(long.len(), wide.len() * described.len());
    let mut k = 0;
    for w in &wide {
        for o in &described {
            let l = &long[k];
            k += 1;
            assert_eq!(
                (&l["point"], &l["policy_impunity"], &l["replicate"]),
                (&w["point"], &w["policy.impunity"], &w["replicate"])
            );
            assert_eq!(l["outcome"], o.measure);
            assert_eq!(l["entity"], o.entity.clone().unwrap_or_default());
            assert_eq!(l["value"], w[&o.name], "{}", o.name);
            assert_eq!(l["unit"], o.unit);
        }
    }
    // the time series: killings by the state are people, legitimacy an index
    let ts = rows(&d.join("tidy/timeseries.csv"));
    let wide_ts = rows(&d.join("timeseries.csv"));
    let state: Vec<&String> = ts
        .iter()
        .filter(|r| r["metric"] == "new_killed_civilians" && r["entity"] == "state")
        .map(|r| &r["value"])
        .collect();
    assert_eq!(
        state,
        wide_ts
            .iter()
            .map(|r| &r["new_killed_civilians_state"])
            .collect::<Vec<_>>()
    );
    assert!(
        ts.iter()
            .filter(|r| r["metric"] == "legitimacy")
            .all(|r| r["unit"] == "index" && r["entity"] != "")
    );
    assert!(ts.iter().any(|r| r["unit"] == "people"));
    // the summary keeps its statistics, split the same way
    let sm = rows(&d.join("tidy/summary.csv"));
    assert!(
        sm.iter()
            .any(|r| r["metric"] == "fighters" && r["entity"] == "jnim" && r["unit"] == "people")
    );
    // `impunity tidy` rewrites the same bytes from the files alone
    let before = std::fs::read(d.join("tidy/timeseries.csv")).unwrap();
    std::fs::remove_dir_all(d.join("tidy")).unwrap();
    impunity(&["tidy", out]);
    assert_eq!(
        std::fs::read(d.join("tidy/timeseries.csv")).unwrap(),
        before
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn tidy_on_a_directory_without_a_run_says_so() {
    let d = tmpdir("tidy-empty");
    std::fs::create_dir_all(&d).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_impunity"))
        .args(["tidy", d.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("manifest.json"), "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

/// Chart and outcome selection on sweep and compare (issue 12: sweeps and compares always drew
/// every chart, `--no-charts` was refused there, and the compare table printed about 40 rows
/// per variant).
#[test]
fn charts_and_outcomes_are_chosen_on_every_ensemble_command() {
    let d = tmpdir("select");
    let base = |out: &str| -> Vec<String> {
        [
            "compare",
            "central-mali-2018",
            "--variant",
            "accountable:policy.sentence_severity=1",
            "--replicates",
            "2",
            "--ticks",
            "20",
            "--set",
            "world.people_per_agent=100",
            "--quiet",
            "--out",
            out,
        ]
        .map(String::from)
        .to_vec()
    };
    // no charts at all
    let none = d.join("none");
    let mut args = base(none.to_str().unwrap());
    args.extend(["--charts", "none"].map(String::from));
    let o = impunity(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!none.join("charts").exists());
    // the table shows headline outcomes only, or those asked for
    let table = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(!table.contains("fighters_jnim_start"), "{table}");
    let one = d.join("one");
    let mut args = base(one.to_str().unwrap());
    args.extend(["--outcomes", "abuses_total", "--charts", "none"].map(String::from));
    let o = impunity(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let table = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        !table.contains("killed_civilians_total"),
        "only the chosen outcome: {table}"
    );
    // an unknown outcome is refused before anything runs, with the names it may have meant
    let bad = d.join("bad");
    let mut args = base(bad.to_str().unwrap());
    args.extend(["--outcomes", "abuses"].map(String::from));
    let o = Command::new(env!("CARGO_BIN_EXE_impunity"))
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("abuses_total"), "{err}");
    assert!(!bad.join("outcomes.csv").exists(), "nothing ran");
    // sweeps take the same flags
    let sw = d.join("sweep");
    impunity(&[
        "sweep",
        "epstein-run1",
        "--vary",
        "communities.citizens.legitimacy=0.8,0.9",
        "--ticks",
        "5",
        "--quiet",
        "--no-charts",
        "--out",
        sw.to_str().unwrap(),
    ]);
    assert!(!sw.join("charts").exists());
    std::fs::remove_dir_all(&d).unwrap();
}

/// `--format parquet`: in a build without the feature, refused before anything runs, with
/// what to do; in a build with it, a Parquet copy of each table beside the CSV files, and
/// `--force` replaces it.
#[test]
fn format_parquet_is_written_or_refused_clearly() {
    let d = tmpdir("parquet");
    let out = d.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "epstein-run1",
            "--ticks",
            "5",
            "--replicates",
            "2",
            "--quiet",
            "--charts",
            "none",
            "--format",
            "parquet",
            "--out",
            out,
        ];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_impunity"))
            .args(&args)
            .output()
            .unwrap()
    };
    let o = run(&[]);
    if cfg!(feature = "parquet") {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        for t in ["timeseries", "outcomes", "summary"] {
            let b = std::fs::read(d.join(format!("parquet/{t}.parquet"))).unwrap();
            assert_eq!((&b[..4], &b[b.len() - 4..]), (&b"PAR1"[..], &b"PAR1"[..]));
        }
        assert!(run(&["--force"]).status.success());
        assert!(d.join("parquet/timeseries.parquet").is_file());
    } else {
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--features parquet"), "{err}");
        assert!(!d.exists(), "nothing written");
    }
    let _ = std::fs::remove_dir_all(&d);
}
