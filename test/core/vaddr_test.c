/*
 * test/core/vaddr_test.c - the virtual page range allocator (core/vaddr_alloc.c).
 *
 * Hand-written cases pin down each documented behaviour, with ranges that
 * straddle bitmap words (64 pages) and summary words (4096 pages). A
 * model-based test then runs thousands of random calls against a byte-per-
 * page reference model that computes every expected answer, first-fit and
 * next-fit addresses included, and compares the whole state after each step.
 * Its seed is printed in every failure message; set KEEL_TEST_SEED to replay
 * a failing run or to explore other seeds.
 *
 * Each window gets heap storage of exactly vas_bitmap_bytes(), so that
 * AddressSanitizer reports any read or write past the end of the bitmap.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include <base/stdlib.h>
#include <base/string.h>
#include <core/vaddr_alloc.h>

#include "support/test_rng.h"

#define PAGE VAS_PAGE_SIZE
#define GiB  (UINT64_C(1) << 30)

/* A window base that is page-aligned, not 0, and aligned to 64 Ki pages. */
#define BASE UINT64_C(0x10000000)

/* The largest window used here: 64 GiB, 16 Mi pages. */
#define BIG_PAGES (UINT64_C(1) << 24)

/* Scratch storage for the vas_init() argument checks: room for 2048 pages. */
static uint64_t storage[40];

static struct address_space as;
static void *window_storage; /* the storage lent to `as` by window_at() */

static void release_window(void)
{
	free(window_storage);
	window_storage = NULL;
}

TestSuite(vaddr, .fini = release_window);

/* Address of page i of the window set up by window(). */
static uint64_t page_va(size_t i)
{
	return as.base + i * PAGE;
}

/* Set up `as` over `pages` pages at base, with the given policy. */
static void window_at(uint64_t base, size_t pages, enum vas_policy policy)
{
	size_t bytes = vas_bitmap_bytes(pages * PAGE);

	window_storage = malloc(bytes);
	cr_assert_not_null(window_storage);
	cr_assert_eq(vas_init(&as, base, pages * PAGE, window_storage, bytes), 0);
	vas_set_policy(&as, policy);
}

static void window(size_t pages)
{
	window_at(BASE, pages, VAS_FIRST_FIT);
}

Test(vaddr, init_gives_an_all_free_window_without_paging_handle)
{
	window(100);

	cr_assert_eq(vas_total_pages(&as), 100);
	cr_assert_eq(vas_free_pages(&as), 100);
	cr_assert_eq(vas_largest_free_run(&as), 100);
	cr_assert_null(as.paging);
	cr_assert_not(vas_is_owned(&as, BASE));
}

Test(vaddr, init_refuses_unaligned_base_or_size)
{
	cr_assert_eq(vas_init(&as, BASE + 1, 16 * PAGE, storage, sizeof(storage)), -1);
	cr_assert_eq(vas_init(&as, BASE, 16 * PAGE + 512, storage, sizeof(storage)), -1);
}

Test(vaddr, init_refuses_zero_size_and_a_window_containing_address_zero)
{
	cr_assert_eq(vas_init(&as, BASE, 0, storage, sizeof(storage)), -1);
	cr_assert_eq(vas_init(&as, 0, 16 * PAGE, storage, sizeof(storage)), -1);
}

Test(vaddr, init_refuses_a_wrapping_window_but_accepts_one_ending_at_the_top)
{
	uint64_t top16 = 0 - 16 * PAGE; /* 16 pages below 2^64 */

	cr_assert_eq(vas_init(&as, top16, 17 * PAGE, storage, sizeof(storage)), -1);
	cr_assert_eq(vas_init(&as, top16, 16 * PAGE, storage, sizeof(storage)), 0);
	cr_assert_eq(vas_alloc(&as, 16, 1), top16);
	cr_assert(vas_is_owned(&as, UINT64_MAX));
	cr_assert_eq(vas_free(&as, top16, 16), 0);
}

Test(vaddr, init_refuses_small_misaligned_or_missing_storage_and_leaves_it_untouched)
{
	size_t need = vas_bitmap_bytes(1000 * PAGE);

	memset(storage, 0xa5, need);
	cr_assert_eq(vas_init(&as, BASE, 1000 * PAGE, storage, need - 1), -1);
	cr_assert_eq(vas_init(&as, BASE, 1000 * PAGE, (char *)storage + 4, need), -1);
	cr_assert_eq(vas_init(&as, BASE, 1000 * PAGE, NULL, need), -1);
	cr_assert_eq(vas_init(NULL, BASE, 1000 * PAGE, storage, need), -1);
	cr_assert_eq(((unsigned char *)storage)[0], 0xa5);
	cr_assert_eq(vas_init(&as, BASE, 1000 * PAGE, storage, need), 0);
}

Test(vaddr, bitmap_costs_32_KiB_plus_512_bytes_per_GiB)
{
	cr_assert_eq(vas_bitmap_bytes(GiB), 32768 + 512);
	cr_assert_eq(vas_bitmap_bytes(64 * GiB), 2 * 1024 * 1024 + 32 * 1024);
	cr_assert_eq(vas_bitmap_bytes(PAGE), 2 * sizeof(uint64_t));
	cr_assert_eq(vas_bitmap_bytes(65 * PAGE), 3 * sizeof(uint64_t));
	cr_assert_eq(vas_bitmap_bytes(0), 0);
	cr_assert_eq(vas_bitmap_bytes(PAGE + 1), 0);
}

Test(vaddr, alloc_then_free_round_trips_to_an_all_free_window)
{
	window(100);

	uint64_t a = vas_alloc(&as, 10, 1);
	uint64_t b = vas_alloc(&as, 5, 1);

	cr_assert_eq(a, BASE);
	cr_assert_eq(b, BASE + 10 * PAGE);
	cr_assert_eq(vas_free_pages(&as), 85);
	cr_assert(vas_is_owned(&as, a + 9 * PAGE + 123));
	cr_assert_eq(vas_free(&as, a, 10), 0);
	cr_assert_eq(vas_free(&as, b, 5), 0);
	cr_assert_eq(vas_free_pages(&as), 100);
	cr_assert_eq(vas_largest_free_run(&as), 100);
	cr_assert_eq(vas_alloc(&as, 100, 1), BASE);
}

Test(vaddr, alloc_refuses_zero_pages_and_non_power_of_two_alignment)
{
	window(100);

	cr_assert_eq(vas_alloc(&as, 0, 1), 0);
	cr_assert_eq(vas_alloc(&as, 1, 0), 0);
	cr_assert_eq(vas_alloc(&as, 1, 3), 0);
	cr_assert_eq(vas_alloc(&as, SIZE_MAX, 1), 0);
	cr_assert_eq(vas_free_pages(&as), 100);
}

Test(vaddr, alloc_aligns_the_address_not_the_index_in_the_window)
{
	window_at(BASE + 3 * PAGE, 1000, VAS_FIRST_FIT); /* page 0 is 3 pages past 64 KiB */

	cr_assert_eq(vas_alloc(&as, 1, 1), BASE + 3 * PAGE);
	cr_assert_eq(vas_alloc(&as, 2, 16), BASE + 16 * PAGE);
	cr_assert_eq(vas_alloc(&as, 1, 512), BASE + 512 * PAGE);
	/* The gap below the aligned runs is still there for unaligned requests. */
	cr_assert_eq(vas_alloc(&as, 12, 1), BASE + 4 * PAGE);
	cr_assert_eq(vas_alloc(&as, 1, UINT64_C(1) << 63), 0);
}

Test(vaddr, first_fit_reuses_the_lowest_free_range)
{
	window(100);
	vas_alloc(&as, 10, 1);
	vas_alloc(&as, 10, 1);
	vas_alloc(&as, 10, 1);
	cr_assert_eq(vas_free(&as, BASE, 10), 0);
	cr_assert_eq(vas_free(&as, BASE + 20 * PAGE, 10), 0);

	cr_assert_eq(vas_alloc(&as, 4, 1), BASE);
	cr_assert_eq(vas_alloc(&as, 8, 1), BASE + 20 * PAGE);
}

Test(vaddr, next_fit_continues_after_the_last_allocation_then_wraps)
{
	window_at(BASE, 100, VAS_NEXT_FIT);
	vas_alloc(&as, 10, 1);
	vas_alloc(&as, 10, 1);
	cr_assert_eq(vas_free(&as, BASE, 10), 0);

	/* The freed range is below the hint, so it is not reused yet. */
	cr_assert_eq(vas_alloc(&as, 4, 1), BASE + 20 * PAGE);
	cr_assert_eq(vas_alloc(&as, 74, 1), BASE + 24 * PAGE);
	/* Only pages 98..99 are free above the hint: the search wraps to the bottom. */
	cr_assert_eq(vas_alloc(&as, 6, 1), BASE);
	cr_assert_eq(vas_alloc(&as, 5, 1), 0);
	cr_assert_eq(vas_alloc(&as, 4, 1), BASE + 6 * PAGE);
}

Test(vaddr, next_fit_wrap_finds_a_run_that_crosses_the_hint)
{
	window_at(BASE, 100, VAS_NEXT_FIT);
	vas_alloc(&as, 50, 1);
	vas_alloc(&as, 50, 1);
	cr_assert_eq(vas_free(&as, BASE + 40 * PAGE, 20), 0);
	cr_assert_eq(vas_alloc(&as, 2, 1), BASE + 40 * PAGE); /* hint goes to page 42 */
	cr_assert_eq(vas_free(&as, BASE + 40 * PAGE, 2), 0);

	/* Pages 42..59 are too short; 40..59 fits and starts below the hint. */
	cr_assert_eq(vas_alloc(&as, 20, 1), BASE + 40 * PAGE);
}

Test(vaddr, alloc_at_claims_an_exact_range_and_refuses_any_overlap)
{
	window(100);

	cr_assert_eq(vas_alloc_at(&as, BASE + 10 * PAGE, 5), 0);
	cr_assert_eq(vas_alloc_at(&as, BASE + 14 * PAGE, 2), -1);
	cr_assert_eq(vas_alloc_at(&as, BASE + 5 * PAGE, 6), -1);
	cr_assert_eq(vas_alloc_at(&as, BASE, 100), -1);
	cr_assert_eq(vas_free_pages(&as), 95);
	cr_assert_eq(vas_alloc_at(&as, BASE + 15 * PAGE, 1), 0);
	cr_assert_eq(vas_alloc(&as, 11, 1), BASE + 16 * PAGE);
}

Test(vaddr, alloc_at_refuses_ranges_outside_the_window_or_misaligned)
{
	window(100);

	cr_assert_eq(vas_alloc_at(&as, BASE - PAGE, 1), -1);
	cr_assert_eq(vas_alloc_at(&as, BASE - PAGE, 2), -1);
	cr_assert_eq(vas_alloc_at(&as, BASE + 99 * PAGE, 2), -1);
	cr_assert_eq(vas_alloc_at(&as, BASE + 100 * PAGE, 1), -1);
	cr_assert_eq(vas_alloc_at(&as, BASE + 1, 1), -1);
	cr_assert_eq(vas_alloc_at(&as, BASE, 0), -1);
	cr_assert_eq(vas_alloc_at(&as, BASE + PAGE, SIZE_MAX), -1);
	cr_assert_eq(vas_alloc_at(&as, 0 - PAGE, 1), -1);
	cr_assert_eq(vas_free_pages(&as), 100);
}

Test(vaddr, free_refuses_unowned_partly_owned_outside_and_misaligned_ranges)
{
	window(100);
	cr_assert_eq(vas_alloc_at(&as, BASE + 10 * PAGE, 10), 0);

	cr_assert_eq(vas_free(&as, BASE + 30 * PAGE, 1), -1);
	cr_assert_eq(vas_free(&as, BASE + 5 * PAGE, 10), -1);
	cr_assert_eq(vas_free(&as, BASE + 15 * PAGE, 10), -1);
	cr_assert_eq(vas_free(&as, BASE - PAGE, 2), -1);
	cr_assert_eq(vas_free(&as, BASE + 10 * PAGE + 8, 1), -1);
	cr_assert_eq(vas_free(&as, BASE + 10 * PAGE, 0), -1);
	cr_assert_eq(vas_free(&as, BASE + 10 * PAGE, SIZE_MAX), -1);
	cr_assert_eq(vas_free_pages(&as), 90);
	/* The bitmap has no allocation boundaries: a sub-range of owned pages frees. */
	cr_assert_eq(vas_free(&as, BASE + 12 * PAGE, 3), 0);
	cr_assert_eq(vas_free_pages(&as), 93);
}

Test(vaddr, exhaustion_returns_0_and_keeps_the_stats)
{
	window(130);
	cr_assert_eq(vas_alloc(&as, 130, 1), BASE);

	cr_assert_eq(vas_alloc(&as, 1, 1), 0);
	cr_assert_eq(vas_free_pages(&as), 0);
	cr_assert_eq(vas_largest_free_run(&as), 0);
	cr_assert_eq(vas_total_pages(&as), 130);
}

Test(vaddr, a_run_that_would_end_past_the_window_is_refused)
{
	window(128); /* exactly two bitmap words: no padding to stop a search */
	cr_assert_eq(vas_alloc_at(&as, BASE, 90), 0);
	cr_assert_eq(vas_alloc_at(&as, page_va(95), 5), 0); /* free: 90..94 and 100..127 */

	cr_assert_eq(vas_alloc(&as, 29, 1), 0);
	cr_assert_eq(vas_alloc(&as, 28, 1), BASE + 100 * PAGE);
}

Test(vaddr, padding_pages_after_the_window_are_never_handed_out)
{
	window(65); /* the second bitmap word holds one page and 63 padding bits */

	cr_assert_eq(vas_largest_free_run(&as), 65);
	cr_assert_eq(vas_alloc(&as, 65, 1), BASE);
	cr_assert_eq(vas_free(&as, BASE + 64 * PAGE, 1), 0);
	cr_assert_eq(vas_largest_free_run(&as), 1);
	cr_assert_eq(vas_alloc(&as, 1, 1), BASE + 64 * PAGE);
	cr_assert_eq(vas_largest_free_run(&as), 0);
}

Test(vaddr, fragmented_window_refuses_two_pages_but_gives_exactly_half_the_single_pages)
{
	const size_t n = 8380; /* three summary groups, last word partial */

	window(n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(vas_alloc(&as, 1, 1), page_va(i), "page %zu", i);
	cr_assert_eq(vas_alloc(&as, 1, 1), 0);
	for (size_t i = 0; i < n; i += 2)
		cr_assert_eq(vas_free(&as, page_va(i), 1), 0);
	cr_assert_eq(vas_largest_free_run(&as), 1);

	cr_assert_eq(vas_alloc(&as, 2, 1), 0);
	size_t singles = 0;

	while (vas_alloc(&as, 1, 1) != 0)
		singles++;
	cr_assert_eq(singles, n / 2);
	cr_assert_eq(vas_free_pages(&as), 0);
}

Test(vaddr, largest_free_run_measures_gaps_inside_and_across_words)
{
	window(300);
	cr_assert_eq(vas_alloc_at(&as, page_va(3), 1), 0);    /* free run 0..2 */
	cr_assert_eq(vas_alloc_at(&as, page_va(10), 1), 0);   /* 4..9 inside word 0 */
	cr_assert_eq(vas_alloc_at(&as, page_va(20), 180), 0); /* 11..19 */
	cr_assert_eq(vas_largest_free_run(&as), 100);	      /* 200..299, to the end */
	cr_assert_eq(vas_alloc_at(&as, page_va(250), 1), 0);
	cr_assert_eq(vas_largest_free_run(&as), 50); /* 200..249 */
	cr_assert_eq(vas_alloc_at(&as, page_va(200), 50), 0);
	cr_assert_eq(vas_largest_free_run(&as), 49); /* 251..299 */
	cr_assert_eq(vas_alloc_at(&as, page_va(251), 49), 0);
	cr_assert_eq(vas_largest_free_run(&as), 9); /* 11..19 */
	cr_assert_eq(vas_alloc_at(&as, page_va(11), 9), 0);
	cr_assert_eq(vas_largest_free_run(&as), 6); /* 4..9 */
}

Test(vaddr, runs_straddle_bitmap_word_boundaries)
{
	window(200);
	cr_assert_eq(vas_alloc_at(&as, page_va(60), 11), 0); /* pages 60..70 */

	cr_assert(vas_is_owned(&as, page_va(63)) && vas_is_owned(&as, page_va(64)));
	cr_assert(!vas_is_owned(&as, page_va(59)) && !vas_is_owned(&as, page_va(71)));
	cr_assert_eq(vas_alloc(&as, 61, 1), BASE + 71 * PAGE);
	cr_assert_eq(vas_alloc(&as, 60, 1), BASE);
	cr_assert_eq(vas_free(&as, page_va(60), 11), 0);
	cr_assert_eq(vas_alloc(&as, 11, 1), BASE + 60 * PAGE);
}

Test(vaddr, runs_straddle_summary_boundaries)
{
	window(3 * 4096);
	cr_assert_eq(vas_alloc_at(&as, page_va(0), 4090), 0);
	cr_assert_eq(vas_alloc_at(&as, page_va(4110), 4096), 0);

	/* Pages 4090..4109 are free, across the first summary word's end. */
	cr_assert_eq(vas_alloc(&as, 20, 1), BASE + 4090 * PAGE);
	cr_assert_eq(vas_alloc(&as, 1, 1), BASE + 8206 * PAGE);
	cr_assert_eq(vas_free(&as, page_va(4094), 4), 0);
	cr_assert_eq(vas_largest_free_run(&as), 3 * 4096 - 8207);
	cr_assert_eq(vas_alloc(&as, 4, 1), BASE + 4094 * PAGE);
}

Test(vaddr, is_owned_is_false_outside_the_window)
{
	window(10);
	cr_assert_eq(vas_alloc(&as, 10, 1), BASE);

	cr_assert_not(vas_is_owned(&as, BASE - 1));
	cr_assert_not(vas_is_owned(&as, BASE + 10 * PAGE));
	cr_assert_not(vas_is_owned(&as, 0));
	cr_assert_not(vas_is_owned(&as, UINT64_MAX));
}

Test(vaddr, big_window_of_64_GiB_allocates_and_frees)
{
	uint64_t base = UINT64_C(1) << 44;

	window_at(base, BIG_PAGES, VAS_NEXT_FIT);
	cr_assert_eq(vas_alloc_at(&as, base, 16), 0); /* a null-guard-like reservation */

	uint64_t huge = vas_alloc(&as, 1u << 20, 512); /* 4 GiB, 2 MiB-aligned */
	uint64_t small = vas_alloc(&as, 3, 1);

	cr_assert_eq(huge, base + 512 * PAGE);
	cr_assert_eq(small, huge + (UINT64_C(1) << 32));
	cr_assert_eq(vas_alloc_at(&as, base + (BIG_PAGES - 1) * PAGE, 1), 0);
	cr_assert_eq(vas_free_pages(&as), BIG_PAGES - 16 - (1u << 20) - 3 - 1);
	cr_assert_eq(vas_largest_free_run(&as), BIG_PAGES - 1 - (512 + (1u << 20) + 3));
	cr_assert_eq(vas_free(&as, huge, 1u << 20), 0);
	cr_assert_eq(vas_free(&as, small, 3), 0);
	/* Pages 16..2^24-2 are free: all of them fit, but not from page 32 on. */
	cr_assert_eq(vas_alloc(&as, BIG_PAGES - 17, 32), 0);
	cr_assert_eq(vas_alloc(&as, BIG_PAGES - 17, 1), base + 16 * PAGE);
	cr_assert_eq(vas_free_pages(&as), 0);
}

/*
 * Benchmark-style: the only free page is the last of 16 Mi. The search must
 * cross 256 Ki full bitmap words, which it does 64 at a time through the
 * summary; a bit-by-bit scan would take long enough to hit the timeout.
 */
Test(vaddr, search_of_a_full_big_window_finds_its_last_page)
{
	window(BIG_PAGES);
	cr_assert_eq(vas_alloc_at(&as, BASE, BIG_PAGES - 1), 0);

	for (int i = 0; i < 1000; i++) {
		cr_assert_eq(vas_alloc(&as, 1, 1), BASE + (BIG_PAGES - 1) * PAGE);
		cr_assert_eq(vas_free(&as, BASE + (BIG_PAGES - 1) * PAGE, 1), 0);
	}
	cr_assert_eq(vas_alloc(&as, 2, 1), 0);
}

/*
 * The model-based test. The model is a byte per page, and every expected
 * answer comes from free_run[], the number of free pages starting at each
 * page: a page is a valid start for n pages when free_run >= n.
 */
#define MODEL_PAGES 4500 /* 70 full words, a partial one, two summary words */
#define MODEL_BASE  (BASE + 3 * PAGE)
#define MODEL_STEPS 6000
#define MAX_LIVE    512
#define NO_FIT	    SIZE_MAX

static uint8_t model[MODEL_PAGES];
static size_t free_run[MODEL_PAGES + 1];
static size_t model_hint;
static struct live_range {
	size_t first, pages;
} live[MAX_LIVE];
static size_t live_count;

static uint64_t seed;
static unsigned step;
/*
 * Every check of the model test names the seed and the step. A function,
 * not a macro, so that the call under test runs exactly once.
 */
static void model_eq(uint64_t actual, uint64_t expected, const char *what)
{
	cr_assert_eq(actual, expected, "seed %#llx step %u: %s: got %#llx, model says %#llx",
		     (unsigned long long)seed, step, what, (unsigned long long)actual,
		     (unsigned long long)expected);
}

static void model_refresh(void)
{
	free_run[MODEL_PAGES] = 0;
	for (size_t i = MODEL_PAGES; i-- > 0;)
		free_run[i] = model[i] ? 0 : free_run[i + 1] + 1;
}

/* The lowest start >= from whose address is align-aligned and which fits n pages. */
static size_t model_fit(size_t from, size_t n, size_t align)
{
	for (size_t i = from; i < MODEL_PAGES; i++) {
		if (((MODEL_BASE / PAGE) + i) % align == 0 && free_run[i] >= n)
			return i;
	}
	return NO_FIT;
}

/* Whether every page of [first, first + n) is in the window and has state `owned`. */
static bool model_all(int64_t first, size_t n, uint8_t owned)
{
	if (n == 0 || first < 0 || first + (int64_t)n > MODEL_PAGES)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (model[first + i] != owned)
			return false;
	}
	return true;
}

static void model_mark(size_t first, size_t n, uint8_t owned)
{
	memset(model + first, owned, n);
	model_refresh();
}

static void step_alloc(enum vas_policy policy)
{
	size_t roll = test_rng_below(10);
	size_t n = roll < 7   ? 1 + test_rng_below(8)
		   : roll < 9 ? 1 + test_rng_below(100)
			      : 1 + test_rng_below(1200);
	size_t align = test_rng_below(10) < 6 ? 1 : (size_t)1 << test_rng_below(10);
	size_t expect = model_fit(policy == VAS_NEXT_FIT ? model_hint : 0, n, align);

	if (expect == NO_FIT && policy == VAS_NEXT_FIT)
		expect = model_fit(0, n, align);
	uint64_t va = vas_alloc(&as, n, align);

	model_eq(va, expect == NO_FIT ? 0 : MODEL_BASE + expect * PAGE, "vas_alloc");
	if (va == 0)
		return;
	cr_assert(va % (align * PAGE) == 0, "seed %#llx step %u: misaligned",
		  (unsigned long long)seed, step);
	/* No overlap: the run was free in the model before it was handed out. */
	cr_assert(model_all((int64_t)expect, n, 0), "seed %#llx step %u: overlap",
		  (unsigned long long)seed, step);
	model_mark(expect, n, 1);
	model_hint = expect + n < MODEL_PAGES ? expect + n : 0;
	if (live_count < MAX_LIVE)
		live[live_count++] = (struct live_range){ expect, n };
}

static void step_alloc_at(void)
{
	int64_t first = (int64_t)test_rng_below(MODEL_PAGES + 16) - 8;
	size_t n = test_rng_below(4) == 0 ? test_rng_below(65)
					  : 1 + test_rng_below(8); /* 0 now and then */
	bool ok = model_all(first, n, 0);

	model_eq(vas_alloc_at(&as, MODEL_BASE + (uint64_t)first * PAGE, n), ok ? 0 : -1,
		 "vas_alloc_at");
	if (ok)
		model_mark((size_t)first, n, 1);
}

static void step_free(void)
{
	int64_t first;
	size_t n;

	if (live_count > 0 && test_rng_below(10) < 8) {
		/* A recorded allocation (possibly already freed in part), or its head. */
		size_t k = test_rng_below(live_count);

		first = (int64_t)live[k].first;
		n = test_rng_below(10) < 8 ? live[k].pages : 1 + test_rng_below(live[k].pages);
		live[k] = live[--live_count];
	} else {
		first = (int64_t)test_rng_below(MODEL_PAGES + 16) - 8;
		n = test_rng_below(17);
	}
	uint64_t va = MODEL_BASE + (uint64_t)first * PAGE;
	bool misalign = test_rng_below(50) == 0;
	bool ok = !misalign && model_all(first, n, 1);

	model_eq(vas_free(&as, va + (misalign ? 8 : 0), n), ok ? 0 : -1, "vas_free");
	if (ok)
		model_mark((size_t)first, n, 0);
}

static void check_whole_state(void)
{
	size_t free_pages = 0, largest = 0;

	for (size_t i = 0; i < MODEL_PAGES; i++) {
		model_eq(vas_is_owned(&as, MODEL_BASE + i * PAGE), model[i], "vas_is_owned");
		free_pages += !model[i];
		largest = free_run[i] > largest ? free_run[i] : largest;
	}
	model_eq(vas_free_pages(&as), free_pages, "vas_free_pages");
	model_eq(vas_largest_free_run(&as), largest, "vas_largest_free_run");
	model_eq(vas_total_pages(&as), MODEL_PAGES, "vas_total_pages");
}

static void run_model(enum vas_policy policy)
{
	seed = test_rng_seed(UINT64_C(0x7661646472)); /* "vaddr" */
	window_at(MODEL_BASE, MODEL_PAGES, policy);
	model_refresh();

	for (step = 0; step < MODEL_STEPS; step++) {
		size_t roll = test_rng_below(100);

		if (roll < 45)
			step_alloc(policy);
		else if (roll < 55)
			step_alloc_at();
		else
			step_free();
		check_whole_state();
	}
}

Test(vaddr, random_calls_match_the_reference_model_under_first_fit, .timeout = 120)
{
	run_model(VAS_FIRST_FIT);
}

Test(vaddr, random_calls_match_the_reference_model_under_next_fit, .timeout = 120)
{
	run_model(VAS_NEXT_FIT);
}
