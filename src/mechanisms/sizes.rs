//! Sizes in people drawn per event (docs/ODD.md §7.13, §7.14): the band that raids or
//! fights, and the settlement a raid strikes. Both are properties of the groups and of the
//! place, not of how many people an agent stands for, so that tolls do not depend on the
//! scale.
//!
//! | symbol | key |
//! |---|---|
//! | M_g | `groups.<g>.band` |
//! | σ | `violence.band_spread` |
//! | σ_S | `violence.settlement_spread` |

use crate::rng::Rng;
use rand_distr::{Distribution, StandardNormal};

/// A raided settlement's people: round(S_0 · e^(σ_S·Z − σ_S²/2)), Z standard normal (drawn
/// only when σ_S > 0), so that sizes spread log-normally around the local density's S_0
/// with the same mean before the bounds; at least 1, at most the people in sight, `seen`,
/// which must be at least 1. The bounds move the mean where S_0 is near 1 (sparse places:
/// up) or near `seen` (a vision not much wider than the settlement: down).
pub(crate) fn settlement(local: f64, spread: f64, seen: u64, rng: &mut Rng) -> u64 {
    let size = if spread > 0.0 {
        let z: f64 = StandardNormal.sample(rng);
        local * libm::exp(spread * z - 0.5 * spread * spread)
    } else {
        local
    };
    (size.round() as u64).clamp(1, seen)
}

/// A band's size in people: max(1, round(median · e^(σ·Z))), Z standard normal (drawn only
/// when σ > 0), at most `cap` (the people the group or the state has): what raids and battle
/// sides are made of, whatever the number of people an agent stands for.
pub(crate) fn band(median: f64, spread: f64, cap: f64, rng: &mut Rng) -> f64 {
    let size = if spread > 0.0 {
        let z: f64 = StandardNormal.sample(rng);
        median * libm::exp(spread * z)
    } else {
        median
    };
    size.round().min(cap).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;
    use rand::RngExt;

    #[test]
    fn settlements_spread_around_the_local_size_with_its_mean_and_stay_within_sight() {
        let mut rng = crate::rng::stream_rng(5, 0, Stream::Violence);
        let mut fresh = crate::rng::stream_rng(5, 0, Stream::Violence);
        assert_eq!(settlement(14.4, 0.0, 1000, &mut rng), 14);
        assert_eq!(
            settlement(14.4, 0.0, 9, &mut rng),
            9,
            "at most the people in sight"
        );
        assert_eq!(settlement(0.2, 0.0, 9, &mut rng), 1, "at least one");
        assert_eq!(
            rng.random::<u64>(),
            fresh.random::<u64>(),
            "no draw without a spread"
        );
        // σ_S = 1 around S_0 = 50: mean 50 (s.d. of the mean of 20,000 draws about 0.5),
        // median 50·e^(−1/2) ≈ 30, one in twenty above 50·e^(1.645 − 1/2) ≈ 157
        let mut draws: Vec<u64> = (0..20_000)
            .map(|_| settlement(50.0, 1.0, 1_000_000, &mut rng))
            .collect();
        let mean = draws.iter().sum::<u64>() as f64 / draws.len() as f64;
        assert!((48.0..=52.0).contains(&mean), "mean {mean}");
        draws.sort_unstable();
        let (median, p95) = (draws[10_000], draws[19_000]);
        assert!((28..=33).contains(&median), "median {median}");
        assert!((145..=170).contains(&p95), "95th percentile {p95}");
        // and never more than the people in sight
        assert!((0..1000).all(|_| settlement(50.0, 1.0, 60, &mut rng) <= 60));
    }

    #[test]
    fn bands_follow_their_median_and_spread_and_never_exceed_the_group() {
        let mut rng = crate::rng::stream_rng(3, 0, Stream::Violence);
        assert_eq!(band(20.0, 0.0, 1000.0, &mut rng), 20.0);
        assert_eq!(
            band(20.0, 0.0, 7.0, &mut rng),
            7.0,
            "at most the group's fighters"
        );
        assert_eq!(band(20.0, 0.0, 0.0, &mut rng), 1.0, "at least one");
        // σ = 0.7: the median stays 20, one band in twenty exceeds 20·e^(0.7·1.645) ≈ 63
        let mut draws: Vec<f64> = (0..4000).map(|_| band(20.0, 0.7, 1e6, &mut rng)).collect();
        draws.sort_by(f64::total_cmp);
        let median = draws[2000];
        let p95 = draws[3800];
        assert!((18.0..=22.0).contains(&median), "median {median}");
        assert!((55.0..=72.0).contains(&p95), "95th percentile {p95}");
    }
}
