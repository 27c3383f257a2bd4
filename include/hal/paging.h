/*
 * include/hal/paging.h - HAL contract: hardware address spaces (page tables).
 *
 * A struct hal_paging is one page-table tree. Every tree shares the kernel
 * half: the kernel image, the direct map (HHDM) and the kernel VMM window,
 * so a mapping made in the kernel half by any space is seen by all of them.
 * The lower half belongs to one space (user mappings, with the process work).
 *
 * Pages are 4 KiB here; larger leaves are the platform's business (the
 * direct map uses them). Page-table pages come from the PMM and go back to
 * it when a space is destroyed. The functions do not lock: the owner of a
 * space (the VMM) serialises changes to it. TLB invalidation is local to
 * the calling CPU until SMP brings shootdowns.
 *
 * Implemented by each platform in platforms/<platform>/paging.c.
 */
#ifndef HAL_PAGING_H
#define HAL_PAGING_H

#include <core/boot_info.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hal_paging;

/* Mapping attributes. Every mapping is readable. */
#define HAL_MAP_WRITE  (1u << 0)
#define HAL_MAP_EXEC   (1u << 1)
#define HAL_MAP_USER   (1u << 2) /* reachable from user mode (lower half only) */
#define HAL_MAP_DEVICE (1u << 3) /* device memory: uncached, no speculative access */

enum hal_paging_status {
	HAL_PAGING_OK = 0,
	HAL_PAGING_NO_MEMORY,  /* a page-table page could not be allocated */
	HAL_PAGING_EXISTS,     /* map: a page of the range is already mapped */
	HAL_PAGING_NOT_MAPPED, /* unmap/protect: a page of the range is not mapped */
	HAL_PAGING_BAD_RANGE,  /* unaligned, wrapping, not canonical, or in the wrong half */
};

/*
 * Build the kernel's own page tables and switch to them, so that nothing
 * refers to the loader's tables afterwards: the kernel image at its link
 * address with each section's permissions (text R-X, rodata R--, data and
 * bss RW-), and the direct map over every region of the memory map
 * (normal memory write-back, other regions as the platform decides). The
 * platform also moves off any other loader-owned structure it still uses
 * (descriptor tables, TLB refill handler, empty TTBR0 table) so that
 * BOOTLOADER_RECLAIMABLE memory may be reused. Needs pmm_init() first.
 * Returns HAL_PAGING_OK or HAL_PAGING_NO_MEMORY.
 */
int hal_paging_init(const struct boot_info *bi);

/* The kernel's space (valid after hal_paging_init). */
struct hal_paging *hal_paging_kernel(void);

/*
 * A new space with an empty lower half and the shared kernel half.
 * Returns HAL_PAGING_OK with *out set, or HAL_PAGING_NO_MEMORY.
 */
int hal_paging_create(struct hal_paging **out);

/*
 * Free a space made by hal_paging_create and every lower-half page-table
 * page under it; the frames its mappings pointed to are the caller's. The
 * space must not be the current one on any CPU.
 */
void hal_paging_destroy(struct hal_paging *p);

/*
 * Map `pages` pages from va to pa with `attrs`. va and pa page-aligned, the
 * range in one half (HAL_MAP_USER only in the lower half). Nothing is
 * mapped when it fails: a partial mapping is undone. Returns a status.
 */
int hal_paging_map(struct hal_paging *p, uint64_t va, uint64_t pa, size_t pages, unsigned attrs);

/*
 * Unmap `pages` pages at va and invalidate them in this CPU's TLB. Fails
 * with HAL_PAGING_NOT_MAPPED, changing nothing, when a page is not mapped.
 * Page-table pages that become empty may be kept until destroy.
 */
int hal_paging_unmap(struct hal_paging *p, uint64_t va, size_t pages);

/* Change the attributes of mapped pages (same rules as unmap). */
int hal_paging_protect(struct hal_paging *p, uint64_t va, size_t pages, unsigned attrs);

/*
 * Translate va: true with the physical address and attributes when mapped
 * (pa and attrs may be NULL), false otherwise. Leaves of any size count.
 */
bool hal_paging_query(struct hal_paging *p, uint64_t va, uint64_t *pa, unsigned *attrs);

/* Make p the lower half of this CPU's translation (x86 CR3, TTBR0, satp, PGDL). */
void hal_paging_switch(struct hal_paging *p);

/* Drop this CPU's TLB entries for `pages` pages at va. */
void hal_paging_flush(uint64_t va, size_t pages);

#endif /* HAL_PAGING_H */
