#!/usr/bin/env bash
# Prints a SHA-256 of every file a fixed set of runs writes (every preset, a sweep, a compare,
# shards and their merge, charts, snapshots) and of what each command prints, so that a
# refactoring can show its outputs are byte-identical:
#
#   scripts/output-hashes.sh > before.txt      # on the old code
#   ... change the code, cargo build --release ...
#   scripts/output-hashes.sh > after.txt && diff before.txt after.txt
#
# Usage: scripts/output-hashes.sh [BINARY]   (default: target/release/impunity)
set -euo pipefail
bin=$(realpath "${1:-target/release/impunity}")
work=$(mktemp -d)
trap "rm -rf \"$work\"" EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "$work" >&2
cd "$work"

run() { # name, then the arguments
    local name=$1
    shift
    "$bin" "$@" > "$name.stdout" 2> "$name.stderr" || echo "exit $? : $name" >> status
}

for p in $("$bin" presets | awk '{print $1}'); do
    case $p in
    central-mali*) run "$p" run "$p" --seed 3 --ticks 40 --replicates 2 --set world.people_per_agent=50 --out "$p" --quiet ;;
    *) run "$p" run "$p" --seed 3 --ticks 60 --replicates 3 --out "$p" --quiet ;;
    esac
done
run snap run epstein-run7 --seed 5 --ticks 30 --snapshots 0,30 --svg --out snap --quiet
run sweep sweep epstein-run2 --vary communities.citizens.legitimacy=0.7:0.9:3 --replicates 2 --ticks 50 --out sweep --quiet
run lhs sweep epstein-run2 --vary communities.citizens.legitimacy=0.7:0.9 --design lhs --samples 3 --replicates 2 --ticks 30 --out lhs --quiet
run compare compare central-mali-2018 --variant accountable:policy.impunity=0.2 --variant armed:policy.militia_arming=0.6 \
    --replicates 2 --ticks 40 --set world.people_per_agent=50 --out compare --quiet
for k in 0 1 2; do
    run "shard$k" run epstein-run2 --seed 9 --ticks 40 --replicates 5 --shard "$k/3" --out "s$k" --quiet
done
run merge merge s0 s1 s2 --out merged
run validate validate central-mali-2018
run show show epstein-run2

find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
