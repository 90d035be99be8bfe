//! `docs/scenario.md` cannot drift from the code: it is the reference generated from the key
//! declarations and the checks across keys (`impunity::scenario::reference`), and its minimal
//! scenario, like the README's, runs. (That the declarations hold together is tested inside
//! the crate, in `src/scenario/keys/tests.rs`.)
//!
//! `IMPUNITY_BLESS=1 cargo test --release --test suite scenario_docs` regenerates the file.

use impunity::Scenario;
use std::path::Path;

#[test]
fn docs_scenario_md_is_the_generated_reference() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenario.md");
    let want = impunity::scenario::reference();
    if std::env::var_os("IMPUNITY_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/scenario.md is not the reference generated from the key declarations; run\n  \
         IMPUNITY_BLESS=1 cargo test --release --test suite scenario_docs"
    );
}

/// The first ```toml block of a Markdown file.
fn toml_block(md: &str) -> &str {
    let start = md.find("```toml\n").expect("a ```toml block") + 8;
    let len = md[start..].find("```").expect("closed");
    &md[start..start + len]
}

#[test]
fn the_minimal_scenarios_of_the_readme_and_the_reference_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["README.md", "docs/scenario.md"] {
        let md = std::fs::read_to_string(root.join(file)).unwrap();
        let s = Scenario::from_toml_str(toml_block(&md), file)
            .unwrap_or_else(|e| panic!("{file}'s minimal scenario: {e}"));
        let out = impunity::run::run_replicate(&s, 1, 0, 3);
        assert_eq!(out.rows.len(), 4);
    }
}

#[test]
fn the_readme_shows_real_error_messages() {
    let md =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let minimal = toml_block(&md);
    for (from, to) in [
        ("legitimacy = 0.8", "legitimcy = 0.8"),
        ("legitimacy = 0.8", "legitimacy = 1.5"),
        (
            "width = 40\nheight = 40",
            "width = 1000000\nheight = 1000000",
        ),
    ] {
        assert!(minimal.contains(from));
        let e = Scenario::from_toml_str(&minimal.replace(from, to), "my.toml").unwrap_err();
        let line = format!("error: {e}\n");
        assert!(md.contains(&line), "README.md should show\n{line}");
    }
}
