/*
 * test/vmm/mock_paging.c - a recording fake of the HAL paging contract
 * (see mock_paging.h). One table entry per page of the window: mapped,
 * physical address, attributes.
 */
#include <stdlib.h>

#include <hal/paging.h>

#include "vmm/mock_paging.h"

#define PAGE UINT64_C(4096)

struct entry {
	bool mapped;
	uint64_t pa;
	unsigned attrs;
};

/* The handle's type is opaque to callers; the fake needs no state in it. */
struct hal_paging {
	int unused;
};

static struct hal_paging handle;
static struct entry *table;
static uint64_t window_base;
static size_t window_pages;
static bool window_user;
static size_t mapped, map_calls, flush_calls, fail_countdown;

struct hal_paging *mock_paging_init(uint64_t base, size_t pages, bool user)
{
	free(table);
	table = calloc(pages, sizeof(*table));
	if (table == NULL)
		abort();
	window_base = base;
	window_pages = pages;
	window_user = user;
	mapped = map_calls = flush_calls = fail_countdown = 0;
	return &handle;
}

void mock_paging_fini(void)
{
	free(table);
	table = NULL;
	window_pages = 0;
}

size_t mock_paging_mapped(void)
{
	return mapped;
}

size_t mock_paging_map_calls(void)
{
	return map_calls;
}

size_t mock_paging_flush_calls(void)
{
	return flush_calls;
}

void mock_paging_fail_map_at(size_t n)
{
	fail_countdown = n;
}

/* The table entry of the first page of a valid range, or NULL. */
static struct entry *range(struct hal_paging *p, uint64_t va, size_t pages)
{
	uint64_t first;

	if (p != &handle || table == NULL || va % PAGE != 0 || pages == 0 || va < window_base)
		return NULL;
	first = (va - window_base) / PAGE;
	if (first >= window_pages || pages > window_pages - first)
		return NULL;
	return &table[first];
}

int hal_paging_map(struct hal_paging *p, uint64_t va, uint64_t pa, size_t pages, unsigned attrs)
{
	struct entry *e = range(p, va, pages);

	map_calls++;
	if (fail_countdown > 0 && --fail_countdown == 0)
		return HAL_PAGING_NO_MEMORY;
	if (e == NULL || pa % PAGE != 0 || ((attrs & HAL_MAP_USER) && !window_user))
		return HAL_PAGING_BAD_RANGE;
	for (size_t i = 0; i < pages; i++)
		if (e[i].mapped)
			return HAL_PAGING_EXISTS;
	for (size_t i = 0; i < pages; i++)
		e[i] = (struct entry){ true, pa + i * PAGE, attrs };
	mapped += pages;
	return HAL_PAGING_OK;
}

int hal_paging_unmap(struct hal_paging *p, uint64_t va, size_t pages)
{
	struct entry *e = range(p, va, pages);

	if (e == NULL)
		return HAL_PAGING_BAD_RANGE;
	for (size_t i = 0; i < pages; i++)
		if (!e[i].mapped)
			return HAL_PAGING_NOT_MAPPED;
	for (size_t i = 0; i < pages; i++)
		e[i] = (struct entry){ false, 0, 0 };
	mapped -= pages;
	return HAL_PAGING_OK;
}

int hal_paging_protect(struct hal_paging *p, uint64_t va, size_t pages, unsigned attrs)
{
	struct entry *e = range(p, va, pages);

	if (e == NULL || ((attrs & HAL_MAP_USER) && !window_user))
		return HAL_PAGING_BAD_RANGE;
	for (size_t i = 0; i < pages; i++)
		if (!e[i].mapped)
			return HAL_PAGING_NOT_MAPPED;
	for (size_t i = 0; i < pages; i++)
		e[i].attrs = attrs;
	return HAL_PAGING_OK;
}

bool hal_paging_query(struct hal_paging *p, uint64_t va, uint64_t *pa, unsigned *attrs)
{
	struct entry *e = range(p, va & ~(PAGE - 1), 1);

	if (e == NULL || !e->mapped)
		return false;
	if (pa != NULL)
		*pa = e->pa + (va & (PAGE - 1));
	if (attrs != NULL)
		*attrs = e->attrs;
	return true;
}

void hal_paging_flush(uint64_t va, size_t pages)
{
	(void)va;
	(void)pages;
	flush_calls++;
}
