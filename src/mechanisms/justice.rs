//! The justice pipeline (docs/ODD.md §7.11).
//!
//! Each abuse event opens a case. Three uniform numbers are drawn when it opens and compared
//! with the knobs in force when each decision falls due, so that changing one knob changes
//! only the decisions it governs:
//!
//! 1. **Investigation**, `justice.investigation_delay` ticks later: investigated with
//!    probability 1 − `policy.impunity`; otherwise *never investigated*.
//! 2. **Verdict**, `justice.trial_delay` ticks after the investigation starts: convicted with
//!    probability `policy.conviction`, otherwise *acquitted*. A conviction carries a sentence
//!    of `justice.max_sentence × policy.sentence_severity` ticks.
//! 3. **Amnesty**: while `policy.amnesty.in_force`, every open case (pending, under
//!    investigation, or serving its sentence) within the law's scope (probability
//!    `policy.amnesty.scope`) and outside its excluded categories (events with at least
//!    `justice.excluded_min_victims` victims, in people: crimes against humanity, war crimes)
//!    is *amnestied*: the law ends the prosecution, or the sentence, at once. A case that
//!    would never have been investigated is amnestied too if it is still open when the law
//!    applies: the victims see the law, not the inaction, close it.
//!
//! Every outcome is recorded in the case ([`crate::model::Case`]) and as an event, and feeds
//! back:
//!
//! | outcome | legitimacy of the victims' community | unresolved injustice | what the force learns |
//! |---|---|---|---|
//! | investigation opened | — | — | punishment 1 |
//! | never investigated | − `legitimacy.uninvestigated` | + `legitimacy.unresolved_per_case` | punishment 0 |
//! | acquitted | — | + `legitimacy.unresolved_per_case` | punishment 0 |
//! | convicted | + `legitimacy.conviction` | — | punishment min(1, sentence severity) |
//! | amnestied | − `legitimacy.amnesty` | + `legitimacy.unresolved_per_case` | punishment 0 |
//!
//! Expected punishment E moves toward each outcome: E ← E + η (outcome − E), η =
//! `abuse.learning_rate`. Every state-side force learns from every state-side force's case
//! (soldiers hear what happens to other units); a pro-government group learns from its own.
//! Armed-group members in jail are released early with probability
//! `policy.amnesty.early_release` per tick while the law is in force, and rejoin their group.
//!
//! | symbol | key |
//! |---|---|
//! | impunity | `policy.impunity` |
//! | conviction | `policy.conviction` |
//! | sentence severity | `policy.sentence_severity` |
//! | amnesty in force | `policy.amnesty.in_force` |
//! | amnesty scope | `policy.amnesty.scope` |
//! | early release | `policy.amnesty.early_release` |
//! | delays | `justice.investigation_delay`, `justice.trial_delay` |
//! | excluded | `justice.excluded_min_victims` |
//! | longest sentence | `justice.max_sentence` |
//! | η | `abuse.learning_rate` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use crate::events::{Event, Perpetrator, SubEventType};
use crate::model::{
    Agents, Case, ConflictCounters, ExpectedPunishment, Fate, LegitimacyEffects, NO_GROUP, Status,
};
use crate::rng::Rng;
use crate::rules::Rules;
use crate::scenario::{AmnestySpec, JusticeSpec, LegitimacySpec, PolicySpec};
use crate::world::Shape;
use rand::RngExt;

/// What the justice pipeline reads: the knobs of justice and policy, the effects of outcomes
/// on legitimacy, how fast forces learn, and who learns from whom.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JusticeParams<'a> {
    /// Impunity, conviction, sentence severity, the amnesty law.
    pub policy: &'a PolicySpec,
    /// Delays, longest sentence, excluded categories.
    pub justice: &'a JusticeSpec,
    /// The effects of outcomes on L and U.
    pub legitimacy: &'a LegitimacySpec,
    /// η: how far expected punishment moves toward each outcome.
    pub learning_rate: f64,
    /// Per force: whether it is on the state's side (state-side forces learn from every
    /// state-side case).
    pub state_side: &'a [bool],
    /// People per agent (the excluded categories count people).
    pub people_per_agent: f64,
    /// Whether the scenario has regions (events then name the case's).
    pub has_regions: bool,
}

/// Opens a case for an abuse event of `victims` agents of `community` by `by` in `region`:
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
    let excluded = victims as f64 * jp.people_per_agent >= jp.justice.excluded_min_victims as f64;
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

/// The justice phase: moves every open case whose next step falls on `tick` (or that the
/// amnesty law closes), adds the outcome's effects on legitimacy and unresolved injustice,
/// teaches the perpetrators, counts and records it. Draws nothing: the case's uniforms
/// decide.
#[allow(clippy::too_many_arguments)]
pub(crate) fn justice_phase(
    tick: u32,
    jp: &JusticeParams,
    cases: &mut [Case],
    learned: &mut ExpectedPunishment,
    effects: &mut LegitimacyEffects,
    counters: &mut ConflictCounters,
    events: &mut Vec<Event>,
) {
    let (policy, justice, lp, eta) = (jp.policy, jp.justice, jp.legitimacy, jp.learning_rate);
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
                if case.u_investigate >= policy.impunity {
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
        // the event, and the outcome for learning (None: no lesson at this step)
        let (sub, lesson) = match case.fate {
            // being investigated is itself a sanction in a unit's eyes (suspension, arrest
            // of suspects, scrutiny): what forces see first is whether abuse draws an
            // investigation at all
            Fate::Investigating => (SubEventType::InvestigationOpened, Some(1.0)),
            Fate::NeverInvestigated => {
                effects.legitimacy[c] -= lp.uninvestigated;
                effects.unresolved[c] += lp.unresolved_per_case;
                (SubEventType::NeverInvestigated, Some(0.0))
            }
            Fate::Acquitted => {
                effects.unresolved[c] += lp.unresolved_per_case;
                (SubEventType::Acquitted, Some(0.0))
            }
            Fate::Serving => {
                counters.convictions += 1;
                effects.legitimacy[c] += lp.conviction;
                (
                    SubEventType::Convicted,
                    Some(policy.sentence_severity.min(1.0)),
                )
            }
            Fate::Amnestied => {
                counters.amnesties += 1;
                effects.legitimacy[c] -= lp.amnesty;
                effects.unresolved[c] += lp.unresolved_per_case;
                (SubEventType::Amnestied, Some(0.0))
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
        if let Some(outcome) = lesson {
            learn(learned, case.perpetrator, outcome, eta, jp.state_side);
        }
    }
}

/// E ← E + η (outcome − E) for those who learn from a case against `by`: every state-side
/// force for a force's case (soldiers hear what happens to other units' cases), the group
/// itself for a group's.
fn learn(
    learned: &mut ExpectedPunishment,
    by: Perpetrator,
    outcome: f64,
    eta: f64,
    state_side: &[bool],
) {
    match by {
        Perpetrator::Force(_) => {
            for (e, state) in learned.force.iter_mut().zip(state_side) {
                if *state {
                    *e += eta * (outcome - *e);
                }
            }
        }
        Perpetrator::Group(g) => {
            let e = &mut learned.group[g as usize];
            *e += eta * (outcome - *e);
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
