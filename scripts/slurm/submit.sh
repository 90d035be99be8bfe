#!/usr/bin/env bash
# Queues an ensemble as a Slurm job array of N shards and a merge job that waits for all of
# them. Usage:
#   scripts/slurm/submit.sh N OUT_ROOT impunity-arguments...
# e.g.
#   scripts/slurm/submit.sh 20 /scratch/$USER/mali run central-mali-2018 --replicates 2000 --seed 7
#   scripts/slurm/submit.sh 10 /scratch/$USER/sweep sweep central-mali-2018 \
#       --vary policy.impunity=0:1:5 --vary policy.amnesty.scope=0:1:5 --replicates 100
# The merged outputs land in OUT_ROOT/merged.
set -euo pipefail
if [ $# -lt 3 ]; then
    sed -n '2,10p' "$0"
    exit 2
fi
N=$1
OUT_ROOT=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "${OUT_ROOT}"
export N OUT_ROOT IMPUNITY_ARGS="$*"
array=$(sbatch --parsable --export=ALL --array="0-$((N - 1))" "${here}/shard.sbatch")
merge=$(sbatch --parsable --export=ALL --dependency="afterok:${array}" "${here}/merge.sbatch")
echo "shards: job ${array} (array 0-$((N - 1))), merge: job ${merge}; outputs: ${OUT_ROOT}/merged"
