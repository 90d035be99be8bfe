"""The paired policy table and one chart, from Python.

Central Mali 2018: what prosecuting every abuse (policy.impunity = 0) and not arming the
militias (policy.militia_arming = 0) change, each against the baseline on the same seeds,
with 95% intervals of the paired differences; then the civilians killed by the state side per
month, median and 90% band of the replicates, for the baseline and the prosecution variant.

    pip install ./python matplotlib
    python examples/python/policy_table.py            # 20 replicates, a full year
    IMPUNITY_QUICK=1 python examples/python/policy_table.py   # 4 replicates, coarser agents

Writes out/py-policy/ (the usual output directory) and out/py-policy/killed-by-state.png.
"""

import os
import warnings

import impunity

quick = os.environ.get("IMPUNITY_QUICK") == "1"
s = impunity.Scenario.preset("central-mali-2018")
if quick:
    s = s.set("world.people_per_agent", 200)
    warnings.simplefilter("ignore")  # coarse agents: the scale warnings are expected here

r = impunity.compare(
    s,
    variants={
        "prosecution": {"policy.impunity": 0},
        "no-arming": {"policy.militia_arming": 0},
    },
    replicates=4 if quick else 20,
    seed=1,
    out="out/py-policy",
    force=True,
)

# The paired table: one row per variant and outcome, in people.
wanted = ["killed_civilians_total", "killed_civilians_state_total", "battle_deaths_total"]
table = r.compare[r.compare.outcome.isin(wanted)]
print(table[["variant", "outcome", "diff_mean", "ci_low", "ci_high", "share_lower"]]
      .to_string(index=False))

# One chart: civilians killed by the state side per month (people), median and 5-95% band.
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

ts = r.timeseries
k = ts[(ts.metric == "new_killed_civilians") & (ts.entity == "state")].copy()
k["month"] = pd.to_datetime(k.date).dt.to_period("M").dt.to_timestamp()
monthly = k.groupby(["variant", "replicate", "month"]).value.sum().reset_index()
# whole months only (the run ends on 1 January: that last month has one day)
days = k.groupby("month").date.nunique()
monthly = monthly[monthly.month.isin(days[days == days.index.days_in_month].index)]
fig, ax = plt.subplots(figsize=(8, 4))
for variant, g in monthly.groupby("variant"):
    if variant not in ("baseline", "prosecution"):
        continue
    q = g.groupby("month").value.quantile([0.05, 0.5, 0.95]).unstack()
    ax.plot(q.index, q[0.5], label=f"{variant} (median)")
    ax.fill_between(q.index, q[0.05], q[0.95], alpha=0.25)
ax.set_ylabel("civilians killed by the state side (people per month)")
ax.set_title("median and 5-95% band of the replicates, same seeds")
ax.legend()
fig.tight_layout()
path = "out/py-policy/killed-by-state.png"
fig.savefig(path, dpi=120)
print(f"wrote {path}")

base = table[table.variant == "prosecution"]
assert len(base) == len(wanted), "every wanted outcome is in compare.csv"
