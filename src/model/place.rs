//! Who stands where: initial placement, occupancy, layer membership, removals, invariants.

use super::{ARMED, Model, NO_GROUP, Person, Status, Unit};
use crate::rng::Stream;
use crate::rules::{JailedCell, Placement};
use crate::world::{AgentId, layer};
use rand::RngExt;

impl Model {
    /// Whether person `p` is an occupant of its cell under the rules.
    #[inline(always)]
    pub(crate) fn is_occupant(&self, p: &Person) -> bool {
        match p.status {
            Status::Quiescent | Status::Active | Status::Fighter => true,
            Status::Jailed => self.rules.jailed == JailedCell::Occupy,
            Status::Dead => false,
        }
    }

    /// The layers an occupant belongs to, as a bit mask over layer ids.
    #[inline(always)]
    pub(crate) fn mask(&self, id: AgentId) -> u64 {
        if id.is_unit() {
            self.params.unit_mask[self.units[id.index()].force as usize]
        } else {
            let p = &self.persons[id.index()];
            let mut m = 1 << layer::OCCUPIED;
            match p.status {
                Status::Active => {
                    m |= 1 << layer::ACTIVE;
                }
                Status::Jailed | Status::Dead => return m,
                Status::Fighter => return self.params.fighter_mask[p.group as usize],
                Status::Quiescent => {}
            }
            if let Some(l) = self.params.community_layer[p.community as usize] {
                m |= 1 << l;
            }
            m
        }
    }

    #[inline(always)]
    pub(crate) fn pos(&self, id: AgentId) -> (usize, usize) {
        if id.is_unit() {
            let u = &self.units[id.index()];
            (u.x as usize, u.y as usize)
        } else {
            let p = &self.persons[id.index()];
            (p.x as usize, p.y as usize)
        }
    }

    #[inline(always)]
    fn set_pos(&mut self, id: AgentId, x: usize, y: usize) {
        if id.is_unit() {
            let u = &mut self.units[id.index()];
            u.x = x as u16;
            u.y = y as u16;
        } else {
            let p = &mut self.persons[id.index()];
            p.x = x as u16;
            p.y = y as u16;
        }
    }

    #[inline(always)]
    fn paint(&mut self, mask: u64, x: usize, y: usize, on: bool) {
        let mut m = mask;
        while m != 0 {
            let l = m.trailing_zeros() as usize;
            self.world.layers.put(l, x, y, on);
            m &= m - 1;
        }
    }

    /// Makes `id` an occupant of (x, y): the cell's main occupant if it is empty, otherwise a
    /// sharer (NetLogo's rules only).
    #[inline(always)]
    pub(crate) fn occupy(&mut self, id: AgentId, x: usize, y: usize) {
        self.set_pos(id, x, y);
        let c = self.world.cell(x, y);
        if self.world.cells[c].is_none() {
            self.world.cells[c] = id;
            let m = self.mask(id);
            self.paint(m, x, y, true);
        } else {
            self.world.overflow.push(id);
        }
    }

    /// Removes occupant `id` from its cell; a sharer, if any, becomes the main occupant.
    #[inline(always)]
    pub(crate) fn vacate(&mut self, id: AgentId) {
        let (x, y) = self.pos(id);
        let c = self.world.cell(x, y);
        if self.world.cells[c] == id {
            let m = self.mask(id);
            self.paint(m, x, y, false);
            self.world.cells[c] = AgentId::NONE;
            if !self.world.overflow.is_empty() {
                if let Some(k) = self
                    .world
                    .overflow
                    .iter()
                    .position(|&o| self.pos(o) == (x, y))
                {
                    let o = self.world.overflow.remove(k);
                    self.world.cells[c] = o;
                    let m = self.mask(o);
                    self.paint(m, x, y, true);
                }
            }
        } else if let Some(k) = self.world.overflow.iter().position(|&o| o == id) {
            self.world.overflow.remove(k);
        } else {
            debug_assert!(false, "vacate: {id:?} is not on its cell");
        }
    }

    /// Moves occupant `id` to the empty cell (x, y).
    #[inline(always)]
    pub(crate) fn move_to(&mut self, id: AgentId, x: usize, y: usize) {
        let (ox, oy) = self.pos(id);
        let oc = self.world.cell(ox, oy);
        if self.world.cells[oc] == id && self.world.overflow.is_empty() {
            // fast path: main occupant, no sharers anywhere
            let m = self.mask(id);
            self.paint(m, ox, oy, false);
            self.world.cells[oc] = AgentId::NONE;
            let c = self.world.cell(x, y);
            debug_assert!(self.world.cells[c].is_none());
            self.world.cells[c] = id;
            self.set_pos(id, x, y);
            self.paint(m, x, y, true);
        } else {
            self.vacate(id);
            self.occupy(id, x, y);
        }
    }

    /// Changes person `i`'s status, keeping the lattice and layers in step.
    pub(crate) fn set_status(&mut self, i: usize, status: Status) {
        let id = AgentId::person(i);
        let before = self.persons[i];
        if before.status == status {
            return;
        }
        let was = self.is_occupant(&before);
        let mut after = before;
        after.status = status;
        let will = self.is_occupant(&after);
        let (x, y) = (before.x as usize, before.y as usize);
        let main = was && self.world.cells[self.world.cell(x, y)] == id;
        match (was, will) {
            (true, true) => {
                if main {
                    let old = self.mask(id);
                    self.persons[i].status = status;
                    let new = self.mask(id);
                    self.paint(old & !new, x, y, false);
                    self.paint(new & !old, x, y, true);
                } else {
                    self.persons[i].status = status;
                }
            }
            (true, false) => {
                self.vacate(id);
                self.persons[i].status = status;
            }
            (false, true) => {
                self.persons[i].status = status;
                self.occupy(id, x, y);
            }
            (false, false) => self.persons[i].status = status,
        }
        if status == Status::Dead {
            self.scratch_dead = true;
        }
    }

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
    pub(super) fn populate(&mut self) {
        let s = self.scenario().clone();
        let (w, h) = (self.world.width, self.world.height);
        let cells = w * h;
        let shares: Vec<f64> = s.communities.values().map(|c| c.share).collect();
        let max_age = self.params.max_age;
        let unit_target = self.params.unit_target.clone();
        if let Some(reg) = &s.world.regions {
            self.paint_regions(reg);
        }
        let region_of = self.world.region.clone();
        let mut persons: Vec<Person> = Vec::new();
        let mut units: Vec<Unit> = Vec::new();
        let rng = self.rng.get(Stream::Init);
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
            match self.rules.placement {
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
        if self.params.conflict.is_some() {
            self.initial_members(&s, &mut persons, &region_of);
            self.initial_arms(&s, &mut persons);
        }
        persons.shrink_to_fit();
        self.units = units;
        self.persons = persons;
        for i in 0..self.units.len() {
            let u = self.units[i];
            self.occupy(AgentId::unit(i), u.x as usize, u.y as usize);
        }
        for i in 0..self.persons.len() {
            let p = self.persons[i];
            self.occupy(AgentId::person(i), p.x as usize, p.y as usize);
        }
    }

    /// Marks each cell with its region; cells outside every region are blocked for good.
    fn paint_regions(&mut self, reg: &crate::scenario::RegionsSpec) {
        let (w, h) = (self.world.width, self.world.height);
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
                    self.world.cells[y * w + x] = AgentId::BLOCKED;
                    self.world
                        .layers
                        .put(crate::world::layer::OCCUPIED, x, y, true);
                }
            }
        }
        self.world.region = region;
    }

    /// Armed groups' members at tick 0: persons of the communities each group recruits from
    /// (in its regions, if given), chosen uniformly.
    fn initial_members(&mut self, s: &crate::Scenario, persons: &mut [Person], region_of: &[u8]) {
        let region_names: Vec<String> = s
            .world
            .regions
            .as_ref()
            .map(|r| r.legend.values().cloned().collect())
            .unwrap_or_default();
        let rng = self.rng.get(Stream::Init);
        for (g, spec) in s.groups.values().enumerate() {
            let n = (spec.initial_people / s.world.people_per_agent).round() as usize;
            if n == 0 {
                continue;
            }
            let comms: Vec<usize> = spec
                .recruits_from
                .iter()
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
                        || regions
                            .contains(&region_of[p.y as usize * self.world.width + p.x as usize])
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
    fn initial_arms(&mut self, s: &crate::Scenario, persons: &mut [Person]) {
        let arms: Vec<f64> = s.communities.values().map(|c| c.household_arms).collect();
        if arms.iter().all(|&a| a == 0.0) {
            return;
        }
        let rng = self.rng.get(Stream::Init);
        for p in persons.iter_mut() {
            let a = arms[p.community as usize];
            if a > 0.0 && rng.random_bool(a) {
                p.flags |= ARMED;
            }
        }
    }

    /// A uniformly random empty cell of the whole lattice (`None` when it is full).
    pub(crate) fn random_empty_cell(&mut self, stream: Stream) -> Option<(usize, usize)> {
        let (w, h) = (self.world.width, self.world.height);
        let occupied = self.world.cells.iter().filter(|c| !c.is_none()).count();
        // (blocked cells count as occupied)
        if occupied >= w * h {
            return None;
        }
        let rng = self.rng.get(stream);
        loop {
            let c = rng.random_range(0..w * h);
            if self.world.cells[c].is_none() {
                return Some((c % w, c / w));
            }
        }
    }

    /// Adds or withdraws force units so each force matches its (possibly new) density.
    pub(super) fn adjust_units(&mut self, changed: &[bool]) {
        for f in 0..self.params.unit_target.len() {
            if !changed[f] {
                continue;
            }
            let target = self.params.unit_target[f];
            let have: Vec<usize> = (0..self.units.len())
                .filter(|&i| self.units[i].force as usize == f)
                .collect();
            if have.len() > target {
                // withdraw a uniformly random subset
                let mut pick = have.clone();
                use rand::seq::SliceRandom;
                let n = pick.len() - target;
                let rng = self.rng.get(Stream::Timeline);
                let (gone, _) = pick.partial_shuffle(rng, n);
                let mut gone: Vec<usize> = gone.to_vec();
                gone.sort_unstable();
                for &i in &gone {
                    self.vacate(AgentId::unit(i));
                }
                let mut keep = vec![true; self.units.len()];
                for &i in &gone {
                    keep[i] = false;
                }
                self.compact_units(&keep);
            } else if have.len() < target {
                // With regions, new units go to empty cells of the force's deployment regions
                // (all regions when it lists none), as at tick 0.
                let allowed = self.deployment_regions(f);
                let mut cells: Vec<usize> = match &allowed {
                    Some(regions) => (0..self.world.n_cells())
                        .filter(|&c| {
                            self.world.cells[c].is_none() && regions.contains(&self.world.region[c])
                        })
                        .collect(),
                    None => Vec::new(),
                };
                for _ in have.len()..target {
                    let at = match &allowed {
                        Some(_) if cells.is_empty() => None,
                        Some(_) => {
                            let k = self.rng.get(Stream::Timeline).random_range(0..cells.len());
                            let c = cells.swap_remove(k);
                            Some((c % self.world.width, c / self.world.width))
                        }
                        None => self.random_empty_cell(Stream::Timeline),
                    };
                    let Some((x, y)) = at else {
                        break;
                    };
                    self.units.push(Unit {
                        x: x as u16,
                        y: y as u16,
                        force: f as u8,
                        trained: false,
                        alarm: 0.0,
                        dead: false,
                    });
                    let id = AgentId::unit(self.units.len() - 1);
                    self.occupy(id, x, y);
                }
            }
        }
    }

    /// Region indices force `f` deploys in, with regions (`None` without).
    fn deployment_regions(&self, f: usize) -> Option<Vec<u8>> {
        let s = self.scenario();
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

    fn compact_units(&mut self, keep: &[bool]) {
        let mut remap = vec![u32::MAX; self.units.len()];
        let mut n = 0;
        for (i, &k) in keep.iter().enumerate() {
            if k {
                remap[i] = n as u32;
                self.units[n] = self.units[i];
                n += 1;
            }
        }
        self.units.truncate(n);
        let fix = |id: &mut AgentId| {
            if id.is_agent() && id.is_unit() {
                *id = AgentId::unit(remap[id.index()] as usize);
            }
        };
        self.world.cells.iter_mut().for_each(fix);
        self.world.overflow.iter_mut().for_each(fix);
    }

    /// Drops dead persons, keeping the others in order.
    pub(super) fn remove_dead(&mut self) {
        if !self.scratch_dead {
            return;
        }
        self.scratch_dead = false;
        let mut remap = vec![u32::MAX; self.persons.len()];
        let mut n = 0;
        for i in 0..self.persons.len() {
            if self.persons[i].status != Status::Dead {
                remap[i] = n as u32;
                self.persons[n] = self.persons[i];
                n += 1;
            }
        }
        self.persons.truncate(n);
        let fix = |id: &mut AgentId| {
            if id.is_agent() && !id.is_unit() {
                debug_assert!(
                    remap[id.index()] != u32::MAX,
                    "a dead person is still on the lattice"
                );
                *id = AgentId::person(remap[id.index()] as usize);
            }
        };
        self.world.cells.iter_mut().for_each(fix);
        self.world.overflow.iter_mut().for_each(fix);
        if self.units.iter().any(|u| u.dead) {
            let keep: Vec<bool> = self.units.iter().map(|u| !u.dead).collect();
            self.compact_units(&keep);
        }
    }
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

/// The invariants behind [`Model::check_invariants`].
pub(super) fn check(m: &Model) -> Result<(), String> {
    let w = &m.world;
    let mut seen = vec![0u8; w.n_cells()];
    let mut expect = vec![0u64; w.n_cells()];
    let mut count_id = |id: AgentId| -> Result<(), String> {
        let (x, y) = m.pos(id);
        let c = w.cell(x, y);
        if w.cells[c] == id {
            seen[c] += 1;
            expect[c] = m.mask(id);
            Ok(())
        } else if w.overflow.contains(&id) {
            if w.cells[c].is_none() {
                return Err(format!("{id:?} shares an empty cell"));
            }
            Ok(())
        } else {
            Err(format!("{id:?} at ({x},{y}) is not on its cell"))
        }
    };
    for (i, p) in m.persons.iter().enumerate() {
        if p.status == Status::Dead {
            return Err(format!("dead person {i} kept after the tick"));
        }
        if m.is_occupant(p) {
            count_id(AgentId::person(i))?;
        } else {
            let id = AgentId::person(i);
            if w.cells.contains(&id) || w.overflow.contains(&id) {
                return Err(format!("person {i} ({:?}) is on the lattice", p.status));
            }
        }
        if p.status == Status::Jailed
            && p.jail == 0
            && m.rules.countdown == crate::rules::Countdown::EndOfTick
        {
            return Err(format!("person {i} is jailed with no term left"));
        }
    }
    for i in 0..m.units.len() {
        if m.units[i].dead {
            return Err(format!("dead unit {i} kept after the tick"));
        }
        count_id(AgentId::unit(i))?;
    }
    for c in 0..w.n_cells() {
        if w.cells[c] == AgentId::BLOCKED {
            if w.region[c] != crate::world::OUTSIDE {
                return Err(format!("blocked cell {c} lies in a region"));
            }
            expect[c] = 1 << layer::OCCUPIED;
        } else if !w.cells[c].is_none() && seen[c] != 1 {
            return Err(format!("cell {c} lists an agent that is not there"));
        }
        let (x, y) = (c % w.width, c / w.width);
        for l in 0..w.layers.len() {
            if w.layers.get(l, x, y) != (expect[c] >> l & 1 == 1) {
                return Err(format!("layer {l} disagrees with the agents at ({x},{y})"));
            }
        }
    }
    let occupants = w.cells.iter().filter(|c| c.is_agent()).count() + w.overflow.len();
    let expected = m.persons.iter().filter(|p| m.is_occupant(p)).count() + m.units.len();
    if occupants != expected {
        return Err(format!(
            "{occupants} occupants on the lattice, {expected} expected"
        ));
    }
    Ok(())
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
