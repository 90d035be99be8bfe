//! No scenario text makes the parser or the validator panic: property tests over mutated
//! preset files (lines deleted, duplicated or swapped, numbers changed to odd values,
//! characters swapped, replaced or inserted, text cut short). Errors must stay one line and
//! point inside the text. (Random `--set`-style changes of every declared key are tried
//! inside the crate, in `src/scenario/keys/tests.rs`.)
//!
//! The seed is fixed so that CI is reproducible; `IMPUNITY_FUZZ_CASES=100000` runs longer and
//! `IMPUNITY_FUZZ_SEED=n` explores elsewhere (`fuzz/` has a cargo-fuzz target for open-ended
//! runs).

use impunity::Scenario;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config() -> Config {
    let cases = std::env::var("IMPUNITY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let seed = std::env::var("IMPUNITY_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_020_401);
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Values a mutated number may take.
const ODD_NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "0.5",
    "1.5",
    "-0.0",
    "nan",
    "inf",
    "-inf",
    "+inf",
    "1e308",
    "1e-320",
    "29",
    "28.999",
    "65535",
    "65536",
    "70000",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "1_000",
    "0x10",
    "0o7",
    "0b1",
    "007",
    "1e",
    "2147483648",
    "46341",
    "10000001",
    "250",
    "251",
    "\"7\"",
    "true",
    "[]",
    "{}",
];

#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ChangeNumber(usize, usize),
    SwapChars(usize),
    ReplaceChar(usize, char),
    InsertChar(usize, char),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let odd_char = prop_oneof![
        Just('['),
        Just(']'),
        Just('{'),
        Just('"'),
        Just('\''),
        Just('='),
        Just('.'),
        Just('#'),
        Just('\n'),
        Just('\\'),
        Just('é'),
        Just('\u{0}'),
        any::<char>(),
    ];
    prop_oneof![
        1 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        3 => (any::<usize>(), 0..ODD_NUMBERS.len()).prop_map(|(a, b)| Mutation::ChangeNumber(a, b)),
        1 => any::<usize>().prop_map(Mutation::SwapChars),
        1 => (any::<usize>(), odd_char.clone()).prop_map(|(a, c)| Mutation::ReplaceChar(a, c)),
        1 => (any::<usize>(), odd_char).prop_map(|(a, c)| Mutation::InsertChar(a, c)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let chars: Vec<char> = text.chars().collect();
    let n = lines.len().max(1);
    let c = chars.len().max(1);
    match *m {
        Mutation::DeleteLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
            lines.concat()
        }
        Mutation::DuplicateLine(i) => {
            if let Some(&l) = lines.get(i % n) {
                lines.insert(i % n, l);
            }
            lines.concat()
        }
        Mutation::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
            lines.concat()
        }
        Mutation::ChangeNumber(i, v) => {
            // the i-th run of digits (with its sign, point and exponent)
            let bytes = text.as_bytes();
            let mut runs = Vec::new();
            let mut k = 0;
            while k < bytes.len() {
                if bytes[k].is_ascii_digit() {
                    let start = if k > 0 && bytes[k - 1] == b'-' {
                        k - 1
                    } else {
                        k
                    };
                    while k < bytes.len()
                        && (bytes[k].is_ascii_digit() || matches!(bytes[k], b'.' | b'e' | b'_'))
                    {
                        k += 1;
                    }
                    runs.push((start, k));
                } else {
                    k += 1;
                }
            }
            match runs.get(i % runs.len().max(1)) {
                Some(&(a, b)) => format!("{}{}{}", &text[..a], ODD_NUMBERS[v], &text[b..]),
                None => text.to_string(),
            }
        }
        Mutation::SwapChars(i) => {
            let mut chars = chars;
            if chars.len() > 1 {
                let i = i % (chars.len() - 1);
                chars.swap(i, i + 1);
            }
            chars.into_iter().collect()
        }
        Mutation::ReplaceChar(i, ch) => {
            let mut chars = chars;
            if !chars.is_empty() {
                chars[i % c] = ch;
            }
            chars.into_iter().collect()
        }
        Mutation::InsertChar(i, ch) => {
            let mut chars = chars;
            chars.insert(i % (chars.len() + 1), ch);
            chars.into_iter().collect()
        }
        Mutation::Truncate(i) => chars[..i % c].iter().collect(),
    }
}

/// Reading `text` must not panic; an error is one line that points inside the text; a
/// scenario read is valid and survives a round trip through TOML.
fn check(text: &str) -> Result<(), TestCaseError> {
    match Scenario::from_toml_str(text, "m.toml") {
        Err(e) => {
            let m = e.to_string();
            prop_assert!(!m.contains('\n'), "a message is one line: {:?}", m);
            if let Some((line, col)) = e.location {
                let lines: Vec<&str> = text.split('\n').collect();
                prop_assert!(
                    line >= 1 && line <= lines.len(),
                    "line {} of {}",
                    line,
                    lines.len()
                );
                prop_assert!(col >= 1 && col <= lines[line - 1].chars().count() + 1);
            }
        }
        Ok(s) => {
            prop_assert!(s.validate().is_ok());
            let back = Scenario::from_toml_str(&s.to_toml_string(), "back.toml");
            prop_assert_eq!(back.as_ref().ok(), Some(&s), "{:?}", back.as_ref().err());
            let _ = s.footprint();
        }
    }
    Ok(())
}

fn preset_text() -> impl Strategy<Value = &'static str> {
    (0..impunity::presets::ALL.len()).prop_map(|i| impunity::presets::ALL[i].toml)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_scenario_files_never_panic(
        text in preset_text(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let mut t = text.to_string();
        for m in &mutations {
            t = apply(&t, m);
        }
        check(&t)?;
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check(&String::from_utf8_lossy(&bytes))?;
    }
}
