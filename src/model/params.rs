//! Runtime parameters derived from a scenario; rebuilt whenever the timeline changes a knob.
//!
//! [`resolve`] turns a scenario into three values: the [`Params`] every model's turns read,
//! the [`LayerMap`] that says which bit layers each occupant is painted on, and, for the
//! conflict model, its [`ConflictParams`].

use super::Unit;
use super::state::LayerMap;
use crate::events::{Perpetrator, PerpetratorKind};
use crate::mechanisms::activation::ArrestTable;
use crate::mechanisms::deterrence::DeterrenceParams;
use crate::rules::Rules;
use crate::scenario::{
    AbuseSpec, DisarmTarget, GroupKind, JusticeSpec, LegitimacySpec, PolicySpec, Role, Scenario,
    Side, ViolenceSpec,
};
use crate::world::{LayerId, Shape, layer};

/// What every model's turns need to know about the scenario, in the form they need it.
#[derive(Clone, Debug)]
pub(crate) struct Params {
    pub person_shape: Shape,
    pub person_moves: bool,
    pub unit_shape: Vec<Shape>,
    pub unit_moves: Vec<bool>,
    /// Units each force should have (for the timeline's density changes).
    pub unit_target: Vec<usize>,
    pub threshold: f64,
    pub arrest: ArrestTable,
    /// J_max × sentence severity.
    pub max_jail: f64,
    /// Per community: the layers of the communities its actives kill (Model II).
    pub kill_layers: Vec<Vec<LayerId>>,
    pub birth_rate: f64,
    pub max_age: u32,
    pub moore: Shape,
    /// Cells within two of a centre (where a cohesive fighter joins a fellow).
    pub near: Shape,
    /// Number of layers beyond the fixed ones.
    pub extra_layers: usize,
}

/// An armed group, resolved.
#[derive(Clone, Debug)]
pub(crate) struct GroupParams {
    pub group_kind: GroupKind,
    /// Bit mask of the communities it recruits from out of grievance.
    pub recruits: u64,
    /// Bit mask of the communities whose threatened members join it for protection.
    pub protects: u64,
    pub protection_rate: f64,
    /// Whether the state arms it (`policy.arming_targets`).
    pub armed_by_state: bool,
    /// Whether it answers to the state's justice (militias and pro-government groups): its
    /// killings of civilians open justice cases (`policy.militia_impunity`), and it learns
    /// what sanction to expect from them.
    pub answerable: bool,
    pub target_communities: Vec<usize>,
    pub target_state: bool,
    pub target_groups: Vec<usize>,
    pub base_arms: f64,
    pub state_backed: bool,
    pub recruit_rate: f64,
    pub attack_rate: f64,
    pub battle_rate: f64,
    pub desertion: f64,
    pub cohesion: f64,
    /// Median band size, in people (`groups.<g>.band`).
    pub band: f64,
    pub shape: Shape,
    /// The column its killings of civilians are counted under.
    pub kind: PerpetratorKind,
    /// Whether the current disarmament campaign targets it.
    pub disarmed: bool,
}

/// A force, resolved.
#[derive(Clone, Debug)]
pub(crate) struct ForceParams {
    pub role: Role,
    pub side: Side,
    /// The column its killings of civilians are counted under (by its side).
    pub kind: PerpetratorKind,
    pub arrest_rate: f64,
    pub discipline: f64,
    pub proficiency: f64,
}

/// A training mission, resolved.
#[derive(Clone, Debug)]
pub(crate) struct MissionParams {
    pub trainers: f64,
    /// Bit mask of the forces it trains.
    pub trains: u64,
    pub throughput: f64,
    pub proficiency_gain: f64,
    pub discipline_gain: f64,
}

/// The conflict model's parameters.
#[derive(Clone, Debug)]
pub(crate) struct ConflictParams {
    pub group_layer: Vec<LayerId>,
    pub force_layer: Vec<LayerId>,
    pub groups: Vec<GroupParams>,
    pub forces: Vec<ForceParams>,
    /// Bit mask of the communities state forces suspect.
    pub suspected: u64,
    pub baseline: Vec<f64>,
    pub missions: Vec<MissionParams>,
    pub abuse: AbuseSpec,
    pub violence: ViolenceSpec,
    pub justice: JusticeSpec,
    pub policy: PolicySpec,
    pub legitimacy: LegitimacySpec,
    /// What forces and groups learn from cases, and how they weigh it.
    pub deterrence: DeterrenceParams,
    /// φ: the presence scale of recruitment, in people.
    pub presence: f64,

    /// Cells of a raid's settlement (a disc of radius `violence.settlement_radius`).
    pub settlement_cells: f64,
    /// Community whose civilians a one-sided disarmament targets.
    pub disarm_community: Option<usize>,
    /// Layers of every state force (deterrence, battles).
    pub state_layers: Vec<LayerId>,
    /// Layers of every peacekeeping force.
    pub peacekeeper_layers: Vec<LayerId>,
    /// Regions (1 without regions).
    pub n_regions: usize,
    /// Whether the scenario has regions (events then name theirs).
    pub has_regions: bool,
    /// Per community: the layer of its free civilians.
    pub community_layer: Vec<LayerId>,
}

impl ConflictParams {
    /// (proficiency, discipline) a unit of force `f` gains from training: the largest gains of
    /// the missions that train `f`.
    pub fn training_gain(&self, f: usize) -> (f64, f64) {
        self.missions
            .iter()
            .filter(|m| m.trains >> f & 1 == 1)
            .fold((0.0, 0.0), |(p, d), m| {
                (p.max(m.proficiency_gain), d.max(m.discipline_gain))
            })
    }

    /// The arms level of group `g` now: its own arms plus the state's arming if the state
    /// arms it, times what disarmament has left, at most 1.
    #[inline]
    pub fn arms(&self, g: usize, disarm_factor: f64) -> f64 {
        let gp = &self.groups[g];
        let armed = gp.base_arms
            + if gp.armed_by_state {
                self.policy.militia_arming
            } else {
                0.0
            };
        (armed * disarm_factor).clamp(0.0, 1.0)
    }

    /// m(a) = a·(1 + h)/(a + h): what group `g`'s weapons do (its raids' killing power, its
    /// fighters' effectiveness, the pull of its presence), saturating in its arms level.
    #[inline]
    pub fn arms_effect(&self, g: usize, disarm_factor: f64) -> f64 {
        let a = self.arms(g, disarm_factor);
        let h = self.violence.arms_saturation;
        a * (1.0 + h) / (a + h)
    }

    /// The state's share of group `g`'s arms: `policy.militia_arming` over its arms level
    /// before disarmament, for a group the state arms (0 otherwise). Victims hold the state
    /// responsible for its proxies in this proportion (`legitimacy.proxy`).
    #[inline]
    pub fn state_share(&self, g: usize) -> f64 {
        let gp = &self.groups[g];
        let given = self.policy.militia_arming;
        if gp.armed_by_state && given > 0.0 {
            given / (gp.base_arms + given)
        } else {
            0.0
        }
    }

    /// What the justice pipeline reads.
    pub fn justice_params(&self) -> crate::mechanisms::justice::JusticeParams<'_> {
        crate::mechanisms::justice::JusticeParams {
            policy: &self.policy,
            justice: &self.justice,
            legitimacy: &self.legitimacy,
            deterrence: &self.deterrence,
            has_regions: self.has_regions,
        }
    }

    /// The column killings by `by` are counted under.
    #[inline]
    pub fn kind_of(&self, by: Perpetrator) -> PerpetratorKind {
        match by {
            Perpetrator::Force(f) => self.forces[f as usize].kind,
            Perpetrator::Group(g) => self.groups[g as usize].kind,
        }
    }

    /// A unit's proficiency now: its force's, plus training.
    pub fn proficiency(&self, u: &Unit) -> f64 {
        let f = u.force as usize;
        let base = self.forces[f].proficiency;
        let gain = if u.trained {
            self.training_gain(f).0
        } else {
            0.0
        };
        (base + gain).min(1.0)
    }

    /// A unit's discipline now: its force's, plus training's share while trainers oversee
    /// conduct in the field.
    pub fn discipline(&self, u: &Unit) -> f64 {
        let f = u.force as usize;
        let base = self.forces[f].discipline;
        let gain = if u.trained && self.policy.field_oversight {
            self.training_gain(f).1
        } else {
            0.0
        };
        (base + gain).min(1.0)
    }

    /// The region of cell `c` as events record it: `None` without regions.
    #[inline]
    pub fn region_of_cell(&self, region: &[u8], c: usize) -> Option<u8> {
        self.has_regions.then(|| region[c])
    }
}

/// Cells of the lattice within Euclidean distance `r` of a cell, the cell included.
fn disc_cells(r: f64) -> f64 {
    let big = r.floor() as i64;
    (-big..=big)
        .map(|dy| {
            let w = (r * r - (dy * dy) as f64).max(0.0).sqrt().floor() as i64;
            2 * w + 1
        })
        .sum::<i64>() as f64
}

/// Whether a scenario uses any part of the conflict model.
pub fn is_conflict(s: &Scenario) -> bool {
    !s.groups.is_empty()
        || s.legitimacy.dynamic
        || s.abuse.base_rate > 0.0
        || !s.missions.is_empty()
        || s.world.regions.is_some()
        || s.forces
            .values()
            .any(|f| f.role != Role::Policing || f.side != Side::State)
}

/// The parameters of `s` under `rules`: the shared ones, the layer map, and the conflict
/// model's if `s` uses it.
pub(crate) fn resolve(s: &Scenario, rules: &Rules) -> (Params, LayerMap, Option<ConflictParams>) {
    {
        let person_shape = Shape::new(rules.vision, s.population.vision, rules.include_center);
        let conflict = is_conflict(s);
        let names: Vec<&String> = s.communities.keys().collect();
        let idx = |n: &String| s.communities.get_index_of(n).expect("validated");
        // Community layers: every community in the conflict model; in Model II those targeted.
        let mut next = layer::FIXED;
        let mut alloc = || {
            next += 1;
            next - 1
        };
        let community_layer: Vec<Option<LayerId>> = names
            .iter()
            .map(|name| {
                let needed = conflict || s.communities.values().any(|c| c.kills.contains(name));
                needed.then(&mut alloc)
            })
            .collect();
        let kill_layers = s
            .communities
            .values()
            .map(|c| {
                c.kills
                    .iter()
                    .map(|k| community_layer[idx(k)].expect("targeted"))
                    .collect()
            })
            .collect();
        let cells = s.world.width as f64 * s.world.height as f64;
        let ppa = s.world.people_per_agent;
        let unit_target = s
            .forces
            .values()
            .map(|f| match (f.density, f.people) {
                (Some(d), _) => (d * cells).round() as usize,
                (None, Some(p)) => (p / ppa).round() as usize,
                (None, None) => 0,
            })
            .collect();
        let conflict = conflict.then(|| {
            let group_layer: Vec<LayerId> = s.groups.keys().map(|_| alloc()).collect();
            let force_layer: Vec<LayerId> = s.forces.keys().map(|_| alloc()).collect();
            let mask = |list: &[String]| list.iter().fold(0u64, |m, c| m | 1 << idx(c));
            let disarm = &s.policy.disarmament;
            let groups: Vec<GroupParams> = s
                .groups
                .iter()
                .map(|(name, g)| GroupParams {
                    group_kind: g.kind,
                    recruits: mask(&g.recruits_from),
                    protects: mask(&g.protects),
                    protection_rate: g.protection_rate,
                    armed_by_state: s.policy.arming_targets.contains(name),
                    answerable: matches!(g.kind, GroupKind::Militia | GroupKind::ProGovernment)
                        || g.state_backed,
                    target_communities: g.targets.communities.iter().map(idx).collect(),
                    target_state: g.targets.state,
                    target_groups: g
                        .targets
                        .groups
                        .iter()
                        .map(|n| s.groups.get_index_of(n).expect("validated"))
                        .collect(),
                    base_arms: g.arms,
                    state_backed: g.state_backed,
                    recruit_rate: g.recruit_rate,
                    attack_rate: g.attack_rate,
                    battle_rate: g.battle_rate,
                    desertion: g.desertion,
                    cohesion: g.cohesion,
                    band: g.band,
                    shape: Shape::new(rules.vision, g.vision, rules.include_center),
                    kind: PerpetratorKind::of_group(g.kind),
                    disarmed: match disarm.target {
                        DisarmTarget::Militias => {
                            matches!(g.kind, GroupKind::Militia | GroupKind::ProGovernment)
                        }
                        DisarmTarget::Group => &disarm.group == name,
                        _ => false,
                    },
                })
                .collect();
            let suspected = if s.abuse.suspected.is_empty() {
                s.groups
                    .values()
                    .filter(|g| g.kind == GroupKind::Jihadist)
                    .fold(0u64, |m, g| m | mask(&g.recruits_from))
            } else {
                mask(&s.abuse.suspected)
            };
            let forces: Vec<ForceParams> = s
                .forces
                .values()
                .map(|f| ForceParams {
                    role: f.role,
                    side: f.side,
                    kind: match f.side {
                        Side::State => PerpetratorKind::State,
                        Side::International => PerpetratorKind::International,
                    },
                    arrest_rate: f.arrest_rate,
                    discipline: f.discipline,
                    proficiency: f.proficiency,
                })
                .collect();
            let layers_where = |pred: &dyn Fn(&ForceParams) -> bool| {
                forces
                    .iter()
                    .zip(&force_layer)
                    .filter(|(f, _)| pred(f))
                    .map(|(_, &l)| l)
                    .collect::<Vec<_>>()
            };
            let state_layers = layers_where(&|f| f.side == Side::State);
            let peacekeeper_layers = layers_where(&|f| f.role == Role::Peacekeeping);
            ConflictParams {
                group_layer,
                force_layer,
                groups,
                state_layers,
                peacekeeper_layers,
                forces,
                suspected,
                baseline: s.communities.values().map(|c| c.legitimacy).collect(),
                missions: s
                    .missions
                    .values()
                    .map(|m| MissionParams {
                        trainers: m.trainers() as f64,
                        trains: m.trains.iter().fold(0u64, |acc, f| {
                            acc | 1 << s.forces.get_index_of(f).expect("validated")
                        }),
                        throughput: m.throughput,
                        proficiency_gain: m.proficiency_gain,
                        discipline_gain: m.discipline_gain,
                    })
                    .collect(),
                abuse: s.abuse.clone(),
                violence: s.violence.clone(),
                justice: s.justice.clone(),
                policy: s.policy.clone(),
                legitimacy: s.legitimacy.clone(),
                deterrence: DeterrenceParams::new(&s.abuse, &s.policy),
                presence: s.recruitment.presence,
                settlement_cells: disc_cells(s.violence.settlement_radius),
                disarm_community: (disarm.target == DisarmTarget::Civilians)
                    .then(|| idx(&disarm.community)),
                n_regions: s
                    .world
                    .regions
                    .as_ref()
                    .map(|r| r.legend.len())
                    .unwrap_or(1),
                has_regions: s.world.regions.is_some(),
                community_layer: community_layer
                    .iter()
                    .map(|l| l.expect("every community has a layer in the conflict model"))
                    .collect(),
            }
        });
        let extra_layers = next - layer::FIXED;
        let occupied = 1u64 << layer::OCCUPIED;
        let unit_mask = s
            .forces
            .values()
            .enumerate()
            .map(|(f, spec)| {
                let mut m = occupied;
                if matches!(spec.role, Role::Policing | Role::Counterinsurgency) {
                    m |= 1 << layer::COPS;
                }
                if let Some(c) = &conflict {
                    m |= 1 << c.force_layer[f];
                }
                m
            })
            .collect();
        let fighter_mask = match &conflict {
            Some(c) => c.group_layer.iter().map(|&l| occupied | 1 << l).collect(),
            None => Vec::new(),
        };
        let layers = LayerMap {
            unit_mask,
            fighter_mask,
            community_layer,
            jailed_occupy: rules.jailed == crate::rules::JailedCell::Occupy,
        };
        let params = Params {
            arrest: ArrestTable::new(rules.ratio, s.activation.k, person_shape.cells()),
            person_shape,
            person_moves: s.population.movement,
            unit_shape: s
                .forces
                .values()
                .map(|f| Shape::new(rules.vision, f.vision, rules.include_center))
                .collect(),
            unit_moves: s.forces.values().map(|f| f.movement).collect(),
            unit_target,
            threshold: s.activation.threshold,
            max_jail: s.policing.max_jail_term * s.policy.jail_severity,
            kill_layers,
            birth_rate: s.demography.birth_rate,
            max_age: s.demography.max_age,
            moore: Shape::moore(),
            near: Shape::new(crate::rules::VisionShape::Square, 2.0, false),
            extra_layers,
        };
        (params, layers, conflict)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::testing::tiny;

    #[test]
    fn the_three_severities_set_three_different_terms() {
        // civilians' jail terms, soldiers' sentences and captured fighters' detention each
        // follow their own key
        let (p, cp, _) = tiny(
            "[policing]\nmax_jail_term = 30\n\
             [policy]\njail_severity = 0.5\nsentence_severity = 0.2\ndetention_severity = 0.7\n",
        );
        assert_eq!(p.max_jail, 15.0, "jail terms: 30 x 0.5");
        assert_eq!(cp.policy.sentence_severity, 0.2);
        assert_eq!(cp.policy.detention_severity, 0.7);
        let (full, _, _) = tiny("[policing]\nmax_jail_term = 30\n[policy]\nsentence_severity = 0.2\n");
        assert_eq!(full.max_jail, 30.0, "the sentences' severity leaves jail terms alone");
    }

    #[test]
    fn arming_arms_only_its_targets_and_its_effect_saturates() {
        let (_, cp, _) = tiny(
            "[groups.dozo]\nkind = \"militia\"\narms = 0.35\nvision = 2\nstate_backed = true\n\
             [groups.gatia]\nkind = \"pro_government\"\narms = 0.6\nvision = 2\nstate_backed = true\n\
             [policy]\nmilitia_arming = 0.3\narming_targets = [\"dozo\"]\n\
             [violence]\narms_saturation = 0.5\n",
        );
        assert!((cp.arms(1, 1.0) - 0.65).abs() < 1e-12, "dozo: 0.35 + 0.3");
        assert_eq!(
            cp.arms(2, 1.0),
            0.6,
            "gatia is state-backed but not a target"
        );
        assert_eq!(cp.arms(0, 1.0), 1.0, "jnim keeps its own");
        assert!(
            (cp.arms(1, 0.5) - 0.325).abs() < 1e-12,
            "disarmament takes its share"
        );
        // m(a) = a (1 + h) / (a + h): m(0) = 0, m(1) = 1, concave
        let m = |a: f64| a * 1.5 / (a + 0.5);
        assert!((cp.arms_effect(1, 1.0) - m(0.65)).abs() < 1e-12);
        assert_eq!(cp.arms_effect(0, 1.0), 1.0);
        assert!(
            m(0.3) - m(0.0) > m(0.6) - m(0.3),
            "the first weapons count most"
        );
        assert!((cp.state_share(1) - 0.3 / 0.65).abs() < 1e-12);
        assert_eq!(cp.state_share(2), 0.0);
    }
}
