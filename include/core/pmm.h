/*
 * include/core/pmm.h - the physical memory manager: who owns which page of RAM.
 *
 * The PMM hands out runs of contiguous 4 KiB physical pages and takes them
 * back. It works in physical addresses only; it touches memory (its own
 * bitmaps, and pages it zeroes) through the direct map, at phys + the
 * offset given to pmm_init(). It knows nothing of virtual memory beyond
 * that, and nothing of the boot protocol: the kernel passes it the memory
 * map that kernel/boot/ adapted.
 *
 * What it manages:
 *   - USABLE memory, from pmm_init() on;
 *   - BOOTLOADER_RECLAIMABLE memory, from pmm_reclaim_bootloader() on.
 * Every other type of the memory map (reserved, ACPI, the kernel image and
 * modules, the framebuffer...) is never handed out, and neither is any page
 * that shares a byte with such an entry, nor physical page 0 (address 0
 * means "no page" in this interface).
 *
 * Accounting (struct pmm_stats), in pages, always satisfies
 *     total == free + allocated + reserved
 * where `total` counts the pages of the managed types, `allocated` the
 * pages handed out and not freed, and `reserved` the managed pages that are
 * never handed out: the PMM's own bitmaps, page 0, and pages shared with an
 * unmanaged entry.
 *
 * Allocated pages come back zeroed unless the caller asks otherwise: a page
 * that held another subsystem's data (keys, page tables, a freed process's
 * memory) must never leak into a new owner by accident.
 *
 * Locking: one spinlock, taken with interrupts masked, guards all of the
 * PMM's state, so every function below may be called from any CPU, with
 * interrupts on or off, including from interrupt handlers. None of them
 * sleeps. Zeroing happens after the lock is released.
 */
#ifndef CORE_PMM_H
#define CORE_PMM_H

#include <core/boot_info.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PMM_PAGE_SHIFT 12
#define PMM_PAGE_SIZE  (UINT64_C(1) << PMM_PAGE_SHIFT)

/* Flags of pmm_alloc_pages_flags(). */
enum pmm_alloc_flags {
	PMM_ALLOC_ZERO = 0,	    /* the default: the pages read as zero */
	PMM_ALLOC_NO_ZERO = 1 << 0, /* leave the old contents: the caller overwrites them all */
};

/* A snapshot of the PMM's accounting, in 4 KiB pages; see the header comment. */
struct pmm_stats {
	uint64_t total_pages;
	uint64_t free_pages;
	uint64_t allocated_pages;
	uint64_t reserved_pages;
};

/*
 * Take charge of the USABLE memory of the memory map `map` (`count`
 * entries). `hhdm_offset` is the virtual address at which physical address
 * 0 is mapped: the PMM reaches physical address p at p + hhdm_offset, for
 * its bitmaps and for zeroing. Native tests pass an offset that points into
 * an ordinary allocation.
 *
 * The map: entries of the managed types (USABLE, BOOTLOADER_RECLAIMABLE)
 * must be sorted by base and must not overlap one another; a base or an
 * end that is not page-aligned is rounded inwards. Entries of other types
 * may be anywhere, unaligned, and overlapping; every page they touch is
 * left alone. kernel/boot/ guarantees all this for boot_info()->memmap.
 *
 * The PMM copies what it needs (its bitmaps and a copy of the map) into
 * pages of the highest USABLE region that can hold them, and counts those
 * pages as reserved; `map` need not outlive the call.
 *
 * Returns false, managing nothing, when the map has no usable page, breaks
 * the rules above, or has no usable stretch large enough for the bitmaps.
 *
 * Context: the boot CPU, once, before any other PMM call. (A later call
 * starts over and forgets every allocation; native tests rely on that.)
 */
bool pmm_init(const struct boot_mem_region *map, size_t count, uint64_t hhdm_offset);

/*
 * Hand the BOOTLOADER_RECLAIMABLE regions of the map given to pmm_init()
 * over to the allocator. Returns how many pages became allocatable. `total`
 * grows by every page wholly inside those regions and `free` by the
 * returned count, which is smaller only by the pages that share bytes with
 * entries of other types (those count as reserved). Allocations are kept.
 * A second call does nothing and returns 0.
 *
 * Only the kernel knows when the loader's memory is dead: the loader's page
 * tables, the boot stack the kernel still runs on, and the protocol's
 * responses all live there. The kernel calls this once it runs on its own
 * page tables and stack and has copied what it needs (boot_info_adapt()
 * already copied the responses). Until then it must not.
 *
 * Context: any, after pmm_init(). Does not sleep.
 */
size_t pmm_reclaim_bootloader(void);

/*
 * Allocate `count` contiguous pages whose physical address is a multiple of
 * `align_pages` pages (a power of two; 0 and 1 both mean "any page"), and
 * return the address of the first one. The pages read as zero.
 *
 * Returns 0 (never a valid page) when no such run is free, when count is 0,
 * or when align_pages is not a power of two. A failure changes nothing.
 *
 * Ownership: the caller owns the pages until it gives them back with
 * pmm_free_pages(phys, count), the same count or in pieces.
 *
 * Cost: the search starts where the previous allocation ended (next fit)
 * and skips 64 busy pages per step, so single pages are O(1) amortised
 * while free memory lasts. The scan only moves forward and wraps around
 * once: at worst it is linear in the number of managed pages.
 *
 * Context: any, including interrupt handlers. Does not sleep.
 */
uint64_t pmm_alloc_pages(size_t count, size_t align_pages);

/* pmm_alloc_pages(count, align_pages) with enum pmm_alloc_flags; same contract. */
uint64_t pmm_alloc_pages_flags(size_t count, size_t align_pages, unsigned flags);

/* One zeroed page: pmm_alloc_pages(1, 1). */
uint64_t pmm_alloc_page(void);

/*
 * Give back the `count` pages starting at `phys`, which must all be
 * allocated: any run of pages inside earlier allocations may be freed, not
 * only whole allocations. count 0 frees nothing.
 *
 * Panics, naming the address, when phys is not page-aligned, when the run
 * is not inside memory the PMM manages, or when a page of it is not
 * allocated (a double free, or a free of something never allocated). Such
 * a free means the caller's bookkeeping is broken; carrying on would hand
 * the same page to two owners.
 *
 * Context: any, including interrupt handlers. Does not sleep.
 */
void pmm_free_pages(uint64_t phys, size_t count);

/* pmm_free_pages(phys, 1). */
void pmm_free_page(uint64_t phys);

/* The current accounting, read under the lock. Context: any. */
struct pmm_stats pmm_get_stats(void);

#endif /* CORE_PMM_H */
