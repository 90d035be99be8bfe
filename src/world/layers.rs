//! Bit layers over the lattice: one bit per cell per layer (occupied, cop, active, …).
//!
//! Each row of each layer is stored with `pad` halo columns on both sides. On a torus the halo
//! mirrors the opposite edge, so a window that crosses the edge reads the wrapped cells without
//! any modulo; on a bounded lattice the halo holds the layer's *fill* bit (1 for the occupancy
//! layer, so cells off the lattice are never free; 0 elsewhere, so they are never counted).
//! Rows are wrapped (torus) or sent to an extra sentinel row full of fill bits (bounded) with a
//! lookup table.
//!
//! Each layer is a plane of its own (its rows, then its sentinel row), so that the few layers
//! every turn reads (occupancy, cops, actives) lie together in memory and stay in cache however
//! many layers a model keeps (the conflict model keeps one per community, group and force, read
//! far less often). Words are stored little-endian so that the byte-addressed
//! unaligned window reads below mean the same on every platform.

use super::Shape;

/// Identifies a layer.
pub type LayerId = usize;

/// A stack of bit layers over a `width × height` lattice.
#[derive(Clone, Debug)]
pub struct Layers {
    width: usize,
    height: usize,
    torus: bool,
    pad: usize,
    wpr: usize,
    /// Words of one layer's plane: `height` rows and the sentinel row, `wpr` words each.
    plane: usize,
    n_layers: usize,
    fill: Vec<bool>,
    data: Vec<u64>,
    /// Virtual row `y + pad` (for `y` in `−pad .. height + pad`) → byte offset of its
    /// physical row in `data`.
    row_lut: Vec<usize>,
    /// Per layer: 0 if untracked, else 1 + its index in `blocks` ([`Layers::track`]).
    tracked: Vec<u8>,
    /// Per tracked layer, its set cells per block of `BLOCK × BLOCK` cells, row-major.
    blocks: Vec<Vec<u32>>,
}

/// Side of the blocks a tracked layer is counted in ([`Layers::track`]).
const BLOCK: usize = 16;

/// Room for the per-row counts of a window: up to 2 × 28 + 1 = 57 rows, rounded up to whole
/// 8-byte words (the counts are written eight rows at a time; see [`put_rows`]).
pub const MAX_ROWS: usize = 64;

impl Layers {
    /// `n_layers` empty layers; `fill[l]` is layer `l`'s value off a bounded lattice. `pad` must
    /// be at least the largest vision radius used (and, on a torus, `2·pad < min(width, height)`).
    pub fn new(width: usize, height: usize, torus: bool, pad: usize, fill: Vec<bool>) -> Layers {
        assert!(width > 0 && height > 0);
        assert!(!torus || (2 * pad < width && 2 * pad < height));
        let n_layers = fill.len();
        let bits = width + 2 * pad;
        let wpr = bits.div_ceil(64);
        // one plane per layer (so that the few layers every turn reads, occupancy, cops
        // and actives, lie together and stay in cache however many layers the model has):
        // height rows + 1 sentinel row; + 1 spare word for the last unaligned read
        let plane = (height + 1) * wpr;
        let data = vec![0u64; n_layers * plane + 1];
        let row_lut = (0..height + 2 * pad)
            .map(|v| {
                let y = v as i64 - pad as i64;
                let row = if torus {
                    y.rem_euclid(height as i64) as usize
                } else if y < 0 || y >= height as i64 {
                    height
                } else {
                    y as usize
                };
                row * wpr * 8
            })
            .collect();
        let mut layers = Layers {
            width,
            height,
            torus,
            pad,
            wpr,
            plane,
            n_layers,
            fill,
            data,
            row_lut,
            tracked: vec![0; n_layers],
            blocks: Vec::new(),
        };
        layers.reset();
        layers
    }

    /// Clears every layer (keeping fill bits off a bounded lattice).
    pub fn reset(&mut self) {
        self.data.iter_mut().for_each(|w| *w = 0);
        self.blocks.iter_mut().for_each(|b| b.fill(0));
        if self.torus {
            return;
        }
        for l in 0..self.n_layers {
            if !self.fill[l] {
                continue;
            }
            // sentinel row: all ones
            for w in 0..self.wpr {
                self.data[l * self.plane + self.height * self.wpr + w] = u64::MAX.to_le();
            }
            // halo columns of every row
            for y in 0..self.height {
                for b in (0..self.pad).chain(self.pad + self.width..self.wpr * 64) {
                    self.raw_set(l, y, b, true);
                }
            }
        }
    }

    /// Number of layers.
    pub fn len(&self) -> usize {
        self.n_layers
    }

    #[inline(always)]
    fn raw_set(&mut self, l: LayerId, row: usize, bit: usize, on: bool) {
        let i = l * self.plane + row * self.wpr + bit / 64;
        let m = (1u64 << (bit % 64)).to_le();
        if on {
            self.data[i] |= m;
        } else {
            self.data[i] &= !m;
        }
    }

    /// Keeps a count of layer `l`'s set cells per block of 16 × 16 cells from now on, so that
    /// [`Layers::none_near`] can tell cheaply that a window holds none (a sparse layer, such
    /// as an armed group's fighters, is empty around most cells).
    pub fn track(&mut self, l: LayerId) {
        if self.tracked[l] != 0 {
            return;
        }
        let (bw, bh) = (self.width.div_ceil(BLOCK), self.height.div_ceil(BLOCK));
        let mut counts = vec![0u32; bw * bh];
        for y in 0..self.height {
            let row = &self.data[l * self.plane + y * self.wpr..][..self.wpr];
            for (w, &word) in row.iter().enumerate() {
                let mut bits = u64::from_le(word);
                while bits != 0 {
                    let b = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    // the lattice's own columns, not the halo
                    if (self.pad..self.pad + self.width).contains(&b) {
                        counts[(y / BLOCK) * bw + (b - self.pad) / BLOCK] += 1;
                    }
                }
            }
        }
        self.blocks.push(counts);
        self.tracked[l] = u8::try_from(self.blocks.len()).expect("at most 255 tracked layers");
    }

    /// Whether layer `l` certainly has no set cell within `r` of (x, y) (the square around it,
    /// which holds every vision shape of radius `r`). Only a tracked layer on a bounded
    /// lattice can answer yes; otherwise `false` (maybe some).
    #[inline(always)]
    pub fn none_near(&self, l: LayerId, x: usize, y: usize, r: usize) -> bool {
        let t = self.tracked[l] as usize;
        if t == 0 || self.torus {
            return false;
        }
        let counts = &self.blocks[t - 1];
        let bw = self.width.div_ceil(BLOCK);
        let (bx0, bx1) = (
            x.saturating_sub(r) / BLOCK,
            (x + r).min(self.width - 1) / BLOCK,
        );
        let (by0, by1) = (
            y.saturating_sub(r) / BLOCK,
            (y + r).min(self.height - 1) / BLOCK,
        );
        (by0..=by1).all(|by| {
            counts[by * bw + bx0..=by * bw + bx1]
                .iter()
                .all(|&n| n == 0)
        })
    }

    /// Sets or clears cell (x, y) of layer `l`, halo mirrors included.
    #[inline(always)]
    pub fn put(&mut self, l: LayerId, x: usize, y: usize, on: bool) {
        debug_assert!(x < self.width && y < self.height && l < self.n_layers);
        if self.tracked[l] != 0 {
            self.count_in_block(l, x, y, on);
        }
        let b = x + self.pad;
        self.raw_set(l, y, b, on);
        if self.torus {
            // the halo copies, if the cell has any; else the cell itself again (the same
            // write): no branch that a random cell would mispredict
            let left = if x < self.pad { b + self.width } else { b };
            let right = if x + self.pad >= self.width {
                b - self.width
            } else {
                b
            };
            self.raw_set(l, y, left, on);
            self.raw_set(l, y, right, on);
        }
    }

    /// A tracked layer's cell (x, y) is about to be set to `on`: its block's count follows.
    #[inline(never)]
    fn count_in_block(&mut self, l: LayerId, x: usize, y: usize, on: bool) {
        if self.get(l, x, y) == on {
            return;
        }
        let bw = self.width.div_ceil(BLOCK);
        let n = &mut self.blocks[self.tracked[l] as usize - 1][(y / BLOCK) * bw + x / BLOCK];
        if on {
            *n += 1;
        } else {
            *n -= 1;
        }
    }

    /// Cell (x, y) of layer `l`.
    #[inline(always)]
    pub fn get(&self, l: LayerId, x: usize, y: usize) -> bool {
        let b = x + self.pad;
        let w = u64::from_le(self.data[l * self.plane + y * self.wpr + b / 64]);
        w >> (b % 64) & 1 == 1
    }

    /// Where the windows of a shape of radius `r` centred on (x, y) are read.
    ///
    /// Window row `dy` of layer `l` is the 64-bit little-endian word at byte
    /// `byte + lut[dy] + l · plane · 8` of `data`; its bit `shift + i` is column `x − r + i`.
    /// Rather than shifting each word down, the counting code shifts the shape's row mask up
    /// by `shift` (once per row, whatever the number of layers): `2r + 1 + shift <= 64`.
    #[inline(always)]
    fn origin(&self, x: usize, y: usize, r: usize, rows: usize) -> Origin<'_> {
        let bit0 = x + self.pad - r;
        Origin {
            byte: bit0 / 8,
            shift: (bit0 % 8) as u32,
            lut: &self.row_lut[y + self.pad - r..][..rows],
        }
    }

    /// The word of layer `l` in the physical row starting at byte `row` of `data`, from byte
    /// `byte` of the row's layer.
    #[inline(always)]
    fn word(&self, row: usize, l: LayerId, byte: usize) -> u64 {
        let at = l * self.plane * 8 + row + byte;
        debug_assert!(at + 8 <= self.data.len() * 8);
        // SAFETY: `at + 8` is within `data`: `row` starts a row (the sentinel at most), `l <
        // n_layers`, and `byte <= (wpr · 64 − 2r − 1) / 8`, so the read ends at most one word
        // past the row's last word in layer `l`'s plane, which the plane's next row, the next
        // plane or the spare word at the end of `data` holds.
        let w = unsafe {
            (self.data.as_ptr() as *const u8)
                .add(at)
                .cast::<u64>()
                .read_unaligned()
        };
        u64::from_le(w)
    }

    /// Number of set cells of `N` layers within `shape` around (x, y), in one pass.
    #[inline(always)]
    pub fn count<const N: usize>(
        &self,
        layers: [LayerId; N],
        x: usize,
        y: usize,
        shape: &Shape,
    ) -> [u32; N] {
        let masks = shape.masks();
        let o = self.origin(x, y, shape.radius() as usize, masks.len());
        let mut out = [0u32; N];
        for (&m, &row) in masks.iter().zip(o.lut) {
            let m = m << o.shift;
            for k in 0..N {
                out[k] += (self.word(row, layers[k], o.byte) & m).count_ones();
            }
        }
        out
    }

    /// Counts the cells of `shape` around (x, y) that are *clear* in layer `l` (free cells
    /// when `l` is the occupancy layer), writing per-row counts to `rows`; returns the total.
    #[inline(always)]
    pub fn count_clear_rows(
        &self,
        l: LayerId,
        x: usize,
        y: usize,
        shape: &Shape,
        rows: &mut [u8; MAX_ROWS],
    ) -> u32 {
        let masks = shape.masks();
        let o = self.origin(x, y, shape.radius() as usize, masks.len());
        let mut total = 0;
        for (c, (ms, lut)) in masks.chunks(8).zip(o.lut.chunks(8)).enumerate() {
            let mut word = 0u64;
            for (j, (&m, &row)) in ms.iter().zip(lut).enumerate() {
                let n = (!self.word(row, l, o.byte) & m << o.shift).count_ones();
                word |= (n as u64) << (8 * j);
                total += n;
            }
            put_rows(rows, c, word);
        }
        total
    }

    /// Like [`Layers::count`], also counting the clear cells of `clear` per row (a citizen's
    /// cops, actives and free cells in one pass).
    #[inline(always)]
    pub fn count_with_clear_rows<const N: usize>(
        &self,
        layers: [LayerId; N],
        clear: LayerId,
        x: usize,
        y: usize,
        shape: &Shape,
        rows: &mut [u8; MAX_ROWS],
    ) -> ([u32; N], u32) {
        let masks = shape.masks();
        let o = self.origin(x, y, shape.radius() as usize, masks.len());
        let mut out = [0u32; N];
        let mut total = 0;
        for (c, (ms, lut)) in masks.chunks(8).zip(o.lut.chunks(8)).enumerate() {
            let mut word = 0u64;
            for (j, (&m, &row)) in ms.iter().zip(lut).enumerate() {
                let m = m << o.shift;
                for k in 0..N {
                    out[k] += (self.word(row, layers[k], o.byte) & m).count_ones();
                }
                let n = (!self.word(row, clear, o.byte) & m).count_ones();
                word |= (n as u64) << (8 * j);
                total += n;
            }
            put_rows(rows, c, word);
        }
        (out, total)
    }

    /// The `k`-th (from 0) clear cell of layer `l` in `shape` around (x, y), given the per-row
    /// counts from [`Layers::count_clear_rows`]. Returns lattice coordinates.
    #[inline(always)]
    pub fn nth_clear(
        &self,
        l: LayerId,
        x: usize,
        y: usize,
        shape: &Shape,
        rows: &[u8; MAX_ROWS],
        mut k: u32,
    ) -> (usize, usize) {
        let r = shape.radius() as usize;
        let masks = shape.masks();
        let o = self.origin(x, y, r, masks.len());
        if let Some((dy, before)) = find_row(rows, masks.len(), k) {
            let bits = !self.word(o.lut[dy], l, o.byte) & masks[dy] << o.shift;
            return self.offset(x, y, r, dy, select(bits, k - before) - o.shift);
        }
        for (dy, ((&m, &row), &n)) in masks.iter().zip(o.lut).zip(rows).enumerate() {
            let n = n as u32;
            if k < n {
                let bits = !self.word(row, l, o.byte) & m << o.shift;
                return self.offset(x, y, r, dy, select(bits, k) - o.shift);
            }
            k -= n;
        }
        unreachable!("nth_clear: k out of range")
    }

    /// The `k`-th (from 0) set cell of layer `l` in `shape` around (x, y).
    #[inline(always)]
    pub fn nth_set(
        &self,
        l: LayerId,
        x: usize,
        y: usize,
        shape: &Shape,
        mut k: u32,
    ) -> (usize, usize) {
        let r = shape.radius() as usize;
        let masks = shape.masks();
        let o = self.origin(x, y, r, masks.len());
        for (dy, (&m, &row)) in masks.iter().zip(o.lut).enumerate() {
            let bits = self.word(row, l, o.byte) & m << o.shift;
            let n = bits.count_ones();
            if k < n {
                return self.offset(x, y, r, dy, select(bits, k) - o.shift);
            }
            k -= n;
        }
        unreachable!("nth_set: k out of range")
    }

    /// Calls `f(x, y)` for every set cell of layer `l` in `shape` around (x, y), row by row.
    pub fn for_each_set(
        &self,
        l: LayerId,
        x: usize,
        y: usize,
        shape: &Shape,
        mut f: impl FnMut(usize, usize),
    ) {
        let r = shape.radius() as usize;
        let masks = shape.masks();
        let o = self.origin(x, y, r, masks.len());
        for (dy, (&m, &row)) in masks.iter().zip(o.lut).enumerate() {
            let mut bits = self.word(row, l, o.byte) & m << o.shift;
            while bits != 0 {
                let b = bits.trailing_zeros();
                let (tx, ty) = self.offset(x, y, r, dy, b - o.shift);
                f(tx, ty);
                bits &= bits - 1;
            }
        }
    }

    /// Lattice coordinates of window bit `bit` in window row `dy` around (x, y).
    #[inline(always)]
    fn offset(&self, x: usize, y: usize, r: usize, dy: usize, bit: u32) -> (usize, usize) {
        let (w, h) = (self.width as i64, self.height as i64);
        let mut tx = x as i64 - r as i64 + bit as i64;
        let mut ty = y as i64 - r as i64 + dy as i64;
        if tx < 0 {
            tx += w;
        } else if tx >= w {
            tx -= w;
        }
        if ty < 0 {
            ty += h;
        } else if ty >= h {
            ty -= h;
        }
        debug_assert!((0..w).contains(&tx) && (0..h).contains(&ty));
        (tx as usize, ty as usize)
    }

    /// Number of set cells of layer `l` on the whole lattice (for tests).
    #[cfg(test)]
    pub fn total(&self, l: LayerId) -> usize {
        let mut n = 0;
        for y in 0..self.height {
            for x in 0..self.width {
                n += self.get(l, x, y) as usize;
            }
        }
        n
    }

    /// Asks for the layers' words on 2 MiB pages ([`super::advise_huge_pages`]).
    pub fn advise_huge_pages(&self) {
        super::advise_huge_pages(&self.data);
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.data.len() * 8
            + self.row_lut.len() * 8
            + self.blocks.iter().map(|b| b.len() * 4).sum::<usize>()
    }
}

/// Stores the counts of window rows `8c .. 8c + 8` (one byte each, packed in `word`) in one
/// 8-byte store, so that [`find_row`]'s 8-byte reads are served straight from it (a wide read
/// of several one-byte stores waits until they reach the cache, which at a million agents
/// means waiting for the window's cache misses).
#[inline(always)]
fn put_rows(rows: &mut [u8; MAX_ROWS], c: usize, word: u64) {
    rows[8 * c..8 * c + 8].copy_from_slice(&word.to_le_bytes());
}

/// Where a shape's windows around one cell are read (see [`Layers::origin`]).
struct Origin<'a> {
    /// Byte offset of the window's first column within a row's layer.
    byte: usize,
    /// Bit of that byte holding the window's first column.
    shift: u32,
    /// Byte offset in `data` of each window row's physical row.
    lut: &'a [usize],
}

/// Position of the `k`-th set bit (from 0) of `w`; `k < w.count_ones()`.
///
/// A binary search over the popcounts of halves, without data-dependent branches (a loop
/// clearing `k` bits costs a mispredicted branch per call, more than the popcounts).
#[inline(always)]
fn select(w: u64, k: u32) -> u32 {
    debug_assert!(k < w.count_ones());
    let (mut w, mut k, mut pos) = (w, k, 0);
    for s in [32u32, 16, 8, 4, 2, 1] {
        let low = (w & ((1u64 << s) - 1)).count_ones();
        let up = k >= low;
        k -= if up { low } else { 0 };
        pos += if up { s } else { 0 };
        w = if up { w >> s } else { w };
    }
    pos
}

/// For a shape of at most 16 rows with fewer than 128 cells counted in `rows`: the row
/// holding the `k`-th (from 0) counted cell and the number of cells in the rows before it,
/// found without branches (prefix sums of the bytes in one 128-bit word). `None` for larger
/// shapes or counts, which walk the rows instead.
#[inline(always)]
fn find_row(rows: &[u8; MAX_ROWS], len: usize, k: u32) -> Option<(usize, u32)> {
    if len > 16 {
        return None;
    }
    let word = |i: usize| u64::from_le_bytes(rows[8 * i..8 * i + 8].try_into().expect("8 bytes"));
    let keep = if len == 16 {
        u128::MAX
    } else {
        (1u128 << (8 * len)) - 1
    };
    // byte i: rows[0] + … + rows[i]; no byte overflows (16 rows of at most 15 cells)
    let mut p = (word(0) as u128 | (word(1) as u128) << 64) & keep;
    p += p << 8;
    p += p << 16;
    p += p << 32;
    p += p << 64;
    let total = (p >> 120) as u32;
    if total >= 128 || k >= total {
        return None;
    }
    const HIGH: u128 = 0x8080_8080_8080_8080_8080_8080_8080_8080;
    const ONES: u128 = 0x0101_0101_0101_0101_0101_0101_0101_0101;
    // high bit of byte i clear iff prefix i <= k (prefixes and k + 1 are below 128, so no
    // byte borrows from its neighbour)
    let over = ((p | HIGH) - ONES * (k as u128 + 1)) & HIGH;
    let dy = (!over & HIGH).count_ones() as usize;
    let before = ((p << 8) >> (8 * dy)) as u8 as u32;
    Some((dy, before))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::VisionShape;

    fn brute(
        set: &[(usize, usize)],
        w: usize,
        h: usize,
        torus: bool,
        x: usize,
        y: usize,
        s: &Shape,
    ) -> u32 {
        let mut n = 0;
        for &(cx, cy) in set {
            let (mut dx, mut dy) = (cx as i64 - x as i64, cy as i64 - y as i64);
            if torus {
                let (w, h) = (w as i64, h as i64);
                if dx > w / 2 {
                    dx -= w
                }
                if dx < -w / 2 {
                    dx += w
                }
                if dy > h / 2 {
                    dy -= h
                }
                if dy < -h / 2 {
                    dy += h
                }
            }
            n += s.contains(dx, dy) as u32;
        }
        n
    }

    #[test]
    fn select_and_find_row_match_the_plain_loops() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        for _ in 0..20_000 {
            let w: u64 = rng.random::<u64>() & rng.random::<u64>() >> rng.random_range(0..64);
            for k in 0..w.count_ones() {
                let mut v = w;
                for _ in 0..k {
                    v &= v - 1;
                }
                assert_eq!(select(w, k), v.trailing_zeros(), "{w:#x} {k}");
            }
            let len = rng.random_range(1..=57);
            let mut rows = [0u8; MAX_ROWS];
            for r in rows.iter_mut().take(len) {
                *r = rng.random_range(0..=if len <= 16 { 15 } else { 57 });
            }
            let total: u32 = rows.iter().map(|&n| n as u32).sum();
            for k in 0..total {
                let (mut dy, mut before) = (0, 0);
                while before + rows[dy] as u32 <= k {
                    before += rows[dy] as u32;
                    dy += 1;
                }
                match find_row(&rows, len, k) {
                    Some(got) => assert_eq!(got, (dy, before), "{rows:?} {k}"),
                    None => assert!(len > 16 || total >= 128),
                }
            }
        }
    }

    #[test]
    fn a_tracked_layer_says_none_near_only_where_a_window_holds_none() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let (w, h) = (200usize, 150usize);
        let mut layers = Layers::new(w, h, false, 8, vec![true, false, false]);
        // cells set before tracking starts are counted too
        layers.put(1, 3, 4, true);
        layers.track(1);
        layers.track(1);
        let mut on = vec![false; w * h];
        on[4 * w + 3] = true;
        let mut set = vec![(3, 4)];
        let mut said_none = 0;
        for _ in 0..4000 {
            // a sparse layer (about 40 cells), as fighters are: set a cell, or clear one; now
            // and then a cell that already is so
            let (x, y, v) = if set.len() < 40 || rng.random_bool(0.5) {
                (rng.random_range(0..w), rng.random_range(0..h), true)
            } else if rng.random_bool(0.9) {
                let (x, y) = set.swap_remove(rng.random_range(0..set.len()));
                (x, y, false)
            } else {
                (rng.random_range(0..w), rng.random_range(0..h), false)
            };
            if v && !on[y * w + x] {
                set.push((x, y));
            }
            if !v && on[y * w + x] {
                set.retain(|&c| c != (x, y));
            }
            layers.put(1, x, y, v);
            layers.put(2, x, y, v);
            on[y * w + x] = v;
            let (x, y, r) = (
                rng.random_range(0..w),
                rng.random_range(0..h),
                rng.random_range(0..8),
            );
            let any = (y.saturating_sub(r)..=(y + r).min(h - 1))
                .any(|yy| (x.saturating_sub(r)..=(x + r).min(w - 1)).any(|xx| on[yy * w + xx]));
            if layers.none_near(1, x, y, r) {
                assert!(!any, "none near ({x}, {y}) within {r}, but there is one");
                said_none += 1;
            }
            assert!(
                !layers.none_near(2, x, y, r),
                "an untracked layer never says none"
            );
        }
        assert!(
            said_none > 100,
            "the blocks answer often enough to matter: {said_none}"
        );
        layers.reset();
        assert!(layers.none_near(1, 3, 4, 7), "reset empties the blocks");
        // a layer whose halo is filled (occupancy): only the lattice's own cells count
        layers.put(0, w - 1, h - 1, true);
        layers.track(0);
        assert!(layers.none_near(0, 3, 4, 7), "the halo is not counted");
        assert!(!layers.none_near(0, w - 3, h - 3, 2));
        let mut torus = Layers::new(w, h, true, 8, vec![true, false]);
        torus.track(1);
        assert!(!torus.none_near(1, 3, 4, 2), "on a torus: no answer");
    }

    #[test]
    fn counts_match_brute_force_on_torus_and_bounded() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for &torus in &[true, false] {
            for &(w, h) in &[(17usize, 15usize), (40, 40), (70, 23)] {
                for (kind, v) in [
                    (VisionShape::Diamond, 7.0),
                    (VisionShape::Disc, 1.7),
                    (VisionShape::Disc, 5.5),
                    (VisionShape::Square, 3.0),
                ] {
                    let shape = Shape::new(kind, v, false);
                    let mut layers = Layers::new(w, h, torus, 7, vec![true, false]);
                    let mut set = vec![];
                    for y in 0..h {
                        for x in 0..w {
                            if rng.random_bool(0.3) {
                                layers.put(0, x, y, true);
                                layers.put(1, x, y, true);
                                set.push((x, y));
                            }
                        }
                    }
                    assert_eq!(layers.total(1), set.len());
                    for y in 0..h {
                        for x in 0..w {
                            let want = brute(&set, w, h, torus, x, y, &shape);
                            let [got] = layers.count([1], x, y, &shape);
                            assert_eq!(got, want, "torus={torus} {w}x{h} {kind:?} {v} at {x},{y}");
                            // clear cells of layer 0 = in-lattice cells in shape minus set ones
                            let mut rows = [0u8; MAX_ROWS];
                            let free = layers.count_clear_rows(0, x, y, &shape, &mut rows);
                            let all: Vec<(usize, usize)> = (0..h)
                                .flat_map(|yy| (0..w).map(move |xx| (xx, yy)))
                                .collect();
                            let cells = brute(&all, w, h, torus, x, y, &shape);
                            assert_eq!(free, cells - want);
                            // every selected clear cell is clear and distinct
                            let mut seen = std::collections::BTreeSet::new();
                            for k in 0..free {
                                let (tx, ty) = layers.nth_clear(0, x, y, &shape, &rows, k);
                                assert!(!layers.get(0, tx, ty));
                                assert!(seen.insert((tx, ty)));
                            }
                            for k in 0..want {
                                let (tx, ty) = layers.nth_set(1, x, y, &shape, k);
                                assert!(layers.get(1, tx, ty));
                            }
                        }
                    }
                }
            }
        }
    }
}
