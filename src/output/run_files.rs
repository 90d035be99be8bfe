//! All the files of a run, written unit by unit in unit order (point, then replicate), from
//! each unit's rows: the one pipeline behind assembly, merge and `Results::write`.

use super::{AtomicFile, CASES_HEADER, Manifest, calendar, outcomes, points, prefixed, summary};
use crate::ensemble::{CompareRow, EnsembleError, Plan};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The rows of one unit (point, replicate), rendered as the files want them (without the
/// point columns): what a part file holds, and what a replicate in memory renders to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct UnitRows<'a> {
    /// `timeseries.csv` rows.
    pub(crate) timeseries: &'a [u8],
    /// `events.csv` rows (conflict model; empty otherwise).
    pub(crate) events: &'a [u8],
    /// `cases.csv` rows (conflict model; empty otherwise).
    pub(crate) cases: &'a [u8],
    /// The outcomes, in the plan's outcome order.
    pub(crate) outcomes: &'a [f64],
    /// The metric values, tick-major (`ticks + 1` rows of the plan's metrics).
    pub(crate) values: &'a [f64],
}

/// The files of a run being written into one directory.
pub(crate) struct RunFiles<'p> {
    plan: &'p Plan,
    out: PathBuf,
    timeseries: AtomicFile,
    events_cases: Option<(AtomicFile, AtomicFile)>,
    outcomes: AtomicFile,
    summary: AtomicFile,
    scratch_path: PathBuf,
    scratch: Option<BufWriter<fs::File>>,
    block_bytes: usize,
    next: u64,
}

impl<'p> RunFiles<'p> {
    /// Creates `out` if needed and starts every file of `plan` (their headers written), under
    /// temporary names. `block_bytes` bounds the memory of the summary's percentiles.
    pub(crate) fn create(
        plan: &'p Plan,
        out: &Path,
        block_bytes: usize,
    ) -> Result<RunFiles<'p>, EnsembleError> {
        fs::create_dir_all(out).map_err(EnsembleError::io(out))?;
        let cal = calendar(plan.base());
        let pts = plan.has_points();
        let mut timeseries = AtomicFile::create(out.join("timeseries.csv"))?;
        {
            let mut head = Vec::new();
            super::write_timeseries_header(&mut head, plan.metrics(), cal).expect("to memory");
            let pre = if pts { "point," } else { "" };
            prefixed(&mut timeseries.w, pre, &head).map_err(EnsembleError::io(&timeseries.tmp))?;
        }
        let events_cases = if crate::model::is_conflict(plan.base()) {
            let mut ev = AtomicFile::create(out.join("events.csv"))?;
            let mut cs = AtomicFile::create(out.join("cases.csv"))?;
            let pre = if pts { "point," } else { "" };
            writeln!(ev.w, "{pre}{}", crate::events::HEADER).map_err(EnsembleError::io(&ev.tmp))?;
            writeln!(cs.w, "{pre}{}", CASES_HEADER).map_err(EnsembleError::io(&cs.tmp))?;
            Some((ev, cs))
        } else {
            None
        };
        let mut oc = AtomicFile::create(out.join("outcomes.csv"))?;
        let mut sm = AtomicFile::create(out.join("summary.csv"))?;
        let point_columns = if pts {
            format!("{},", points::header(plan.tag_names()))
        } else {
            String::new()
        };
        outcomes::write_header(&mut oc.w, &point_columns, plan.outcome_names())
            .map_err(EnsembleError::io(&oc.tmp))?;
        summary::write_header(&mut sm.w, &point_columns, cal)
            .map_err(EnsembleError::io(&sm.tmp))?;
        Ok(RunFiles {
            plan,
            out: out.to_path_buf(),
            timeseries,
            events_cases,
            outcomes: oc,
            summary: sm,
            scratch_path: out.join(".summary-values.tmp"),
            scratch: None,
            block_bytes,
            next: 0,
        })
    }

    /// Appends the rows of unit (`p`, `r`), the next one in unit order.
    ///
    /// # Panics
    /// If the units do not come in unit order.
    pub(crate) fn add(
        &mut self,
        p: usize,
        r: u64,
        unit: &UnitRows<'_>,
    ) -> Result<(), EnsembleError> {
        let plan = self.plan;
        assert_eq!(
            p as u64 * plan.replicates() + r,
            self.next,
            "units in unit order"
        );
        self.next += 1;
        let pts = plan.has_points();
        let pre_rows = if pts { format!("{p},") } else { String::new() };
        let pre_tags = if pts {
            format!("{},", points::columns(p, &plan.points()[p].tags))
        } else {
            String::new()
        };
        let io = EnsembleError::io;
        let ts = &mut self.timeseries;
        prefixed(&mut ts.w, &pre_rows, unit.timeseries).map_err(io(&ts.tmp))?;
        if let Some((ev, cs)) = self.events_cases.as_mut() {
            prefixed(&mut ev.w, &pre_rows, unit.events).map_err(io(&ev.tmp))?;
            prefixed(&mut cs.w, &pre_rows, unit.cases).map_err(io(&cs.tmp))?;
        }
        let oc = &mut self.outcomes;
        oc.w.write_all(outcomes::row(&pre_tags, r, unit.outcomes).as_bytes())
            .map_err(io(&oc.tmp))?;
        if r == 0 {
            let f = fs::File::create(&self.scratch_path).map_err(io(&self.scratch_path))?;
            self.scratch = Some(BufWriter::new(f));
        }
        let scratch = self.scratch.as_mut().expect("opened at replicate 0");
        for v in unit.values {
            scratch
                .write_all(&v.to_le_bytes())
                .map_err(io(&self.scratch_path))?;
        }
        if r + 1 == plan.replicates() {
            let mut scratch = self.scratch.take().expect("opened at replicate 0");
            scratch.flush().map_err(io(&self.scratch_path))?;
            drop(scratch);
            let shape = summary::Shape {
                metrics: plan.metrics(),
                ticks: plan.ticks() as usize + 1,
                replicates: plan.replicates() as usize,
            };
            let sm = &mut self.summary;
            summary::write_rows(
                &mut sm.w,
                &self.scratch_path,
                &pre_tags,
                &shape,
                calendar(plan.base()),
                self.block_bytes,
            )
            .map_err(io(&sm.tmp))?;
        }
        Ok(())
    }

    /// Renames the files to their final names, then writes `points.csv` (with points),
    /// `compare.csv` (given the rows of a comparison) and `manifest.json` (recording
    /// `command_line`). Returns every file written, in that order.
    ///
    /// # Panics
    /// If not every unit was added.
    pub(crate) fn finish(
        self,
        comparison: Option<&[CompareRow]>,
        command_line: Vec<String>,
    ) -> Result<Vec<PathBuf>, EnsembleError> {
        let plan = self.plan;
        assert_eq!(self.next, plan.units(), "every unit added");
        let _ = fs::remove_file(&self.scratch_path);
        let mut files = vec![self.timeseries.commit()?];
        if let Some((ev, cs)) = self.events_cases {
            files.push(ev.commit()?);
            files.push(cs.commit()?);
        }
        files.push(self.outcomes.commit()?);
        files.push(self.summary.commit()?);
        if plan.has_points() {
            let path = self.out.join("points.csv");
            let tags: Vec<&[String]> = plan.points().iter().map(|p| p.tags.as_slice()).collect();
            super::write_atomic(&path, |w| points::write(w, plan.tag_names(), &tags))
                .map_err(EnsembleError::io(&path))?;
            files.push(path);
        }
        if let Some(rows) = comparison {
            let path = self.out.join("compare.csv");
            super::write_atomic(&path, |w| super::write_compare(w, rows))
                .map_err(EnsembleError::io(&path))?;
            files.push(path);
        }
        let mut manifest = Manifest::new(
            plan.base(),
            plan.seed(),
            plan.replicates(),
            plan.ticks(),
            command_line,
        );
        manifest.fingerprint = Some(plan.fingerprint());
        manifest.design = Some(plan.design().to_string());
        if plan.has_points() {
            manifest.points = Some(plan.points().len() as u64);
        }
        manifest.files = Some(
            files
                .iter()
                .filter_map(|f| f.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect(),
        );
        let mf = self.out.join("manifest.json");
        manifest.write(&mf).map_err(EnsembleError::io(&mf))?;
        files.push(mf);
        Ok(files)
    }
}
