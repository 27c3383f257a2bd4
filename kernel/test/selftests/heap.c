/*
 * kernel/test/selftests/heap.c - the kernel heap on the booted kernel's pages.
 *
 * The native tests (test/core/heap_test.c, heap_model_test.c) cover the
 * heap's logic over a fake provider; these cases check it on the real one:
 * PMM pages reached through the direct map. Each case frees what it
 * allocates and trims the spare slabs, so the heap and the PMM end where
 * they started.
 */
#include "../selftest.h"

#include <core/heap.h>
#include <core/pmm.h>
#include <stdint.h>

#define PER_CLASS 8
#define MANY	  1000

/* The sizes tried: each class's upper edge, the next byte, and two large runs. */
static const size_t sizes[] = { 1,   16,  17,  32,  33,	  64,	65,   128,  129,
				256, 257, 512, 513, 1024, 1025, 2048, 2049, 3 * 4096 + 5 };

static uint8_t pattern(size_t obj, size_t i)
{
	return (uint8_t)(obj * 37 + i * 11 + 1);
}

static size_t alignment_of(size_t size)
{
	size_t a = HEAP_MIN_ALIGN;

	if (size > HEAP_MAX_CLASS_SIZE)
		return HEAP_PAGE_SIZE;
	while (a < size)
		a *= 2;
	return a;
}

static void objects_of_every_class_are_distinct_aligned_and_writable(struct selftest *t)
{
	static uint8_t *obj[ARRAY_SIZE(sizes) * PER_CLASS];
	size_t n = 0;

	/* Write every object before checking any: two that overlap would spoil a pattern. */
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (size_t k = 0; k < PER_CLASS; k++, n++) {
			obj[n] = kmalloc(sizes[s]);
			ST_ASSERT_GOTO(t, obj[n] != NULL, out);
			ST_ASSERT_EQ_GOTO(t, (uintptr_t)obj[n] % alignment_of(sizes[s]), 0, out);
			for (size_t i = 0; i < sizes[s]; i++)
				obj[n][i] = pattern(n, i);
		}
	}
	for (size_t m = 0; m < n; m++) {
		size_t size = sizes[m / PER_CLASS];

		for (size_t i = 0; i < size; i++)
			ST_ASSERT_EQ_GOTO(t, obj[m][i], pattern(m, i), out);
	}
out:
	while (n > 0)
		kfree(obj[--n]);
	heap_trim();
}

static void thousand_allocs_and_frees_leave_the_stats_unchanged(struct selftest *t)
{
	static void *obj[MANY];
	size_t n = 0;

	heap_trim();
	struct heap_stats before = heap_get_stats();

	/* One at a time, then all held at once, so slabs fill, empty and are given back. */
	for (size_t i = 0; i < MANY; i++) {
		void *p = kmalloc(sizes[i % ARRAY_SIZE(sizes)]);

		ST_ASSERT(t, p != NULL);
		kfree(p);
	}
	for (; n < MANY; n++) {
		obj[n] = kmalloc(sizes[(n * 7) % ARRAY_SIZE(sizes)]);
		ST_ASSERT_GOTO(t, obj[n] != NULL, out);
	}
	ST_ASSERT_EQ_GOTO(t, heap_get_stats().objects_in_use, before.objects_in_use + MANY, out);
out:
	while (n > 0)
		kfree(obj[--n]);
	heap_trim();
	struct heap_stats after = heap_get_stats();

	ST_ASSERT_EQ(t, after.bytes_in_use, before.bytes_in_use);
	ST_ASSERT_EQ(t, after.objects_in_use, before.objects_in_use);
	ST_ASSERT_EQ(t, after.pages_held, before.pages_held);
}

static void freeing_everything_returns_every_page_to_the_pmm(struct selftest *t)
{
	static void *obj[MANY];
	size_t n = 0;

	heap_trim();
	uint64_t free_before = pmm_get_stats().free_pages;

	for (; n < MANY; n++) {
		obj[n] = kmalloc(sizes[n % ARRAY_SIZE(sizes)]);
		ST_ASSERT_GOTO(t, obj[n] != NULL, out);
	}
	ST_ASSERT_GOTO(t, pmm_get_stats().free_pages < free_before, out);
out:
	while (n > 0)
		kfree(obj[--n]);
	heap_trim();
	ST_ASSERT_EQ(t, pmm_get_stats().free_pages, free_before);
}

static void kzalloc_returns_zeroed_memory(struct selftest *t)
{
	uint8_t *small = kmalloc(200), *big;

	ST_ASSERT(t, small != NULL);
	for (size_t i = 0; i < 256; i++)
		small[i] = 0xee;
	kfree(small);
	small = kzalloc(200); /* most likely the object just dirtied */
	big = kzalloc(2 * HEAP_PAGE_SIZE);
	ST_ASSERT_GOTO(t, small != NULL && big != NULL, out);
	for (size_t i = 0; i < 256; i++)
		ST_ASSERT_EQ_GOTO(t, small[i], 0, out);
	for (size_t i = 0; i < 2 * HEAP_PAGE_SIZE; i++)
		ST_ASSERT_EQ_GOTO(t, big[i], 0, out);
out:
	kfree(small);
	kfree(big);
	heap_trim();
}

static void overflowing_sizes_are_refused(struct selftest *t)
{
	ST_ASSERT(t, kmalloc(SIZE_MAX) == NULL);
	ST_ASSERT(t, kmalloc(SIZE_MAX - HEAP_PAGE_SIZE + 1) == NULL);
	ST_ASSERT(t, kzalloc(SIZE_MAX / 2 + 1) == NULL);
}

static const struct kernel_selftest_case cases[] = {
	{ "objects_of_every_class_are_distinct_aligned_and_writable",
	  objects_of_every_class_are_distinct_aligned_and_writable },
	{ "thousand_allocs_and_frees_leave_the_stats_unchanged",
	  thousand_allocs_and_frees_leave_the_stats_unchanged },
	{ "freeing_everything_returns_every_page_to_the_pmm",
	  freeing_everything_returns_every_page_to_the_pmm },
	{ "kzalloc_returns_zeroed_memory", kzalloc_returns_zeroed_memory },
	{ "overflowing_sizes_are_refused", overflowing_sizes_are_refused },
};

SELFTEST_SUITE(selftest_suite_heap, "heap", cases);
