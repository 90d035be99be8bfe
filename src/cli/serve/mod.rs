//! `impunity serve`: the web explorer (docs/serve.md). A small HTTP server (axum on a tokio
//! runtime of two threads) that serves one page, embedded in the binary, and runs paired
//! comparisons for it on a rayon pool of its own, streaming their progress as server-sent
//! events.
//!
//! Endpoints: `GET /` (the page), `/app.js`, `/style.css`, `GET /api/scenario` (the served
//! scenario, its knobs and the limits), `GET /api/command?PARAMS` (the equivalent command
//! line, or a 400), `GET /api/run?PARAMS` (a run, as an event stream: `start`, `progress`
//! and `partial` (the replicates done so far, drawn as the result is), then `result` or
//! `failed`). Nothing the page sends names a file.

mod job;
mod params;

use super::error::{Result, failed, input};
use super::load::load_scenario;
use axum::Router;
use axum::extract::{Query, State, rejection::QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use impunity::Scenario;
use job::{Job, Shared};
use params::{INTERVAL_RANGE, KNOBS, Kind, MAX_REPLICATES, MAX_TICKS, RunParams, SCALE_RANGE};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const INDEX: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/style.css");

/// Runs at the same time, over all clients; one more is answered 503.
const MAX_RUNS: usize = 2;

/// `impunity serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Preset name or scenario file to explore (the baseline); it must have the policy knobs
    /// of the conflict model.
    #[arg(default_value = "central-mali-2018")]
    scenario: String,
    /// Port to listen on (default: a free one, printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on. Anything but 127.0.0.1 lets other machines start runs.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Worker threads of the simulations (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
}

/// What every handler shares.
struct App {
    scenario: Scenario,
    /// The SCENARIO argument, for the command line.
    name: String,
    pool: Arc<rayon::ThreadPool>,
    /// Runs going on now.
    running: Arc<AtomicUsize>,
    /// The run of each client, to stop it when the same client starts another.
    by_client: Mutex<HashMap<String, Arc<Shared>>>,
}

/// Serves until killed.
pub fn serve(a: ServeArgs) -> Result<()> {
    let scenario = load_scenario(&a.scenario, &[], None)?;
    if params::knobs_of(&scenario).is_empty() {
        return Err(input(format!(
            "{}: has none of the policy knobs the explorer offers ({}); serve a scenario of \
             the conflict model, such as central-mali-2018",
            a.scenario,
            KNOBS.iter().map(|k| k.key).collect::<Vec<_>>().join(", ")
        )));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .thread_name(|i| format!("impunity-sim-{i}"))
        .build()
        .map_err(|e| failed(format!("cannot start worker threads: {e}")))?;
    let listener = std::net::TcpListener::bind((a.host, a.port)).map_err(|e| {
        input(format!(
            "--host {} --port {}: cannot listen: {e}",
            a.host, a.port
        ))
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| failed(format!("cannot listen: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| failed(format!("cannot listen: {e}")))?;
    let app = Arc::new(App {
        scenario,
        name: a.scenario.clone(),
        pool: Arc::new(pool),
        running: Arc::new(AtomicUsize::new(0)),
        by_client: Mutex::new(HashMap::new()),
    });
    let router = Router::new()
        .route(
            "/",
            get(|| async { page(INDEX, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { page(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/style.css",
            get(|| async { page(STYLE, "text/css; charset=utf-8") }),
        )
        .route("/api/scenario", get(scenario_info))
        .route("/api/command", get(command))
        .route("/api/run", get(run))
        .with_state(app);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| failed(format!("cannot start the server: {e}")))?;
    let shown = if addr.ip().is_unspecified() {
        std::net::SocketAddr::new([127, 0, 0, 1].into(), addr.port())
    } else {
        addr
    };
    println!("http://{shown}/");
    let _ = std::io::stdout().flush();
    eprintln!(
        "impunity serve: {} on http://{addr}/ (Ctrl-C stops it)",
        a.scenario
    );
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| failed(format!("cannot listen: {e}")))?;
        axum::serve(listener, router)
            .await
            .map_err(|e| failed(format!("the server stopped: {e}")))
    })
}

fn page(body: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// A JSON error: `{"error": message}` with `status`.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({ "error": message.into() }))).into_response()
}

type Params = std::result::Result<Query<BTreeMap<String, String>>, QueryRejection>;

/// The checked parameters, or the message of the 400 that says what is wrong.
fn parsed(app: &App, q: Params) -> std::result::Result<Job, String> {
    let Query(q) = q.map_err(|e| e.body_text())?;
    let p = RunParams::parse(&q, &app.scenario)?;
    Job::new(&app.scenario, &app.name, p)
}

/// `GET /api/scenario`: the scenario, its knobs (with the baseline's values and the dates on
/// which its timeline changes them) and the limits.
async fn scenario_info(State(app): State<Arc<App>>) -> Response {
    let s = &app.scenario;
    let knobs: Vec<_> = params::knobs_of(s)
        .into_iter()
        .map(|k| {
            let value = s.get(k.key).map(|v| v.to_string());
            let kind = match k.kind {
                Kind::Number { min, max, step } => {
                    json!({"type": "number", "min": min, "max": max, "step": step})
                }
                Kind::Bool => json!({"type": "bool"}),
                Kind::Choice(words) => json!({"type": "choice", "choices": words}),
            };
            json!({
                "key": k.key,
                "label": k.label,
                "kind": kind,
                "baseline": value,
                "timeline": timeline_of(s, k.key),
            })
        })
        .collect();
    axum::Json(json!({
        "name": app.name,
        "title": s.name,
        "ticks": s.ticks,
        "days_per_tick": s.days_per_tick,
        "start_date": s.start_date.map(|d| d.to_string()),
        "scale": s.world.people_per_agent,
        "knobs": knobs,
        "limits": {
            "replicates": MAX_REPLICATES,
            "ticks": MAX_TICKS,
            "scale": [SCALE_RANGE.0, SCALE_RANGE.1],
            "interval_ms": [INTERVAL_RANGE.0, INTERVAL_RANGE.1],
            "runs": MAX_RUNS,
        },
    }))
    .into_response()
}

/// The timeline entries that set `key`: date (or tick) and the value set.
fn timeline_of(s: &Scenario, key: &str) -> Vec<serde_json::Value> {
    s.timeline
        .iter()
        .flat_map(|e| {
            e.set
                .iter()
                .filter(|(k, _)| k.as_str() == key)
                .map(move |(_, v)| {
                    json!({
                        "name": e.name,
                        "when": e.date.map_or_else(
                            || e.at.map_or_else(|| "a range of ticks".into(), |t| format!("tick {t}")),
                            |d| d.to_string(),
                        ),
                        "value": v.to_string(),
                    })
                })
        })
        .collect()
}

/// `GET /api/command?PARAMS`: the equivalent `impunity compare` command line, and what the
/// run would warn about.
async fn command(State(app): State<Arc<App>>, q: Params) -> Response {
    match parsed(&app, q) {
        Ok(job) => {
            axum::Json(json!({"command": job.command, "warnings": job.warnings})).into_response()
        }
        Err(m) => error(StatusCode::BAD_REQUEST, m),
    }
}

/// Takes one place among the [`MAX_RUNS`] and gives it back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(running: &Arc<AtomicUsize>) -> Option<Slot> {
        running
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < MAX_RUNS).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(running.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Cancels the run when the stream is dropped (the page went away or stopped it).
struct CancelOnDrop(Arc<Shared>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel.store(true, Ordering::Relaxed);
    }
}

/// `GET /api/run?PARAMS`: starts a run and streams it. A client's earlier run still going is
/// cancelled first (one run per client). Bad parameters: 400; all places taken: 503.
async fn run(State(app): State<Arc<App>>, q: Params) -> Response {
    let job = match parsed(&app, q) {
        Ok(job) => job,
        Err(m) => return error(StatusCode::BAD_REQUEST, m),
    };
    let client = job.params.client.clone();
    if !client.is_empty() {
        let old = app
            .by_client
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&client);
        if let Some(old) = old {
            old.cancel.store(true, Ordering::Relaxed);
            // wait (briefly) for its place to be given back
            for _ in 0..100 {
                if old
                    .outcome
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .is_some()
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    let Some(slot) = Slot::take(&app.running) else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{MAX_RUNS} runs are going on already; try again when one has finished"),
        );
    };
    let shared = job.shared();
    if !client.is_empty() {
        app.by_client
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(client, shared.clone());
    }
    let start = json!({
        "units": shared.units_total,
        "ticks": shared.ticks_total,
        "command": job.command,
        "warnings": job.warnings,
    });
    let interval = Duration::from_millis(job.params.interval_ms);
    let pool = app.pool.clone();
    let worker = shared.clone();
    let app2 = app.clone();
    std::thread::Builder::new()
        .name("impunity-run".into())
        .spawn(move || {
            let _slot = slot;
            job.run(&pool, &worker);
            // forget the finished run (its results live on in the stream until sent)
            let mut map = app2.by_client.lock().unwrap_or_else(|e| e.into_inner());
            map.retain(|_, s| !Arc::ptr_eq(s, &worker));
        })
        .map(|_| ())
        .unwrap_or_else(|e| {
            *shared.outcome.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(Err(format!("cannot start the run: {e}")));
        });
    // (start event still to send, the run, partial replicates sent, over)
    let state = (Some(start), CancelOnDrop(shared), 0u64, false);
    let stream =
        futures_util::stream::unfold(state, move |(start, guard, sent, over)| async move {
            if over {
                return None;
            }
            if let Some(start) = start {
                let ev = Event::default().event("start").data(start.to_string());
                return Some((Ok::<_, Infallible>(ev), (None, guard, sent, false)));
            }
            let shared = guard.0.clone();
            let notified = shared.done.notified();
            let finished = shared
                .outcome
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_some();
            if !finished {
                // ask for a partial result from the next replicate to finish, then wait
                shared.want_partial.store(true, Ordering::Relaxed);
                let _ = tokio::time::timeout(interval, notified).await;
                let partial = shared
                    .partial
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .as_ref()
                    .filter(|p| p.0 > sent)
                    .map(|(k, json)| (*k, json.to_string()));
                let finished = shared
                    .outcome
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .is_some();
                if let (Some((k, json)), false) = (partial, finished) {
                    let ev = Event::default().event("partial").data(json);
                    return Some((Ok(ev), (None, guard, k, false)));
                }
            }
            let outcome = shared
                .outcome
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            let ev = match outcome {
                Some(Ok(result)) => Event::default().event("result").data(result.to_string()),
                Some(Err(m)) => Event::default()
                    .event("failed")
                    .data(json!({ "error": m }).to_string()),
                None => {
                    let p = json!({
                        "units_done": shared.units_done.load(Ordering::Relaxed),
                        "units": shared.units_total,
                        "ticks_done": shared.ticks_done.load(Ordering::Relaxed),
                        "ticks": shared.ticks_total,
                    });
                    return Some((
                        Ok(Event::default().event("progress").data(p.to_string())),
                        (None, guard, sent, false),
                    ));
                }
            };
            Some((Ok(ev), (None, guard, sent, true)))
        });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
