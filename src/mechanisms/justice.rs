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
//! (soldiers hear what happens to other units); a pro-government group learns from its own. Armed-group members in jail are released early with probability
//! `policy.amnesty.early_release` per tick while the law is in force, and rejoin their group.
//!
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | impunity | `policy.impunity` | probability, [0, 1] | 1: nothing is investigated unless the scenario says so |
//! | conviction | `policy.conviction` | probability, [0, 1] | 0 |
//! | sentence severity | `policy.sentence_severity` | share of the longest sentence, [0, 1] | 1 |
//! | amnesty in force | `policy.amnesty.in_force` | bool | false |
//! | amnesty scope | `policy.amnesty.scope` | probability, [0, 1] | 0 |
//! | early release | `policy.amnesty.early_release` | per jailed member per tick, [0, 1] | 0 |
//! | delays | `justice.investigation_delay`, `justice.trial_delay` | ticks | 30, 180: a month to decide, half a year to try |
//! | excluded | `justice.excluded_min_victims` | people | 10 |
//! | longest sentence | `justice.max_sentence` | ticks | 365 |

use crate::events::{Actor, Event, EventType};
use crate::model::{Case, Fate, Model, Perpetrator, Status};
use crate::rng::Stream;
use rand::RngExt;

impl Model {
    /// Opens a case for an abuse event.
    pub(crate) fn open_case(
        &mut self,
        perpetrator: Perpetrator,
        community: u8,
        region: u8,
        victims: u32,
    ) {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let excluded =
            victims as f64 * cp.people_per_agent >= cp.justice.excluded_min_victims as f64;
        let delay = cp.justice.investigation_delay.max(1);
        let tick = self.tick();
        let rng = self.rng.get(Stream::Justice);
        let case = Case {
            opened: tick,
            perpetrator,
            community,
            region,
            victims,
            excluded,
            u_investigate: rng.random(),
            u_convict: rng.random(),
            u_scope: rng.random(),
            next: tick + delay,
            fate: Fate::Pending,
        };
        let inst = self.inst.as_deref_mut().expect("conflict state");
        inst.cases.push(case);
        inst.counters.cases_opened += 1;
    }

    /// Moves every open case whose next step falls on this tick.
    pub(crate) fn justice_phase(&mut self) {
        let tick = self.tick();
        let cp = self.params.conflict.as_deref().expect("conflict");
        let policy = cp.policy.clone();
        let justice = cp.justice.clone();
        let lp = cp.legitimacy.clone();
        let eta = cp.abuse.learning_rate;
        let has_regions = self.scenario().world.regions.is_some();
        let state_side: Vec<bool> = cp
            .forces
            .iter()
            .map(|f| f.side == crate::scenario::Side::State)
            .collect();
        let inst = self.inst.as_deref_mut().expect("conflict state");
        let amnesty =
            |c: &Case| policy.amnesty.in_force && !c.excluded && c.u_scope < policy.amnesty.scope;
        let mut events = Vec::new();
        for case in inst.cases.iter_mut() {
            let before = case.fate;
            let open = matches!(
                case.fate,
                Fate::Pending | Fate::Investigating | Fate::Serving
            );
            if open && amnesty(case) {
                // the law closes every open case within its scope: no investigation, no
                // verdict, the sentence cut short
                case.fate = Fate::Amnestied;
            }
            match case.fate {
                Fate::Pending if case.next <= tick => {
                    if case.u_investigate >= policy.impunity {
                        case.fate = Fate::Investigating;
                        case.next = tick + justice.trial_delay.max(1);
                        inst.counters.cases_investigated += 1;
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
            // outcome for learning: None = no lesson at this step
            let lesson = match case.fate {
                Fate::Investigating => {
                    events.push((*case, EventType::Investigations, "investigation opened"));
                    // being investigated is itself a sanction in a unit's eyes (suspension,
                    // arrest of suspects, scrutiny): what forces see first is whether abuse
                    // draws an investigation at all
                    Some(1.0)
                }
                Fate::NeverInvestigated => {
                    inst.d_legitimacy[c] -= lp.uninvestigated;
                    inst.d_unresolved[c] += lp.unresolved_per_case;
                    events.push((*case, EventType::Investigations, "never investigated"));
                    Some(0.0)
                }
                Fate::Acquitted => {
                    inst.d_unresolved[c] += lp.unresolved_per_case;
                    events.push((*case, EventType::Investigations, "acquitted"));
                    Some(0.0)
                }
                Fate::Serving => {
                    inst.counters.convictions += 1;
                    inst.d_legitimacy[c] += lp.conviction;
                    events.push((*case, EventType::Convictions, "convicted"));
                    Some(policy.sentence_severity.min(1.0))
                }
                Fate::Amnestied => {
                    inst.counters.amnesties += 1;
                    inst.d_legitimacy[c] -= lp.amnesty;
                    inst.d_unresolved[c] += lp.unresolved_per_case;
                    events.push((*case, EventType::Amnesties, "amnestied"));
                    Some(0.0)
                }
                Fate::Punished | Fate::Pending => None,
            };
            if let Some(outcome) = lesson {
                match case.perpetrator {
                    // soldiers hear what happens to other units' cases: every state-side
                    // force learns from every state-side case
                    Perpetrator::Force(_) => {
                        for (e, state) in inst.expected_punishment_force.iter_mut().zip(&state_side)
                        {
                            if *state {
                                *e += eta * (outcome - *e);
                            }
                        }
                    }
                    Perpetrator::Group(g) => {
                        let e = &mut inst.expected_punishment_group[g as usize];
                        *e += eta * (outcome - *e);
                    }
                }
            }
        }
        for (case, event_type, sub) in events {
            let actor = match case.perpetrator {
                Perpetrator::Force(f) => Actor::Force(f),
                Perpetrator::Group(g) => Actor::Group(g),
            };
            inst.events.push(Event {
                tick,
                region: has_regions.then_some(case.region),
                x: 0,
                y: 0,
                event_type,
                sub_event_type: sub,
                actor1: Actor::Justice,
                actor2: actor,
                victim_community: Some(case.community),
                fatalities: 0,
            });
        }
    }

    /// While the amnesty law is in force, jailed armed-group members may be released early.
    pub(crate) fn early_release(&mut self) {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let a = &cp.policy.amnesty;
        if !a.in_force || a.early_release <= 0.0 {
            return;
        }
        let rate = a.early_release;
        for i in 0..self.persons.len() {
            let p = self.persons[i];
            if p.status == Status::Jailed && p.group != crate::model::NO_GROUP {
                if self.rng.get(Stream::Justice).random::<f64>() < rate {
                    self.release(i);
                }
            }
        }
    }
}
