//! Large buffers on 2 MiB pages.
//!
//! At a million agents the turn loop reads person records, cells and lattice rows at random
//! places in tens of megabytes: with 4 KiB pages nearly every such read also misses the
//! TLB. Linux backs memory with 2 MiB pages where a program asks for them (the common
//! `transparent_hugepage=madvise` setting), which makes those misses rare. The request is a
//! hint: it never changes a buffer's contents, and failing (another OS, an older kernel,
//! THP disabled) only leaves the ordinary pages.

/// Below this size a buffer stays on ordinary pages.
const HUGE: usize = 2 << 20;

/// Asks the kernel to back the whole 2 MiB pages inside `v` with huge pages, now
/// (`MADV_HUGEPAGE`, then `MADV_COLLAPSE`, which moves pages already written). Does nothing
/// for buffers under 4 MiB or off Linux.
pub(crate) fn advise_huge_pages<T>(v: &[T]) {
    let start = v.as_ptr() as usize;
    let len = std::mem::size_of_val(v);
    if len < 2 * HUGE {
        return;
    }
    let from = start.next_multiple_of(HUGE);
    let to = (start + len) / HUGE * HUGE;
    if to <= from {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        /// `MADV_COLLAPSE` (Linux 6.1), not yet named by the `libc` crate.
        const MADV_COLLAPSE: libc::c_int = 25;
        let p = from as *mut libc::c_void;
        // SAFETY: [from, to) lies inside `v`'s allocation; these advices change how its
        // pages are mapped, never their contents, and errors are ignored (a hint).
        unsafe {
            libc::madvise(p, to - from, libc::MADV_HUGEPAGE);
            libc::madvise(p, to - from, MADV_COLLAPSE);
        }
    }
}
