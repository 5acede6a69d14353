//! A steady-state training step, and a steady-state scalar chain (record +
//! backward on a reset tape), allocate nothing (issue 7).
//!
//! A counting global allocator (delegating to the system allocator) counts
//! every allocation, zeroed allocation and reallocation made by any thread
//! while the measured window is open. For each of the four MLP cases of the
//! benches (the same code: `benches/support/cases.rs`, full sizes), a few
//! warm-up steps run first, then the window counts `MEASURED_STEPS` steps.
//!
//! Everything runs in one test function, so that no other test of this
//! binary allocates while a window is open, and neither does the test
//! harness (it allocates when it reports a finished test).

#[path = "../benches/support/cases.rs"]
mod cases;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use cases::{chain_step, MlpCase, MlpStep, MLP_LARGE, MLP_MEDIUM, MLP_SEED, MLP_SMALL};
use tape::Tape;

/// Counts allocations and their bytes while `COUNTING` is set.
struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

impl CountingAlloc {
    fn record(size: usize) {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(size, Ordering::Relaxed);
        }
    }
}

// SAFETY: every call is forwarded unchanged to `System`; counting touches
// only atomics and never allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::record(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::record(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::record(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

const WARMUP_STEPS: usize = 3;
const MEASURED_STEPS: usize = 5;

/// What one case did in the measured window.
struct Counted {
    case: &'static str,
    allocs: usize,
    bytes: usize,
    first_loss: f32,
    last_loss: f32,
}

/// Runs the warm-up steps, then counts the allocations of
/// `MEASURED_STEPS` further steps.
fn count_steady_state(mut step: MlpStep) -> Counted {
    let first_loss = step.step();
    for _ in 1..WARMUP_STEPS {
        step.step();
    }
    ALLOCS.store(0, Ordering::SeqCst);
    BYTES.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let mut last_loss = f32::NAN;
    for _ in 0..MEASURED_STEPS {
        last_loss = step.step();
    }
    COUNTING.store(false, Ordering::SeqCst);
    Counted {
        case: step.case.name,
        allocs: ALLOCS.load(Ordering::SeqCst),
        bytes: BYTES.load(Ordering::SeqCst),
        first_loss,
        last_loss,
    }
}

/// Asserts that the given cases allocate nothing per steady-state step.
fn assert_no_allocations(cases: &[MlpCase]) {
    let counts: Vec<Counted> = cases
        .iter()
        .copied()
        .map(|case| count_steady_state(MlpStep::new(case)))
        .collect();
    for c in &counts {
        assert!(
            c.last_loss < c.first_loss,
            "{}: SGD should lower the loss on a fixed batch; first {}, last {}",
            c.case,
            c.first_loss,
            c.last_loss
        );
    }
    let per_step = |n: usize| n as f64 / MEASURED_STEPS as f64;
    let report = counts
        .iter()
        .map(|c| {
            format!(
                "  {}: {} allocations/step ({} bytes/step)",
                c.case,
                per_step(c.allocs),
                per_step(c.bytes)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    eprintln!("{report}");
    let total: usize = counts.iter().map(|c| c.allocs).sum();
    assert!(
        total == 0,
        "steady-state training steps must not allocate; counted over {MEASURED_STEPS} steps \
         after {WARMUP_STEPS} warm-up steps:\n{report}"
    );
}

/// The four MLP cases, then the scalar chain, one after the other (see the
/// module docs for why this is one test). The medium and large steps go
/// through the blocked matmul kernel on both threads: its packing buffers
/// are per thread and reused, and its worker threads start during the
/// warm-up.
#[test]
fn steady_state_steps_allocate_nothing_after_warm_up() {
    assert_no_allocations(&[MLP_SEED, MLP_SMALL]);
    assert_no_allocations(&[MLP_MEDIUM, MLP_LARGE]);
    assert_scalar_chain_allocates_nothing();
}

/// The scalar chain of the benches: its nodes are compact records in the
/// tape's reused buffers, its gradients plain numbers in the tape's reused
/// scratch, and the returned gradients' vector comes from a per-thread
/// cache, so after a warm-up nothing is allocated, whatever the length.
fn assert_scalar_chain_allocates_nothing() {
    const OPS: usize = 30_000;
    let mut tape = Tape::new();
    let expected = chain_step(&mut tape, OPS);
    for _ in 1..WARMUP_STEPS {
        chain_step(&mut tape, OPS);
    }
    ALLOCS.store(0, Ordering::SeqCst);
    BYTES.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let mut last = f64::NAN;
    for _ in 0..MEASURED_STEPS {
        last = chain_step(&mut tape, OPS);
    }
    COUNTING.store(false, Ordering::SeqCst);
    let (allocs, bytes) = (ALLOCS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst));
    assert_eq!(last, expected, "every step computes the same gradient");
    assert!(
        expected > 0.0 && expected.is_finite(),
        "d end / d b of the chain is a positive number, got {expected}"
    );
    assert_eq!(
        (allocs, bytes),
        (0, 0),
        "a steady-state scalar chain of {OPS} ops must not allocate; counted {allocs} \
         allocations ({bytes} bytes) over {MEASURED_STEPS} steps"
    );
}
