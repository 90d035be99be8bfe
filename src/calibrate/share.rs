//! A calibration run by several processes in lockstep ([`Share`], e.g. MPI ranks): the
//! trait, and the bytes in which a process sends its share of a batch to the others.

use super::smc::Candidate;

/// Processes that run one calibration together (MPI ranks): each runs the same calibration
/// in lockstep and simulates its share of every batch of candidates (candidate k of a batch
/// on process k mod [`Share::size`]); the results are exchanged after each batch, so every
/// process holds every generation, bit for bit those of a single process.
///
/// Every process calls [`Share::all_gather`] at the same points, from the thread that called
/// [`super::calibrate_shared`]. A process that stops outside a batch (an error storing a
/// generation) leaves the others waiting: the launcher (`mpirun`) ends them.
pub trait Share {
    /// This process's number, from 0.
    fn rank(&self) -> usize;
    /// The number of processes.
    fn size(&self) -> usize;
    /// Every process's `mine`, in rank order (an all-gather).
    fn all_gather(&self, mine: &[u8]) -> Vec<Vec<u8>>;
}

/// Bytes per candidate in a batch's exchange: a status byte (0 not simulated, 1 simulated,
/// 2 failed), the distance and `m` statistics as little-endian f64 bits.
fn candidate_bytes(m: usize) -> usize {
    1 + 8 * (1 + m)
}

/// A process's share of a batch, for [`Share::all_gather`]: a stop flag byte, then each
/// candidate.
pub(super) fn encode_batch<E>(stop: bool, done: &[Result<Candidate, E>], m: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + done.len() * candidate_bytes(m));
    out.push(u8::from(stop));
    for r in done {
        let (status, d, stats): (u8, f64, &[f64]) = match r {
            Ok(Candidate { result: None, .. }) => (0, 0.0, &[]),
            Ok(Candidate {
                result: Some((d, stats)),
                ..
            }) => (1, *d, stats),
            Err(_) => (2, 0.0, &[]),
        };
        out.push(status);
        out.extend_from_slice(&d.to_le_bytes());
        // a stopped candidate may hold fewer statistics: the stop flag says so
        for k in 0..m {
            out.extend_from_slice(&stats.get(k).copied().unwrap_or(0.0).to_le_bytes());
        }
    }
    out
}

/// Candidate `j` of a process's share: `Some(None)` not simulated, `Some(Some((distance,
/// statistics)))`, or `None` if its simulation failed (or the share is too short).
pub(super) fn decode_candidate(
    share: &[u8],
    j: usize,
    m: usize,
) -> Option<Option<(f64, Vec<f64>)>> {
    let at = 1 + j * candidate_bytes(m);
    let c = share.get(at..at + candidate_bytes(m))?;
    let f = |k: usize| f64::from_le_bytes(c[1 + 8 * k..9 + 8 * k].try_into().expect("8 bytes"));
    match c[0] {
        0 => Some(None),
        1 => Some(Some((f(0), (1..=m).map(f).collect()))),
        _ => None,
    }
}
