//! `impunity validate`, `impunity show` and `impunity init`: the commands around scenario
//! files.

use super::error::{CliError, Result, input};
use super::human::human_bytes;
use super::load::{inert_lines, load_scenario, unknown_preset};
use impunity::presets;
use impunity::scenario::{Scenario, Value};
use std::path::{Path, PathBuf};

/// The starter scenario `impunity init` writes (its `name` line is replaced).
const STARTER: &str = include_str!("starter.toml");
const STARTER_NAME_LINE: &str = "name = \"starter\"";

#[derive(clap::Args)]
#[command(
    about = "Check a scenario and print what it would run (sizes, agents, memory)",
    long_about = "Check a scenario and print what it would run, without running it.\n\n\
        SCENARIO is a preset name (see `impunity presets`) or a TOML file. The file is read and \
        validated exactly as `impunity run` would: unknown keys, wrong types, out-of-range \
        values, broken references between communities, and lattices too large to hold are \
        reported as one error naming the file, line, column and key path. A valid scenario is \
        summarised: world size, agents of each kind, people per agent, and the memory one \
        replicate needs. Then every setting that cannot act within the run is warned about \
        (`warning: KEY: what cannot act; the fix`): a justice delay that ends after the last \
        tick, a timeline entry after it, a threshold no event can reach, a size that rounds to \
        no agent, a knob whose mechanism is off. --ticks judges them for a run of that \
        length.\n\n\
        Exit status: 0 if the scenario is valid, 2 if it is not (warnings do not change it).",
    after_help = "Examples:\n  \
        impunity validate my.toml\n  \
        impunity validate epstein-run2 --set communities.citizens.legitimacy=0.7\n  \
        impunity validate central-mali-2018 --ticks 90\n\n\
        An error looks like:\n  \
        error: my.toml:15:14: communities.citizens.legitimacy: 1.5 is outside [0, 1]\n\n\
        Every key: docs/scenario.md."
)]
pub struct ValidateArgs {
    /// Preset name or scenario file.
    scenario: String,
    /// Change a scenario key first, e.g. `--set communities.citizens.legitimacy=0.7`
    /// (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Judge the settings for a run of this many ticks (default: the scenario's `ticks`), as
    /// `run --ticks` would run it.
    #[arg(long)]
    ticks: Option<u32>,
}

#[derive(clap::Args)]
#[command(
    about = "Print a preset's scenario file, comments and all",
    long_about = "Print a preset's scenario file exactly as shipped, comments included.\n\n\
        The output is a scenario file: save it, edit it, run it. Unchanged, it runs to the \
        same bytes as the preset itself.",
    after_help = "Example:\n  \
        impunity show epstein-run2 > my.toml\n  \
        impunity run my.toml --seed 7        # the same output as `impunity run epstein-run2 --seed 7`"
)]
pub struct ShowArgs {
    /// Preset name (see `impunity presets`).
    preset: String,
}

#[derive(clap::Args)]
#[command(
    about = "Write NAME.toml, a commented starter scenario",
    long_about = "Write NAME.toml, a commented starter scenario (Epstein's Model I on a 40x40 \
        torus) that validates and runs as it is.\n\n\
        NAME may be a path (`scenarios/mine` writes scenarios/mine.toml); the scenario's name \
        is the file name without `.toml`. An existing file is never overwritten unless \
        --force is given.",
    after_help = "Example:\n  \
        impunity init mine\n  \
        impunity validate mine.toml\n  \
        impunity run mine.toml"
)]
pub struct InitArgs {
    /// Name of the scenario (and of its file, NAME.toml).
    name: String,
    /// Overwrite NAME.toml if it exists.
    #[arg(long)]
    force: bool,
}

pub fn validate(a: ValidateArgs) -> Result<()> {
    let s = load_scenario(&a.scenario, &a.set, a.ticks)?;
    print!("{}", summary(&s));
    for line in inert_lines(&[(String::new(), &s)], a.ticks.unwrap_or(s.ticks)) {
        println!("{line}");
    }
    if let Some(total) = machine_memory() {
        if s.footprint().model_bytes > total {
            println!(
                "warning: one replicate needs more than this machine's {} of memory",
                human_bytes(total)
            );
        }
    }
    Ok(())
}

pub fn show(a: ShowArgs) -> Result<()> {
    let p = presets::find(&a.preset).ok_or_else(|| unknown_preset(&a.preset, false))?;
    print!("{}", p.toml);
    Ok(())
}

pub fn init(a: InitArgs) -> Result<()> {
    let path = if a.name.ends_with(".toml") {
        PathBuf::from(&a.name)
    } else {
        PathBuf::from(format!("{}.toml", a.name))
    };
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| input(format!("`{}` is not a usable file name", a.name)))?;
    let shown = path.display().to_string();
    let text = starter(name, &shown);
    Scenario::from_toml_str(&text, &shown).map_err(|e| {
        input(format!(
            "`{name}` cannot name a scenario: {} (use letters, digits, '-', '_' or '.')",
            e.message
        ))
    })?;
    if path.exists() && !a.force {
        return Err(input(format!(
            "{shown} exists; choose another name, or --force to overwrite it"
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(input(format!("no directory {}", dir.display())));
        }
    }
    impunity::output::write_atomic(&path, |w| std::io::Write::write_all(w, text.as_bytes()))
        .map_err(|e| CliError::Run(format!("cannot write {shown}: {e}")))?;
    println!("wrote {shown}, a starter scenario; next:");
    println!("  impunity validate {shown}");
    println!("  impunity run {shown}");
    Ok(())
}

/// `text` on one line (newlines as spaces), cut to `max` characters with the count of those
/// left out: `validate` prints a summary, not a 100 MB description.
fn shorten(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .take(max + 1)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        return one_line;
    }
    let kept: String = one_line.chars().take(max).collect();
    let more = text.chars().count() - max;
    format!("{kept}… ({more} more characters)")
}

/// The starter scenario, called `name`, written to `file`: its header's commands name that
/// file and its output directory, not the template's `starter.toml`.
fn starter(name: &str, file: &str) -> String {
    debug_assert!(STARTER.contains(STARTER_NAME_LINE));
    let (header, body) = STARTER.split_at(STARTER.find(STARTER_NAME_LINE).unwrap_or(0));
    let header = header
        .replace("out/starter/", &format!("out/{name}/"))
        .replace("starter.toml", file);
    header
        + &body.replacen(
            STARTER_NAME_LINE,
            &format!("name = {}", Value::from(name)),
            1,
        )
}

/// What `impunity validate` prints about a valid scenario.
fn summary(s: &Scenario) -> String {
    let f = s.footprint();
    let about = if f.exact { "" } else { "about " };
    let ppa = s.world.people_per_agent;
    let mut rows: Vec<(String, String)> = Vec::new();
    let line = |rows: &mut Vec<(String, String)>, k: &str, v: String| rows.push((k.to_string(), v));
    if !s.description.is_empty() {
        line(&mut rows, "description", shorten(&s.description, 400));
    }
    line(&mut rows, "rules", s.rules.label());
    line(&mut rows, "ticks", thousands(s.ticks as f64));
    line(
        &mut rows,
        "world",
        format!(
            "{} x {} = {} cells, {}",
            s.world.width,
            s.world.height,
            thousands(f.cells as f64),
            if s.world.torus { "torus" } else { "bounded" }
        ),
    );
    let people = if ppa == 1.0 {
        "1 agent = 1 person".to_string()
    } else {
        format!(
            "1 agent = {} people, so {}{} people",
            ppa,
            about,
            thousands(f.persons * ppa)
        )
    };
    line(
        &mut rows,
        "persons",
        match &s.world.regions {
            Some(reg) => format!(
                "{about}{} (in {} regions); {people}",
                thousands(f.persons),
                reg.legend.len()
            ),
            None => format!(
                "{about}{} (density {}); {people}",
                thousands(f.persons),
                s.population.density
            ),
        },
    );
    for (name, n) in &f.persons_by_community {
        let c = &s.communities[name];
        line(
            &mut rows,
            &format!("  {name}"),
            format!(
                "about {} (share {}{}, legitimacy {})",
                thousands(*n),
                c.share,
                if c.share_by_region.is_empty() {
                    ""
                } else {
                    " outside the regions it lists"
                },
                c.legitimacy
            ),
        );
    }
    if !f.units.is_empty() {
        let total: f64 = f.units.iter().map(|(_, n)| n).sum();
        line(
            &mut rows,
            "force units",
            format!("{about}{}", thousands(total)),
        );
        for (name, n) in &f.units {
            let u = &s.forces[name];
            line(
                &mut rows,
                &format!("  {name}"),
                format!("{about}{} (vision {})", thousands(*n), u.vision),
            );
        }
    }
    if !s.groups.is_empty() {
        line(&mut rows, "armed groups", s.groups.len().to_string());
        for (name, g) in &s.groups {
            line(
                &mut rows,
                &format!("  {name}"),
                format!(
                    "{} people at the start (about {} agents), arms {}{}",
                    thousands(g.initial_people),
                    thousands((g.initial_people / ppa).round()),
                    g.arms,
                    if g.state_backed { ", state-backed" } else { "" }
                ),
            );
        }
    }
    if !s.missions.is_empty() {
        line(&mut rows, "missions", s.missions.len().to_string());
        for (name, m) in &s.missions {
            line(
                &mut rows,
                &format!("  {name}"),
                format!("staff {}", m.staff),
            );
        }
    }
    if f.max_persons as f64 > f.persons {
        line(
            &mut rows,
            "births",
            format!("up to {} persons", thousands(f.max_persons as f64)),
        );
    }
    let series = f.series_bytes_per_tick * (s.ticks as u64 + 1);
    line(
        &mut rows,
        "memory",
        format!(
            "about {} per replicate, plus {} of time series for {} ticks",
            human_bytes(f.model_bytes),
            human_bytes(series),
            s.ticks
        ),
    );
    if !s.timeline.is_empty() {
        line(
            &mut rows,
            "timeline",
            format!("{} change(s)", s.timeline.len()),
        );
    }
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = format!("{}: valid\n", s.name);
    for (k, v) in rows {
        out.push_str(&format!("  {k:<width$}  {v}\n"));
    }
    out
}

/// `1234567` → `1,234,567` (rounded to a whole number).
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Physical memory, where the system says (Linux).
pub(super) fn machine_memory() -> Option<u64> {
    let text = std::fs::read_to_string(Path::new("/proc/meminfo")).ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_validates_under_its_new_name() {
        let text = starter("my-model", "my-model.toml");
        let s = Scenario::from_toml_str(&text, "my-model.toml").unwrap();
        assert_eq!(s.name, "my-model");
        // issue 12: the header told the user to validate `starter.toml`
        assert!(text.contains("impunity validate my-model.toml"), "{text}");
        assert!(text.contains("into out/my-model/"), "{text}");
        assert!(!text.contains("starter.toml"), "{text}");
    }

    #[test]
    fn long_descriptions_are_shortened() {
        assert_eq!(shorten("short\ntext", 400), "short text");
        let long = "x".repeat(1000);
        assert_eq!(
            shorten(&long, 400),
            format!("{}… (600 more characters)", "x".repeat(400))
        );
    }

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1120.0), "1,120");
        assert_eq!(thousands(1234567.4), "1,234,567");
    }

    #[test]
    fn the_summary_of_run2() {
        let s = presets::get("epstein-run2").unwrap();
        let text = summary(&s);
        assert!(text.starts_with("epstein-run2: valid\n"), "{text}");
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in [
            "world 40 x 40 = 1,600 cells, torus",
            "persons 1,120 (density 0.7); 1 agent = 1 person",
            "cops 64 (vision 7)",
        ] {
            assert!(words.contains(want), "{want:?} not in\n{text}");
        }
        // labels and values line up in two columns
        let starts: Vec<usize> = text
            .lines()
            .skip(1)
            .map(|l| {
                let t = l.trim_start();
                let rest = &t[t.find("  ").unwrap()..];
                l.len() - rest.trim_start().len()
            })
            .collect();
        assert!(starts.iter().all(|&c| c == starts[0]), "{text}");
    }
}
