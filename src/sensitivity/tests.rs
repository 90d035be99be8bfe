//! The estimators on functions whose indices are known analytically.

use super::sobol::{jansen, saltelli};
use super::*;
use std::f64::consts::PI;

/// Asserts that `truth` lies in `e`'s interval and that the interval is narrower than `width`.
fn holds(what: &str, e: Estimate, truth: f64, width: f64) {
    assert!(
        e.low <= truth && truth <= e.high,
        "{what}: {truth} outside [{}, {}] (estimate {})",
        e.low,
        e.high,
        e.value
    );
    assert!(
        e.high - e.low < width,
        "{what}: interval [{}, {}] wider than {width}",
        e.low,
        e.high
    );
}

/// Ishigami, a = 7, b = 0.1, on [−π, π]³: S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424,
/// 0.2437) (Saltelli et al. 2008, Ishigami and Homma 1990).
#[test]
fn ishigami_indices_within_their_intervals() {
    let (a, b) = (7.0, 0.1);
    let d = saltelli(8192, 3, 42).unwrap();
    let y: Vec<f64> = d
        .iter()
        .map(|u| {
            let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
            x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
        })
        .collect();
    let s = jansen(3, &y, 1000, 42).unwrap();
    // The analytic values, to more digits than the brief's four.
    let v = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let first = [v1 / v, v2 / v, 0.0];
    let total = [(v1 + v13) / v, v2 / v, v13 / v];
    assert!((first[0] - 0.3139).abs() < 1e-4 && (total[2] - 0.2437).abs() < 1e-4);
    for i in 0..3 {
        holds(&format!("S{}", i + 1), s.first[i], first[i], 0.1);
        holds(&format!("ST{}", i + 1), s.total[i], total[i], 0.1);
    }
}

/// Sobol's G function, G = Π (|4x_i − 2| + a_i) / (1 + a_i), with a = (0, 1, 4.5, 9, 99, 99):
/// V_i = 1 / (3 (1 + a_i)²), V = Π (1 + V_i) − 1, S_i = V_i / V,
/// ST_i = V_i Π_{j≠i} (1 + V_j) / V.
#[test]
fn g_function_indices_within_their_intervals() {
    let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
    let k = a.len();
    let d = saltelli(8192, k, 7).unwrap();
    let y: Vec<f64> = d
        .iter()
        .map(|u| {
            u.iter()
                .zip(&a)
                .map(|(x, ai)| ((4.0 * x - 2.0).abs() + ai) / (1.0 + ai))
                .product()
        })
        .collect();
    let s = jansen(k, &y, 1000, 7).unwrap();
    let vi: Vec<f64> = a
        .iter()
        .map(|ai| 1.0 / (3.0 * (1.0 + ai) * (1.0 + ai)))
        .collect();
    let v = vi.iter().map(|x| 1.0 + x).product::<f64>() - 1.0;
    for i in 0..k {
        let others: f64 = (0..k).filter(|&j| j != i).map(|j| 1.0 + vi[j]).product();
        holds(&format!("S{}", i + 1), s.first[i], vi[i] / v, 0.12);
        holds(
            &format!("ST{}", i + 1),
            s.total[i],
            vi[i] * others / v,
            0.12,
        );
    }
    // The ranking the a_i imply is recovered: x1 > x2 > x3 > x4 > x5, x6.
    assert!(s.total[0].value > s.total[1].value && s.total[1].value > s.total[2].value);
    assert!(s.total[2].value > s.total[3].value && s.total[3].value > s.total[4].value);
}

/// Replicate noise in the outputs shows in the noise share; and averaging more replicates
/// per point shrinks it as 1/R.
#[test]
fn noise_share_measures_replicate_noise() {
    use rand::RngExt;
    let mut rng = crate::rng::design_rng(5);
    let design = saltelli(256, 2, 5).unwrap();
    let share = |r: usize, rng: &mut crate::rng::ChaCha8Rng| {
        let per_point: Vec<Vec<f64>> = design
            .iter()
            .map(|u| {
                (0..r)
                    .map(|_| u[0] + (rng.random::<f64>() - 0.5) * 1.0)
                    .collect()
            })
            .collect();
        noise_share(&per_point).unwrap()
    };
    // Signal variance 1/12 (x0 uniform), noise variance 1/12 per replicate: share 1/(R+1).
    let s2 = share(2, &mut rng);
    let s8 = share(8, &mut rng);
    assert!((s2 - 1.0 / 3.0).abs() < 0.08, "{s2}");
    assert!((s8 - 1.0 / 9.0).abs() < 0.04, "{s8}");
}

#[test]
fn design_text_round_trips_and_bad_designs_are_refused() {
    let f = |s: &str| Factor::parse(s).unwrap();
    let d = Design::new(
        Method::Morris {
            trajectories: 10,
            levels: 4,
        },
        vec![f("a.b=0.1:0.3"), f("c=-2:1e3")],
        vec![],
    )
    .unwrap();
    assert_eq!(
        d.text(),
        "sensitivity morris trajectories=10 levels=4 --vary a.b=0.1:0.3 --vary c=-2:1000"
    );
    assert_eq!(Design::parse(&d.text()).unwrap(), d);
    assert_eq!(d.points_count(), 30);
    let sobol = |n| Design::new(Method::Sobol { samples: n }, vec![f("a=0:1")], vec![]);
    assert!(matches!(
        sobol(48),
        Err(SensitivityError::Samples { n: 48 })
    ));
    assert!(sobol(64).is_ok());
    assert!(matches!(
        Design::new(Method::Sobol { samples: 64 }, vec![], vec![]),
        Err(SensitivityError::NoParameters)
    ));
    assert!(matches!(
        Design::new(
            Method::Sobol { samples: 64 },
            vec![f("a=0:1"), f("a=1:2")],
            vec![]
        ),
        Err(SensitivityError::Twice(_))
    ));
    assert!(Factor::parse("a=1:1").is_err());
    assert!(Factor::parse("a=x:1").is_err());
    assert!(Design::parse("lhs samples=3").is_err());
}
