"""impunity from Python: run, sweep and compare scenarios into pandas DataFrames.

The simulation is the Rust library (the extension ``impunity._impunity``); this module runs an
ensemble into a directory (a temporary one unless ``out`` is given), writes its long, tidy form
there (``DIR/tidy/``, see docs/ensembles.md, "The long form") and reads the files into
DataFrames with ``pandas.read_csv``: the numbers are the bytes the command line writes for the
same scenario and seed.

>>> import impunity
>>> s = impunity.Scenario.preset("epstein-run1").set("ticks", 20)
>>> r = impunity.run(s, seed=1, replicates=2)
>>> sorted(r.outcomes.columns)[:3]
['entity', 'outcome', 'replicate']
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ._impunity import Model as _Model
from ._impunity import Scenario, presets, run_dir as _run_dir
from ._impunity import calibrate_dir as _calibrate_dir

__all__ = ["Scenario", "Model", "Result", "presets", "run", "sweep", "compare", "sensitivity",
           "calibrate", "Calibration"]


def _read(path: Path, format: str = "csv") -> pd.DataFrame | None:
    if format == "parquet":
        path = path.parent / "parquet" / f"{path.stem}.parquet" if path.parent.name != "tidy" \
            else path.with_suffix(".parquet")
    if not path.is_file():
        return None
    # entity is empty for whole-scenario figures: keep it as "" rather than NaN
    text = ("metric", "outcome", "entity", "unit", "variant")
    if format == "parquet":
        df = pd.read_parquet(path)
        for col in text:
            if col in df.columns:
                df[col] = df[col].astype(object).where(df[col].notna(), "").astype(str)
    else:
        df = pd.read_csv(path, dtype={c: str for c in text})
    for col in text:
        if col in df.columns:
            df[col] = df[col].fillna("")
    return df


class Result:
    """The outputs of a run, a sweep or a comparison, as pandas DataFrames.

    ``timeseries``, ``outcomes`` and ``summary`` are the long, tidy form (one value per row,
    with ``metric``/``outcome``, ``entity`` and ``unit``); ``events`` and ``cases`` are the
    run's ``events.csv`` and ``cases.csv`` (None if the scenario records none); ``compare``
    is ``compare.csv`` (comparisons only). ``dir`` is the output directory when ``out`` was
    given (None for a temporary one, removed once read). The wide files are read on demand
    with ``wide(name)`` while the directory exists.
    """

    def __init__(self, dir: Path, keep: bool, format: str = "csv"):
        tidy = dir / "tidy"
        self.timeseries = _read(tidy / "timeseries.csv", format)
        self.outcomes = _read(tidy / "outcomes.csv", format)
        self.summary = _read(tidy / "summary.csv", format)
        self.events = _read(dir / "events.csv", format)
        self.cases = _read(dir / "cases.csv", format)
        self.compare = _read(dir / "compare.csv", format)
        self.sensitivity = _read(dir / "sensitivity.csv")
        self.dir = dir if keep else None

    def wide(self, name: str) -> pd.DataFrame:
        """A wide file of the output directory (``"timeseries"``, ``"outcomes"``, …)."""
        if self.dir is None:
            raise ValueError("the run went to a temporary directory: give out= to keep the files")
        return pd.read_csv(self.dir / f"{name}.csv")

    def __repr__(self) -> str:
        parts = [
            f"{n}: {len(getattr(self, n))} rows"
            for n in ("timeseries", "outcomes", "summary", "events", "cases", "compare",
                      "sensitivity")
            if getattr(self, n) is not None
        ]
        return "Result(" + ", ".join(parts) + ")"


def _progress_bar(show):
    """(bar, update): a tqdm bar when tqdm is installed and ``show`` allows it; ``show`` itself
    when it is a callable ``show(done, total)``; nothing otherwise."""
    if show is False:
        return None, None
    if callable(show):
        return None, show
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None, None
    bars = []  # made at the first report, when the total is known

    def update(done, total):
        if not bars:
            bars.append(tqdm(total=total, unit="replicate", leave=False))
        if done != bars[0].n:
            bars[0].update(done - bars[0].n)

    return bars, update


def _execute(scenario, kind, out, seed, ticks, replicates, threads, force, progress,
             format="csv", **kw):
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be \"csv\" or \"parquet\", not {format!r}")
    if format == "parquet":
        try:
            import pyarrow  # noqa: F401  (pandas reads Parquet through it)
        except ImportError:
            raise ImportError("format=\"parquet\" reads the files with pandas and pyarrow: "
                              "pip install pyarrow") from None
    if not isinstance(scenario, Scenario):
        scenario = _load(scenario)
    keep = out is not None
    dir = Path(out) if keep else Path(tempfile.mkdtemp(prefix="impunity-"))
    bar, update = _progress_bar(progress)
    try:
        _run_dir(
            scenario,
            kind,
            str(dir),
            seed=seed,
            ticks=ticks,
            replicates=replicates,
            threads=threads,
            force=force or not keep,
            progress=update,
            command_line=["python", f"impunity.{kind}({scenario.name!r}, seed={seed}, ...)"],
            parquet=format == "parquet",
            **kw,
        )
        return Result(dir, keep, format)
    finally:
        for b in bar or []:
            b.close()
        if not keep:
            shutil.rmtree(dir, ignore_errors=True)


def _load(spec) -> Scenario:
    """A preset name or the path of a TOML file."""
    spec = os.fspath(spec)
    if spec in presets():
        return Scenario.preset(spec)
    if os.path.isfile(spec):
        return Scenario.from_file(spec)
    raise ValueError(f"unknown preset `{spec}` and no such file (impunity.presets() lists the presets)")


def run(scenario, seed=1, ticks=None, replicates=1, threads=None, out=None, force=False,
        progress=None, format="csv") -> Result:
    """Runs ``replicates`` replicates of ``scenario`` (a Scenario, a preset name or a file).

    Like ``impunity run SCENARIO --seed S --ticks T --replicates R --threads N --out OUT
    --tidy``: with ``out`` the usual directory is written (and kept); without it a temporary
    one is used and removed. ``force`` replaces impunity's outputs in a non-empty ``out``.
    ``progress``: a tqdm bar when tqdm is installed (False: never; a callable: called as
    ``progress(done, total)`` in replicates, every 0.1 s; an exception it raises stops the run
    and is raised). Ctrl-C stops the run
    (KeyboardInterrupt; a kept directory resumes with ``impunity run ... --resume``).
    ``format="parquet"`` also writes the tables as Parquet (``--format parquet``) and reads
    the DataFrames from those files (needs pyarrow): the same values, loaded faster.
    """
    return _execute(scenario, "run", out, seed, ticks, replicates, threads, force, progress,
                    format)


def sweep(scenario, vary, seed=1, ticks=None, replicates=1, threads=None, out=None,
          design="grid", samples=None, force=False, progress=None, format="csv") -> Result:
    """Runs every point of a sweep: ``vary`` maps a key to a list of values or to a string
    ``"START:END:COUNT"`` (grid) or ``"START:END"`` (``design="lhs"``, ``samples=N``); the
    first key varies slowest. Like ``impunity sweep --vary KEY=...``. Each key is a column of
    the tables, named as in the long form (``policy.impunity`` → ``policy_impunity``).
    """
    return _execute(scenario, "sweep", out, seed, ticks, replicates, threads, force, progress,
                    format, vary=dict(vary), design=design, samples=samples)


def compare(scenario, variants, seed=1, ticks=None, replicates=1, threads=None, out=None,
            force=False, progress=None, format="csv") -> Result:
    """Runs ``scenario`` (the baseline) and each variant (``{"name": {key: value, ...}}``) on
    the same seeds, like ``impunity compare --variant NAME:KEY=VALUE,...``; ``Result.compare``
    holds the paired differences (compare.csv).
    """
    return _execute(scenario, "compare", out, seed, ticks, replicates, threads, force, progress,
                    format, variants={k: dict(v) for k, v in variants.items()})


def sensitivity(scenario, vary, method="morris", samples=10, levels=None, outcomes=None,
                seed=1, ticks=None, replicates=1, threads=None, out=None, force=False,
                progress=None, format="csv") -> Result:
    """Global sensitivity of the outcomes to the keys of ``vary`` (``{key: (lo, hi)}`` or
    ``{key: "LO:HI"}``), like ``impunity sensitivity --vary KEY=LO:HI --method METHOD
    --samples N``: Morris elementary effects (``samples`` trajectories on ``levels`` levels,
    default 4) or Sobol indices (``samples`` = N, a power of two). ``Result.sensitivity`` is
    ``sensitivity.csv`` (``outcome,parameter,method,index,value,low,high``; docs/sensitivity.md);
    the other tables are those of the design's runs, one point per row of the design.
    """
    return _execute(scenario, "sensitivity", out, seed, ticks, replicates, threads, force,
                    progress, format, vary=dict(vary), method=method, samples=samples,
                    levels=levels, outcomes=list(outcomes) if outcomes else None)


class Calibration:
    """The outputs of a calibration (docs/calibrate.md) as pandas DataFrames: ``posterior``
    (``posterior.csv``: every generation's particles, ``generation,particle,weight,distance``
    and one column per key; the last generation is the posterior), ``generations``
    (tolerance, acceptance, ESS, simulations per generation) and ``predictive`` (the targets
    under posterior draws against the observed values). ``dir`` as for ``Result``.
    """

    def __init__(self, dir: Path, keep: bool):
        self.posterior = pd.read_csv(dir / "posterior.csv")
        self.generations = pd.read_csv(dir / "generations.csv")
        self.predictive = pd.read_csv(dir / "predictive.csv")
        self.dir = dir if keep else None

    def last(self) -> pd.DataFrame:
        """The posterior: the last generation's particles, with their weights."""
        g = self.posterior.generation.max()
        return self.posterior[self.posterior.generation == g]

    def __repr__(self) -> str:
        return (f"Calibration({len(self.generations)} generations, "
                f"{len(self.last())} particles in the posterior)")


def calibrate(scenario, config, seed=None, threads=None, out=None, force=False, resume=False,
              progress=None) -> Calibration:
    """ABC-SMC calibration of ``scenario`` as the calibration file ``config`` says (a path, or
    the TOML text itself), like ``impunity calibrate SCENARIO --config CALIB.toml``: same
    seed (default: the file's), same posterior bytes. ``progress`` as for ``run``, counting
    simulations against the file's budget; Ctrl-C stops it (KeyboardInterrupt; a kept ``out``
    resumes with ``resume=True``).
    """
    if not isinstance(scenario, Scenario):
        scenario = _load(scenario)
    config = os.fspath(config) if isinstance(config, os.PathLike) else config
    if "\n" not in config and os.path.isfile(config):
        origin, text = config, Path(config).read_text()
    else:
        origin, text = "config", config
    keep = out is not None
    dir = Path(out) if keep else Path(tempfile.mkdtemp(prefix="impunity-calibrate-"))
    bar, update = _progress_bar(progress)
    try:
        _calibrate_dir(scenario, text, origin, str(dir), seed=seed, threads=threads,
                       force=force or not keep, resume=resume, progress=update)
        return Calibration(dir, keep)
    finally:
        for b in bar or []:
            b.close()
        if not keep:
            shutil.rmtree(dir, ignore_errors=True)


class Model:
    """One replicate, stepped by hand (teaching, custom interventions).

    >>> m = impunity.Model(impunity.Scenario.preset("epstein-run1"), seed=1, replicate=0)
    >>> m.step(); m.tick
    1
    >>> m.stats()["active"]  # doctest: +SKIP
    """

    def __init__(self, scenario, seed=1, replicate=0):
        if not isinstance(scenario, Scenario):
            scenario = _load(scenario)
        self._m = _Model(scenario, seed, replicate)

    def step(self, n: int = 1) -> None:
        """Advances ``n`` ticks (without the GIL; Ctrl-C stops it between two ticks)."""
        self._m.step(n)

    @property
    def tick(self) -> int:
        return self._m.tick

    @property
    def scenario(self) -> Scenario:
        return self._m.scenario

    def stats(self) -> dict:
        """The current values: every metric of timeseries.csv (a float, same names and units as
        the file's columns), and ``legitimacy_by_community`` and ``unresolved_by_community``, numpy
        arrays of one value per community (index, in the scenario's order)."""
        out = dict(zip(self._m.metric_names(), self._m.metric_values()))
        out["legitimacy_by_community"] = np.asarray(self._m.legitimacy(), dtype=float)
        out["unresolved_by_community"] = np.asarray(self._m.unresolved(), dtype=float)
        return out

    @property
    def metric_names(self) -> list:
        """The names of the metrics, in the order of :meth:`values` (timeseries.csv's columns)."""
        return self._m.metric_names()

    def values(self) -> np.ndarray:
        """The current value of every metric as one numpy array, in :attr:`metric_names` order
        (e.g. to stack ticks into a matrix)."""
        return np.asarray(self._m.metric_values(), dtype=float)
