//! Invariants that must hold on every tick of every preset and rule set.

use super::common::*;
use impunity::model::{FOREVER, Status};
use impunity::rules::Countdown;
use impunity::scenario::Value;
use impunity::{Model, presets};

/// Every preset, a few hundred ticks: the lattice agrees with the agents (no agent on two
/// cells, layers match), and the status counts add up to the population.
#[test]
fn every_preset_keeps_its_invariants() {
    for name in presets::names() {
        let sc = presets::get(name).unwrap();
        let mut m = Model::new(&sc, 11, 0).unwrap();
        m.check_invariants()
            .unwrap_or_else(|e| panic!("{name} at tick 0: {e}"));
        let people = m.persons().len() as u64;
        // big scenarios get fewer ticks: the full check walks every cell of every layer
        let ticks = if sc.world.width as u64 * sc.world.height as u64 > 100_000 {
            25
        } else {
            250
        };
        for _ in 0..ticks {
            m.step();
            m.check_invariants()
                .unwrap_or_else(|e| panic!("{name} at tick {}: {e}", m.tick()));
            let st = m.stats();
            let fighters: u64 = st.fighters.iter().sum();
            assert_eq!(
                st.quiescent + st.active + st.jailed + fighters,
                st.persons(),
                "{name}: statuses do not add up"
            );
            if sc.demography.birth_rate == 0.0
                && sc.demography.max_age == 0
                && sc.groups.is_empty()
                && st.killed == 0
            {
                assert_eq!(st.persons(), people, "{name}: Model I population changed");
            }
        }
    }
}

/// Jailed persons do not act: while jailed they are never active, and where they stay on the
/// lattice (NetLogo, Mesa) they never move. Their terms run out exactly as drawn: the term
/// left drops by one each tick, and the person is free the tick after it reaches its end
/// (zero left under end-of-tick countdown; Mesa's own-turn countdown spends one more turn at
/// zero before acting). The first term seen lies in the range the rules draw from.
#[test]
fn jail_terms_run_out_as_drawn() {
    for (name, jmax) in [
        ("epstein-run2", 30u32),
        ("netlogo-rebellion", 30),
        ("mesa-epstein", 12),
    ] {
        let sc = preset_with(name, [("policing.max_jail_term", jmax as f64)]);
        let rules = sc.rules();
        let mut m = Model::new(&sc, 5, 0).unwrap();
        let n = m.persons().len();
        let mut prev: Vec<(Status, u32, u16, u16)> = m
            .persons()
            .iter()
            .map(|p| (p.status, p.jail, p.x, p.y))
            .collect();
        let mut spells = 0;
        let mut largest_first = 0;
        for _ in 0..400 {
            m.step();
            assert_eq!(m.persons().len(), n);
            for (i, p) in m.persons().iter().enumerate() {
                let (ps, pj, px, py) = prev[i];
                if p.status == Status::Jailed {
                    assert_ne!(p.jail, FOREVER);
                    // Under Mesa's rules a person whose term has run out (0 left) acts on its
                    // turn and may be arrested again within the same tick: a new spell.
                    let new_spell =
                        ps != Status::Jailed || (pj == 0 && rules.countdown == Countdown::OwnTurn);
                    if !new_spell {
                        // still jailed: one tick less, same place
                        assert_eq!(
                            p.jail + 1,
                            pj,
                            "{name}: person {i}'s term went {pj} -> {}",
                            p.jail
                        );
                        if !matches!(rules.jailed, impunity::rules::JailedCell::Leave) {
                            assert_eq!((p.x, p.y), (px, py), "{name}: a jailed person moved");
                        }
                    } else {
                        spells += 1;
                        largest_first = largest_first.max(p.jail);
                        let bound = match rules.countdown {
                            // drawn n in 1..=J (paper) or 0..J-1 (NetLogo), one tick already served
                            Countdown::EndOfTick => jmax - 1,
                            // drawn n in 0..=J; its own turn may already have come this tick
                            Countdown::OwnTurn => jmax,
                        };
                        assert!(
                            p.jail <= bound,
                            "{name}: first term {} above {bound}",
                            p.jail
                        );
                    }
                } else if ps == Status::Jailed {
                    // released: the term had run out
                    let last = match rules.countdown {
                        Countdown::EndOfTick => 1,
                        Countdown::OwnTurn => 0,
                    };
                    assert_eq!(
                        pj, last,
                        "{name}: person {i} left jail with {pj} ticks left"
                    );
                }
            }
            prev = m
                .persons()
                .iter()
                .map(|p| (p.status, p.jail, p.x, p.y))
                .collect();
        }
        assert!(
            spells > 100,
            "{name}: too few arrests ({spells}) to test anything"
        );
        assert!(
            largest_first + 3 >= jmax - 1,
            "{name}: the longest terms ({largest_first}) never came near J_max {jmax}"
        );
    }
}

/// The lattice's halo covers every radius an agent looks at: armed groups' fighters seeing
/// farther than persons and units, and fighters gathering two cells around a fellow while
/// everybody else sees one cell (both used to read outside the lattice and crash).
#[test]
fn fighters_never_look_beyond_the_halo() {
    let base = r#"
        name = "halo"
        ticks = 30
        rules = "paper"
        [world]
        width = 40
        height = 40
        [population]
        density = 0.5
        vision = 1
        [communities.a]
        share = 0.5
        legitimacy = 0.5
        [communities.b]
        share = 0.5
        legitimacy = 0.9
        [forces.cops]
        density = 0.02
        vision = 1
        [groups.g]
        kind = "jihadist"
        recruits_from = ["a"]
        targets = { communities = ["b"], state = true }
        arms = 0.9
        initial_people = 50
        recruit_rate = 0.1
        attack_rate = 0.5
        battle_rate = 0.5
        cohesion = 0.5
        vision = VISION
    "#;
    for (vision, torus) in [
        ("12", "true"),
        ("12", "false"),
        ("1", "true"),
        ("1", "false"),
    ] {
        let text = base
            .replace("VISION", vision)
            .replace("height = 40", &format!("height = 40\ntorus = {torus}"));
        let sc = impunity::Scenario::from_toml_str(&text, "halo.toml").unwrap();
        let mut m = Model::new(&sc, 3, 0).unwrap();
        for _ in 0..30 {
            m.step();
            m.check_invariants()
                .unwrap_or_else(|e| panic!("vision {vision}, torus {torus}: {e}"));
        }
    }
}

/// A force sized in people gets its units under either placement: exact counts deal
/// round(people / people_per_agent) cells, cell-by-cell placement (Mesa) draws each cell with
/// the same density (it used to read `density` only, and placed no unit at all).
#[test]
fn a_force_given_in_people_is_placed_under_both_placements() {
    for placement in ["exact_counts", "per_cell"] {
        // epstein-run2's cops (density 0.04, vision 7) given in people instead: the whole
        // table is replaced, as density and people are exclusive
        let sc = preset_with(
            "epstein-run2",
            [
                ("rules.placement", Value::from(placement)),
                ("forces.cops", Value::parse("{ people = 64.0, vision = 7 }")),
            ],
        );
        let m = Model::new(&sc, 7, 0).unwrap();
        let n = m.units().len() as f64;
        assert!(
            (n - 64.0).abs() <= 5.0 * 8.0,
            "{placement}: {n} units for 64 people"
        );
        if placement == "exact_counts" {
            assert_eq!(n, 64.0);
        }
    }
}

/// Units a timeline adds (a force's `people` raised) go to the force's deployment regions, as
/// at tick 0 (they used to go to any empty cell of the lattice).
#[test]
fn units_added_by_the_timeline_deploy_in_their_regions() {
    let text = r#"
        name = "deploy"
        ticks = 5
        rules = "paper"
        [world]
        width = 40
        height = 40
        [world.regions]
        legend = { N = "north", S = "south" }
        map = ["NNNN", "SSSS"]
        [population]
        density = 0.5
        vision = 3
        [communities.a]
        share = 1.0
        legitimacy = 0.8
        [forces.army]
        people = 10
        vision = 3
        movement = false
        regions = ["north"]
        [[timeline]]
        at = 2
        set = { "forces.army.people" = 60 }
    "#;
    let sc = impunity::Scenario::from_toml_str(text, "deploy.toml").unwrap();
    let mut m = Model::new(&sc, 9, 0).unwrap();
    for _ in 0..3 {
        m.step();
        m.check_invariants().unwrap();
    }
    assert_eq!(m.units().len(), 60);
    for u in m.units() {
        let r = m.region_at(u.x, u.y);
        assert_eq!(
            r,
            Some(0),
            "a unit at ({}, {}) outside its region",
            u.x,
            u.y
        );
    }
}
