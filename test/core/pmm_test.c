/*
 * test/core/pmm_test.c - the physical memory manager on fake memory maps.
 *
 * "Physical memory" here is a 4 MiB malloc'd arena: physical address p is
 * arena + p, so the direct-map offset given to pmm_init is the arena's
 * address. The arena starts filled with ARENA_FILL, so untouched bytes,
 * zeroed pages and the PMM's own bitmaps can be told apart.
 *
 * The standard map, in pages of 4 KiB (page n is at n * 0x1000):
 *   0-15     USABLE                 page 0 is usable but must never be handed out
 *   16-32    RESERVED               0x10000-0x20400: ends inside page 32, so page 32 is not ours
 *   32-254   USABLE                 (with 255, 0x20000-0x100000)
 *   255-256  ACPI_NVS               0xffc00-0x100400: touches pages 255 and 256
 *   256-319  BOOTLOADER_RECLAIMABLE touches page 255's zone: one zone 32-319
 *   320-383  KERNEL_AND_MODULES
 *   384-511  USABLE
 *   513      USABLE                 0x200800-0x202800: only page 513 lies wholly inside
 *   768-1023 USABLE                 the highest region: the metadata goes to its top
 * Holes: 512, 514-767. Criterion runs each test in its own process, so each
 * test starts from a fresh PMM.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

#include <base/string.h>
#include <core/pmm.h>

#include "hal/cpu_mock.h"

#define PAGE	      PMM_PAGE_SIZE
#define ARENA_PAGES   1024u
#define ARENA_FILL    0xa5
#define RECLAIM_PAGES 64u

static uint8_t *arena;

static const struct boot_mem_region standard_map[] = {
	{ 0x000000, 0x010000, BOOT_MEM_USABLE },
	{ 0x010000, 0x010400, BOOT_MEM_RESERVED },
	{ 0x020000, 0x0e0000, BOOT_MEM_USABLE },
	{ 0x0ffc00, 0x000800, BOOT_MEM_ACPI_NVS },
	{ 0x100000, 0x040000, BOOT_MEM_BOOTLOADER_RECLAIMABLE },
	{ 0x140000, 0x040000, BOOT_MEM_KERNEL_AND_MODULES },
	{ 0x180000, 0x080000, BOOT_MEM_USABLE },
	{ 0x200800, 0x002000, BOOT_MEM_USABLE },
	{ 0x300000, 0x100000, BOOT_MEM_USABLE },
};

/* USABLE pages wholly inside usable entries: 16 + 224 + 128 + 1 + 256. */
#define STANDARD_TOTAL	   625u
/* Never handed out besides the metadata: page 0, page 32 and page 255. */
#define STANDARD_FORBIDDEN 3u

static void arena_setup(void)
{
	arena = aligned_alloc(PAGE, (size_t)ARENA_PAGES * PAGE);
	cr_assert_not_null(arena);
	memset(arena, ARENA_FILL, (size_t)ARENA_PAGES * PAGE);
	mock_irq_reset();
}

static void arena_teardown(void)
{
	free(arena);
}

static uint64_t offset(void)
{
	return (uint64_t)(uintptr_t)arena;
}

static uint8_t *virt(uint64_t phys)
{
	return arena + phys;
}

static void standard_setup(void)
{
	arena_setup();
	cr_assert(pmm_init(standard_map, sizeof(standard_map) / sizeof(standard_map[0]), offset()));
}

static void assert_accounting_holds(void)
{
	struct pmm_stats s = pmm_get_stats();

	cr_assert_eq(s.free_pages + s.allocated_pages + s.reserved_pages, s.total_pages,
		     "free %llu + allocated %llu + reserved %llu != total %llu",
		     (unsigned long long)s.free_pages, (unsigned long long)s.allocated_pages,
		     (unsigned long long)s.reserved_pages, (unsigned long long)s.total_pages);
}

/* Allocate single pages until none is left; returns how many, addresses in out[]. */
static size_t exhaust(uint64_t *out, size_t max)
{
	size_t n = 0;
	uint64_t p;

	while ((p = pmm_alloc_page()) != 0) {
		cr_assert_lt(n, max, "more pages than the map holds");
		out[n++] = p;
	}
	return n;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- pmm_init ----------------------------------------------------------- */

Test(pmm_init, refuses_a_map_without_usable_memory, .init = arena_setup, .fini = arena_teardown)
{
	const struct boot_mem_region map[] = {
		{ 0x000000, 0x100000, BOOT_MEM_RESERVED },
		{ 0x100000, 0x100000, BOOT_MEM_BOOTLOADER_RECLAIMABLE },
	};

	cr_assert_not(pmm_init(map, 2, offset()));
	cr_assert_eq(pmm_alloc_page(), 0, "a failed init manages nothing");
	cr_assert_eq(pmm_get_stats().total_pages, 0);
}

Test(pmm_init, refuses_unsorted_or_overlapping_usable_entries, .init = arena_setup,
     .fini = arena_teardown)
{
	const struct boot_mem_region unsorted[] = {
		{ 0x200000, 0x100000, BOOT_MEM_USABLE },
		{ 0x100000, 0x100000, BOOT_MEM_USABLE },
	};
	const struct boot_mem_region overlapping[] = {
		{ 0x100000, 0x100000, BOOT_MEM_USABLE },
		{ 0x1ff800, 0x100000, BOOT_MEM_BOOTLOADER_RECLAIMABLE },
	};

	cr_assert_not(pmm_init(unsorted, 2, offset()));
	cr_assert_not(pmm_init(overlapping, 2, offset()));
}

Test(pmm_init, refuses_a_map_with_no_room_for_the_metadata, .init = arena_setup,
     .fini = arena_teardown)
{
	/* The only usable page is page 0, which the PMM never uses. */
	const struct boot_mem_region map[] = { { 0, PAGE, BOOT_MEM_USABLE } };

	cr_assert_not(pmm_init(map, 1, offset()));
}

Test(pmm_init, accounts_for_every_usable_page, .init = standard_setup, .fini = arena_teardown)
{
	struct pmm_stats s = pmm_get_stats();

	cr_assert_eq(s.total_pages, STANDARD_TOTAL);
	cr_assert_eq(s.allocated_pages, 0);
	/* The metadata (zone table, bitmaps, map copy) is well under a page here. */
	cr_assert_eq(s.reserved_pages, STANDARD_FORBIDDEN + 1);
	assert_accounting_holds();
}

Test(pmm, calls_leave_interrupts_as_they_found_them, .init = standard_setup, .fini = arena_teardown)
{
	uint64_t p = pmm_alloc_pages(3, 4);

	cr_assert(mock_irq_enabled());
	pmm_free_pages(p, 3);
	(void)pmm_get_stats();
	(void)pmm_reclaim_bootloader();
	cr_assert(mock_irq_enabled());
	cr_assert_eq(mock_irq_depth(), 0);
}

Test(pmm_init, hands_out_every_free_page_once_and_never_a_forbidden_one, .init = standard_setup,
     .fini = arena_teardown)
{
	uint64_t pages[ARENA_PAGES];
	struct pmm_stats before = pmm_get_stats();
	size_t n = exhaust(pages, ARENA_PAGES);

	cr_assert_eq(n, before.free_pages);
	qsort(pages, n, sizeof(pages[0]), compare_u64);
	for (size_t i = 0; i < n; i++) {
		uint64_t p = pages[i];

		cr_assert(i == 0 || pages[i - 1] < p, "page %#llx handed out twice",
			  (unsigned long long)p);
		cr_assert(p != 0 && p != 32 * PAGE && p != 255 * PAGE,
			  "forbidden page %#llx handed out", (unsigned long long)p);
		bool in_usable = false;

		for (size_t r = 0; r < sizeof(standard_map) / sizeof(standard_map[0]); r++) {
			const struct boot_mem_region *e = &standard_map[r];

			if (e->type == BOOT_MEM_USABLE && e->base <= p &&
			    p + PAGE <= e->base + e->length)
				in_usable = true;
		}
		cr_assert(in_usable, "page %#llx is not wholly usable", (unsigned long long)p);
	}
	cr_assert_eq(pmm_get_stats().free_pages, 0);
	assert_accounting_holds();
}

Test(pmm_init, keeps_its_metadata_at_the_top_of_the_highest_usable_region, .init = standard_setup,
     .fini = arena_teardown)
{
	uint64_t pages[ARENA_PAGES];
	size_t n = exhaust(pages, ARENA_PAGES);

	/* Everything in the highest region was handed out, except its last page. */
	qsort(pages, n, sizeof(pages[0]), compare_u64);
	cr_assert_eq(pages[n - 1], 1022 * PAGE);
	cr_assert_neq(arena[1023 * PAGE], ARENA_FILL, "the bitmaps live in page 1023");
}

/* ---- Allocation ---------------------------------------------------------- */

Test(pmm_alloc, returns_zeroed_pages, .init = standard_setup, .fini = arena_teardown)
{
	uint64_t p = pmm_alloc_pages(5, 1);

	cr_assert_neq(p, 0);
	for (size_t i = 0; i < 5 * PAGE; i++)
		cr_assert_eq(virt(p)[i], 0, "byte %zu of the run is %#x", i, virt(p)[i]);
}

Test(pmm_alloc, with_no_zero_leaves_the_old_contents, .init = standard_setup,
     .fini = arena_teardown)
{
	uint64_t p = pmm_alloc_pages_flags(2, 1, PMM_ALLOC_NO_ZERO);

	cr_assert_neq(p, 0);
	cr_assert_eq(virt(p)[0], ARENA_FILL);
	cr_assert_eq(virt(p)[2 * PAGE - 1], ARENA_FILL);
}

Test(pmm_alloc, zeroes_a_page_that_comes_back_after_a_free, .init = arena_setup,
     .fini = arena_teardown)
{
	/* Three pages: the metadata takes the top one, two are left. */
	const struct boot_mem_region map[] = { { PAGE, 3 * PAGE, BOOT_MEM_USABLE } };

	cr_assert(pmm_init(map, 1, offset()));
	uint64_t a = pmm_alloc_page();

	memset(virt(a), 0x5a, PAGE);
	pmm_free_page(a);
	uint64_t b = pmm_alloc_page(), c = pmm_alloc_page();

	cr_assert_neq(b, a, "next fit moves on");
	cr_assert_eq(c, a, "and wraps around to the freed page");
	cr_assert_eq(virt(c)[0], 0);
	cr_assert_eq(virt(c)[PAGE - 1], 0);
}

Test(pmm_alloc, next_fit_hands_out_consecutive_pages_on_a_fresh_map, .init = standard_setup,
     .fini = arena_teardown)
{
	uint64_t first = pmm_alloc_page();

	for (uint64_t i = 1; i < 10; i++)
		cr_assert_eq(pmm_alloc_page(), first + i * PAGE);
}

Test(pmm_alloc, finds_a_run_that_straddles_where_the_last_search_ended, .init = arena_setup,
     .fini = arena_teardown)
{
	/* Pages 1-8; the metadata takes page 8, so 1-7 are free. */
	const struct boot_mem_region map[] = { { PAGE, 8 * PAGE, BOOT_MEM_USABLE } };

	cr_assert(pmm_init(map, 1, offset()));
	cr_assert_eq(pmm_alloc_pages(4, 1), 1 * PAGE); /* 1-4; the next search starts at 5 */
	pmm_free_pages(3 * PAGE, 2);		       /* free: 3-7, across that point */
	cr_assert_eq(pmm_alloc_pages(5, 1), 3 * PAGE);
}

Test(pmm_alloc, aligns_runs_to_the_requested_power_of_two, .init = standard_setup,
     .fini = arena_teardown)
{
	static const size_t aligns[] = { 0, 1, 2, 4, 8, 16, 32, 64, 128 };

	(void)pmm_alloc_page(); /* so that the hint sits on an odd page */
	for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		size_t align = aligns[i] ? aligns[i] : 1;
		uint64_t p = pmm_alloc_pages(3, aligns[i]);

		cr_assert_neq(p, 0, "align %zu", aligns[i]);
		cr_assert_eq(p % (align * PAGE), 0, "%#llx is not aligned to %zu pages",
			     (unsigned long long)p, align);
	}
	assert_accounting_holds();
}

Test(pmm_alloc, refuses_zero_pages_and_alignments_that_are_not_powers_of_two,
     .init = standard_setup, .fini = arena_teardown)
{
	struct pmm_stats before = pmm_get_stats();

	cr_assert_eq(pmm_alloc_pages(0, 1), 0);
	cr_assert_eq(pmm_alloc_pages(1, 3), 0);
	cr_assert_eq(pmm_alloc_pages(1, 12), 0);
	cr_assert_eq(pmm_get_stats().free_pages, before.free_pages);
}

Test(pmm_alloc, finds_a_run_only_where_a_region_is_long_enough, .init = standard_setup,
     .fini = arena_teardown)
{
	/* The longest free stretch is pages 768-1022 (255 pages), below the metadata. */
	struct pmm_stats before = pmm_get_stats();

	cr_assert_eq(pmm_alloc_pages(256, 1), 0);
	cr_assert_eq(pmm_get_stats().free_pages, before.free_pages);
	cr_assert_eq(pmm_alloc_pages(255, 1), 768 * PAGE);
}

Test(pmm_alloc, after_fragmentation_a_run_comes_from_a_hole_that_fits, .init = standard_setup,
     .fini = arena_teardown)
{
	uint64_t pages[ARENA_PAGES];
	size_t n = exhaust(pages, ARENA_PAGES);

	qsort(pages, n, sizeof(pages[0]), compare_u64);
	for (size_t i = 0; i < n; i += 2)
		pmm_free_page(pages[i]);
	struct pmm_stats before = pmm_get_stats();

	/* Every other page is free: no two free pages touch. */
	cr_assert_eq(pmm_alloc_pages(2, 1), 0);
	cr_assert_eq(pmm_get_stats().free_pages, before.free_pages, "a failure changes nothing");

	/* Free the neighbour of one free page: exactly one 2-page hole exists. */
	size_t k = 100;

	cr_assert_eq(pages[k + 1], pages[k] + PAGE, "pick a spot with neighbours");
	pmm_free_page(pages[k + 1]);
	cr_assert_eq(pmm_alloc_pages(2, 1), pages[k]);
	assert_accounting_holds();
}

Test(pmm_alloc, exhaustion_returns_zero_and_frees_restore_the_count, .init = standard_setup,
     .fini = arena_teardown)
{
	uint64_t pages[ARENA_PAGES];
	struct pmm_stats before = pmm_get_stats();
	size_t n = exhaust(pages, ARENA_PAGES);

	for (int i = 0; i < 3; i++) {
		cr_assert_eq(pmm_alloc_page(), 0);
		cr_assert_eq(pmm_alloc_pages(4, 4), 0);
	}
	cr_assert_eq(pmm_get_stats().free_pages, 0);
	cr_assert_eq(pmm_get_stats().allocated_pages, n);
	for (size_t i = 0; i < n; i++)
		pmm_free_page(pages[i]);
	struct pmm_stats after = pmm_get_stats();

	cr_assert_eq(after.free_pages, before.free_pages);
	cr_assert_eq(after.allocated_pages, 0);
	cr_assert_eq(after.reserved_pages, before.reserved_pages);
}

Test(pmm_free, accepts_a_run_freed_in_pieces, .init = standard_setup, .fini = arena_teardown)
{
	struct pmm_stats before = pmm_get_stats();
	uint64_t p = pmm_alloc_pages(4, 1);

	pmm_free_pages(p + 2 * PAGE, 2);
	pmm_free_page(p);
	pmm_free_page(p + PAGE);
	cr_assert_eq(pmm_get_stats().free_pages, before.free_pages);
	pmm_free_pages(p, 0); /* frees nothing, checks nothing but alignment */
}

/* ---- Bad frees stop the kernel (the mock base_panic aborts) -------------- */

Test(pmm_free, of_a_page_twice_panics, .init = standard_setup, .fini = arena_teardown,
     .signal = SIGABRT)
{
	uint64_t p = pmm_alloc_page();

	pmm_free_page(p);
	pmm_free_page(p);
}

Test(pmm_free, of_a_page_never_allocated_panics, .init = standard_setup, .fini = arena_teardown,
     .signal = SIGABRT)
{
	pmm_free_page(40 * PAGE);
}

Test(pmm_free, of_a_run_longer_than_the_allocation_panics, .init = standard_setup,
     .fini = arena_teardown, .signal = SIGABRT)
{
	uint64_t p = pmm_alloc_pages(2, 1);

	pmm_free_pages(p, 3);
}

Test(pmm_free, of_page_zero_panics, .init = standard_setup, .fini = arena_teardown,
     .signal = SIGABRT)
{
	pmm_free_page(0);
}

Test(pmm_free, of_the_metadata_panics, .init = standard_setup, .fini = arena_teardown,
     .signal = SIGABRT)
{
	pmm_free_page(1023 * PAGE);
}

Test(pmm_free, of_a_page_in_a_hole_panics, .init = standard_setup, .fini = arena_teardown,
     .signal = SIGABRT)
{
	pmm_free_page(600 * PAGE);
}

Test(pmm_free, of_the_kernel_image_panics, .init = standard_setup, .fini = arena_teardown,
     .signal = SIGABRT)
{
	pmm_free_page(0x140000);
}

Test(pmm_free, of_a_run_past_the_end_of_its_region_panics, .init = standard_setup,
     .fini = arena_teardown, .signal = SIGABRT)
{
	uint64_t p = pmm_alloc_pages(255, 1); /* 768-1022 */

	cr_assert_eq(p, 768 * PAGE);
	pmm_free_pages(p, 300);
}

Test(pmm_free, of_memory_far_outside_the_map_panics, .init = standard_setup, .fini = arena_teardown,
     .signal = SIGABRT)
{
	pmm_free_page(UINT64_C(0x7ffffffff000));
}

Test(pmm_free, of_a_misaligned_address_panics, .init = standard_setup, .fini = arena_teardown,
     .signal = SIGABRT)
{
	uint64_t p = pmm_alloc_page();

	pmm_free_page(p + 0x10);
}

Test(pmm_free, of_reclaimable_memory_before_the_reclaim_panics, .init = standard_setup,
     .fini = arena_teardown, .signal = SIGABRT)
{
	pmm_free_page(0x110000);
}

/* ---- Reclaim ------------------------------------------------------------- */

Test(pmm_reclaim, adds_exactly_the_reclaimable_pages, .init = arena_setup, .fini = arena_teardown)
{
	const struct boot_mem_region map[] = {
		{ 0x001000, 0x0ff000, BOOT_MEM_USABLE },
		{ 0x100000, 0x020000, BOOT_MEM_BOOTLOADER_RECLAIMABLE },
		{ 0x140000, 0x010000, BOOT_MEM_BOOTLOADER_RECLAIMABLE },
		{ 0x150000, 0x0b0000, BOOT_MEM_RESERVED },
	};

	cr_assert(pmm_init(map, 4, offset()));
	struct pmm_stats before = pmm_get_stats();

	cr_assert_eq(pmm_reclaim_bootloader(), 0x30);
	struct pmm_stats after = pmm_get_stats();

	cr_assert_eq(after.total_pages, before.total_pages + 0x30);
	cr_assert_eq(after.free_pages, before.free_pages + 0x30);
	cr_assert_eq(after.reserved_pages, before.reserved_pages);
	cr_assert_eq(pmm_reclaim_bootloader(), 0, "a second reclaim does nothing");
	cr_assert_eq(pmm_get_stats().total_pages, after.total_pages);
}

Test(pmm_reclaim, keeps_allocations_and_pages_shared_with_firmware, .init = standard_setup,
     .fini = arena_teardown)
{
	uint64_t held = pmm_alloc_pages(7, 1);
	struct pmm_stats before = pmm_get_stats();

	/* Page 256 shares bytes with the ACPI NVS entry: it stays reserved. */
	cr_assert_eq(pmm_reclaim_bootloader(), RECLAIM_PAGES - 1);
	struct pmm_stats after = pmm_get_stats();

	cr_assert_eq(after.total_pages, before.total_pages + RECLAIM_PAGES);
	cr_assert_eq(after.free_pages, before.free_pages + RECLAIM_PAGES - 1);
	cr_assert_eq(after.allocated_pages, 7);
	assert_accounting_holds();
	pmm_free_pages(held, 7);
}

Test(pmm_reclaim, makes_reclaimed_pages_allocatable, .init = standard_setup, .fini = arena_teardown)
{
	uint64_t pages[ARENA_PAGES];

	(void)pmm_reclaim_bootloader();
	size_t n = exhaust(pages, ARENA_PAGES), reclaimed = 0;

	for (size_t i = 0; i < n; i++) {
		cr_assert_neq(pages[i], 256 * PAGE);
		if (pages[i] >= 0x100000 && pages[i] < 0x140000)
			reclaimed++;
	}
	cr_assert_eq(reclaimed, RECLAIM_PAGES - 1);
}
