//! The regions' map and legend, and whether each region can hold what is placed in it.

use super::super::{Scenario, ScenarioError};
use super::unknown;

/// See the check `regions` in [`super::CHECKS`].
pub(super) fn check(s: &Scenario) -> Result<(), ScenarioError> {
    let err = |path: &str, msg: String| Err(ScenarioError::new(path, msg));
    let regions = s.region_names();
    if let Some(reg) = &s.world.regions {
        if reg.legend.is_empty() {
            return err(
                "world.regions.legend",
                "at least one region is needed".into(),
            );
        }
        if reg.legend.len() > 200 {
            return err("world.regions.legend", "at most 200 regions".into());
        }
        let mut symbols = Vec::new();
        for (sym, name) in &reg.legend {
            let at = format!("world.regions.legend.{sym}");
            if sym.chars().count() != 1 || sym == "." || sym == " " {
                return err(
                    &at,
                    format!("`{sym}`: a region's symbol is one character other than '.' and ' '"),
                );
            }
            if !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                || name.is_empty()
            {
                return err(
                    &at,
                    format!("{name:?}: region names are lower-case letters, digits and '_'"),
                );
            }
            if regions.iter().filter(|r| *r == name).count() > 1 {
                return err(&at, format!("region `{name}` appears twice"));
            }
            symbols.push(sym.chars().next().expect("one char"));
        }
        if reg.map.is_empty() {
            return err("world.regions.map", "the map has no rows".into());
        }
        let width = reg.map[0].chars().count();
        for (i, row) in reg.map.iter().enumerate() {
            let at = format!("world.regions.map[{i}]");
            if row.chars().count() != width {
                return err(
                    &at,
                    format!(
                        "row {} has {} characters, row 1 has {width}: rows must be the same length",
                        i + 1,
                        row.chars().count()
                    ),
                );
            }
            if let Some(ch) = row.chars().find(|ch| *ch != '.' && !symbols.contains(ch)) {
                let legend: Vec<String> = reg
                    .legend
                    .iter()
                    .map(|(sym, name)| format!("{sym} = {name}"))
                    .collect();
                return err(
                    &at,
                    format!(
                        "row {}: symbol `{ch}` is not in the legend ({}; `.` marks cells outside every region)",
                        i + 1,
                        legend.join(", ")
                    ),
                );
            }
        }
        if width as u32 > s.world.width || reg.map.len() as u32 > s.world.height {
            return err(
                "world.regions.map",
                format!(
                    "the map ({width}x{}) is larger than the world ({}x{})",
                    reg.map.len(),
                    s.world.width,
                    s.world.height
                ),
            );
        }
        for (key, table) in [("population", &reg.population), ("area_km2", &reg.area_km2)] {
            for k in table.keys() {
                if !regions.contains(k) {
                    return err(
                        &format!("world.regions.{key}"),
                        unknown("region", k, regions.iter()),
                    );
                }
            }
        }
        if s.rules().placement != crate::rules::Placement::ExactCounts {
            return err(
                "rules.placement",
                "regions need placement = \"exact_counts\"".into(),
            );
        }
        // enough cells in each region for its people and the units that may go there
        let cells = s.region_cells();
        for (r, name) in regions.iter().enumerate() {
            if cells[r] == 0 {
                return err(
                    "world.regions.map",
                    format!("region `{name}` covers no cell of the world"),
                );
            }
            let (persons, units) = load(s, name, cells[r]);
            if persons <= cells[r] as f64 && persons + units > cells[r] as f64 {
                return err(
                    &format!("world.regions.population.{name}"),
                    format!(
                        "{persons} persons and up to {units} units of the forces that may \
                         deploy there for {} cells: the region could not hold them all; {}, \
                         or restrict the forces' regions",
                        cells[r],
                        overfull_fix(s)
                    ),
                );
            }
            if persons > cells[r] as f64 {
                return err(
                    &format!("world.regions.population.{name}"),
                    format!(
                        "{persons} persons for {} cells: more than one per cell; {}",
                        cells[r],
                        overfull_fix(s)
                    ),
                );
            }
        }
    }
    Ok(())
}

/// Persons placed in region `name` of `cells` cells (round(people / people_per_agent), or
/// `population.density` of its cells), and the units of every force that may be deployed
/// there, as if all landed there.
fn load(s: &Scenario, name: &str, cells: usize) -> (f64, f64) {
    let reg = s.world.regions.as_ref().expect("a world with regions");
    let persons = match reg.population.get(name) {
        Some(p) => p / s.world.people_per_agent,
        None => s.population.density * cells as f64,
    };
    let lattice = s.world.width as f64 * s.world.height as f64;
    let units: f64 = s
        .forces
        .values()
        .filter(|f| f.regions.is_empty() || f.regions.iter().any(|r| r == name))
        .map(|f| (s.force_density(f) * lattice).round())
        .sum();
    (persons.round(), units)
}

/// Whether every region holds its persons and the units that may deploy there.
fn all_fit(s: &Scenario) -> bool {
    let cells = s.region_cells();
    s.region_names().iter().zip(&cells).all(|(name, &c)| {
        let (persons, units) = load(s, name, c);
        persons + units <= c as f64
    })
}

/// How to make every region hold its persons and the units that may deploy there: the
/// smallest whole `world.people_per_agent` that does, and the smallest world of the same
/// proportions that does (the map is stretched over the world, so the regions' cells grow
/// with it), each when one within the limits does.
fn overfull_fix(s: &Scenario) -> String {
    let mut fixes = Vec::new();
    let mut fewer = s.clone();
    // a lower bound first: round(people / k) ≤ cells ⇔ people / k < cells + 0.5
    let cells = s.region_cells();
    let reg = s.world.regions.as_ref().expect("a world with regions");
    let mut k = s
        .region_names()
        .iter()
        .zip(&cells)
        .filter_map(|(n, &c)| {
            reg.population
                .get(n)
                .map(|p| (p / (c as f64 + 0.5)).floor() + 1.0)
        })
        .fold(s.world.people_per_agent.floor() + 1.0, f64::max);
    for _ in 0..10_000 {
        if k > 65_535.0 {
            break;
        }
        fewer.world.people_per_agent = k;
        if all_fit(&fewer) {
            fixes.push(format!(
                "raise world.people_per_agent to at least {k} (now {})",
                s.world.people_per_agent
            ));
            break;
        }
        k += 1.0;
    }
    let (w, h) = (s.world.width as f64, s.world.height as f64);
    let mut bigger = s.clone();
    let mut f = 1.0;
    while w * f <= 65_535.0 && h * f <= 65_535.0 && w * f * h * f <= super::super::MAX_CELLS as f64
    {
        bigger.world.width = (w * f).ceil() as u32;
        bigger.world.height = (h * f).ceil() as u32;
        if all_fit(&bigger) {
            fixes.push(format!(
                "make the world at least {} x {} cells (now {} x {})",
                bigger.world.width, bigger.world.height, s.world.width, s.world.height
            ));
            break;
        }
        f *= 1.005;
    }
    if fixes.is_empty() {
        fixes.push("lower the regions' populations".into());
    }
    fixes.join(", or ")
}
