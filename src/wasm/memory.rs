//! The engine's memory grown ahead of need: in Node 20 every `memory.grow` of a module costs a
//! full garbage collection of the JavaScript heap, and the allocator grows it by what each
//! allocation needs, often one 64 KiB page. A page scoring one visitor never notices; a server that leaves its sessions to the
//! garbage collector in a synchronous loop (no turn of the event loop, so no finalizer runs)
//! grew the memory a page at a time for every few dozen sessions, each growth a full collection:
//! 9.5 µs per event against 2.9 µs with the sessions freed. Once the memory has grown, it is
//! grown again at once by half its size (at most 16 MiB), so growths become few and geometric.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The memory's size in pages when last looked at (0: not yet).
static PAGES: AtomicUsize = AtomicUsize::new(0);

const PAGE: usize = 64 * 1024;
/// The most reserved at once.
const MOST: usize = 16 << 20;

/// Looks at the memory's size; if it grew since the last look, reserves half as much again:
/// a block allocated and freed at once, which the allocator then keeps as free space.
pub(super) fn grow_ahead() {
    let pages = core::arch::wasm32::memory_size(0);
    let seen = PAGES.swap(pages, Relaxed);
    if seen == 0 || pages <= seen {
        return;
    }
    let block = Vec::<u8>::with_capacity((pages * PAGE / 2).min(MOST));
    // Kept from being optimised away: the allocation is the point.
    std::hint::black_box(&block);
    drop(block);
    PAGES.store(core::arch::wasm32::memory_size(0), Relaxed);
}

/// The allocator: talc in place of the standard library's dlmalloc, 2.4 KB less of the gzipped
/// small module at the same speed per event (docs/performance.md). It grows the memory as the
/// standard one does, by what an allocation needs, and keeps what is freed, so `grow_ahead`
/// works alike.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
