//! Checks across keys: what a scenario is refused for besides each key's type and range.
//!
//! Each check is a function whose doc says what it refuses; the docs, in order, are the list
//! "Checks across keys" of `docs/scenario.md` ([`CHECKS`]). [`Scenario::validate`] runs the
//! declared range of every key first, then these checks in order, and stops at the first
//! problem: later checks may count on earlier ones (region cells are counted on a map whose
//! rows were found to be of equal length, shares are summed once they are in [0, 1]).

mod regions;
mod timeline;

#[cfg(test)]
pub(crate) use timeline::CAN_CHANGE;

use super::{Scenario, ScenarioError, size};
use crate::rules::JailTerm;

/// One check across keys.
pub(crate) struct Check {
    /// What it refuses, as a clause of "a scenario is refused when …" (doc-comment lines).
    pub refuses: &'static str,
    /// The check.
    pub run: fn(&Scenario) -> Result<(), ScenarioError>,
}

/// Runs every check in order; the first problem is the error.
pub(super) fn run(s: &Scenario) -> Result<(), ScenarioError> {
    CHECKS.iter().try_for_each(|c| (c.run)(s))
}

/// Declares the checks: each function with what it refuses as its doc, and [`CHECKS`], which
/// lists them in order.
macro_rules! checks {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($s:ident) $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            fn $name($s: &Scenario) -> Result<(), ScenarioError> $body
        )*

        /// Every check across keys, in the order they run.
        pub(crate) const CHECKS: &[Check] = &[
            $(Check { refuses: concat!($($doc, "\n"),*), run: $name },)*
        ];
    };
}

checks! {
    /// the rule switches contradict each other (`cop_after_arrest = "move_to_arrestee"` with
    /// `jailed = "occupy"`; `countdown = "own_turn"` with `shuffle_jailed = false`)
    fn rule_switches(s) {
        s.rules().check().map_err(|m| ScenarioError::new("rules", m.to_string()))
    }

    /// the lattice is smaller than 1 × 1, or larger than 65,535 cells a side or 2^31 cells
    /// (the message gives the memory it would need)
    fn lattice_size(s) {
        size::check(s)
    }

    /// the rules draw whole-tick jail terms (`jail_term = "below_max"` or `"up_to_max"`) and
    /// `policing.max_jail_term` is not a whole number, or is below 1 under `below_max`
    fn whole_jail_terms(s) {
        let rules = s.rules();
        let j = s.policing.max_jail_term;
        let at = "policing.max_jail_term";
        if rules.jail_term != JailTerm::Uniform {
            if !j.is_finite() || j.fract() != 0.0 {
                return Err(ScenarioError::new(
                    at,
                    format!(
                        "{j}: these rules draw whole-tick terms, so J_max must be a whole number"
                    ),
                ));
            }
            if rules.jail_term == JailTerm::BelowMax && j < 1.0 {
                return Err(ScenarioError::new(
                    at,
                    "must be at least 1 with jail_term = \"below_max\"",
                ));
            }
        }
        Ok(())
    }

    /// there is no community, or more than 250 communities, 100 forces or 100 armed groups
    fn counts(s) {
        if s.communities.is_empty() {
            return Err(ScenarioError::new("communities", "at least one community is needed"));
        }
        if s.communities.len() > 250 {
            return Err(ScenarioError::new("communities", "at most 250 communities"));
        }
        if s.forces.len() > 100 {
            return Err(ScenarioError::new("forces", "at most 100 forces"));
        }
        if s.groups.len() > 100 {
            return Err(ScenarioError::new("groups", "at most 100 armed groups"));
        }
        Ok(())
    }

    /// a community, force or armed group has a name other than lower-case letters, digits
    /// and `_` (not starting with a digit), or a group has the name of a community or force
    fn names(s) {
        for (section, names) in [
            ("communities", s.communities.keys().collect::<Vec<_>>()),
            ("forces", s.forces.keys().collect()),
            ("groups", s.groups.keys().collect()),
        ] {
            for name in names {
                check_name(&format!("{section}.{name}"), name)?;
            }
        }
        for g in s.groups.keys() {
            if s.communities.contains_key(g) || s.forces.contains_key(g) {
                return Err(ScenarioError::new(
                    format!("groups.{g}"),
                    format!("`{g}` already names a community or force"),
                ));
            }
        }
        Ok(())
    }

    /// a community kills an unknown community, or itself
    fn kills(s) {
        for (name, c) in &s.communities {
            let at = format!("communities.{name}.kills");
            for k in &c.kills {
                if !s.communities.contains_key(k) {
                    return Err(ScenarioError::new(
                        at,
                        unknown("community", k, s.communities.keys()),
                    ));
                }
                if k == name {
                    return Err(ScenarioError::new(at, format!("{name} cannot target itself")));
                }
            }
        }
        Ok(())
    }

    /// the communities' shares do not sum to 1 (within 10⁻⁹)
    fn shares(s) {
        let sum: f64 = s.communities.values().map(|c| c.share).sum();
        if (sum - 1.0).abs() > 1e-9 {
            return Err(ScenarioError::new(
                "communities",
                format!("shares sum to {sum}, not 1"),
            ));
        }
        Ok(())
    }

    /// a force gives both `density` and `people`, or neither
    fn force_sizes(s) {
        for (name, f) in &s.forces {
            if f.density.is_some() == f.people.is_some() {
                return Err(ScenarioError::new(
                    format!("forces.{name}"),
                    "give either `density` or `people`",
                ));
            }
        }
        Ok(())
    }

    /// a vision does not fit a torus (2·max(floor(v), 1) + 1 cells across, more than the
    /// width or height: the lattice's halo is at least one cell wide)
    fn visions_fit(s) {
        let visions = std::iter::once(("population.vision".to_string(), s.population.vision))
            .chain(s.forces.iter().map(|(n, f)| (format!("forces.{n}.vision"), f.vision)))
            .chain(s.groups.iter().map(|(n, g)| (format!("groups.{n}.vision"), g.vision)));
        let w = &s.world;
        for (path, v) in visions {
            let r = (v.floor() as u32).max(1);
            if w.torus && (2 * r + 1 > w.width || 2 * r + 1 > w.height) {
                return Err(ScenarioError::new(
                    path,
                    format!(
                        "radius {v} sees {} cells across, more than the {}x{} torus holds; enlarge the world or set world.torus = false",
                        2 * r + 1,
                        w.width,
                        w.height
                    ),
                ));
            }
        }
        Ok(())
    }

    /// fighters gather (`groups.<name>.cohesion` > 0) on a torus less than 5 cells across
    fn gathering_fits(s) {
        let w = &s.world;
        for (name, g) in &s.groups {
            if g.cohesion > 0.0 && w.torus && (w.width < 5 || w.height < 5) {
                return Err(ScenarioError::new(
                    format!("groups.{name}.cohesion"),
                    format!(
                        "fighters who gather move within 2 cells of a fellow, more than the {}x{} torus holds; enlarge the world to 5x5 or set world.torus = false",
                        w.width, w.height
                    ),
                ));
            }
        }
        Ok(())
    }

    /// the lattice would need more than 64 bit layers: 3, plus one per community targeted by
    /// `kills` (Epstein's models), or one per community, armed group and force (conflict
    /// model)
    fn layers(s) {
        size::check_layers(s)
    }

    /// person density (without regions) plus all force densities exceed 1 (one agent per
    /// cell)
    fn one_agent_per_cell(s) {
        let persons = if s.world.regions.is_some() {
            0.0
        } else {
            s.population.density
        };
        let dens = s
            .forces
            .values()
            .fold(persons, |d, f| d + s.force_density(f));
        if dens > 1.0 + 1e-12 {
            return Err(ScenarioError::new(
                "population.density",
                format!(
                    "person density plus force densities is {dens}, more than one agent per cell"
                ),
            ));
        }
        Ok(())
    }

    /// a region map has no row, rows of different lengths, a symbol not in its legend, or
    /// more rows or columns than the world; a legend has no region or more than 200, a
    /// symbol that is not one character (or is `.` or a space), a region name other than
    /// lower-case letters, digits and `_`, or a region twice; `world.regions.population` or
    /// `area_km2` names an unknown region; the world has regions but
    /// `rules.placement` is not `"exact_counts"`; a region covers no cell, or holds more
    /// persons than cells, or more persons plus units of the forces that may deploy there
    /// (`forces.<name>.regions`, or all) than cells
    fn regions(s) {
        regions::check(s)
    }

    /// a list names an unknown region, community, group or force (`share_by_region`,
    /// `recruits_from`, `protects`, `targets`, `regions`, `abuse.suspected`,
    /// `policy.arming_targets`, `policy.disarmament`, `missions.<name>.trains`); the message
    /// suggests the nearest name
    fn references(s) {
        let regions = s.region_names();
        for (cname, c) in &s.communities {
            for r in c.share_by_region.keys() {
                if !regions.contains(r) {
                    return Err(ScenarioError::new(
                        format!("communities.{cname}.share_by_region"),
                        unknown("region", r, regions.iter()),
                    ));
                }
            }
        }
        let communities = |path: String, list: &[String]| -> Result<(), ScenarioError> {
            match list.iter().find(|c| !s.communities.contains_key(*c)) {
                Some(c) => Err(ScenarioError::new(
                    path,
                    unknown("community", c, s.communities.keys()),
                )),
                None => Ok(()),
            }
        };
        let in_regions = |path: String, list: &[String]| -> Result<(), ScenarioError> {
            match list.iter().find(|r| !regions.contains(r)) {
                Some(r) if regions.is_empty() => Err(ScenarioError::new(
                    path,
                    format!("`{r}`: the world has no regions (world.regions)"),
                )),
                Some(r) => Err(ScenarioError::new(path, unknown("region", r, regions.iter()))),
                None => Ok(()),
            }
        };
        for (fname, f) in &s.forces {
            in_regions(format!("forces.{fname}.regions"), &f.regions)?;
        }
        for (gname, g) in &s.groups {
            let at = |k: &str| format!("groups.{gname}.{k}");
            communities(at("recruits_from"), &g.recruits_from)?;
            communities(at("protects"), &g.protects)?;
            communities(at("targets.communities"), &g.targets.communities)?;
            if let Some(h) = g.targets.groups.iter().find(|h| !s.groups.contains_key(*h)) {
                return Err(ScenarioError::new(
                    at("targets.groups"),
                    unknown("group", h, s.groups.keys()),
                ));
            }
            in_regions(at("regions"), &g.regions)?;
        }
        communities("abuse.suspected".into(), &s.abuse.suspected)?;
        if let Some(g) = s
            .policy
            .arming_targets
            .iter()
            .find(|g| !s.groups.contains_key(*g))
        {
            return Err(ScenarioError::new(
                "policy.arming_targets",
                unknown("group", g, s.groups.keys()),
            ));
        }
        let d = &s.policy.disarmament;
        match d.target {
            super::DisarmTarget::Group if !s.groups.contains_key(&d.group) => {
                return Err(ScenarioError::new(
                    "policy.disarmament.group",
                    unknown("group", &d.group, s.groups.keys()),
                ));
            }
            super::DisarmTarget::Civilians if !s.communities.contains_key(&d.community) => {
                return Err(ScenarioError::new(
                    "policy.disarmament.community",
                    unknown("community", &d.community, s.communities.keys()),
                ));
            }
            _ => {}
        }
        for (mname, m) in &s.missions {
            if let Some(f) = m.trains.iter().find(|f| !s.forces.contains_key(*f)) {
                return Err(ScenarioError::new(
                    format!("missions.{mname}.trains"),
                    unknown("force", f, s.forces.keys()),
                ));
            }
        }
        Ok(())
    }

    /// the communities' shares in a region (`share_by_region`, or `share` where a community
    /// does not list the region) do not sum to 1
    fn regional_shares(s) {
        for r in s.region_names() {
            if s.communities.values().any(|c| c.share_by_region.contains_key(&r)) {
                let sum: f64 = s
                    .communities
                    .values()
                    .map(|c| c.share_by_region.get(&r).copied().unwrap_or(c.share))
                    .sum();
                if (sum - 1.0).abs() > 1e-9 {
                    return Err(ScenarioError::new(
                        "communities",
                        format!("shares in region `{r}` sum to {sum}, not 1"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// a group targets itself, or more than 16 communities or 16 groups, or recruits out of
    /// grievance (`recruit_rate` > 0) from no community
    fn group_targets(s) {
        for (gname, g) in &s.groups {
            let at = |k: &str| format!("groups.{gname}.{k}");
            if g.targets.communities.len() > 16 || g.targets.groups.len() > 16 {
                return Err(ScenarioError::new(
                    at("targets"),
                    "at most 16 target communities and 16 target groups",
                ));
            }
            if g.targets.groups.contains(gname) {
                return Err(ScenarioError::new(
                    at("targets.groups"),
                    format!("{gname} cannot target itself"),
                ));
            }
            if g.recruit_rate > 0.0 && g.recruits_from.is_empty() {
                return Err(ScenarioError::new(
                    at("recruits_from"),
                    "a group that recruits (recruit_rate > 0) needs communities to recruit from",
                ));
            }
        }
        Ok(())
    }

    /// the scenario uses the conflict model and `world.people_per_agent` is not a whole
    /// number from 1 to 65,535: each agent stands for that many people, whom killings take
    /// one by one
    fn whole_people_per_agent(s) {
        let k = s.world.people_per_agent;
        if crate::model::is_conflict(s) && !(k.fract() == 0.0 && (1.0..=65_535.0).contains(&k)) {
            return Err(ScenarioError::new(
                "world.people_per_agent",
                format!(
                    "{k}: the conflict model needs a whole number of people per agent, from 1 \
                     to 65,535"
                ),
            ));
        }
        Ok(())
    }

    /// a mission's protection plus administration exceed its staff
    fn mission_staff(s) {
        for (mname, m) in &s.missions {
            if m.protection as u64 + m.administration as u64 > m.staff as u64 {
                return Err(ScenarioError::new(
                    format!("missions.{mname}.staff"),
                    format!(
                        "protection ({}) plus administration ({}) exceed the staff ({})",
                        m.protection, m.administration, m.staff
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `outputs.metrics` names an unknown metric, or one twice
    fn metrics(s) {
        crate::metrics::MetricSet::for_scenario(s)
            .map(|_| ())
            .map_err(|e| ScenarioError::new("outputs.metrics", e.to_string()).caused_by(e))
    }

    /// a timeline entry gives both a tick and a date for the same moment, a date without
    /// `start_date` or before it, `at` without `set` (or at tick 0), or a ramp without
    /// `ramp`, ending before it starts, or changing a key that is not a number; changes a key
    /// that may not change during a run, or leaves an invalid scenario once applied; or
    /// would switch the conflict model on or off (`abuse.base_rate` from or to 0,
    /// `legitimacy.dynamic`): it is on for the whole run or not at all
    fn timeline(s) {
        timeline::check(s)
    }
}

/// Names of communities, forces and groups become column names: lower-case letters, digits
/// and `_`, not starting with a digit.
fn check_name(path: &str, name: &str) -> Result<(), ScenarioError> {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(ScenarioError::new(
            path,
            format!(
                "{name:?}: names are lower-case letters, digits and '_' (they become column names)"
            ),
        ))
    }
}

/// "unknown community `x`; did you mean `y`?", or, with nothing close,
/// "unknown community `x` (known: a, b)".
pub(crate) fn unknown<'a>(
    what: &str,
    name: &str,
    known: impl Iterator<Item = &'a String>,
) -> String {
    let known: Vec<&String> = known.collect();
    let mut m = format!("unknown {what} `{name}`");
    if let Some(best) = super::error::nearest(name, known.iter().map(|s| s.as_str())) {
        m.push_str(&format!("; did you mean `{best}`?"));
    } else {
        m.push_str(&format!(
            " (known: {})",
            known
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    m
}
