//! `impunity._impunity`: the Rust side of the Python package `impunity` (python/impunity/).
//!
//! It holds what needs the library: scenarios (`Scenario`), one ensemble run into a directory
//! (`run_dir`, used by `impunity.run`, `sweep` and `compare`), and a stepped model (`Model`).
//! The pandas layer (reading the run's long-form files into DataFrames) is Python, in
//! `python/impunity/__init__.py`. Runs release the GIL; Ctrl-C stops a run at the next tick of
//! its replicates (the library's cancellation), and raises `KeyboardInterrupt`.

use impunity::ensemble::design::{self, Design, Vary};
use impunity::ensemble::{DirOptions, DirRun, Ensemble, Plan, Point, Progress};
use impunity::scenario::Value;
use pyo3::exceptions::{
    PyKeyboardInterrupt, PyOSError, PyRuntimeError, PyUserWarning, PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// A Python value as a scenario value: bool, int, float, list/tuple of those, or a string
/// read as `--set` reads it (TOML, or else the text itself: `"netlogo"`, `"2018-01-01"`).
fn to_value(v: &Bound<'_, PyAny>) -> PyResult<Value> {
    if v.is_instance_of::<PyBool>() {
        Ok(Value::from(v.extract::<bool>()?))
    } else if v.is_instance_of::<PyInt>() {
        Ok(Value::from(v.extract::<i64>()?))
    } else if v.is_instance_of::<PyFloat>() {
        Ok(Value::from(v.extract::<f64>()?))
    } else if v.is_instance_of::<PyString>() {
        Ok(Value::parse(&v.extract::<String>()?))
    } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let items: Vec<Bound<'_, PyAny>> = v.extract()?;
        items
            .iter()
            .map(to_value)
            .collect::<PyResult<Vec<_>>>()
            .map(Value::from)
    } else if let Ok(f) = v.extract::<f64>() {
        // numpy scalars and other numbers
        Ok(Value::from(f))
    } else {
        Err(PyValueError::new_err(format!(
            "cannot use {} as a scenario value (give a bool, int, float, str or list)",
            v.repr()?
        )))
    }
}

/// A value as `--vary` writes it: TOML, strings as their text.
fn vary_text(v: &Bound<'_, PyAny>) -> PyResult<String> {
    if v.is_instance_of::<PyString>() {
        v.extract::<String>()
    } else {
        Ok(to_value(v)?.to_string())
    }
}

/// A scenario: a preset or a file, changed key by key. Immutable: `set` returns a new one.
#[pyclass(module = "impunity._impunity", frozen)]
#[derive(Clone)]
struct Scenario {
    inner: impunity::Scenario,
}

#[pymethods]
impl Scenario {
    /// The preset `name` (`impunity.presets()` lists them).
    #[staticmethod]
    fn preset(name: &str) -> PyResult<Scenario> {
        impunity::presets::get(name)
            .map(|inner| Scenario { inner })
            .ok_or_else(|| {
                let names: Vec<&str> = impunity::presets::names().collect();
                PyValueError::new_err(format!(
                    "unknown preset `{name}` (the presets: {})",
                    names.join(", ")
                ))
            })
    }

    /// The scenario of a TOML file.
    #[staticmethod]
    fn from_file(path: PathBuf) -> PyResult<Scenario> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| PyOSError::new_err(format!("cannot read {}: {e}", path.display())))?;
        Scenario::from_toml(&text, Some(&path.display().to_string()))
    }

    /// The scenario of TOML text (`origin` names it in errors).
    #[staticmethod]
    #[pyo3(signature = (text, origin=None))]
    fn from_toml(text: &str, origin: Option<&str>) -> PyResult<Scenario> {
        impunity::Scenario::from_toml_str(text, origin.unwrap_or("<string>"))
            .map(|inner| Scenario { inner })
            .map_err(value_error)
    }

    /// A new scenario with `key` (a key path such as `policy.impunity`) set to `value`, or,
    /// given a dict `{key: value, ...}` alone, with all of them set at once (checked together,
    /// so keys that must change together can); validated; ValueError names the key and what
    /// is wrong.
    #[pyo3(signature = (key, value=None))]
    fn set(&self, key: &Bound<'_, PyAny>, value: Option<&Bound<'_, PyAny>>) -> PyResult<Scenario> {
        let mut changes = Vec::new();
        match (key.cast::<PyDict>(), value) {
            (Ok(dict), None) => {
                for (k, v) in dict.iter() {
                    changes.push((k.extract::<String>()?.trim().to_string(), to_value(&v)?));
                }
            }
            (Ok(_), Some(_)) => {
                return Err(value_error("set(dict) takes no value: the dict holds them"));
            }
            (Err(_), Some(v)) => {
                changes.push((key.extract::<String>()?.trim().to_string(), to_value(v)?))
            }
            (Err(_), None) => {
                return Err(value_error("set(key, value), or set({key: value, ...})"));
            }
        }
        for (k, _) in &changes {
            self.inner.check_key(k).map_err(value_error)?;
        }
        self.inner
            .with_changes(changes.iter().map(|(k, v)| (k.as_str(), v.clone())))
            .map(|inner| Scenario { inner })
            .map_err(value_error)
    }

    /// The value at a key path, as TOML text (None if the scenario has none there).
    fn get(&self, key: &str) -> Option<String> {
        self.inner.get(key).map(|v| v.to_string())
    }

    /// Checks the scenario; ValueError if it is not valid.
    fn validate(&self) -> PyResult<()> {
        self.inner.validate().map_err(value_error)
    }

    /// The scenario as a TOML file (what `impunity show` prints).
    fn to_toml(&self) -> String {
        self.inner.to_toml_string()
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The scenario's own run length, in ticks.
    #[getter]
    fn ticks(&self) -> u32 {
        self.inner.ticks
    }

    fn __eq__(&self, other: &Scenario) -> bool {
        self.inner == other.inner
    }

    fn __repr__(&self) -> String {
        format!("Scenario({:?})", self.inner.name)
    }
}

/// The names of the presets.
#[pyfunction]
fn presets() -> Vec<String> {
    impunity::presets::names().map(String::from).collect()
}

/// The points of a sweep of `base` over `vary` (key → list of values, or a `START:END:COUNT`
/// / `START:END` string), with `design` `grid` or `lhs`.
fn sweep_points(
    base: &impunity::Scenario,
    vary: &Bound<'_, PyDict>,
    how: &str,
    samples: Option<u64>,
    seed: u64,
) -> PyResult<(Vec<String>, Vec<Point>, String)> {
    let mut specs = Vec::new();
    for (k, v) in vary.iter() {
        let key: String = k.extract()?;
        let values = if v.is_instance_of::<PyString>() {
            v.extract::<String>()?
        } else {
            let items: Vec<Bound<'_, PyAny>> = v.extract().map_err(|_| {
                PyValueError::new_err(format!(
                    "vary {key}: give a list of values or a string START:END:COUNT"
                ))
            })?;
            items
                .iter()
                .map(vary_text)
                .collect::<PyResult<Vec<_>>>()?
                .join(",")
        };
        specs.push(format!("{key}={values}"));
    }
    let vary: Vec<Vary> = specs
        .iter()
        .map(|s| Vary::parse(s))
        .collect::<Result<_, _>>()
        .map_err(value_error)?;
    for v in &vary {
        v.check(base).map_err(value_error)?;
    }
    let design = match (how, samples) {
        ("grid", None) => Design::Grid,
        ("grid", Some(_)) => return Err(value_error("samples goes with design=\"lhs\"")),
        ("lhs", Some(samples)) => Design::Lhs { samples },
        ("lhs", None) => return Err(value_error("design=\"lhs\" needs samples=N")),
        (d, _) => {
            return Err(value_error(format!(
                "design {d:?}: expected \"grid\" or \"lhs\""
            )));
        }
    };
    let points = design::points(base, &vary, design, seed).map_err(value_error)?;
    let mut text = how.to_string();
    if let Some(n) = samples {
        text.push_str(&format!(" samples={n}"));
    }
    for s in &specs {
        text.push_str(&format!(" --vary {s}"));
    }
    Ok((
        vary.iter().map(|v| v.key().to_string()).collect(),
        points,
        text,
    ))
}

/// The variants of a comparison: name → {key: value}.
/// Also returns each variant as `NAME:KEY=VALUE,...` (in `specs`), the keys set (`keys`), and
/// a warning for a variant identical to the baseline.
fn variant_points(
    base: &impunity::Scenario,
    variants: &Bound<'_, PyDict>,
    specs: &mut Vec<String>,
    keys: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> PyResult<Vec<Point>> {
    let mut points = vec![Point {
        tags: vec!["baseline".into()],
        scenario: base.clone(),
    }];
    for (name, sets) in variants.iter() {
        let name: String = name.extract()?;
        if points.iter().any(|p| p.tags[0] == name) {
            return Err(value_error(format!("variant `{name}`: the name is taken")));
        }
        let sets = sets
            .cast::<PyDict>()
            .map_err(|_| value_error(format!("variant `{name}`: give a dict {{key: value}}")))?;
        let mut changes = Vec::new();
        for (k, v) in sets.iter() {
            let k: String = k.extract()?;
            base.check_key(&k)
                .map_err(|e| value_error(format!("variant `{name}`: {e}")))?;
            changes.push((k, to_value(&v)?));
        }
        let scenario = base
            .with_changes(changes.iter().map(|(k, v)| (k.as_str(), v.clone())))
            .map_err(|e| value_error(format!("variant `{name}`: {e}")))?;
        let sets: Vec<String> = changes.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if scenario == *base {
            warnings.push(format!(
                "variant {name}: identical to the baseline ({} is what the baseline already \
                 has), so every difference will be 0",
                sets.join(",")
            ));
        }
        specs.push(format!("{name}:{}", sets.join(",")));
        keys.extend(changes.into_iter().map(|(k, _)| k));
        points.push(Point {
            tags: vec![name],
            scenario,
        });
    }
    Ok(points)
}

/// The command line's warnings for a plan of `ticks` ticks (`impunity run` prints them on
/// stderr): settings that cannot act within the run (naming the points they hold for, when
/// not all), and varied keys that the timeline changes again.
fn plan_warnings(points: &[Point], keys: &[String], ticks: u32, out: &mut Vec<String>) {
    let mut seen: Vec<(impunity::scenario::Warning, Vec<String>)> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        for w in p.scenario.warnings(ticks) {
            let label = format!("point {i} ({})", p.tags.join(", "));
            match seen.iter_mut().find(|(x, _)| *x == w) {
                Some((_, labels)) => labels.push(label),
                None => seen.push((w, vec![label])),
            }
        }
    }
    for (w, labels) in seen {
        let scope = if labels.len() == points.len() {
            String::new()
        } else if labels.len() <= 5 {
            format!(" (in {})", labels.join("; "))
        } else {
            format!(" (in {} of {} points)", labels.len(), points.len())
        };
        out.push(format!("{}: {}{scope}; {}", w.key, w.message, w.fix));
    }
    let base = &points[0].scenario;
    for k in keys {
        let when = base.timeline_changes_within(k, ticks);
        if !when.is_empty() {
            out.push(format!(
                "{k} is changed again by {}'s timeline ({}): the value given holds only until \
                 then; to hold it for the whole run, edit the timeline (Scenario.to_toml())",
                base.name,
                when.join(", ")
            ));
        }
    }
}

/// Runs an ensemble into `out` and writes its long form (`out/tidy/`). `kind` is `run`,
/// `sweep` (with `vary`, `design`, `samples`) or `compare` (with `variants`). `progress`, if
/// given, is called as `progress(done_units, total_units)` from this thread every tenth of a
/// second. `force` replaces impunity's outputs in a non-empty `out`. `parquet` also writes the
/// Parquet copies of the tables (`impunity::output::write_parquet`).
#[pyfunction]
#[pyo3(signature = (scenario, kind, out, seed=1, ticks=None, replicates=1, threads=None,
    vary=None, design="grid", samples=None, variants=None, progress=None, force=false,
    command_line=None, parquet=false, method=None, levels=None, outcomes=None))]
#[allow(clippy::too_many_arguments)]
fn run_dir(
    py: Python<'_>,
    scenario: &Scenario,
    kind: &str,
    out: PathBuf,
    seed: u64,
    ticks: Option<u32>,
    replicates: u64,
    threads: Option<usize>,
    vary: Option<&Bound<'_, PyDict>>,
    design: &str,
    samples: Option<u64>,
    variants: Option<&Bound<'_, PyDict>>,
    progress: Option<Bound<'_, PyAny>>,
    force: bool,
    command_line: Option<Vec<String>>,
    parquet: bool,
    method: Option<&str>,
    levels: Option<u64>,
    outcomes: Option<Vec<String>>,
) -> PyResult<Vec<PathBuf>> {
    let base = scenario.inner.clone();
    base.validate().map_err(value_error)?;
    let ticks = ticks.unwrap_or(base.ticks);
    let mut warnings = Vec::new();
    let plan = match (kind, vary, variants) {
        ("run", None, None) => Plan::single(base, seed, replicates, ticks),
        ("sweep", Some(vary), None) => {
            let (tags, points, text) = sweep_points(&base, vary, design, samples, seed)?;
            plan_warnings(&points, &tags, ticks, &mut warnings);
            Plan::new(base, tags, points, seed, replicates, ticks, text)
        }
        ("sensitivity", Some(vary), None) => {
            let design = sensitivity_design(&base, vary, method, samples, levels, outcomes)?;
            let points = design.points(&base, seed).map_err(value_error)?;
            let keys: Vec<String> = design.factors.iter().map(|f| f.key.clone()).collect();
            plan_warnings(&points, &keys, ticks, &mut warnings);
            Plan::new(base, keys, points, seed, replicates, ticks, design.text())
        }
        ("compare", None, Some(variants)) => {
            let (mut specs, mut keys) = (Vec::new(), Vec::new());
            let points = variant_points(&base, variants, &mut specs, &mut keys, &mut warnings)?;
            keys.sort();
            keys.dedup();
            plan_warnings(&points, &keys, ticks, &mut warnings);
            let text = format!("compare --variant {}", specs.join(" --variant "));
            Plan::new(
                base,
                vec!["variant".into()],
                points,
                seed,
                replicates,
                ticks,
                text,
            )
        }
        _ => return Err(value_error(format!("run_dir: bad arguments for `{kind}`"))),
    }
    .map_err(value_error)?;
    if kind == "run" {
        plan_warnings(plan.points(), &[], ticks, &mut warnings);
    }
    // As Python warnings (UserWarning), pointing at the caller of impunity.run/sweep/compare.
    let category = py.get_type::<PyUserWarning>();
    for w in warnings {
        let msg = std::ffi::CString::new(w).unwrap_or_default();
        PyErr::warn(py, &category, &msg, 3)?;
    }
    let out = impunity::ensemble::output_path(&out).map_err(value_error)?;
    let pool = pool(threads)?;
    let opts = DirOptions {
        force,
        command_line: command_line.unwrap_or_else(|| vec!["python".into(), kind.into()]),
        ..DirOptions::default()
    };
    let total = plan.units();
    let ensemble = Ensemble::new(plan);
    let stop = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let callback = |p: Progress| {
        if let Progress::Unit = p {
            done.fetch_add(1, Ordering::Relaxed);
        }
        if stop.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let result = in_background(
        py,
        &stop,
        &progress,
        || (done.load(Ordering::Relaxed), total),
        || {
            pool.install(|| ensemble.run_in(&out, &opts, &callback))
                .map(|r| {
                    let mut tidy = impunity::output::write_tidy(&out).map_err(|e| e.to_string());
                    if let (Ok(files), "sensitivity") = (&mut tidy, kind) {
                        match impunity::sensitivity::write_dir(&out) {
                            Ok((path, _, _)) => files.push(path),
                            Err(e) => tidy = Err(e.to_string()),
                        }
                    }
                    if let (Ok(files), true) = (&mut tidy, parquet) {
                        match impunity::output::write_parquet(&out) {
                            Ok(more) => files.extend(more),
                            Err(e) => tidy = Err(e.to_string()),
                        }
                    }
                    (r, tidy)
                })
        },
    )?;
    match result {
        Ok((DirRun::Done(_), tidy)) => {
            let tidy = tidy.map_err(PyOSError::new_err)?;
            Ok(tidy)
        }
        Ok((DirRun::AlreadyComplete, _)) | Ok((DirRun::Shard { .. }, _)) => Err(
            PyRuntimeError::new_err("the run did not run (already complete)"),
        ),
        Err(impunity::ensemble::EnsembleError::Cancelled) => {
            Err(PyKeyboardInterrupt::new_err("the run was stopped"))
        }
        Err(e) if e.is_input() => Err(value_error(e)),
        Err(e) => Err(PyOSError::new_err(e.to_string())),
    }
}

/// The design of `impunity.sensitivity`: `vary` maps a key to `"LO:HI"` or `(lo, hi)`.
fn sensitivity_design(
    base: &impunity::Scenario,
    vary: &Bound<'_, PyDict>,
    method: Option<&str>,
    samples: Option<u64>,
    levels: Option<u64>,
    outcomes: Option<Vec<String>>,
) -> PyResult<impunity::sensitivity::Design> {
    use impunity::sensitivity::{Design, Factor, Method};
    let samples = samples
        .ok_or_else(|| value_error("samples: give the trajectories (morris) or N (sobol)"))?;
    let method = match method.unwrap_or("morris") {
        "morris" => Method::Morris {
            trajectories: samples,
            levels: levels.unwrap_or(4),
        },
        "sobol" if levels.is_none() => Method::Sobol { samples },
        "sobol" => return Err(value_error("levels goes with method=\"morris\"")),
        m => {
            return Err(value_error(format!(
                "method {m:?}: expected \"morris\" or \"sobol\""
            )));
        }
    };
    let mut factors = Vec::new();
    for (k, v) in vary.iter() {
        let key: String = k.extract()?;
        let range = match v.extract::<(f64, f64)>() {
            Ok((lo, hi)) => format!("{lo}:{hi}"),
            Err(_) => v
                .extract::<String>()
                .map_err(|_| value_error(format!("vary[{key:?}]: give (lo, hi) or \"LO:HI\"")))?,
        };
        let f = Factor::parse(&format!("{key}={range}")).map_err(value_error)?;
        base.check_key(&f.key).map_err(value_error)?;
        factors.push(f);
    }
    let outcomes = outcomes.unwrap_or_default();
    let known = impunity::ensemble::outcomes::names(base).map_err(value_error)?;
    if let Some(o) = outcomes.iter().find(|o| !known.contains(o)) {
        return Err(value_error(format!(
            "outcomes: `{o}` is not an outcome of this scenario (it has: {})",
            known.join(", ")
        )));
    }
    Design::new(method, factors, outcomes).map_err(value_error)
}

/// Runs `work` on its own thread, without the GIL, while this thread wakes every 0.1 s to see
/// Ctrl-C (Python's signal handlers run on the main thread, with the GIL) and to call
/// `progress(done, total)` with what `count` says; either stops the work (through `stop`,
/// which the work's progress callback reads) and its error is raised once the work returns.
fn in_background<T: Send>(
    py: Python<'_>,
    stop: &AtomicBool,
    progress: &Option<Bound<'_, PyAny>>,
    count: impl Fn() -> (u64, u64),
    work: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    let mut interrupted: Option<PyErr> = None;
    let mut progress_error: Option<PyErr> = None;
    let result = std::thread::scope(|scope| {
        let handle = scope.spawn(work);
        loop {
            let finished = py.detach(|| {
                let t0 = std::time::Instant::now();
                while !handle.is_finished() && t0.elapsed() < Duration::from_millis(100) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                handle.is_finished()
            });
            if interrupted.is_none() {
                if let Err(e) = py.check_signals() {
                    stop.store(true, Ordering::Relaxed);
                    interrupted = Some(e);
                }
            }
            if let (Some(f), None) = (progress, &progress_error) {
                if let Err(e) = f.call1(count()) {
                    stop.store(true, Ordering::Relaxed);
                    progress_error = Some(e);
                }
            }
            if finished {
                break;
            }
        }
        handle.join().expect("the run does not panic")
    });
    match interrupted.or(progress_error) {
        Some(e) => Err(e),
        None => Ok(result),
    }
}

/// Calibrates `scenario` by ABC-SMC as the calibration file `config` (TOML text, named
/// `origin` in errors) says, into `out` (`impunity calibrate`); returns the directory.
/// `progress(done, budget)` counts simulated candidates.
#[pyfunction]
#[pyo3(signature = (scenario, config, origin, out, seed=None, threads=None, force=false,
    resume=false, progress=None))]
#[allow(clippy::too_many_arguments)]
fn calibrate_dir(
    py: Python<'_>,
    scenario: &Scenario,
    config: &str,
    origin: &str,
    out: PathBuf,
    seed: Option<u64>,
    threads: Option<usize>,
    force: bool,
    resume: bool,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<PathBuf> {
    use impunity::calibrate::{CalibrateError, Config, DirOptions, Progress, run_in};
    let s = scenario.inner.clone();
    s.validate().map_err(value_error)?;
    let config = Config::from_toml_str(config, origin).map_err(value_error)?;
    let pool = pool(threads)?;
    let stop = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let budget = config.settings.max_simulations;
    let seed = seed.unwrap_or(config.seed);
    let callback = |p: Progress| {
        if let Progress::Simulated = p {
            done.fetch_add(1, Ordering::Relaxed);
        }
        if stop.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let opts = DirOptions { resume, force };
    let result = in_background(
        py,
        &stop,
        &progress,
        || (done.load(Ordering::Relaxed), budget),
        || pool.install(|| run_in(&s, &config, seed, &out, &opts, &callback)),
    )?;
    match result {
        Ok(report) => Ok(report.dir),
        Err(CalibrateError::Cancelled) => {
            Err(PyKeyboardInterrupt::new_err("the calibration was stopped"))
        }
        Err(e) if e.is_input() => Err(value_error(e)),
        Err(e) => Err(PyOSError::new_err(e.to_string())),
    }
}

/// A rayon pool of `threads` threads (all cores by default).
fn pool(threads: Option<usize>) -> PyResult<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            return Err(value_error("threads must be at least 1"));
        }
        builder = builder.num_threads(n);
    }
    builder
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the threads: {e}")))
}

/// One replicate, stepped by hand: `step()`, `tick`, `stats()`.
#[pyclass(module = "impunity._impunity", unsendable)]
struct Model {
    inner: impunity::model::Model,
}

#[pymethods]
impl Model {
    #[new]
    #[pyo3(signature = (scenario, seed=1, replicate=0))]
    fn new(scenario: &Scenario, seed: u64, replicate: u64) -> PyResult<Model> {
        impunity::model::Model::new(&scenario.inner, seed, replicate)
            .map(|inner| Model { inner })
            .map_err(value_error)
    }

    /// Advances `n` ticks (1 by default), without the GIL (other Python threads run
    /// meanwhile); Ctrl-C stops it between two ticks and raises `KeyboardInterrupt`.
    #[pyo3(signature = (n=1))]
    fn step(&mut self, py: Python<'_>, n: u32) -> PyResult<()> {
        for _ in 0..n {
            let inner = &mut self.inner;
            py.detach(|| inner.step());
            py.check_signals()?;
        }
        Ok(())
    }

    /// The current tick (0 before the first step).
    #[getter]
    fn tick(&self) -> u32 {
        self.inner.tick()
    }

    /// The metric names, in the order of `metric_values`.
    fn metric_names(&self) -> Vec<String> {
        self.inner.metrics().names().to_vec()
    }

    /// The current value of every metric (the columns of timeseries.csv), in
    /// `metric_names` order.
    fn metric_values(&self) -> Vec<f64> {
        let mut row = Vec::new();
        self.inner.metric_row(&mut row);
        row
    }

    /// Legitimacy of each community (index, 0..1), in the scenario's order.
    fn legitimacy(&self) -> Vec<f64> {
        self.inner.legitimacy().into_owned()
    }

    /// Unresolved injustice of each community (index).
    fn unresolved(&self) -> Vec<f64> {
        self.inner.unresolved().to_vec()
    }

    /// The scenario the model runs.
    #[getter]
    fn scenario(&self) -> Scenario {
        Scenario {
            inner: self.inner.scenario().clone(),
        }
    }
}

#[pymodule]
fn _impunity(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scenario>()?;
    m.add_class::<Model>()?;
    m.add_function(wrap_pyfunction!(presets, m)?)?;
    m.add_function(wrap_pyfunction!(run_dir, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate_dir, m)?)?;
    Ok(())
}
