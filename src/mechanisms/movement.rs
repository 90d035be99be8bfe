//! Epstein's movement rule M: move to a uniformly random free cell in vision.
//!
//! "Free" means without an occupant; who occupies a cell is set by the rules
//! ([`crate::rules::JailedCell`]): under `mesa` a jailed person keeps its cell, under `netlogo`
//! its cell counts as free, under `paper` it has left the lattice. If no cell in vision is
//! free the agent stays. Persons move when `population.movement` is on; each force's units
//! when `forces.<f>.movement` is on.
//!
//! The candidate cells are counted with one masked popcount per vision row; the k-th free
//! cell is then found by walking the rows (see [`crate::world::Layers::nth_clear`]).

use crate::model::Model;
use crate::rng::Stream;
use crate::world::{AgentId, MAX_ROWS, Shape, layer};
use rand::RngExt;

impl Model {
    /// Moves `id`, standing at (x, y), to a uniformly random one of the `free` free cells
    /// counted per row in `rows` (for `shape`, or the person shape when `None`).
    #[inline(always)]
    pub(crate) fn move_to_nth_free(
        &mut self,
        id: AgentId,
        x: usize,
        y: usize,
        free: u32,
        rows: &[u8; MAX_ROWS],
        shape: Option<&Shape>,
    ) {
        let k = self.rng.get(Stream::Movement).random_range(0..free);
        let shape = shape.unwrap_or(&self.params.person_shape);
        let (tx, ty) = self
            .world
            .layers
            .nth_clear(layer::OCCUPIED, x, y, shape, rows, k);
        self.move_to(id, tx, ty);
    }

    /// Rule M for `id` with vision `shape`.
    #[inline(always)]
    pub(crate) fn move_in_vision(&mut self, id: AgentId, shape_of_unit: Option<usize>) {
        let (x, y) = self.pos(id);
        let shape = match shape_of_unit {
            Some(f) => &self.params.unit_shape[f],
            None => &self.params.person_shape,
        };
        let mut rows = [0u8; MAX_ROWS];
        let free = self
            .world
            .layers
            .count_clear_rows(layer::OCCUPIED, x, y, shape, &mut rows);
        if free > 0 {
            let k = self.rng.get(Stream::Movement).random_range(0..free);
            let (tx, ty) = self
                .world
                .layers
                .nth_clear(layer::OCCUPIED, x, y, shape, &rows, k);
            self.move_to(id, tx, ty);
        }
    }
}
