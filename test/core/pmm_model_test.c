/*
 * test/core/pmm_model_test.c - the PMM against a reference model, at random.
 *
 * The model is an array with one owner per physical page: NOT_OURS for
 * pages the PMM must never hand out, FREE, or the number of the allocation
 * holding it. It knows nothing of bitmaps or hints, so it is simple enough
 * to be obviously right. Thousands of random steps (allocations of random
 * sizes and alignments, whole and partial frees, one reclaim half-way) run
 * on both, and after every step:
 *   - a new run is aligned, and every page of it was FREE in the model:
 *     no overlap with another allocation, nothing outside usable memory;
 *   - a failed allocation is right to fail: the model has no free aligned
 *     run of that length anywhere;
 *   - the PMM's counters equal the model's;
 *   - freed pages still hold the tag their owner wrote (nobody else wrote
 *     into them, including the PMM's own metadata), and new runs are zero.
 *
 * Which pages are FREE at the start depends on where the PMM put its
 * metadata, which the model does not try to predict: it learns the set
 * by allocating single pages until none is left, checks that the set is
 * inside the pages it expects, and frees them all.
 *
 * The seed is printed in every failure message; set KEEL_TEST_SEED to
 * replay a failing run or to explore other seeds.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include <base/stdlib.h>
#include <base/string.h>
#include <core/pmm.h>

#include "support/test_rng.h"

#define PAGE	     PMM_PAGE_SIZE
#define PAGES	     2048u /* an 8 MiB arena */
#define STEPS	     20000u
#define MAX_LIVE     512u
#define DEFAULT_SEED UINT64_C(0x4b45454c) /* "KEEL" */

enum { NOT_OURS = -2, FREE = -1 };

/* Holes at 160-255 and 1280-1535; firmware entries that share pages with usable memory. */
static const struct boot_mem_region map[] = {
	{ 0x000000, 0x0a0000, BOOT_MEM_USABLE }, /* page 0 is usable and never handed out */
	{ 0x09fc00, 0x000400, BOOT_MEM_RESERVED },
	{ 0x0a0000, 0x060000, BOOT_MEM_RESERVED },
	{ 0x100000, 0x100000, BOOT_MEM_USABLE },
	{ 0x200000, 0x080000, BOOT_MEM_BOOTLOADER_RECLAIMABLE },
	{ 0x280000, 0x000800, BOOT_MEM_ACPI_RECLAIMABLE },
	{ 0x280800, 0x07f800, BOOT_MEM_USABLE },
	{ 0x300000, 0x100000, BOOT_MEM_KERNEL_AND_MODULES },
	{ 0x400000, 0x0c0000, BOOT_MEM_USABLE },
	{ 0x4c0000, 0x040000, BOOT_MEM_BOOTLOADER_RECLAIMABLE },
	{ 0x600000, 0x1fe000, BOOT_MEM_USABLE },
	{ 0x7fe000, 0x002000, BOOT_MEM_FRAMEBUFFER },
};
#define MAP_COUNT (sizeof(map) / sizeof(map[0]))

static uint8_t *arena;
static int32_t owner[PAGES];
static struct live {
	uint64_t first; /* page number */
	size_t count;
	int32_t id;
} live[MAX_LIVE];
static size_t live_count;
static uint64_t model_total, model_free, model_allocated;
static uint64_t seed;
static unsigned step;

/* cr_assert with the seed and the step in front of the message. */
#define CHECK(cond, fmt, ...) \
	cr_assert(cond, "seed %#llx step %u: " fmt, (unsigned long long)seed, step, ##__VA_ARGS__)

/*
 * Whether page n may ever be handed out (with reclaimable memory counted
 * or not), straight from the rules of pmm.h: wholly inside a managed
 * entry, not page 0, sharing no byte with an entry of another type.
 */
static bool page_is_ours(uint64_t n, bool reclaimed, bool *in_managed)
{
	uint64_t lo = n * PAGE, hi = lo + PAGE;
	bool inside = false, touched = false;

	for (size_t i = 0; i < MAP_COUNT; i++) {
		const struct boot_mem_region *r = &map[i];
		bool managed = r->type == BOOT_MEM_USABLE ||
			       (reclaimed && r->type == BOOT_MEM_BOOTLOADER_RECLAIMABLE);
		bool zone =
			r->type == BOOT_MEM_USABLE || r->type == BOOT_MEM_BOOTLOADER_RECLAIMABLE;

		if (managed && r->base <= lo && hi <= r->base + r->length)
			inside = true;
		if (!zone && r->base < hi && lo < r->base + r->length)
			touched = true;
	}
	*in_managed = inside;
	return inside && !touched && n != 0;
}

/* Learn which pages the PMM considers free (see the header comment). */
static void learn_free_pages(void)
{
	static uint64_t got[PAGES];
	size_t n = 0;
	uint64_t p;
	bool in_managed;

	model_total = 0;
	for (uint64_t i = 0; i < PAGES; i++) {
		owner[i] = NOT_OURS;
		(void)page_is_ours(i, false, &in_managed);
		model_total += in_managed;
	}
	while ((p = pmm_alloc_pages_flags(1, 1, PMM_ALLOC_NO_ZERO)) != 0) {
		CHECK(n < PAGES && p / PAGE < PAGES, "page %#llx", (unsigned long long)p);
		CHECK(page_is_ours(p / PAGE, false, &in_managed), "page %#llx is not ours",
		      (unsigned long long)p);
		CHECK(owner[p / PAGE] == NOT_OURS, "page %#llx handed out twice",
		      (unsigned long long)p);
		owner[p / PAGE] = FREE;
		got[n++] = p;
	}
	for (size_t i = 0; i < n; i++)
		pmm_free_page(got[i]);
	model_free = n;
	model_allocated = 0;
}

static bool model_has_run(size_t count, size_t align)
{
	for (size_t start = 0; start + count <= PAGES; start += align) {
		size_t i = 0;

		while (i < count && owner[start + i] == FREE)
			i++;
		if (i == count)
			return true;
	}
	return false;
}

static void check_counters(void)
{
	struct pmm_stats s = pmm_get_stats();

	CHECK(s.total_pages == model_total, "total %llu, model %llu",
	      (unsigned long long)s.total_pages, (unsigned long long)model_total);
	CHECK(s.free_pages == model_free, "free %llu, model %llu", (unsigned long long)s.free_pages,
	      (unsigned long long)model_free);
	CHECK(s.allocated_pages == model_allocated, "allocated %llu, model %llu",
	      (unsigned long long)s.allocated_pages, (unsigned long long)model_allocated);
	CHECK(s.free_pages + s.allocated_pages + s.reserved_pages == s.total_pages,
	      "accounting does not add up");
}

static size_t random_count(void)
{
	size_t r = test_rng_below(100);

	if (r < 70)
		return 1 + test_rng_below(4);
	if (r < 95)
		return 5 + test_rng_below(28);
	return 33 + test_rng_below(300);
}

static size_t random_align(void)
{
	static const size_t aligns[] = { 0, 1, 1, 1, 1, 2, 4, 8, 16, 64, 256 };

	return aligns[test_rng_below(sizeof(aligns) / sizeof(aligns[0]))];
}

static uint8_t tag_of(int32_t id)
{
	return (uint8_t)(id * 37 + 1) | 1; /* never 0, so a zeroed page does not pass */
}

static void step_alloc(int32_t id)
{
	size_t count = random_count(), align = random_align();
	size_t a = align ? align : 1;
	bool zero = test_rng_below(5) != 0;
	uint64_t phys = pmm_alloc_pages_flags(count, align, zero ? 0 : PMM_ALLOC_NO_ZERO);

	if (phys == 0) {
		CHECK(!model_has_run(count, a), "%zu pages aligned to %zu failed but fit", count,
		      a);
		return;
	}
	uint64_t first = phys / PAGE;

	CHECK(phys % (a * PAGE) == 0, "%#llx not aligned to %zu pages", (unsigned long long)phys,
	      a);
	CHECK(first + count <= PAGES, "run %#llx+%zu outside memory", (unsigned long long)phys,
	      count);
	for (size_t i = 0; i < count; i++)
		CHECK(owner[first + i] == FREE, "page %#llx (owner %d) handed out again",
		      (unsigned long long)(phys + i * PAGE), owner[first + i]);
	if (zero) {
		for (size_t i = 0; i < count * PAGE; i += sizeof(uint64_t))
			CHECK(*(uint64_t *)(void *)(arena + phys + i) == 0, "run %#llx not zeroed",
			      (unsigned long long)phys);
	}
	for (size_t i = 0; i < count; i++)
		owner[first + i] = id;
	memset(arena + phys, tag_of(id), count * PAGE);
	live[live_count++] = (struct live){ first, count, id };
	model_free -= count;
	model_allocated += count;
}

/* Free a whole live run, or its first part and keep the rest. */
static void step_free(void)
{
	size_t k = test_rng_below(live_count);
	struct live *l = &live[k];
	size_t n = l->count > 1 && test_rng_below(4) == 0 ? 1 + test_rng_below(l->count - 1)
							  : l->count;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *page = arena + (l->first + i) * PAGE;

		CHECK(page[0] == tag_of(l->id) && page[PAGE - 1] == tag_of(l->id),
		      "page %#llx of run %d was overwritten", (unsigned long long)(l->first + i),
		      l->id);
		owner[l->first + i] = FREE;
	}
	pmm_free_pages(l->first * PAGE, n);
	model_free += n;
	model_allocated -= n;
	if (n < l->count) {
		l->first += n;
		l->count -= n;
	} else {
		*l = live[--live_count];
	}
}

static void step_reclaim(void)
{
	uint64_t gained = 0, total = 0;
	bool in_managed;

	for (uint64_t i = 0; i < PAGES; i++) {
		bool before = page_is_ours(i, false, &in_managed);
		bool after = page_is_ours(i, true, &in_managed);

		total += in_managed;
		if (after && !before) {
			CHECK(owner[i] == NOT_OURS, "page %#llx was in use before the reclaim",
			      (unsigned long long)i);
			owner[i] = FREE;
			gained++;
		}
	}
	size_t got = pmm_reclaim_bootloader();

	CHECK(got == gained, "reclaim gave %zu pages, model %llu", got, (unsigned long long)gained);
	model_total = total;
	model_free += gained;
}

Test(pmm_model, random_steps_agree_with_the_reference_model)
{
	arena = aligned_alloc(PAGE, (size_t)PAGES * PAGE);
	cr_assert_not_null(arena);
	memset(arena, 0xa5, (size_t)PAGES * PAGE);
	seed = test_rng_seed(DEFAULT_SEED);
	step = 0;
	CHECK(pmm_init(map, MAP_COUNT, (uint64_t)(uintptr_t)arena), "pmm_init failed");
	learn_free_pages();
	check_counters();

	for (step = 1; step <= STEPS; step++) {
		if (step == STEPS / 2)
			step_reclaim();
		else if (live_count > 0 && (live_count == MAX_LIVE || test_rng_below(100) < 45))
			step_free();
		else
			step_alloc((int32_t)step);
		check_counters();
	}
	while (live_count > 0)
		step_free();
	check_counters();
	free(arena);
}
