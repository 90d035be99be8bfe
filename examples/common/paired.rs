//! Shared by the central-Mali example studies (`militia_arming`, `oversight_gap`): variants of
//! one scenario run as a comparison in memory (`impunity::ensemble`: the first variant is the
//! baseline, every variant runs on the same seeds), and a few of its outcomes, in people, kept
//! as a table, written as `compare.csv` (the format of `impunity compare`) and printed.

use impunity::Scenario;
use impunity::ensemble::{CompareRow, Ensemble, Plan, Results, no_progress};
use impunity::scenario::Value;
use impunity::stats::Paired;
use std::path::Path;

/// An outcome of the study: (its label in the table and compare.csv, its column in
/// outcomes.csv, whether it counts agents and is shown in people).
pub type Outcome = (&'static str, &'static str, bool);

/// The variants' results.
pub struct Study {
    /// The comparison: point 0 is the first variant, the others follow in order.
    pub results: Results,
    /// The variants' names, the baseline first.
    pub names: Vec<String>,
    /// People per agent.
    pub ppa: f64,
}

/// Runs every (variant, replicate) in parallel on the current rayon pool (the results do not
/// depend on the thread count).
pub fn run(
    base: &Scenario,
    variants: &[(&str, Vec<(&str, Value)>)],
    replicates: u64,
    seed: u64,
) -> Study {
    let mut scenarios: Vec<(String, Scenario)> = variants
        .iter()
        .map(|(name, c)| {
            let s = base.with_changes(c.iter().cloned()).expect("valid variant");
            (name.to_string(), s)
        })
        .collect();
    let (_, baseline) = scenarios.remove(0);
    let ticks = baseline.ticks;
    let plan = Plan::comparison(baseline, scenarios, seed, replicates, ticks).expect("a plan");
    let results = Ensemble::new(plan).run(&no_progress).expect("ran");
    Study {
        results,
        names: variants.iter().map(|(n, _)| n.to_string()).collect(),
        // the conflict model's outcomes are in people already
        ppa: 1.0,
    }
}

impl Study {
    /// The paired comparison of `outcome` between variants `v` and `w` (`v − w`, replicate by
    /// replicate), in people where it counts agents.
    pub fn paired(&self, outcome: &Outcome, v: usize, w: usize) -> Paired {
        let k = self.results.outcome(outcome.1).expect("an outcome column");
        let points = self.results.points();
        let p = Paired::of(&points[w].column(k), &points[v].column(k));
        if outcome.2 { p.scaled(self.ppa) } else { p }
    }

    /// Writes `out/compare.csv` (every variant against the first, on `outcomes`) and prints
    /// the table.
    pub fn report(&self, outcomes: &[Outcome], out: &Path) {
        let mut rows = Vec::new();
        println!(
            "| variant | outcome | mean | difference from {}, 95 % CI |",
            self.names[0]
        );
        println!("|---|---|---|---|");
        for (v, name) in self.names.iter().enumerate() {
            for o in outcomes {
                // the library's comparison with the baseline (for the baseline itself: zero)
                let p = match v {
                    0 => self.paired(o, 0, 0),
                    _ => {
                        let row = self
                            .results
                            .comparison()
                            .iter()
                            .find(|r| r.variant == *name && r.outcome == o.1);
                        let p = row.expect("a compared outcome").paired;
                        if o.2 { p.scaled(self.ppa) } else { p }
                    }
                };
                println!(
                    "| {name} | {} | {:.3} | {:+.3} [{:.3}, {:.3}] |",
                    o.0, p.variant_mean, p.diff_mean, p.ci_low, p.ci_high
                );
                if v > 0 {
                    rows.push(CompareRow {
                        variant: name.clone(),
                        outcome: o.0.to_string(),
                        paired: p,
                    });
                }
            }
        }
        std::fs::create_dir_all(out).expect("output directory");
        impunity::output::write_atomic(&out.join("compare.csv"), |w| {
            impunity::output::write_compare(w, &rows)
        })
        .expect("compare.csv");
    }

    /// Writes the files of variant `v` alone into `dir`, as `impunity run` of its scenario
    /// would (for its fan charts and map).
    pub fn write_variant(&self, v: usize, dir: &Path) {
        self.results
            .only(v)
            .expect("in memory")
            .write(dir, std::env::args().collect())
            .expect("write outputs");
    }
}
