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
            let persons = match reg.population.get(name) {
                Some(p) => p / s.world.people_per_agent,
                None => s.population.density * cells[r] as f64,
            };
            // the units of every force that may be deployed here, as if all landed here
            let lattice = s.world.width as f64 * s.world.height as f64;
            let units: f64 = s
                .forces
                .values()
                .filter(|f| f.regions.is_empty() || f.regions.contains(name))
                .map(|f| (s.force_density(f) * lattice).round())
                .sum();
            if persons.round() <= cells[r] as f64 && persons.round() + units > cells[r] as f64 {
                return err(
                    &format!("world.regions.population.{name}"),
                    format!(
                        "{} persons and up to {units} units of the forces that may deploy \
                         there for {} cells: the region could not hold them all; raise \
                         world.people_per_agent, enlarge the world or restrict the forces' \
                         regions",
                        persons.round(),
                        cells[r]
                    ),
                );
            }
            if persons.round() > cells[r] as f64 {
                let need = (persons / cells[r] as f64).sqrt();
                return err(
                    &format!("world.regions.population.{name}"),
                    format!(
                        "{} persons for {} cells: more than one per cell; raise world.people_per_agent or make the world about {:.1}x wider and taller",
                        persons.round(),
                        cells[r],
                        need
                    ),
                );
            }
        }
    }
    Ok(())
}
