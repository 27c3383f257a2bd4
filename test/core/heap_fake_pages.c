/*
 * test/core/heap_fake_pages.c - the fake page provider; see heap_fake_pages.h.
 */
#include "heap_fake_pages.h"

#include <base/string.h>
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#define MAX_RUNS   8192u
#define QUARANTINE 64u

struct run {
	void *p;
	size_t pages;
};

static struct run live[MAX_RUNS];
static size_t live_count;
static struct run quarantine[QUARANTINE];
static size_t quarantine_next;
static size_t held, alloc_calls;
static bool failing;

static void *fake_alloc(size_t pages)
{
	alloc_calls++;
	cr_assert(pages >= 1, "alloc_pages(0)");
	if (failing || pages > 4096 || live_count == MAX_RUNS)
		return NULL;
	void *p = aligned_alloc(HEAP_PAGE_SIZE, pages * HEAP_PAGE_SIZE);

	cr_assert_not_null(p);
	memset(p, FAKE_PAGES_FILL, pages * HEAP_PAGE_SIZE);
	live[live_count++] = (struct run){ p, pages };
	held += pages;
	return p;
}

static void fake_free(void *p, size_t pages)
{
	size_t i = 0;

	while (i < live_count && live[i].p != p)
		i++;
	cr_assert(i < live_count, "free_pages(%p): not a live run", p);
	cr_assert_eq(live[i].pages, pages, "free_pages(%p, %zu): the run has %zu pages", p, pages,
		     live[i].pages);
	live[i] = live[--live_count];
	held -= pages;
	memset(p, FAKE_PAGES_POISON, pages * HEAP_PAGE_SIZE);
	free(quarantine[quarantine_next].p);
	quarantine[quarantine_next] = (struct run){ p, pages };
	quarantine_next = (quarantine_next + 1) % QUARANTINE;
}

const struct heap_page_ops fake_pages_ops = { .alloc_pages = fake_alloc, .free_pages = fake_free };

void fake_pages_reset(void)
{
	for (size_t i = 0; i < live_count; i++)
		free(live[i].p);
	for (size_t i = 0; i < QUARANTINE; i++) {
		free(quarantine[i].p);
		quarantine[i].p = NULL;
	}
	live_count = quarantine_next = held = alloc_calls = 0;
	failing = false;
}

size_t fake_pages_held(void)
{
	return held;
}

size_t fake_pages_alloc_calls(void)
{
	return alloc_calls;
}

void fake_pages_fail(bool fail)
{
	failing = fail;
}
