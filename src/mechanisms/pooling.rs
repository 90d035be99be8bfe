//! People who decide one by one, agents that change whole (docs/ODD.md §7.8): how the
//! people of an agent who join an armed group, or leave one, become whole agents without the
//! spread of the outcome growing with the people an agent stands for.
//!
//! A decision taken per person (join with probability p) but applied to a whole agent of n
//! people gives the right mean (n·p people a turn) but n times the variance of n persons
//! deciding apart: at one agent per 100 people a year's few dozen recruits to a group come as
//! 0 or 100. Instead, the number of the agent's people who go, k, is drawn from the binomial
//! law B(n, p), as for n persons, and added to a **pool** of people owed to the group (one
//! per group and community); when the pool holds at least n people the agent goes, all of it,
//! and takes n people out of the pool. The people who change are then those of n persons
//! deciding apart, rounded to whole agents, so that the spread is the persons' (plus at most
//! one agent's worth), at any scale. Each pool starts at a whole number drawn uniformly
//! below the people per agent, so that the rounding is unbiased (systematic sampling: an
//! agent whose k people join a uniform pool crosses with probability k/n).
//!
//! At one agent per person (n = 1) the rule is the whole-agent rule, draw for draw: the
//! person goes when its uniform number is below p, and the pool, starting at 0, is crossed by
//! every person who goes.

/// How many of `n` people go, each independently with probability `p`: the binomial law
/// B(n, p) inverted at the uniform number `u` ∈ [0, 1), largest counts for the smallest `u`
/// (k ≥ 1 exactly when `u` < P(K ≥ 1), so that at n = 1 the person goes when `u` < `p`).
///
/// ```text
/// k = max { j : u < P(K ≥ j) }
/// ```
///
/// The sum runs in logs, so it neither underflows for large n nor costs more than a log and
/// an exponential when nobody goes (the usual case: p per tick is small).
pub(crate) fn binomial_by_inversion(n: u32, p: f64, u: f64) -> u32 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    // P(K ≥ 1) = 1 − (1 − p)^n
    let at_least_one = if n == 1 {
        p
    } else {
        -libm::expm1(n as f64 * libm::log1p(-p))
    };
    if u >= at_least_one {
        return 0;
    }
    // survival s_j = P(K ≥ j), s_(j+1) = s_j − P(K = j); ln P(K = j) by recursion
    let odds = libm::log(p) - libm::log1p(-p);
    let mut ln_pmf = n as f64 * libm::log1p(-p); // ln P(K = 0)
    let mut survival = at_least_one;
    let mut k = 0;
    while k < n && u < survival {
        // P(K = k + 1) from P(K = k)
        ln_pmf += libm::log((n - k) as f64 / (k + 1) as f64) + odds;
        k += 1;
        survival -= libm::exp(ln_pmf);
    }
    k
}

/// Adds the `k` people of an agent of `n` who go to `pool`; whether the agent goes, whole
/// (then it takes its `n` out of the pool). At most one agent's worth stays in a pool that
/// started below `n` and has seen only agents of at most `n`.
pub(crate) fn goes_whole(pool: &mut u32, n: u32, k: u32) -> bool {
    *pool += k;
    if *pool >= n && n > 0 {
        *pool -= n;
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream_rng};
    use rand::RngExt;

    #[test]
    fn one_person_goes_when_the_draw_is_below_p() {
        for (p, u, k) in [(0.3, 0.299, 1), (0.3, 0.3, 0), (0.3, 0.9, 0), (0.0, 0.0, 0)] {
            assert_eq!(binomial_by_inversion(1, p, u), k, "p {p}, u {u}");
        }
        assert_eq!(binomial_by_inversion(7, 1.0, 0.5), 7);
        assert_eq!(binomial_by_inversion(0, 0.5, 0.1), 0);
    }

    #[test]
    fn the_inversion_draws_the_binomial_law() {
        // B(20, 0.1) over 200,000 draws: each count's frequency within 5 standard errors of
        // its probability, and the mean within 5 of its own
        let (n, p, draws) = (20u32, 0.1, 200_000);
        let mut rng = stream_rng(3, 0, Stream::Recruitment);
        let mut freq = [0u64; 21];
        for _ in 0..draws {
            freq[binomial_by_inversion(n, p, rng.random::<f64>()) as usize] += 1;
        }
        let mut pmf = (1.0f64 - p).powi(n as i32);
        for (j, &f) in freq.iter().enumerate() {
            let se = (pmf * (1.0 - pmf) / draws as f64).sqrt().max(1e-9);
            let got = f as f64 / draws as f64;
            assert!(
                (got - pmf).abs() < 5.0 * se + 1e-6,
                "P(K = {j}) {got} vs {pmf}"
            );
            pmf *= (n - j as u32) as f64 / (j + 1) as f64 * p / (1.0 - p);
        }
        let mean = freq
            .iter()
            .enumerate()
            .map(|(j, &f)| j as f64 * f as f64)
            .sum::<f64>()
            / draws as f64;
        let se = (n as f64 * p * (1.0 - p) / draws as f64).sqrt();
        assert!((mean - 2.0).abs() < 5.0 * se, "mean {mean}");
        // large n, small p: no underflow, mean n·p
        let mut sum = 0u64;
        for _ in 0..20_000 {
            sum += binomial_by_inversion(60_000, 1e-4, rng.random::<f64>()) as u64;
        }
        let mean = sum as f64 / 20_000.0;
        assert!(
            (mean - 6.0).abs() < 5.0 * (6.0f64 / 20_000.0).sqrt(),
            "mean {mean}"
        );
    }

    #[test]
    fn a_pool_turns_people_into_whole_agents_without_bias_or_extra_spread() {
        // 100 agents of 100 people, each person going with probability 0.002 a turn, for 50
        // turns: 1,000 people expected. Whole agents (each going with probability 0.002)
        // give a spread of sqrt(100 · 100 · 0.002 · 50 · 100) ≈ 316 people; persons give
        // sqrt(1,000) ≈ 32; the pool must give the persons' spread (plus rounding to 100).
        let mut rng = stream_rng(5, 0, Stream::Recruitment);
        let (agents, n, p, turns, runs) = (100u32, 100u32, 0.002, 50, 400);
        let mut totals = Vec::new();
        for _ in 0..runs {
            let mut pool = rng.random_range(0..n);
            let mut gone = vec![false; agents as usize];
            let mut people = 0u32;
            for _ in 0..turns {
                for g in gone.iter_mut().filter(|g| !**g) {
                    let k = binomial_by_inversion(n, p, rng.random::<f64>());
                    if goes_whole(&mut pool, n, k) {
                        *g = true;
                        people += n;
                    }
                }
            }
            totals.push(people as f64);
        }
        let mean = totals.iter().sum::<f64>() / runs as f64;
        let sd =
            (totals.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (runs - 1) as f64).sqrt();
        // fewer people are left to go as agents go: the expectation is a little under 1,000
        let expected = (agents * n) as f64 * (1.0 - (1.0f64 - p).powi(turns));
        assert!(
            (mean - expected).abs() < 5.0 * sd / (runs as f64).sqrt(),
            "mean {mean}"
        );
        assert!(
            sd < 70.0,
            "spread {sd}: the persons' is about 31, whole agents' 300"
        );
        assert!(sd > 15.0, "spread {sd}: the persons' is about 31");
    }
}
