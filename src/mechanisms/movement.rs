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

use crate::model::Agents;
use crate::rng::Rng;
use crate::world::{AgentId, MAX_ROWS, Shape, layer};
use rand::RngExt;

/// Moves `id`, standing at (x, y), to a uniformly random one of the `free` free cells of
/// `shape` counted per row in `rows`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn move_to_nth_free(
    a: &mut Agents,
    id: AgentId,
    x: usize,
    y: usize,
    free: u32,
    rows: &[u8; MAX_ROWS],
    shape: &Shape,
    rng: &mut Rng,
) {
    let k = rng.random_range(0..free);
    let (tx, ty) = a
        .world
        .layers
        .nth_clear(layer::OCCUPIED, x, y, shape, rows, k);
    a.move_to(id, tx, ty);
}

/// Rule M for `id` with vision `shape`: to a uniformly random free cell in vision, if any.
#[inline(always)]
pub(crate) fn move_in_vision(a: &mut Agents, id: AgentId, shape: &Shape, rng: &mut Rng) {
    let (x, y) = a.pos(id);
    let mut rows = [0u8; MAX_ROWS];
    let free = a
        .world
        .layers
        .count_clear_rows(layer::OCCUPIED, x, y, shape, &mut rows);
    if free > 0 {
        move_to_nth_free(a, id, x, y, free, &rows, shape, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Agents, LayerMap, Person, Status};
    use crate::rng::{Stream, stream_rng};
    use crate::world::World;

    /// A 5 × 5 bounded lattice with one person in the middle.
    fn one_person() -> Agents {
        let layers = LayerMap {
            community_layer: vec![None],
            ..Default::default()
        };
        let mut a = Agents::new(World::new(5, 5, false, 2, 0), layers);
        a.persons.push(Person {
            hardship: 0.5,
            risk: 0.5,
            x: 2,
            y: 2,
            jail: 0,
            dies_at: u32::MAX,
            status: Status::Quiescent,
            community: 0,
            group: crate::model::NO_GROUP,
            flags: 0,
        });
        a.occupy(AgentId::person(0), 2, 2);
        a
    }

    #[test]
    fn moves_to_the_only_free_cell_in_vision() {
        let mut a = one_person();
        // fill every cell of the Moore neighbourhood but (3, 2)
        let shape = Shape::moore();
        for (x, y) in [(1, 1), (2, 1), (3, 1), (1, 2), (1, 3), (2, 3), (3, 3)] {
            a.world.layers.put(layer::OCCUPIED, x, y, true);
            let c = a.world.cell(x, y);
            a.world.cells[c] = AgentId::BLOCKED;
        }
        let mut rng = stream_rng(1, 0, Stream::Movement);
        move_in_vision(&mut a, AgentId::person(0), &shape, &mut rng);
        assert_eq!((a.persons[0].x, a.persons[0].y), (3, 2));
        assert_eq!(a.at(3, 2), AgentId::person(0));
        assert!(a.at(2, 2).is_none());
    }

    #[test]
    fn stays_when_nothing_is_free() {
        let mut a = one_person();
        for y in 0..5 {
            for x in 0..5 {
                if (x, y) != (2, 2) {
                    a.world.layers.put(layer::OCCUPIED, x, y, true);
                }
            }
        }
        let mut rng = stream_rng(1, 0, Stream::Movement);
        let before = rng.clone();
        move_in_vision(&mut a, AgentId::person(0), &Shape::moore(), &mut rng);
        assert_eq!((a.persons[0].x, a.persons[0].y), (2, 2));
        assert_eq!(rng, before, "no draw when no cell is free");
    }
}
