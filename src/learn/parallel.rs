//! Independent pieces of learning run on the machine's cores: each item on whichever thread is
//! free next, the results in the items' order (so that what is learned does not depend on the
//! number of cores). WebAssembly has no threads: there, one after the other.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `f` of each item, in the items' order.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = if cfg!(target_arch = "wasm32") {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |c| c.get())
    }
    .min(items.len());
    if threads < 2 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    break;
                };
                let out = f(item);
                done.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(out);
            });
        }
    });
    done.into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every item was run"))
        .collect()
}

/// `f` of each of `parts` consecutive parts of `items`, in order, each on a thread of its own.
pub(crate) fn in_parts<T: Sync, R: Send>(
    items: &[T],
    parts: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    if parts < 2 {
        return vec![f(items)];
    }
    let chunks: Vec<&[T]> = items.chunks(items.len().div_ceil(parts)).collect();
    map(&chunks, |part| f(part))
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u64> = (0..40).collect();
        let out = super::map(&items, |n| {
            // Uneven work, so that threads finish out of order.
            (0..(40 - n) * 1000).fold(*n, |a, b| a.wrapping_add(b % 3))
                - (0..(40 - n) * 1000).map(|b| b % 3).sum::<u64>()
        });
        assert_eq!(out, items);
    }
}
