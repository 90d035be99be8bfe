//! The key metric groups of a `timeseries.csv`, found by what each column is (its prefix once
//! a per-tick count's `new_` is set aside: [`series_stem`]).

use super::options::series_stem;

/// A group of metrics drawn on one chart (e.g. civilians killed, one series per perpetrator).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KeyGroup {
    /// File name stem (`fan-<stem>`).
    pub stem: String,
    /// Chart title.
    pub title: String,
    /// Columns of `timeseries.csv`, with their legend labels.
    pub metrics: Vec<(String, String)>,
    /// Flows summed over time (killings so far) rather than shown per tick.
    pub cumulative: bool,
    /// Counts of persons (in the run's unit), rather than a share or an index.
    pub counts: bool,
    /// The y-axis description when not counts.
    pub y_desc: String,
}

/// The key metric groups among `metrics` (the columns of a `timeseries.csv`), in drawing order:
/// civilians killed by perpetrator (cumulative), by community of the victims, legitimacy per
/// community, fighters per group; for Epstein's Model I actives and jailed; for Model II the
/// living per community and the killed (cumulative).
pub(crate) fn key_groups(metrics: &[String]) -> Vec<KeyGroup> {
    let with = |prefix: &str, skip: &str| -> Vec<(String, String)> {
        metrics
            .iter()
            .filter_map(|m| {
                let s = series_stem(m);
                (s.starts_with(prefix) && (skip.is_empty() || !s.starts_with(skip)))
                    .then(|| (m.clone(), s[prefix.len()..].replace('_', " ")))
            })
            .collect()
    };
    // the column whose name (once `new_` is set aside) is `name`
    let named = |name: &str| metrics.iter().find(|m| series_stem(m) == name).cloned();
    let group =
        |stem: &str, title: &str, ms: Vec<(String, String)>, cum: bool, counts: bool| KeyGroup {
            stem: stem.into(),
            title: title.into(),
            metrics: ms,
            cumulative: cum,
            counts,
            y_desc: String::new(),
        };
    let mut out = Vec::new();
    let killed_by = with("killed_civilians_", "");
    let conflict = !killed_by.is_empty();
    if conflict {
        out.push(group(
            "killed-civilians",
            "Civilians killed by perpetrator, cumulative",
            killed_by,
            true,
            true,
        ));
        let of = with("killed_", "killed_civilians_");
        if !of.is_empty() {
            out.push(group(
                "killed-by-community",
                "Civilians killed by community of the victims, cumulative",
                of,
                true,
                true,
            ));
        }
    }
    let leg = with("legitimacy_", "");
    if !leg.is_empty() {
        let mut g = group(
            "legitimacy",
            "State legitimacy in each community's eyes",
            leg,
            false,
            false,
        );
        g.y_desc = "legitimacy L".into();
        out.push(g);
    }
    let fighters = with("fighters_", "");
    if !fighters.is_empty() {
        out.push(group(
            "fighters",
            "Fighters per armed group",
            fighters,
            false,
            true,
        ));
    }
    if !conflict {
        let alive = with("alive_", "");
        let model2 = !alive.is_empty();
        if model2 {
            out.push(group(
                "alive",
                "Living persons per community",
                alive,
                false,
                true,
            ));
        }
        if let Some(col) = named("killed") {
            out.push(group(
                "killed",
                "Persons killed, cumulative",
                vec![(col, "killed".into())],
                true,
                true,
            ));
        }
        for (m, t) in [("active", "Active rebels"), ("jailed", "Jailed persons")] {
            if let Some(col) = named(m).filter(|_| !model2) {
                out.push(group(m, t, vec![(col, m.into())], false, true));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::key_groups;

    fn stems(metrics: &[&str]) -> Vec<String> {
        let m: Vec<String> = metrics.iter().map(|s| s.to_string()).collect();
        key_groups(&m).into_iter().map(|g| g.stem).collect()
    }

    #[test]
    fn key_groups_follow_the_columns_present() {
        assert_eq!(
            stems(&["quiescent", "active", "jailed", "cops"]),
            ["active", "jailed"]
        );
        assert_eq!(
            stems(&[
                "killed_civilians_state",
                "legitimacy_peul",
                "fighters_jnim",
                "active"
            ]),
            ["killed-civilians", "legitimacy", "fighters"]
        );
        let m = ["killed_civilians_state", "legitimacy_peul"].map(String::from);
        let g = key_groups(&m);
        assert!(g[0].cumulative && g[0].counts && !g[1].counts);
    }

    #[test]
    fn per_tick_counts_renamed_new_are_found_alike() {
        let m = [
            "new_killed_civilians_state",
            "new_killed_peul",
            "legitimacy_peul",
        ]
        .map(String::from);
        let g = key_groups(&m);
        assert_eq!(g[0].stem, "killed-civilians");
        assert_eq!(
            g[0].metrics,
            [(
                "new_killed_civilians_state".to_string(),
                "state".to_string()
            )]
        );
        assert_eq!(g[1].metrics[0].1, "peul");
    }
}
