//! The output directory of an ensemble: resolving the path asked for (before anything is
//! checked or written), claiming it (earlier results are never overwritten by accident),
//! recording the plan in it, resuming from the part files it holds.
//!
//! Layout while a run is in progress: `DIR/.parts/plan.json` ([`super::plan_file`]) and one
//! part file per finished unit ([`super::part`]); once assembled, the files of
//! [`crate::output`], listed by `manifest.json`. The directory is locked meanwhile
//! ([`super::lock`]).

use super::lock::LOCK_NAME;
use super::plan_file::PlanFile;
use super::{EnsembleError, Plan, Recorded, Shard, part};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The folder of part files.
pub(crate) fn parts_dir(dir: &Path) -> PathBuf {
    dir.join(".parts")
}

/// The absolute path the operating system will reach through `dir` once the missing folders
/// on the way are created: symbolic links followed, `.` and `..` applied where they will act
/// (a `..` after a folder that does not exist yet goes back out of that folder, as it will
/// once the folder is created). Refuses a dangling symbolic link, the file system's root and
/// the user's home directory (`$HOME`), where a run's files have no business.
pub(crate) fn resolve(dir: &Path) -> Result<PathBuf, EnsembleError> {
    let abs = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(EnsembleError::io(Path::new(".")))?
            .join(dir)
    };
    let mut out = PathBuf::new();
    // How many trailing components of `out` do not exist yet (0: `out` exists, canonical).
    let mut missing = 0usize;
    for c in abs.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
                missing = missing.saturating_sub(1);
            }
            Component::Normal(name) => {
                out.push(name);
                if missing > 0 {
                    missing += 1;
                    continue;
                }
                match fs::symlink_metadata(&out) {
                    Ok(meta) => match fs::canonicalize(&out) {
                        Ok(real) => out = real,
                        Err(_) if meta.file_type().is_symlink() => {
                            let target = fs::read_link(&out).unwrap_or_default();
                            return Err(EnsembleError::DanglingLink { link: out, target });
                        }
                        Err(e) => return Err(EnsembleError::io(&out)(e)),
                    },
                    Err(e) if e.kind() == io::ErrorKind::NotFound => missing = 1,
                    Err(e) => return Err(EnsembleError::io(&out)(e)),
                }
            }
        }
    }
    if out.parent().is_none() {
        return Err(EnsembleError::Forbidden {
            dir: out,
            what: "the root of the file system",
        });
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .and_then(|h| fs::canonicalize(h).ok());
    if home.as_deref() == Some(out.as_path()) {
        return Err(EnsembleError::Forbidden {
            dir: out,
            what: "your home directory",
        });
    }
    Ok(out)
}

/// Where to work for a requested `dir` that [`resolve`]s to `real`: `dir` itself when the
/// operating system reaches `real` through it with no `..` (so that messages and listed files
/// keep the path the user gave), else `real`.
pub(crate) fn working_path(dir: &Path, real: PathBuf) -> PathBuf {
    if dir.components().any(|c| c == Component::ParentDir) || dir.as_os_str().is_empty() {
        real
    } else {
        dir.to_path_buf()
    }
}

/// The names in `dir` (sorted), without the lock file.
fn entries(dir: &Path) -> Result<Vec<String>, EnsembleError> {
    let mut entries: Vec<String> = fs::read_dir(dir)
        .map_err(EnsembleError::io(dir))?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.as_ref().map_or(true, |n| n != LOCK_NAME))
        .collect::<io::Result<_>>()
        .map_err(EnsembleError::io(dir))?;
    entries.sort();
    Ok(entries)
}

/// Whether `name` is a temporary file impunity writes and renames (never a result).
fn is_temporary(name: &str) -> bool {
    name == ".summary-values.tmp"
        || name == super::moments::Scratch::NAME
        || name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".partial"))
            .is_some_and(|n| crate::output::FILES.contains(&n))
}

/// The files the verified `manifest.json` of `dir` lists, if it has one; an error if it is
/// damaged. A manifest written before manifests listed their files lists every output name.
pub(crate) fn manifest_files(dir: &Path) -> Result<Option<Vec<String>>, EnsembleError> {
    let mf = dir.join("manifest.json");
    if !mf.is_file() {
        return Ok(None);
    }
    let m = read_manifest(&mf)?;
    Ok(Some(match m["files"].as_array() {
        Some(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        None => crate::output::FILES.iter().map(|s| s.to_string()).collect(),
    }))
}

/// Reads a `manifest.json` as JSON, checking its checksum if it carries one.
pub(crate) fn read_manifest(mf: &Path) -> Result<serde_json::Value, EnsembleError> {
    let text = fs::read_to_string(mf).map_err(EnsembleError::io(mf))?;
    let m: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| EnsembleError::BadManifest {
            path: mf.to_path_buf(),
            source,
        })?;
    if let Some(sum) = m.get("checksum") {
        let ok = sum
            .as_str()
            .is_some_and(|v| super::checksum::json_matches(&text, v));
        if !ok {
            return Err(EnsembleError::DamagedManifest {
                path: mf.to_path_buf(),
            });
        }
    }
    Ok(m)
}

/// Claims `dir` for a new run, so that earlier results are never overwritten by accident.
///
/// A missing or empty directory is fine (the lock file aside). A directory holding anything
/// else is refused unless `force`; with `force`, impunity removes what is provably its own:
/// the files its `manifest.json` (checksum verified) lists, with the manifest and the charts,
/// snapshots, long form (`tidy/`) and Parquet copies (`parquet/`) drawn from them; an unfinished run's `.parts` (it holds `plan.json`); its
/// temporary files. Anything else is kept, and if something else bears the name of a file the
/// run would write, nothing is removed and the directory is refused. With `resume` nothing is
/// checked here: [`prepare`] decides whether the directory holds the same run.
pub(crate) fn claim(dir: &Path, resume: bool, force: bool) -> Result<(), EnsembleError> {
    if resume || !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(EnsembleError::NotADirectory {
            dir: dir.to_path_buf(),
        });
    }
    let entries = entries(dir)?;
    if entries.is_empty() {
        return Ok(());
    }
    if !force {
        return Err(EnsembleError::NotEmpty {
            dir: dir.to_path_buf(),
            entries,
        });
    }
    // a manifest naming a command (a calibration's) is not a run's: none of its files is ours
    let mf = dir.join("manifest.json");
    if mf.is_file() {
        if let Some(command) = read_manifest(&mf)?.get("command").and_then(|c| c.as_str()) {
            return Err(EnsembleError::OtherCommand {
                dir: dir.to_path_buf(),
                command: command.to_string(),
            });
        }
    }
    let listed = manifest_files(dir)?;
    let ours = |name: &str| {
        is_temporary(name)
            || (name == ".parts" && parts_dir(dir).join("plan.json").is_file())
            || listed.as_ref().is_some_and(|l| {
                name == "manifest.json"
                    || name == "charts"
                    || name == "snapshots"
                    || name == "tidy"
                    || name == "parquet"
                    || name == "draws.csv"
                    || name == "posterior-effects.csv"
                    || (l.iter().any(|f| f == name) && crate::output::FILES.contains(&name))
            })
    };
    let foreign: Vec<String> = entries
        .iter()
        .filter(|n| crate::output::FILES.contains(&n.as_str()) && !ours(n))
        .cloned()
        .collect();
    if !foreign.is_empty() {
        return Err(EnsembleError::NotOurs {
            dir: dir.to_path_buf(),
            entries: foreign,
        });
    }
    for name in entries.iter().filter(|n| ours(n)) {
        let p = dir.join(name);
        let res = if p.is_dir() {
            fs::remove_dir_all(&p)
        } else {
            fs::remove_file(&p)
        };
        res.map_err(EnsembleError::io(&p))?;
    }
    Ok(())
}

/// Removes the part files of `parts`, then its `plan.json`, then the folder: a run killed
/// meanwhile keeps its plan as long as any part remains, so that it still resumes.
pub(crate) fn remove_parts(parts: &Path) -> Result<(), EnsembleError> {
    if !parts.exists() {
        return Ok(());
    }
    let plan = parts.join("plan.json");
    for e in fs::read_dir(parts).map_err(EnsembleError::io(parts))? {
        let p = e.map_err(EnsembleError::io(parts))?.path();
        if p != plan {
            let res = if p.is_dir() {
                fs::remove_dir_all(&p)
            } else {
                fs::remove_file(&p)
            };
            res.map_err(EnsembleError::io(&p))?;
        }
    }
    fs::remove_dir_all(parts).map_err(EnsembleError::io(parts))
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
            let m = read_manifest(&mf)?;
            if m["fingerprint"].as_str() == Some(fp.as_str()) && shard.is_none() {
                // Finished; a run killed while it removed its parts left some behind.
                remove_parts(&parts)?;
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
        if dir.is_dir() {
            let entries = entries(dir)?;
            if !entries.is_empty() {
                return Err(EnsembleError::NothingToResume {
                    dir: dir.to_path_buf(),
                    entries,
                });
            }
        }
    }
    remove_parts(&parts)?;
    fs::create_dir_all(&parts).map_err(EnsembleError::io(&parts))?;
    PlanFile::new(plan, shard, command_line).write(&pf)?;
    Ok(Prepared::Ready)
}

/// Calls `f` with each unit whose part file is in `parts` (in the order the directory lists
/// them), without collecting them: memory does not grow with the units.
pub(crate) fn each_done_unit(
    plan: &Plan,
    parts: &Path,
    mut f: impl FnMut(u64) -> Result<(), EnsembleError>,
) -> Result<(), EnsembleError> {
    for e in fs::read_dir(parts).map_err(EnsembleError::io(parts))? {
        let name = e.map_err(EnsembleError::io(parts))?.file_name();
        if let Some((p, r)) = part::parse_name(&name.to_string_lossy())
            && p < plan.points().len()
            && r < plan.replicates()
        {
            f(p as u64 * plan.replicates() + r)?;
        }
    }
    Ok(())
}

/// Whether the part of unit `u` is in `parts`.
pub(crate) fn has_part(plan: &Plan, parts: &Path, u: u64) -> bool {
    let (p, r) = plan.unit(u);
    parts.join(part::name(p, r)).is_file()
}

/// Reads the part of unit `u` in `parts` and checks it (checksum, unit, shape); sets it aside
/// if damaged (renamed `NAME.damaged`, so that it is no longer a part) and says so.
fn set_aside_if_damaged(plan: &Plan, parts: &Path, u: u64) -> Result<bool, EnsembleError> {
    let (p, r) = plan.unit(u);
    let path = parts.join(part::name(p, r));
    let bytes = fs::read(&path).map_err(EnsembleError::io(&path))?;
    if part::Unit::decode(&bytes, plan, p, r).is_some() {
        return Ok(false);
    }
    let aside = parts.join(format!("{}.damaged", part::name(p, r)));
    fs::rename(&path, &aside).map_err(EnsembleError::io(&path))?;
    Ok(true)
}

/// What a directory holds of a plan: see [`pending`]. Its size does not grow with the units
/// (but for the damaged ones): the units to run are found part file by part file
/// ([`Pending::todo`]).
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    /// Units of the plan (of its shard).
    pub(crate) owned: u64,
    /// Of these, the units whose (intact) part is on disk.
    pub(crate) done: u64,
    /// Units whose part was damaged (set aside, so they are to run), in unit order.
    pub(crate) damaged: Vec<u64>,
    shard: Option<Shard>,
    parts: PathBuf,
}

impl Pending {
    /// Whether unit `u` belongs to this run (its shard).
    pub(crate) fn owns(&self, u: u64) -> bool {
        self.shard.is_none_or(|s| s.owns(u))
    }

    /// Whether unit `u` is still to run: it belongs to this run and its part is not on disk
    /// (no file is looked at when none was there).
    pub(crate) fn is_todo(&self, plan: &Plan, u: u64) -> bool {
        self.owns(u) && (self.done == 0 || !has_part(plan, &self.parts, u))
    }

    /// The units still to run, in unit order, found one at a time.
    pub(crate) fn todo<'a>(&'a self, plan: &'a Plan) -> impl Iterator<Item = u64> + 'a {
        (0..plan.units()).filter(move |&u| self.is_todo(plan, u))
    }
}

/// The units of `plan` (of `shard`, if given) and how many of them are done in `dir`; every
/// part on disk is read and checked: a damaged one is set aside, to be run again.
pub(crate) fn pending(
    plan: &Plan,
    dir: &Path,
    shard: Option<Shard>,
) -> Result<Pending, EnsembleError> {
    let parts = parts_dir(dir);
    let owns = |u: u64| shard.is_none_or(|s| s.owns(u));
    let mut done = 0;
    let mut damaged = Vec::new();
    each_done_unit(plan, &parts, |u| {
        if owns(u) {
            if set_aside_if_damaged(plan, &parts, u)? {
                damaged.push(u);
            } else {
                done += 1;
            }
        }
        Ok(())
    })?;
    damaged.sort_unstable();
    let owned = match shard {
        None => plan.units(),
        Some(s) => plan.units() / s.count + u64::from(plan.units() % s.count > s.index),
    };
    Ok(Pending {
        owned,
        done,
        damaged,
        shard,
        parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn force_removes_only_what_a_manifest_lists() {
        let dir = std::env::temp_dir().join(format!("impunity-claim-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        claim(&dir, false, false).unwrap(); // does not exist yet: fine
        fs::create_dir_all(dir.join("charts")).unwrap();
        fs::write(dir.join("timeseries.csv"), "replicate,tick\n").unwrap();
        fs::write(dir.join("outcomes.csv"), "replicate\n").unwrap();
        fs::write(dir.join(".summary.csv.partial"), "half").unwrap();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        fs::write(dir.join(LOCK_NAME), "").unwrap();
        let e = claim(&dir, false, false).unwrap_err();
        assert!(matches!(&e, EnsembleError::NotEmpty { entries, .. } if entries.len() == 5));
        claim(&dir, true, false).unwrap(); // resume: checked later
        // No manifest: nothing shows the outputs are impunity's; nothing is removed.
        let e = claim(&dir, false, true).unwrap_err();
        assert!(
            matches!(&e, EnsembleError::NotOurs { entries, .. }
                if entries == &["charts", "outcomes.csv", "timeseries.csv"]),
            "{e:?}"
        );
        assert!(dir.join(".summary.csv.partial").exists());
        // A manifest listing timeseries.csv only: outcomes.csv is still not ours.
        let mut text = format!(
            "{{\n  \"files\": [\"timeseries.csv\"],\n  \"checksum\": \"{}\"\n}}\n",
            super::super::checksum::PLACEHOLDER
        );
        text = super::super::checksum::seal_json(&text);
        fs::write(dir.join("manifest.json"), &text).unwrap();
        let e = claim(&dir, false, true).unwrap_err();
        assert!(
            matches!(&e, EnsembleError::NotOurs { entries, .. } if entries == &["outcomes.csv"])
        );
        fs::remove_file(dir.join("outcomes.csv")).unwrap();
        claim(&dir, false, true).unwrap();
        let mut left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [LOCK_NAME, "notes.txt"]);
        // A damaged manifest is not trusted.
        fs::write(dir.join("timeseries.csv"), "x").unwrap();
        fs::write(
            dir.join("manifest.json"),
            text.replace("timeseries", "timeseriez"),
        )
        .unwrap();
        let e = claim(&dir, false, true).unwrap_err();
        assert!(matches!(e, EnsembleError::DamagedManifest { .. }), "{e:?}");
        // Another command's manifest (a calibration's): nothing is a run's to replace.
        fs::write(
            dir.join("manifest.json"),
            "{\"command\": \"calibrate\", \"files\": [\"posterior.csv\", \"manifest.json\"]}\n",
        )
        .unwrap();
        fs::write(dir.join("posterior.csv"), "generation\n").unwrap();
        let e = claim(&dir, false, true).unwrap_err();
        assert!(
            matches!(&e, EnsembleError::OtherCommand { command, .. } if command == "calibrate"),
            "{e:?}"
        );
        assert!(e.to_string().contains("`impunity calibrate`"), "{e}");
        assert!(dir.join("manifest.json").is_file() && dir.join("posterior.csv").is_file());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn paths_resolve_as_the_system_will_reach_them() {
        let base = std::env::temp_dir()
            .canonicalize()
            .unwrap()
            .join(format!("impunity-resolve-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(base.join("real")).unwrap();
        assert_eq!(
            resolve(&base.join("ghost/../real")).unwrap(),
            base.join("real")
        );
        assert_eq!(
            resolve(&base.join("a/b/../../c/./d")).unwrap(),
            base.join("c/d")
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("real"), base.join("link")).unwrap();
            assert_eq!(resolve(&base.join("link/x")).unwrap(), base.join("real/x"));
            // `..` after a link leaves the link's target, as the system does.
            fs::create_dir_all(base.join("real/inner")).unwrap();
            std::os::unix::fs::symlink(base.join("real/inner"), base.join("in")).unwrap();
            assert_eq!(resolve(&base.join("in/../y")).unwrap(), base.join("real/y"));
            std::os::unix::fs::symlink(base.join("none"), base.join("dangling")).unwrap();
            assert!(matches!(
                resolve(&base.join("dangling")),
                Err(EnsembleError::DanglingLink { .. })
            ));
        }
        assert!(matches!(
            resolve(Path::new("/")),
            Err(EnsembleError::Forbidden { .. })
        ));
        fs::remove_dir_all(&base).unwrap();
    }
}
