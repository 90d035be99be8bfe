//! The lattice: geometry, vision shapes, bit layers and who stands on which cell.
//!
//! Internal: a researcher reads the lattice through [`crate::Model`] (persons, units,
//! [`crate::Model::region_at`]) and [`crate::snapshot`].

mod huge;
mod isa;
mod layers;
mod shape;

pub(crate) use huge::advise_huge_pages;
pub(crate) use isa::Isa;
pub use isa::cpu_path;
pub(crate) use layers::{LayerId, Layers, MAX_ROWS};
pub(crate) use shape::{MAX_RADIUS, Shape};

/// Identifies an agent: a person (`index`) or a force unit (`UNIT | index`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct AgentId(pub u32);

impl AgentId {
    /// Marks force units.
    pub const UNIT: u32 = 1 << 31;
    /// No agent.
    pub const NONE: AgentId = AgentId(u32::MAX);
    /// A cell outside every region: permanently occupied by nobody.
    pub const BLOCKED: AgentId = AgentId(u32::MAX - 1);

    /// The person with index `i`.
    #[inline(always)]
    pub fn person(i: usize) -> AgentId {
        AgentId(i as u32)
    }
    /// The force unit with index `i`.
    #[inline(always)]
    pub fn unit(i: usize) -> AgentId {
        AgentId(i as u32 | Self::UNIT)
    }
    /// Whether this is a force unit.
    #[inline(always)]
    pub fn is_unit(self) -> bool {
        self.0 & Self::UNIT != 0
    }
    /// Index into the person or unit array.
    #[inline(always)]
    pub fn index(self) -> usize {
        (self.0 & !Self::UNIT) as usize
    }
    /// Whether this is [`AgentId::NONE`].
    #[inline(always)]
    pub fn is_none(self) -> bool {
        self.0 == u32::MAX
    }
    /// Whether this is a real agent (not [`AgentId::NONE`] or [`AgentId::BLOCKED`]).
    #[inline(always)]
    pub fn is_agent(self) -> bool {
        self.0 < u32::MAX - 1
    }
}

/// The layers every model has; models add more after these.
pub(crate) mod layer {
    use super::LayerId;
    /// Cells with an occupant (blocks movement). Filled off a bounded lattice.
    pub const OCCUPIED: LayerId = 0;
    /// Force units that count as cops in the arrest-probability estimate.
    pub const COPS: LayerId = 1;
    /// Active persons.
    pub const ACTIVE: LayerId = 2;
    /// Number of fixed layers.
    pub const FIXED: usize = 3;
}

/// Region index of cells outside every region.
pub(crate) const OUTSIDE: u8 = u8::MAX;

/// The lattice and its occupants.
#[derive(Clone, Debug)]
pub(crate) struct World {
    /// Width in cells.
    pub width: usize,
    /// Height in cells.
    pub height: usize,
    /// Whether edges wrap.
    pub torus: bool,
    /// Bit layers.
    pub layers: Layers,
    /// The occupant of each cell (`y * width + x`), or [`AgentId::NONE`].
    pub cells: Vec<AgentId>,
    /// Occupants sharing a cell with the cell's main occupant. Only NetLogo's rules, where a
    /// released agent reappears on a cell somebody else moved onto, ever put agents here, and
    /// they leave at their next move.
    pub overflow: Vec<AgentId>,
    /// Region index of each cell ([`OUTSIDE`] for cells outside every region; all 0 when the
    /// scenario has no regions).
    pub region: Vec<u8>,
}

impl World {
    /// An empty lattice with `extra` layers after the [`layer::FIXED`] ones; `pad` is the
    /// largest vision radius.
    pub fn new(width: usize, height: usize, torus: bool, pad: usize, extra: usize) -> World {
        let mut fill = vec![false; layer::FIXED + extra];
        fill[layer::OCCUPIED] = true;
        let world = World {
            width,
            height,
            torus,
            layers: Layers::new(width, height, torus, pad, fill),
            cells: vec![AgentId::NONE; width * height],
            overflow: Vec::new(),
            region: vec![0; width * height],
        };
        advise_huge_pages(&world.cells);
        advise_huge_pages(&world.region);
        world.layers.advise_huge_pages();
        world
    }

    /// Index of cell (x, y).
    #[inline(always)]
    pub fn cell(&self, x: usize, y: usize) -> usize {
        y * self.width + x
    }

    /// Number of cells.
    pub fn n_cells(&self) -> usize {
        self.width * self.height
    }

    /// Shortest signed offset from `a` to `b` along an axis of length `n`.
    #[inline]
    pub fn delta(&self, a: usize, b: usize, n: usize) -> i64 {
        let mut d = b as i64 - a as i64;
        if self.torus {
            let n = n as i64;
            if d > n / 2 {
                d -= n;
            } else if d < -(n / 2) {
                d += n;
            }
        }
        d
    }

    /// Whether (bx, by) lies within `shape` of (ax, ay).
    #[inline]
    pub fn sees(&self, ax: usize, ay: usize, bx: usize, by: usize, shape: &Shape) -> bool {
        shape.contains(
            self.delta(ax, bx, self.width),
            self.delta(ay, by, self.height),
        )
    }

    /// Bytes held by the lattice.
    pub fn heap_bytes(&self) -> usize {
        self.layers.heap_bytes() + self.cells.len() * 4 + self.region.len()
    }
}
