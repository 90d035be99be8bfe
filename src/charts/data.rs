//! Reading output files back, and the per-tick percentiles across replicates the charts draw
//! ([`crate::stats::percentile`]).

use super::ChartError;
use crate::stats::percentile;
use std::path::Path;

/// A CSV file as a header and rows of text fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Csv {
    /// Column names.
    pub header: Vec<String>,
    /// Rows (each as long as the header).
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// Parses CSV text (fields may be double-quoted; no newlines inside fields).
    pub fn parse(text: &str, origin: &str) -> Result<Csv, ChartError> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header = match lines.next() {
            Some(h) => split(h),
            None => return Ok(Csv::default()),
        };
        let mut rows = Vec::new();
        for (i, l) in lines.enumerate() {
            let r = split(l);
            if r.len() != header.len() {
                return Err(ChartError::Data(format!(
                    "{origin}: line {}: {} fields, the header has {}",
                    i + 2,
                    r.len(),
                    header.len()
                )));
            }
            rows.push(r);
        }
        Ok(Csv { header, rows })
    }

    /// Reads and parses a file.
    pub fn read(path: &Path) -> Result<Csv, ChartError> {
        let text = std::fs::read_to_string(path).map_err(|e| ChartError::io(path, e))?;
        Csv::parse(&text, &path.display().to_string())
    }

    /// Index of a column.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Index of a column, or an error naming the file's role.
    pub fn need(&self, name: &str, what: &str) -> Result<usize, ChartError> {
        self.col(name)
            .ok_or_else(|| ChartError::Data(format!("{what}: no column `{name}`")))
    }
}

fn split(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    crate::output::split_csv_line(line, &mut out);
    out
}

/// Parses a number as written by [`crate::output::fmt_value`] (`inf`, `nan` included).
pub(crate) fn num(s: &str) -> f64 {
    match s.trim() {
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        t => t.parse().unwrap_or(f64::NAN),
    }
}

/// `timeseries.csv` in memory: per replicate, per metric, one value per tick.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeseries {
    /// Metric names, in column order.
    pub metrics: Vec<String>,
    /// Replicate indices, in file order.
    pub replicates: Vec<u64>,
    /// `values[r][m][t]`: replicate `r` (position in `replicates`), metric `m`, tick `t`.
    pub values: Vec<Vec<Vec<f64>>>,
    /// The date of each tick, for calendar scenarios (empty otherwise).
    pub dates: Vec<String>,
}

impl Timeseries {
    /// Parses the `timeseries.csv` of a plain run (`replicate,tick[,date],metric…`); a file
    /// of several points (a sweep's or comparison's) is an error: see
    /// [`Timeseries::parse_points`].
    ///
    /// ```
    /// use impunity::charts::Timeseries;
    /// let t = Timeseries::parse("replicate,tick,active\n0,0,1\n0,1,5\n1,0,2\n1,1,7\n").unwrap();
    /// assert_eq!(t.replicates, vec![0, 1]);
    /// assert_eq!(t.series(1, "active").unwrap(), &[2.0, 7.0]);
    /// assert_eq!(t.ticks(), 2);
    /// ```
    pub fn parse(text: &str) -> Result<Timeseries, ChartError> {
        let mut points = Timeseries::parse_points(text)?;
        match points.len() {
            0 => Ok(Timeseries::default()),
            1 => Ok(points.remove(0).1),
            n => Err(ChartError::Data(format!(
                "timeseries.csv holds {n} points (a sweep or comparison): read it with \
                 Timeseries::parse_points"
            ))),
        }
    }

    /// Parses the `timeseries.csv` of a sweep or comparison (`point,replicate,tick[,date],…`)
    /// into one [`Timeseries`] per point, in file order; a file without a `point` column is
    /// one point, numbered 0. `point` is a key, never a metric.
    ///
    /// ```
    /// use impunity::charts::Timeseries;
    /// let text = "point,replicate,tick,active\n0,0,0,1\n0,0,1,5\n1,0,0,2\n1,0,1,9\n";
    /// let p = Timeseries::parse_points(text).unwrap();
    /// assert_eq!(p.len(), 2);
    /// assert_eq!(p[0].0, 0);
    /// assert_eq!(p[0].1.metrics, ["active"]);
    /// assert_eq!(p[0].1.series(0, "active").unwrap(), &[1.0, 5.0]);
    /// assert_eq!(p[1].1.series(0, "active").unwrap(), &[2.0, 9.0]);
    /// assert!(Timeseries::parse(text).is_err()); // two points are not one time series
    /// ```
    pub fn parse_points(text: &str) -> Result<Vec<(u64, Timeseries)>, ChartError> {
        let csv = Csv::parse(text, "timeseries.csv")?;
        if csv.header.is_empty() {
            return Ok(Vec::new());
        }
        let pc = csv.col("point");
        let rc = csv.need("replicate", "timeseries.csv")?;
        let tc = csv.need("tick", "timeseries.csv")?;
        let dc = csv.col("date");
        let metric_cols: Vec<usize> = (0..csv.header.len())
            .filter(|&i| i != rc && i != tc && Some(i) != dc && Some(i) != pc)
            .collect();
        let empty = Timeseries {
            metrics: metric_cols.iter().map(|&i| csv.header[i].clone()).collect(),
            ..Default::default()
        };
        let mut out: Vec<(u64, Timeseries)> = Vec::new();
        if pc.is_none() {
            out.push((0, empty.clone()));
        }
        for row in &csv.rows {
            let p: u64 = match pc {
                Some(pc) => row[pc]
                    .parse()
                    .map_err(|_| ChartError::Data(format!("bad point `{}`", row[pc])))?,
                None => 0,
            };
            let at = match out.iter().position(|(q, _)| *q == p) {
                Some(at) => at,
                None => {
                    out.push((p, empty.clone()));
                    out.len() - 1
                }
            };
            let ts = &mut out[at].1;
            let r: u64 = row[rc]
                .parse()
                .map_err(|_| ChartError::Data(format!("bad replicate `{}`", row[rc])))?;
            let t: usize = row[tc]
                .parse()
                .ok()
                // A replicate has one row per tick from 0: a tick beyond the row count is
                // not a run's (and would make the series that long in memory).
                .filter(|&t| t < csv.rows.len())
                .ok_or_else(|| {
                    ChartError::Data(format!(
                        "bad tick `{}` (the file has {} rows, one per replicate and tick from 0)",
                        row[tc],
                        csv.rows.len()
                    ))
                })?;
            let k = match ts.replicates.iter().position(|&x| x == r) {
                Some(k) => k,
                None => {
                    ts.replicates.push(r);
                    ts.values.push(vec![Vec::new(); metric_cols.len()]);
                    ts.replicates.len() - 1
                }
            };
            for (m, &c) in metric_cols.iter().enumerate() {
                let v = &mut ts.values[k][m];
                if v.len() <= t {
                    v.resize(t + 1, f64::NAN);
                }
                v[t] = num(&row[c]);
            }
            if let Some(dc) = dc {
                if ts.dates.len() <= t {
                    ts.dates.resize(t + 1, String::new());
                }
                ts.dates[t].clone_from(&row[dc]);
            }
        }
        Ok(out)
    }

    /// Reads `timeseries.csv` of a plain run.
    pub fn read(path: &Path) -> Result<Timeseries, ChartError> {
        let text = std::fs::read_to_string(path).map_err(|e| ChartError::io(path, e))?;
        Timeseries::parse(&text)
    }

    /// Reads `timeseries.csv`, one [`Timeseries`] per point.
    pub fn read_points(path: &Path) -> Result<Vec<(u64, Timeseries)>, ChartError> {
        let text = std::fs::read_to_string(path).map_err(|e| ChartError::io(path, e))?;
        Timeseries::parse_points(&text)
    }

    /// Number of ticks (rows per replicate), the longest replicate's.
    pub fn ticks(&self) -> usize {
        self.values
            .iter()
            .flat_map(|r| r.iter().map(Vec::len))
            .max()
            .unwrap_or(0)
    }

    /// Index of a metric.
    pub fn metric(&self, name: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m == name)
    }

    /// One replicate's series of one metric (`k` is the position in [`Timeseries::replicates`]).
    pub fn series(&self, k: usize, name: &str) -> Option<&[f64]> {
        let m = self.metric(name)?;
        self.values.get(k).map(|r| r[m].as_slice())
    }
}

/// Per-tick percentiles of one metric across replicates: the 5th, 25th, 50th, 75th and 95th.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bands {
    /// 5th percentile per tick.
    pub p5: Vec<f64>,
    /// 25th percentile per tick.
    pub p25: Vec<f64>,
    /// Median per tick.
    pub p50: Vec<f64>,
    /// 75th percentile per tick.
    pub p75: Vec<f64>,
    /// 95th percentile per tick.
    pub p95: Vec<f64>,
}

impl Bands {
    /// The bands of `series` (one series per replicate, indexed by tick; a replicate shorter
    /// than the others, or a `NaN`, leaves it out of that tick).
    ///
    /// ```
    /// use impunity::charts::Bands;
    /// let b = Bands::of(&[vec![0.0, 10.0], vec![0.0, 20.0], vec![0.0, 30.0]]);
    /// assert_eq!(b.p50, vec![0.0, 20.0]);
    /// assert_eq!(b.p25[1], 15.0);
    /// assert_eq!(b.p95[1], 29.0);
    /// ```
    pub fn of(series: &[Vec<f64>]) -> Bands {
        let ticks = series.iter().map(Vec::len).max().unwrap_or(0);
        let mut b = Bands::default();
        let mut col = Vec::with_capacity(series.len());
        for t in 0..ticks {
            col.clear();
            col.extend(
                series
                    .iter()
                    .filter_map(|s| s.get(t).copied())
                    .filter(|v| !v.is_nan()),
            );
            col.sort_by(f64::total_cmp);
            b.p5.push(percentile(&col, 0.05));
            b.p25.push(percentile(&col, 0.25));
            b.p50.push(percentile(&col, 0.50));
            b.p75.push(percentile(&col, 0.75));
            b.p95.push(percentile(&col, 0.95));
        }
        b
    }

    /// Number of ticks.
    pub fn len(&self) -> usize {
        self.p50.len()
    }

    /// Whether there are no ticks.
    pub fn is_empty(&self) -> bool {
        self.p50.is_empty()
    }
}

/// Running sum (for flows shown cumulatively); `NaN` counts as 0.
pub(crate) fn cumulative(x: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    x.iter()
        .map(|&v| {
            if !v.is_nan() {
                acc += v;
            }
            acc
        })
        .collect()
}

/// What the charts need from `manifest.json` (all optional: charts draw without it).
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    /// Scenario name.
    pub scenario: String,
    /// People per agent (1 without a manifest): for the record only, the files are already
    /// in [`RunInfo::unit`].
    pub people_per_agent: f64,
    /// The unit of the files' counts of persons: the manifest's `count_unit` (`people` or
    /// `agents`; `agents` without a manifest).
    pub unit: String,
    /// The scenario's TOML (empty without a manifest).
    pub scenario_toml: String,
    /// Master seed.
    pub seed: u64,
    /// Replicates run (0 without a manifest).
    pub replicates: u64,
}

impl Default for RunInfo {
    fn default() -> Self {
        RunInfo {
            scenario: String::new(),
            people_per_agent: 1.0,
            unit: "agents".into(),
            scenario_toml: String::new(),
            seed: 1,
            replicates: 0,
        }
    }
}

impl RunInfo {
    /// Reads `dir/manifest.json` if it exists.
    pub fn read(dir: &Path) -> Result<RunInfo, ChartError> {
        let p = dir.join("manifest.json");
        if !p.exists() {
            return Ok(RunInfo::default());
        }
        let text = std::fs::read_to_string(&p).map_err(|e| ChartError::io(&p, e))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| ChartError::Data(format!("{}: {e}", p.display())))?;
        let ppa = v["people_per_agent"].as_f64().unwrap_or(1.0);
        Ok(RunInfo {
            scenario: v["scenario"].as_str().unwrap_or("").to_string(),
            people_per_agent: if ppa > 0.0 && ppa.is_finite() {
                ppa
            } else {
                1.0
            },
            unit: v["count_unit"].as_str().unwrap_or("agents").to_string(),
            scenario_toml: v["scenario_toml"].as_str().unwrap_or("").to_string(),
            seed: v["seed"].as_u64().unwrap_or(1),
            replicates: v["replicates"].as_u64().unwrap_or(0),
        })
    }

    /// The scenario, if the manifest holds one that reads back.
    pub fn scenario(&self) -> Option<crate::Scenario> {
        if self.scenario_toml.is_empty() {
            return None;
        }
        crate::Scenario::from_toml_str(&self.scenario_toml, "manifest.json").ok()
    }

    /// The unit counts are shown in (the files' own: nothing is scaled).
    pub(crate) fn count_unit(&self) -> &str {
        &self.unit
    }
}

/// The label of each point of a sweep or comparison, from `dir/points.csv`
/// (`point,<tags>`): a comparison's variant name (`baseline`, …), a sweep's `key=value` pairs
/// joined by `, `. `point <p>` for a point the file does not name (or without the file).
pub(crate) fn point_labels(dir: &Path, points: &[u64]) -> Result<Vec<String>, ChartError> {
    let p = dir.join("points.csv");
    let csv = if p.exists() {
        Csv::read(&p)?
    } else {
        Csv::default()
    };
    let pc = csv.col("point");
    Ok(points
        .iter()
        .map(|&q| {
            let row = pc.and_then(|pc| csv.rows.iter().find(|r| r[pc] == q.to_string()));
            match row {
                Some(r) => {
                    let tags: Vec<String> = (0..csv.header.len())
                        .filter(|&i| Some(i) != pc)
                        .map(|i| {
                            if csv.header[i] == "variant" {
                                r[i].clone()
                            } else {
                                format!("{}={}", csv.header[i], r[i])
                            }
                        })
                        .collect();
                    tags.join(", ")
                }
                None => format!("point {q}"),
            }
        })
        .collect())
}
