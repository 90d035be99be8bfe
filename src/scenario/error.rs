//! One readable error type for everything wrong with a scenario.

use std::fmt;
use std::sync::Arc;

/// What is wrong with a scenario, and where.
///
/// Displayed as `file:line:col: key.path: message` (parts that are unknown are left out).
/// When the problem was found by another library (the TOML parser), that error is the
/// [`source`](std::error::Error::source); the message already says what it says.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", Shown(self))]
pub struct ScenarioError {
    /// The file (or preset) the scenario came from.
    pub origin: Option<String>,
    /// 1-based line and column in that file.
    pub location: Option<(usize, usize)>,
    /// Dotted key path, e.g. `policy.amnesty.scope`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// The error this one was made from, if any.
    #[source]
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// Two errors are equal when they say the same thing at the same place.
impl PartialEq for ScenarioError {
    fn eq(&self, other: &Self) -> bool {
        (&self.origin, self.location, &self.path, &self.message)
            == (&other.origin, other.location, &other.path, &other.message)
    }
}

impl Eq for ScenarioError {}

impl ScenarioError {
    /// An error about `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            origin: None,
            location: None,
            path: path.into(),
            message: message.into(),
            source: None,
        }
    }

    /// The same error, naming the file it came from.
    pub fn with_origin(mut self, origin: &str) -> Self {
        if self.origin.is_none() {
            self.origin = Some(origin.to_string());
        }
        self
    }

    /// The same error, at a line and column.
    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.location = Some((line, col));
        self
    }

    /// The same error, made from `source`.
    pub(crate) fn caused_by(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(Arc::new(source));
        self
    }
}

/// The error as users read it: `file:line:col: key.path: message`.
struct Shown<'a>(&'a ScenarioError);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let e = self.0;
        if let Some(o) = &e.origin {
            write!(f, "{o}")?;
            if let Some((l, c)) = e.location {
                write!(f, ":{l}:{c}")?;
            }
            write!(f, ": ")?;
        }
        if !e.path.is_empty() {
            write!(f, "{}: ", one_line(&e.path))?;
        }
        write!(f, "{}", one_line(&e.message))
    }
}

/// 1-based line and column of byte offset `at` in `text`.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a typo.
/// (The binary words its own hints with a copy of this rule, in src/cli/human.rs.)
pub(crate) fn nearest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `s` with control characters escaped (`\n`), so that names taken from a file can never
/// break a message over lines.
fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_only() {
        let c = ["impunity", "conviction", "amnesty"];
        assert_eq!(nearest("impunty", c.iter().copied()), Some("impunity"));
        assert_eq!(nearest("zzzzzz", c.iter().copied()), None);
    }

    #[test]
    fn messages_stay_on_one_line() {
        let e = ScenarioError::new("a\nb", "unknown `x\ty`");
        assert_eq!(e.to_string(), "a\\nb: unknown `x\\ty`");
    }

    #[test]
    fn the_source_is_kept_and_the_message_stays() {
        use std::error::Error;
        let toml_err = "x = ".parse::<toml::Table>().unwrap_err();
        let e = ScenarioError::new("", "invalid TOML").caused_by(toml_err);
        assert!(e.source().is_some());
        assert_eq!(e.to_string(), "invalid TOML");
        assert_eq!(e, ScenarioError::new("", "invalid TOML"));
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
