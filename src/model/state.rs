//! The persistent agent state every mechanism's turn works on: the lattice and who stands on
//! it ([`Agents`]), kept consistent by the few operations here (occupy, vacate, move, change
//! status, remove the dead). Mechanisms never write a cell or a layer bit themselves.

use super::{Person, Status, Unit};
use crate::rng::Rng;
use crate::world::{AgentId, LayerId, World, layer};
use rand::RngExt;

/// Which bit layers each kind of occupant is painted on (resolved from the scenario).
#[derive(Clone, Debug, Default)]
pub(crate) struct LayerMap {
    /// Layers of a unit of each force.
    pub unit_mask: Vec<u64>,
    /// Layers of a fighter of each group.
    pub fighter_mask: Vec<u64>,
    /// Per community: the layer of its free civilians, if any mechanism needs it.
    pub community_layer: Vec<Option<LayerId>>,
    /// Whether a jailed person keeps its cell (Mesa's rules).
    pub jailed_occupy: bool,
}

/// The lattice, the persons and the force units of one replicate.
#[derive(Clone, Debug)]
pub(crate) struct Agents {
    /// The lattice and its layers.
    pub world: World,
    /// All persons, dead ones of the current tick included until it ends.
    pub persons: Vec<Person>,
    /// All force units.
    pub units: Vec<Unit>,
    /// People each person stands for, in the conflict model (empty in Epstein's models,
    /// where an agent is one person): every person starts as `nominal` people, and killings
    /// take them one by one; a person with nobody left is dead.
    pub person_people: Vec<u16>,
    /// People (soldiers) each force unit stands for, in the conflict model (empty in
    /// Epstein's models).
    pub unit_people: Vec<u16>,
    /// People one agent stands for at the start (`world.people_per_agent`; 1 in Epstein's
    /// models).
    pub nominal: u16,
    /// Which layers each occupant belongs to.
    pub layers: LayerMap,
    /// Somebody died this tick (the bookkeeping phase then removes the dead).
    pub any_dead: bool,
}

impl Agents {
    /// An empty lattice.
    pub fn new(world: World, layers: LayerMap) -> Agents {
        Agents {
            world,
            persons: Vec::new(),
            units: Vec::new(),
            person_people: Vec::new(),
            unit_people: Vec::new(),
            nominal: 1,
            layers,
            any_dead: false,
        }
    }

    /// The people person `i` stands for (1 in Epstein's models).
    #[inline(always)]
    pub fn people(&self, i: usize) -> u32 {
        self.person_people.get(i).map_or(1, |&n| n as u32)
    }

    /// The soldiers unit `u` stands for (1 in Epstein's models).
    #[inline(always)]
    pub fn soldiers(&self, u: usize) -> u32 {
        self.unit_people.get(u).map_or(1, |&n| n as u32)
    }

    /// Whether agents carry their own number of people (the conflict model).
    #[inline(always)]
    pub fn counts_people(&self) -> bool {
        !self.person_people.is_empty() || !self.unit_people.is_empty()
    }

    /// Gives every person and unit placed so far `nominal` people: the conflict model's
    /// agents each stand for that many.
    pub fn count_people(&mut self, nominal: u16) {
        self.nominal = nominal;
        self.person_people = vec![nominal; self.persons.len()];
        self.unit_people = vec![nominal; self.units.len()];
    }

    /// Adds a person standing for `people` people (recorded only when agents carry their
    /// own numbers); not yet on the lattice.
    pub fn push_person(&mut self, p: Person, people: u16) -> usize {
        self.persons.push(p);
        if self.counts_people() {
            self.person_people.push(people);
        }
        self.persons.len() - 1
    }

    /// Adds a person standing for `people` people at its position, on the lattice if its
    /// status makes it an occupant (sharing the cell if it is taken).
    pub fn add_person(&mut self, p: Person, people: u16) -> usize {
        let i = self.push_person(p, people);
        if self.is_occupant(&p) {
            self.occupy(AgentId::person(i), p.x as usize, p.y as usize);
        }
        i
    }

    /// Adds a force unit standing for `people` soldiers; not yet on the lattice.
    pub fn push_unit(&mut self, u: Unit, people: u16) -> usize {
        self.units.push(u);
        if self.counts_people() {
            self.unit_people.push(people);
        }
        self.units.len() - 1
    }

    /// Takes up to `n` people from person `i` (they are killed, or captured); the person is
    /// dead when nobody is left. Returns how many were taken.
    pub fn take_people(&mut self, i: usize, n: u32) -> u32 {
        if self.persons[i].status == Status::Dead || n == 0 {
            return 0;
        }
        let have = self.people(i);
        let taken = n.min(have);
        if taken == have {
            if let Some(p) = self.person_people.get_mut(i) {
                *p = 0;
            }
            self.set_status(i, Status::Dead);
        } else {
            self.person_people[i] = (have - taken) as u16;
        }
        taken
    }

    /// Takes up to `n` soldiers from unit `u`; the unit is destroyed when nobody is left.
    /// Returns how many were taken.
    pub fn take_soldiers(&mut self, u: usize, n: u32) -> u32 {
        if self.units[u].dead || n == 0 {
            return 0;
        }
        let have = self.soldiers(u);
        let taken = n.min(have);
        if taken == have {
            if let Some(p) = self.unit_people.get_mut(u) {
                *p = 0;
            }
            self.destroy_unit(u);
        } else {
            self.unit_people[u] = (have - taken) as u16;
        }
        taken
    }

    /// Whether person `p` is an occupant of its cell under the rules.
    #[inline(always)]
    pub fn is_occupant(&self, p: &Person) -> bool {
        match p.status {
            Status::Quiescent | Status::Active | Status::Fighter => true,
            Status::Jailed => self.layers.jailed_occupy,
            Status::Dead => false,
        }
    }

    /// The layers an occupant belongs to, as a bit mask over layer ids.
    #[inline(always)]
    pub fn mask(&self, id: AgentId) -> u64 {
        if id.is_unit() {
            self.layers.unit_mask[self.units[id.index()].force as usize]
        } else {
            let p = &self.persons[id.index()];
            let mut m = 1 << layer::OCCUPIED;
            match p.status {
                Status::Active => {
                    m |= 1 << layer::ACTIVE;
                }
                Status::Jailed | Status::Dead => return m,
                Status::Fighter => return self.layers.fighter_mask[p.group as usize],
                Status::Quiescent => {}
            }
            if let Some(l) = self.layers.community_layer[p.community as usize] {
                m |= 1 << l;
            }
            m
        }
    }

    /// Where agent `id` stands.
    #[inline(always)]
    pub fn pos(&self, id: AgentId) -> (usize, usize) {
        if id.is_unit() {
            let u = &self.units[id.index()];
            (u.x as usize, u.y as usize)
        } else {
            let p = &self.persons[id.index()];
            (p.x as usize, p.y as usize)
        }
    }

    /// The agent on cell (x, y) (its main occupant).
    #[inline(always)]
    pub fn at(&self, x: usize, y: usize) -> AgentId {
        self.world.cells[self.world.cell(x, y)]
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
    pub fn occupy(&mut self, id: AgentId, x: usize, y: usize) {
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
    pub fn vacate(&mut self, id: AgentId) {
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
    pub fn move_to(&mut self, id: AgentId, x: usize, y: usize) {
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
    pub fn set_status(&mut self, i: usize, status: Status) {
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
            self.any_dead = true;
        }
    }

    /// A unit falls in battle: it leaves the lattice now and the record at the end of the
    /// tick.
    pub fn destroy_unit(&mut self, u: usize) {
        self.vacate(AgentId::unit(u));
        self.units[u].dead = true;
        self.any_dead = true;
    }

    /// A uniformly random empty cell of the whole lattice (`None` when it is full).
    pub fn random_empty_cell(&self, rng: &mut Rng) -> Option<(usize, usize)> {
        let (w, h) = (self.world.width, self.world.height);
        let occupied = self.world.cells.iter().filter(|c| !c.is_none()).count();
        // (blocked cells count as occupied)
        if occupied >= w * h {
            return None;
        }
        loop {
            let c = rng.random_range(0..w * h);
            if self.world.cells[c].is_none() {
                return Some((c % w, c / w));
            }
        }
    }

    /// Drops the units `keep` says no to, renumbering the others on the lattice; `remap` is
    /// a reusable buffer.
    pub fn compact_units(&mut self, keep: impl Fn(usize, &Unit) -> bool, remap: &mut Vec<u32>) {
        remap.clear();
        remap.resize(self.units.len(), u32::MAX);
        let mut n = 0;
        let people = !self.unit_people.is_empty();
        for i in 0..self.units.len() {
            if keep(i, &self.units[i]) {
                remap[i] = n as u32;
                self.units[n] = self.units[i];
                if people {
                    self.unit_people[n] = self.unit_people[i];
                }
                n += 1;
            }
        }
        self.units.truncate(n);
        if people {
            self.unit_people.truncate(n);
        }
        let fix = |id: &mut AgentId| {
            if id.is_agent() && id.is_unit() {
                *id = AgentId::unit(remap[id.index()] as usize);
            }
        };
        self.world.cells.iter_mut().for_each(fix);
        self.world.overflow.iter_mut().for_each(fix);
    }

    /// Drops dead persons and destroyed units, keeping the others in order; `remap` is a
    /// reusable buffer.
    pub fn remove_dead(&mut self, remap: &mut Vec<u32>) {
        if !self.any_dead {
            return;
        }
        self.any_dead = false;
        remap.clear();
        remap.resize(self.persons.len(), u32::MAX);
        let mut n = 0;
        let people = !self.person_people.is_empty();
        for i in 0..self.persons.len() {
            if self.persons[i].status != Status::Dead {
                remap[i] = n as u32;
                self.persons[n] = self.persons[i];
                if people {
                    self.person_people[n] = self.person_people[i];
                }
                n += 1;
            }
        }
        self.persons.truncate(n);
        if people {
            self.person_people.truncate(n);
        }
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
            self.compact_units(|_, u| !u.dead, remap);
        }
    }
}
