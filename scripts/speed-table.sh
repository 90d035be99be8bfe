#!/usr/bin/env bash
# The README's speed table: Mesa and impunity side by side, and impunity's other figures.
#
#   scripts/speed-table.sh            # prints the table (markdown) and the ratios
#   scripts/speed-table.sh --readme   # also writes it into README.md, between the markers
#   RUNS=5 scripts/speed-table.sh     # runs per figure (default 3; the median is reported)
#
# What it runs, single-threaded, on this machine, one run after the other:
#  * Mesa 3.3.1's shipped Epstein example (scripts/mesa/bench_mesa_epstein.py, its
#    requirements in scripts/mesa/requirements.txt, installed into a venv under target/;
#    DataCollector on, as shipped) and impunity's `mesa-epstein` preset (Mesa's rules and
#    defaults) at 40x40 (100 steps) and 200x200 (50 steps), Mesa and impunity alternating so
#    that a change in the machine's load hits both; agent-steps per second = agents x steps /
#    wall time of the steps (set-up excluded, in both);
#  * impunity alone: a tick of `mesa-epstein` at 1200x1200 (1.12 million agents) and its peak
#    memory; `central-mali-2018` at 1:10 against `mesa-epstein` at 510x510 (the same number of
#    agents, about 204,000) for the conflict model's cost per agent-step; a whole
#    `central-mali-2018` replicate-year at 1:100, set-up included.
# The load average before and after is printed with the table: on a shared machine, quote
# figures taken when it is low. Mesa needs Python 3.10+ and pip (PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
# read before the loops below reuse the positional parameters (`set -- $spec`)
mode=${1:-}
runs=${RUNS:-3}
venv=${MESA_VENV:-target/mesa-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r scripts/mesa/requirements.txt
fi
cargo build --release -q --example throughput
tp=target/release/examples/throughput
load() { cut -d' ' -f1-3 /proc/loadavg; }
# the processor's name (figures from different processors do not compare)
cpu_name() { sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1 | grep . || uname -m; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.*\"$1\": *\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
mesa_run() { "$venv/bin/python" scripts/mesa/bench_mesa_epstein.py --width "$1" --height "$1" --steps "$2" --seed 42 --json | grep '^JSON' | field agent_steps_per_s; }
ours_run() { "$tp" "$@" | field agent_steps_per_s; }

load_before=$(load)
path=$("$tp" mesa-epstein 40 40 1 | field cpu_path)
rows=""
for spec in "40 100" "200 50"; do
  set -- $spec
  side=$1 steps=$2
  m=() o=()
  for _ in $(seq "$runs"); do
    m+=("$(mesa_run "$side" "$steps")")
    o+=("$(ours_run mesa-epstein "$side" "$side" "$steps" 42)")
  done
  mesa=$(printf '%s\n' "${m[@]}" | median)
  ours=$(printf '%s\n' "${o[@]}" | median)
  agents=$("$tp" mesa-epstein "$side" "$side" 1 | field agents)
  rows+=$(awk -v s="$side" -v n="$steps" -v a="$agents" -v m="$mesa" -v o="$ours" 'BEGIN {
    printf "| %sx%s, Mesa defaults (%s agents), %s steps | %.0f | %.1f M | %.0fx |\n", s, s, a, n, m, o / 1e6, o / m }')$'\n'
  echo "${side}x${side}: Mesa $mesa, impunity $ours agent-steps/s" >&2
done

# a million agents: one tick, and the peak memory of the whole process
big=() 
for _ in $(seq "$runs"); do big+=("$(ours_run mesa-epstein 1200 1200 10 42)"); done
big=$(printf '%s\n' "${big[@]}" | median)
agents_big=$("$tp" mesa-epstein 1200 1200 1 | field agents)
peak=$( { /usr/bin/time -f "%M" "$tp" mesa-epstein 1200 1200 10 42 > /dev/null; } 2>&1 | tail -n 1)
rows+=$(awk -v a="$agents_big" -v o="$big" -v p="$peak" 'BEGIN {
  printf "| 1200x1200 (%s agents), 10 steps | — | %.1f M (%.0f ms a tick, %.0f MB peak) | — |\n", a, o / 1e6, 1000 * a / o, p / 1024 }')$'\n'

# the conflict model against the core at the same number of agents
c=() e=()
for _ in $(seq "$runs"); do
  c+=("$(ours_run central-mali-2018 - - 100 42)")
  e+=("$(ours_run mesa-epstein 510 510 100 42)")
done
conflict=$(printf '%s\n' "${c[@]}" | median)
core=$(printf '%s\n' "${e[@]}" | median)
# a replicate-year at 1:100, set-up included
y=()
for _ in $(seq "$runs"); do
  y+=("$("$tp" central-mali-2018 - - 365 42 world.people_per_agent=100 | awk '{
    s = $0; sub(/.*"setup_s":/, "", s); sub(/,.*/, "", s);
    w = $0; sub(/.*"wall_s":/, "", w); sub(/,.*/, "", w); print s + w }')")
done
year=$(printf '%s\n' "${y[@]}" | median)
load_after=$(load)

table=$(cat <<EOF
| size | Mesa | impunity | ratio |
|---|---|---|---|
${rows%$'\n'}

The conflict model (\`central-mali-2018\` at 1:10, about 204,000 agents): $(awk -v c="$conflict" 'BEGIN { printf "%.1f M", c / 1e6 }') agent-steps/s,
against $(awk -v e="$core" 'BEGIN { printf "%.1f M", e / 1e6 }') for the Epstein core at the same number of agents (\`mesa-epstein\` at 510x510):
**$(awk -v c="$conflict" -v e="$core" 'BEGIN { printf "%.2fx", e / c }') the core's cost per agent-step**. A replicate-year at 1:100, set-up included:
$(awk -v y="$year" 'BEGIN { printf "%.2f s", y }') on one core.

Measured by \`scripts/speed-table.sh\` (median of $runs runs, single-threaded, instruction-set path \`$path\`),
on $(cpu_name), $(date -u +%Y-%m-%d); load average $load_before before and $load_after after (1, 5, 15 minutes;
the machine has $(nproc) cores).
EOF
)
echo "$table"
if [ "$mode" = "--readme" ]; then
  python3 - "$table" <<'PY'
import re, sys
table = sys.argv[1]
path = "README.md"
text = open(path, encoding="utf-8").read()
begin, end = "<!-- speed-table:begin -->", "<!-- speed-table:end -->"
if begin not in text or end not in text:
    sys.exit("README.md has no speed-table markers")
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w", encoding="utf-8").write(head + begin + "\n" + table + "\n" + end + tail)
PY
  echo "README.md updated" >&2
fi
