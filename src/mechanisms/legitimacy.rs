//! Legitimacy and unresolved injustice per community (docs/ODD.md §7.12).
//!
//! With `legitimacy.dynamic` on, at the end of each tick
//!
//! ```text
//! L_c ← clamp(L_c + λ (L0_c − L_c) + ΔL_c, 0, 1)
//! U_c ← U_c (1 − μ) + ΔU_c
//! ```
//!
//! where L0_c is the baseline (`communities.<c>.legitimacy`), λ = `legitimacy.relaxation`,
//! μ = `legitimacy.unresolved_decay`, and ΔL_c, ΔU_c sum the tick's events: abuses against c,
//! killings of c's civilians by non-state actors (the state failed to protect them), cases of
//! abuses against c never investigated or amnestied, convictions
//! ([`crate::mechanisms::violence`], [`crate::mechanisms::justice`]). Grievance then reads
//! G = H (1 − L_c) + ω U_c, ω = `legitimacy.omega` ([`crate::mechanisms::activation`]).
//! With `dynamic` off, L_c is the baseline (Epstein) and U_c stays at its initial value.
//!
//! | symbol | key |
//! |---|---|
//! | dynamic | `legitimacy.dynamic` |
//! | λ | `legitimacy.relaxation` |
//! | abuse | `legitimacy.abuse` (per victim) |
//! | amnesty | `legitimacy.amnesty` (per amnestied case) |
//! | uninvestigated | `legitimacy.uninvestigated` (per case) |
//! | failure to protect | `legitimacy.failure_to_protect` (per victim) |
//! | proxy | `legitimacy.proxy` (per victim of a group the state arms, times its share of the arms) |
//! | conviction | `legitimacy.conviction` (per conviction) |
//! | rally | `legitimacy.rally` (per victim of jihadists) |
//! | unresolved per case | `legitimacy.unresolved_per_case` |
//! | μ | `legitimacy.unresolved_decay` |
//! | ω | `legitimacy.omega` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use crate::model::{Grievance, LegitimacyEffects};
use crate::scenario::LegitimacySpec;

/// The legitimacy phase: L relaxes to its `baseline` and takes the tick's `effects`, U decays
/// and takes its own (with `dynamic` off, L is the baseline); the effects are then zeroed for
/// the next tick.
pub(crate) fn legitimacy_phase(
    spec: &LegitimacySpec,
    baseline: &[f64],
    legitimacy: &mut [f64],
    unresolved: &mut [f64],
    effects: &mut LegitimacyEffects,
) {
    for c in 0..legitimacy.len() {
        if spec.dynamic {
            let l = legitimacy[c];
            legitimacy[c] =
                (l + spec.relaxation * (baseline[c] - l) + effects.legitimacy[c]).clamp(0.0, 1.0);
            unresolved[c] =
                (unresolved[c] * (1.0 - spec.unresolved_decay) + effects.unresolved[c]).max(0.0);
        } else {
            legitimacy[c] = baseline[c];
        }
        effects.legitimacy[c] = 0.0;
        effects.unresolved[c] = 0.0;
    }
}

/// Recomputes the grievance terms 1 − L and ω·U per community for the activation rule.
pub(crate) fn refresh_grievance(
    griev: &mut Grievance,
    legitimacy: &[f64],
    unresolved: &[f64],
    omega: f64,
) {
    griev.one_minus_l.clear();
    griev.one_minus_l.extend(legitimacy.iter().map(|l| 1.0 - l));
    griev.extra.clear();
    griev.extra.extend(unresolved.iter().map(|u| omega * u));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> LegitimacySpec {
        LegitimacySpec {
            dynamic: true,
            relaxation: 0.1,
            unresolved_decay: 0.5,
            ..Default::default()
        }
    }

    #[test]
    fn relaxes_toward_the_baseline_and_takes_the_ticks_effects() {
        let mut l = vec![0.5, 0.9];
        let mut u = vec![2.0, 0.0];
        let mut fx = LegitimacyEffects {
            legitimacy: vec![-0.02, 0.0],
            unresolved: vec![1.0, 0.25],
        };
        legitimacy_phase(&spec(), &[0.8, 0.8], &mut l, &mut u, &mut fx);
        // 0.5 + 0.1 (0.8 − 0.5) − 0.02 = 0.51; 0.9 + 0.1 (0.8 − 0.9) = 0.89
        assert!((l[0] - 0.51).abs() < 1e-12 && (l[1] - 0.89).abs() < 1e-12);
        // U: 2 · 0.5 + 1 = 2; 0 + 0.25
        assert_eq!(u, [2.0, 0.25]);
        assert_eq!(fx, LegitimacyEffects::new(2), "effects are used up");
    }

    #[test]
    fn stays_within_zero_and_one() {
        let mut l = vec![0.05, 0.95];
        let mut u = vec![0.0, 0.0];
        let mut fx = LegitimacyEffects {
            legitimacy: vec![-1.0, 1.0],
            unresolved: vec![0.0, 0.0],
        };
        legitimacy_phase(&spec(), &[0.5, 0.5], &mut l, &mut u, &mut fx);
        assert_eq!(l, [0.0, 1.0]);
    }

    #[test]
    fn without_dynamics_legitimacy_is_the_baseline() {
        let mut l = vec![0.3];
        let mut u = vec![0.0];
        let mut fx = LegitimacyEffects {
            legitimacy: vec![-0.2],
            unresolved: vec![1.0],
        };
        let fixed = LegitimacySpec::default();
        assert!(!fixed.dynamic);
        legitimacy_phase(&fixed, &[0.7], &mut l, &mut u, &mut fx);
        assert_eq!((l[0], u[0]), (0.7, 0.0));
        assert_eq!(fx, LegitimacyEffects::new(1));
    }

    #[test]
    fn grievance_terms() {
        let mut g = Grievance::default();
        refresh_grievance(&mut g, &[0.8, 0.25], &[0.0, 2.0], 0.1);
        assert_eq!(g.one_minus_l, [1.0 - 0.8, 0.75]);
        assert_eq!(g.extra, [0.0, 0.2]);
    }
}
