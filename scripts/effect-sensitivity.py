#!/usr/bin/env python3
"""Which calibrated parameters a policy effect depends on, over a calibration's posterior.

Reads the output directory of

    impunity compare SCENARIO --posterior posterior.csv --draws K --replicates R \
        --variant NAME:KEY=VALUE ... --out DIR

(draws.csv: each draw's parameter values; outcomes.csv: every replicate of the baseline and
of each variant, replicate j belonging to draw j // R) and, for each variant and outcome,
ranks the calibrated parameters by the Spearman rank correlation between a draw's value of
the parameter and the draw's effect (the mean over its R replicates of variant minus
baseline, paired on the same seeds). A correlation beyond +-2/sqrt(K - 1) (about the 95 %
band of a rank correlation under independence) is marked `*`: the effect's size depends on
that parameter within what the data allow. Replicate noise only weakens the correlations
(it adds scatter to the effect, not a trend).

    python3 scripts/effect-sensitivity.py DIR [--outcomes a,b,...] [--top N]

Prints a Markdown table. Python 3 standard library only.
"""

import argparse
import csv
import math
import os
import sys
from collections import defaultdict


def ranks(xs):
    """Ranks from 1, ties given their mean rank."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return r


def spearman(xs, ys):
    """Spearman's rank correlation (Pearson's on the ranks); nan if either is constant."""
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        return float("nan")
    return sxy / math.sqrt(sxx * syy)


def read(directory):
    with open(os.path.join(directory, "draws.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{directory}/draws.csv has no draws: was this a `compare --posterior` run?")
    keys = [k for k in rows[0] if k != "draw"]
    draws = [[float(r[k]) for k in keys] for r in rows]
    with open(os.path.join(directory, "outcomes.csv"), newline="") as f:
        out = list(csv.DictReader(f))
    return keys, draws, out


def effects(draws, out, outcomes):
    """{(variant, outcome): [effect of draw d]}"""
    k = len(draws)
    by = {}
    for row in out:
        by[(row["variant"], int(row["replicate"]))] = row
    reps = max(j for (_, j) in by) + 1
    if reps % k:
        sys.exit(f"outcomes.csv has {reps} replicates per point, not a multiple of {k} draws")
    per_draw = reps // k
    variants = sorted({v for (v, _) in by if v != "baseline"})
    result = {}
    for v in variants:
        for o in outcomes:
            eff = []
            for d in range(k):
                diffs = []
                for j in range(d * per_draw, (d + 1) * per_draw):
                    a, b = by.get((v, j)), by.get(("baseline", j))
                    if a is None or b is None:
                        sys.exit(f"replicate {j} of {v} or of the baseline is missing")
                    diffs.append(float(a[o]) - float(b[o]))
                eff.append(sum(diffs) / len(diffs))
            result[(v, o)] = eff
    return variants, per_draw, result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="output directory of `impunity compare --posterior`")
    ap.add_argument("--outcomes", default="", help="comma-separated outcomes.csv columns")
    ap.add_argument("--top", type=int, default=3, help="parameters shown per effect")
    a = ap.parse_args()
    keys, draws, out = read(a.dir)
    cols = [c for c in out[0] if c not in ("point", "variant", "replicate")]
    outcomes = [o for o in a.outcomes.split(",") if o] or cols
    for o in outcomes:
        if o not in cols:
            sys.exit(f"unknown outcome `{o}`; outcomes.csv has: {', '.join(cols)}")
    variants, per_draw, eff = effects(draws, out, outcomes)
    k = len(draws)
    band = 2.0 / math.sqrt(k - 1) if k > 1 else float("inf")
    print(f"{k} draws, {per_draw} replicate(s) per draw; `*`: |rho| > 2/sqrt(K-1) = {band:.2f}")
    print()
    print("| variant | outcome | mean effect | parameters by |Spearman rho| with the effect |")
    print("|---|---|---|---|")
    for v in variants:
        for o in outcomes:
            e = eff[(v, o)]
            rho = [(spearman([d[i] for d in draws], e), keys[i]) for i in range(len(keys))]
            rho = [(r, key) for r, key in rho if not math.isnan(r)]
            rho.sort(key=lambda t: -abs(t[0]))
            shown = ", ".join(
                f"{key} {r:+.2f}{'*' if abs(r) > band else ''}" for r, key in rho[: a.top]
            ) or "(effect constant)"
            print(f"| {v} | {o} | {sum(e) / len(e):.4g} | {shown} |")


if __name__ == "__main__":
    main()
