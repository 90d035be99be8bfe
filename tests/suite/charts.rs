//! Charts: drawn for `impunity run` and `impunity chart`, for sweep and compare files, valid PNG
//! and SVG files of the stated size, and no panic on empty, single-replicate or single-tick
//! outputs (issue 6).

use impunity::charts::{self, ChartOptions, ChartSet};
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
fn chart_on_a_directory_with_nothing_to_draw_is_bad_input() {
    let d = tmpdir("empty");
    std::fs::create_dir_all(&d).unwrap();
    let o = bin(&["chart", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("nothing to draw"), "{err}");
    assert!(
        std::fs::read_dir(&d).unwrap().next().is_none(),
        "nothing written"
    );
    std::fs::remove_dir_all(&d).unwrap();
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
    assert_eq!(names(&w), ["forest.png"]);
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
        "replicate,tick,date,new_killed_civilians_state,legitimacy_peul\n\
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

/// The text of every `<text>` element of an SVG file, trimmed, in order.
fn svg_texts(p: &Path) -> Vec<String> {
    let t = std::fs::read_to_string(p).unwrap();
    let mut out = Vec::new();
    let mut rest = t.as_str();
    while let Some(k) = rest.find("<text") {
        rest = &rest[k..];
        let open = rest.find('>').unwrap() + 1;
        let close = rest.find("</text>").unwrap();
        out.push(rest[open..close].trim().to_string());
        rest = &rest[close..];
    }
    out
}

/// The texts of an SVG that are plain numbers (commas as thousands separators allowed).
fn numbers(texts: &[String]) -> Vec<(String, f64)> {
    texts
        .iter()
        .filter_map(|t| {
            t.replace(',', "")
                .parse::<f64>()
                .ok()
                .map(|v| (t.clone(), v))
        })
        .collect()
}

fn decimals(t: &str) -> usize {
    t.split_once('.').map_or(0, |(_, f)| f.len())
}

#[test]
fn heat_maps_have_labels_the_statistic_an_interval_and_round_ticks() {
    // issue 12: "mean final_killed_civilians_s" titles, cells mixing "1,313" and "1340",
    // colour-bar ticks like 6.833, no uncertainty
    let d = tmpdir("heat");
    std::fs::write(d.join("outcomes.csv"), OUTCOMES_2).unwrap();
    let w = charts::draw_dir(&d, &ChartOptions::default().svg()).unwrap();
    assert_eq!(
        names(&w),
        ["sweep-civilians_killed.svg", "sweep-legitimacy_peul.svg"]
    );
    let t = svg_texts(&w[0]);
    assert!(
        t.iter().all(|x| !x.contains("civilians_killed")),
        "a raw column name is shown: {t:?}"
    );
    assert!(
        t.iter().any(|x| x.starts_with("Civilians killed: mean by")),
        "{t:?}"
    );
    assert!(
        t.iter().any(|x| x == "Civilians killed"),
        "colour-bar title: {t:?}"
    );
    assert!(t.iter().any(|x| x == "mean over 2 replicates"), "{t:?}");
    // every cell: the mean, and ± the half-width of its 95 % interval, in one format
    let pm: Vec<&String> = t.iter().filter(|x| x.starts_with("± ")).collect();
    assert_eq!(pm.len(), 4, "{t:?}");
    // point 3: 220 and 260 -> mean 240, half-width 12.706 * 28.28 / sqrt 2 = 254.1
    let k = t.iter().position(|x| x == "240").expect("mean 240");
    assert_eq!(t[k + 1], "± 254");
    let dec = decimals(&pm[0][2..]);
    assert!(pm.iter().all(|x| decimals(&x[2..]) == dec));
    // the legitimacy heat map: means near 0.6-0.8, every cell with the same decimals
    let t = svg_texts(&w[1]);
    let cells: Vec<&String> = t
        .iter()
        .zip(t.iter().skip(1))
        .filter(|(_, next)| next.starts_with("± "))
        .map(|(x, _)| x)
        .collect();
    assert_eq!(cells.len(), 4);
    assert!(
        cells.iter().all(|c| decimals(c) == decimals(cells[0])),
        "{cells:?}"
    );
    // the colour bar, drawn last: round ticks (a step of 1, 2 or 5 times a power of ten)
    // from at most the smallest mean (110) to at least the largest (240)
    let t = svg_texts(&w[0]);
    let k = t
        .iter()
        .position(|x| x == "mean over 2 replicates")
        .unwrap();
    let ticks: Vec<f64> = numbers(&t[k + 1..]).into_iter().map(|(_, v)| v).collect();
    assert!(ticks.len() >= 3, "{:?}", &t[k..]);
    let step = ticks[1] - ticks[0];
    assert!(
        [1.0, 2.0, 5.0].iter().any(|m| {
            let e = (step / m).log10();
            (e - e.round()).abs() < 1e-9
        }),
        "step {step}"
    );
    assert!(
        ticks.windows(2).all(|w| (w[1] - w[0] - step).abs() < 1e-9),
        "{ticks:?}"
    );
    assert!(
        ticks[0] <= 110.0 && *ticks.last().unwrap() >= 240.0,
        "{ticks:?}"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn the_one_key_sweep_line_shows_the_mean_and_its_interval() {
    let d = tmpdir("knob");
    std::fs::write(d.join("outcomes.csv"), OUTCOMES_1).unwrap();
    let w = charts::draw_dir(&d, &ChartOptions::default().svg()).unwrap();
    let t = svg_texts(&w[0]);
    assert!(
        t.iter()
            .any(|x| x.contains("mean (line) and its 95 % confidence interval")),
        "{t:?}"
    );
    assert!(
        t.iter()
            .any(|x| x == "Civilians killed against policy.impunity"),
        "{t:?}"
    );
    assert!(!t.iter().any(|x| x.contains("median")), "{t:?}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn one_forest_plot_holds_every_outcome_and_variant_with_n() {
    // issue 12: one outcome per file, the zero line crossing the labels, n not shown
    let d = tmpdir("forest");
    std::fs::write(d.join("compare.csv"), COMPARE).unwrap();
    let w = charts::draw_dir(&d, &ChartOptions::default().svg()).unwrap();
    assert_eq!(names(&w), ["forest.svg"]);
    let t = svg_texts(&w[0]);
    for x in ["Civilians killed", "Legitimacy peul"] {
        assert!(t.iter().any(|y| y == x), "no panel `{x}`: {t:?}");
    }
    assert_eq!(t.iter().filter(|x| *x == "no-arming").count(), 2);
    assert_eq!(t.iter().filter(|x| *x == "disarm-dozo").count(), 1);
    let with_n: Vec<&String> = t.iter().filter(|x| x.contains("n = 20")).collect();
    assert_eq!(with_n.len(), 3, "{t:?}");
    assert!(
        with_n
            .iter()
            .any(|x| x.starts_with("-80 [-99, -61]") || x.starts_with("-80.0 [-98.7, -61.3]")),
        "{with_n:?}"
    );
    // the variant names end left of every dot (so of the zero line, inside the plot)
    let svg = std::fs::read_to_string(&w[0]).unwrap();
    let attr = |el: &str, name: &str| -> f64 {
        let k = el.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        el[k..k + el[k..].find('"').unwrap()].parse().unwrap()
    };
    let dots: Vec<f64> = svg
        .split("<circle")
        .skip(1)
        .map(|c| attr(&c[..c.find('>').unwrap()], "cx"))
        .collect();
    assert_eq!(dots.len(), 3);
    let min_dot = dots.iter().copied().fold(f64::INFINITY, f64::min);
    for el in svg.split("<text").skip(1) {
        let head = &el[..el.find('>').unwrap()];
        let body = el[el.find('>').unwrap() + 1..el.find("</text>").unwrap()].trim();
        if body == "no-arming" || body == "disarm-dozo" {
            assert!(
                attr(head, "x") < min_dot - 20.0,
                "label over the plot: {head}"
            );
        }
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn every_outcome_s_forest_lists_the_unchanged_ones_instead_of_drawing_them() {
    // a newcomer's trial: `--charts all` drew a panel of dots on the zero line for every
    // outcome no pair changes (4,000 px tall for central Mali)
    let d = tmpdir("forest-all");
    let csv = format!(
        "{COMPARE}no-arming,fighters_jnim_start,20,2000,2000,0,0,0,0,0\n\
         disarm-dozo,fighters_jnim_start,20,2000,2000,0,0,0,0,0\n"
    );
    std::fs::write(d.join("compare.csv"), &csv).unwrap();
    let mut o = ChartOptions::default().svg();
    let w = charts::draw_dir(&d, &o).unwrap();
    let t = svg_texts(&w[0]);
    assert!(
        !t.iter().any(|x| x.contains("Unchanged")),
        "default: left out"
    );
    let default_svg = std::fs::read_to_string(&w[0]).unwrap();
    o.charts = ChartSet::All;
    let w = charts::draw_dir(&d, &o).unwrap();
    let t = svg_texts(&w[0]);
    assert!(
        t.iter()
            .any(|x| x.starts_with("Unchanged in every pair (1)")),
        "{t:?}"
    );
    assert!(t.iter().any(|x| x.contains("jnim")), "{t:?}");
    // no panel, so no dots for it: the same three as without it
    let svg = std::fs::read_to_string(&w[0]).unwrap();
    assert_eq!(svg.matches("<circle").count(), 3);
    assert_eq!(default_svg.matches("<circle").count(), 3);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn calendar_fan_charts_tick_month_starts_and_fit_the_legitimacy_axis() {
    // issue 12: date ticks on odd days; a fixed 0-1 axis flattened a 0.003 change
    let d = tmpdir("months");
    let start = impunity::scenario::Date::parse("2018-01-15").unwrap();
    let mut ts = String::from("replicate,tick,date,legitimacy_peul,legitimacy_dogon\n");
    for r in 0..3 {
        for t in 0..20 {
            let day = start.plus_days(7 * t as i64);
            let l = 0.60 + 0.0005 * t as f64 + 0.0001 * r as f64;
            ts.push_str(&format!("{r},{t},{day},{l},{}\n", l + 0.001));
        }
    }
    std::fs::write(d.join("timeseries.csv"), ts).unwrap();
    charts::draw_dir(&d, &ChartOptions::default().svg()).unwrap();
    let t = svg_texts(&d.join("charts/fan-legitimacy.svg"));
    let dates: Vec<&String> = t
        .iter()
        .filter(|x| impunity::scenario::Date::parse(x).is_some())
        .collect();
    assert!(dates.len() >= 3, "{t:?}");
    assert!(
        dates.iter().all(|x| x.ends_with("-01")),
        "a tick off a month start: {dates:?}"
    );
    assert!(dates.iter().any(|x| *x == "2018-02-01"), "{dates:?}");
    let ys: Vec<f64> = numbers(&t).into_iter().map(|(_, v)| v).collect();
    assert!(!ys.is_empty());
    assert!(
        ys.iter().all(|&v| (0.55..0.65).contains(&v)),
        "the legitimacy axis is not fitted to 0.60-0.61: {ys:?}"
    );
    assert!(
        t.iter().any(|x| x.contains("y axis from 0.")),
        "range said: {t:?}"
    );
    // the legend is beside the plot, not over it: its labels start right of every tick label
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn the_region_map_colour_bar_covers_its_largest_label() {
    // issue 12: the bar stopped at 112 under a label of 113; ticks like 68.12
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
    let d = tmpdir("mapbar");
    let manifest = serde_json::json!({
        "scenario": s.name,
        "count_unit": "people",
        "replicates": 1,
        "scenario_toml": s.to_toml_string(),
    });
    std::fs::write(d.join("manifest.json"), manifest.to_string()).unwrap();
    let header = "event_id,replicate,tick,date,region,x,y,event_type,sub_event_type,actor1,actor2,victim_community,fatalities";
    std::fs::write(
        d.join("events.csv"),
        format!("{header}\n0,0,1,2018-01-02,{region},1,1,violence against civilians,attack,jnim,dogon civilians,dogon,112.6\n"),
    )
    .unwrap();
    let w = charts::draw_dir(&d, &ChartOptions::default().svg()).unwrap();
    assert_eq!(names(&w), ["map-killings.svg"]);
    let t = svg_texts(&w[0]);
    assert!(t.iter().any(|x| *x == format!("{region}: 113")), "{t:?}");
    let ticks = numbers(&t);
    let top = ticks.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    assert!(top >= 113.0, "colour bar stops at {top}: {ticks:?}");
    for (text, v) in &ticks {
        assert!(
            v % 10.0 == 0.0 || v % 20.0 == 0.0 || v % 50.0 == 0.0,
            "tick {text}"
        );
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn chart_set_none_draws_nothing_and_all_draws_constants() {
    let d = tmpdir("sets");
    let oc = "point,a,replicate,killed,fighters_start_jnim\n0,0,0,1,50\n0,0,1,3,50\n1,1,0,5,50\n1,1,1,8,50\n";
    std::fs::write(d.join("outcomes.csv"), oc).unwrap();
    let mut o = ChartOptions::default().svg();
    o.charts = ChartSet::None;
    assert!(charts::draw_dir(&d, &o).unwrap().is_empty());
    assert!(!d.join("charts").exists(), "ChartSet::None wrote a file");
    o.charts = ChartSet::Default;
    assert_eq!(
        names(&charts::draw_dir(&d, &o).unwrap()),
        ["sweep-killed.svg"],
        "a constant outcome is skipped by default"
    );
    o.charts = ChartSet::All;
    assert_eq!(
        names(&charts::draw_dir(&d, &o).unwrap()),
        ["sweep-killed.svg", "sweep-fighters_start_jnim.svg"]
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn outcomes_restrict_labels_and_titles_override_and_unknown_names_are_refused() {
    let d = tmpdir("pick");
    std::fs::write(d.join("outcomes.csv"), OUTCOMES_2).unwrap();
    let mut o = ChartOptions::default().svg();
    o.outcomes = Some(vec!["legitimacy_peul".into()]);
    o.labels
        .insert("legitimacy_peul".into(), "Trust among the Peul".into());
    o.labels.insert("policy.impunity".into(), "impunity".into());
    let w = charts::draw_dir(&d, &o).unwrap();
    assert_eq!(names(&w), ["sweep-legitimacy_peul.svg"]);
    let t = svg_texts(&w[0]);
    assert!(
        t.iter()
            .any(|x| x.starts_with("Trust among the Peul: mean by impunity")),
        "{t:?}"
    );
    // the forest plot too
    std::fs::write(d.join("compare.csv"), COMPARE).unwrap();
    o.titles
        .insert("forest".into(), "Figure 3: what changes".into());
    let w = charts::draw_dir(&d, &o).unwrap();
    let t = svg_texts(&w[0]);
    assert!(t.iter().any(|x| x == "Figure 3: what changes"), "{t:?}");
    assert!(t.iter().any(|x| x == "Trust among the Peul"), "{t:?}");
    assert!(
        !t.iter().any(|x| x == "Civilians killed"),
        "an outcome not chosen: {t:?}"
    );
    // a name the files do not hold
    o.outcomes = Some(vec!["civilians_kiled".into()]);
    let e = charts::draw_dir(&d, &o).unwrap_err().to_string();
    assert!(
        e.contains("civilians_kiled") && e.contains("civilians_killed, legitimacy_peul"),
        "{e}"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn lattice_fighters_are_coloured_by_group() {
    // issue 12: fighters were coloured by community, not by group
    use impunity::snapshot::{Cell, Snapshot};
    let d = tmpdir("lattice");
    let mut cells = vec![Cell::Empty.encode(); 16];
    cells[0] = Cell::Fighter { group: 0 }.encode();
    cells[1] = Cell::Fighter { group: 1 }.encode();
    cells[2] = Cell::Person {
        community: 0,
        state: 0,
    }
    .encode();
    cells[3] = Cell::Person {
        community: 0,
        state: 1,
    }
    .encode();
    let shot = Snapshot {
        replicate: 0,
        tick: 3,
        width: 4,
        height: 4,
        cells,
    };
    shot.write(&d).unwrap();
    let w = charts::draw_dir(&d, &ChartOptions::default().svg()).unwrap();
    let t = svg_texts(&w[0]);
    for l in ["fighter, group 0 (1)", "fighter, group 1 (1)"] {
        assert!(t.iter().any(|x| x == l), "{l}: {t:?}");
    }
    // the two groups' fighters, quiescent and active persons: four different fills
    let svg = std::fs::read_to_string(&w[0]).unwrap();
    let mut fills: Vec<&str> = svg
        .split("fill=\"")
        .skip(1)
        .map(|f| &f[..f.find('"').unwrap()])
        .filter(|f| *f != "#FFFFFF" && *f != "#000000" && *f != "none")
        .collect();
    fills.sort();
    fills.dedup();
    assert!(fills.len() >= 4, "{fills:?}");
    std::fs::remove_dir_all(&d).unwrap();
}
