//! Militia arming and disarmament (docs/ODD.md §7.16).
//!
//! Arming: the arms level of a group listed in `policy.arming_targets` is its own
//! `groups.<g>.arms` plus `policy.militia_arming`, capped at 1 (no other group is armed by
//! it); through the saturating arms effect m(a) = a·(1 + h)/(a + h) it raises its raids' toll
//! ([`crate::mechanisms::violence`]), its fighters' effectiveness in battle and the pull of
//! its presence on people seeking protection ([`crate::mechanisms::recruitment`]).
//!
//! Disarmament (`policy.disarmament`): each tick, a campaign takes a share of what is left:
//!
//! * `target = "militias"`: of every militia's and pro-government group's arms, the share
//!   `rate × enforcement × contact`, contact the mean over the group's fighters (people) of
//!   min(1, S/φ), S the state's soldiers in a fighter's sight and φ = `recruitment.presence`:
//!   a campaign acts where units meet fighters, and a vow units do not enforce is a low
//!   `enforcement`;
//! * `target = "group"`, `group = "dozo"`: of one group's arms, likewise;
//! * `target = "civilians"`, `community = "peul"`: each armed household of one community loses
//!   its arms with probability `rate`: one-sided disarmament, which leaves that community's
//!   civilians exposed to attack ([`crate::mechanisms::violence`]'s household defence).
//!
//! `events.csv` gets one `disarmament` event when a campaign reaches a group, and one per tick
//! in which civilians lose arms (its `fatalities` column is 0).
//!
//! | symbol | key |
//! |---|---|
//! | arming | `policy.militia_arming` |
//! | target | `policy.disarmament.target` |
//! | rate | `policy.disarmament.rate` |
//! | enforcement | `policy.disarmament.enforcement` |
//! | household arms | `communities.<c>.household_arms` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use crate::events::Event;
use crate::model::{ARMED, GroupParams, Person};
use crate::rng::Rng;
use crate::scenario::{DisarmTarget, DisarmamentSpec};
use rand::RngExt;

/// One tick of the disarmament campaign `d`, if any: the groups it targets lose the share
/// `rate × enforcement × contact[g]` of their arms (`disarm_factor`), and, for a one-sided campaign against
/// `community`'s civilians, each of their armed households loses its arms with probability
/// `rate` (policy stream). Records one event when the campaign reaches a group and one per
/// tick in which civilians lose arms.
#[allow(clippy::too_many_arguments)]
pub(crate) fn disarmament(
    tick: u32,
    d: &DisarmamentSpec,
    groups: &[GroupParams],
    community: Option<usize>,
    contact: &[f64],
    disarm_factor: &mut [f64],
    persons: &mut [Person],
    events: &mut Vec<Event>,
    rng: &mut Rng,
) {
    if d.target == DisarmTarget::None || d.rate <= 0.0 {
        return;
    }
    for (g, gp) in groups.iter().enumerate() {
        if !gp.disarmed {
            continue;
        }
        let share = d.rate * d.enforcement * contact.get(g).copied().unwrap_or(0.0);
        if share <= 0.0 {
            continue;
        }
        // one event when the campaign reaches a group, not one a day
        let starts = disarm_factor[g] == 1.0;
        disarm_factor[g] *= 1.0 - share;
        if starts {
            events.push(Event::group_disarmed(tick, g as u8));
        }
    }
    if let Some(c) = community {
        let mut taken = 0;
        for p in persons.iter_mut() {
            if p.community as usize == c && p.flags & ARMED != 0 && rng.random::<f64>() < d.rate {
                p.flags &= !ARMED;
                taken += 1;
            }
        }
        if taken > 0 {
            events.push(Event::civilians_disarmed(tick, c as u8));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::SubEventType;
    use crate::model::Status;
    use crate::model::testing::{place_person, tiny};
    use crate::rng::{Stream, stream_rng};

    #[test]
    fn a_campaign_takes_its_share_and_is_recorded_once_per_group() {
        let (_, cp, _) =
            tiny("[policy.disarmament]\ntarget = \"group\"\ngroup = \"jnim\"\nrate = 0.25\n");
        let mut factor = [1.0];
        let mut events = Vec::new();
        let mut rng = stream_rng(1, 0, Stream::Policy);
        let d = &cp.policy.disarmament;
        // half the group's fighters meet state units
        for tick in 1..=2 {
            let contact = [0.5];
            disarmament(
                tick,
                d,
                &cp.groups,
                None,
                &contact,
                &mut factor,
                &mut [],
                &mut events,
                &mut rng,
            );
        }
        assert_eq!(factor, [0.875 * 0.875]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].sub_event_type, SubEventType::MilitiaDisarmed);
    }

    #[test]
    fn an_unenforced_campaign_or_one_out_of_contact_takes_nothing() {
        let (_, mut cp, _) =
            tiny("[policy.disarmament]\ntarget = \"group\"\ngroup = \"jnim\"\nrate = 0.25\n");
        let mut rng = stream_rng(1, 0, Stream::Policy);
        let mut events = Vec::new();
        for (enforcement, contact) in [(0.0, 1.0), (1.0, 0.0)] {
            cp.policy.disarmament.enforcement = enforcement;
            let mut factor = [1.0];
            let d = &cp.policy.disarmament;
            disarmament(
                1,
                d,
                &cp.groups,
                None,
                &[contact],
                &mut factor,
                &mut [],
                &mut events,
                &mut rng,
            );
            assert_eq!(factor, [1.0]);
        }
        assert!(events.is_empty());
    }

    #[test]
    fn one_sided_disarmament_takes_the_households_arms_of_one_community() {
        let (_, cp, mut a) = tiny(
            "[policy.disarmament]\ntarget = \"civilians\"\ncommunity = \"peul\"\nrate = 1.0\n",
        );
        for (c, x) in [(0, 1), (1, 2), (0, 3)] {
            let i = place_person(&mut a, c, Status::Quiescent, x, 1);
            a.persons[i].flags |= ARMED;
        }
        let mut events = Vec::new();
        let mut rng = stream_rng(1, 0, Stream::Policy);
        let (d, c) = (&cp.policy.disarmament, cp.disarm_community);
        let mut factor = [1.0];
        disarmament(
            5,
            d,
            &cp.groups,
            c,
            &[0.0],
            &mut factor,
            &mut a.persons,
            &mut events,
            &mut rng,
        );
        let armed: Vec<bool> = a.persons.iter().map(|p| p.flags & ARMED != 0).collect();
        assert_eq!(armed, [false, true, false]);
        assert_eq!(factor, [1.0], "no group is targeted");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].sub_event_type, SubEventType::CiviliansDisarmed);
    }
}
