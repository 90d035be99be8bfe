//! The text summary printed after a run of the conflict model.

use impunity::Scenario;
use impunity::ensemble::PointResults;
use impunity::events::PerpetratorKind as Perp;
use impunity::run::FATES;
use std::fmt;

/// The text summary of a conflict run: civilian deaths in people by perpetrator and by
/// community, abuses and their fates, legitimacy at the start and the end. With several
/// replicates, each figure is the mean across them.
#[derive(Clone, Debug)]
pub struct ConflictReport {
    ppa: f64,
    replicates: usize,
    perpetrators: Vec<(String, f64)>,
    communities: Vec<(String, f64, f64, f64, f64)>,
    groups: Vec<(String, f64, f64, f64)>,
    abuses: f64,
    cases: f64,
    fates: Vec<(String, f64)>,
    convictions: f64,
    amnesties: f64,
    battles: f64,
    battle_deaths: f64,
}

impl ConflictReport {
    /// The report of one point's results: each figure is the mean over its replicates of an
    /// outcome of `names` (the plan's outcome columns).
    pub fn new(s: &Scenario, names: &[String], p: &PointResults) -> ConflictReport {
        let sums: Vec<f64> = (0..names.len()).map(|k| p.sum(k)).collect();
        ConflictReport::from_sums(s, p.replicates(), names, &sums)
    }

    /// The report from the sums, over `replicates` replicates, of the outcomes `names` (as in
    /// `outcomes.csv`); each figure is sum / replicates.
    fn from_sums(
        s: &Scenario,
        replicates: usize,
        names: &[String],
        sums: &[f64],
    ) -> ConflictReport {
        let n = replicates.max(1) as f64;
        let ppa = s.world.people_per_agent;
        let mean = |name: &str| {
            names
                .iter()
                .position(|x| x == name)
                .map_or(0.0, |k| sums[k] / n)
        };
        ConflictReport {
            ppa,
            replicates,
            perpetrators: Perp::ALL
                .iter()
                .map(|p| {
                    (
                        p.name().to_string(),
                        mean(&format!("killed_civilians_{}_total", p.name())),
                    )
                })
                .collect(),
            communities: s
                .communities
                .keys()
                .map(|c| {
                    (
                        c.clone(),
                        mean(&format!("killed_{c}_total")),
                        mean(&format!("legitimacy_{c}_start")),
                        mean(&format!("legitimacy_{c}_end")),
                        mean(&format!("unresolved_{c}_end")),
                    )
                })
                .collect(),
            groups: s
                .groups
                .keys()
                .map(|g| {
                    (
                        g.clone(),
                        mean(&format!("fighters_{g}_start")),
                        mean(&format!("recruits_{g}_total")),
                        mean(&format!("fighters_{g}_end")),
                    )
                })
                .collect(),
            abuses: mean("abuses_total"),
            cases: mean("cases_opened_total"),
            fates: FATES
                .iter()
                .map(|f| {
                    (
                        f.name().replace('_', " "),
                        mean(&format!("cases_{}_end", f.name())),
                    )
                })
                .collect(),
            convictions: mean("convictions_total"),
            amnesties: mean("amnesties_total"),
            battles: mean("battles_total"),
            battle_deaths: mean("battle_deaths_total"),
        }
    }
}

impl fmt::Display for ConflictReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = if self.replicates > 1 {
            format!("mean of {} replicates", self.replicates)
        } else {
            "one replicate".to_string()
        };
        writeln!(
            f,
            "People (outputs in people; 1 agent = {} people; {scope})",
            self.ppa
        )?;
        writeln!(f, "Civilians killed, by perpetrator")?;
        let total: f64 = self.perpetrators.iter().map(|p| p.1).sum();
        for (name, v) in &self.perpetrators {
            writeln!(f, "  {name:<16} {v:>10.0}")?;
        }
        writeln!(f, "  {:<16} {total:>10.0}", "all")?;
        writeln!(
            f,
            "Civilians killed, by community   legitimacy start -> end   unresolved"
        )?;
        for (name, killed, l0, l1, u) in &self.communities {
            writeln!(
                f,
                "  {name:<16} {killed:>10.0}            {l0:.3} -> {l1:.3}        {u:.3}"
            )?;
        }
        writeln!(f, "Armed groups (people)      start   recruits        end")?;
        for (name, a, r, b) in &self.groups {
            writeln!(f, "  {name:<18} {a:>10.0} {r:>10.0} {b:>10.0}")?;
        }
        writeln!(
            f,
            "Abuses: {:.0} people killed by state-side forces, {:.1} cases opened",
            self.abuses, self.cases
        )?;
        let fates: Vec<String> = self
            .fates
            .iter()
            .filter(|(_, v)| *v > 0.0)
            .map(|(k, v)| format!("{k} {v:.1}"))
            .collect();
        writeln!(
            f,
            "  fates at the end: {}",
            if fates.is_empty() {
                "none".into()
            } else {
                fates.join(", ")
            }
        )?;
        writeln!(
            f,
            "  convictions {:.1}, amnesties {:.1}",
            self.convictions, self.amnesties
        )?;
        write!(
            f,
            "Battles: {:.1} events, {:.0} combatants killed",
            self.battles, self.battle_deaths
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use impunity::ensemble::{Ensemble, Plan, no_progress};

    #[test]
    fn the_report_of_a_short_conflict_run() {
        let sets = ["world.people_per_agent=200".to_string()];
        let s = crate::cli::load::load_scenario("central-mali-2018", &sets, None).unwrap();
        let plan = Plan::single(s.clone(), 1, 2, 5).unwrap();
        let results = Ensemble::new(plan).run(&no_progress).unwrap();
        let names = results.plan().outcome_names();
        let text = ConflictReport::new(&s, names, &results.points()[0]).to_string();
        assert!(
            text.starts_with(
                "People (outputs in people; 1 agent = 200 people; mean of 2 replicates)"
            ),
            "{text}"
        );
        assert!(text.contains("Civilians killed, by perpetrator"), "{text}");
    }
}
