//! Lattice snapshots: who stands on each cell at one tick, kept as one code per cell, so that
//! Epstein-style "action screens" can be drawn after the run ([`crate::charts`]).
//!
//! Output files hold counts, not the lattice; a snapshot is taken by re-running a replicate
//! to the wanted ticks ([`capture`]). Runs are deterministic, so the re-run is the same run.
//!
//! # Cell codes
//!
//! | code | cell |
//! |---|---|
//! | 0 | empty |
//! | 1 | outside every region (nobody goes there) |
//! | 16 + 4·c + s | a person of community `c` (0..16) in state `s`: 0 quiescent, 1 active, 2 jailed (rules that keep the cell), 3 fighter (files written before fighters carried their group) |
//! | 80 + g | a fighter of armed group `g` (0..48) |
//! | 128 + f | a unit of force `f` (cop, soldier, peacekeeper) |
//!
//! # File
//!
//! A binary PGM image (`P5`), readable by any image viewer, with the replicate and tick in a
//! comment: `snapshots/r0-t0100.pgm` is replicate 0 at tick 100.
//!
//! ```
//! use impunity::{presets, snapshot::{capture, Snapshot, Cell}};
//! let s = presets::get("epstein-run1").unwrap();
//! let shots = capture(&s, 7, 0, &[0, 5]);
//! assert_eq!(shots.len(), 2);
//! assert_eq!((shots[1].tick, shots[1].width, shots[1].height), (5, 40, 40));
//! let people = shots[0].cells.iter().filter(|&&c| matches!(Cell::decode(c), Cell::Person { .. })).count();
//! assert_eq!(people, 1120); // density 0.7 of 40 x 40
//! let back = Snapshot::from_pgm(&shots[1].to_pgm()).unwrap();
//! assert_eq!(back, shots[1]);
//! ```

use crate::Model;
use crate::model::Status;
use crate::scenario::Scenario;
use crate::world::AgentId;
use std::path::{Path, PathBuf};

/// What a cell holds, decoded from its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Nobody.
    Empty,
    /// Outside every region.
    Outside,
    /// A person.
    Person {
        /// Community index.
        community: u8,
        /// 0 quiescent, 1 active, 2 jailed, 3 fighter.
        state: u8,
    },
    /// A fighter of an armed group.
    Fighter {
        /// Group index (scenario order).
        group: u8,
    },
    /// A force unit.
    Unit {
        /// Force index.
        force: u8,
    },
}

impl Cell {
    /// The code of a cell.
    pub fn encode(self) -> u8 {
        match self {
            Cell::Empty => 0,
            Cell::Outside => 1,
            Cell::Person { community, state } => 16 + 4 * community.min(15) + state.min(3),
            Cell::Fighter { group } => 80 + group.min(47),
            Cell::Unit { force } => 128 + force.min(127),
        }
    }

    /// The cell a code stands for (unknown codes read as empty).
    pub fn decode(code: u8) -> Cell {
        match code {
            1 => Cell::Outside,
            16..=79 => Cell::Person {
                community: (code - 16) / 4,
                state: (code - 16) % 4,
            },
            80..=127 => Cell::Fighter { group: code - 80 },
            128..=255 => Cell::Unit { force: code - 128 },
            _ => Cell::Empty,
        }
    }
}

/// Why bytes are not a snapshot ([`Snapshot::from_pgm`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PgmError {
    /// The header ends before its four fields.
    #[error("truncated PGM header")]
    TruncatedHeader,
    /// A header line is not UTF-8.
    #[error(transparent)]
    Utf8(#[from] std::str::Utf8Error),
    /// A header field (`replicate`, `tick`, `width`, `height`) is not a number.
    #[error("bad {0}")]
    Bad(&'static str),
    /// Not `P5` with 255 levels.
    #[error("not an 8-bit binary PGM")]
    NotBinary8Bit,
    /// The pixel data does not match the size.
    #[error("expected {expected} cells, found {found}")]
    Cells {
        /// width × height.
        expected: usize,
        /// Bytes after the header.
        found: usize,
    },
}

/// The lattice of one replicate at one tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Replicate index.
    pub replicate: u64,
    /// Tick.
    pub tick: u32,
    /// Width in cells.
    pub width: usize,
    /// Height in cells.
    pub height: usize,
    /// One code per cell ([`Cell::encode`]), row by row from the top (`y * width + x`).
    pub cells: Vec<u8>,
}

impl Snapshot {
    /// The lattice of `m` now (`replicate` is recorded, not checked).
    pub fn of(m: &Model, replicate: u64) -> Snapshot {
        let w = m.world();
        let cells = w
            .cells
            .iter()
            .map(|&id| {
                if id == AgentId::BLOCKED {
                    Cell::Outside
                } else if !id.is_agent() {
                    Cell::Empty
                } else if id.is_unit() {
                    Cell::Unit {
                        force: m.units()[id.index()].force,
                    }
                } else {
                    let p = &m.persons()[id.index()];
                    if p.status == Status::Fighter {
                        return Cell::Fighter { group: p.group }.encode();
                    }
                    let state = match p.status {
                        Status::Quiescent | Status::Dead => 0,
                        Status::Active => 1,
                        Status::Jailed => 2,
                        Status::Fighter => 3,
                    };
                    Cell::Person {
                        community: p.community,
                        state,
                    }
                }
                .encode()
            })
            .collect();
        Snapshot {
            replicate,
            tick: m.tick(),
            width: w.width,
            height: w.height,
            cells,
        }
    }

    /// The code at (x, y).
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.cells[y * self.width + x]
    }

    /// The file name this snapshot is stored under in `snapshots/`: `r0-t0100.pgm`.
    pub fn file_name(&self) -> String {
        format!("r{}-t{:04}.pgm", self.replicate, self.tick)
    }

    /// The snapshot as a binary PGM image.
    pub fn to_pgm(&self) -> Vec<u8> {
        let mut out = format!(
            "P5\n# impunity snapshot replicate={} tick={}\n{} {}\n255\n",
            self.replicate, self.tick, self.width, self.height
        )
        .into_bytes();
        out.extend_from_slice(&self.cells);
        out
    }

    /// Reads a snapshot written by [`Snapshot::to_pgm`].
    pub fn from_pgm(bytes: &[u8]) -> Result<Snapshot, PgmError> {
        let mut pos = 0;
        let mut fields: Vec<String> = Vec::new();
        let (mut replicate, mut tick) = (0, 0);
        while fields.len() < 4 {
            let end = bytes[pos..]
                .iter()
                .position(|&b| b == b'\n')
                .ok_or(PgmError::TruncatedHeader)?;
            let line = std::str::from_utf8(&bytes[pos..pos + end])?;
            pos += end + 1;
            if let Some(c) = line.strip_prefix('#') {
                for kv in c.split_whitespace() {
                    if let Some(v) = kv.strip_prefix("replicate=") {
                        replicate = v.parse().map_err(|_| PgmError::Bad("replicate"))?;
                    } else if let Some(v) = kv.strip_prefix("tick=") {
                        tick = v.parse().map_err(|_| PgmError::Bad("tick"))?;
                    }
                }
                continue;
            }
            fields.extend(line.split_whitespace().map(String::from));
        }
        if fields[0] != "P5" || fields[3] != "255" {
            return Err(PgmError::NotBinary8Bit);
        }
        let width: usize = fields[1].parse().map_err(|_| PgmError::Bad("width"))?;
        let height: usize = fields[2].parse().map_err(|_| PgmError::Bad("height"))?;
        let cells = bytes[pos..].to_vec();
        if cells.len() != width * height {
            return Err(PgmError::Cells {
                expected: width * height,
                found: cells.len(),
            });
        }
        Ok(Snapshot {
            replicate,
            tick,
            width,
            height,
            cells,
        })
    }

    /// Writes the snapshot to `dir/snapshots/` (atomically) and returns the path.
    pub fn write(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let d = dir.join("snapshots");
        std::fs::create_dir_all(&d)?;
        let p = d.join(self.file_name());
        let bytes = self.to_pgm();
        crate::output::write_atomic(&p, |w| std::io::Write::write_all(w, &bytes))?;
        Ok(p)
    }
}

/// Re-runs replicate `replicate` of `s` (same seed, same streams: the same run) and takes a
/// snapshot at each of `ticks` (sorted, duplicates dropped; tick 0 is the initial state).
///
/// # Panics
/// If `s` is invalid (validate it first; presets always are).
pub fn capture(s: &Scenario, seed: u64, replicate: u64, ticks: &[u32]) -> Vec<Snapshot> {
    let mut want: Vec<u32> = ticks.to_vec();
    want.sort_unstable();
    want.dedup();
    let mut m = Model::new(s, seed, replicate).expect("scenario was validated");
    let mut out = Vec::with_capacity(want.len());
    for t in want {
        while m.tick() < t {
            m.step();
        }
        out.push(Snapshot::of(&m, replicate));
    }
    out
}

/// Reads every snapshot in `dir/snapshots/`, ordered by replicate then tick.
pub fn read_dir(dir: &Path) -> std::io::Result<Vec<Snapshot>> {
    let d = dir.join("snapshots");
    if !d.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(&d)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "pgm") {
            let bytes = std::fs::read(&p)?;
            let s = Snapshot::from_pgm(&bytes).map_err(|m| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: {m}", p.display()),
                )
            })?;
            out.push(s);
        }
    }
    out.sort_by_key(|s| (s.replicate, s.tick));
    Ok(out)
}
