//! Assembly: the final files of a run from the part files of one directory (a run) or of
//! several (the shards of a merge), read one at a time in unit order, so that neither the
//! completion order nor the thread, process or machine count reaches the output bytes.

use super::dir::{each_done_unit, has_part, parts_dir, remove_parts};
use super::moments::{KEPT, Scratch};
use super::part::{self, Unit};
use super::plan_file::PlanFile;
use super::{EnsembleError, Plan, Results};
use crate::output::RunFiles;
use std::fs;
use std::path::{Path, PathBuf};

/// What an assembly records and keeps.
pub(crate) struct Assembly {
    /// The command line the manifest records.
    pub(crate) command_line: Vec<String>,
    /// Remove the sources' part files once the outputs are written.
    pub(crate) remove_parts: bool,
    /// Memory for the summary's percentiles ([`crate::output::summary`]).
    pub(crate) block_bytes: usize,
}

/// Writes the final outputs of `plan` into `out` from the part files of `sources`, each
/// atomically; every unit must be present exactly once.
pub(crate) fn assemble(
    plan: &Plan,
    sources: &[PathBuf],
    out: &Path,
    how: Assembly,
) -> Result<Results, EnsembleError> {
    let at = index_sources(plan, sources)?;
    let mut files = RunFiles::create(plan, out, how.block_bytes)?;
    // Every replicate's outcomes go to a scratch file, read back for the statistics, so that
    // memory does not grow with the replicate count.
    let scratch_file = out.join(Scratch::NAME);
    let mut scratch = Scratch::create(plan, out).map_err(EnsembleError::io(&scratch_file))?;
    let scratch_io = |e: std::io::Error| EnsembleError::io(&scratch_file)(e);
    for p in 0..plan.points().len() {
        for r in 0..plan.replicates() {
            let path = at.part(p as u64 * plan.replicates() + r);
            let bytes = fs::read(&path).map_err(EnsembleError::io(&path))?;
            let unit = Unit::decode(&bytes, plan, p, r)
                .ok_or_else(|| EnsembleError::DamagedPart { path: path.clone() })?;
            files.add(p, r, &unit.rows())?;
            scratch.push(unit.outcomes()).map_err(scratch_io)?;
        }
    }
    scratch.close().map_err(scratch_io)?;
    let (points, comparison) =
        Results::statistics(plan, &scratch, KEPT as u64).map_err(scratch_io)?;
    scratch.remove().map_err(scratch_io)?;
    let written = files.finish(
        plan.is_comparison().then_some(comparison.as_slice()),
        how.command_line,
    )?;
    if how.remove_parts {
        for src in sources {
            remove_parts(&parts_dir(src))?;
        }
    }
    Ok(Results::streamed(plan.clone(), points, comparison, written))
}

/// Where the part of each unit of a plan is, among the `.parts/` of the source directories
/// (checked by [`index_sources`]): found unit by unit, so that memory does not grow with the
/// units.
pub(crate) struct Sources<'a> {
    plan: &'a Plan,
    parts: Vec<PathBuf>,
}

impl Sources<'_> {
    /// The path of unit `u`'s part: in the only source, or in the source that holds it.
    pub(crate) fn part(&self, u: u64) -> PathBuf {
        let (p, r) = self.plan.unit(u);
        let name = part::name(p, r);
        let mut paths = self.parts.iter().map(|d| d.join(&name));
        let first = paths.next().expect("at least one source");
        if self.parts.len() == 1 || first.is_file() {
            return first;
        }
        paths.find(|p| p.is_file()).unwrap_or(first)
    }
}

/// Checks that every source directory holds the plan `plan` and that the parts of its
/// `sources` hold every unit exactly once, and returns where the parts are. One pass over
/// each source's listing, then one look per unit and source: nothing is kept per unit.
pub(crate) fn index_sources<'a>(
    plan: &'a Plan,
    sources: &[PathBuf],
) -> Result<Sources<'a>, EnsembleError> {
    let mut parts = Vec::with_capacity(sources.len());
    let mut found = 0u64;
    for src in sources {
        let dir = parts_dir(src);
        let pf = PlanFile::read(&dir.join("plan.json"))
            .map_err(|_| EnsembleError::NoPlan { dir: src.clone() })?;
        if pf.fingerprint != plan.fingerprint() {
            return Err(EnsembleError::DifferentShards {
                dir: src.clone(),
                first: sources[0].clone(),
                difference: Box::new(pf.difference(plan)),
            });
        }
        each_done_unit(plan, &dir, |_| {
            found += 1;
            Ok(())
        })?;
        parts.push(dir);
    }
    // With one source, a unit is there at most once: the count says whether all are.
    if sources.len() > 1 || found != plan.units() {
        let mut missing = 0usize;
        let mut first = Vec::new();
        for u in 0..plan.units() {
            let mut holders = sources
                .iter()
                .zip(&parts)
                .filter(|(_, d)| has_part(plan, d, u))
                .map(|(s, _)| s);
            match (holders.next(), holders.next()) {
                (None, _) => {
                    missing += 1;
                    if first.len() < 10 {
                        first.push(plan.unit(u));
                    }
                }
                (Some(a), Some(b)) => {
                    let (point, replicate) = plan.unit(u);
                    return Err(EnsembleError::DuplicateUnit {
                        point,
                        replicate,
                        first: a.clone(),
                        second: b.clone(),
                    });
                }
                (Some(_), None) => {}
            }
        }
        if missing > 0 {
            return Err(EnsembleError::MissingUnits {
                count: missing,
                units: plan.units(),
                first,
                has_points: plan.has_points(),
            });
        }
    }
    Ok(Sources { plan, parts })
}

/// Reads every part ([`index_sources`]) and checks it (checksum, unit, shape): the first
/// damaged one is named.
pub(crate) fn check_parts(plan: &Plan, at: &Sources<'_>) -> Result<(), EnsembleError> {
    for u in 0..plan.units() {
        let (p, r) = plan.unit(u);
        let path = at.part(u);
        let bytes = fs::read(&path).map_err(EnsembleError::io(&path))?;
        if Unit::decode(&bytes, plan, p, r).is_none() {
            return Err(EnsembleError::DamagedPart { path });
        }
    }
    Ok(())
}
