//! Settings that cannot act within a run (issue 12): `Scenario::warnings` and what the
//! command line prints, and the messages and help that said the wrong thing (a type error's
//! range, an overfull region's fix, `run --help` on replicates).

use impunity::Scenario;
use impunity::model::Fate;
use impunity::run::run_replicate;
use impunity::scenario::{Value, Warning};
use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impunity"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// A fresh empty directory for one test.
fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("impunity-warn-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A small conflict scenario whose justice pipeline runs fast and for certain: state units
/// that abuse, every case investigated 2 ticks after it opens and convicted 3 ticks later.
const CLOCK: &str = r#"
name = "justice-clock"
ticks = 20
rules = "paper"
[world]
width = 12
height = 12
[population]
density = 0.5
vision = 5
[communities.a]
share = 1.0
legitimacy = 0.8
[forces.army]
density = 0.05
vision = 5
[abuse]
base_rate = 1.0
[justice]
investigation_delay = 2
trial_delay = 3
excluded_min_victims = 10
[policy]
impunity = 0.0
conviction = 1.0
"#;

fn clock() -> Scenario {
    Scenario::from_toml_str(CLOCK, "clock.toml").unwrap()
}

fn keys(w: &[Warning]) -> Vec<&str> {
    w.iter().map(|w| w.key.as_str()).collect()
}

fn with(s: &Scenario, key: &str, v: impl Into<Value>) -> Scenario {
    s.with_changes([(key, v.into())]).unwrap()
}

/// A case opened in tick 1 is investigated in tick 3 and convicted in tick 6: a run of 5
/// ticks convicts nobody and is warned about, a run of 6 convicts and is not. The model
/// itself is run, so the warning's boundary is the pipeline's, not a guess.
#[test]
fn a_trial_delay_past_the_run_warns_exactly_when_no_verdict_can_fall() {
    let s = clock();
    let first = run_replicate(&s, 3, 0, 6);
    let opened_first: Vec<_> = first.cases.iter().filter(|c| c.opened == 1).collect();
    assert!(
        !opened_first.is_empty(),
        "the premise: a case opens in tick 1"
    );
    assert!(
        opened_first.iter().all(|c| c.fate == Fate::Serving),
        "convicted in tick 6: {opened_first:?}"
    );
    assert!(!keys(&s.warnings(6)).contains(&"justice.trial_delay"));

    let short = run_replicate(&s, 3, 0, 5);
    assert!(
        short
            .cases
            .iter()
            .all(|c| matches!(c.fate, Fate::Pending | Fate::Investigating)),
        "no verdict within 5 ticks"
    );
    let w = s.warnings(5);
    let trial = w.iter().find(|w| w.key == "justice.trial_delay").unwrap();
    assert!(trial.message.contains("tick 6"), "{trial}");
    assert!(
        trial.fix.contains("at most 2") && trial.fix.contains("--ticks 6"),
        "{trial}"
    );
    // an investigation delay past the run: nothing is decided at all
    let w = s.warnings(2);
    assert_eq!(keys(&w), ["justice.investigation_delay"], "{w:?}");
    // the issue's case: a trial delay equal to the run's length
    let year = with(&s, "justice.trial_delay", 365);
    assert!(keys(&year.warnings(365)).contains(&"justice.trial_delay"));
    // nothing opens a case: the delays act on nothing, and are not warned about
    let calm = with(&s, "abuse.base_rate", 0.0);
    assert!(calm.warnings(2).is_empty(), "{:?}", calm.warnings(2));
    // no case is ever investigated: the trial delay is not what stops a verdict
    let unpunished = with(&s, "policy.impunity", 1.0);
    assert!(!keys(&unpunished.warnings(5)).contains(&"justice.trial_delay"));
}

#[test]
fn timeline_entries_past_the_end_warn_and_ramps_cut_short_say_how_far_they_get() {
    let mali = impunity::presets::get("central-mali-2018").unwrap();
    assert!(
        !mali
            .warnings(365)
            .iter()
            .any(|w| w.key.starts_with("timeline")),
        "every entry of 2018 acts within the year"
    );
    let w = mali.warnings(175);
    let late: Vec<&Warning> = w.iter().filter(|w| w.key.starts_with("timeline")).collect();
    // 2018-05-20 (tick 139) and 2018-06-20 (tick 170) act; 2018-07-01 (tick 181) does not
    assert_eq!(late.len(), 1, "{late:?}");
    assert_eq!(late[0].key, "timeline.amnesty_law.date");
    assert!(late[0].message.contains("tick 181") && late[0].message.contains("never acts"));
    assert!(
        late[0].fix.contains("2018-06-25"),
        "the last tick as a date: {}",
        late[0]
    );

    let run3 = impunity::presets::get("epstein-run3").unwrap(); // ramp over ticks 10-80
    let w = run3.warnings(10);
    assert_eq!(keys(&w), ["timeline[0].from"], "{w:?}");
    assert!(run3.warnings(80).is_empty());
    let w = run3.warnings(45);
    assert_eq!(keys(&w), ["timeline[0].to"]);
    assert!(w[0].message.contains("50% of the way"), "{}", w[0]);
}

/// `--ticks 5`: the timeline's changes of 2018 never come, so a `--set` of a key they change
/// holds for the whole run and is not "changed again"; the entries are warned about instead.
#[test]
fn a_timeline_entry_past_ticks_warns_and_the_changed_again_warning_does_not_fire() {
    let o = run(&[
        "validate",
        "central-mali-2018",
        "--ticks",
        "5",
        "--set",
        "policy.impunity=0.2",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert!(!err.contains("changed again"), "{err}");
    assert!(
        out.contains("warning: timeline.investigations.date: 2018-06-20 (tick 170) is after the run's last tick (5)")
            && out.contains("never acts"),
        "{out}"
    );
    // the whole year: the change of 2018-06-20 does undo the --set
    let o = run(&[
        "validate",
        "central-mali-2018",
        "--set",
        "policy.impunity=0.2",
    ]);
    assert!(text(&o.stderr).contains("changed again"));
    assert!(!text(&o.stdout).contains("warning: timeline."));

    // `run` prints them to stderr before running
    let d = tmpdir("run");
    let out_dir = d.join("out");
    let o = run(&[
        "run",
        "epstein-run3",
        "--ticks",
        "5",
        "--set",
        "communities.citizens.legitimacy=0.5",
        "--no-charts",
        "--quiet",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(!err.contains("changed again"), "{err}");
    assert!(
        err.contains("warning: timeline[0].from: the ramp starts at tick 10")
            && err.contains("never acts; start it before tick 5"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// The amnesty's exclusion threshold: single killings by 7 units make events of at most 7
/// people, so 8 can never be met; at most 1, every event meets it.
#[test]
fn an_exclusion_threshold_no_event_can_reach_warns() {
    let s = with(
        &clock(),
        "policy.amnesty",
        Value::parse("{in_force = true, scope = 1.0}"),
    );
    let units = s.footprint().units[0].1;
    assert_eq!(units, 7.0);
    let at = |n: u32| s.with_changes([("justice.excluded_min_victims", Value::from(n))]);
    let w = at(8).unwrap().warnings(20);
    let excl = w.iter().find(|w| w.key == "justice.excluded_min_victims");
    assert!(excl.is_some_and(|w| w.fix.contains("at most 7")), "{w:?}");
    assert!(at(7).unwrap().warnings(20).is_empty());
    assert!(keys(&at(1).unwrap().warnings(20)).contains(&"justice.excluded_min_victims"));
    // the bound holds in the model: no case has more victims than 7
    for seed in 1..=4 {
        let out = run_replicate(&at(7).unwrap(), seed, 0, 20);
        assert!(!out.cases.is_empty());
        assert!(out.cases.iter().all(|c| c.victims <= 7), "seed {seed}");
    }
    // reprisals of any size: nothing bounds an event, no warning
    let big = s
        .with_changes([
            ("abuse.retaliation", Value::from(1.0)),
            ("abuse.reprisal_spread", Value::from(1.0)),
            ("justice.excluded_min_victims", Value::from(1000)),
        ])
        .unwrap();
    assert!(big.warnings(20).is_empty(), "{:?}", big.warnings(20));
    // no amnesty law: the threshold decides nothing, no warning
    assert!(
        at(8)
            .unwrap()
            .with_changes([("policy.amnesty.in_force", Value::from(false))])
            .unwrap()
            .warnings(20)
            .is_empty()
    );
}

#[test]
fn sizes_below_half_an_agent_and_knobs_whose_mechanism_is_off_warn() {
    let s = clock()
        .with_changes([
            ("world.people_per_agent", Value::from(50.0)),
            ("forces.army.density", Value::parse("{}")),
        ])
        .err();
    assert!(s.is_some(), "a force needs a size");
    let s = with(
        &clock(),
        "forces.army",
        Value::parse("{people = 20.0, vision = 5.0}"),
    );
    let s = with(&s, "world.people_per_agent", 50.0);
    assert_eq!(s.footprint().units[0].1, 0.0, "20 people are no unit of 50");
    let w = s.warnings(20);
    let army = w.iter().find(|w| w.key == "forces.army.people").unwrap();
    assert!(
        army.fix.contains("at least 25") && army.fix.contains("at most 40"),
        "{army}"
    );
    assert!(with(&s, "forces.army.people", 25.0).warnings(20).is_empty());

    let inert = clock()
        .with_changes([
            ("legitimacy.abuse", Value::from(0.01)),
            ("policy.collusion", Value::from(0.5)),
        ])
        .unwrap();
    assert_eq!(
        keys(&inert.warnings(20)),
        ["legitimacy.abuse", "policy.collusion"]
    );
    let dynamic = with(&inert, "legitimacy.dynamic", true);
    assert_eq!(keys(&dynamic.warnings(20)), ["policy.collusion"]);
}

#[test]
fn presets_warn_only_about_what_cannot_act() {
    for p in impunity::presets::ALL {
        let s = impunity::presets::get(p.name).unwrap();
        let w = s.warnings(s.ticks);
        if p.name.starts_with("central-mali-2018") {
            // a year of daily ticks and trials of a year (calibration.rs: no conviction in 2018)
            assert_eq!(keys(&w), ["justice.trial_delay"], "{}", p.name);
        } else {
            assert!(w.is_empty(), "{}: {w:?}", p.name);
        }
    }
}

/// A warning that holds for some points of an ensemble names them.
#[test]
fn compare_names_the_points_a_warning_holds_for() {
    let d = tmpdir("compare");
    let file = d.join("clock.toml");
    std::fs::write(&file, CLOCK).unwrap();
    let o = run(&[
        "compare",
        file.to_str().unwrap(),
        "--ticks",
        "5",
        "--variant",
        "fast:justice.trial_delay=1",
        "--variant",
        "late:legitimacy.abuse=0.01",
        "--quiet",
        "--out",
        d.join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: justice.trial_delay: 3 ticks")
            && err.contains("(in the baseline, variant late)"),
        "{err}"
    );
    assert!(
        err.contains("warning: legitimacy.abuse: legitimacy.dynamic is false")
            && err.contains("(in variant late)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_non_number_for_a_whole_number_key_names_the_keys_range() {
    let o = run(&["validate", "epstein-run1", "--set", "world.width=abc"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("1 ..= 65,535"), "{err}");
    assert!(!err.contains("4294967295"), "{err}");
}

/// The overfull-region error once said "about 1.0x wider"; its fixes are now checked by
/// applying them.
#[test]
fn an_overfull_region_names_fixes_that_work() {
    let o = run(&["validate", "central-mali-2018", "--set", "world.width=600"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("more than one per cell"), "{err}");
    assert!(!err.contains("1.0x"), "{err}");
    let number_after = |what: &str| -> String {
        let rest = &err[err.find(what).unwrap_or_else(|| panic!("{what} in {err}")) + what.len()..];
        rest.split(' ').next().unwrap().to_string()
    };
    let k = number_after("world.people_per_agent to at least ");
    let size = number_after("make the world at least ");
    let height = number_after(&format!("at least {size} x "));
    let ok = |sets: &[String]| {
        let mut args = vec!["validate".to_string(), "central-mali-2018".to_string()];
        for s in sets {
            args.push("--set".into());
            args.push(s.clone());
        }
        let o = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        o.status.code() == Some(0)
    };
    let w = "world.width=600".to_string();
    assert!(
        ok(&[w.clone(), format!("world.people_per_agent={k}")]),
        "{err}"
    );
    let fewer: u32 = k.parse::<u32>().unwrap() - 1;
    assert!(
        !ok(&[w.clone(), format!("world.people_per_agent={fewer}")]),
        "the least: {err}"
    );
    assert!(
        ok(&[
            format!("world.width={size}"),
            format!("world.height={height}")
        ]),
        "{err}"
    );
}

#[test]
fn run_help_speaks_of_replicates_not_points() {
    let help = text(&run(&["run", "--help"]).stdout);
    let at = help.find("--replicates <REPLICATES>").unwrap();
    let entry = &help[at..help[at..].find("\n\n").map_or(help.len(), |e| at + e)];
    assert!(!entry.contains("per point"), "{entry}");
    assert!(entry.contains("Replicates of the scenario"), "{entry}");
    for cmd in ["sweep", "compare"] {
        let help = text(&run(&[cmd, "--help"]).stdout);
        assert!(help.contains("Replicates per point"), "{cmd}: {help}");
    }
}
