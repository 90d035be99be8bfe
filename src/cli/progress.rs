//! The progress bar of an ensemble, on stderr.

use impunity::ensemble::Progress;
use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Ticks run (over every replicate), replicates done, rate and time left. Hidden with
/// `--quiet` or when stderr is not a terminal; otherwise it appears once the run has lasted a
/// second, so that short runs print nothing.
pub struct Bar {
    bar: indicatif::ProgressBar,
    live: bool,
    shown: AtomicBool,
    units: AtomicU64,
    units_done: AtomicU64,
    ticks: u64,
}

/// A progress bar of `len` steps drawn with `template`, hidden until shown (the commands show
/// it on a terminal only, after a first second).
pub fn hidden_bar(len: u64, template: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::hidden(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}

impl Bar {
    /// A bar for replicates of `ticks` ticks each; [`Bar::start`] says how many.
    pub fn new(ticks: u32, quiet: bool) -> Bar {
        let bar = hidden_bar(
            0,
            "[{bar:20}] {human_pos}/{human_len} ticks, {msg}, {per_sec}, {eta} left",
        );
        Bar {
            bar,
            live: !quiet && std::io::stderr().is_terminal(),
            shown: AtomicBool::new(false),
            units: AtomicU64::new(0),
            units_done: AtomicU64::new(0),
            ticks: u64::from(ticks),
        }
    }

    /// `units` replicates are about to run.
    pub fn start(&self, units: u64) {
        self.units.store(units, Ordering::Relaxed);
        self.bar.set_length(units * self.ticks);
        self.bar.set_message(self.replicates(0));
    }

    fn replicates(&self, done: u64) -> String {
        format!("{done}/{} reps", self.units.load(Ordering::Relaxed))
    }

    fn show_if_slow(&self) {
        if self.live
            && !self.shown.load(Ordering::Relaxed)
            && self.bar.elapsed() >= std::time::Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    /// The ensemble's progress callback: counts, and says when a run resumes.
    pub fn progress(&self, p: Progress) -> ControlFlow<()> {
        match p {
            Progress::Start { units, already } => {
                if already > 0 {
                    eprintln!(
                        "resuming: {already} of {} units already on disk",
                        units + already
                    );
                }
                self.start(units);
            }
            Progress::Tick => self.bar.inc(1),
            Progress::Unit => {
                let done = self.units_done.fetch_add(1, Ordering::Relaxed) + 1;
                self.bar.set_message(self.replicates(done));
            }
            Progress::Damaged { point, replicate } => eprintln!(
                "warning: the part file of point {point} replicate {replicate} is damaged (its \
                 checksum does not match); set aside as .parts/p{point}-r{replicate}.part.damaged \
                 and run again"
            ),
            _ => {}
        }
        self.show_if_slow();
        ControlFlow::Continue(())
    }

    /// A unit run elsewhere (another MPI rank) has arrived whole.
    #[cfg_attr(not(feature = "mpi"), allow(dead_code))]
    pub fn remote_unit(&self) {
        self.bar.inc(self.ticks);
        let _ = self.progress(Progress::Unit);
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
