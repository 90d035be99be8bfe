//! A calibration's posterior read back from its `posterior.csv`, draws from it, and policy
//! effects over those draws (`impunity compare --posterior FILE --draws K`, docs/calibrate.md).
//!
//! The posterior is the last generation of the file (its particles and importance weights).
//! `K` draws are taken by systematic resampling at the fixed offset ½: draw `i` is the
//! particle whose cumulative weight first exceeds `(i + ½) / K` of the total. That needs no
//! random number (the draws follow from the file and `K` alone), and each particle is drawn
//! `K × weight / total` times, rounded up or down, never more or less.
//!
//! Each draw then runs the baseline and every variant on common random numbers (a plan with
//! [`crate::ensemble::Draws`]); [`effects`] reads the run's `outcomes.csv` back and gives, per
//! variant and outcome, the effect over the draws ([`crate::stats::OverDraws`]).

use crate::ensemble::{Draws, Plan};
use crate::output::{fmt_value, split_csv_line};
use crate::stats::OverDraws;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Why a `posterior.csv` (or a run's `outcomes.csv`) cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{origin}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct PosteriorError {
    /// The file.
    pub origin: String,
    /// The line (1-based), when one is to blame.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// The first columns of `posterior.csv`; the keys follow.
const HEAD: [&str; 4] = ["generation", "particle", "weight", "distance"];

/// A calibration's posterior: the particles of the last generation of a `posterior.csv`.
///
/// ```
/// use impunity::calibrate::Posterior;
/// let text = "generation,particle,weight,distance,policy.impunity\n\
///             0,0,0.5,3,0.9\n0,1,0.5,2,0.1\n\
///             1,0,0.75,1,0.8\n1,1,0.25,1.5,0.6\n";
/// let p = Posterior::from_csv_str(text, "posterior.csv").unwrap();
/// assert_eq!((p.generation, p.keys.as_slice()), (1, &["policy.impunity".to_string()][..]));
/// // Four draws: particle 0 (weight 3/4) three times, particle 1 once.
/// assert_eq!(p.draws(4), [0, 0, 0, 1]);
/// let d = p.as_draws(4, 2);
/// assert_eq!((d.values[3][0], d.per_draw), (0.6, 2));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    /// The scenario keys of the parameters (the columns after `distance`).
    pub keys: Vec<String>,
    /// The generation read (the file's last).
    pub generation: u32,
    /// Its particles: (particle number, weight, one value per key).
    pub particles: Vec<(u64, f64, Vec<f64>)>,
}

impl Posterior {
    /// Reads `path`.
    pub fn read(path: &Path) -> Result<Posterior, PosteriorError> {
        let text = fs::read_to_string(path).map_err(|e| PosteriorError {
            origin: path.display().to_string(),
            line: None,
            message: e.to_string(),
        })?;
        Posterior::from_csv_str(&text, &path.display().to_string())
    }

    /// Reads the text of a `posterior.csv`; `origin` names it in errors.
    pub fn from_csv_str(text: &str, origin: &str) -> Result<Posterior, PosteriorError> {
        let err = |line: Option<usize>, message: String| PosteriorError {
            origin: origin.to_string(),
            line,
            message,
        };
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.is_empty());
        let mut fields = Vec::new();
        let Some((_, header)) = lines.next() else {
            return Err(err(None, "empty: not a calibration's posterior.csv".into()));
        };
        split_csv_line(header, &mut fields);
        if fields.len() <= HEAD.len() || fields[..HEAD.len()] != HEAD {
            return Err(err(
                Some(1),
                format!(
                    "the header must be `{},<key>...` (a calibration's posterior.csv), not `{header}`",
                    HEAD.join(",")
                ),
            ));
        }
        let keys = fields[HEAD.len()..].to_vec();
        let mut rows: Vec<(u32, u64, f64, Vec<f64>)> = Vec::new();
        for (i, line) in lines {
            let n = i + 1;
            split_csv_line(line, &mut fields);
            if fields.len() != HEAD.len() + keys.len() {
                return Err(err(
                    Some(n),
                    format!(
                        "{} fields where the header has {}",
                        fields.len(),
                        HEAD.len() + keys.len()
                    ),
                ));
            }
            let num = |k: usize| -> Result<f64, PosteriorError> {
                fields[k]
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        err(
                            Some(n),
                            format!(
                                "{}: `{}` is not a finite number",
                                column(&keys, k),
                                fields[k]
                            ),
                        )
                    })
            };
            let generation = fields[0].parse::<u32>().map_err(|_| {
                err(
                    Some(n),
                    format!("generation: `{}` is not a whole number", fields[0]),
                )
            })?;
            let particle = fields[1].parse::<u64>().map_err(|_| {
                err(
                    Some(n),
                    format!("particle: `{}` is not a whole number", fields[1]),
                )
            })?;
            let weight = num(2)?;
            if weight < 0.0 {
                return Err(err(Some(n), format!("weight: {weight} is negative")));
            }
            let values = (HEAD.len()..fields.len())
                .map(num)
                .collect::<Result<Vec<_>, _>>()?;
            rows.push((generation, particle, weight, values));
        }
        let Some(generation) = rows.iter().map(|r| r.0).max() else {
            return Err(err(None, "no particles".into()));
        };
        let particles: Vec<(u64, f64, Vec<f64>)> = rows
            .into_iter()
            .filter(|r| r.0 == generation)
            .map(|(_, p, w, v)| (p, w, v))
            .collect();
        let total: f64 = particles.iter().map(|p| p.1).sum();
        if total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !total.is_finite() {
            return Err(err(
                None,
                format!("the weights of generation {generation} do not sum to a positive number"),
            ));
        }
        Ok(Posterior {
            keys,
            generation,
            particles,
        })
    }

    /// `k` draws (indices into [`Posterior::particles`], in particle order): systematic
    /// resampling at the fixed offset ½ (see the module's documentation).
    pub fn draws(&self, k: usize) -> Vec<usize> {
        let total: f64 = self.particles.iter().map(|p| p.1).sum();
        let mut out = Vec::with_capacity(k);
        let (mut i, mut cum) = (0, self.particles[0].1);
        for d in 0..k {
            let u = (d as f64 + 0.5) / k as f64 * total;
            while cum <= u && i + 1 < self.particles.len() {
                i += 1;
                cum += self.particles[i].1;
            }
            out.push(i);
        }
        out
    }

    /// `k` draws as a plan's [`Draws`], `per_draw` replicates each.
    pub fn as_draws(&self, k: usize, per_draw: u64) -> Draws {
        Draws {
            keys: self.keys.clone(),
            values: self
                .draws(k)
                .into_iter()
                .map(|i| self.particles[i].2.clone())
                .collect(),
            per_draw,
        }
    }
}

/// The name of column `k` of a posterior.csv whose keys are `keys`.
fn column(keys: &[String], k: usize) -> &str {
    HEAD.get(k)
        .copied()
        .unwrap_or_else(|| keys[k - HEAD.len()].as_str())
}

/// One row of `posterior-effects.csv`: a variant against the baseline on one outcome, over the
/// draws.
#[derive(Clone, Debug, PartialEq)]
pub struct PosteriorEffect {
    /// Variant name.
    pub variant: String,
    /// Outcome name.
    pub outcome: String,
    /// The effect over the draws.
    pub effect: OverDraws,
}

/// The header of `posterior-effects.csv`.
pub const EFFECTS_HEADER: &str = "variant,outcome,draws,replicates_per_draw,mean,ci_low,ci_high,\
range_low,range_high,parameter_sd,noise_sd,parameter_share";

/// The effects of a finished comparison with draws (`plan`, run into `dir`): reads
/// `dir/outcomes.csv` and gives, for every variant and outcome, the paired differences with
/// the baseline over the draws ([`OverDraws`]), variants in point order, outcomes in column
/// order.
pub fn effects(plan: &Plan, dir: &Path) -> Result<Vec<PosteriorEffect>, PosteriorError> {
    let Some(draws) = plan.draws() else {
        return Ok(Vec::new());
    };
    let path = dir.join("outcomes.csv");
    let origin = path.display().to_string();
    let err = |line: Option<usize>, message: String| PosteriorError {
        origin: origin.clone(),
        line,
        message,
    };
    let text = fs::read_to_string(&path).map_err(|e| err(None, e.to_string()))?;
    let names = plan.outcome_names();
    let width = names.len();
    let lead = plan.tag_names().len() + 2; // point, tags, replicate
    let reps = plan.replicates() as usize;
    let mut values = vec![vec![0.0; reps * width]; plan.points().len()];
    let mut seen = vec![0usize; plan.points().len()];
    let mut fields = Vec::new();
    let mut lines = text.lines().enumerate();
    lines.next();
    for (i, line) in lines {
        let n = i + 1;
        split_csv_line(line, &mut fields);
        let bad = || err(Some(n), "not a row of this run's outcomes".into());
        if fields.len() != lead + width {
            return Err(bad());
        }
        let p: usize = fields[0].parse().map_err(|_| bad())?;
        let r: usize = fields[lead - 1].parse().map_err(|_| bad())?;
        if p >= values.len() || r >= reps {
            return Err(bad());
        }
        for (k, f) in fields[lead..].iter().enumerate() {
            values[p][r * width + k] = f.parse().map_err(|_| bad())?;
        }
        seen[p] += 1;
    }
    if seen.iter().any(|&s| s != reps) {
        return Err(err(None, "does not hold every replicate of the run".into()));
    }
    let mut out = Vec::new();
    for (v, point) in plan.points().iter().enumerate().skip(1) {
        for (k, name) in names.iter().enumerate() {
            let diffs: Vec<f64> = (0..reps)
                .map(|r| values[v][r * width + k] - values[0][r * width + k])
                .collect();
            out.push(PosteriorEffect {
                variant: point.tags.first().cloned().unwrap_or_default(),
                outcome: name.clone(),
                effect: OverDraws::of(&diffs, draws.per_draw as usize),
            });
        }
    }
    Ok(out)
}

/// Writes a finished comparison's files about its draws into `dir` (nothing if `plan` has no
/// draws) and returns them: `draws.csv` (`draw,<key>...`, the values each draw set) and
/// `posterior-effects.csv` ([`effects`], [`write_effects`]).
pub fn write_outputs(plan: &Plan, dir: &Path) -> Result<Vec<std::path::PathBuf>, PosteriorError> {
    let Some(d) = plan.draws() else {
        return Ok(Vec::new());
    };
    let rows = effects(plan, dir)?;
    let failed = |path: &Path| {
        let origin = path.display().to_string();
        move |e: io::Error| PosteriorError {
            origin,
            line: None,
            message: e.to_string(),
        }
    };
    let draws = dir.join("draws.csv");
    crate::output::write_atomic(&draws, |w| {
        write!(w, "draw")?;
        for key in &d.keys {
            write!(w, ",{}", crate::output::csv_field(key))?;
        }
        writeln!(w)?;
        for (i, values) in d.values.iter().enumerate() {
            write!(w, "{i}")?;
            for v in values {
                write!(w, ",{}", fmt_value(*v))?;
            }
            writeln!(w)?;
        }
        Ok(())
    })
    .map_err(failed(&draws))?;
    let path = dir.join("posterior-effects.csv");
    crate::output::write_atomic(&path, |w| write_effects(w, &rows)).map_err(failed(&path))?;
    Ok(vec![draws, path])
}

/// Writes `posterior-effects.csv` ([`EFFECTS_HEADER`]; the s.d. are the square roots of
/// [`OverDraws`]' variances).
pub fn write_effects<W: Write>(w: &mut W, rows: &[PosteriorEffect]) -> io::Result<()> {
    writeln!(w, "{EFFECTS_HEADER}")?;
    for r in rows {
        let e = &r.effect;
        write!(
            w,
            "{},{},{},{}",
            crate::output::csv_field(&r.variant),
            r.outcome,
            e.draws,
            e.per_draw
        )?;
        for v in [
            e.mean,
            e.ci_low,
            e.ci_high,
            e.range_low,
            e.range_high,
            e.parameter_var.sqrt(),
            e.noise_var.sqrt(),
            e.parameter_share(),
        ] {
            write!(w, ",{}", fmt_value(v))?;
        }
        writeln!(w)?;
    }
    Ok(())
}
