//! Deterrence (docs/ODD.md §7.11): the sanction forces and armed groups expect for killing
//! civilians, learned from what they see happen to cases.
//!
//! The state's forces pool what they see of every case against state forces (soldiers hear
//! what happens to other units), and each armed group the state does not fight learns from its
//! own cases. A pool keeps discounted counts ([`Lessons`]) of two kinds of outcome:
//!
//! * a case's investigation decision: investigated, or not (never investigated, or amnestied
//!   before the decision);
//! * an investigated case's verdict: a conviction that stuck, or none (acquitted, amnestied
//!   before the verdict, or amnestied while serving: an amnesty after a conviction turns that
//!   conviction into none).
//!
//! From them, with Jeffreys' half-counts, P(investigated) = (i + ½) / (i + n + 1) and
//! P(convicted | investigated) = (c + ½) / (c + m + 1), and the expected sanction is
//!
//! ```text
//! E = P(investigated) · (w + (1 − w) · P(convicted | investigated) · s)
//! ```
//!
//! with s = `policy.sentence_severity` (the share of the longest sentence a conviction
//! carries) and w = `abuse.investigation_weight`, the assumption that an investigation alone
//! deters (0: only convictions do). Certainty and severity enter as a product, so short
//! sentences weaken what prosecution can deter; criminology finds certainty the stronger
//! lever (Nagin 2013), which w and a sensitivity analysis over s can express.
//!
//! Forces start from a prior: `abuse.prior_cases` cases, a share `abuse.prior_investigated`
//! investigated and a share `abuse.prior_convicted` of those convicted (in central Mali,
//! nobody was prosecuted for the 2012 and 2013 killings). Every count, the prior's included,
//! is multiplied each tick by 2^(−1/`abuse.memory`), so a lesson's weight halves every
//! `memory` ticks (`inf`: never). Nothing here is a learning rate: a pool's expectation is
//! what the cases it has seen say, weighed by how long ago it saw them.
//!
//! | symbol | key |
//! |---|---|
//! | prior | `abuse.prior_cases`, `abuse.prior_investigated`, `abuse.prior_convicted` |
//! | memory | `abuse.memory` |
//! | w | `abuse.investigation_weight` |
//! | s | `policy.sentence_severity` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use crate::model::Lessons;
use crate::scenario::{AbuseSpec, PolicySpec};

/// How forces learn and weigh what they see.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct DeterrenceParams {
    /// Prior cases.
    pub prior_cases: f64,
    /// Share of the prior cases investigated.
    pub prior_investigated: f64,
    /// Share of the prior investigated cases convicted.
    pub prior_convicted: f64,
    /// What a count keeps each tick: 2^(−1/memory).
    pub keep: f64,
    /// w.
    pub investigation_weight: f64,
    /// s.
    pub severity: f64,
}

impl DeterrenceParams {
    /// From the scenario's `abuse` and `policy` sections.
    pub fn new(abuse: &AbuseSpec, policy: &PolicySpec) -> DeterrenceParams {
        DeterrenceParams {
            prior_cases: abuse.prior_cases,
            prior_investigated: abuse.prior_investigated,
            prior_convicted: abuse.prior_convicted,
            keep: libm::exp2(-1.0 / abuse.memory),
            investigation_weight: abuse.investigation_weight,
            severity: policy.sentence_severity,
        }
    }
}

/// What a pool learns from one step of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lesson {
    /// The case is investigated.
    Investigated,
    /// The case will never be investigated (or the amnesty closed it before the decision).
    NotInvestigated,
    /// The investigated case ends in a conviction.
    Convicted,
    /// The investigated case ends without one (acquitted, or amnestied before the verdict).
    NotConvicted,
    /// The amnesty ends a sentence being served: the conviction did not stick.
    ConvictionUndone,
}

impl Lessons {
    /// The prior of `p`: what forces know of cases before the run.
    pub fn prior(p: &DeterrenceParams) -> Lessons {
        let n = p.prior_cases;
        let investigated = n * p.prior_investigated;
        Lessons {
            investigated,
            not_investigated: n - investigated,
            convicted: investigated * p.prior_convicted,
            not_convicted: investigated * (1.0 - p.prior_convicted),
        }
    }

    /// P(investigated), with Jeffreys' half-counts.
    pub fn p_investigated(&self) -> f64 {
        (self.investigated + 0.5) / (self.investigated + self.not_investigated + 1.0)
    }

    /// P(convicted | investigated), with Jeffreys' half-counts.
    pub fn p_convicted(&self) -> f64 {
        (self.convicted + 0.5) / (self.convicted + self.not_convicted + 1.0)
    }

    /// E, the sanction expected: P(investigated) · (w + (1 − w) · P(convicted |
    /// investigated) · s), in [0, 1].
    pub fn sanction(&self, p: &DeterrenceParams) -> f64 {
        let w = p.investigation_weight;
        (self.p_investigated() * (w + (1.0 - w) * self.p_convicted() * p.severity)).clamp(0.0, 1.0)
    }

    /// One tick passes: every count keeps the share `keep`.
    pub fn forget(&mut self, keep: f64) {
        if keep < 1.0 {
            self.investigated *= keep;
            self.not_investigated *= keep;
            self.convicted *= keep;
            self.not_convicted *= keep;
        }
    }

    /// Adds what one step of a case teaches.
    pub fn learn(&mut self, lesson: Lesson) {
        match lesson {
            Lesson::Investigated => self.investigated += 1.0,
            Lesson::NotInvestigated => self.not_investigated += 1.0,
            Lesson::Convicted => self.convicted += 1.0,
            Lesson::NotConvicted => self.not_convicted += 1.0,
            Lesson::ConvictionUndone => {
                self.convicted = (self.convicted - 1.0).max(0.0);
                self.not_convicted += 1.0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(prior_cases: f64, w: f64, s: f64) -> DeterrenceParams {
        DeterrenceParams {
            prior_cases,
            prior_investigated: 0.0,
            prior_convicted: 0.0,
            keep: 1.0,
            investigation_weight: w,
            severity: s,
        }
    }

    #[test]
    fn without_a_prior_both_chances_start_at_one_half() {
        let p = params(0.0, 0.0, 1.0);
        let l = Lessons::prior(&p);
        assert_eq!((l.p_investigated(), l.p_convicted()), (0.5, 0.5));
        assert_eq!(l.sanction(&p), 0.25);
    }

    #[test]
    fn a_record_of_impunity_makes_the_sanction_small_and_cases_teach_it_otherwise() {
        let p = params(30.0, 0.0, 1.0);
        let mut l = Lessons::prior(&p);
        let start = l.sanction(&p);
        assert!(start < 0.01, "{start}");
        for _ in 0..30 {
            l.learn(Lesson::Investigated);
            l.learn(Lesson::Convicted);
        }
        // 30 investigated of 60; 30 of 30 convicted
        assert!((l.p_investigated() - 30.5 / 61.0).abs() < 1e-12);
        assert!(l.sanction(&p) > 0.45);
    }

    #[test]
    fn severity_scales_convictions_and_an_investigation_deters_only_by_its_weight() {
        let mut l = Lessons::prior(&params(0.0, 0.0, 1.0));
        for _ in 0..10 {
            l.learn(Lesson::Investigated);
        }
        // no verdict yet: P(convicted) = 1/2
        let short = params(0.0, 0.0, 0.2);
        assert!((l.sanction(&short) - l.p_investigated() * 0.5 * 0.2).abs() < 1e-12);
        let weighty = params(0.0, 1.0, 0.2);
        assert!((l.sanction(&weighty) - l.p_investigated()).abs() < 1e-12);
    }

    #[test]
    fn an_amnesty_after_a_conviction_undoes_it_and_lessons_fade() {
        let mut l = Lessons::prior(&params(0.0, 0.0, 1.0));
        l.learn(Lesson::Convicted);
        l.learn(Lesson::ConvictionUndone);
        assert_eq!((l.convicted, l.not_convicted), (0.0, 1.0));
        let keep = libm::exp2(-1.0 / 10.0);
        for _ in 0..10 {
            l.forget(keep);
        }
        assert!((l.not_convicted - 0.5).abs() < 1e-12);
    }
}
