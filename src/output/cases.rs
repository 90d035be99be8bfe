//! `cases.csv` (conflict model): every justice case of a replicate and its fate at the end.

use super::calendar;
use crate::scenario::Scenario;
use std::io::{self, Write};

/// The header of `cases.csv` (without the `point` column).
pub const CASES_HEADER: &str = "case_id,replicate,opened_tick,opened_date,perpetrator,victim_community,region,victims,excluded,fate";

/// Writes one replicate's justice cases (numbered from 0 within the replicate).
pub fn write_cases<W: Write>(
    w: &mut W,
    s: &Scenario,
    replicate: u64,
    cases: &[crate::model::Case],
) -> io::Result<()> {
    use crate::model::Perpetrator;
    let regions = s.region_names();
    for (k, c) in cases.iter().enumerate() {
        let date = calendar(s)
            .map(|(d, days)| d.plus_days(c.opened as i64 * days as i64).to_string())
            .unwrap_or_default();
        let who = match c.perpetrator {
            Perpetrator::Force(f) => s.forces.get_index(f as usize).map(|(k, _)| k.as_str()),
            Perpetrator::Group(g) => s.groups.get_index(g as usize).map(|(k, _)| k.as_str()),
        }
        .unwrap_or("");
        let community = s
            .communities
            .get_index(c.community as usize)
            .map(|(k, _)| k.as_str())
            .unwrap_or("");
        let region = regions
            .get(c.region as usize)
            .map(String::as_str)
            .unwrap_or("");
        writeln!(
            w,
            "{k},{replicate},{},{date},{who},{community},{region},{},{},{}",
            c.opened,
            c.victims,
            c.excluded,
            c.fate.name()
        )?;
    }
    Ok(())
}
