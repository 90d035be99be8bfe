//! Part files: the rows of one finished unit (point, replicate), `DIR/.parts/p<P>-r<R>.part`.
//!
//! A part is written under a temporary name of its own (process and sequence number in it) and
//! renamed when complete, so it is whole or absent. Format: the 16-byte magic
//! `impunity-part-2\n`, point and replicate (u64), then the `timeseries.csv`, `events.csv` and
//! `cases.csv` rows (CSV text without point columns), the outcomes and the per-tick metric
//! values (f64), each section preceded by its length, and last the CRC-32 of every byte before
//! it ([`super::checksum`]); every number little-endian. The same bytes whichever thread,
//! process or machine made them. A part whose checksum, unit or shape does not match is
//! damaged: never assembled, set aside and run again by a resume.

use super::{EnsembleError, Plan, outcomes};
use crate::output::{UnitRows, calendar, write_cases, write_timeseries_rows};
use crate::run::ReplicateOutput;
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

const MAGIC: &[u8; 16] = b"impunity-part-2\n";

/// The rows of one unit, rendered.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Unit {
    timeseries: Vec<u8>,
    events: Vec<u8>,
    cases: Vec<u8>,
    outcomes: Vec<f64>,
    values: Vec<f64>,
}

impl Unit {
    /// Renders replicate `rep` of point `point` of `plan`.
    pub(crate) fn render(plan: &Plan, point: usize, rep: u64, out: &ReplicateOutput) -> Unit {
        let s = plan.scenario(point, rep);
        let mut ts = Vec::new();
        write_timeseries_rows(&mut ts, rep, &out.rows, calendar(s)).expect("to memory");
        let mut ev = Vec::new();
        let mut cs = Vec::new();
        if out.conflict.is_some() {
            crate::events::write_rows(&mut ev, s, rep, 0, &out.events).expect("to memory");
            write_cases(&mut cs, s, rep, &out.cases).expect("to memory");
        }
        Unit {
            timeseries: ts,
            events: ev,
            cases: cs,
            outcomes: outcomes::values(s, out),
            values: out.rows.iter().flatten().copied().collect(),
        }
    }

    /// The rows, as the output files take them.
    pub(crate) fn rows(&self) -> UnitRows<'_> {
        UnitRows {
            timeseries: &self.timeseries,
            events: &self.events,
            cases: &self.cases,
            outcomes: &self.outcomes,
            values: &self.values,
        }
    }

    /// The outcomes.
    pub(crate) fn outcomes(&self) -> &[f64] {
        &self.outcomes
    }

    /// The part file's bytes.
    pub(crate) fn encode(&self, point: usize, rep: u64) -> Vec<u8> {
        let (ts, ev, cs) = (&self.timeseries, &self.events, &self.cases);
        let mut b = Vec::with_capacity(ts.len() + ev.len() + cs.len() + 256);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&(point as u64).to_le_bytes());
        b.extend_from_slice(&rep.to_le_bytes());
        for sec in [ts, ev, cs] {
            b.extend_from_slice(&(sec.len() as u64).to_le_bytes());
            b.extend_from_slice(sec);
        }
        for fl in [&self.outcomes, &self.values] {
            b.extend_from_slice(&(fl.len() as u64).to_le_bytes());
            for v in fl.iter() {
                b.extend_from_slice(&v.to_le_bytes());
            }
        }
        super::checksum::seal(b)
    }

    /// Decodes the part of unit (`point`, `rep`) of `plan`; `None` if it is damaged (a
    /// checksum that does not match, cut short, another unit's, or of another shape).
    pub(crate) fn decode(b: &[u8], plan: &Plan, point: usize, rep: u64) -> Option<Unit> {
        let mut c = Cursor(super::checksum::unseal(b)?);
        if c.take(16)? != MAGIC || c.u64()? != point as u64 || c.u64()? != rep {
            return None;
        }
        let unit = Unit {
            timeseries: c.bytes()?,
            events: c.bytes()?,
            cases: c.bytes()?,
            outcomes: c.floats()?,
            values: c.floats()?,
        };
        let ticks = plan.ticks() as usize + 1;
        let whole = c.0.is_empty()
            && unit.values.len() == ticks * plan.metrics().len()
            && unit.outcomes.len() == plan.outcome_names().len();
        whole.then_some(unit)
    }
}

/// The (point, replicate) a part's header names, if it is a part of `plan`.
pub(crate) fn header(b: &[u8], plan: &Plan) -> Option<(usize, u64)> {
    let mut c = Cursor(super::checksum::unseal(b)?);
    if c.take(16)? != MAGIC {
        return None;
    }
    let (p, r) = (usize::try_from(c.u64()?).ok()?, c.u64()?);
    (p < plan.points().len() && r < plan.replicates()).then_some((p, r))
}

/// The file name of the part of unit (`point`, `rep`).
pub(crate) fn name(point: usize, rep: u64) -> String {
    format!("p{point}-r{rep}.part")
}

/// The unit a file name is the part of.
pub(crate) fn parse_name(name: &str) -> Option<(usize, u64)> {
    let rest = name.strip_prefix('p')?.strip_suffix(".part")?;
    let (p, r) = rest.split_once("-r")?;
    Some((p.parse().ok()?, r.parse().ok()?))
}

/// Writes the part `bytes` of unit (`point`, `rep`) into the folder `parts`, atomically (not
/// synced: a killed process loses nothing renamed, and 100,000 syncs would cost minutes).
pub(crate) fn write(
    parts: &Path,
    point: usize,
    rep: u64,
    bytes: &[u8],
) -> Result<(), EnsembleError> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let name = name(point, rep);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = parts.join(format!(".{name}.{}-{seq}.tmp", std::process::id()));
    let fin = parts.join(&name);
    fs::write(&tmp, bytes)
        .and_then(|_| fs::rename(&tmp, &fin))
        .map_err(EnsembleError::io(&fin))
}

/// Reads a part's sections in order.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = usize::try_from(self.u64()?).ok()?;
        Some(self.take(n)?.to_vec())
    }
    fn floats(&mut self) -> Option<Vec<f64>> {
        let n = usize::try_from(self.u64()?).ok()?;
        let raw = self.take(n.checked_mul(8)?)?;
        Some(
            raw.chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(parse_name(&name(3, 17)), Some((3, 17)));
        assert_eq!(parse_name(".p3-r17.part.tmp"), None);
        assert_eq!(parse_name("plan.json"), None);
    }

    #[test]
    fn parts_round_trip_and_damage_is_seen() {
        let s = crate::presets::get("epstein-run1").unwrap();
        let plan = Plan::single(s.clone(), 3, 2, 4).unwrap();
        let out = crate::run::run_replicate(&s, 3, 1, 4);
        let unit = Unit::render(&plan, 0, 1, &out);
        let bytes = unit.encode(0, 1);
        assert_eq!(header(&bytes, &plan), Some((0, 1)));
        assert_eq!(Unit::decode(&bytes, &plan, 0, 1), Some(unit));
        assert_eq!(Unit::decode(&bytes, &plan, 0, 0), None);
        assert_eq!(Unit::decode(&bytes[..bytes.len() - 1], &plan, 0, 1), None);
        let longer = Plan::single(s, 3, 2, 5).unwrap();
        assert_eq!(Unit::decode(&bytes, &longer, 0, 1), None);
        // One flipped bit anywhere, in the rows as in the header, is seen.
        for i in [0, 20, bytes.len() / 2, bytes.len() - 1] {
            let mut b = bytes.clone();
            b[i] ^= 0x10;
            assert_eq!(Unit::decode(&b, &plan, 0, 1), None, "byte {i}");
        }
    }
}
