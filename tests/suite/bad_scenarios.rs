//! The corpus of bad scenario files (`tests/bad-scenarios/`): each must be refused with the
//! exact message its first line expects. `IMPUNITY_BLESS=1` rewrites the expectations.

use impunity::Scenario;
use std::path::{Path, PathBuf};

const EXPECT: &str = "# expect: ";

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/bad-scenarios exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// The message reading `text` gives, as `impunity validate` prints it.
fn message(name: &str, text: &str) -> Option<String> {
    Scenario::from_toml_str(text, name)
        .err()
        .map(|e| e.to_string())
}

#[test]
fn every_bad_scenario_gives_its_expected_message() {
    let bless = std::env::var_os("IMPUNITY_BLESS").is_some();
    let files = corpus();
    assert!(files.len() >= 40, "the corpus shrank to {}", files.len());
    let mut failures = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let Some(expected) = first.strip_prefix(EXPECT) else {
            failures.push(format!(
                "{name}: the first line must be `{EXPECT}<message>`"
            ));
            continue;
        };
        let Some(got) = message(&name, &text) else {
            failures.push(format!("{name}: accepted"));
            continue;
        };
        assert!(!got.contains('\n'), "{name}: a message is one line: {got}");
        if got != expected {
            if bless {
                // written aside and renamed: the other test reads these files meanwhile
                let tmp = path.with_extension("toml.new");
                std::fs::write(&tmp, format!("{EXPECT}{got}\n{rest}")).unwrap();
                std::fs::rename(&tmp, &path).unwrap();
            } else {
                failures.push(format!("{name}:\n  expected {expected}\n  got      {got}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(IMPUNITY_BLESS=1 rewrites the expectations)",
        failures.join("\n")
    );
}

#[test]
fn errors_point_inside_the_file() {
    for path in corpus() {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let e = Scenario::from_toml_str(&text, &name).unwrap_err();
        assert_eq!(e.origin.as_deref(), Some(name.as_str()));
        if let Some((line, col)) = e.location {
            let l = text.lines().nth(line - 1);
            assert!(l.is_some(), "{name}: line {line} is past the end");
            assert!(
                col <= l.unwrap().chars().count() + 1,
                "{name}: column {col}"
            );
        }
    }
}
