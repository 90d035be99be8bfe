#!/usr/bin/env bash
# Side-by-side speed of impunity and Mesa on Epstein's model (Mesa's example, its defaults).
#
#   scripts/compare-mesa.sh [PATH_TO_MESA_BENCH_DIR]   (default: scripts/mesa, in this repository)
#
# Runs, one after the other on this machine, each size 3 times: Mesa 3.3.1's shipped example
# (via bench_mesa_epstein.py, unmodified model, DataCollector on as shipped) and impunity's
# `mesa-epstein` preset under the same parameters and `mesa` rules, single-threaded. Prints the
# median agent-steps per second of each and the ratio. Absolute figures drift on shared
# machines; the ratio is what to quote.
set -euo pipefail
bench=${1:-scripts/mesa}
venv=${MESA_VENV:-target/mesa-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$bench/requirements.txt"
fi
cargo build --release -q --example throughput
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rate() { sed -n 's/.*"agent_steps_per_s": *\([0-9.]*\).*/\1/p'; }
for spec in "40 100" "200 50"; do
  set -- $spec
  side=$1 steps=$2
  mesa=$(for i in 1 2 3; do "$venv/bin/python" "$bench/bench_mesa_epstein.py" --width "$side" --height "$side" --steps "$steps" --seed 42 --json | grep '^JSON' | rate; done | median)
  ours=$(for i in 1 2 3; do target/release/examples/throughput mesa-epstein "$side" "$side" "$steps" 42 | rate; done | median)
  awk -v s="$side" -v n="$steps" -v m="$mesa" -v o="$ours" \
    'BEGIN { printf "%sx%s, %s steps: Mesa %.0f agent-steps/s, impunity %.0f agent-steps/s, ratio %.0fx\n", s, s, n, m, o, o / m }'
done
# about a million agents: impunity only (Mesa would need tens of GiB and hours)
/usr/bin/time -f "peak resident memory: %M KiB" target/release/examples/throughput mesa-epstein 1200 1200 10 42
