//! Vision sets as row masks.
//!
//! Every vision set is symmetric and, row by row, a contiguous run of cells centred on the
//! agent's column. A [`Shape`] stores, for each row offset `dy` in `−R..=R`, a bit mask over a
//! window of `2R + 1` columns starting at column `x − R`. Counting agents of a kind in vision
//! is then one masked popcount per row (see [`crate::world::Layers`]).

use crate::rules::VisionShape;

/// The largest vision radius (in cells) the lattice code supports: a row window of
/// `2R + 1 <= 57` bits is read with one unaligned 64-bit load.
pub const MAX_RADIUS: u32 = 28;

/// A vision set, ready for counting.
///
/// ```text
/// use impunity::world::Shape;
/// use impunity::rules::VisionShape;
/// // Mesa's neighbourhood: the von Neumann diamond of radius 7 without the own cell.
/// assert_eq!(Shape::new(VisionShape::Diamond, 7.0, false).cells(), 112);
/// // The paper's radius 1.7: the 8 Moore neighbours.
/// assert_eq!(Shape::new(VisionShape::Disc, 1.7, false).cells(), 8);
/// // NetLogo's `in-radius 7` includes the own patch: 149 patches.
/// assert_eq!(Shape::new(VisionShape::Disc, 7.0, true).cells(), 149);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    radius: u32,
    masks: Vec<u64>,
    cells: u32,
}

impl Shape {
    /// The vision set of `kind` with radius `v` (cells), with or without the own cell.
    ///
    /// # Panics
    /// If `v` is negative, not finite, or above [`MAX_RADIUS`]; scenario validation rejects
    /// such values first.
    pub fn new(kind: VisionShape, v: f64, include_center: bool) -> Shape {
        assert!(
            v.is_finite() && v >= 0.0 && v <= MAX_RADIUS as f64 + 0.999,
            "vision radius {v} out of range"
        );
        let r = v.floor() as i64;
        let mut masks = Vec::with_capacity(2 * r as usize + 1);
        let mut cells = 0;
        for dy in -r..=r {
            let half: i64 = match kind {
                VisionShape::Disc => {
                    // largest w with w² + dy² <= v² (exactly, in integers where v is integral)
                    let mut w = r;
                    while w >= 0 && ((w * w + dy * dy) as f64) > v * v {
                        w -= 1;
                    }
                    w
                }
                VisionShape::Diamond => r - dy.abs(),
                VisionShape::Square => r,
            };
            let mut m = 0u64;
            if half >= 0 {
                for dx in -half..=half {
                    if dx == 0 && dy == 0 && !include_center {
                        continue;
                    }
                    m |= 1u64 << (dx + r) as u32;
                    cells += 1;
                }
            }
            masks.push(m);
        }
        Shape {
            radius: r as u32,
            masks,
            cells,
        }
    }

    /// The Moore neighbourhood (8 cells), used for births.
    pub fn moore() -> Shape {
        Shape::new(VisionShape::Square, 1.0, false)
    }

    /// R: the largest row offset.
    #[inline(always)]
    pub fn radius(&self) -> u32 {
        self.radius
    }

    /// Row masks, index `dy + R`; bit `i` is column `x − R + i`.
    #[inline(always)]
    pub fn masks(&self) -> &[u64] {
        &self.masks
    }

    /// Number of cells in the set.
    pub fn cells(&self) -> u32 {
        self.cells
    }

    /// Whether the offset (dx, dy) is in the set.
    pub fn contains(&self, dx: i64, dy: i64) -> bool {
        let r = self.radius as i64;
        if dx.abs() > r || dy.abs() > r {
            return false;
        }
        self.masks[(dy + r) as usize] >> (dx + r) & 1 == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of `Shape`'s doc.
    #[test]
    fn shape_example() {
        assert_eq!(Shape::new(VisionShape::Diamond, 7.0, false).cells(), 112);
        assert_eq!(Shape::new(VisionShape::Disc, 1.7, false).cells(), 8);
        assert_eq!(Shape::new(VisionShape::Disc, 7.0, true).cells(), 149);
    }

    #[test]
    fn sizes() {
        assert_eq!(Shape::new(VisionShape::Diamond, 7.0, true).cells(), 113);
        assert_eq!(Shape::new(VisionShape::Square, 1.0, false).cells(), 8);
        assert_eq!(Shape::new(VisionShape::Square, 2.0, true).cells(), 25);
        assert_eq!(Shape::new(VisionShape::Disc, 7.0, false).cells(), 148);
        assert_eq!(Shape::new(VisionShape::Disc, 1.0, false).cells(), 4);
        assert_eq!(Shape::new(VisionShape::Disc, 0.0, true).cells(), 1);
    }

    #[test]
    fn contains_matches_definition() {
        let s = Shape::new(VisionShape::Disc, 3.5, false);
        for dy in -5i64..=5 {
            for dx in -5i64..=5 {
                let want = (dx * dx + dy * dy) as f64 <= 3.5 * 3.5 && !(dx == 0 && dy == 0);
                assert_eq!(s.contains(dx, dy), want, "{dx},{dy}");
            }
        }
    }
}
