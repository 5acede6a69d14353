//! A per-thread cache of tensor buffers, like PyTorch's caching allocator.
//!
//! A training step creates the same tensors (activations, messages,
//! temporaries) step after step. When a tensor is dropped, its heap buffer
//! goes back to a cache of the current thread instead of to the system
//! allocator, and the next tensor of a similar size takes it from there: in
//! steady state, recording, backward and optimizer steps allocate nothing.
//!
//! Buffers are kept in power-of-two size classes (a request for `n`
//! elements takes a buffer of capacity `n.next_power_of_two()`), at most
//! [`MAX_PER_CLASS`] per class, so the cache is bounded by what one step
//! uses at a time. Scalars and one-element tensors live inline and never
//! touch it.

use std::any::Any;
use std::cell::RefCell;

use super::{Data, Tensor};
use crate::{NodeId, Scalar};

/// How many idle buffers each size class keeps.
pub const MAX_PER_CLASS: usize = 64;

const CLASSES: usize = usize::BITS as usize;

thread_local! {
    /// This thread's caches, one per type (`thread_local!` cannot be
    /// generic, so they are looked up by type: a handful of entries).
    static LOCAL: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on this thread's cache of type `S`, creating it on first use;
/// `None` if the caches are gone (thread exit) or already in use.
fn with_local<S: Default + 'static, R>(f: impl FnOnce(&mut S) -> R) -> Option<R> {
    LOCAL
        .try_with(|cell| {
            let mut caches = cell.try_borrow_mut().ok()?;
            let i = match caches.iter().position(|c| c.as_ref().is::<S>()) {
                Some(i) => i,
                None => {
                    caches.push(Box::new(S::default()));
                    caches.len() - 1
                }
            };
            caches[i].as_mut().downcast_mut::<S>().map(f)
        })
        .ok()
        .flatten()
}

/// Idle buffers by size class: class `c` holds buffers of capacity `2^c`.
pub(crate) struct Pool<T> {
    classes: [Vec<Vec<T>>; CLASSES],
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool {
            classes: std::array::from_fn(|_| Vec::new()),
        }
    }
}

impl<T> Pool<T> {
    /// An empty buffer with room for at least `n` elements.
    fn take(&mut self, n: usize) -> Vec<T> {
        let class = n.next_power_of_two().trailing_zeros() as usize;
        self.classes[class]
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(1 << class))
    }

    /// Keeps a buffer for reuse if it is of a size class with room.
    fn give(&mut self, mut buffer: Vec<T>) {
        let cap = buffer.capacity();
        if cap >= 2 && cap.is_power_of_two() {
            let class = &mut self.classes[cap.trailing_zeros() as usize];
            if class.len() < MAX_PER_CLASS {
                buffer.clear();
                class.push(buffer);
            }
        }
    }
}

/// An empty cached buffer with room for `n > 1` elements.
fn buffer<T: Scalar>(n: usize) -> Vec<T> {
    with_local(|p: &mut Pool<T>| p.take(n))
        .unwrap_or_else(|| Vec::with_capacity(n.next_power_of_two()))
}

/// Empty storage with room for `n` elements (inline if `n <= 1`).
pub(crate) fn with_capacity<T: Scalar>(n: usize) -> Data<T> {
    if n <= 1 {
        return Data::new();
    }
    Data::from_vec(buffer(n))
}

/// Storage of `n` copies of `value`.
pub(crate) fn filled<T: Scalar>(n: usize, value: T) -> Data<T> {
    if n <= 1 {
        return Data::from_elem(value, n);
    }
    // Filled as a `Vec` (a plain memset-like loop), then handed over.
    let mut v = buffer(n);
    v.resize(n, value);
    Data::from_vec(v)
}

/// Storage of the `n` items of `items` (which must yield exactly `n`).
pub(crate) fn collect<T: Scalar>(n: usize, items: impl Iterator<Item = T>) -> Data<T> {
    if n <= 1 {
        return items.collect();
    }
    // Extending a `Vec` from a slice-based iterator (map, zip) compiles to
    // a vectorised loop; `SmallVec::extend` checks capacity per element.
    let mut v = buffer(n);
    v.extend(items);
    debug_assert_eq!(v.len(), n);
    Data::from_vec(v)
}

/// Storage holding a copy of `values`.
///
/// A big buffer (a weight matrix bound to a tape) is copied by all threads
/// (see `parallel`): one core alone does not saturate the memory bus.
pub(crate) fn copy<T: Scalar>(values: &[T]) -> Data<T> {
    let len = values.len();
    let mut data = with_capacity(len);
    if len < crate::parallel::PARALLEL_MIN_LEN {
        data.extend_from_slice(values);
        return data;
    }
    // SAFETY: the buffer has room for `len` values; `MaybeUninit` needs no
    // initialisation.
    let dst = unsafe {
        std::slice::from_raw_parts_mut(data.as_mut_ptr().cast::<std::mem::MaybeUninit<T>>(), len)
    };
    crate::parallel::for_each_part(dst, |offset, part| {
        let src = &values[offset..offset + part.len()];
        // SAFETY: `part` and `src` have the same length and do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), part.as_mut_ptr().cast(), src.len()) };
    });
    // SAFETY: the parts covered all `len` values.
    unsafe { data.set_len(len) };
    data
}

/// Returns a heap buffer to the cache (nothing to do for inline storage).
///
/// Inlined, so that dropping a tensor the compiler can see is inline (a 0-d
/// temporary made for an observer that ignores it) compiles to nothing.
#[inline]
pub(crate) fn recycle<T: Scalar>(data: &mut Data<T>) {
    if data.spilled() {
        give_back(std::mem::take(data));
    }
}

/// The part of [`recycle`] for heap buffers.
#[inline(never)]
fn give_back<T: Scalar>(data: Data<T>) {
    let buffer = data.into_vec();
    // If the thread's cache is gone (thread exit), the buffer is freed.
    let _ = with_local(move |p: &mut Pool<T>| p.give(buffer));
}

/// Spare gradient vectors for backward passes.
struct Slots<T: Scalar>(Vec<Vec<(NodeId, Tensor<T>)>>);

impl<T: Scalar> Default for Slots<T> {
    fn default() -> Self {
        Slots(Vec::new())
    }
}

/// An empty vector for the gradients of a backward pass.
pub(crate) fn take_slots<T: Scalar>() -> Vec<(NodeId, Tensor<T>)> {
    with_local(|s: &mut Slots<T>| s.0.pop())
        .flatten()
        .unwrap_or_default()
}

/// Keeps a gradient vector for the next backward pass (its tensors are
/// dropped first, so their buffers go back to the buffer cache).
pub(crate) fn give_slots<T: Scalar>(mut slots: Vec<(NodeId, Tensor<T>)>) {
    slots.clear();
    let _ = with_local(move |s: &mut Slots<T>| {
        if s.0.len() < 4 {
            s.0.push(slots);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_copies_are_exact() {
        // Copied in parts by several threads; odd length, so the last part
        // is short.
        let n = crate::parallel::PARALLEL_MIN_LEN * 2 + 5;
        let values: Vec<f32> = (0..n).map(|i| i as f32 * 0.5).collect();
        let copied = copy(&values);
        assert_eq!(copied.len(), n);
        assert!(copied.iter().zip(&values).all(|(a, b)| a == b));
    }

    #[test]
    fn buffers_come_back() {
        let a = with_capacity::<f64>(100);
        let ptr = a.as_ptr();
        assert!(a.capacity() >= 100);
        let mut a = a;
        recycle(&mut a);
        let b = with_capacity::<f64>(120); // same size class (128)
        assert_eq!(b.as_ptr(), ptr);
        let c = filled::<f32>(1, 2.0);
        assert!(!c.spilled());
    }
}
