//! Charts: drawn for `impunity run` and `impunity chart`, for sweep and compare files, valid PNG
//! and SVG files of the stated size, and no panic on empty, single-replicate or single-tick
//! outputs (issue 6).

use impunity::charts::{self, ChartOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impunity"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("impunity-charts-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Width and height from a PNG's signature and IHDR chunk.
fn png_size(p: &Path) -> (u32, u32) {
    let b = std::fs::read(p).unwrap();
    assert!(b.len() > 33, "{} is too short for a PNG", p.display());
    assert_eq!(
        &b[..8],
        b"\x89PNG\r\n\x1a\n",
        "{}: PNG signature",
        p.display()
    );
    assert_eq!(&b[12..16], b"IHDR", "{}: first chunk", p.display());
    let be = |k: usize| u32::from_be_bytes([b[k], b[k + 1], b[k + 2], b[k + 3]]);
    (be(16), be(20))
}

/// Width and height of an SVG's root element.
fn svg_size(p: &Path) -> (u32, u32) {
    let t = std::fs::read_to_string(p).unwrap();
    let start = t
        .find("<svg")
        .unwrap_or_else(|| panic!("{}: no <svg", p.display()));
    let root = &t[start..start + t[start..].find('>').unwrap()];
    let attr = |name: &str| -> u32 {
        let k = root.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        root[k..k + root[k..].find('"').unwrap()].parse().unwrap()
    };
    assert!(
        t.trim_end().ends_with("</svg>"),
        "{}: unterminated",
        p.display()
    );
    (attr("width"), attr("height"))
}

fn names(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn run_draws_charts_and_chart_redraws_them_as_svg() {
    let d = tmpdir("run");
    let o = bin(&[
        "run",
        "epstein-run2",
        "--ticks",
        "30",
        "--replicates",
        "3",
        "--snapshots",
        "0,10",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.lines().any(|l| l.trim_start().starts_with("active ")
            && l.chars().any(|c| ('▁'..='█').contains(&c))),
        "no sparkline for active in:\n{stdout}"
    );
    for f in [
        "fan-active.png",
        "fan-jailed.png",
        "replicate-0.png",
        "lattice-r0-t0000.png",
        "lattice-r0-t0010.png",
    ] {
        assert_eq!(png_size(&d.join("charts").join(f)), (1000, 600), "{f}");
    }
    assert!(d.join("snapshots/r0-t0010.pgm").exists());

    let o = bin(&[
        "chart",
        d.to_str().unwrap(),
        "--svg",
        "--chart-width",
        "800",
        "--chart-height",
        "500",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["fan-active.svg", "replicate-0.svg", "lattice-r0-t0010.svg"] {
        assert_eq!(svg_size(&d.join("charts").join(f)), (800, 500), "{f}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn run_with_no_charts_draws_none() {
    let d = tmpdir("nocharts");
    let o = bin(&[
        "run",
        "epstein-run1",
        "--ticks",
        "3",
        "--no-charts",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!d.join("charts").exists());
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn chart_on_a_missing_directory_is_bad_input() {
    let o = bin(&["chart", "/nonexistent/impunity-dir"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn conflict_run_draws_key_metrics_and_the_region_map_in_people() {
    let d = tmpdir("mali");
    let o = bin(&[
        "run",
        "central-mali-2018",
        "--ticks",
        "8",
        "--replicates",
        "2",
        "--set",
        "world.people_per_agent=200",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("(people;"), "{stdout}");
    for f in [
        "fan-killed-civilians.png",
        "fan-legitimacy.png",
        "fan-fighters.png",
        "replicate-0.png",
        "map-killings.png",
    ] {
        assert_eq!(png_size(&d.join("charts").join(f)), (1000, 600), "{f}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

const OUTCOMES_2: &str =
    "point,policy.impunity,policy.amnesty.scope,replicate,civilians_killed,legitimacy_peul
0,0,0,0,100,0.8
0,0,0,1,120,0.78
1,0.5,0,0,150,0.7
1,0.5,0,1,170,0.69
2,0,1,0,140,0.75
2,0,1,1,130,0.74
3,0.5,1,0,220,0.6
3,0.5,1,1,260,0.58
";

const OUTCOMES_1: &str = "point,policy.impunity,replicate,civilians_killed
0,0,0,100
0,0,1,120
0,0,2,90
1,0.5,0,150
1,0.5,1,170
1,0.5,2,160
2,1,0,300
2,1,1,250
2,1,2,280
";

const COMPARE: &str =
    "variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower
no-arming,civilians_killed,20,300,220,-80,40,-98.7,-61.3,0.95
disarm-dozo,civilians_killed,20,300,310,10,50,-13.4,33.4,0.4
no-arming,legitimacy_peul,20,0.6,0.65,0.05,0.02,0.041,0.059,0.1
";

#[test]
fn sweep_and_compare_files_give_heat_maps_lines_and_forest_plots() {
    let d = tmpdir("sweep2");
    std::fs::write(d.join("outcomes.csv"), OUTCOMES_2).unwrap();
    std::fs::write(d.join("compare.csv"), COMPARE).unwrap();
    // a comparison's directory: forest plots (its outcomes are not a sweep to map)
    let w = charts::draw_dir(&d, &ChartOptions::default()).unwrap();
    assert_eq!(
        names(&w),
        ["forest-civilians_killed.png", "forest-legitimacy_peul.png"]
    );
    std::fs::remove_file(d.join("compare.csv")).unwrap();
    let w = charts::draw_dir(&d, &ChartOptions::default()).unwrap();
    assert_eq!(
        names(&w),
        ["sweep-civilians_killed.png", "sweep-legitimacy_peul.png"]
    );
    for p in &w {
        assert_eq!(png_size(p), (1000, 600));
    }
    let one = charts::sweep_heatmap(
        &d.join("outcomes.csv"),
        Some("legitimacy_peul"),
        &d.join("svg"),
        &ChartOptions::default().svg().size(640, 480),
    )
    .unwrap();
    assert_eq!(names(&one), ["sweep-legitimacy_peul.svg"]);
    assert_eq!(svg_size(&one[0]), (640, 480));
    std::fs::remove_dir_all(&d).unwrap();

    let d = tmpdir("sweep1");
    std::fs::write(d.join("outcomes.csv"), OUTCOMES_1).unwrap();
    let w = charts::draw_dir(&d, &ChartOptions::default().svg()).unwrap();
    assert_eq!(names(&w), ["sweep-civilians_killed.svg"]);
    assert_eq!(svg_size(&w[0]), (1000, 600));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn empty_single_replicate_and_single_tick_outputs_do_not_panic() {
    let opts = ChartOptions::default();
    // nothing at all
    let d = tmpdir("empty");
    assert!(charts::draw_dir(&d, &opts).unwrap().is_empty());
    // empty files, and header-only files
    for (ts, oc, cmp) in [
        ("", "", ""),
        (
            "replicate,tick,quiescent,active,jailed,cops\n",
            "point,a,b,replicate,x\n",
            "variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower\n",
        ),
    ] {
        std::fs::write(d.join("timeseries.csv"), ts).unwrap();
        std::fs::write(d.join("outcomes.csv"), oc).unwrap();
        std::fs::write(d.join("compare.csv"), cmp).unwrap();
        std::fs::write(d.join("events.csv"), "").unwrap();
        assert!(charts::draw_dir(&d, &opts).unwrap().is_empty());
    }
    // a single tick, a single replicate
    std::fs::write(
        d.join("timeseries.csv"),
        "replicate,tick,quiescent,active,jailed,cops\n0,0,10,0,0,1\n",
    )
    .unwrap();
    std::fs::remove_file(d.join("outcomes.csv")).unwrap();
    std::fs::remove_file(d.join("compare.csv")).unwrap();
    let w = charts::draw_dir(&d, &opts).unwrap();
    assert!(names(&w).contains(&"replicate-0.png".to_string()));
    for p in &w {
        assert_eq!(png_size(p), (1000, 600));
    }
    // a single point of a sweep, with one replicate; a compare row with NaN
    std::fs::write(d.join("outcomes.csv"), "point,a,replicate,x\n0,1,0,5\n").unwrap();
    std::fs::write(
        d.join("compare.csv"),
        "variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower\nv,x,1,1,1,0,nan,nan,nan,0\n",
    )
    .unwrap();
    charts::draw_dir(&d, &opts).unwrap();
    // the summary of an empty file is empty
    let ts = charts::Timeseries::parse("").unwrap();
    assert_eq!(charts::summary(&ts, &charts::RunInfo::default()), "");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn calendar_runs_show_dates_and_the_files_unit() {
    // the files of a conflict run are in people already (issue 12): the charts show them as
    // they are, in the manifest's unit, and never scale them again
    let d = tmpdir("dates");
    std::fs::write(
        d.join("timeseries.csv"),
        "replicate,tick,date,killed_civilians_state,legitimacy_peul\n\
         0,0,2018-01-01,0,0.8\n0,1,2018-01-02,20,0.7\n1,0,2018-01-01,0,0.8\n1,1,2018-01-02,40,0.6\n",
    )
    .unwrap();
    std::fs::write(
        d.join("manifest.json"),
        r#"{"people_per_agent": 10.0, "count_unit": "people"}"#,
    )
    .unwrap();
    let info = charts::RunInfo::read(&d).unwrap();
    let ts = charts::Timeseries::read(&d.join("timeseries.csv")).unwrap();
    assert_eq!(ts.dates, ["2018-01-01", "2018-01-02"]);
    let s = charts::summary(&ts, &info);
    // median of cumulative 20 and 40 people
    assert!(s.contains("end 30"), "{s}");
    assert!(
        !s.contains("end 300"),
        "never multiplied by people_per_agent: {s}"
    );
    let w = charts::draw_dir(&d, &ChartOptions::default().svg()).unwrap();
    let fan = std::fs::read_to_string(d.join("charts/fan-killed-civilians.svg")).unwrap();
    assert!(fan.contains("2018-01-01"), "dates on the time axis");
    assert!(
        fan.lines().any(|l| l.trim() == "people"),
        "counts in people"
    );
    assert!(!w.is_empty());
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn fan_bands_are_exact_percentiles_of_the_replicates() {
    // five replicates, values 0, 10, 20, 30, 40 at tick 1
    let mut text = String::from("replicate,tick,active\n");
    for r in 0..5 {
        text.push_str(&format!("{r},0,0\n{r},1,{}\n", r * 10));
    }
    let ts = charts::Timeseries::parse(&text).unwrap();
    let series: Vec<Vec<f64>> = (0..5)
        .map(|k| ts.series(k, "active").unwrap().to_vec())
        .collect();
    let b = charts::Bands::of(&series);
    assert_eq!(b.p50[1], 20.0);
    assert_eq!(b.p25[1], 10.0);
    assert_eq!(b.p5[1], 2.0);
    assert_eq!(b.p95[1], 38.0);
}

/// A comparison's files, written by hand: the baseline's actives reach 500, the variant's 5.
fn compare_dir(tag: &str) -> PathBuf {
    let d = tmpdir(tag);
    let mut ts = String::from("point,replicate,tick,active,jailed\n");
    for (p, top) in [(0, 500), (1, 5)] {
        for r in 0..2 {
            ts.push_str(&format!(
                "{p},{r},0,0,0\n{p},{r},1,{top},1\n{p},{r},2,{top},2\n"
            ));
        }
    }
    std::fs::write(d.join("timeseries.csv"), ts).unwrap();
    std::fs::write(
        d.join("points.csv"),
        "point,variant\n0,baseline\n1,accountable\n",
    )
    .unwrap();
    d
}

#[test]
fn compare_time_series_charts_draw_every_point_labelled() {
    // issue 12: `point` was read as a metric and each point's rows overwrote the previous
    // point's, so the charts showed the last variant alone
    let d = compare_dir("cmp-points");
    let w = charts::draw_dir(&d, &ChartOptions::default().svg()).unwrap();
    assert_eq!(
        names(&w),
        [
            "fan-active.svg",
            "fan-jailed.svg",
            "replicate-0-p0.svg",
            "replicate-0-p1.svg"
        ]
    );
    let fan = std::fs::read_to_string(d.join("charts/fan-active.svg")).unwrap();
    for label in ["baseline", "accountable"] {
        assert!(fan.contains(label), "fan-active.svg has no `{label}`");
    }
    assert!(!fan.contains(">point<"), "`point` drawn as a metric");
    // the y axis reaches the baseline's 500, not only the variant's 5
    assert!(
        fan.lines().any(|l| l.trim() == "500" || l.trim() == "400"),
        "fan-active.svg's axis does not reach the baseline's values"
    );
    let r0 = std::fs::read_to_string(d.join("charts/replicate-0-p0.svg")).unwrap();
    assert!(r0.contains("baseline, replicate 0"), "{r0}");
    let r1 = std::fs::read_to_string(d.join("charts/replicate-0-p1.svg")).unwrap();
    assert!(r1.contains("accountable, replicate 0"));
    // a plain run's reader refuses several points rather than mixing them
    assert!(charts::Timeseries::read(&d.join("timeseries.csv")).is_err());
    let p = charts::Timeseries::read_points(&d.join("timeseries.csv")).unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].1.metrics, ["active", "jailed"]);
    assert_eq!(p[0].1.series(0, "active").unwrap(), &[0.0, 500.0, 500.0]);
    assert_eq!(p[1].1.series(0, "active").unwrap(), &[0.0, 5.0, 5.0]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn compare_region_maps_count_each_point_alone() {
    // issue 12: map-killings.png added up every point (269 people for a cercle whose
    // baseline alone had 75)
    let s = impunity::presets::get("central-mali-2018").unwrap();
    let region = s
        .world
        .regions
        .as_ref()
        .unwrap()
        .legend
        .values()
        .next()
        .unwrap()
        .clone();
    let d = compare_dir("cmp-map");
    let manifest = serde_json::json!({
        "scenario": s.name,
        "people_per_agent": 1.0,
        "replicates": 1,
        "scenario_toml": s.to_toml_string(),
    });
    std::fs::write(d.join("manifest.json"), manifest.to_string()).unwrap();
    let header = "point,event_id,replicate,tick,date,region,x,y,event_type,sub_event_type,actor1,actor2,victim_community,fatalities";
    let mut ev = format!("{header}\n");
    for (p, f) in [(0, 75), (1, 194)] {
        ev.push_str(&format!(
            "{p},0,0,1,2018-01-02,{region},1,1,violence against civilians,attack,jnim,dogon civilians,dogon,{f}\n"
        ));
    }
    std::fs::write(d.join("events.csv"), ev).unwrap();
    let w = charts::draw_dir(&d, &ChartOptions::default().svg()).unwrap();
    let maps: Vec<String> = names(&w)
        .into_iter()
        .filter(|n| n.starts_with("map-"))
        .collect();
    assert_eq!(maps, ["map-killings-p0.svg", "map-killings-p1.svg"]);
    let m0 = std::fs::read_to_string(d.join("charts/map-killings-p0.svg")).unwrap();
    assert!(m0.contains("baseline"));
    let has = |svg: &str, text: &str| svg.lines().any(|l| l.trim() == text);
    assert!(has(&m0, &format!("{region}: 75")), "baseline's own 75");
    assert!(!has(&m0, &format!("{region}: 269")), "points added up");
    let m1 = std::fs::read_to_string(d.join("charts/map-killings-p1.svg")).unwrap();
    assert!(has(&m1, &format!("{region}: 194")));
    std::fs::remove_dir_all(&d).unwrap();
}
