//! The worker threads that big matrix products (and the big loops of
//! `parallel`) are split across.
//!
//! A fixed set of threads is started on first use and then waits for work,
//! so handing a product to them allocates nothing. Matrix products come in
//! bursts (a training step issues several within microseconds), and waking
//! a sleeping thread costs tens of microseconds on a virtual machine, so an
//! idle worker first spins for a short while ([`SPIN`]) watching for the
//! next job, and only then sleeps, like OpenMP runtimes do. The calling
//! thread always computes one part itself. Only one product uses the
//! workers at a time; a product started while they are busy (from another
//! thread of the program) runs on its caller's thread alone.
//!
//! The number of threads (the caller included) is the machine's available
//! parallelism, or `TAPEGRAD_NUM_THREADS` if set (`1` disables the workers).

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long an idle worker watches for the next job before sleeping.
const SPIN: Duration = Duration::from_micros(300);

/// A part of a job: called once for each part index.
type Job<'a> = dyn Fn(usize) + Sync + 'a;

/// A job published to the workers. The pointer is only dereferenced while
/// [`run`] waits for every worker to finish with it, so the borrow it was
/// made from outlives every use.
#[derive(Clone, Copy)]
struct JobRef(*const Job<'static>);

// SAFETY: the pointee is `Sync`, and `run` keeps it alive until the
// workers are done (see `JobRef`).
unsafe impl Send for JobRef {}

/// The current job, read by workers when `Pool::epoch` changes.
struct State {
    job: Option<JobRef>,
    /// How many parts the current job has (part 0 is the caller's).
    parts: usize,
    /// Workers asleep on `Pool::wake`.
    sleepers: usize,
}

struct Pool {
    state: Mutex<State>,
    wake: Condvar,
    /// Incremented (under the `state` lock) for each job.
    epoch: AtomicU64,
    /// Workers that still have to finish the current job.
    pending: AtomicUsize,
    /// The first panic payload of a worker's part of the current job,
    /// resumed on the caller.
    panic: Mutex<Option<Box<dyn Any + Send>>>,
    /// Set while a job uses the workers (an atomic flag rather than a lock:
    /// a panicking job must leave the pool usable, not poisoned).
    busy: AtomicBool,
    /// Worker threads running (set once, when they are started).
    workers: AtomicUsize,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    static STARTED: OnceLock<()> = OnceLock::new();
    let pool = POOL.get_or_init(|| Pool {
        state: Mutex::new(State {
            job: None,
            parts: 0,
            sleepers: 0,
        }),
        wake: Condvar::new(),
        epoch: AtomicU64::new(0),
        pending: AtomicUsize::new(0),
        panic: Mutex::new(None),
        busy: AtomicBool::new(false),
        workers: AtomicUsize::new(0),
    });
    STARTED.get_or_init(|| {
        // If the system refuses a thread, products run on fewer.
        for index in 1..threads_wanted() {
            let spawned = std::thread::Builder::new()
                .name(format!("tapegrad-gemm-{index}"))
                .spawn(move || work(pool, index));
            if spawned.is_err() {
                break;
            }
            pool.workers.store(index, Ordering::Release);
        }
    });
    pool
}

fn threads_wanted() -> usize {
    let available = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::env::var("TAPEGRAD_NUM_THREADS")
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(available)
}

/// How many parts a job is best split into: the worker threads plus the
/// caller.
pub(crate) fn threads() -> usize {
    pool().workers.load(Ordering::Acquire) + 1
}

/// Runs `f(0)`, ..., `f(parts - 1)`, in parallel on the workers and the
/// calling thread when they are free, and returns when all have finished.
/// `parts` must not exceed [`threads`]. A panic in any part is resumed on
/// the caller.
pub(crate) fn run(parts: usize, f: &Job<'_>) {
    let pool = pool();
    let workers = pool.workers.load(Ordering::Acquire);
    assert!(
        parts <= workers + 1,
        "threads::run: more parts than threads"
    );
    let claimed = parts > 1
        && pool
            .busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok();
    if !claimed {
        (0..parts).for_each(f);
        return;
    }
    /// Frees the workers when the job is over, even if it panicked.
    struct Release(&'static AtomicBool);
    impl Drop for Release {
        fn drop(&mut self) {
            self.0.store(false, Ordering::Release);
        }
    }
    let _release = Release(&pool.busy);
    // SAFETY (of the lifetime erasure): we wait below until no worker
    // uses the job any more, even if our own part panics.
    let job = JobRef(unsafe { std::mem::transmute::<&Job<'_>, &'static Job<'static>>(f) });
    pool.pending.store(workers, Ordering::Relaxed);
    {
        let mut state = pool.state.lock().unwrap_or_else(|e| e.into_inner());
        state.job = Some(job);
        state.parts = parts;
        pool.epoch.fetch_add(1, Ordering::Release);
        if state.sleepers > 0 {
            pool.wake.notify_all();
        }
    }
    let mine = catch_unwind(AssertUnwindSafe(|| f(0)));
    // The parts are balanced, so the others finish about when ours does.
    let mut spins = 0u32;
    while pool.pending.load(Ordering::Acquire) > 0 {
        spins += 1;
        if spins < 1 << 12 {
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
    pool.state.lock().unwrap_or_else(|e| e.into_inner()).job = None;
    let theirs = pool.panic.lock().unwrap_or_else(|e| e.into_inner()).take();
    // Our own panic first; otherwise a worker's, with its own message.
    if let Some(payload) = mine.err().or(theirs) {
        std::panic::resume_unwind(payload);
    }
}

/// A worker's life: wait for a new job (spinning, then sleeping), run its
/// part if the job has one, report back.
fn work(pool: &'static Pool, index: usize) {
    let mut seen = 0u64;
    loop {
        let started = Instant::now();
        let mut spins = 0u32;
        while pool.epoch.load(Ordering::Acquire) == seen {
            std::hint::spin_loop();
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(256) && started.elapsed() > SPIN {
                break;
            }
        }
        let (job, parts) = {
            let mut state = pool.state.lock().unwrap_or_else(|e| e.into_inner());
            while pool.epoch.load(Ordering::Acquire) == seen {
                state.sleepers += 1;
                state = pool.wake.wait(state).unwrap_or_else(|e| e.into_inner());
                state.sleepers -= 1;
            }
            seen = pool.epoch.load(Ordering::Acquire);
            (state.job, state.parts)
        };
        if let Some(JobRef(f)) = job.filter(|_| index < parts) {
            // SAFETY: `run` keeps the job alive until `pending` reaches 0.
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| unsafe { (*f)(index) })) {
                let mut first = pool.panic.lock().unwrap_or_else(|e| e.into_inner());
                first.get_or_insert(payload);
            }
        }
        pool.pending.fetch_sub(1, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_runs_once() {
        for parts in 1..=threads() {
            let hits: Vec<AtomicUsize> = (0..parts).map(|_| AtomicUsize::new(0)).collect();
            for _ in 0..50 {
                run(parts, &|i| {
                    hits[i].fetch_add(1, Ordering::Relaxed);
                });
            }
            assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 50));
        }
    }

    #[test]
    fn concurrent_callers_all_finish() {
        let total = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..100 {
                        run(threads(), &|_| {
                            total.fetch_add(1, Ordering::Relaxed);
                        });
                    }
                });
            }
        });
        assert_eq!(total.load(Ordering::Relaxed), 4 * 100 * threads());
    }

    /// The distinct threads that ran the parts of one job.
    fn threads_used(parts: usize) -> usize {
        let ids: Vec<Mutex<Option<std::thread::ThreadId>>> =
            (0..parts).map(|_| Mutex::new(None)).collect();
        run(parts, &|i| {
            // Long enough that a free worker takes its part.
            std::thread::sleep(std::time::Duration::from_millis(2));
            *ids[i].lock().unwrap() = Some(std::thread::current().id());
        });
        let mut ids: Vec<_> = ids
            .into_iter()
            .filter_map(|m| m.into_inner().unwrap())
            .collect();
        ids.sort_by_key(|id| format!("{id:?}"));
        ids.dedup();
        ids.len()
    }

    #[test]
    fn a_panicking_part_reaches_the_caller_and_the_pool_recovers() {
        let parts = threads();
        for failing in 0..parts {
            let result = catch_unwind(|| {
                run(parts, &|i| assert!(i != failing, "part {i} fails"));
            });
            // The caller sees the part's own message, whichever thread ran it.
            let payload = result.expect_err("the panic reaches the caller");
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .unwrap_or_default();
            assert_eq!(message, format!("part {failing} fails"));
        }
        // Still every part, and still on several threads (unless another
        // test holds the workers at this moment: then retry).
        let count = AtomicUsize::new(0);
        run(parts, &|_| {
            count.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(count.load(Ordering::Relaxed), parts);
        if parts > 1 {
            let used = (0..50).map(|_| threads_used(parts)).max().unwrap_or(0);
            assert!(used > 1, "after a panic the workers are no longer used");
        }
    }
}
