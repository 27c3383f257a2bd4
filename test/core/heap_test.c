/*
 * test/core/heap_test.c - the kernel heap over a fake page provider.
 *
 * The provider (heap_fake_pages.c) hands out aligned_alloc() pages filled
 * with 0xa5 and counts them, so each test can check what the heap holds
 * against what the provider gave. Criterion runs each test in its own
 * process, so each starts from a fresh heap. Tests of bad frees expect
 * SIGABRT: the mock base_panic aborts.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

#include <base/string.h>
#include <core/heap.h>

#include "hal/cpu_mock.h"
#include "heap_fake_pages.h"

#define PAGE HEAP_PAGE_SIZE

static void setup(void)
{
	fake_pages_reset();
	mock_irq_reset();
	heap_init(&fake_pages_ops);
}

static void teardown(void)
{
	fake_pages_reset();
}

TestSuite(heap, .init = setup, .fini = teardown);

/* What a request of `size` bytes is granted: its class, or whole data pages. */
static size_t granted(size_t size)
{
	size_t c = HEAP_MIN_ALIGN;

	if (size > HEAP_MAX_CLASS_SIZE)
		return (size + PAGE - 1) / PAGE * PAGE;
	while (c < size)
		c *= 2;
	return c;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

Test(heap_uninit, kmalloc_before_init_returns_null, .init = fake_pages_reset)
{
	cr_assert_null(kmalloc(16));
	cr_assert_eq(fake_pages_alloc_calls(), 0);
}

Test(heap, every_class_boundary_is_granted_its_class_and_aligned_to_it)
{
	static const size_t sizes[] = { 1,   15,  16,  17,   31,   32,	 33,   63,
					64,  65,  127, 128,  129,  255,	 256,  257,
					511, 512, 513, 1023, 1024, 1025, 2047, 2048 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t before = heap_get_stats().bytes_in_use;
		uint8_t *p = kmalloc(sizes[i]);
		size_t g = granted(sizes[i]);

		cr_assert_not_null(p, "kmalloc(%zu)", sizes[i]);
		cr_assert_eq((uintptr_t)p % g, 0, "kmalloc(%zu) = %p is not %zu-aligned", sizes[i],
			     p, g);
		cr_assert_eq(heap_get_stats().bytes_in_use - before, g, "kmalloc(%zu)", sizes[i]);
		memset(p, 0x5a, g); /* the whole class is usable */
		kfree(p);
		cr_assert_eq(heap_get_stats().bytes_in_use, before);
	}
}

Test(heap, one_past_the_largest_class_is_a_page_aligned_run_with_a_header_page)
{
	struct heap_stats before = heap_get_stats();
	uint8_t *p = kmalloc(HEAP_MAX_CLASS_SIZE + 1);

	cr_assert_not_null(p);
	cr_assert_eq((uintptr_t)p % PAGE, 0);
	cr_assert_eq(heap_get_stats().bytes_in_use - before.bytes_in_use, PAGE);
	cr_assert_eq(heap_get_stats().pages_held - before.pages_held, 2);
	cr_assert_eq(fake_pages_held(), 2);
	memset(p, 0x11, PAGE);
	kfree(p);
	cr_assert_eq(fake_pages_held(), 0);
	cr_assert_eq(heap_get_stats().pages_held, 0);
}

Test(heap, a_large_allocation_holds_all_its_bytes)
{
	size_t size = 5 * PAGE + 123;
	uint8_t *p = kmalloc(size);

	cr_assert_not_null(p);
	cr_assert_eq((uintptr_t)p % PAGE, 0);
	cr_assert_eq(heap_get_stats().bytes_in_use, 6 * PAGE);
	cr_assert_eq(fake_pages_held(), 7);
	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)i;
	for (size_t i = 0; i < size; i++)
		cr_assert_eq(p[i], (uint8_t)i);
	kfree(p);
	cr_assert_eq(fake_pages_held(), 0);
}

Test(heap, kmalloc_zero_returns_distinct_minimal_objects)
{
	void *a = kmalloc(0), *b = kmalloc(0);

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_neq(a, b);
	cr_assert_eq(heap_get_stats().bytes_in_use, 2 * HEAP_MIN_ALIGN);
	kfree(a);
	kfree(b);
	cr_assert_eq(heap_get_stats().objects_in_use, 0);
}

Test(heap, overflowing_sizes_return_null_without_asking_the_provider)
{
	static const size_t sizes[] = { SIZE_MAX, SIZE_MAX - PAGE + 1, SIZE_MAX - 2 * PAGE,
					SIZE_MAX / 2 + 1 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		cr_assert_null(kmalloc(sizes[i]), "kmalloc(%#zx)", sizes[i]);
		cr_assert_null(kzalloc(sizes[i]), "kzalloc(%#zx)", sizes[i]);
	}
	cr_assert_eq(fake_pages_alloc_calls(), 0);
	cr_assert_eq(heap_get_stats().objects_in_use, 0);
}

Test(heap, kzalloc_zeroes_the_whole_object_even_when_reused)
{
	uint8_t *p = kmalloc(100);

	cr_assert_not_null(p);
	memset(p, 0xff, 128);
	kfree(p);
	uint8_t *q = kzalloc(100);

	cr_assert_eq(q, p, "the freed object is reused");
	cr_assert(all_bytes(q, 128, 0));
	uint8_t *big = kzalloc(3 * PAGE);

	cr_assert(all_bytes(big, 3 * PAGE, 0));
	kfree(q);
	kfree(big);
}

Test(heap, kmalloc_does_not_rely_on_zeroed_pages)
{
	uint8_t *p = kmalloc(32);

	/* The provider filled the page with 0xa5; kmalloc leaves the object as it was. */
	cr_assert(all_bytes(p, 32, FAKE_PAGES_FILL));
	kfree(p);
}

Test(heap, objects_of_one_class_are_distinct_across_many_slabs)
{
	enum { N = 700 };
	static uint32_t *obj[N];

	for (uint32_t i = 0; i < N; i++) {
		obj[i] = kmalloc(16);
		cr_assert_not_null(obj[i]);
		for (int w = 0; w < 4; w++)
			obj[i][w] = i * 4 + (uint32_t)w;
	}
	cr_assert_geq(fake_pages_held(), 3);
	for (uint32_t i = 0; i < N; i++) {
		for (int w = 0; w < 4; w++)
			cr_assert_eq(obj[i][w], i * 4 + (uint32_t)w, "object %u overwritten", i);
		kfree(obj[i]);
	}
	cr_assert_eq(fake_pages_held(), 1, "one spare slab stays");
}

Test(heap, out_of_memory_returns_null_and_changes_nothing)
{
	fake_pages_fail(true);
	cr_assert_null(kmalloc(16));
	cr_assert_null(kmalloc(2048));
	cr_assert_null(kmalloc(PAGE));
	cr_assert_null(kzalloc(10 * PAGE));
	cr_assert_eq(heap_get_stats().objects_in_use, 0);
	cr_assert_eq(heap_get_stats().pages_held, 0);
	fake_pages_fail(false);
	void *p = kmalloc(16);

	cr_assert_not_null(p);
	kfree(p);
}

Test(heap, a_slab_with_room_serves_while_the_provider_fails)
{
	void *a = kmalloc(64);

	fake_pages_fail(true);
	void *b = kmalloc(64);

	cr_assert_not_null(b);
	cr_assert_null(kmalloc(128));
	kfree(a);
	kfree(b);
}

Test(heap, one_spare_slab_per_class_saves_provider_calls)
{
	void *p = kmalloc(200);

	kfree(p);
	size_t calls = fake_pages_alloc_calls();

	for (int i = 0; i < 100; i++)
		kfree(kmalloc(200));
	cr_assert_eq(fake_pages_alloc_calls(), calls);
	cr_assert_eq(fake_pages_held(), 1);
}

Test(heap, freeing_everything_and_trimming_returns_every_page)
{
	enum { PER_SIZE = 300 };
	static void *obj[13][PER_SIZE];
	size_t sizes[13] = {
		0, 16, 17, 64, 100, 256, 500, 1000, 2048, 2049, PAGE, 3 * PAGE, 40000
	};

	for (int s = 0; s < 13; s++)
		for (int i = 0; i < PER_SIZE; i++) {
			obj[s][i] = kmalloc(sizes[s]);
			cr_assert_not_null(obj[s][i]);
		}
	cr_assert_eq(heap_get_stats().pages_held, fake_pages_held());
	for (int i = 0; i < PER_SIZE; i++) /* interleaved, so slabs empty in random order */
		for (int s = 12; s >= 0; s--)
			kfree(obj[s][i]);
	struct heap_stats st = heap_get_stats();

	cr_assert_eq(st.bytes_in_use, 0);
	cr_assert_eq(st.objects_in_use, 0);
	cr_assert_leq(st.pages_held, 8, "at most one spare per class");
	cr_assert_eq(st.pages_held, fake_pages_held());
	heap_trim();
	cr_assert_eq(heap_get_stats().pages_held, 0);
	cr_assert_eq(fake_pages_held(), 0);
}

Test(heap, interrupts_are_restored_after_every_call)
{
	void *p = kmalloc(50), *q = kmalloc(5000);

	kfree(p);
	kfree(q);
	heap_trim();
	(void)heap_get_stats();
	cr_assert(mock_irq_enabled());
	cr_assert_eq(mock_irq_depth(), 0);
}

Test(heap, kfree_null_does_nothing)
{
	kfree(NULL);
	cr_assert_eq(heap_get_stats().objects_in_use, 0);
}

/* ---- bad frees panic ---- */

Test(heap, double_free_of_a_small_object_panics, .signal = SIGABRT)
{
	void *keep = kmalloc(32); /* keeps the slab from being released */
	void *p = kmalloc(32);

	kfree(p);
	(void)keep;
	kfree(p);
}

Test(heap, double_free_of_the_last_object_of_a_spare_slab_panics, .signal = SIGABRT)
{
	void *p = kmalloc(32);

	kfree(p); /* the slab is now the class's spare, still held */
	kfree(p);
}

Test(heap, double_free_of_a_large_run_panics, .signal = SIGABRT)
{
	void *p = kmalloc(3 * PAGE);

	kfree(p);
	kfree(p); /* the provider keeps the poisoned run in quarantine */
}

Test(heap, a_foreign_pointer_panics, .signal = SIGABRT)
{
	uint8_t *page = aligned_alloc(PAGE, PAGE);

	memset(page, 0, PAGE);
	kfree(page + 64);
}

Test(heap, a_foreign_page_aligned_pointer_panics, .signal = SIGABRT)
{
	uint8_t *pages = aligned_alloc(PAGE, 2 * PAGE);

	memset(pages, 0, 2 * PAGE);
	kfree(pages + PAGE);
}

Test(heap, a_pointer_inside_an_object_panics, .signal = SIGABRT)
{
	uint8_t *p = kmalloc(64);

	kfree(p + 8);
}

Test(heap, a_pointer_into_a_slab_header_panics, .signal = SIGABRT)
{
	uint8_t *p = kmalloc(16);

	kfree((uint8_t *)((uintptr_t)p & ~(uintptr_t)(PAGE - 1)) + 16);
}

Test(heap, a_pointer_into_a_large_run_panics, .signal = SIGABRT)
{
	uint8_t *p = kmalloc(4 * PAGE);

	memset(p, 0, 4 * PAGE);
	kfree(p + PAGE);
}
