//! Assembly: the final files of a run from the part files of one directory (a run) or of
//! several (the shards of a merge), read one at a time in unit order, so that neither the
//! completion order nor the thread, process or machine count reaches the output bytes.

use super::dir::{done_units, parts_dir, remove_parts};
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
            let u = p as u64 * plan.replicates() + r;
            let path = parts_dir(&sources[at[u as usize]]).join(part::name(p, r));
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

/// Finds the part of every unit of `plan` among the `sources` directories (their `.parts/`),
/// checking that each unit is there exactly once and that every source holds the same plan.
pub(crate) fn index_sources(plan: &Plan, sources: &[PathBuf]) -> Result<Vec<usize>, EnsembleError> {
    const NONE: usize = usize::MAX;
    let mut at = vec![NONE; plan.units() as usize];
    for (k, src) in sources.iter().enumerate() {
        let parts = parts_dir(src);
        let pf = PlanFile::read(&parts.join("plan.json"))
            .map_err(|_| EnsembleError::NoPlan { dir: src.clone() })?;
        if pf.fingerprint != plan.fingerprint() {
            return Err(EnsembleError::DifferentShards {
                dir: src.clone(),
                first: sources[0].clone(),
                difference: Box::new(pf.difference(plan)),
            });
        }
        for u in done_units(plan, &parts).map_err(EnsembleError::io(&parts))? {
            let slot = &mut at[u as usize];
            if *slot != NONE {
                let (point, replicate) = plan.unit(u);
                return Err(EnsembleError::DuplicateUnit {
                    point,
                    replicate,
                    first: sources[*slot].clone(),
                    second: src.clone(),
                });
            }
            *slot = k;
        }
    }
    let missing: Vec<u64> = (0..plan.units())
        .filter(|&u| at[u as usize] == NONE)
        .collect();
    if !missing.is_empty() {
        return Err(EnsembleError::MissingUnits {
            count: missing.len(),
            units: plan.units(),
            first: missing.iter().take(10).map(|&u| plan.unit(u)).collect(),
            has_points: plan.has_points(),
        });
    }
    Ok(at)
}

/// Reads every part `at` points to ([`index_sources`]) and checks it (checksum, unit, shape):
/// the first damaged one is named.
pub(crate) fn check_parts(
    plan: &Plan,
    sources: &[PathBuf],
    at: &[usize],
) -> Result<(), EnsembleError> {
    for (u, &k) in at.iter().enumerate() {
        let (p, r) = plan.unit(u as u64);
        let path = parts_dir(&sources[k]).join(part::name(p, r));
        let bytes = fs::read(&path).map_err(EnsembleError::io(&path))?;
        if Unit::decode(&bytes, plan, p, r).is_none() {
            return Err(EnsembleError::DamagedPart { path });
        }
    }
    Ok(())
}
