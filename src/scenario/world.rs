//! The lattice (`[world]`) and the regions drawn on it (`[world.regions]`).

use super::Scenario;
use indexmap::IndexMap;

section! {
    /// The lattice.
    pub struct WorldSpec {
        /// Cells across (Epstein: 40).
        pub width: u32 = required example("40")
            range("1 ..= 65,535; width × height ≤ 2^31");
        /// Cells down (Epstein: 40).
        pub height: u32 = required example("40")
            range("1 ..= 65,535; width × height ≤ 2^31");
        /// Whether the edges wrap around (Epstein: yes). On a torus every vision must fit:
        /// 2·floor(v) + 1 ≤ width and height.
        pub torus: bool = default(true);
        /// Real people one agent stands for at the start, in the conflict model a whole number
        /// (1 to 65,535): each agent carries its own head count from then on, rates are per
        /// person and outputs count people, so results do not depend on it beyond noise
        /// (docs/ODD.md §4, "Scale"). In Epstein's models an agent is a person whatever it
        /// says (1: the default).
        pub people_per_agent: f64 = default(1.0) check(positive);
        /// Named regions drawn on a text map stretched over the lattice (the cercles of a
        /// region, say). Persons are placed region by region; forces and armed groups may be
        /// confined to regions at the start; threat and events are counted per region. Needs
        /// `rules.placement = "exact_counts"`.
        pub regions: Option<RegionsSpec> = unset [sparse];
    }
}

section! {
    /// Named regions drawn on a text map that is stretched over the lattice.
    pub struct RegionsSpec {
        /// Map symbol → region name: `{ B = "bandiagara", M = "mopti" }`. The order given is
        /// the regions' order in the outputs.
        pub legend: IndexMap<String, String> = required example("{ x = \"x\" }")
            range("1 to 200 regions; each symbol one character other than `.` and space; \
                   region names lower-case letters, digits and `_`, each once");
        /// Rows of the map, north first. Each character covers a block of about
        /// (width / columns) × (height / rows) cells; `.` marks cells outside every region,
        /// where nobody lives or goes.
        pub map: Vec<String> = required example("[\"x.\", \"xx\"]")
            range("at least one row; rows of equal length; every character `.` or a symbol \
                   of the legend; at most `world.width` columns and `world.height` rows; \
                   every region covers at least one cell");
        /// People living in each region (a census): the region gets
        /// round(people / `world.people_per_agent`) persons on random cells of its own. A
        /// region not listed gets `population.density` of its cells.
        pub population: IndexMap<String, f64> = default example("{ x = 1000.0 }")
            check(nonneg, "keys are region names; at most one person per cell of the region")
            [sparse];
        /// Area of each region in km², for readers of the scenario: the model does not use
        /// it.
        pub area_km2: IndexMap<String, f64> = default example("{ x = 10520.0 }")
            check(nonneg, "keys are region names") [sparse];
    }
}

impl Scenario {
    /// Names of the regions, in legend order (empty without regions).
    pub fn region_names(&self) -> Vec<String> {
        self.world
            .regions
            .as_ref()
            .map(|r| r.legend.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Cells of each region (legend order) once the map is stretched over the world.
    pub fn region_cells(&self) -> Vec<usize> {
        let Some(reg) = &self.world.regions else {
            return Vec::new();
        };
        let (w, h) = (self.world.width as usize, self.world.height as usize);
        let (mw, mh) = (reg.map[0].chars().count(), reg.map.len());
        let symbols: Vec<char> = reg.legend.keys().filter_map(|k| k.chars().next()).collect();
        let rows: Vec<Vec<char>> = reg.map.iter().map(|r| r.chars().collect()).collect();
        // count per map column/row how many world cells map to it, then multiply
        let mut col_n = vec![0usize; mw];
        for x in 0..w {
            col_n[x * mw / w] += 1;
        }
        let mut row_n = vec![0usize; mh];
        for y in 0..h {
            row_n[y * mh / h] += 1;
        }
        let mut out = vec![0; symbols.len()];
        for (my, row) in rows.iter().enumerate() {
            for (mx, ch) in row.iter().enumerate() {
                if let Some(r) = symbols.iter().position(|s| s == ch) {
                    out[r] += col_n[mx] * row_n[my];
                }
            }
        }
        out
    }

    /// Persons per cell over the whole lattice when regions give populations (0 otherwise).
    pub(crate) fn regional_density(&self) -> f64 {
        self.world
            .regions
            .as_ref()
            .map(|r| {
                r.population.values().sum::<f64>()
                    / self.world.people_per_agent
                    / (self.world.width as f64 * self.world.height as f64)
            })
            .unwrap_or(0.0)
    }
}
