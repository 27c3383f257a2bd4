/*
 * test/core/heap_model_test.c - the heap against a reference model, at random.
 *
 * The model is the list of live allocations: id, pointer, requested size.
 * Thousands of random steps allocate (mostly small sizes, some large, the
 * class boundaries often) or free a random live allocation, and now and
 * then make the provider fail. Each new allocation is filled with a byte
 * pattern derived from its id, and the pattern is checked when it is
 * freed, so two allocations that overlap, or a heap that writes its
 * bookkeeping into a live object, are caught. After every step:
 *   - a new pointer has the alignment its size promises;
 *   - a NULL is right: only when the provider was failing and was asked;
 *   - the heap's counters equal the model's, and the pages it claims to
 *     hold equal the pages the provider has out.
 * At the end everything is freed and trimmed, and every page must be back.
 *
 * The seed is printed in every failure message; set KEEL_TEST_SEED to
 * replay a failing run or to explore other seeds.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include <core/heap.h>

#include "hal/cpu_mock.h"
#include "heap_fake_pages.h"
#include "support/test_rng.h"

#define PAGE	     HEAP_PAGE_SIZE
#define STEPS	     30000u
#define MAX_LIVE     600u
#define DEFAULT_SEED UINT64_C(0x4845415021) /* "HEAP!" */

static struct live {
	uint8_t *p;
	size_t size;
	uint32_t id;
} live[MAX_LIVE];
static size_t live_count;
static size_t model_bytes;
static uint64_t seed;
static unsigned step;

#define CHECK(cond, fmt, ...) \
	cr_assert(cond, "seed %#llx step %u: " fmt, (unsigned long long)seed, step, ##__VA_ARGS__)

/* What the header promises for a request of `size` bytes: granted bytes and alignment. */
static size_t granted(size_t size)
{
	size_t c = HEAP_MIN_ALIGN;

	if (size > HEAP_MAX_CLASS_SIZE)
		return (size + PAGE - 1) / PAGE * PAGE;
	while (c < size)
		c *= 2;
	return c;
}

static size_t alignment(size_t size)
{
	return size > HEAP_MAX_CLASS_SIZE ? PAGE : granted(size);
}

/* The pattern byte i of allocation `id` holds: cheap, and different for neighbours. */
static uint8_t pattern(uint32_t id, size_t i)
{
	return (uint8_t)(id * 0x9e3779b1u + (uint32_t)i * 7u + (uint32_t)(i >> 8));
}

static size_t random_size(void)
{
	static const size_t edges[] = { 0,    1,    16,	  17,	    32,	  33,	   64,	 65,
					128,  129,  256,  257,	    512,  513,	   1024, 1025,
					2047, 2048, 2049, PAGE - 1, PAGE, PAGE + 1 };
	unsigned r = (unsigned)test_rng_below(100);

	if (r < 20)
		return edges[test_rng_below(sizeof(edges) / sizeof(edges[0]))];
	if (r < 85)
		return (size_t)test_rng_below(HEAP_MAX_CLASS_SIZE + 1);
	return HEAP_MAX_CLASS_SIZE + 1 + (size_t)test_rng_below(6 * PAGE);
}

static void do_alloc(uint32_t id)
{
	size_t size = random_size();
	bool fail = test_rng_chance(3);
	size_t calls = fake_pages_alloc_calls();

	fake_pages_fail(fail);
	uint8_t *p = kmalloc(size);

	fake_pages_fail(false);
	if (p == NULL) {
		CHECK(fail, "kmalloc(%zu) failed while the provider had pages", size);
		CHECK(fake_pages_alloc_calls() > calls, "kmalloc(%zu) failed without asking", size);
		return;
	}
	CHECK((uintptr_t)p % alignment(size) == 0, "kmalloc(%zu) = %p misaligned", size, p);
	for (size_t i = 0; i < size; i++)
		p[i] = pattern(id, i);
	live[live_count++] = (struct live){ p, size, id };
	model_bytes += granted(size);
}

static void do_free(size_t k)
{
	struct live a = live[k];

	for (size_t i = 0; i < a.size; i++)
		CHECK(a.p[i] == pattern(a.id, i),
		      "allocation %u (%zu bytes at %p) byte %zu overwritten", a.id, a.size, a.p, i);
	kfree(a.p);
	live[k] = live[--live_count];
	model_bytes -= granted(a.size);
}

static void check_counters(void)
{
	struct heap_stats s = heap_get_stats();

	CHECK(s.objects_in_use == live_count, "%zu objects vs %zu", s.objects_in_use, live_count);
	CHECK(s.bytes_in_use == model_bytes, "%zu bytes vs %zu", s.bytes_in_use, model_bytes);
	CHECK(s.pages_held == fake_pages_held(), "%zu pages vs %zu at the provider", s.pages_held,
	      fake_pages_held());
}

Test(heap_model, random_steps_match_the_model)
{
	fake_pages_reset();
	mock_irq_reset();
	heap_init(&fake_pages_ops);
	seed = test_rng_seed(DEFAULT_SEED);
	cr_log_info("heap_model: seed %#llx (KEEL_TEST_SEED replays it)", (unsigned long long)seed);
	live_count = 0;
	model_bytes = 0;

	for (step = 0; step < STEPS; step++) {
		/* Drift between filling up and draining, so slabs empty and refill. */
		unsigned alloc_percent = (step / 2000) % 2 ? 35 : 65;

		if (live_count < MAX_LIVE && (live_count == 0 || test_rng_chance(alloc_percent)))
			do_alloc(step);
		else
			do_free((size_t)test_rng_below(live_count));
		check_counters();
	}
	while (live_count > 0)
		do_free(live_count - 1);
	check_counters();
	CHECK(heap_get_stats().pages_held <= 8, "more than one spare slab per class");
	heap_trim();
	CHECK(fake_pages_held() == 0, "%zu pages not returned", fake_pages_held());
	CHECK(mock_irq_enabled() && mock_irq_depth() == 0, "interrupt state not restored");
	fake_pages_reset();
}
