//! The events phase (docs/ODD.md §7.13): the tick's killings of civilians grouped into
//! events, as massacres appear in the record.
//!
//! Killings by the same perpetrator and of the same kind (abuse or not) within `r_m` cells of
//! each other, directly or through a chain, are one event: one row of `events.csv` with all
//! its fatalities, at the first killing's cell, naming the most numerous victims' community
//! (ties: the first declared). Its sub-type is `extrajudicial killing` for abuses, `strike
//! casualties` for killings by an international force, `mass killing` for more than one
//! victim, `attack` otherwise; its fatalities are the people killed. Each abuse event, and
//! each event of killings by an armed group that answers to the state's justice (militias and
//! pro-government groups: `policy.militia_impunity` governs their cases), opens a justice case
//! ([`crate::mechanisms::justice::open_case`]), drawing from the justice stream.
//!
//! | symbol | key |
//! |---|---|
//! | r_m | `violence.massacre_radius` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use super::justice::{JusticeParams, open_case};
use crate::events::{Event, Perpetrator, PerpetratorKind, Position, SubEventType};
use crate::model::{Buffers, Case, ConflictCounters, ForceParams, GroupParams, Killing};
use crate::rng::Rng;
use crate::world::World;

/// Where and how killings are grouped.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GroupingParams<'a> {
    /// r_m.
    pub radius: f64,
    /// The forces (killings by international forces are strike casualties).
    pub forces: &'a [ForceParams],
    /// Communities in the scenario.
    pub communities: usize,
    /// The armed groups (killings by groups that answer to the state's justice open cases).
    pub groups: &'a [GroupParams],
}

fn find(p: &mut [usize], mut i: usize) -> usize {
    while p[i] != i {
        p[i] = p[p[i]];
        i = p[i];
    }
    i
}

/// Groups `killings` into events appended to `events`; abuse events open cases. Clears
/// `killings`. `buf` holds reusable buffers.
#[allow(clippy::too_many_arguments)]
pub(crate) fn group_killings(
    tick: u32,
    gp: &GroupingParams,
    jp: &JusticeParams,
    world: &World,
    killings: &mut Vec<Killing>,
    cases: &mut Vec<Case>,
    counters: &mut ConflictCounters,
    events: &mut Vec<Event>,
    buf: &mut Buffers,
    rng: &mut Rng,
) {
    let kills = &killings[..];
    let n = kills.len();
    if n == 0 {
        return;
    }
    let r2 = gp.radius * gp.radius;
    // union-find over killings
    let parent = &mut buf.parent;
    parent.clear();
    parent.extend(0..n);
    for a in 0..n {
        for b in a + 1..n {
            let (ka, kb) = (kills[a], kills[b]);
            if ka.by != kb.by || ka.abuse != kb.abuse {
                continue;
            }
            let dx = world.delta(ka.x as usize, kb.x as usize, world.width) as f64;
            let dy = world.delta(ka.y as usize, kb.y as usize, world.height) as f64;
            if dx * dx + dy * dy <= r2 {
                let (ra, rb) = (find(parent, a), find(parent, b));
                if ra != rb {
                    parent[rb.max(ra)] = rb.min(ra);
                }
            }
        }
    }
    // clusters in order of their first killing: the first, the size and the victims per
    // community of each
    let nc = gp.communities;
    let (slot, first, size, per) = (&mut buf.slot, &mut buf.first, &mut buf.size, &mut buf.per);
    slot.clear();
    slot.resize(n, usize::MAX);
    first.clear();
    size.clear();
    per.clear();
    for i in 0..n {
        let r = find(parent, i);
        if slot[r] == usize::MAX {
            slot[r] = first.len();
            first.push(i);
            size.push(0);
            per.resize(per.len() + nc, 0);
        }
        let k = slot[r];
        size[k] += kills[i].people;
        per[k * nc + kills[i].community as usize] += kills[i].people;
    }
    for k in 0..first.len() {
        let lead = kills[first[k]];
        let per = &per[k * nc..(k + 1) * nc];
        // the most numerous victims' community (ties: the first declared)
        let community = (0..nc)
            .max_by_key(|&c| (per[c], std::cmp::Reverse(c)))
            .expect("communities") as u8;
        let victims = size[k];
        let (x, y) = (lead.x as usize, lead.y as usize);
        let region = jp.has_regions.then(|| world.region[world.cell(x, y)]);
        let international = matches!(lead.by, Perpetrator::Force(f)
            if gp.forces[f as usize].kind == PerpetratorKind::International);
        let sub = if lead.abuse {
            SubEventType::ExtrajudicialKilling
        } else if international {
            SubEventType::StrikeCasualties
        } else if victims > 1 {
            SubEventType::MassKilling
        } else {
            SubEventType::Attack
        };
        events.push(Event::killings(
            tick,
            region,
            Position::new(x, y),
            sub,
            lead.by,
            community,
            victims,
        ));
        let answerable = matches!(lead.by, Perpetrator::Group(g)
            if gp.groups[g as usize].answerable);
        if lead.abuse || answerable {
            let at = region.unwrap_or(0);
            open_case(
                tick, jp, lead.by, community, at, victims, cases, counters, rng,
            );
        }
    }
    killings.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::tiny;
    use crate::rng::{Stream, stream_rng};

    fn killing(by: Perpetrator, abuse: bool, x: u16, y: u16, community: u8) -> Killing {
        Killing {
            by,
            abuse,
            x,
            y,
            community,
            people: 1,
        }
    }

    #[test]
    fn nearby_killings_by_one_perpetrator_are_one_event_and_abuses_open_cases() {
        let (_, cp, a) = tiny("[violence]\nmassacre_radius = 2.0\n");
        let g = Perpetrator::Group(0);
        let f = Perpetrator::Force(0);
        let mut killings = vec![
            killing(g, false, 1, 1, 1),
            killing(f, true, 6, 6, 0),
            killing(g, false, 8, 8, 1),
            // chained to the first through (2, 2): within 2 of (1, 1) and of (3, 3)
            killing(g, false, 3, 3, 0),
            killing(g, false, 2, 2, 0),
        ];
        let gp = GroupingParams {
            radius: cp.violence.massacre_radius,
            forces: &cp.forces,
            communities: 2,
            groups: &cp.groups,
        };
        let jp = cp.justice_params();
        let (mut cases, mut events) = (Vec::new(), Vec::new());
        let mut counters = ConflictCounters::new(2, 1);
        let mut buf = Buffers::default();
        let mut rng = stream_rng(1, 0, Stream::Justice);
        group_killings(
            4,
            &gp,
            &jp,
            &a.world,
            &mut killings,
            &mut cases,
            &mut counters,
            &mut events,
            &mut buf,
            &mut rng,
        );
        assert!(killings.is_empty());
        let rows: Vec<_> = events
            .iter()
            .map(|e| {
                (
                    e.sub_event_type,
                    e.fatalities,
                    e.victim_community,
                    e.position,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                // ties between communities go to the first declared
                (
                    SubEventType::MassKilling,
                    3,
                    Some(0),
                    Some(Position::new(1, 1))
                ),
                (
                    SubEventType::ExtrajudicialKilling,
                    1,
                    Some(0),
                    Some(Position::new(6, 6))
                ),
                (SubEventType::Attack, 1, Some(1), Some(Position::new(8, 8))),
            ]
        );
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].perpetrator, f);
        assert_eq!(counters.cases_opened, 1);
    }
}
