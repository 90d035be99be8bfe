//! Births and deaths of age (Epstein's Model II).
//!
//! On its turn, a free person gives birth with probability `birth_rate`: the child appears on
//! a uniformly random empty cell of the parent's Moore neighbourhood (none empty: no birth),
//! belongs to the parent's community, and draws its own hardship and risk aversion from
//! U(0, 1) (children inherit the group, not the temperament). Every person draws a lifespan
//! uniformly from 1..=`max_age` ticks at birth (initial persons at tick 0) and dies when it is
//! reached, in jail or not.
//!
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | birth rate | `demography.birth_rate` | per person per tick, [0, 1] | 0 (off); Epstein's Model II uses 0.05 |
//! | maximum age | `demography.max_age` | ticks, 0 = immortal | 0 (off); Epstein's Model II uses 200 |

use crate::model::{Model, Person, Status};
use crate::rng::Stream;
use crate::world::{AgentId, MAX_ROWS, layer};
use rand::RngExt;

impl Model {
    /// Person `i` may give birth.
    #[inline]
    pub(crate) fn maybe_give_birth(&mut self, i: usize) {
        let rate = self.params.birth_rate;
        if rate <= 0.0 || !matches!(self.persons[i].status, Status::Quiescent | Status::Active) {
            return;
        }
        let rng = self.rng.get(Stream::Demography);
        if !rng.random_bool(rate) {
            return;
        }
        let p = self.persons[i];
        let (x, y) = (p.x as usize, p.y as usize);
        let mut rows = [0u8; MAX_ROWS];
        let free = self.world.layers.count_clear_rows(
            layer::OCCUPIED,
            x,
            y,
            &self.params.moore,
            &mut rows,
        );
        if free == 0 {
            return;
        }
        let max_age = self.params.max_age;
        let tick = self.tick();
        let rng = self.rng.get(Stream::Demography);
        let k = rng.random_range(0..free);
        let hardship = rng.random::<f64>();
        let risk = rng.random::<f64>();
        let dies_at = if max_age > 0 {
            tick.saturating_add(rng.random_range(1..=max_age))
        } else {
            u32::MAX
        };
        let (cx, cy) =
            self.world
                .layers
                .nth_clear(layer::OCCUPIED, x, y, &self.params.moore, &rows, k);
        self.persons.push(Person {
            hardship,
            risk,
            x: cx as u16,
            y: cy as u16,
            jail: 0,
            dies_at,
            status: Status::Quiescent,
            community: p.community,
            group: crate::model::NO_GROUP,
            flags: p.flags & crate::model::ARMED,
        });
        let id = AgentId::person(self.persons.len() - 1);
        self.occupy(id, cx, cy);
        self.counters.births += 1;
    }

    /// Persons whose lifespan is over die.
    pub(crate) fn deaths_of_age(&mut self) {
        if self.params.max_age == 0 {
            return;
        }
        let tick = self.tick();
        for i in 0..self.persons.len() {
            let p = self.persons[i];
            if p.status != Status::Dead && p.dies_at <= tick {
                self.set_status(i, Status::Dead);
                self.counters.deaths_of_age += 1;
            }
        }
    }
}
