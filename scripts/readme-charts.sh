#!/usr/bin/env bash
# Regenerates the charts shown in the README (docs/img/*.png) from two ordinary runs.
# Usage: scripts/readme-charts.sh   (about a minute on two cores)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
bin=target/release/impunity
$bin run epstein-run2 --seed 7 --ticks 500 --replicates 8 --snapshots 0,96 --out out/readme/run2 --force
$bin run central-mali-2018 --seed 1 --replicates 4 --set world.people_per_agent=20 --out out/readme/mali --force
cp out/readme/run2/charts/replicate-0.png docs/img/epstein-run2-replicate-0.png
cp out/readme/run2/charts/lattice-r0-t0096.png docs/img/epstein-run2-lattice.png
cp out/readme/mali/charts/fan-killed-civilians.png docs/img/central-mali-killed-civilians.png
cp out/readme/mali/charts/map-killings.png docs/img/central-mali-map-killings.png
echo "updated docs/img/"
