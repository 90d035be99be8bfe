//! The justice pipeline (docs/ODD.md §7.11).
//!
//! Every event of killings of civilians by state forces (an abuse), and by an armed group the
//! state does not fight (a militia or a pro-government group: the state's proxies), opens a
//! case. Three uniform numbers are drawn when it opens and compared with the knobs in force
//! when each decision falls due, so that changing one knob changes only the decisions it
//! governs:
//!
//! 1. **Investigation**, `justice.investigation_delay` ticks later: investigated with
//!    probability 1 − `policy.impunity` (cases against state forces) or 1 −
//!    `policy.militia_impunity` (cases against armed groups); otherwise *never investigated*.
//! 2. **Verdict**, `justice.trial_delay` ticks after the investigation starts: convicted with
//!    probability `policy.conviction`, otherwise *acquitted*. A conviction carries a sentence
//!    of `justice.max_sentence × policy.sentence_severity` ticks.
//! 3. **Amnesty**: while `policy.amnesty.in_force`, every open case (pending, under
//!    investigation, or serving its sentence) within the law's scope (probability
//!    `policy.amnesty.scope`) and outside its excluded categories (events with at least
//!    `justice.excluded_min_victims` people killed: crimes against humanity, war crimes) is
//!    *amnestied*: the law ends the prosecution, or the sentence, at once. A case that would
//!    never have been investigated is amnestied too if it is still open when the law applies:
//!    the victims see the law, not the inaction, close it.
//!
//! Every outcome is recorded in the case ([`crate::model::Case`]) and as an event, and feeds
//! back:
//!
//! | outcome | legitimacy of the victims' community | unresolved injustice | what the perpetrators learn ([`super::deterrence`]) |
//! |---|---|---|---|
//! | investigation opened | — | — | investigated |
//! | never investigated | − `legitimacy.uninvestigated` | + `legitimacy.unresolved_per_case` | not investigated |
//! | acquitted | — | + `legitimacy.unresolved_per_case` | not convicted |
//! | convicted | + `legitimacy.conviction` | — | convicted |
//! | amnestied | − `legitimacy.amnesty` | + `legitimacy.unresolved_per_case` | not investigated, not convicted, or the conviction undone, by the stage the case had reached |
//!
//! The state's forces learn together from every case against any of them; an armed group
//! from its own. Armed-group members in jail are released early with probability
//! `policy.amnesty.early_release` per tick while the law is in force, and rejoin their group.
//!
//! | symbol | key |
//! |---|---|
//! | impunity | `policy.impunity`, `policy.militia_impunity` |
//! | conviction | `policy.conviction` |
//! | sentence severity | `policy.sentence_severity` |
//! | amnesty in force | `policy.amnesty.in_force` |
//! | amnesty scope | `policy.amnesty.scope` |
//! | early release | `policy.amnesty.early_release` |
//! | delays | `justice.investigation_delay`, `justice.trial_delay` |
//! | excluded | `justice.excluded_min_victims` |
//! | longest sentence | `justice.max_sentence` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use super::deterrence::{DeterrenceParams, Lesson};
use crate::events::{Event, Perpetrator, SubEventType};
use crate::model::{
    Agents, Case, ConflictCounters, Deterrence, Fate, LegitimacyEffects, NO_GROUP, Status,
};
use crate::rng::Rng;
use crate::rules::Rules;
use crate::scenario::{AmnestySpec, JusticeSpec, LegitimacySpec, PolicySpec};
use crate::world::Shape;
use rand::RngExt;

/// What the justice pipeline reads: the knobs of justice and policy, the effects of outcomes
/// on legitimacy, and how perpetrators learn from them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JusticeParams<'a> {
    /// Impunity (of state forces, of militias), conviction, sentence severity, the amnesty
    /// law.
    pub policy: &'a PolicySpec,
    /// Delays, longest sentence, excluded categories.
    pub justice: &'a JusticeSpec,
    /// The effects of outcomes on L and U.
    pub legitimacy: &'a LegitimacySpec,
    /// How perpetrators learn from outcomes ([`super::deterrence`]).
    pub deterrence: &'a DeterrenceParams,
    /// Whether the scenario has regions (events then name the case's).
    pub has_regions: bool,
}

/// Opens a case for an event of `victims` people of `community` killed by `by` in `region`:
/// three uniforms from the justice stream fix its decisions in advance.
#[allow(clippy::too_many_arguments)]
pub(crate) fn open_case(
    tick: u32,
    jp: &JusticeParams,
    by: Perpetrator,
    community: u8,
    region: u8,
    victims: u32,
    cases: &mut Vec<Case>,
    counters: &mut ConflictCounters,
    rng: &mut Rng,
) {
    let excluded = victims >= jp.justice.excluded_min_victims;
    let delay = jp.justice.investigation_delay.max(1);
    cases.push(Case {
        opened: tick,
        perpetrator: by,
        community,
        region,
        victims,
        excluded,
        u_investigate: rng.random(),
        u_convict: rng.random(),
        u_scope: rng.random(),
        next: tick + delay,
        fate: Fate::Pending,
    });
    counters.cases_opened += 1;
}

/// The chance that a case against `by` is never investigated: `policy.impunity` for state
/// forces, `policy.militia_impunity` for armed groups.
fn impunity(policy: &PolicySpec, by: Perpetrator) -> f64 {
    match by {
        Perpetrator::Force(_) => policy.impunity,
        Perpetrator::Group(_) => policy.militia_impunity,
    }
}

/// The justice phase: lessons fade by a tick; then every open case whose next step falls on
/// `tick` (or that the amnesty law closes) moves on, its outcome adds its effects on
/// legitimacy and unresolved injustice, teaches the perpetrators' pool ([`Deterrence`]), and
/// is counted and recorded. Draws nothing: the case's uniforms decide.
#[allow(clippy::too_many_arguments)]
pub(crate) fn justice_phase(
    tick: u32,
    jp: &JusticeParams,
    cases: &mut [Case],
    learned: &mut Deterrence,
    effects: &mut LegitimacyEffects,
    counters: &mut ConflictCounters,
    events: &mut Vec<Event>,
) {
    let (policy, justice, lp) = (jp.policy, jp.justice, jp.legitimacy);
    let keep = jp.deterrence.keep;
    learned.state.forget(keep);
    learned.groups.iter_mut().for_each(|l| l.forget(keep));
    let amnesty =
        |c: &Case| policy.amnesty.in_force && !c.excluded && c.u_scope < policy.amnesty.scope;
    for case in cases.iter_mut() {
        let before = case.fate;
        if case.fate.open() && amnesty(case) {
            // the law closes every open case within its scope: no investigation, no
            // verdict, the sentence cut short
            case.fate = Fate::Amnestied;
        }
        match case.fate {
            Fate::Pending if case.next <= tick => {
                if case.u_investigate >= impunity(policy, case.perpetrator) {
                    case.fate = Fate::Investigating;
                    case.next = tick + justice.trial_delay.max(1);
                    counters.cases_investigated += 1;
                } else {
                    case.fate = Fate::NeverInvestigated;
                }
            }
            Fate::Investigating if case.next <= tick => {
                if case.u_convict < policy.conviction {
                    case.fate = Fate::Serving;
                    let term =
                        (justice.max_sentence as f64 * policy.sentence_severity).round() as u32;
                    case.next = tick + term.max(1);
                } else {
                    case.fate = Fate::Acquitted;
                }
            }
            Fate::Serving if case.next <= tick => {
                case.fate = Fate::Punished;
            }
            _ => {}
        }
        if case.fate == before {
            continue;
        }
        let c = case.community as usize;
        // the event, and what the perpetrators' pool learns
        let (sub, lesson) = match case.fate {
            Fate::Investigating => (SubEventType::InvestigationOpened, Lesson::Investigated),
            Fate::NeverInvestigated => {
                effects.legitimacy[c] -= lp.uninvestigated;
                effects.unresolved[c] += lp.unresolved_per_case;
                (SubEventType::NeverInvestigated, Lesson::NotInvestigated)
            }
            Fate::Acquitted => {
                effects.unresolved[c] += lp.unresolved_per_case;
                (SubEventType::Acquitted, Lesson::NotConvicted)
            }
            Fate::Serving => {
                counters.convictions += 1;
                effects.legitimacy[c] += lp.conviction;
                (SubEventType::Convicted, Lesson::Convicted)
            }
            Fate::Amnestied => {
                counters.amnesties += 1;
                effects.legitimacy[c] -= lp.amnesty;
                effects.unresolved[c] += lp.unresolved_per_case;
                let lesson = match before {
                    Fate::Pending => Lesson::NotInvestigated,
                    Fate::Investigating => Lesson::NotConvicted,
                    _ => Lesson::ConvictionUndone,
                };
                (SubEventType::Amnestied, lesson)
            }
            Fate::Punished | Fate::Pending => continue,
        };
        events.push(Event::case_step(
            tick,
            jp.has_regions.then_some(case.region),
            sub,
            case.perpetrator,
            case.community,
        ));
        match case.perpetrator {
            Perpetrator::Force(_) => learned.state.learn(lesson),
            Perpetrator::Group(g) => learned.groups[g as usize].learn(lesson),
        }
    }
}

/// The early-release phase: while the amnesty law is in force, each jailed armed-group
/// member is released with probability `early_release` (justice stream) and rejoins its
/// group ([`super::policing::release`], demography stream for its cell).
pub(crate) fn early_release(
    a: &mut Agents,
    amnesty: &AmnestySpec,
    person_shape: &Shape,
    rules: &Rules,
    justice: &mut Rng,
    demography: &mut Rng,
) {
    if !amnesty.in_force || amnesty.early_release <= 0.0 {
        return;
    }
    let rate = amnesty.early_release;
    for i in 0..a.persons.len() {
        let p = a.persons[i];
        if p.status == Status::Jailed && p.group != NO_GROUP && justice.random::<f64>() < rate {
            super::policing::release(a, i, person_shape, rules, demography);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventType;
    use crate::model::Lessons;
    use crate::rng::{Stream, stream_rng};

    /// A pending case against force 0 for abuses of community 1, due at tick 5.
    fn case(u_investigate: f64, u_convict: f64, u_scope: f64) -> Case {
        Case {
            opened: 2,
            perpetrator: Perpetrator::Force(0),
            community: 1,
            region: 0,
            victims: 1,
            excluded: false,
            u_investigate,
            u_convict,
            u_scope,
            next: 5,
            fate: Fate::Pending,
        }
    }

    struct Knobs {
        policy: PolicySpec,
        justice: JusticeSpec,
        legitimacy: LegitimacySpec,
        deterrence: DeterrenceParams,
    }

    impl Knobs {
        fn new(impunity: f64, conviction: f64) -> Knobs {
            let mut policy = PolicySpec::default();
            policy.impunity = impunity;
            policy.conviction = conviction;
            policy.sentence_severity = 1.0;
            let justice = JusticeSpec {
                investigation_delay: 3,
                trial_delay: 4,
                max_sentence: 10,
                excluded_min_victims: 10,
            };
            let legitimacy = LegitimacySpec {
                uninvestigated: 0.01,
                amnesty: 0.05,
                conviction: 0.02,
                unresolved_per_case: 1.0,
                ..Default::default()
            };
            let deterrence = DeterrenceParams {
                prior_cases: 0.0,
                prior_investigated: 0.5,
                prior_convicted: 0.5,
                keep: 1.0,
                investigation_weight: 0.0,
                severity: 1.0,
            };
            Knobs {
                policy,
                justice,
                legitimacy,
                deterrence,
            }
        }

        fn params(&self) -> JusticeParams<'_> {
            JusticeParams {
                policy: &self.policy,
                justice: &self.justice,
                legitimacy: &self.legitimacy,
                deterrence: &self.deterrence,
                has_regions: false,
            }
        }
    }

    struct Out {
        learned: Deterrence,
        effects: LegitimacyEffects,
        counters: ConflictCounters,
        events: Vec<Event>,
    }

    fn out() -> Out {
        Out {
            learned: Deterrence {
                state: Lessons::prior(&Knobs::new(0.0, 0.0).deterrence),
                groups: vec![Lessons::prior(&Knobs::new(0.0, 0.0).deterrence)],
            },
            effects: LegitimacyEffects::new(2),
            counters: ConflictCounters::new(2, 1),
            events: Vec::new(),
        }
    }

    fn step(tick: u32, k: &Knobs, cases: &mut [Case], o: &mut Out) {
        let jp = k.params();
        let (l, e, c, ev) = (
            &mut o.learned,
            &mut o.effects,
            &mut o.counters,
            &mut o.events,
        );
        justice_phase(tick, &jp, cases, l, e, c, ev);
    }

    #[test]
    fn nothing_moves_before_the_case_is_due() {
        let k = Knobs::new(0.0, 1.0);
        let mut cases = [case(0.5, 0.5, 0.5)];
        let mut o = out();
        step(4, &k, &mut cases, &mut o);
        assert_eq!(cases[0].fate, Fate::Pending);
        assert!(o.events.is_empty());
    }

    #[test]
    fn investigated_iff_its_uniform_clears_impunity_then_convicted_and_served() {
        let k = Knobs::new(0.5, 0.6);
        let mut cases = [case(0.7, 0.3, 0.5), case(0.2, 0.3, 0.5)];
        let mut o = out();
        step(5, &k, &mut cases, &mut o);
        assert_eq!(cases[0].fate, Fate::Investigating);
        assert_eq!(cases[0].next, 5 + 4);
        assert_eq!(cases[1].fate, Fate::NeverInvestigated);
        assert_eq!(o.counters.cases_investigated, 1);
        // never investigated: L falls, U rises in the victims' community
        assert_eq!(o.effects.legitimacy, [0.0, -0.01]);
        assert_eq!(o.effects.unresolved, [0.0, 1.0]);
        // lessons of the state's forces: one investigated, one never; groups learn nothing
        assert_eq!(
            (
                o.learned.state.investigated,
                o.learned.state.not_investigated
            ),
            (1.0, 1.0)
        );
        assert_eq!(o.learned.groups[0], Lessons::prior(&k.deterrence));
        let subs: Vec<_> = o.events.iter().map(|e| e.sub_event_type).collect();
        assert_eq!(
            subs,
            [
                SubEventType::InvestigationOpened,
                SubEventType::NeverInvestigated
            ]
        );
        assert!(o.events.iter().all(|e| e.position.is_none()));
        step(9, &k, &mut cases, &mut o);
        assert_eq!(cases[0].fate, Fate::Serving);
        assert_eq!(cases[0].next, 9 + 10);
        assert_eq!(o.counters.convictions, 1);
        assert_eq!(o.events[2].event_type(), EventType::Convictions);
        step(19, &k, &mut cases, &mut o);
        assert_eq!(cases[0].fate, Fate::Punished);
        assert_eq!(o.events.len(), 3, "serving a sentence out is no event");
    }

    #[test]
    fn the_amnesty_closes_open_cases_in_scope_but_not_excluded_ones() {
        let mut k = Knobs::new(0.0, 1.0);
        k.policy.amnesty.in_force = true;
        k.policy.amnesty.scope = 0.5;
        let mut serving = case(0.9, 0.1, 0.2);
        serving.fate = Fate::Serving;
        serving.next = 100;
        let mut excluded = serving;
        excluded.excluded = true;
        let out_of_scope = case(0.9, 0.1, 0.8);
        let mut cases = [serving, excluded, out_of_scope];
        let mut o = out();
        step(5, &k, &mut cases, &mut o);
        assert_eq!(cases[0].fate, Fate::Amnestied);
        assert_eq!(cases[1].fate, Fate::Serving);
        assert_eq!(cases[2].fate, Fate::Investigating);
        assert_eq!(o.counters.amnesties, 1);
        assert_eq!(o.effects.legitimacy[1], -0.05);
        // the amnestied sentence undoes a conviction in forces' eyes
        assert_eq!(o.learned.state.not_convicted, 1.0);
    }

    #[test]
    fn cases_against_armed_groups_follow_militia_impunity() {
        let mut k = Knobs::new(0.0, 1.0);
        k.policy.militia_impunity = 1.0;
        let mut group = case(0.9, 0.1, 0.5);
        group.perpetrator = Perpetrator::Group(0);
        let mut cases = [group, case(0.9, 0.1, 0.5)];
        let mut o = out();
        step(5, &k, &mut cases, &mut o);
        assert_eq!(cases[0].fate, Fate::NeverInvestigated);
        assert_eq!(cases[1].fate, Fate::Investigating);
    }

    #[test]
    fn a_group_learns_from_its_own_cases_only() {
        let mut k = Knobs::new(0.0, 1.0);
        k.policy.militia_impunity = 0.0;
        let mut c = case(0.9, 0.1, 0.5);
        c.perpetrator = Perpetrator::Group(0);
        let mut o = out();
        step(5, &k, &mut [c], &mut o);
        assert_eq!(o.learned.groups[0].investigated, 1.0);
        assert_eq!(o.learned.state, Lessons::prior(&k.deterrence));
    }

    #[test]
    fn opening_a_case_fixes_three_uniforms_and_the_excluded_category() {
        let k = Knobs::new(0.0, 1.0);
        let jp = k.params();
        let mut cases = Vec::new();
        let mut counters = ConflictCounters::new(2, 1);
        let mut rng = stream_rng(1, 0, Stream::Justice);
        let by = Perpetrator::Force(0);
        open_case(7, &jp, by, 1, 0, 12, &mut cases, &mut counters, &mut rng);
        open_case(7, &jp, by, 1, 0, 2, &mut cases, &mut counters, &mut rng);
        assert_eq!(counters.cases_opened, 2);
        assert!(cases[0].excluded && !cases[1].excluded, "10 people or more");
        assert_eq!(cases[0].next, 7 + 3);
        let mut again = stream_rng(1, 0, Stream::Justice);
        let u: f64 = again.random();
        assert_eq!(cases[0].u_investigate, u);
        assert_ne!(cases[0].u_convict, cases[1].u_convict);
    }
}
