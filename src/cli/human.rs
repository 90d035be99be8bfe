//! Text for people that the commands share: the name nearest to a typo, and byte counts.

/// The candidate closest to `name` by edit distance, if it is close enough to be a typo
/// (the rule the scenario errors use, so that every "did you mean" agrees).
pub fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A byte count for people (`45.3 TiB`), in the units of the scenario errors.
pub fn human_bytes(b: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut x = b as f64;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < units.len() {
        x /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{x:.1} {}", units[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_only() {
        let c = ["epstein-run1", "central-mali-2018"];
        assert_eq!(
            nearest("epstien-run1", c.iter().copied()),
            Some("epstein-run1")
        );
        assert_eq!(nearest("zzzzzz", c.iter().copied()), None);
    }

    #[test]
    fn bytes_read_in_binary_units() {
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(45 << 40), "45.0 TiB");
    }
}
