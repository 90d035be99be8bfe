"""Tests of the Python package: shapes, units, errors, stepping, and the same bytes as the
command line for the same scenario and seed.

The comparisons with the command line need the `impunity` binary: $IMPUNITY_BIN (a failure if
it names no file: CI sets it), or else target/release/impunity of this repository (`cargo build
--release`; skipped, saying so, when it does not exist).
"""

import os
import _thread
import subprocess
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import impunity

ROOT = Path(__file__).resolve().parents[2]
UNITS = {"people", "agents", "cases", "battles", "index", "ticks", "outbursts"}


def binary():
    given = os.environ.get("IMPUNITY_BIN")
    b = given or str(ROOT / "target" / "release" / "impunity")
    if not os.path.isfile(b):
        if given:  # CI names the binary: a missing one is a failure, not a skip
            pytest.fail(f"IMPUNITY_BIN={given}: no such file")
        pytest.skip(f"no impunity binary at {b} (cargo build --release, or set IMPUNITY_BIN)")
    return b


def cli(*args):
    subprocess.run([binary(), *args, "--quiet"], check=True, stdout=subprocess.DEVNULL)


def same_files(a: Path, b: Path, names):
    for n in names:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n


def small_mali():
    return impunity.Scenario.preset("central-mali-2018").set("world.people_per_agent", 200)


# --- scenarios -----------------------------------------------------------------------------

def test_presets_are_the_library_presets():
    names = impunity.presets()
    assert "epstein-run1" in names and "central-mali-2018" in names
    for n in names:
        assert impunity.Scenario.preset(n).name == n


def test_unknown_preset_is_a_value_error():
    with pytest.raises(ValueError, match="unknown preset `epstein-run99`"):
        impunity.Scenario.preset("epstein-run99")


def test_set_returns_a_new_scenario_and_keeps_the_old():
    s = impunity.Scenario.preset("epstein-run1")
    t = s.set("communities.citizens.legitimacy", 0.5)
    assert t.get("communities.citizens.legitimacy") == "0.5"
    assert s.get("communities.citizens.legitimacy") == "0.89"
    assert t != s


def test_set_takes_a_dict_of_changes_at_once():
    s = impunity.Scenario.preset("central-mali-2018")
    t = s.set({"policy.impunity": 0.2, "world.people_per_agent": 100})
    assert (float(t.get("policy.impunity")), float(t.get("world.people_per_agent"))) == (0.2, 100)
    assert t.to_toml() == s.set("policy.impunity", 0.2).set("world.people_per_agent", 100).to_toml()
    with pytest.raises(ValueError, match="legitmacy"):
        s.set({"policy.impunity": 0.2, "communities.peul.legitmacy": 0.5})
    with pytest.raises(ValueError, match="dict"):
        s.set({"policy.impunity": 0.2}, 0.3)


def test_bad_key_is_a_value_error_with_the_library_message():
    s = impunity.Scenario.preset("epstein-run1")
    with pytest.raises(ValueError) as e:
        s.set("communities.citizens.legitmacy", 0.5)
    # the message of `impunity run --set` after its `--set ...: ` prefix
    assert str(e.value) == (
        "communities.citizens.legitmacy: unknown key `legitmacy`; did you mean `legitimacy`?"
    )


def test_bad_value_is_a_value_error():
    s = impunity.Scenario.preset("epstein-run1")
    with pytest.raises(ValueError, match=r"outside \[0, 1\]"):
        s.set("communities.citizens.legitimacy", 1.5)
    with pytest.raises(ValueError, match="shares sum to 0.5, not 1"):
        s.set("communities.citizens.share", 0.5)


def test_toml_round_trip_and_files(tmp_path):
    s = small_mali()
    s.validate()
    assert impunity.Scenario.from_toml(s.to_toml()) == s
    f = tmp_path / "mine.toml"
    f.write_text(s.to_toml())
    assert impunity.Scenario.from_file(f) == s
    f.write_text("name = \"x\"\nno_such_key = 1\n")
    with pytest.raises(ValueError, match="no_such_key"):
        impunity.Scenario.from_file(f)


# --- run, sweep, compare -------------------------------------------------------------------

def test_run_tables_are_long_with_units():
    r = impunity.run("epstein-run1", seed=3, ticks=20, replicates=3)
    ts = r.timeseries
    assert list(ts.columns) == ["replicate", "tick", "metric", "entity", "value", "unit"]
    assert sorted(ts.replicate.unique()) == [0, 1, 2]
    assert ts.tick.min() == 0 and ts.tick.max() == 20
    assert set(ts.unit) <= UNITS
    # one value per (replicate, tick, metric, entity)
    assert not ts.duplicated(["replicate", "tick", "metric", "entity"]).any()
    assert list(r.outcomes.columns) == ["replicate", "outcome", "entity", "value", "unit"]
    assert set(r.outcomes.unit) <= UNITS
    assert (r.summary.n == 3).all()
    assert (r.summary.p5 <= r.summary.p95).all()
    assert r.compare is None and r.dir is None


def test_run_writes_the_bytes_the_command_line_writes(tmp_path):
    args = ["--set", "world.people_per_agent=200", "--seed", "5", "--ticks", "12",
            "--replicates", "2"]
    cli("run", "central-mali-2018", *args, "--out", str(tmp_path / "cli"), "--tidy")
    r = impunity.run(small_mali(), seed=5, ticks=12, replicates=2, threads=2,
                     out=tmp_path / "py")
    assert r.dir == tmp_path / "py"
    names = ["timeseries.csv", "outcomes.csv", "summary.csv", "events.csv", "cases.csv",
             "tidy/timeseries.csv", "tidy/outcomes.csv", "tidy/summary.csv"]
    same_files(tmp_path / "cli", tmp_path / "py", names)
    # and the DataFrames are those files
    pd.testing.assert_frame_equal(
        r.timeseries,
        pd.read_csv(tmp_path / "cli" / "tidy" / "timeseries.csv",
                    dtype={"entity": str}).fillna({"entity": ""}),
    )
    assert len(r.events) > 0 and len(r.cases) >= 0


def test_thread_count_does_not_change_results():
    a = impunity.run("epstein-run2", seed=9, ticks=15, replicates=4, threads=1)
    b = impunity.run("epstein-run2", seed=9, ticks=15, replicates=4, threads=2)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.summary, b.summary)


def test_out_refuses_a_non_empty_directory_unless_forced(tmp_path):
    impunity.run("epstein-run1", ticks=5, out=tmp_path)
    with pytest.raises(ValueError, match="not empty|non-empty|already"):
        impunity.run("epstein-run1", ticks=5, out=tmp_path)
    impunity.run("epstein-run1", ticks=5, out=tmp_path, force=True)


def test_sweep_tables_have_the_varied_key(tmp_path):
    r = impunity.sweep("epstein-run1", vary={"communities.citizens.legitimacy": [0.7, 0.9]},
                       seed=2, ticks=10, replicates=2, out=tmp_path / "py")
    o = r.outcomes
    assert list(o.columns[:3]) == ["point", "communities_citizens_legitimacy", "replicate"]
    assert sorted(o.point.unique()) == [0, 1]
    assert sorted(o.communities_citizens_legitimacy.unique()) == [0.7, 0.9]
    cli("sweep", "epstein-run1", "--vary", "communities.citizens.legitimacy=0.7,0.9",
        "--seed", "2", "--ticks", "10", "--replicates", "2", "--out", str(tmp_path / "cli"),
        "--tidy")
    same_files(tmp_path / "cli", tmp_path / "py",
               ["outcomes.csv", "summary.csv", "tidy/outcomes.csv", "tidy/timeseries.csv"])


def test_sweep_bad_key_is_a_value_error():
    with pytest.raises(ValueError, match="did you mean `legitimacy`"):
        impunity.sweep("epstein-run1", vary={"communities.citizens.legitmacy": [0.7]}, ticks=2)


def test_compare_has_the_paired_table(tmp_path):
    variants = {"low": {"communities.citizens.legitimacy": 0.6}}
    r = impunity.compare("epstein-run1", variants=variants, seed=4, ticks=10, replicates=3,
                         out=tmp_path / "py")
    c = r.compare
    assert {"variant", "outcome", "diff_mean", "ci_low", "ci_high"} <= set(c.columns)
    assert set(c.variant) == {"low"}
    assert (c.ci_low <= c.ci_high).all()
    assert set(r.outcomes.variant) == {"baseline", "low"}
    cli("compare", "epstein-run1", "--variant", "low:communities.citizens.legitimacy=0.6",
        "--seed", "4", "--ticks", "10", "--replicates", "3", "--out", str(tmp_path / "cli"),
        "--tidy")
    same_files(tmp_path / "cli", tmp_path / "py",
               ["compare.csv", "outcomes.csv", "tidy/outcomes.csv", "tidy/summary.csv"])


def test_a_variant_identical_to_the_baseline_is_warned_about():
    with pytest.warns(UserWarning, match="variant same: identical to the baseline"):
        impunity.compare("epstein-run1", variants={"same": {"communities.citizens.legitimacy": 0.89}},
                         ticks=2)


def test_settings_that_cannot_act_are_warned_about():
    # the central-Mali timeline's dated entries lie beyond a 5-tick run
    with pytest.warns(UserWarning) as got:
        impunity.run(small_mali(), ticks=5)
    assert any("timeline" in str(w.message) for w in got)


def test_compare_bad_value_names_the_variant():
    with pytest.raises(ValueError, match=r"variant `x`: .*outside \[0, 1\]"):
        impunity.compare("epstein-run1", variants={"x": {"communities.citizens.legitimacy": 2}},
                         ticks=2)


# --- Model ---------------------------------------------------------------------------------

def test_model_steps_through_the_run_s_time_series():
    s = impunity.Scenario.preset("epstein-run2")
    wide = impunity.run(s, seed=7, ticks=6, replicates=1, out=None)
    ts = wide.timeseries
    m = impunity.Model(s, seed=7, replicate=0)
    assert m.tick == 0
    for t in range(7):
        stats = m.stats()
        row = ts[ts.tick == t]
        for _, x in row.iterrows():
            name = x.metric + ("_" + x.entity if x.entity else "")
            assert stats[name] == x.value, (t, name)  # the file holds the shortest round-trip form
        if t < 6:
            m.step()
    assert m.tick == 6
    v = m.values()
    assert isinstance(v, np.ndarray) and v.shape == (len(m.metric_names),)
    assert [stats[k] for k in m.metric_names] == list(v)
    assert isinstance(stats["legitimacy_by_community"], np.ndarray)
    assert stats["legitimacy_by_community"].shape == (1,)


def test_model_step_lets_other_threads_run_and_stops_on_ctrl_c():
    # the timer is a Python thread: it can only send SIGINT if step releases the GIL; a
    # million ticks of epstein-run2 take minutes, so the step must stop between two ticks
    m = impunity.Model(impunity.Scenario.preset("epstein-run2"), seed=3)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            m.step(1_000_000)
    finally:
        timer.cancel()
    assert 0 < m.tick < 1_000_000
    m.step()  # the model is whole: it goes on from where it stopped
    assert m.tick > 1


# --- stopping ------------------------------------------------------------------------------

def test_ctrl_c_stops_a_run_and_keeps_its_finished_replicates(tmp_path):
    # 40 replicates of 3000 ticks on one thread take several seconds; Ctrl-C (SIGINT, as
    # interrupt_main sends it) comes after 0.3 s
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            impunity.run("epstein-run2", ticks=3000, replicates=40, threads=1, out=tmp_path,
                         progress=False)
    finally:
        timer.cancel()
    # stopped before the end: the replicates finished so far are kept, for a resume
    assert (tmp_path / ".parts").is_dir()
    assert len(list((tmp_path / ".parts").glob("*.part"))) < 40
    assert not (tmp_path / "timeseries.csv").exists()


def test_progress_is_told_and_its_exception_stops_the_run():
    seen = []

    def progress(done, total):
        seen.append((done, total))
        raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        impunity.run("epstein-run2", ticks=3000, replicates=40, threads=1, progress=progress)
    assert seen[0][1] == 40 and seen[0][0] < 40


def test_parquet_tables_hold_the_csv_values(tmp_path):
    pytest.importorskip("pyarrow")
    kw = dict(variants={"harsh": {"policy.impunity": 0.2}}, seed=4, ticks=20, replicates=2)
    scen = impunity.Scenario.preset("central-mali-2018").set("world.people_per_agent", 100)
    a = impunity.compare(scen, **kw)
    b = impunity.compare(scen, out=tmp_path / "pq", format="parquet", **kw)
    for name in ("parquet/timeseries.parquet", "parquet/events.parquet",
                 "tidy/summary.parquet", "parquet/compare.parquet"):
        assert (tmp_path / "pq" / name).is_file(), name
    for t in ("timeseries", "outcomes", "summary", "events", "cases", "compare"):
        x, y = getattr(a, t), getattr(b, t)
        assert list(x.columns) == list(y.columns), t
        pd.testing.assert_frame_equal(x, y, check_dtype=False, obj=t)
    with pytest.raises(ValueError, match="csv"):
        impunity.run("epstein-run1", ticks=2, format="feather")


def test_sensitivity_writes_the_bytes_the_command_line_writes(tmp_path):
    vary = {"communities.citizens.legitimacy": (0.6, 0.9), "policy.impunity": "0:1"}
    r = impunity.sensitivity("epstein-run1", vary=vary, method="morris", samples=3, seed=2,
                             ticks=15, replicates=2, out=tmp_path / "py")
    s = r.sensitivity
    assert list(s.columns) == ["outcome", "parameter", "method", "index", "value", "low", "high"]
    mu = s[(s.parameter == "policy.impunity") & (s["index"] == "mu_star")]
    assert len(mu) > 0 and (mu.value == 0).all()  # Epstein's model has no justice: inert
    cli("sensitivity", "epstein-run1", "--vary", "communities.citizens.legitimacy=0.6:0.9",
        "--vary", "policy.impunity=0:1", "--method", "morris", "--samples", "3", "--seed", "2",
        "--ticks", "15", "--replicates", "2", "--out", str(tmp_path / "cli"), "--no-charts")
    same_files(tmp_path / "cli", tmp_path / "py", ["sensitivity.csv", "outcomes.csv"])
    with pytest.raises(ValueError, match="power of two"):
        impunity.sensitivity("epstein-run1", vary=vary, method="sobol", samples=6, ticks=2)


CALIB = """[abc]
particles = 30
max_generations = 3
max_simulations = 600
ticks = 15
seed = 4

[[parameter]]
key = "communities.citizens.legitimacy"
prior = "uniform(0.6, 0.88)"

[[target]]
statistic = "peak_active"
observed = 300
scale = 25
"""


def test_calibrate_writes_the_bytes_the_command_line_writes(tmp_path):
    cfg = tmp_path / "calib.toml"
    cfg.write_text(CALIB)
    c = impunity.calibrate("epstein-run1", cfg, out=tmp_path / "py", threads=2)
    post = c.last()
    assert {"generation", "particle", "weight", "distance",
            "communities.citizens.legitimacy"} <= set(post.columns)
    assert abs(post.weight.sum() - 1) < 1e-9
    assert list(c.generations.tolerance)[-1] < list(c.generations.tolerance)[1]
    cli("calibrate", "epstein-run1", "--config", str(cfg), "--out", str(tmp_path / "cli"),
        "--threads", "1")
    same_files(tmp_path / "cli", tmp_path / "py",
               ["posterior.csv", "generations.csv", "predictive.csv"])
    # the TOML text itself, and a temporary directory
    assert impunity.calibrate("epstein-run1", CALIB).posterior.equals(c.posterior)
    with pytest.raises(ValueError, match="line"):
        impunity.calibrate("epstein-run1", CALIB.replace("0.88", "1.5"))
