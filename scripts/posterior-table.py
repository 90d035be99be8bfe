#!/usr/bin/env python3
"""The tables of docs/calibration.md section 2, from the folder `impunity calibrate` wrote.

    python3 scripts/posterior-table.py out/mali-calib [--hand key=value ...]

Prints, as Markdown:
  * the generations (tolerance, acceptance, ESS, simulations), from generations.csv;
  * per key: the prior and its 90 % interval, the posterior's weighted median and 5-95 %
    quantiles (last generation of posterior.csv, weighted), the width of the posterior
    interval over the prior's on the kernel's scale (ln x for log-uniform priors), and, with
    --hand, the hand-set value and whether it lies inside the posterior interval;
  * the predictive check: per target the observed value, the prior's draws (generation 0's
    statistics, stored in .calibrate/gen-0000.json) and the posterior predictive draws
    (predictive.csv), mean and 5-95 %.

Standard library only. Weighted quantiles: the smallest value whose cumulative weight reaches
the level (the convention of the command's own summary).
"""
import csv
import json
import math
import struct
import sys
from pathlib import Path


def bits(u):
    """A float the calibration stored as its u64 bits (exact round trip)."""
    return struct.unpack("<d", struct.pack("<Q", u))[0]


def wquantile(values, weights, q):
    pairs = sorted(zip(values, weights))
    total = sum(w for _, w in pairs)
    acc = 0.0
    for v, w in pairs:
        acc += w
        if acc >= q * total - 1e-12:
            return v
    return pairs[-1][0]


def quantile(values, q):
    return wquantile(values, [1.0] * len(values), q)


def parse_prior(text):
    name, args = text.split("(", 1)
    return name.strip(), [float(a) for a in args.rstrip(")").split(",")]


def prior_quantile(prior, q):
    name, a = prior
    if name == "uniform":
        return a[0] + q * (a[1] - a[0])
    if name == "loguniform":
        return math.exp(math.log(a[0]) + q * (math.log(a[1]) - math.log(a[0])))
    if name == "truncnormal":
        mu, sd, lo, hi = a
        cdf = lambda x: 0.5 * (1 + math.erf((x - mu) / (sd * math.sqrt(2))))
        target = cdf(lo) + q * (cdf(hi) - cdf(lo))
        x0, x1 = lo, hi
        for _ in range(200):
            m = 0.5 * (x0 + x1)
            x0, x1 = (m, x1) if cdf(m) < target else (x0, m)
        return 0.5 * (x0 + x1)
    raise SystemExit(f"unknown prior {name}")


def kernel(prior, x):
    return math.log(x) if prior[0] == "loguniform" else x


def fmt(x):
    if x == 0:
        return "0"
    if x == int(x) and abs(x) < 1e6:
        return f"{int(x):,}"
    if abs(x) < 0.01 or abs(x) >= 1e4:
        return f"{x:.3g}"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    out = Path(sys.argv[1])
    hand = {}
    args = sys.argv[2:]
    while args:
        if args[0] == "--hand" and len(args) > 1:
            k, v = args[1].split("=", 1)
            hand[k] = float(v)
            args = args[2:]
        else:
            raise SystemExit(f"unknown argument {args[0]}")
    run = json.loads((out / ".calibrate" / "run.json").read_text())
    keys = [k for k, _ in run["parameters"]]
    priors = {k: parse_prior(p) for k, p in run["parameters"]}

    print("| generation | tolerance | accepted / proposed | ESS | simulations |")
    print("|---|---|---|---|---|")
    with open(out / "generations.csv") as f:
        for r in csv.DictReader(f):
            tol = r["tolerance"]
            tol = "∞" if tol == "inf" else f"{float(tol):.2f}"
            print(
                f"| {r['generation']} | {tol} | 100 / {int(r['proposed']):,} "
                f"({float(r['acceptance_rate']):.2g}) | {float(r['ess']):.0f} | {int(r['simulations']):,} |"
            )
    print()

    with open(out / "posterior.csv") as f:
        rows = list(csv.DictReader(f))
    last = max(int(r["generation"]) for r in rows)
    rows = [r for r in rows if int(r["generation"]) == last]
    w = [float(r["weight"]) for r in rows]
    ess = sum(w) ** 2 / sum(x * x for x in w)
    print(f"Posterior: generation {last}, {len(rows)} particles, ESS {ess:.1f}")
    print()
    print("| key | prior | prior 90 % | posterior median (90 %) | width | hand-set value |")
    print("|---|---|---|---|---|---|")
    for k in keys:
        p = priors[k]
        v = [float(r[k]) for r in rows]
        lo, med, hi = (wquantile(v, w, q) for q in (0.05, 0.5, 0.95))
        plo, phi = prior_quantile(p, 0.05), prior_quantile(p, 0.95)
        width = (kernel(p, hi) - kernel(p, lo)) / (kernel(p, phi) - kernel(p, plo))
        h = ""
        if k in hand:
            h = f"{fmt(hand[k])} ({'inside' if lo <= hand[k] <= hi else '**outside**'})"
        name, a = p
        print(
            f"| `{k}` | {name}({', '.join(fmt(x) for x in a)}) | {fmt(plo)}-{fmt(phi)} | "
            f"{fmt(med)} ({fmt(lo)}-{fmt(hi)}) | {width:.2f} | {h} |"
        )
    print()

    gen0 = json.loads((out / ".calibrate" / "gen-0000.json").read_text())
    prior_stats = [[bits(s) for s in p["stats"]] for p in gen0["particles"]]
    print("| target | observed | prior (generation 0) | posterior predictive |")
    print("|---|---|---|---|")
    with open(out / "predictive.csv") as f:
        for r in csv.DictReader(f):
            t = int(r["target"])
            s = [ps[t] for ps in prior_stats if not math.isnan(ps[t])]
            inside = "" if r["inside_90"] == "true" else ", **outside**"
            print(
                f"| {r['statistic'].replace('|', chr(92) + '|')} | {fmt(float(r['observed']))} | "
                f"{fmt(sum(s) / len(s))} ({fmt(quantile(s, 0.05))}-{fmt(quantile(s, 0.95))}) | "
                f"{fmt(float(r['mean']))} ({fmt(float(r['p05']))}-{fmt(float(r['p95']))}){inside} |"
            )


if __name__ == "__main__":
    main()
