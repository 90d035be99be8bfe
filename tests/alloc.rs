//! Memory of the stepping loop, measured with a counting allocator (its own test binary, so
//! that the allocator sees nothing else): Epstein's models allocate nothing once they have
//! run in (their buffers are reused tick after tick), and one agent costs the bytes that
//! docs/performance.md states.
//!
//! The counts are per thread, so the test harness's other threads do not disturb them.

use impunity::{Model, presets};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static LIVE: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

/// Records an allocation (`count`) and a change of `delta` live bytes on this thread.
fn note(count: bool, delta: i64) {
    let _ = ALLOCATIONS.try_with(|a| a.set(a.get() + count as u64));
    let _ = LIVE.try_with(|l| {
        let now = l.get() + delta;
        l.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

// SAFETY: every call is passed on to the system allocator unchanged; the bookkeeping touches
// only constant-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note(true, l.size() as i64);
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        note(true, l.size() as i64);
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        note(false, -(l.size() as i64));
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        note(true, new as i64 - l.size() as i64);
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(|a| a.get())
}

/// Allocations made by `ticks` steps of `m`.
fn allocations_in(m: &mut Model, ticks: u32) -> u64 {
    let before = allocations();
    for _ in 0..ticks {
        m.step();
    }
    allocations() - before
}

/// Epstein's models (both, every rule set) allocate nothing per tick once run in: the
/// schedule, the remap buffer and the agent vectors are reused. Presets whose timeline changes
/// a knob allocate on the ticks of the change (a new scenario is resolved); the measured
/// window of run 4 (its drop at tick 77) lies after it.
#[test]
fn the_steady_state_epstein_step_allocates_nothing() {
    for preset in [
        "mesa-epstein",
        "netlogo-rebellion",
        "epstein-run1",
        "epstein-run2",
        "epstein-run4",
        "epstein-run6",
        "epstein-run7",
        "epstein-run8",
    ] {
        let s = presets::get(preset).expect("preset");
        let mut m = Model::new(&s, 5, 0).expect("valid");
        allocations_in(&mut m, 150);
        let n = allocations_in(&mut m, 150);
        assert_eq!(n, 0, "{preset}: {n} allocations in 150 steady-state ticks");
    }
}

/// The bytes one agent of `mesa-epstein` costs, measured: every byte a 600 × 600 replicate
/// holds live after 20 ticks (records, lattice, layers, regions, schedule), over its agents.
/// docs/performance.md states the breakdown; the bound is its total.
#[test]
fn one_epstein_agent_costs_the_stated_bytes() {
    let s = presets::get("mesa-epstein")
        .expect("preset")
        .with_changes([("world.width", 600), ("world.height", 600)])
        .expect("valid");
    let live0 = LIVE.with(|l| l.get());
    let mut m = Model::new(&s, 5, 0).expect("valid");
    for _ in 0..20 {
        m.step();
    }
    let live = (LIVE.with(|l| l.get()) - live0) as f64;
    let agents = (m.persons().len() + m.units().len()) as f64;
    let per_agent = live / agents;
    // what the state needs at the least: a 32-byte person record or a unit record each
    assert!(
        per_agent > 32.0,
        "{per_agent:.1} bytes per agent is too few to be true"
    );
    assert!(
        per_agent <= STATED_BYTES_PER_AGENT,
        "{per_agent:.1} bytes per agent, more than the {STATED_BYTES_PER_AGENT} stated"
    );
    assert!(
        (m.heap_bytes() as f64) <= live,
        "Model::heap_bytes counts what is held"
    );
}

/// docs/performance.md, "Memory".
const STATED_BYTES_PER_AGENT: f64 = 46.0;
