/*
 * include/core/heap.h - the kernel heap: kmalloc() and kfree() for kernel objects.
 *
 * The heap turns whole pages into objects of any size. It does not know
 * where pages come from: heap_init() receives a page provider (struct
 * heap_page_ops), which the kernel backs with physical pages through the
 * direct map today and with the VMM's kernel window later. Native tests
 * back it with aligned_alloc().
 *
 * Two kinds of allocation:
 *   - small ones (up to HEAP_MAX_CLASS_SIZE bytes) are rounded up to a size
 *     class, a power of two from 16 to 2048 bytes, and carved out of slab
 *     pages: one provider page per slab, with a header at the start of the
 *     page and the objects of one class after it;
 *   - large ones are a run of whole pages, preceded by one header page.
 *
 * Alignment guarantees (what callers may rely on):
 *   - every pointer returned is aligned to HEAP_MIN_ALIGN (16) bytes, enough
 *     for any C scalar type on the four architectures;
 *   - an object of a size class is aligned to its class size: a request of
 *     100 bytes is in the 128 class and is 128-byte aligned;
 *   - a large allocation (more than 2048 bytes) is page-aligned (4096).
 * Nothing is promised about cache-line or DMA alignment beyond that.
 *
 * Contents: kmalloc() returns memory with unspecified contents (whatever a
 * previous owner or the provider left); kzalloc() returns it zeroed.
 *
 * Checks: kfree() panics, naming the address, on a pointer the heap did not
 * return (foreign, or pointing inside an object rather than at its start)
 * and on a double free. Each slab page carries a magic value bound to its
 * own address and a bitmap of free objects, so these checks do not depend
 * on the contents of freed objects. The checks read the header at the start
 * of the page holding the pointer (for a page-aligned pointer, the page
 * before it): a pointer into unmapped memory faults there instead of
 * panicking, which stops the kernel just the same.
 *
 * Locking: one spinlock taken with interrupts masked guards the heap's
 * state. The lock is never held while the provider runs, so a provider may
 * take its own locks (or even allocate from the heap) without deadlock.
 * Every function below may be called from any CPU, with interrupts on or
 * off, and from interrupt handlers as long as the provider allows it (the
 * PMM-backed provider does). The heap itself never sleeps.
 */
#ifndef CORE_HEAP_H
#define CORE_HEAP_H

#include <stdbool.h>
#include <stddef.h>

#define HEAP_PAGE_SIZE	    4096u
#define HEAP_MIN_ALIGN	    16u	  /* the smallest class, and the alignment of everything */
#define HEAP_MAX_CLASS_SIZE 2048u /* larger requests are page runs */

/*
 * Where the heap gets its pages. Both functions are called without the
 * heap's lock held, from whatever context called kmalloc() or kfree().
 */
struct heap_page_ops {
	/*
	 * Return `pages` (>= 1) contiguous, mapped, readable and writable
	 * pages, aligned to HEAP_PAGE_SIZE; their contents may be anything
	 * (the heap writes every header it needs). NULL when out of memory.
	 */
	void *(*alloc_pages)(size_t pages);
	/* Take back a run returned by alloc_pages(), whole, with the same count. */
	void (*free_pages)(void *p, size_t pages);
};

/* A snapshot of the heap's accounting; see heap_get_stats(). */
struct heap_stats {
	/*
	 * Bytes handed out and not freed, counted as granted: the class size
	 * for a small object, the data pages (header page excluded) for a
	 * large one. kmalloc(100) adds 128.
	 */
	size_t bytes_in_use;
	size_t objects_in_use; /* live allocations of either kind */
	/* Pages the heap holds from the provider: slabs (spares included), large runs and headers.
	 */
	size_t pages_held;
};

/*
 * Start the heap with the page provider `ops` (whose functions must both
 * be set; the structure must outlive the heap). Nothing is allocated yet.
 *
 * Context: the boot CPU, once, before any other heap call. A second call
 * forgets every allocation without returning pages (native tests rely on
 * that, running each test in a fresh process).
 */
void heap_init(const struct heap_page_ops *ops);

/*
 * Allocate `size` bytes, aligned as the header comment says, with
 * unspecified contents.
 *
 * kmalloc(0) returns a distinct minimal object (16 bytes), which must be
 * given to kfree() like any other: NULL always means failure, never "empty".
 *
 * Returns NULL, changing nothing, when the provider has no pages, when the
 * heap was not initialised, or when `size` is too large for any run of
 * pages to hold it (SIZE_MAX and its neighbours never wrap to a small block).
 *
 * Ownership: the caller owns the object until it passes it to kfree().
 * Context: any (see the header comment). Does not sleep.
 */
void *kmalloc(size_t size);

/* kmalloc(size) with the object zeroed; same contract. */
void *kzalloc(size_t size);

/*
 * Give back an object returned by kmalloc() or kzalloc(). kfree(NULL) does
 * nothing. The object's contents are not cleared.
 *
 * Panics with the address when `ptr` was not returned by this heap, points
 * inside an object instead of at its start, or was already freed. (A
 * double free is caught as long as the memory has not been handed out
 * again: once a new allocation lives at the same address, no allocator can
 * tell the two apart. If the provider unmapped the freed pages, the check
 * faults instead, which stops the kernel as well.)
 *
 * Empty slab pages go back to the provider, except one spare slab per
 * class, kept so that a loop allocating and freeing one object does not
 * call the provider every time. Large runs go back at once.
 *
 * Context: any (see the header comment). Does not sleep.
 */
void kfree(void *ptr);

/*
 * Return the spare slabs (at most one per class) to the provider. After
 * freeing everything and trimming, pages_held is 0. Context: any.
 */
void heap_trim(void);

/* The current accounting, read under the lock. Context: any. */
struct heap_stats heap_get_stats(void);

#endif /* CORE_HEAP_H */
