//! Any text: reading it as a scenario must not panic; an error is one line; a scenario that
//! reads is valid and survives a round trip through TOML.
#![no_main]

use impunity::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Scenario::from_toml_str(text, "fuzz.toml") {
        Ok(s) => {
            assert!(s.validate().is_ok());
            let _ = s.footprint();
            let back = Scenario::from_toml_str(&s.to_toml_string(), "back.toml");
            assert_eq!(back.ok(), Some(s));
        }
        Err(e) => assert!(!e.to_string().contains('\n'), "{e}"),
    }
});
