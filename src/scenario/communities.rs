//! Communities (`[communities.<name>]`): who the persons are, and how they see the state.

use indexmap::IndexMap;

section! {
    /// A community (Epstein's Model II group; Peul, Dogon, … in the conflict model).
    pub struct CommunitySpec {
        /// Share of the population.
        pub share: f64 = required example("1.0") check(unit, "the shares sum to 1");
        /// L: the state's legitimacy in this community's eyes (Model II: each group's view of
        /// the other group's legitimacy).
        pub legitimacy: f64 = required example("0.8") check(unit) [timeline];
        /// Communities whose members this community's active persons kill (Epstein's Model
        /// II; none by default: Model I has no killing between groups).
        pub kills: Vec<String> = default example("[\"x\"]")
            range("names of other communities") [sparse];
        /// U₀: the community's unresolved-injustice index at the start (see
        /// `legitimacy.unresolved_per_case`): the cases of earlier years that nobody
        /// investigated (0: none).
        pub unresolved: f64 = default(0.0) check(nonneg) [sparse];
        /// Share of the community's households that are armed: each person starts armed with
        /// this probability. An armed household is less likely to be killed in an attack
        /// (`violence.household_defence`); disarming civilians takes these arms.
        pub household_arms: f64 = default(0.0) check(unit) [sparse];
        /// Share of each region's persons in this community, instead of `share` there:
        /// `{ mopti = 0.45, koro = 0.2 }`.
        pub share_by_region: IndexMap<String, f64> = default example("{ x = 1.0 }")
            check(unit, "keys are region names; in each region listed by any community, the \
                         shares (this, or `share` where a community does not list the region) \
                         sum to 1")
            [sparse];
    }
}
