//! Who stands where at tick 0 (initial placement, regions, armed groups' first members,
//! armed households), and force units added or withdrawn when the timeline changes a force's
//! size.

use super::params::Params;
use super::state::Agents;
use super::{ARMED, NO_GROUP, Person, Status, Unit};
use crate::rng::Rng;
use crate::rules::Placement;
use crate::scenario::{RegionsSpec, Scenario};
use crate::world::{AgentId, World};
use rand::RngExt;

/// Places the initial population (tick 0).
///
/// Without regions, under exact counts, cells are shuffled once and dealt out: first to
/// each force's units, then to persons community by community (largest-remainder shares).
/// Cell by cell (Mesa), each cell draws what it holds. With regions, each region's cells
/// are shuffled; units go to random free cells of their deployment regions, then each
/// region gets round(people / people_per_agent) persons, split among communities by the
/// region's shares. A person's hardship, risk aversion and lifespan are drawn when it is
/// created, from the init stream; then armed groups' initial members are chosen, then
/// armed households.
pub(super) fn populate(
    a: &mut Agents,
    s: &Scenario,
    p: &Params,
    placement: Placement,
    conflict: bool,
    rng: &mut Rng,
) {
    let (w, h) = (a.world.width, a.world.height);
    let cells = w * h;
    let shares: Vec<f64> = s.communities.values().map(|c| c.share).collect();
    let max_age = p.max_age;
    let unit_target = p.unit_target.clone();
    if let Some(reg) = &s.world.regions {
        paint_regions(&mut a.world, reg);
    }
    let region_of = a.world.region.clone();
    let mut persons: Vec<Person> = Vec::new();
    let mut units: Vec<Unit> = Vec::new();
    let mut person = |rng: &mut crate::rng::ChaCha8Rng, c: usize, k: usize| {
        let hardship = rng.random::<f64>();
        let risk = rng.random::<f64>();
        let dies_at = if max_age > 0 {
            rng.random_range(1..=max_age)
        } else {
            u32::MAX
        };
        persons.push(Person {
            hardship,
            risk,
            x: (c % w) as u16,
            y: (c / w) as u16,
            jail: 0,
            dies_at,
            status: Status::Quiescent,
            community: k as u8,
            group: NO_GROUP,
            flags: 0,
        });
    };
    let unit = |c: usize, f: usize| Unit {
        x: (c % w) as u16,
        y: (c / w) as u16,
        force: f as u8,
        trained: false,
        alarm: 0.0,
        dead: false,
    };
    if let Some(reg) = &s.world.regions {
        use rand::seq::SliceRandom;
        let n_regions = reg.legend.len();
        let mut pools: Vec<Vec<u32>> = vec![Vec::new(); n_regions];
        for (c, &r) in region_of.iter().enumerate() {
            if (r as usize) < n_regions {
                pools[r as usize].push(c as u32);
            }
        }
        for p in pools.iter_mut() {
            p.shuffle(rng);
        }
        let region_names: Vec<&String> = reg.legend.values().collect();
        let ridx = |n: &String| {
            region_names
                .iter()
                .position(|r| *r == n)
                .expect("validated")
        };
        for (f, spec) in s.forces.values().enumerate() {
            let allowed: Vec<usize> = if spec.regions.is_empty() {
                (0..n_regions).collect()
            } else {
                spec.regions.iter().map(ridx).collect()
            };
            for _ in 0..unit_target[f] {
                let left: usize = allowed.iter().map(|&r| pools[r].len()).sum();
                if left == 0 {
                    break;
                }
                let mut k = rng.random_range(0..left);
                for &r in &allowed {
                    if k < pools[r].len() {
                        let c = pools[r].pop().expect("non-empty");
                        units.push(unit(c as usize, f));
                        break;
                    }
                    k -= pools[r].len();
                }
            }
        }
        let region_cells: Vec<usize> = (0..n_regions)
            .map(|r| region_of.iter().filter(|&&x| x as usize == r).count())
            .collect();
        for (r, name) in region_names.iter().enumerate() {
            let n = match reg.population.get(*name) {
                Some(people) => (people / s.world.people_per_agent).round() as usize,
                None => (s.population.density * region_cells[r] as f64).round() as usize,
            };
            let n = n.min(pools[r].len());
            let local: Vec<f64> = s
                .communities
                .values()
                .map(|c| c.share_by_region.get(*name).copied().unwrap_or(c.share))
                .collect();
            for (k, &nk) in apportion(n, &local).iter().enumerate() {
                for _ in 0..nk {
                    let c = pools[r].pop().expect("enough cells (validated)");
                    person(rng, c as usize, k);
                }
            }
        }
    } else {
        match placement {
            Placement::ExactCounts => {
                let mut all: Vec<u32> = (0..cells as u32).collect();
                use rand::seq::SliceRandom;
                all.shuffle(rng);
                let mut next = all.into_iter();
                for (f, &n) in unit_target.iter().enumerate() {
                    units.extend(next.by_ref().take(n).map(|c| unit(c as usize, f)));
                }
                let n = (s.population.density * cells as f64).round() as usize;
                let n = n.min(next.len());
                for (k, &nk) in apportion(n, &shares).iter().enumerate() {
                    for c in next.by_ref().take(nk) {
                        person(rng, c as usize, k);
                    }
                }
            }
            Placement::PerCell => {
                let pd = s.population.density;
                let fd: Vec<f64> = s.forces.values().map(|f| s.force_density(f)).collect();
                for c in 0..cells {
                    let u: f64 = rng.random();
                    if u < pd {
                        let k = if shares.len() == 1 {
                            0
                        } else {
                            pick(rng.random(), &shares)
                        };
                        person(rng, c, k);
                    } else {
                        let mut acc = pd;
                        for (f, d) in fd.iter().enumerate() {
                            acc += d;
                            if u < acc {
                                units.push(unit(c, f));
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
    if conflict {
        initial_members(s, &mut persons, &region_of, a.world.width, rng);
        initial_arms(s, &mut persons, rng);
    }
    persons.shrink_to_fit();
    a.units = units;
    a.persons = persons;
    if conflict {
        // validated: a whole number from 1 to 65,535 in the conflict model
        a.count_people(s.world.people_per_agent as u16);
    }
    for i in 0..a.units.len() {
        let u = a.units[i];
        a.occupy(AgentId::unit(i), u.x as usize, u.y as usize);
    }
    for i in 0..a.persons.len() {
        let q = a.persons[i];
        a.occupy(AgentId::person(i), q.x as usize, q.y as usize);
    }
}

/// Marks each cell with its region; cells outside every region are blocked for good.
fn paint_regions(world: &mut World, reg: &RegionsSpec) {
    let (w, h) = (world.width, world.height);
    let (mw, mh) = (reg.map[0].chars().count(), reg.map.len());
    let rows: Vec<Vec<char>> = reg.map.iter().map(|r| r.chars().collect()).collect();
    let symbols: Vec<char> = reg
        .legend
        .keys()
        .map(|k| k.chars().next().expect("validated"))
        .collect();
    let mut region = vec![crate::world::OUTSIDE; w * h];
    for y in 0..h {
        for x in 0..w {
            let ch = rows[y * mh / h][x * mw / w];
            if let Some(r) = symbols.iter().position(|&s| s == ch) {
                region[y * w + x] = r as u8;
            } else {
                world.cells[y * w + x] = AgentId::BLOCKED;
                world.layers.put(crate::world::layer::OCCUPIED, x, y, true);
            }
        }
    }
    world.region = region;
}

/// Armed groups' members at tick 0: persons of the communities each group recruits from
/// (in its regions, if given), chosen uniformly.
fn initial_members(
    s: &Scenario,
    persons: &mut [Person],
    region_of: &[u8],
    width: usize,
    rng: &mut Rng,
) {
    let region_names: Vec<String> = s
        .world
        .regions
        .as_ref()
        .map(|r| r.legend.values().cloned().collect())
        .unwrap_or_default();
    for (g, spec) in s.groups.values().enumerate() {
        let n = (spec.initial_people / s.world.people_per_agent).round() as usize;
        if n == 0 {
            continue;
        }
        // members come from the communities it recruits from or protects
        let comms: Vec<usize> = spec
            .recruits_from
            .iter()
            .chain(&spec.protects)
            .map(|c| s.communities.get_index_of(c).expect("validated"))
            .collect();
        let regions: Vec<u8> = spec
            .regions
            .iter()
            .map(|r| region_names.iter().position(|n| n == r).expect("validated") as u8)
            .collect();
        let mut candidates: Vec<usize> = persons
            .iter()
            .enumerate()
            .filter(|(_, p)| p.status == Status::Quiescent)
            .filter(|(_, p)| comms.is_empty() || comms.contains(&(p.community as usize)))
            .filter(|(_, p)| {
                regions.is_empty()
                    || regions.contains(&region_of[p.y as usize * width + p.x as usize])
            })
            .map(|(i, _)| i)
            .collect();
        use rand::seq::SliceRandom;
        let n = n.min(candidates.len());
        let (chosen, _) = candidates.partial_shuffle(rng, n);
        let mut chosen = chosen.to_vec();
        chosen.sort_unstable();
        for i in chosen {
            persons[i].status = Status::Fighter;
            persons[i].group = g as u8;
        }
    }
}

/// Each household of community c is armed with probability `household_arms`.
fn initial_arms(s: &Scenario, persons: &mut [Person], rng: &mut Rng) {
    let arms: Vec<f64> = s.communities.values().map(|c| c.household_arms).collect();
    if arms.iter().all(|&a| a == 0.0) {
        return;
    }
    for p in persons.iter_mut() {
        let a = arms[p.community as usize];
        if a > 0.0 && rng.random_bool(a) {
            p.flags |= ARMED;
        }
    }
}

/// Adds or withdraws force units so each force matches its (possibly new) density.
pub(super) fn adjust_units(
    a: &mut Agents,
    s: &Scenario,
    unit_target: &[usize],
    changed: &[bool],
    rng: &mut Rng,
    remap: &mut Vec<u32>,
) {
    for f in 0..unit_target.len() {
        if !changed[f] {
            continue;
        }
        let target = unit_target[f];
        let have: Vec<usize> = (0..a.units.len())
            .filter(|&i| a.units[i].force as usize == f)
            .collect();
        if have.len() > target {
            // withdraw a uniformly random subset
            let mut pick = have.clone();
            use rand::seq::SliceRandom;
            let n = pick.len() - target;
            let (gone, _) = pick.partial_shuffle(rng, n);
            let mut gone: Vec<usize> = gone.to_vec();
            gone.sort_unstable();
            for &i in &gone {
                a.vacate(AgentId::unit(i));
            }
            a.compact_units(|i, _| gone.binary_search(&i).is_err(), remap);
        } else if have.len() < target {
            // With regions, new units go to empty cells of the force's deployment regions
            // (all regions when it lists none), as at tick 0.
            let allowed = deployment_regions(s, f);
            let mut cells: Vec<usize> = match &allowed {
                Some(regions) => (0..a.world.n_cells())
                    .filter(|&c| a.world.cells[c].is_none() && regions.contains(&a.world.region[c]))
                    .collect(),
                None => Vec::new(),
            };
            for _ in have.len()..target {
                let at = match &allowed {
                    Some(_) if cells.is_empty() => None,
                    Some(_) => {
                        let k = rng.random_range(0..cells.len());
                        let c = cells.swap_remove(k);
                        Some((c % a.world.width, c / a.world.width))
                    }
                    None => a.random_empty_cell(rng),
                };
                let Some((x, y)) = at else {
                    break;
                };
                let nominal = a.nominal;
                let u = a.push_unit(
                    Unit {
                        x: x as u16,
                        y: y as u16,
                        force: f as u8,
                        trained: false,
                        alarm: 0.0,
                        dead: false,
                    },
                    nominal,
                );
                let id = AgentId::unit(u);
                a.occupy(id, x, y);
            }
        }
    }
}

/// Region indices force `f` deploys in, with regions (`None` without).
fn deployment_regions(s: &Scenario, f: usize) -> Option<Vec<u8>> {
    let reg = s.world.regions.as_ref()?;
    let spec = s.forces.get_index(f).expect("force index").1;
    let names: Vec<&String> = reg.legend.values().collect();
    Some(if spec.regions.is_empty() {
        (0..names.len() as u8).collect()
    } else {
        spec.regions
            .iter()
            .map(|r| names.iter().position(|n| *n == r).expect("validated") as u8)
            .collect()
    })
}

/// Largest-remainder apportionment of `n` by `shares` (which sum to 1).
pub(crate) fn apportion(n: usize, shares: &[f64]) -> Vec<usize> {
    let exact: Vec<f64> = shares.iter().map(|s| s * n as f64).collect();
    let mut counts: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut left = n - counts.iter().sum::<usize>().min(n);
    let mut order: Vec<usize> = (0..shares.len()).collect();
    // largest fractional part first; ties to the earlier community
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.partial_cmp(&fa).unwrap().then(a.cmp(&b))
    });
    for &k in order.iter().cycle() {
        if left == 0 {
            break;
        }
        counts[k] += 1;
        left -= 1;
    }
    counts
}

/// Index of the category `u ∈ [0, 1)` falls in, by cumulative `shares`.
pub(crate) fn pick(u: f64, shares: &[f64]) -> usize {
    let mut acc = 0.0;
    for (k, s) in shares.iter().enumerate() {
        acc += s;
        if u < acc {
            return k;
        }
    }
    shares.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_sums_and_is_fair() {
        assert_eq!(apportion(10, &[0.5, 0.5]), vec![5, 5]);
        assert_eq!(apportion(11, &[0.5, 0.5]), vec![6, 5]);
        assert_eq!(apportion(7, &[0.2, 0.3, 0.5]), vec![1, 2, 4]);
        assert_eq!(apportion(3, &[1.0]), vec![3]);
    }
}
