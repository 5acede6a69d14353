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
    /// A worker's part of the current job panicked.
    panicked: AtomicBool,
    /// Held by the thread whose product uses the workers.
    busy: Mutex<()>,
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
        panicked: AtomicBool::new(false),
        busy: Mutex::new(()),
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
    assert!(parts <= workers + 1, "gemm: more parts than threads");
    let guard = if parts > 1 {
        pool.busy.try_lock().ok()
    } else {
        None
    };
    let Some(_guard) = guard else {
        (0..parts).for_each(f);
        return;
    };
    // SAFETY (of the lifetime erasure): we wait below until no worker
    // uses the job any more, even if our own part panics.
    let job = JobRef(unsafe { std::mem::transmute::<&Job<'_>, &'static Job<'static>>(f) });
    pool.pending.store(workers, Ordering::Relaxed);
    pool.panicked.store(false, Ordering::Relaxed);
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
    if let Err(payload) = mine {
        std::panic::resume_unwind(payload);
    }
    assert!(
        !pool.panicked.load(Ordering::Relaxed),
        "gemm: a worker thread panicked"
    );
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
        let ok = match job {
            // SAFETY: `run` keeps the job alive until `pending` reaches 0.
            Some(JobRef(f)) if index < parts => {
                catch_unwind(AssertUnwindSafe(|| unsafe { (*f)(index) })).is_ok()
            }
            _ => true,
        };
        if !ok {
            pool.panicked.store(true, Ordering::Relaxed);
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

    #[test]
    fn a_panicking_part_reaches_the_caller_and_the_pool_recovers() {
        let parts = threads();
        let result = catch_unwind(|| run(parts, &|i| assert!(i != parts - 1, "part {i} fails")));
        assert!(result.is_err());
        let count = AtomicUsize::new(0);
        run(parts, &|_| {
            count.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(count.load(Ordering::Relaxed), parts);
    }
}
