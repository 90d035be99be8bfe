//! The conflict mechanisms in isolation, on tiny worlds (docs/ODD.md §7).
//!
//! Each test switches on one mechanism in a 30 × 30 world with two communities and checks
//! its rule: a deterministic consequence where the rule is deterministic (impunity 0 means
//! every case is investigated), a paired comparison over fixed seeds where it is stochastic
//! (the same seeds with and without one-sided disarmament). Paired comparisons use the
//! common random numbers of the per-mechanism streams: the knob changes the draws it
//! governs and little else, so the differences are large against their spread.

use impunity::events::Perpetrator;
use impunity::model::Fate;
use impunity::run::run_replicate;
use impunity::scenario::Value;
use impunity::{Model, Scenario};

/// Two communities, one counter-insurgency force that abuses often, fast justice.
const BASE: &str = r#"
name = "tiny-conflict"
ticks = 60
rules = "paper"

[world]
width = 30
height = 30

[population]
density = 0.5
vision = 4

[communities.peul]
share = 0.5
legitimacy = 0.8

[communities.dogon]
share = 0.5
legitimacy = 0.8

[forces.army]
role = "counterinsurgency"
density = 0.02
vision = 4

[legitimacy]
dynamic = true

[abuse]
base_rate = 0.2

[justice]
investigation_delay = 3
trial_delay = 5
max_sentence = 10
excluded_min_victims = 1000

[policy]
impunity = 1.0
"#;

/// A militia of Dogon that attacks Peul villages; both communities keep household arms.
const MILITIA: &str = r#"
[groups.dozo]
kind = "militia"
targets = { communities = ["peul"] }
arms = 0.5
initial_people = 40
attack_rate = 0.05
cohesion = 0.5
vision = 6
band = 1              # one raider, as one agent of one person raided before bands: the
                      # settlements here are small, and a band of 10 destroys them whatever
                      # its arms, which would hide what these tests look at
"#;

fn scenario(extra: &str, changes: &[(&str, Value)]) -> Scenario {
    Scenario::from_toml_str(&format!("{BASE}{extra}"), "tiny")
        .expect("the tiny scenario is valid")
        .with_changes(changes.iter().cloned())
        .expect("changes are valid")
}

/// Runs `ticks` ticks; the model at the end.
fn run(s: &Scenario, seed: u64, ticks: u32) -> Model {
    let mut m = Model::new(s, seed, 0).expect("valid");
    for _ in 0..ticks {
        m.step();
    }
    m
}

fn cases(m: &Model) -> &[impunity::model::Case] {
    assert!(m.is_conflict(), "conflict model");
    m.cases()
}

#[test]
fn with_impunity_0_every_case_is_investigated_and_with_1_none() {
    for seed in 1..=3 {
        let open = scenario("", &[("policy.impunity", 0.0.into())]);
        let m = run(&open, seed, 40);
        let due: Vec<_> = cases(&m).iter().filter(|c| c.opened + 3 <= 40).collect();
        assert!(due.len() > 20, "abuses happen: {}", due.len());
        for c in &due {
            assert!(
                !matches!(c.fate, Fate::Pending | Fate::NeverInvestigated),
                "impunity 0 left a case uninvestigated: {c:?}"
            );
        }
        let closed = scenario("", &[("policy.impunity", 1.0.into())]);
        let m = run(&closed, seed, 40);
        let due: Vec<_> = cases(&m).iter().filter(|c| c.opened + 3 <= 40).collect();
        assert!(due.len() > 20);
        assert!(
            due.iter().all(|c| c.fate == Fate::NeverInvestigated),
            "impunity 1 investigated a case"
        );
    }
}

#[test]
fn every_abuse_opens_a_case_for_the_abusing_force() {
    let m = run(&scenario("", &[]), 4, 30);
    let abuse_events: Vec<_> = m
        .events()
        .iter()
        .filter(|e| e.event_type() == impunity::events::EventType::Abuses)
        .collect();
    assert!(!m.cases().is_empty());
    assert!(
        m.cases()
            .iter()
            .all(|c| c.perpetrator == Perpetrator::Force(0) && c.victims >= 1)
    );
    // the last tick's abuse events each opened one case, with as many victims
    let last: Vec<_> = m.cases().iter().filter(|c| c.opened == m.tick()).collect();
    assert_eq!(last.len(), abuse_events.len(), "one case per abuse event");
    assert_eq!(
        last.iter().map(|c| c.victims).sum::<u32>(),
        abuse_events.iter().map(|e| e.fatalities).sum::<u32>()
    );
}

#[test]
fn convictions_are_served_for_the_sentence_then_punished() {
    // impunity 0, conviction 1: investigated at +3, convicted at +3+5, punished 10 ticks on
    let sc = scenario(
        "",
        &[
            ("policy.impunity", 0.0.into()),
            ("policy.conviction", 1.0.into()),
        ],
    );
    let m = run(&sc, 5, 40);
    for c in cases(&m) {
        // the justice phase runs at the end of every tick: a case opened in tick t is
        // investigated in tick t+3, convicted in t+8, and has served its 10 ticks in t+18
        let want = match m.tick() - c.opened {
            age if age < 3 => Fate::Pending,
            age if age < 8 => Fate::Investigating,
            age if age < 18 => Fate::Serving,
            _ => Fate::Punished,
        };
        assert_eq!(c.fate, want, "case opened at {}", c.opened);
    }
    assert!(cases(&m).iter().any(|c| c.fate == Fate::Punished));
}

#[test]
fn an_amnestied_case_costs_the_victims_legitimacy_and_a_conviction_restores_it() {
    // Same seeds, same abuses (abuse does not depend on legitimacy): every case is
    // investigated and convicted; with the amnesty law in force over its whole scope it is
    // amnestied instead. Legitimacy moves only by justice outcomes here.
    let common = [
        ("policy.impunity", 0.0.into()),
        ("policy.conviction", 1.0.into()),
        ("legitimacy.amnesty", 0.01.into()),
        ("legitimacy.conviction", 0.01.into()),
    ];
    let convicted = scenario("", &common);
    let mut with_law = common.to_vec();
    with_law.push(("policy.amnesty.in_force", true.into()));
    with_law.push(("policy.amnesty.scope", 1.0.into()));
    let amnestied = scenario("", &with_law);
    for seed in 1..=3 {
        let a = run(&amnestied, seed, 40);
        let c = run(&convicted, seed, 40);
        assert!(a.cases().iter().any(|k| k.fate == Fate::Amnestied));
        assert!(a.cases().iter().all(|k| k.fate != Fate::Serving));
        assert!(c.cases().iter().any(|k| k.fate == Fate::Serving));
        let (la, lc) = (a.legitimacy(), c.legitimacy());
        for k in 0..2 {
            assert!(
                la[k] < 0.8 && lc[k] > 0.8,
                "community {k}: amnestied {} vs convicted {}",
                la[k],
                lc[k]
            );
        }
    }
}

#[test]
fn the_amnesty_never_covers_the_excluded_crimes() {
    // every event with at least one victim is in the excluded categories
    let sc = scenario(
        "",
        &[
            ("policy.impunity", 0.0.into()),
            ("policy.conviction", 1.0.into()),
            ("policy.amnesty.in_force", true.into()),
            ("policy.amnesty.scope", 1.0.into()),
            ("justice.excluded_min_victims", 1.into()),
        ],
    );
    let m = run(&sc, 6, 40);
    assert!(cases(&m).iter().all(|c| c.excluded));
    assert!(cases(&m).iter().any(|c| c.fate == Fate::Serving));
    assert!(cases(&m).iter().all(|c| c.fate != Fate::Amnestied));
}

#[test]
fn forces_expect_the_sanction_they_see_and_it_deters() {
    // no prior: E starts at P(inv) · P(conv) · s = ½ · ½ · 1. Never investigated → E falls;
    // always investigated and convicted at full severity → E rises; abuse falls as E rises.
    let sure = [("policy.sentence_severity", 1.0.into())];
    let impune = scenario("", &sure);
    let mut punish = sure.to_vec();
    punish.push(("policy.impunity", 0.0.into()));
    punish.push(("policy.conviction", 1.0.into()));
    let punished = scenario("", &punish);
    assert_eq!(
        Model::new(&impune, 1, 0).unwrap().expected_sanction(),
        Some(0.25)
    );
    let (mut more, mut fewer) = (0, 0);
    for seed in 1..=3 {
        let a = run(&impune, seed, 60);
        let c = run(&punished, seed, 60);
        let ea = a.expected_sanction().unwrap();
        let ec = c.expected_sanction().unwrap();
        assert!(ea < 0.05, "impunity teaches impunity: {ea}");
        assert!(ec > 0.8, "punishment teaches punishment: {ec}");
        more += cases(&a).iter().filter(|k| k.opened > 30).count();
        fewer += cases(&c).iter().filter(|k| k.opened > 30).count();
    }
    assert!(
        fewer * 2 < more,
        "the expected sanction deters: {fewer} vs {more} cases after tick 30"
    );
}

#[test]
fn an_amnesty_teaches_impunity_and_an_investigation_deters_only_with_its_weight() {
    // every case investigated and convicted at full severity; the law, over its whole scope,
    // comes into force at tick 20: it ends the sentences being served (convictions that did
    // not stick) and closes every later case before the decision (not investigated)
    let sure = [
        ("policy.sentence_severity", 1.0.into()),
        ("policy.impunity", 0.0.into()),
        ("policy.conviction", 1.0.into()),
        ("policy.amnesty.scope", 1.0.into()),
    ];
    let mut law = sure.to_vec();
    law.push((
        "timeline",
        Value::parse("[{ at = 20, set = { \"policy.amnesty.in_force\" = true } }]"),
    ));
    let without = run(&scenario("", &sure), 2, 60)
        .expected_sanction()
        .unwrap();
    let with = run(&scenario("", &law), 2, 60).expected_sanction().unwrap();
    assert!(without > 0.8, "convictions deter: {without}");
    assert!(with < 0.3, "the amnesty teaches impunity: {with}");
    // investigated, never convicted: only the weight of an investigation deters
    let acquit = |w: f64| {
        let ch = [
            ("policy.impunity", 0.0.into()),
            ("policy.conviction", 0.0.into()),
            ("abuse.investigation_weight", w.into()),
        ];
        run(&scenario("", &ch), 2, 60).expected_sanction().unwrap()
    };
    let (none, half) = (acquit(0.0), acquit(0.5));
    assert!(none < 0.05, "w = 0: an acquittal deters nobody: {none}");
    assert!(half > 0.4, "w = 0.5: an investigation alone deters: {half}");
}

#[test]
fn profiling_shifts_abuse_toward_the_suspected_community() {
    let sc = scenario(
        "",
        &[
            ("abuse.suspected", vec!["peul"].into()),
            ("policy.profiling", 4.0.into()),
        ],
    );
    let (mut peul, mut dogon) = (0u64, 0u64);
    for seed in 1..=3 {
        let out = run_replicate(&sc, seed, 0, 30);
        let t = out.conflict.unwrap();
        peul += t.counters.killed_of[0];
        dogon += t.counters.killed_of[1];
    }
    // equal shares in sight, weight 5 vs 1: about 5/6 of victims are Peul; binomial sd of
    // the share over ~300 victims is ~0.02, so 0.7 is a wide margin
    let share = peul as f64 / (peul + dogon) as f64;
    assert!(share > 0.7, "Peul share of abuse victims {share}");
}

#[test]
fn peacekeepers_in_sight_deter_abuse() {
    let pk = r#"
[forces.un]
role = "peacekeeping"
side = "international"
density = 0.02
vision = 4
"#;
    let without = scenario(pk, &[("violence.peacekeeper_deterrence", 0.0.into())]);
    let with = scenario(pk, &[("violence.peacekeeper_deterrence", 2.0.into())]);
    let (mut a, mut b2) = (0, 0);
    for seed in 1..=3 {
        a += run_replicate(&without, seed, 0, 30)
            .conflict
            .unwrap()
            .counters
            .abuses;
        b2 += run_replicate(&with, seed, 0, 30)
            .conflict
            .unwrap()
            .counters
            .abuses;
    }
    assert!(b2 * 10 < a * 9, "deterred {b2} vs {a}");
}

/// Civilians of each community killed by the militia over `seeds`, paired.
fn militia_kills(changes: &[(&str, Value)], seeds: std::ops::RangeInclusive<u64>) -> Vec<f64> {
    let mut ch = vec![("abuse.base_rate", 0.0.into())];
    ch.extend_from_slice(changes);
    let sc = scenario(MILITIA, &ch);
    seeds
        .map(|seed| {
            let t = run_replicate(&sc, seed, 0, 60).conflict.unwrap();
            t.counters.killed_of[0] as f64
        })
        .collect()
}

/// Mean and standard error of paired differences b − a.
fn paired(a: &[f64], b: &[f64]) -> (f64, f64) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let n = d.len() as f64;
    let m = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

#[test]
fn one_sided_disarmament_raises_the_victims_losses() {
    let armed = [
        ("communities.peul.household_arms", 0.8.into()),
        ("communities.dogon.household_arms", 0.8.into()),
        ("violence.household_defence", 0.8.into()),
    ];
    let base = militia_kills(&armed, 1..=8);
    let mut disarm = armed.to_vec();
    disarm.push(("policy.disarmament.target", "civilians".into()));
    disarm.push(("policy.disarmament.community", "peul".into()));
    disarm.push(("policy.disarmament.rate", 0.5.into()));
    let exposed = militia_kills(&disarm, 1..=8);
    let (d, se) = paired(&base, &exposed);
    // three standard errors: a one-sided 0.1% error rate under no effect
    assert!(d > 3.0 * se, "Peul killed: +{d:.1} ± {se:.1}");
}

#[test]
fn arming_the_militia_raises_its_killings() {
    let backed = [
        ("groups.dozo.state_backed", true.into()),
        ("policy.arming_targets", vec!["dozo"].into()),
    ];
    let base = militia_kills(&backed, 1..=8);
    let mut armed = backed.to_vec();
    armed.push(("policy.militia_arming", 0.4.into()));
    let more = militia_kills(&armed, 1..=8);
    let (d, se) = paired(&base, &more);
    assert!(d > 3.0 * se, "Peul killed: +{d:.1} ± {se:.1}");
}

#[test]
fn training_with_field_oversight_lowers_abuse_by_trained_units() {
    let mission = r#"
[missions.eutm]
staff = 10
trains = ["army"]
throughput = 1.0
proficiency_gain = 0.3
discipline_gain = 0.9
"#;
    let watched = scenario(mission, &[("policy.field_oversight", true.into())]);
    let unwatched = scenario(mission, &[("policy.field_oversight", false.into())]);
    let (mut w, mut u) = (0, 0);
    for seed in 1..=3 {
        let m = run(&watched, seed, 5);
        assert!(
            m.units().iter().all(|u| u.trained),
            "10 trainers train every unit in a few ticks"
        );
        w += run_replicate(&watched, seed, 0, 30)
            .conflict
            .unwrap()
            .counters
            .abuses_trained;
        u += run_replicate(&unwatched, seed, 0, 30)
            .conflict
            .unwrap()
            .counters
            .abuses_trained;
    }
    // discipline 0 → 0.9 multiplies the abuse probability by 0.1
    assert!(u > 100 && w * 4 < u, "watched {w} vs unwatched {u}");
}

#[test]
fn trainers_are_staff_minus_protection_and_administration() {
    // 600 staff, all of them protection and administration: nobody trains
    let mission = r#"
[missions.eutm]
staff = 600
protection = 400
administration = 200
trains = ["army"]
throughput = 1.0
discipline_gain = 0.9
"#;
    let m = run(&scenario(mission, &[]), 1, 10);
    assert!(m.units().iter().all(|u| !u.trained));
}

/// A jihadist group recruiting Peul out of grievance, and nothing else it does.
const JIHADISTS: &str = r#"
[groups.jnim]
kind = "jihadist"
recruits_from = ["peul"]
arms = 0.5
initial_people = 20
recruit_rate = 0.05
vision = 6

[recruitment]
presence = 1
"#;

#[test]
fn abuse_drives_recruitment_through_grievance_and_not_when_the_channel_is_cut() {
    // abuse (rate 0.2, the small world's) against none, eight paired seeds; abuses cost
    // legitimacy and leave unresolved injustice, grievance rises, more Peul turn active and
    // join the group seen nearby
    let recruits = |changes: &[(&str, Value)]| -> Vec<f64> {
        let sc = scenario(JIHADISTS, changes);
        (1..=8)
            .map(|seed| {
                let t = run_replicate(&sc, seed, 0, 60).conflict.unwrap();
                t.counters.recruits[0] as f64
            })
            .collect()
    };
    let with = |extra: &[(&'static str, Value)], rate: f64| {
        let mut ch = vec![
            ("legitimacy.abuse", 0.01.into()),
            ("legitimacy.unresolved_per_case", 0.05.into()),
            ("abuse.base_rate", rate.into()),
        ];
        ch.extend_from_slice(extra);
        recruits(&ch)
    };
    let (d, se) = paired(&with(&[], 0.0), &with(&[], 0.2));
    assert!(d > 3.0 * se, "abuse raises recruitment: +{d:.1} ± {se:.1}");
    // cut: abuses cost nothing and leave nothing unresolved
    let cut = [
        ("legitimacy.abuse", 0.0.into()),
        ("legitimacy.unresolved_per_case", 0.0.into()),
        ("legitimacy.uninvestigated", 0.0.into()),
        ("legitimacy.amnesty", 0.0.into()),
    ];
    let (dc, sec) = paired(&with(&cut, 0.0), &with(&cut, 0.2));
    assert!(
        dc < d / 3.0,
        "with the channel cut abuse still adds {dc:.1} ± {sec:.1} recruits (uncut {d:.1})"
    );
}
