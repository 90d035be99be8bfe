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
//! With `dynamic` off, L_c is the baseline (Epstein) and U_c stays 0.
//!
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | dynamic | `legitimacy.dynamic` | bool | false: Epstein's fixed legitimacy |
//! | λ | `legitimacy.relaxation` | per tick, [0, 1] | 0 |
//! | abuse | `legitimacy.abuse` | per victim, ≥ 0 | 0 |
//! | amnesty | `legitimacy.amnesty` | per amnestied case, ≥ 0 | 0 |
//! | uninvestigated | `legitimacy.uninvestigated` | per case, ≥ 0 | 0 |
//! | failure to protect | `legitimacy.failure_to_protect` | per victim, ≥ 0 | 0 |
//! | conviction | `legitimacy.conviction` | per conviction, ≥ 0 | 0 |
//! | rally | `legitimacy.rally` | per victim of jihadists, ≥ 0 | 0 |
//! | unresolved per case | `legitimacy.unresolved_per_case` | index units, ≥ 0 | 0 |
//! | μ | `legitimacy.unresolved_decay` | per tick, [0, 1] | 0 |
//! | ω | `legitimacy.omega` | grievance per index unit, ≥ 0 | 0 |

use crate::model::{Institutions, Model, Params};

impl Model {
    /// End of tick: legitimacy relaxes to its baseline and takes the tick's effects.
    pub(crate) fn legitimacy_phase(&mut self) {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let lp = &cp.legitimacy;
        let inst = self.inst.as_deref_mut().expect("conflict state");
        for c in 0..inst.legitimacy.len() {
            if lp.dynamic {
                let l = inst.legitimacy[c];
                inst.legitimacy[c] =
                    (l + lp.relaxation * (cp.baseline[c] - l) + inst.d_legitimacy[c])
                        .clamp(0.0, 1.0);
                inst.unresolved[c] = (inst.unresolved[c] * (1.0 - lp.unresolved_decay)
                    + inst.d_unresolved[c])
                    .max(0.0);
            } else {
                inst.legitimacy[c] = cp.baseline[c];
            }
            inst.d_legitimacy[c] = 0.0;
            inst.d_unresolved[c] = 0.0;
        }
        self.refresh_grievance();
    }

    /// Recomputes 1 − L and ω·U per community for the activation rule.
    pub(crate) fn refresh_grievance(&mut self) {
        match (self.params.conflict.as_deref(), self.inst.as_deref()) {
            (Some(cp), Some(inst)) => {
                let n = inst.legitimacy.len();
                self.griev.one_minus_l.resize(n, 0.0);
                self.griev.extra.resize(n, 0.0);
                for c in 0..n {
                    self.griev.one_minus_l[c] = 1.0 - inst.legitimacy[c];
                    self.griev.extra[c] = cp.legitimacy.omega * inst.unresolved[c];
                }
            }
            _ => {
                let s = &self.scenario().communities;
                let one_minus_l = s.values().map(|c| 1.0 - c.legitimacy).collect();
                let n = s.len();
                self.griev.one_minus_l = one_minus_l;
                self.griev.extra = vec![0.0; n];
            }
        }
    }
}

impl Institutions {
    /// The timeline changed a baseline: without dynamics, legitimacy follows it at once.
    pub(crate) fn legitimacy_baseline_changed(&mut self, params: &Params) {
        if let Some(cp) = params.conflict.as_deref() {
            if !cp.legitimacy.dynamic {
                self.legitimacy.clone_from(&cp.baseline);
            }
        }
    }
}
