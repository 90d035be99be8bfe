"""scripts/posterior-table.py on a synthetic `impunity calibrate` folder: weighted quantiles of
the last generation, the width on the kernel's scale, the hand value's verdict, and the prior's
statistics read back from their stored bits."""

import csv
import json
import os
import struct
import subprocess
import sys

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "posterior-table.py")


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def make(tmp_path):
    cal = tmp_path / ".calibrate"
    cal.mkdir()
    (cal / "run.json").write_text(json.dumps({
        "parameters": [["a", "uniform(0, 10)"], ["r", "loguniform(1, 100)"]],
    }))
    write_csv(tmp_path / "generations.csv",
              ["generation", "tolerance", "acceptance_rate", "ess", "proposed", "simulations"],
              [[0, "inf", 1, 4, 4, 4], [1, 2.5, 0.5, 3.2, 8, 8]])
    # generation 0 must be ignored; generation 1: a = 1..4 with weights 0.1, 0.2, 0.3, 0.4
    rows = [[0, i, 0.25, 9.0, 9.0, 50.0] for i in range(4)]
    rows += [[1, i, w, 1.0, a, r] for i, (w, a, r) in
             enumerate([(0.1, 1.0, 10.0), (0.2, 2.0, 10.0), (0.3, 3.0, 10.0), (0.4, 4.0, 10.0)])]
    write_csv(tmp_path / "posterior.csv", ["generation", "particle", "weight", "distance", "a", "r"], rows)
    (cal / "gen-0000.json").write_text(json.dumps({"particles": [
        {"stats": [bits(x)]} for x in (10.0, 20.0, 30.0, 40.0)
    ]}))
    write_csv(tmp_path / "predictive.csv",
              ["target", "statistic", "observed", "scale", "mean", "p05", "p95", "inside_90"],
              [[0, "y", 35, 5, 30, 20, 33, "false"]])


def run(tmp_path, *extra):
    return subprocess.run([sys.executable, SCRIPT, str(tmp_path), *extra],
                          capture_output=True, text=True, check=True).stdout


def row(out, start):
    rows = [line for line in out.splitlines() if line.startswith(start)]
    assert len(rows) == 1, out
    return [c.strip() for c in rows[0].strip("|").split("|")]


def test_weighted_quantiles_widths_and_verdicts(tmp_path):
    make(tmp_path)
    out = run(tmp_path, "--hand", "a=5", "--hand", "r=10")
    assert "generation 1, 4 particles" in out
    a = row(out, "| `a` |")
    # cumulative weights 0.1, 0.3, 0.6, 1.0: the 5 % quantile is 1, the median 3, the 95 % 4
    assert a[3] == "3 (1-4)", a
    # prior 90 %: 0.5-9.5; posterior 1-4: width 3 / 9
    assert a[2] == "0.5-9.5", a
    assert a[4] == "0.33", a
    assert "outside" in a[5], a
    r = row(out, "| `r` |")
    assert r[4] == "0.00" and r[5] == "10 (inside)", r
    # the prior's statistics come back from their bits: mean 25, 5 % 10, 95 % 40
    y = row(out, "| y |")
    assert y[2] == "25 (10-40)", y
    assert "outside" in y[3], y
    gens = row(out, "| 1 |")
    assert gens[1] == "2.50" and gens[2] == "100 / 8 (0.5)", gens
