//! Shards: a share of an ensemble's units for one process or machine, merged afterwards.

use std::fmt;

/// `K/N`: the share of units `u` with `u % N == K`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

/// Why a `K/N` shard does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("shard {spec}: {reason}")]
pub struct ShardError {
    /// The text given.
    pub spec: String,
    /// What is wrong with it.
    pub reason: ShardReason,
}

/// What is wrong with a `K/N` shard.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShardReason {
    /// No `/`.
    #[error("expected K/N, e.g. 0/4")]
    Format,
    /// A part is not a whole number.
    #[error("`{0}` is not a whole number")]
    NotANumber(String),
    /// `N` is 0.
    #[error("N must be at least 1")]
    NoShards,
    /// `K` ≥ `N`.
    #[error("K must be below N (shards are numbered 0 to {})", count - 1)]
    IndexTooLarge {
        /// N.
        count: u64,
    },
}

impl Shard {
    /// Parses `K/N` (0 ≤ K < N).
    ///
    /// ```
    /// use impunity::ensemble::Shard;
    /// assert_eq!(Shard::parse("1/4").unwrap(), Shard { index: 1, count: 4 });
    /// assert_eq!(Shard::parse("4/4").unwrap_err().to_string(),
    ///            "shard 4/4: K must be below N (shards are numbered 0 to 3)");
    /// assert!(Shard::parse("0/0").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Shard, ShardError> {
        let err = |reason| ShardError {
            spec: s.to_string(),
            reason,
        };
        let (k, n) = s.split_once('/').ok_or_else(|| err(ShardReason::Format))?;
        let num = |x: &str| {
            x.trim()
                .parse::<u64>()
                .map_err(|_| err(ShardReason::NotANumber(x.to_string())))
        };
        let (index, count) = (num(k)?, num(n)?);
        if count == 0 {
            return Err(err(ShardReason::NoShards));
        }
        if index >= count {
            return Err(err(ShardReason::IndexTooLarge { count }));
        }
        Ok(Shard { index, count })
    }

    /// Whether unit `u` belongs to this shard.
    pub(crate) fn owns(&self, u: u64) -> bool {
        u % self.count == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}
