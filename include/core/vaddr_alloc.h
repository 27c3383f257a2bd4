/*
 * include/core/vaddr_alloc.h - ownership of virtual page ranges (requirement M2).
 *
 * An address space hands out ranges of virtual pages inside one fixed
 * window [base, base + size): the kernel's managed window, or one process's
 * user window. It only records which pages are taken. What is mapped there,
 * with which protection and backed by which physical pages, is the VMM's
 * business (include/core/vmm.h), and so is the HAL paging handle stored
 * here, which this file never touches.
 *
 * Representation. One bit per 4 KiB page (1 = owned), packed into 64-bit
 * words, plus a summary with one bit per bitmap word that is set exactly
 * when that word is full. A search reads whole words, skips full words 64
 * at a time through the summary (4096 pages per summary word), and jumps
 * over runs of owned or free pages with count-trailing-zeros instead of
 * testing pages one by one. The bitmap does not remember where one
 * allocation ends and the next begins: the VMM's records do.
 *
 * Storage. Core has no allocator when the first address space is built, so
 * the caller lends the bitmap storage; vas_bitmap_bytes() says how much.
 * The cost is 32 KiB of bitmap plus 512 bytes of summary per GiB of window
 * (33,280 bytes, about 0.003 % of the window). Expected windows: the kernel
 * window is a few GiB (4 GiB costs 130 KiB); a 64 GiB user window costs
 * 2 MiB + 32 KiB. A window covering a whole 128 TiB user half would cost
 * 4 GiB + 64 MiB, so the VMM should give each process a managed window of
 * the size it can afford rather than the whole hardware user half.
 *
 * Arguments. Every function except vas_bitmap_bytes() and vas_init() takes
 * an address space that vas_init() set up; passing NULL or an uninitialised
 * one is a bug in the caller and is not checked. Everything a caller can
 * get wrong about addresses and counts is checked and refused.
 *
 * Concurrency. There is no lock inside. The owner of an address space (the
 * VMM) serialises every call on it, usually under the lock that also
 * protects its allocation records. Nothing here sleeps, allocates or
 * touches hardware, so any context that holds the owner's lock, including
 * one with interrupts disabled, may call these functions.
 */
#ifndef CORE_VADDR_ALLOC_H
#define CORE_VADDR_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The size of the pages this allocator manages, and its log2. */
#define VAS_PAGE_SHIFT 12u
#define VAS_PAGE_SIZE  (UINT64_C(1) << VAS_PAGE_SHIFT)

/*
 * The paging handle of the HAL paging contract (page tables of one
 * hardware address space). The contract is not written yet; until it is,
 * core only needs the name.
 */
struct hal_paging;

/* How vas_alloc() chooses among the free runs that fit. */
enum vas_policy {
	/*
	 * The lowest address that fits. Packs allocations at the bottom of
	 * the window and gives the same layout for the same sequence of
	 * calls, which tests rely on. Every search starts from the bottom,
	 * so it gets slower as the low part of the window fills up.
	 */
	VAS_FIRST_FIT = 0,
	/*
	 * The lowest address that fits at or above a rotating hint, wrapping
	 * around to the bottom when nothing fits above it. The hint moves to
	 * the end of each allocation. Freed ranges are reused only after the
	 * hint has gone round the window, so a stale pointer into a range
	 * that was just unmapped faults instead of reaching a new mapping,
	 * and searches in a window that fills upwards start next to free
	 * space. The VMM should use this policy for its windows.
	 */
	VAS_NEXT_FIT = 1,
};

/*
 * One window of virtual pages. Callers allocate the struct (usually inside
 * a bigger object) and only use the functions below; the fields are
 * described for readers of vaddr_alloc.c and for debuggers.
 *
 * Invariants between calls:
 *  - bit i of bitmap (word i / 64, bit i % 64) is set exactly when page i
 *    of the window, at base + i * VAS_PAGE_SIZE, is owned; the padding
 *    bits after the last page of the last word are always set, so no
 *    search can return them;
 *  - bit w of summary is set exactly when bitmap word w is all ones; the
 *    padding bits after the last bitmap word are always set;
 *  - free_pages is the number of clear bits among the first `pages` bits;
 *  - hint < pages.
 */
struct address_space {
	uint64_t base;	   /* first address of the window; page-aligned, not 0 */
	size_t pages;	   /* pages in the window, at least 1 */
	size_t words;	   /* 64-bit words in bitmap: pages / 64 rounded up */
	uint64_t *summary; /* caller's storage: words / 64 rounded up, first */
	uint64_t *bitmap;  /* caller's storage: `words` words, after the summary */
	size_t free_pages; /* pages not owned */
	size_t hint;	   /* VAS_NEXT_FIT: where the next search starts */
	enum vas_policy policy;
	/*
	 * The HAL paging handle of this space, or NULL. vas_init() sets it to
	 * NULL and nothing in vaddr_alloc.c reads it: the VMM stores the
	 * handle here when it creates the space, uses it to map the ranges
	 * it allocates, and destroys it at teardown. It lives here so that
	 * one object names both halves of a space, ownership and mapping.
	 */
	struct hal_paging *paging;
};

/*
 * Bytes of storage vas_init() needs for a window of `size` bytes (bitmap
 * plus summary, rounded to whole 64-bit words). Returns 0 when size is 0
 * or not a multiple of VAS_PAGE_SIZE, which vas_init() would refuse anyway.
 * Pure arithmetic; any context.
 */
size_t vas_bitmap_bytes(uint64_t size);

/*
 * Set up `as` to manage [base, base + size) with every page free and the
 * VAS_FIRST_FIT policy.
 *
 * Needs: base and size multiples of VAS_PAGE_SIZE; size not 0; base not 0
 * (0 must never be inside a window, because vas_alloc() returns 0 for
 * failure; user windows start above a null guard); the window must not wrap
 * around the top of the address space (it may end exactly at 2^64);
 * storage aligned for uint64_t and at least vas_bitmap_bytes(size) bytes.
 *
 * Returns 0 on success. Returns -1, leaving *as and the storage untouched,
 * when any requirement above does not hold or as or storage is NULL.
 *
 * Ownership: the storage stays the caller's memory, but it is lent to `as`
 * until the caller stops using `as`; it must not be written, moved or freed
 * before that. vas_init() clears the part it uses. There is no
 * vas_destroy(): dropping `as` and reclaiming the storage is enough.
 * Cost: O(size / 256 KiB) to clear the bitmap.
 */
int vas_init(struct address_space *as, uint64_t base, uint64_t size, void *bitmap_storage,
	     size_t storage_bytes);

/*
 * Choose how vas_alloc() searches from now on (see enum vas_policy).
 * An unknown value is ignored. Switching does not reset the next-fit hint.
 */
void vas_set_policy(struct address_space *as, enum vas_policy policy);

/*
 * Find `pages` free pages in a row whose first address is a multiple of
 * align_pages * VAS_PAGE_SIZE (aligned as an address, not relative to the
 * window's base), mark them owned and return the first address.
 *
 * Returns 0, changing nothing, when pages is 0, align_pages is not a power
 * of two (0 included), or no such run exists. 0 is never a valid result,
 * since vas_init() refused windows containing it.
 *
 * Ownership: the caller owns the pages until it gives them back with
 * vas_free(). Cost: one step per bitmap word the search spans (one per
 * 64 words across full stretches, through the summary) plus one per free
 * run it passes over that is too short or misaligned. Under VAS_FIRST_FIT
 * every search starts at the bottom of the window.
 */
uint64_t vas_alloc(struct address_space *as, size_t pages, size_t align_pages);

/*
 * Claim exactly [va, va + pages * VAS_PAGE_SIZE): for fixed mappings, and
 * for the null guard at the bottom of a user window.
 *
 * Returns 0 with the pages owned by the caller. Returns -1, changing
 * nothing, when pages is 0, va is not page-aligned, any part of the range
 * lies outside the window, or any page of it is already owned.
 * Does not move the next-fit hint. Cost: O(pages / 64).
 */
int vas_alloc_at(struct address_space *as, uint64_t va, size_t pages);

/*
 * Give back [va, va + pages * VAS_PAGE_SIZE), which becomes free.
 *
 * Returns 0 on success. Returns -1, changing nothing, when pages is 0, va
 * is not page-aligned, any part of the range lies outside the window, or
 * any page of it is not owned. These are errors returned, not panics: the
 * VMM turns the addresses a user passes into frees, and must answer a bad
 * request with a status code instead of stopping the kernel.
 *
 * Any owned pages may be freed together: the bitmap does not know the
 * boundaries of allocations, so freeing half of one, or two neighbours at
 * once, succeeds. The VMM checks ranges against its records first.
 * Cost: O(pages / 64).
 */
int vas_free(struct address_space *as, uint64_t va, size_t pages);

/*
 * True when the page containing va is inside the window and owned; false
 * otherwise (outside the window included). va need not be aligned. O(1).
 */
bool vas_is_owned(const struct address_space *as, uint64_t va);

/* Pages in the window, owned or not. O(1). */
size_t vas_total_pages(const struct address_space *as);

/* Pages not owned. O(1): a counter kept up to date by every change. */
size_t vas_free_pages(const struct address_space *as);

/*
 * The length, in pages, of the longest run of free pages, ignoring
 * alignment; 0 when the window is full. Computed on demand by one pass over
 * the bitmap: O(words) in general, 64 times less over full stretches
 * (skipped through the summary). For statistics and tests, not hot paths.
 */
size_t vas_largest_free_run(const struct address_space *as);

#endif /* CORE_VADDR_ALLOC_H */
