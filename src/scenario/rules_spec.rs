//! The `rules` key: which implementation details a run follows (a rule set, and any of its
//! switches overridden).

use crate::rules::{
    CopAfterArrest, Countdown, JailTerm, JailedCell, Placement, Ratio, RuleSet, Rules, TurnOrder,
    VisionShape,
};
use serde::Deserialize;

section! {
    /// The `rules` key: a rule-set name (`rules = "paper"`) or a table with a `base` rule set
    /// and any switches of [`Rules`] overridden (`[rules] base = "paper"`, `ratio = "floor"`).
    /// It is always written back as a table, so that `--set rules.ratio=floor` works on either
    /// form.
    pub struct RulesSpec {
        /// The rule set the switches default to: Epstein (2002) as written, NetLogo's
        /// Rebellion, Mesa 3.3.1's example.
        pub base: RuleSet = required example("\"paper\"");
        /// f(C/A) in the arrest probability P = 1 − exp(−k·f(C/A)): the exact ratio (paper),
        /// floor (NetLogo), round half to even (Mesa). Unset: as in `base`.
        pub ratio: Option<Ratio> = unset example("\"floor\"") [sparse];
        /// Shape of every vision set: Euclidean disc of radius v, von Neumann diamond, Moore
        /// square. Unset: as in `base`.
        pub vision: Option<VisionShape> = unset example("\"diamond\"") [sparse];
        /// Whether an agent's own cell is part of its vision (NetLogo: yes, so an active
        /// agent counts itself twice in A). Unset: as in `base`.
        pub include_center: Option<bool> = unset example("true") [sparse];
        /// Within a turn: move, then act (paper, NetLogo), or act, then move (Mesa). Unset:
        /// as in `base`.
        pub order: Option<TurnOrder> = unset example("\"act_then_move\"") [sparse];
        /// Whether jailed agents are part of the shuffled schedule. Unset: as in `base`.
        pub shuffle_jailed: Option<bool> = unset example("true") [sparse];
        /// Jail terms: real U(0, J_max) (`uniform`), integer 0..J_max−1 (`below_max`),
        /// integer 0..=J_max (`up_to_max`). Unset: as in `base`.
        pub jail_term: Option<JailTerm> = unset example("\"up_to_max\"") [sparse];
        /// Jail terms count down at the end of each tick, or on the agent's own turn (Mesa).
        /// Unset: as in `base`.
        pub countdown: Option<Countdown> = unset example("\"own_turn\"") [sparse];
        /// A jailed agent leaves the lattice (paper), stays on a cell that counts as free
        /// (NetLogo), or keeps its cell (Mesa). Unset: as in `base`.
        pub jailed: Option<JailedCell> = unset example("\"occupy\"") [sparse];
        /// After an arrest a cop stays, or moves onto the arrestee's cell (NetLogo). Unset:
        /// as in `base`.
        pub cop_after_arrest: Option<CopAfterArrest> = unset example("\"move_to_arrestee\"")
            [sparse];
        /// Initial placement: exact counts on random cells, or cell by cell with cumulative
        /// weights (Mesa). Unset: as in `base`.
        pub placement: Option<Placement> = unset example("\"per_cell\"") [sparse];
    }
}

/// Reads `rules` as either a name or a table.
pub(super) fn rules_spec<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<RulesSpec>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = RulesSpec;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a rule-set name (\"paper\", \"netlogo\", \"mesa\") or a table with `base`")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RulesSpec, E> {
            RuleSet::deserialize(serde::de::value::StrDeserializer::<E>::new(s))
                .map(RulesSpec::named)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, m: A) -> Result<RulesSpec, A::Error> {
            RulesSpec::deserialize(serde::de::value::MapAccessDeserializer::new(m))
        }
    }
    d.deserialize_any(V).map(Some)
}

impl RulesSpec {
    /// A named rule set without overrides.
    pub fn named(base: RuleSet) -> RulesSpec {
        RulesSpec {
            base,
            ratio: None,
            vision: None,
            include_center: None,
            order: None,
            shuffle_jailed: None,
            jail_term: None,
            countdown: None,
            jailed: None,
            cop_after_arrest: None,
            placement: None,
        }
    }

    /// The switches in force.
    pub fn resolve(&self) -> Rules {
        let mut r = Rules::from(self.base);
        macro_rules! over {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { r.$f = v; } )* };
        }
        over!(
            ratio,
            vision,
            include_center,
            order,
            shuffle_jailed,
            jail_term,
            countdown,
            jailed,
            cop_after_arrest,
            placement
        );
        r
    }

    /// A short label: `paper`, or `paper+ratio=floor` when switches differ from the base.
    pub fn label(&self) -> String {
        let mut s = self.base.name().to_string();
        let b = serde_json::to_value(Rules::from(self.base)).expect("rules serialise");
        let c = serde_json::to_value(self.resolve()).expect("rules serialise");
        if let (Some(b), Some(c)) = (b.as_object(), c.as_object()) {
            for (k, v) in c {
                if b.get(k) != Some(v) {
                    let v = v.as_str().map(str::to_string).unwrap_or(v.to_string());
                    s.push_str(&format!("+{k}={v}"));
                }
            }
        }
        s
    }
}
