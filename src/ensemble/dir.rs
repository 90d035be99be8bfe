//! The output directory of an ensemble: claiming it (earlier results are never overwritten by
//! accident), recording the plan in it, resuming from the part files it holds.
//!
//! Layout while a run is in progress: `DIR/.parts/plan.json` ([`super::plan_file`]) and one
//! part file per finished unit ([`super::part`]); once assembled, the files of
//! [`crate::output`]. (Path resolution before checks, an advisory lock and checksums belong
//! here.)

use super::plan_file::PlanFile;
use super::{EnsembleError, Plan, Recorded, Shard, part};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The folder of part files.
pub(crate) fn parts_dir(dir: &Path) -> PathBuf {
    dir.join(".parts")
}

/// Claims `dir` for a new run, so that earlier results are never overwritten by accident.
///
/// A missing or empty directory is fine. A directory holding anything else is refused unless
/// `force`, in which case impunity's earlier outputs ([`crate::output::FILES`] and their
/// unfinished `.NAME.partial` files) are removed and any other file is kept. With `resume`
/// nothing is checked here: [`prepare`] decides whether the directory holds the same run.
pub(crate) fn claim(dir: &Path, resume: bool, force: bool) -> Result<(), EnsembleError> {
    if resume || !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(EnsembleError::NotADirectory {
            dir: dir.to_path_buf(),
        });
    }
    let mut entries: Vec<String> = fs::read_dir(dir)
        .map_err(EnsembleError::io(dir))?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<io::Result<_>>()
        .map_err(EnsembleError::io(dir))?;
    if entries.is_empty() {
        return Ok(());
    }
    entries.sort();
    if !force {
        return Err(EnsembleError::NotEmpty {
            dir: dir.to_path_buf(),
            entries,
        });
    }
    for name in entries {
        let ours = crate::output::FILES.iter().any(|o| {
            name == *o
                || name
                    .strip_prefix('.')
                    .and_then(|n| n.strip_suffix(".partial"))
                    == Some(*o)
        });
        if !ours {
            continue;
        }
        let p = dir.join(&name);
        let res = if p.is_dir() {
            fs::remove_dir_all(&p)
        } else {
            fs::remove_file(&p)
        };
        res.map_err(EnsembleError::io(&p))?;
    }
    Ok(())
}

/// Where the state of a directory stands for a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prepared {
    /// Units remain to run (or to be assembled).
    Ready,
    /// The directory already holds the finished outputs of this plan (resume of a finished
    /// run).
    Complete,
}

/// Gets `dir` ready to run `plan`. Without `resume`, any earlier parts are removed and the run
/// starts afresh. With `resume`, the directory must hold parts (or finished outputs) of the
/// same plan and shard; anything else is refused, before anything is written.
pub(crate) fn prepare(
    plan: &Plan,
    dir: &Path,
    shard: Option<Shard>,
    resume: bool,
    command_line: Vec<String>,
) -> Result<Prepared, EnsembleError> {
    let parts = parts_dir(dir);
    let pf = parts.join("plan.json");
    let fp = plan.fingerprint();
    if resume {
        if pf.is_file() {
            let old = PlanFile::read(&pf)?;
            if old.fingerprint != fp {
                return Err(EnsembleError::DifferentRun {
                    dir: dir.to_path_buf(),
                    difference: Box::new(old.difference(plan)),
                });
            }
            if old.shard != shard.map(|s| s.to_string()) {
                return Err(EnsembleError::DifferentShard {
                    dir: dir.to_path_buf(),
                    found: old.shard,
                    wanted: shard,
                });
            }
            return Ok(Prepared::Ready);
        }
        let mf = dir.join("manifest.json");
        if mf.is_file() {
            let text = fs::read_to_string(&mf).map_err(EnsembleError::io(&mf))?;
            let m: serde_json::Value =
                serde_json::from_str(&text).map_err(|source| EnsembleError::BadManifest {
                    path: mf.clone(),
                    source,
                })?;
            if m["fingerprint"].as_str() == Some(fp.as_str()) && shard.is_none() {
                return Ok(Prepared::Complete);
            }
            return Err(EnsembleError::DifferentOutputs {
                dir: dir.to_path_buf(),
                found: Box::new(Recorded {
                    seed: m["seed"].to_string(),
                    replicates: m["replicates"].to_string(),
                    ticks: m["ticks"].to_string(),
                    fingerprint: m["fingerprint"].to_string(),
                }),
                this: Box::new(Recorded {
                    seed: plan.seed().to_string(),
                    replicates: plan.replicates().to_string(),
                    ticks: plan.ticks().to_string(),
                    fingerprint: fp,
                }),
            });
        }
    }
    if parts.exists() {
        fs::remove_dir_all(&parts).map_err(EnsembleError::io(&parts))?;
    }
    fs::create_dir_all(&parts).map_err(EnsembleError::io(&parts))?;
    PlanFile::new(plan, shard, command_line).write(&pf)?;
    Ok(Prepared::Ready)
}

/// The units whose part files are in `parts`, in unit order.
pub(crate) fn done_units(plan: &Plan, parts: &Path) -> io::Result<Vec<u64>> {
    let mut done = Vec::new();
    for e in fs::read_dir(parts)? {
        let name = e?.file_name();
        if let Some((p, r)) = part::parse_name(&name.to_string_lossy())
            && p < plan.points().len()
            && r < plan.replicates()
        {
            done.push(p as u64 * plan.replicates() + r);
        }
    }
    done.sort_unstable();
    Ok(done)
}

/// The units of `plan` (of `shard`, if given) and those of them not yet done in `dir`.
pub(crate) fn pending(
    plan: &Plan,
    dir: &Path,
    shard: Option<Shard>,
) -> Result<(u64, Vec<u64>), EnsembleError> {
    let parts = parts_dir(dir);
    let done = done_units(plan, &parts).map_err(EnsembleError::io(&parts))?;
    let owns = |u: u64| shard.is_none_or(|s| s.owns(u));
    let owned = (0..plan.units()).filter(|&u| owns(u)).count() as u64;
    let mut todo = Vec::new();
    let mut k = 0;
    for u in (0..plan.units()).filter(|&u| owns(u)) {
        while k < done.len() && done[k] < u {
            k += 1;
        }
        if k >= done.len() || done[k] != u {
            todo.push(u);
        }
    }
    Ok((owned, todo))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn force_removes_only_impunitys_files() {
        let dir = std::env::temp_dir().join(format!("impunity-claim-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        claim(&dir, false, false).unwrap(); // does not exist yet: fine
        fs::create_dir_all(dir.join("charts")).unwrap();
        fs::write(dir.join("timeseries.csv"), "replicate,tick\n").unwrap();
        fs::write(dir.join(".summary.csv.partial"), "half").unwrap();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        let e = claim(&dir, false, false).unwrap_err();
        assert!(matches!(&e, EnsembleError::NotEmpty { entries, .. } if entries.len() == 4));
        claim(&dir, true, false).unwrap(); // resume: checked later
        claim(&dir, false, true).unwrap();
        let mut left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["notes.txt"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
