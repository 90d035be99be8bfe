"""scripts/effect-sensitivity.py on a synthetic `compare --posterior` directory whose effect
depends on one parameter only: it must rank that parameter first, with rho = +1, marked."""

import csv
import os
import subprocess
import sys

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "effect-sensitivity.py")


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def test_the_parameter_that_drives_the_effect_is_ranked_first(tmp_path):
    k, r = 12, 2
    # draw d: a = d (drives the effect), b = (7 d) mod 12 (scrambled, unrelated)
    draws = [[d, float(d), float((7 * d) % 12)] for d in range(k)]
    write(tmp_path / "draws.csv", ["draw", "a", "b"], draws)
    rows = []
    for j in range(k * r):
        d = j // r
        noise = (-1) ** j * 0.1
        rows.append([0, "baseline", j, 10.0 + noise])
        rows.append([1, "v", j, 10.0 + noise + 3.0 * d])  # effect 3 d, same noise (paired)
    write(tmp_path / "outcomes.csv", ["point", "variant", "replicate", "y"], rows)
    out = subprocess.run(
        [sys.executable, SCRIPT, str(tmp_path), "--outcomes", "y"],
        capture_output=True, text=True, check=True,
    ).stdout
    row = [line for line in out.splitlines() if line.startswith("| v | y |")]
    assert len(row) == 1, out
    cells = [c.strip() for c in row[0].strip("|").split("|")]
    assert float(cells[2]) == 3.0 * (k - 1) / 2  # mean effect
    assert cells[3].startswith("a +1.00*"), cells[3]
    assert "b" in cells[3] and "b +1.00" not in cells[3]


def test_an_unknown_outcome_is_refused(tmp_path):
    write(tmp_path / "draws.csv", ["draw", "a"], [[0, 1.0], [1, 2.0]])
    write(tmp_path / "outcomes.csv", ["point", "variant", "replicate", "y"],
          [[0, "baseline", 0, 1], [0, "baseline", 1, 1], [1, "v", 0, 2], [1, "v", 1, 2]])
    p = subprocess.run([sys.executable, SCRIPT, str(tmp_path), "--outcomes", "z"],
                       capture_output=True, text=True)
    assert p.returncode != 0
    assert "unknown outcome `z`" in p.stderr
