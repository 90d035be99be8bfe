//! The reference of every key (`docs/scenario.md`), generated from the key declarations and
//! the checks across keys.

use super::checks::CHECKS;
use super::keys::{Row, rows};
use super::shape::{Presence, Shape};

/// The reference of every key of a scenario file, as Markdown: its type, default, range,
/// whether the timeline may change it, and its meaning, section by section, then the checks
/// across keys. `docs/scenario.md` is this text.
///
/// ```
/// let md = impunity::scenario::reference();
/// assert!(md.contains("| `violence.lethality` | number | `0.5` | ≥ 0, finite | yes |"));
/// ```
pub fn reference() -> String {
    let rows = rows();
    let top = |r: &Row| r.path.split(['.', '[']).next().unwrap_or("").to_string();
    let is_top = |r: &Row| top(r) == r.path;
    let mut out = String::from(INTRO);
    out.push_str("\n## Top level\n\n");
    out.push_str(HEAD);
    for r in rows
        .iter()
        .filter(|r| is_top(r) && r.key.shape.keys().is_none())
    {
        row(&mut out, r);
    }
    for s in rows
        .iter()
        .filter(|r| is_top(r) && r.key.shape.keys().is_some())
    {
        out.push_str(&format!(
            "\n## `{}`\n\n{} ({}). {}\n\n",
            s.path,
            cell(&ty(s)),
            presence(s),
            s.key.meaning()
        ));
        out.push_str(HEAD);
        for r in rows.iter().filter(|r| top(r) == s.path && !is_top(r)) {
            row(&mut out, r);
        }
    }
    out.push_str(CHECKS_HEAD);
    for (i, c) in CHECKS.iter().enumerate() {
        let end = if i + 1 == CHECKS.len() { "." } else { ";" };
        out.push_str(&bullet(&format!("{}{end}", words(c.refuses))));
    }
    out.push_str(CHECKS_TAIL);
    out
}

const HEAD: &str =
    "| key | type | default | range | timeline | meaning |\n|---|---|---|---|---|---|\n";

fn row(out: &mut String, r: &Row) {
    let k = &r.key;
    out.push_str(&format!(
        "| `{}` | {} | {} | {} | {} | {} |\n",
        r.path,
        cell(&ty(r)),
        presence(r),
        cell(&k.range),
        if k.timeline { "yes" } else { "" },
        cell(&k.meaning())
    ));
}

/// The type in words.
fn ty(r: &Row) -> String {
    r.key
        .ty
        .map_or_else(|| r.key.shape.describe(), str::to_string)
}

/// "required", "optional" (a table), "unset", or the default as a TOML literal.
fn presence(r: &Row) -> String {
    let table = matches!(r.key.shape, Shape::Table(_)) || r.key.shape.keys().is_some();
    match &r.key.presence {
        Presence::Required => "required".into(),
        _ if table => "optional".into(),
        Presence::Default(d) => format!("`{d}`"),
        Presence::Unset => "unset".into(),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Doc-comment lines as one line of words.
fn words(doc: &str) -> String {
    doc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A Markdown bullet, wrapped at 92 columns.
fn bullet(text: &str) -> String {
    let mut out = String::from("*");
    let mut line = 1;
    for w in text.split(' ') {
        if line + 1 + w.chars().count() > 92 {
            out.push_str("\n ");
            line = 1;
        }
        out.push(' ');
        out.push_str(w);
        line += 1 + w.chars().count();
    }
    out.push('\n');
    out
}

const INTRO: &str = "# Scenario files: every key

<!-- Generated from the key declarations (`section!`, src/scenario/) and the checks across
     keys (src/scenario/checks/) by
     IMPUNITY_BLESS=1 cargo test --release --test suite scenario_docs
     Do not edit by hand: the test fails when this file and the code disagree. -->

A scenario is a TOML file; `impunity validate FILE` checks one and says what it would run,
`impunity init NAME` writes a commented starter, `impunity show PRESET` prints a shipped one.
Every key below can also be changed from the command line with `--set key.path=value`
(`--set communities.citizens.legitimacy=0.7`, `--set rules=netlogo`).

* **key**: the dotted path. `<name>` stands for a name you choose (`[communities.peul]`
  gives `communities.peul.share`); `[]` for each entry of an array of tables
  (`[[timeline]]`).
* **type**: as the code reads it. A *number* may be written `7` or `7.0`; `inf` is TOML's
  infinity.
* **default**: the value when the key is absent; *required* keys have none, *unset* keys
  mean nothing when absent (the meaning says what happens then).
* **timeline**: whether the key may change during a run (`[[timeline]]`).

Epstein's models need only the keys of the minimal scenario below. The sections
`world.regions`, `groups`, `legitimacy`, `abuse`, `violence`, `justice`, `policy` and
`missions`, the communities' `household_arms` and `share_by_region`, and the forces' `side`,
`arrest_rate`, `discipline`, `proficiency` and `regions` belong to the conflict model. It is
on when a scenario has regions, armed groups, missions, dynamic legitimacy, abuse
(`abuse.base_rate` > 0) or a force that is not a state policing force; otherwise those keys
change nothing, except `policy.sentence_severity`, which scales jail terms in every model.

A minimal scenario:

```toml
name = \"tiny\"
ticks = 200
rules = \"paper\"

[world]
width = 40
height = 40

[population]
density = 0.7
vision = 7

[communities.citizens]
share = 1.0
legitimacy = 0.8

[forces.cops]
density = 0.04
vision = 7
```
";

const CHECKS_HEAD: &str = "
## Checks across keys

Besides each key's type and range, a scenario is refused when:

";

const CHECKS_TAIL: &str = "
Errors name the file, line and column, and the key path:
`my.toml:15:14: communities.citizens.legitimacy: 1.5 is outside [0, 1]`.

## Warnings: settings that cannot act

A valid scenario may still hold settings that cannot act within a run of its length.
`impunity validate` (with `--ticks N` for another length) lists them after its summary, and
`run`, `sweep` and `compare` print them to stderr before running, as
`warning: KEY: what cannot act; the fix` (in a sweep or comparison, a warning that holds for
some points only names them). In Rust: `Scenario::warnings(ticks)`. They are:

- a timeline entry after the run's last tick (it never acts), or a ramp the run ends before
  its target (the share of the way it gets);
- `justice.investigation_delay`, or the sum of both delays, reaching past the last tick, when
  some killing may open a case: no case is decided, or none reaches a verdict (a case opens
  in tick 1 at the earliest);
- `justice.excluded_min_victims` while an amnesty law may apply: at most 1 (every case is
  excluded), or above the most people one case-opening event can kill when that is bounded
  (single killings or reprisals of fixed size by a known number of units);
- a force's `people` or a group's `initial_people` below half an agent (they round to no
  agent), and `recruitment.presence` below one agent's people (one agent saturates it, so
  results depend on `world.people_per_agent`);
- knobs whose mechanism is off: `legitimacy.*` effects without `legitimacy.dynamic`,
  `policy.militia_arming` with no `policy.arming_targets`, `policy.collusion` when the state
  arms no group, a mission that trains no force, has no trainers or a throughput of 0.

A value the timeline changes during the run is not judged by its starting value.
";
