//! Small hand-built states for the mechanisms' unit tests: the parameters resolved from a
//! tiny scenario, an empty lattice, and agents placed where a test wants them.

use super::params::{ConflictParams, Params, resolve};
use super::{Agents, NO_GROUP, Person, Status, Unit};
use crate::scenario::Scenario;
use crate::world::{AgentId, World};

/// Two communities (`peul`, `dogon`) on a bounded 9 × 9 lattice, vision 2, one state force
/// (`army`, counter-insurgency, no units placed), a jihadist group recruiting from `peul`
/// that targets `dogon` civilians and the state; `extra` is appended to the TOML.
pub(crate) const TINY: &str = r#"
name = "unit-test"
ticks = 10
rules = "paper"
[world]
width = 9
height = 9
torus = false
[population]
density = 0.0
vision = 2
[communities.peul]
share = 0.5
legitimacy = 0.8
[communities.dogon]
share = 0.5
legitimacy = 0.8
[forces.army]
role = "counterinsurgency"
density = 0.0
vision = 2
[groups.jnim]
kind = "jihadist"
recruits_from = ["peul"]
targets = { communities = ["dogon"], state = true }
arms = 1.0
vision = 2
"#;

/// The resolved parameters of `TINY` + `extra` and an empty lattice.
pub(crate) fn tiny(extra: &str) -> (Params, ConflictParams, Agents) {
    let s = Scenario::from_toml_str(&format!("{TINY}{extra}"), "unit-test")
        .expect("the unit-test scenario is valid");
    let rules = s.rules();
    let (p, layers, cp) = resolve(&s, &rules);
    let world = World::new(9, 9, false, s.max_radius().max(1), p.extra_layers);
    (
        p,
        cp.expect("a conflict scenario"),
        Agents::new(world, layers),
    )
}

/// Places a person of `community` with `status` (a fighter of group 0) at (x, y); its index.
pub(crate) fn place_person(a: &mut Agents, community: u8, status: Status, x: u16, y: u16) -> usize {
    a.push_person(
        Person {
            hardship: 0.5,
            risk: 0.5,
            x,
            y,
            jail: 0,
            dies_at: u32::MAX,
            status,
            community,
            group: if status == Status::Fighter {
                0
            } else {
                NO_GROUP
            },
            flags: 0,
        },
        1,
    );
    let i = a.persons.len() - 1;
    a.occupy(AgentId::person(i), x as usize, y as usize);
    i
}

/// Places a unit of force `force` at (x, y); its index.
pub(crate) fn place_unit(a: &mut Agents, force: u8, x: u16, y: u16) -> usize {
    a.push_unit(
        Unit {
            x,
            y,
            force,
            trained: false,
            alarm: 0.0,
            dead: false,
        },
        1,
    );
    let u = a.units.len() - 1;
    a.occupy(AgentId::unit(u), x as usize, y as usize);
    u
}

/// Makes person `i` stand for `n` people (agents then carry their own numbers: every other
/// agent placed so far stands for one).
pub(crate) fn set_people(a: &mut Agents, i: usize, n: u16) {
    if !a.counts_people() {
        a.person_people = vec![1; a.persons.len()];
        a.unit_people = vec![1; a.units.len()];
    }
    a.person_people[i] = n;
}

/// Makes unit `u` stand for `n` soldiers (see [`set_people`]).
pub(crate) fn set_soldiers(a: &mut Agents, u: usize, n: u16) {
    if !a.counts_people() {
        a.person_people = vec![1; a.persons.len()];
        a.unit_people = vec![1; a.units.len()];
    }
    a.unit_people[u] = n;
}
