//! How big a run is (cells, agents, memory), known before anything is allocated.
//!
//! [`Scenario::validate`] refuses lattices the engine cannot hold (more than 65,535 cells a
//! side, more than 2^31 cells) and says how much memory they would have needed, computed
//! here from the scenario alone.

use super::{ForceSpec, MAX_CELLS, Scenario, ScenarioError};
use crate::rules::Placement;

/// Positions are stored as 16-bit coordinates.
pub(crate) const MAX_SIDE: u32 = 65_535;

/// Bytes of one person record (`model::Person`) and one force unit (`model::Unit`).
const PERSON_BYTES: u128 = std::mem::size_of::<crate::model::Person>() as u128;
const UNIT_BYTES: u128 = std::mem::size_of::<crate::model::Unit>() as u128;

/// What a scenario puts on the lattice at tick 0, and the memory one replicate needs.
///
/// ```
/// let s = impunity::presets::get("epstein-run2").unwrap();
/// let f = s.footprint();
/// assert_eq!(f.cells, 1600);
/// assert_eq!(f.persons, 1120.0);           // 0.7 of the cells
/// assert_eq!(f.units, vec![("cops".to_string(), 64.0)]);
/// assert!(f.model_bytes < 100_000);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Footprint {
    /// Cells of the lattice.
    pub cells: u64,
    /// Persons at tick 0 (the expected number under per-cell placement).
    pub persons: f64,
    /// Persons per community at tick 0, about (shares × persons).
    pub persons_by_community: Vec<(String, f64)>,
    /// Force units per force at tick 0 (expected numbers under per-cell placement).
    pub units: Vec<(String, f64)>,
    /// Whether the counts are exact (exact-count placement) or expectations (per cell).
    pub exact: bool,
    /// Most persons the lattice can hold (births fill free cells, never more).
    pub max_persons: u64,
    /// Peak heap bytes of one replicate's state: lattice, bit layers, agent records,
    /// schedule, and the shuffled cell list used while placing agents. Births can raise it
    /// up to the size with `max_persons` persons.
    pub model_bytes: u64,
    /// Heap bytes of one replicate's time series per tick (one row of metrics).
    pub series_bytes_per_tick: u64,
}

impl Scenario {
    /// Cells, agents and memory of one replicate, from the scenario alone.
    pub fn footprint(&self) -> Footprint {
        let (w, h) = (self.world.width as u128, self.world.height as u128);
        let cells = w * h;
        let exact = self.rules().placement == Placement::ExactCounts;
        let cells_f = cells as f64;
        let mut free = cells_f;
        let mut units = Vec::new();
        for (name, f) in &self.forces {
            let n = if exact {
                (density(self, f) * cells_f).round().min(free)
            } else {
                density(self, f) * cells_f
            };
            free -= n;
            units.push((name.clone(), n));
        }
        let (persons, persons_by_community) = match regional_persons(self) {
            Some(regional) => regional,
            None => {
                let persons = if exact {
                    (person_density(self) * cells_f).round().min(free.max(0.0))
                } else {
                    person_density(self) * cells_f
                };
                let by = self.communities.values().map(|c| c.share * persons);
                (persons, by.collect())
            }
        };
        let persons_by_community = self
            .communities
            .keys()
            .cloned()
            .zip(persons_by_community)
            .collect();
        let n_units: f64 = units.iter().map(|(_, n)| n).sum();
        let max_persons = if self.demography.birth_rate > 0.0 {
            (cells_f - n_units).max(persons)
        } else {
            persons
        };
        let model_bytes = model_bytes(self, w, h, persons, n_units, exact);
        let metrics = crate::metrics::MetricSet::for_scenario(self)
            .map(|m| m.names().len())
            .unwrap_or(0) as u64;
        Footprint {
            cells: sat(cells),
            persons,
            persons_by_community,
            units,
            exact,
            max_persons: max_persons as u64,
            model_bytes,
            // Vec<f64> per row (24-byte header, the values, ~16 bytes of allocator
            // overhead) and one f64 of the `active` series.
            series_bytes_per_tick: 24 + 8 * metrics + 16 + 8,
        }
    }
}

// The two places that read how many agents a scenario asks for, so that a new way of giving
// sizes (forces in people, regional census populations) is one edit each.

/// Units per cell of a force.
fn density(s: &Scenario, f: &ForceSpec) -> f64 {
    s.force_density(f)
}

/// Persons per cell at the start.
fn person_density(s: &Scenario) -> f64 {
    s.population.density.max(s.regional_density())
}

/// With regions, persons at the start, in all and per community, region by region as they are placed:
/// round(people / people_per_agent), or `population.density` of the region's cells, split
/// by the region's shares. `None` without regions, or with a map too broken to read (the
/// size check runs before the map is validated).
fn regional_persons(s: &Scenario) -> Option<(f64, Vec<f64>)> {
    let reg = s.world.regions.as_ref()?;
    let width = reg.map.first()?.chars().count();
    if width == 0 || reg.map.iter().any(|r| r.chars().count() != width) {
        return None;
    }
    let cells = s.region_cells();
    let mut total = 0.0;
    let mut out = vec![0.0; s.communities.len()];
    for (r, name) in reg.legend.values().enumerate() {
        let n = match reg.population.get(name) {
            Some(people) => (people / s.world.people_per_agent).round(),
            None => (s.population.density * cells[r] as f64).round(),
        }
        .min(cells[r] as f64);
        total += n;
        for (k, c) in s.communities.values().enumerate() {
            out[k] += c.share_by_region.get(name).copied().unwrap_or(c.share) * n;
        }
    }
    Some((total, out))
}

/// Most bit layers a lattice can have: an agent's layers are one 64-bit mask.
pub(crate) const MAX_LAYERS: usize = 64;

/// Bit layers of the lattice: occupied, cops, actives, plus one per community somebody
/// targets (Model II), or one per community, group and force (conflict model).
pub(super) fn layers(s: &Scenario) -> usize {
    let extra = if crate::model::is_conflict(s) {
        s.communities.len() + s.groups.len() + s.forces.len()
    } else {
        s.communities
            .keys()
            .filter(|name| s.communities.values().any(|c| c.kills.contains(name)))
            .count()
    };
    crate::world::layer::FIXED + extra
}

/// Refuses scenarios needing more bit layers than an agent's 64-bit mask holds.
pub(super) fn check_layers(s: &Scenario) -> Result<(), ScenarioError> {
    let n = layers(s);
    if n <= MAX_LAYERS {
        return Ok(());
    }
    let fixed = crate::world::layer::FIXED;
    let m = if crate::model::is_conflict(s) {
        format!(
            "{} communities, {} armed groups and {} forces: the conflict model keeps one bit layer for each, {} in all with its {fixed} own, more than the {MAX_LAYERS} supported; merge some",
            s.communities.len(),
            s.groups.len(),
            s.forces.len(),
            n
        )
    } else {
        format!(
            "{} communities are targeted by `kills`: each needs a bit layer, {} in all with the {fixed} the model keeps, more than the {MAX_LAYERS} supported; merge some",
            n - fixed,
            n
        )
    };
    Err(ScenarioError::new("communities", m))
}

/// Heap bytes of one replicate, as `Model::heap_bytes` counts them, plus the placement list.
fn model_bytes(s: &Scenario, w: u128, h: u128, persons: f64, units: f64, exact: bool) -> u64 {
    let cells = w * h;
    let pad = s.max_radius().max(1) as u128;
    let n_layers = layers(s) as u128;
    let words_per_row = (w + 2 * pad).div_ceil(64);
    let layers = ((h + 1) * words_per_row * n_layers + 1) * 8 + (h + 2 * pad) * 4;
    let occupants = cells * 4 + cells; // occupant ids and region indices
    // Agent vectors grow by doubling from empty, so their capacity is the next power of two.
    let cap = |n: f64| (n.max(0.0).ceil() as u128).next_power_of_two();
    let agents = cap(persons) * PERSON_BYTES + cap(units) * UNIT_BYTES;
    let schedule = cap(persons + units) * 4;
    let placement = if exact { cells * 4 } else { 0 };
    sat(layers + occupants + agents + schedule + placement)
}

/// `12.3 MiB`-style sizes.
pub(crate) fn human_bytes(b: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut x = b as f64;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < units.len() {
        x /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{x:.1} {}", units[u])
    }
}

fn sat(x: u128) -> u64 {
    x.min(u64::MAX as u128) as u64
}

/// Refuses lattices the engine cannot hold, naming the memory they would need.
pub(super) fn check(s: &Scenario) -> Result<(), ScenarioError> {
    let w = &s.world;
    if w.width == 0 || w.height == 0 {
        let at = if w.width == 0 {
            "world.width"
        } else {
            "world.height"
        };
        return Err(ScenarioError::new(
            at,
            format!("size {}x{} must be at least 1x1", w.width, w.height),
        ));
    }
    let need = || human_bytes(s.footprint().model_bytes);
    for (at, side) in [("world.width", w.width), ("world.height", w.height)] {
        if side > MAX_SIDE {
            return Err(ScenarioError::new(
                at,
                format!(
                    "{side} is more than the {MAX_SIDE} cells a side supported; a {}x{} lattice would need about {} of memory",
                    w.width,
                    w.height,
                    need()
                ),
            ));
        }
    }
    let cells = w.width as u64 * w.height as u64;
    if cells > MAX_CELLS {
        return Err(ScenarioError::new(
            "world",
            format!(
                "{}x{} is {cells} cells, more than the {MAX_CELLS} (2^31) supported; it would need about {} of memory",
                w.width,
                w.height,
                need()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Model, presets};

    #[test]
    fn the_estimate_bounds_what_a_model_holds() {
        for p in presets::ALL {
            let s = presets::get(p.name).unwrap();
            let f = s.footprint();
            let m = Model::new(&s, 1, 0).unwrap();
            let held = m.heap_bytes() as u64;
            assert!(
                f.model_bytes >= held && f.model_bytes < 3 * held,
                "{}: estimate {} vs held {held}",
                p.name,
                f.model_bytes
            );
            // the conflict model counts people: one agent stands for people_per_agent of them
            // at the start
            let ppa = if crate::model::is_conflict(&s) {
                s.world.people_per_agent
            } else {
                1.0
            };
            let persons = m.stats().persons() as f64 / ppa;
            if f.exact {
                assert_eq!(persons, f.persons, "{}", p.name);
                // per community: exact but for the rounding of each region's split
                let regions = s.world.regions.as_ref().map_or(1, |r| r.legend.len()) as f64;
                for ((name, n), alive) in f.persons_by_community.iter().zip(&m.stats().alive) {
                    assert!(
                        (n - *alive as f64 / ppa).abs() <= regions,
                        "{}: {name}: about {n}, placed {alive}",
                        p.name
                    );
                }
            } else {
                assert!(
                    (persons - f.persons).abs() < 5.0 * f.persons.sqrt(),
                    "{}",
                    p.name
                );
            }
        }
    }

    #[test]
    fn a_million_by_a_million_is_refused_with_its_memory() {
        let mut s = presets::get("epstein-run1").unwrap();
        s.world.width = 1_000_000;
        s.world.height = 1_000_000;
        let e = s.validate().unwrap_err();
        assert_eq!(e.path, "world.width");
        assert!(e.message.contains("TiB"), "{}", e.message);
        // 4 G cells of u32 max each side: no overflow anywhere
        s.world.width = u32::MAX;
        s.world.height = u32::MAX;
        assert!(s.footprint().model_bytes > 1 << 60);
        assert!(s.validate().is_err());
    }
}
