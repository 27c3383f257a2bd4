/*
 * include/core/vmm.h - the virtual memory manager (requirement M3).
 *
 * A VMM manages one window of virtual addresses (an address_space, see
 * include/core/vaddr_alloc.h) in one hardware address space (a HAL paging
 * handle, see include/hal/paging.h). Callers ask it for allocations: a run
 * of pages with a protection, backed by physical frames from the PMM. Each
 * allocation is described by a record and named by an ID. The VMM owns the
 * frames behind every record and gives them back to the PMM when the
 * record is freed or the VMM is destroyed.
 *
 * Eager and lazy. An eager allocation is mapped in full before vmm_alloc()
 * returns, so it never faults. A lazy one only reserves the addresses: each
 * page gets a zeroed frame the first time it is touched, when the fault
 * handler calls vmm_handle_fault(). Large, sparsely used buffers then cost
 * only the pages actually used.
 *
 * Protection policy. Every allocation is readable (the HAL has no
 * "present but not readable" mapping), so VMM_READ is required. No
 * allocation is ever both writable and executable (W^X): memory the kernel
 * can write is never memory it runs, which closes the simplest way of
 * turning a memory bug into code execution. Such requests are refused with
 * VMM_WX_REFUSED rather than silently downgraded.
 *
 * Where the backing frames are. The VMM keeps no per-page list: the page
 * tables themselves say which pages of a record are present and which
 * frame each one uses (hal_paging_query). Invariant: every page mapped in
 * the window was mapped by this VMM, lies inside exactly one record, and
 * its frame is owned by that record. Nothing else may map or unmap pages
 * in a VMM's window.
 *
 * Storage. The VMM has no heap under it (the heap is built on top of it),
 * so the caller lends one block of storage at init, sized by
 * vmm_storage_bytes(): the window's bitmap plus a fixed table of records.
 * The number of records is therefore fixed at init; past it vmm_alloc()
 * answers VMM_NO_RECORD.
 *
 * Locking. One spinlock per VMM, taken with interrupts masked, serialises
 * every function below (except vmm_storage_bytes() and vmm_init()), so they
 * may be called from any CPU and from the page-fault handler. They call the
 * PMM and the HAL paging functions under that lock (lock order: VMM, then
 * PMM). They never dereference an address of the window themselves, since
 * a fault taken while holding the lock would deadlock on it (the spinlock
 * panics instead). None of them sleeps.
 *
 * Arguments. A NULL or uninitialised `struct vmm` is a caller bug and is
 * not checked; everything else a caller can get wrong returns a status.
 */
#ifndef CORE_VMM_H
#define CORE_VMM_H

#include <core/spinlock.h>
#include <core/vaddr_alloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMM_PAGE_SIZE VAS_PAGE_SIZE

/* Protection of an allocation (the `prot` arguments). */
#define VMM_READ  (1u << 0) /* required: every mapping is readable */
#define VMM_WRITE (1u << 1) /* stores allowed; never together with VMM_EXEC */
#define VMM_EXEC  (1u << 2) /* instruction fetches allowed */
#define VMM_USER  (1u << 3) /* reachable from user mode; only in a user window */

/* How an allocation is backed (the `flags` argument of vmm_alloc()). */
#define VMM_EAGER 0u	    /* map every page now */
#define VMM_LAZY  (1u << 0) /* map each page on its first access, through a fault */
/*
 * Reserve one more page just below the allocation and never map it, so
 * running off the bottom (a stack overflow) faults instead of reaching a
 * neighbour. The guard is not part of the record: a fault there is
 * VMM_NOT_FOUND.
 */
#define VMM_GUARD (1u << 1)
/* A record of vmm_map_phys(): physical pages the VMM maps but does not own. */
#define VMM_PHYS  (1u << 2)

/* What a faulting access was (the `access` argument of vmm_handle_fault()). */
#define VMM_FAULT_READ	0u	  /* a load */
#define VMM_FAULT_WRITE (1u << 0) /* a store */
#define VMM_FAULT_EXEC	(1u << 1) /* an instruction fetch */
#define VMM_FAULT_USER	(1u << 2) /* the access came from user mode */

/* Every function that can fail returns one of these. */
enum vmm_status {
	/* Done; every output is set. */
	VMM_OK = 0,
	/*
	 * A request that can never succeed: 0 pages, a size that overflows,
	 * unknown bits in prot, flags or access, prot without VMM_READ,
	 * VMM_USER in a kernel window, bad init parameters or storage. Nothing
	 * changed.
	 */
	VMM_BAD_ARGUMENT,
	/* prot has both VMM_WRITE and VMM_EXEC: refused by policy (W^X). Nothing changed. */
	VMM_WX_REFUSED,
	/* No free run of virtual pages in the window is long enough. Nothing changed. */
	VMM_NO_VA,
	/*
	 * The PMM had no frame (or the HAL no page-table page) for an eager
	 * allocation or a fault. Every page mapped so far by the failing call
	 * has been unmapped and its frame returned: nothing changed, except
	 * that page-table pages the HAL created may stay (they are the
	 * space's, freed when the space is destroyed).
	 */
	VMM_NO_MEMORY,
	/* The record table given at init is full. Nothing changed. */
	VMM_NO_RECORD,
	/*
	 * No record has this ID (never allocated, or already freed: IDs are
	 * never reused), or, for a fault or a query, no record contains the
	 * address. Nothing changed.
	 */
	VMM_NOT_FOUND,
	/*
	 * vmm_handle_fault(): the address is inside a record but the fault is
	 * not one the VMM resolves: the access is not allowed by the record's
	 * protection, or the record is eager (its pages are always present,
	 * so a fault there is a protection violation). Nothing changed; the
	 * caller treats the fault as a bug of the faulting code.
	 */
	VMM_ACCESS_DENIED,
};

/* How vmm_init() sets a VMM up. */
struct vmm_config {
	uint64_t base;		   /* first address of the window: page-aligned, not 0 */
	uint64_t size;		   /* bytes: a non-zero multiple of VMM_PAGE_SIZE */
	struct hal_paging *paging; /* the space the window lives in; stays the caller's */
	size_t max_records;	   /* capacity of the record table, at least 1 */
	bool user;		   /* a user window: VMM_USER allowed (required by user faults) */
	/*
	 * Address reuse. Next fit (false, the default) hands freed addresses
	 * out again only after the hint has gone round the window, so a stale
	 * pointer faults instead of hitting new memory. First fit (true) keeps
	 * allocations low: the kernel window wants that, because page-table
	 * pages of the shared kernel half are never freed, and next fit would
	 * sweep (and so populate tables for) the whole window over time.
	 */
	bool first_fit;
};

/*
 * One allocation. Records are kept sorted by base in the table, so a fault
 * address is found by binary search.
 */
struct vmm_record {
	uint64_t id;	/* never 0, never reused within one VMM */
	uint64_t base;	/* first address, page-aligned */
	size_t pages;	/* length in pages, at least 1 */
	size_t present; /* pages of this record currently mapped (== pages when eager) */
	unsigned prot;	/* VMM_READ | VMM_WRITE | VMM_EXEC | VMM_USER, never W and X */
	unsigned flags; /* VMM_EAGER or VMM_LAZY, VMM_GUARD, VMM_PHYS */
	uint64_t phys;	/* VMM_PHYS: the first page's physical address */
};

/*
 * A VMM. Callers allocate the struct and use the functions below only.
 * Invariants between calls (under `lock`):
 *  - records[0..count) are sorted by base and do not overlap; each range
 *    is owned in `space` and every owned page of `space` is in one record;
 *  - the sum of records[i].present is mapped_pages, and equals the number
 *    of pages mapped in the window.
 */
struct vmm {
	struct spinlock lock;
	struct address_space space; /* the window; space.paging is the HAL handle */
	struct vmm_record *records; /* the table, in the storage lent at init */
	size_t count;		    /* records in use */
	size_t capacity;	    /* records the table holds */
	uint64_t next_id;	    /* the ID the next allocation gets */
	size_t mapped_pages;	    /* frames owned, all records together */
	bool user;		    /* from the config */
};

/* A snapshot for statistics and tests. */
struct vmm_stats {
	size_t records;		/* allocations alive */
	size_t record_capacity; /* the table's size */
	size_t mapped_pages;	/* pages mapped (owned frames, and VMM_PHYS pages) */
	size_t reserved_pages;	/* window pages owned by records, mapped or not */
	size_t free_pages;	/* window pages owned by nobody */
};

/* What vmm_query() found at an address. */
struct vmm_info {
	struct vmm_record record; /* a copy of the record containing the address */
	bool present;		  /* the page of the address is mapped */
	uint64_t phys;		  /* its frame's physical address when present, else 0 */
};

/*
 * Bytes of storage vmm_init() needs for `config` (window bitmap plus record
 * table, each rounded to 8 bytes). Returns 0 when the size is invalid or
 * max_records is 0, which vmm_init() refuses. Pure arithmetic; any context.
 */
size_t vmm_storage_bytes(const struct vmm_config *config);

/*
 * Set up `vmm` over config->base .. + config->size in config->paging, with
 * no records and the next-fit search (a freed range is reused only after
 * the search has gone round the window, so a stale pointer faults instead
 * of reaching new memory).
 *
 * Needs: the window's rules of vas_init(); paging not NULL; max_records at
 * least 1; storage aligned to 8 bytes and at least vmm_storage_bytes()
 * long; no page of the window mapped in `paging`.
 * Returns VMM_OK, or VMM_BAD_ARGUMENT changing nothing.
 *
 * Ownership: the storage is lent until vmm_destroy() returns; the paging
 * handle stays the caller's (vmm_destroy() does not destroy it).
 * Context: before any other call on `vmm`, by one CPU. Does not sleep.
 */
int vmm_init(struct vmm *vmm, const struct vmm_config *config, void *storage, size_t storage_bytes);

/*
 * Allocate `pages` pages with protection `prot`, eagerly (VMM_EAGER: every
 * page mapped to a zeroed frame now) or lazily (VMM_LAZY: nothing mapped
 * until touched). On VMM_OK, *va is the first address (page-aligned) and
 * *id the new record's ID; the caller owns the allocation until it calls
 * vmm_free(). On failure neither output is written and nothing changed.
 *
 * Failures: VMM_BAD_ARGUMENT (pages 0, unknown prot or flag bits, no
 * VMM_READ, VMM_USER in a kernel window, va or id NULL), VMM_WX_REFUSED,
 * VMM_NO_RECORD, VMM_NO_VA, VMM_NO_MEMORY (eager only; rolled back).
 * Cost: O(records) to insert the record, plus one PMM and one HAL call
 * per page when eager.
 */
int vmm_alloc(struct vmm *vmm, size_t pages, unsigned prot, unsigned flags, uint64_t *va,
	      uint64_t *id);

/*
 * vmm_alloc() at a fixed place: the pages [va, va + pages * VMM_PAGE_SIZE),
 * for images whose addresses are set at link time (ELF segments). va must
 * be page-aligned and the whole range inside the window and owned by
 * nobody, otherwise VMM_NO_VA; VMM_GUARD is refused (VMM_BAD_ARGUMENT).
 * Other rules, statuses and costs as vmm_alloc().
 */
int vmm_alloc_at(struct vmm *vmm, uint64_t va, size_t pages, unsigned prot, unsigned flags,
		 uint64_t *id);

/*
 * Map the physical range [phys, phys + pages * VMM_PAGE_SIZE) with `prot`
 * (VMM_EXEC refused), at an address the window picks: a device's
 * registers (`device`: HAL_MAP_DEVICE, uncached), or memory someone else
 * owns (a shared memory object's frames). The record is
 * VMM_PHYS: its pages are never the PMM's, so freeing it unmaps them and
 * frees no frame, and vmm_protect() refuses it. Statuses as vmm_alloc(),
 * plus VMM_BAD_ARGUMENT for an unaligned or wrapping range.
 */
int vmm_map_phys(struct vmm *vmm, uint64_t phys, size_t pages, unsigned prot, bool device,
		 uint64_t *va, uint64_t *id);

/*
 * Free the allocation `id`: unmap its present pages, give their frames
 * back to the PMM, release its addresses and drop the record. Afterwards
 * any access to its range faults and is refused.
 * Returns VMM_OK or VMM_NOT_FOUND. Cost: O(records + pages).
 */
int vmm_free(struct vmm *vmm, uint64_t id);

/* vmm_free() of the allocation whose first address is `va`; same statuses. */
int vmm_free_at(struct vmm *vmm, uint64_t va);

/*
 * Change the protection of allocation `id` to `prot` (same rules as
 * vmm_alloc()): present pages change now, absent lazy pages get it when
 * they are faulted in. Returns VMM_OK, VMM_NOT_FOUND, VMM_BAD_ARGUMENT or
 * VMM_WX_REFUSED; on failure the protection is unchanged.
 * Cost: one HAL call per present page.
 */
int vmm_protect(struct vmm *vmm, uint64_t id, unsigned prot);

/*
 * Try to resolve a page fault at `va` (any address, aligned or not) made
 * by an access described by `access` (VMM_FAULT_* bits).
 *
 * Resolved (VMM_OK): va is inside a lazy record whose protection allows
 * the access (a store needs VMM_WRITE, a fetch VMM_EXEC, a user access
 * VMM_USER); its page was absent and is now mapped to a fresh zeroed frame
 * with the record's protection, or it was already present with a
 * protection that allows the access (another CPU resolved it first, or a
 * stale TLB entry was left by vmm_protect(); the local TLB is flushed).
 * The faulting instruction may be retried.
 *
 * Refused, nothing changed: VMM_NOT_FOUND (no record contains va: outside
 * the window, or a hole, or a freed range), VMM_ACCESS_DENIED (see the
 * status), VMM_BAD_ARGUMENT (unknown access bits), VMM_NO_MEMORY (no frame
 * or page-table page). The caller decides what a refusal means: for a
 * kernel fault, a panic.
 *
 * Context: the trap handler, interrupts masked; must not be called while
 * the calling CPU holds this VMM's lock.
 */
int vmm_handle_fault(struct vmm *vmm, uint64_t va, unsigned access);

/*
 * Describe the record containing `va` and whether its page is present.
 * Returns VMM_OK with *out filled, VMM_NOT_FOUND when no record contains
 * va, VMM_BAD_ARGUMENT when out is NULL. For tests and diagnostics.
 */
int vmm_query(struct vmm *vmm, uint64_t va, struct vmm_info *out);

/* The current counts, read under the lock. */
struct vmm_stats vmm_get_stats(struct vmm *vmm);

/*
 * Free every allocation (as vmm_free() does) and leave `vmm` empty and
 * unusable: its storage may be reclaimed and its paging handle destroyed
 * by the caller after this returns. No other CPU may use `vmm` meanwhile.
 */
void vmm_destroy(struct vmm *vmm);

/* A short name for a status ("NO_VA"...), for logs and test messages. */
const char *vmm_status_name(int status);

#endif /* CORE_VMM_H */
