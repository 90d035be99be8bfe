//! `impunity serve`: the web explorer's endpoints, over plain HTTP/1.1 on a `TcpStream`
//! (docs/serve.md). The browser test of the page itself is tests/browser/.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server started for one test, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_impunity"))
            .args(["serve", "--port", "0", "--threads", "2"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("impunity serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("http://")
            .and_then(|s| s.strip_suffix('/'))
            .unwrap_or_else(|| panic!("serve printed `{line}`, not its URL"))
            .to_string();
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        Server { child, addr }
    }

    /// Sends `GET path` and returns the open connection, the request sent.
    fn open(&self, path: &str) -> TcpStream {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        s
    }

    /// `GET path`: status, headers (lower-case) and the body, de-chunked.
    fn get(&self, path: &str) -> (u16, String, String) {
        let mut raw = Vec::new();
        self.open(path).read_to_end(&mut raw).unwrap();
        parse(&raw)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse(raw: &[u8]) -> (u16, String, String) {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a whole response");
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let head = head.to_ascii_lowercase();
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, head, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The events (name, data) of a server-sent-event body.
fn events(body: &str) -> Vec<(String, String)> {
    body.split("\n\n")
        .filter_map(|block| {
            let mut name = None;
            let mut data = String::new();
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = Some(n.to_string());
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data.push_str(d);
                }
            }
            name.map(|n| (n, data))
        })
        .collect()
}

const SMALL: &str = "policy.impunity=0.3&policy.field_oversight=true&scale=100&ticks=60&replicates=2&seed=3&interval=50";

#[test]
fn serve_page_assets_and_scenario() {
    let srv = Server::start();
    let (status, head, body) = srv.get("/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(body.contains("<script src=\"app.js\">") && body.contains("impunity explorer"));
    let (status, _, js) = srv.get("/app.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource"));
    assert_eq!(srv.get("/style.css").0, 200);
    assert_eq!(srv.get("/no-such-page").0, 404);
    let (status, _, info) = srv.get("/api/scenario");
    assert_eq!(status, 200);
    let info: Value = serde_json::from_str(&info).unwrap();
    assert_eq!(info["name"], "central-mali-2018");
    let knobs = info["knobs"].as_array().unwrap();
    let keys: Vec<&str> = knobs.iter().map(|k| k["key"].as_str().unwrap()).collect();
    for k in [
        "policy.impunity",
        "policy.militia_arming",
        "policy.amnesty.scope",
        "policy.amnesty.in_force",
        "policy.field_oversight",
        "policy.disarmament.target",
    ] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }
    // the timeline's change of impunity is told, with its date and value
    let imp = &knobs[keys.iter().position(|k| *k == "policy.impunity").unwrap()];
    assert_eq!(imp["baseline"], "0.95");
    assert_eq!(imp["timeline"][0]["when"], "2018-06-20");
    assert_eq!(imp["timeline"][0]["value"], "0.8");
}

#[test]
fn serve_bad_parameters_are_400_with_a_message() {
    let srv = Server::start();
    for (query, says) in [
        ("replicates=100000&policy.impunity=0.5", "replicates=100000"),
        ("policy.impunity=2", "policy.impunity=2: out of range"),
        ("policy.impunity=0.5&seed=abc", "seed=abc"),
        ("policy.impunity=0.5&ticks=0", "ticks=0"),
        ("policy.impunity=0.5&scale=1", "scale=1"),
        ("policy.impunity=0.5&out=/etc", "unknown parameter `out`"),
        ("policy.amnesty.in_force=maybe", "expected true or false"),
        ("seed=4", "no knob given"),
    ] {
        for endpoint in ["/api/run", "/api/command"] {
            let (status, head, body) = srv.get(&format!("{endpoint}?{query}"));
            assert_eq!(status, 400, "{endpoint}?{query}: {body}");
            assert!(head.contains("application/json"), "{head}");
            let v: Value = serde_json::from_str(&body).unwrap();
            let m = v["error"].as_str().unwrap();
            assert!(m.contains(says), "{query}: `{m}` should say `{says}`");
        }
    }
    // still serving
    assert_eq!(srv.get("/").0, 200);
}

#[test]
fn serve_run_gives_the_numbers_of_impunity_compare() {
    let srv = Server::start();
    let (status, head, body) = srv.get(&format!("/api/run?{SMALL}"));
    assert_eq!(status, 200);
    assert!(head.contains("text/event-stream"), "{head}");
    let evs = events(&body);
    assert_eq!(evs[0].0, "start");
    let (last, data) = evs.last().unwrap();
    assert_eq!(last, "result", "{evs:?}");
    let r: Value = serde_json::from_str(data).unwrap();
    let command = r["command"].as_str().unwrap();
    assert_eq!(
        command,
        "impunity compare central-mali-2018 --set world.people_per_agent=100 --variant \
         chosen:policy.impunity=0.3,policy.field_oversight=true --seed 3 --replicates 2 --ticks 60"
    );
    // the command line it shows, run in a terminal, writes the same compare.csv and outcomes.csv
    let dir = std::env::temp_dir().join(format!("impunity-serve-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_impunity"))
        .args(&args)
        .args(["--out", dir.to_str().unwrap(), "--charts", "none", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in ["compare.csv", "outcomes.csv"] {
        let cli = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(r["csv"][file].as_str().unwrap(), cli, "{file}");
    }
    // and the numbers the page draws are those of compare.csv
    let cli = std::fs::read_to_string(dir.join("compare.csv")).unwrap();
    let row = cli
        .lines()
        .find(|l| l.starts_with("chosen,killed_civilians_total,"))
        .unwrap();
    let cols: Vec<f64> = row.split(',').skip(2).map(|x| x.parse().unwrap()).collect();
    let shown = r["comparison"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["outcome"] == "killed_civilians_total")
        .unwrap();
    assert_eq!(shown["baseline_mean"].as_f64().unwrap(), cols[1]);
    assert_eq!(shown["variant_mean"].as_f64().unwrap(), cols[2]);
    assert_eq!(shown["diff_mean"].as_f64().unwrap(), cols[3]);
    assert_eq!(shown["ci_low"].as_f64().unwrap(), cols[5]);
    // fan-chart series: both points, a band around the mean
    let s = &r["series"]["legitimacy_peul"]["points"];
    for p in ["baseline", "chosen"] {
        let (m, lo, hi) = (&s[p]["mean"], &s[p]["p5"], &s[p]["p95"]);
        let n = m.as_array().unwrap().len();
        assert_eq!(n, 61);
        for t in 0..n {
            let (m, lo, hi) = (
                m[t].as_f64().unwrap(),
                lo[t].as_f64().unwrap(),
                hi[t].as_f64().unwrap(),
            );
            assert!(lo <= m && m <= hi, "{p} tick {t}: {lo} {m} {hi}");
        }
    }
    assert!(r["map"]["values"]["chosen"]["mopti"].is_number());
    // deterministic: the same parameters give the same bytes
    let again = srv.get(&format!("/api/run?{SMALL}")).2;
    assert_eq!(events(&again).last().unwrap().1, *data);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 18: the page draws results while the run goes on. A run of 12 replicates a side,
/// watched every 50 ms, sends `partial` events: each the result's JSON (series, comparison,
/// map) of the replicates whose baseline and variant are both done, fewer than 12 and more
/// each time, without downloads; then the whole `result`.
#[test]
fn serve_streams_partial_results_as_replicates_finish() {
    let srv = Server::start();
    let (status, _, body) =
        srv.get("/api/run?policy.impunity=0.3&scale=100&ticks=60&replicates=12&seed=4&interval=50");
    assert_eq!(status, 200);
    let evs = events(&body);
    let partials: Vec<Value> = evs
        .iter()
        .filter(|(e, _)| e == "partial")
        .map(|(_, d)| serde_json::from_str(d).unwrap())
        .collect();
    assert!(
        !partials.is_empty(),
        "no partial result in {} events",
        evs.len()
    );
    let mut last = 0;
    for p in &partials {
        let k = p["replicates"].as_u64().unwrap();
        assert!(last < k && k < 12, "{last} then {k}");
        last = k;
        assert_eq!(p["partial"], true);
        assert_eq!(p["replicates_total"], 12);
        assert!(p.get("csv").is_none());
        let c = p["comparison"].as_array().unwrap();
        assert!(c.iter().all(|row| row["n"] == k), "{c:?}");
        assert!(p["series"]["legitimacy_peul"]["points"]["chosen"]["mean"].is_array());
    }
    let (end, data) = evs.last().unwrap();
    assert_eq!(end, "result");
    let r: Value = serde_json::from_str(data).unwrap();
    assert_eq!(r["replicates"], 12);
    assert!(r.get("partial").is_none());
    // A partial result of k replicates is the whole result of a run of k replicates.
    let p = partials.last().unwrap();
    let k = p["replicates"].as_u64().unwrap();
    let (status, _, body) = srv.get(&format!(
        "/api/run?policy.impunity=0.3&scale=100&ticks=60&replicates={k}&seed=4&interval=10000"
    ));
    assert_eq!(status, 200);
    let evs = events(&body);
    let whole: Value = serde_json::from_str(&evs.last().unwrap().1).unwrap();
    for key in ["comparison", "series", "map"] {
        assert_eq!(p[key], whole[key], "{key} of {k} replicates");
    }
}

/// A run long enough not to finish within the test (central Mali at 10 people per agent,
/// ten years, 200 replicates a side).
const LONG: &str = "policy.impunity=0.5&scale=10&ticks=3650&replicates=200&seed=1&interval=50";

/// Reads a stream until its first `progress` event.
fn until_progress(s: &mut TcpStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("event: progress") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "{}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn serve_cancels_runs_whose_page_went_away() {
    let srv = Server::start();
    // take both places (the server runs at most two at once) with long runs ...
    let mut a = srv.open(&format!("/api/run?{LONG}&client=a"));
    let mut b = srv.open(&format!("/api/run?{LONG}&client=b"));
    until_progress(&mut a);
    until_progress(&mut b);
    // ... a third is refused while they run
    let (status, _, body) = srv.get(&format!("/api/run?{SMALL}&client=c"));
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("runs are going on"), "{body}");
    // the pages go away: their runs stop, and a small run gets a place
    drop(a);
    drop(b);
    let start = Instant::now();
    loop {
        let (status, _, body) = srv.get(&format!("/api/run?{SMALL}&client=c"));
        if status == 200 {
            assert_eq!(events(&body).last().unwrap().0, "result");
            break;
        }
        assert_eq!(status, 503);
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the dropped runs still hold their places"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn serve_a_clients_second_run_cancels_its_first() {
    let srv = Server::start();
    let mut first = srv.open(&format!("/api/run?{LONG}&client=same"));
    until_progress(&mut first);
    let (status, _, body) = srv.get(&format!("/api/run?{SMALL}&client=same"));
    assert_eq!(status, 200);
    assert_eq!(events(&body).last().unwrap().0, "result");
    // the first stream ends with `failed: cancelled`
    let mut rest = Vec::new();
    first.read_to_end(&mut rest).unwrap();
    let rest = String::from_utf8_lossy(&rest);
    assert!(
        rest.contains("event: failed") && rest.contains("{\"error\":\"cancelled\"}"),
        "{rest}"
    );
}
