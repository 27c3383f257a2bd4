/*
 * kernel/test/selftests/pmm.c - the physical memory manager on the real memory map.
 *
 * The native tests (test/core/pmm_test.c) cover the PMM's logic on fake
 * maps; these cases check what only the booted kernel can: that the pages
 * it hands out on this machine are real RAM per the loader's map (USABLE,
 * or reclaimed from the loader), reachable and writable through the direct
 * map, and that the
 * accounting matches the map. Every case gives back what it takes.
 */
#include "../selftest.h"

#include <core/boot_info.h>
#include <core/pmm.h>
#include <stdint.h>

#define RUNS	  48
#define SINGLES	  1000
#define PATTERN64 UINT64_C(0x5eedf00dcafe1234)

/*
 * The PMM manages USABLE memory, and the loader's reclaimable memory once
 * kernel_main has handed it back (after the kernel's own page tables).
 */
static bool managed(const struct boot_mem_region *r)
{
	return r->type == BOOT_MEM_USABLE || r->type == BOOT_MEM_BOOTLOADER_RECLAIMABLE;
}

/* Whether [phys, phys + pages pages) lies wholly inside one managed entry of the map. */
static bool run_is_usable(uint64_t phys, size_t pages)
{
	const struct boot_info *bi = boot_info();
	uint64_t end = phys + pages * PMM_PAGE_SIZE;

	for (size_t i = 0; i < bi->memmap_count; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		if (managed(r) && r->base <= phys && end <= r->base + r->length)
			return true;
	}
	return false;
}

static void accounting_matches_the_memory_map(struct selftest *t)
{
	const struct boot_info *bi = boot_info();
	struct pmm_stats s = pmm_get_stats();
	uint64_t managed_pages = 0;

	for (size_t i = 0; i < bi->memmap_count; i++)
		if (managed(&bi->memmap[i]))
			managed_pages += bi->memmap[i].length / PMM_PAGE_SIZE;
	ST_ASSERT_EQ(t, s.total_pages, managed_pages);
	ST_ASSERT_EQ(t, s.free_pages + s.allocated_pages + s.reserved_pages, s.total_pages);
	ST_ASSERT_LT(t, 0, s.reserved_pages); /* at least the bitmaps */
}

static void allocations_are_distinct_aligned_and_usable(struct selftest *t)
{
	static struct {
		uint64_t phys;
		size_t pages;
	} runs[RUNS];
	size_t n = 0;

	for (; n < RUNS; n++) {
		size_t pages = 1 + n % 7, align = (size_t)1 << (n % 5); /* 1..7 pages, 1..16 */
		uint64_t p = pmm_alloc_pages(pages, align);

		ST_ASSERT_NE_GOTO(t, p, 0, out);
		runs[n].phys = p;
		runs[n].pages = pages;
		ST_ASSERT_EQ_GOTO(t, p % (align * PMM_PAGE_SIZE), 0, out_one);
		ST_ASSERT_GOTO(t, run_is_usable(p, pages), out_one);
		for (size_t j = 0; j < n; j++) {
			uint64_t end = p + pages * PMM_PAGE_SIZE;
			uint64_t other_end = runs[j].phys + runs[j].pages * PMM_PAGE_SIZE;

			/* An overlap is not freed twice: that would panic instead of failing. */
			ST_ASSERT_GOTO(t, end <= runs[j].phys || other_end <= p, out);
		}
	}
	goto out;
out_one:
	n++; /* the run that failed a check is allocated too */
out:
	while (n > 0) {
		n--;
		pmm_free_pages(runs[n].phys, runs[n].pages);
	}
}

static void pages_are_zeroed_and_writable_through_the_direct_map(struct selftest *t)
{
	uint64_t p = pmm_alloc_pages(2, 1);

	ST_ASSERT_NE(t, p, 0);
	volatile uint64_t *words = phys_to_virt(p);
	size_t count = 2 * PMM_PAGE_SIZE / sizeof(uint64_t);

	for (size_t i = 0; i < count; i++)
		ST_ASSERT_EQ_GOTO(t, words[i], 0, out);
	for (size_t i = 0; i < count; i++)
		words[i] = PATTERN64 ^ i;
	for (size_t i = 0; i < count; i++)
		ST_ASSERT_EQ_GOTO(t, words[i], PATTERN64 ^ i, out);
out:
	pmm_free_pages(p, 2);
}

static void a_thousand_allocations_and_frees_restore_the_free_count(struct selftest *t)
{
	static uint64_t pages[SINGLES];
	struct pmm_stats before = pmm_get_stats();
	size_t n = 0;

	for (; n < SINGLES; n++) {
		pages[n] = pmm_alloc_page();
		ST_ASSERT_NE_GOTO(t, pages[n], 0, out);
	}
	ST_ASSERT_EQ_GOTO(t, pmm_get_stats().free_pages, before.free_pages - SINGLES, out);
out:
	while (n > 0)
		pmm_free_page(pages[--n]);
	struct pmm_stats after = pmm_get_stats();

	ST_ASSERT_EQ(t, after.free_pages, before.free_pages);
	ST_ASSERT_EQ(t, after.allocated_pages, before.allocated_pages);
}

static void a_16_page_aligned_run_is_64k_aligned(struct selftest *t)
{
	uint64_t odd = pmm_alloc_page(); /* so that the next fit does not start aligned by luck */
	uint64_t p = pmm_alloc_pages(16, 16);

	ST_ASSERT_NE_GOTO(t, p, 0, out);
	ST_ASSERT_EQ_GOTO(t, p % (64 * 1024), 0, out);
	ST_ASSERT_GOTO(t, run_is_usable(p, 16), out);
out:
	if (p != 0)
		pmm_free_pages(p, 16);
	if (odd != 0)
		pmm_free_page(odd);
}

static const struct kernel_selftest_case cases[] = {
	{ "accounting_matches_the_memory_map", accounting_matches_the_memory_map },
	{ "allocations_are_distinct_aligned_and_usable",
	  allocations_are_distinct_aligned_and_usable },
	{ "pages_are_zeroed_and_writable_through_the_direct_map",
	  pages_are_zeroed_and_writable_through_the_direct_map },
	{ "a_thousand_allocations_and_frees_restore_the_free_count",
	  a_thousand_allocations_and_frees_restore_the_free_count },
	{ "a_16_page_aligned_run_is_64k_aligned", a_16_page_aligned_run_is_64k_aligned },
};

SELFTEST_SUITE(selftest_suite_pmm, "pmm", cases);
