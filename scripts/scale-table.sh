#!/usr/bin/env bash
# The table of docs/ODD.md section 4 ("Scale"): the preset's outcomes in people over the year
# 2018 at one agent per 10, 20, 50 and 100 people, mean ± s.d. over replicates.
#
#   scripts/scale-table.sh [REPLICATES] [SEED]      (defaults: 8 replicates, seed 11)
#
# Needs a release build (cargo build --release) and python3. Takes a few minutes.
set -euo pipefail
reps=${1:-8}
seed=${2:-11}
[ "$reps" -ge 2 ] 2>/dev/null || { echo "REPLICATES must be a whole number, at least 2 (a s.d. needs two)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/target/release/impunity"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ppa in 10 20 50 100; do
    echo "1:$ppa ..." >&2
    "$bin" run central-mali-2018 --replicates "$reps" --seed "$seed" \
        --set world.people_per_agent="$ppa" --out "$work/s$ppa" --charts none -q >/dev/null
done
python3 - "$work" "$reps" "$seed" <<'PY'
import csv, statistics, sys
work, reps, seed = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [
    ("civilians killed by militias", "killed_civilians_militia_total", 0),
    ("civilians killed by jihadists", "killed_civilians_jihadist_total", 0),
    ("civilians killed by the state", "killed_civilians_state_total", 0),
    ("abuse cases opened", "cases_opened_total", 0),
    ("battle events", "battles_total", 1),
    ("battle deaths", "battle_deaths_total", 0),
    ("JNIM fighters at the end", "fighters_jnim_end", 0),
    ("JNIM recruits", "recruits_jnim_total", 0),
    ("Dozo recruits", "recruits_dozo_total", 0),
    ("Peul legitimacy at the end", "legitimacy_peul_end", 2),
]
scales = [10, 20, 50, 100]
data = {s: list(csv.DictReader(open(f"{work}/s{s}/outcomes.csv"))) for s in scales}
print(f"({reps} replicates a scale, seed {seed}, mean ± s.d.)\n")
print("| outcome (people) | " + " | ".join(f"1:{s}" for s in scales) + " |")
print("|---" * (len(scales) + 1) + "|")
for label, key, dec in rows:
    cells = []
    for s in scales:
        v = [float(r[key]) for r in data[s]]
        m, sd = statistics.mean(v), statistics.stdev(v)
        fmt = (lambda x: f"{x:,.0f}") if dec == 0 else (lambda x: f"{x:.{dec}f}")
        cells.append(f"{fmt(m)} ± {fmt(sd)}")
    print(f"| {label} | " + " | ".join(cells) + " |")
PY
