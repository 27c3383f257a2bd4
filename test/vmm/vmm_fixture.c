/*
 * test/vmm/vmm_fixture.c - a VMM over fake memory (see vmm_fixture.h).
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include <core/pmm.h>

#include "hal/cpu_mock.h"
#include "vmm/mock_paging.h"
#include "vmm/vmm_fixture.h"

struct vmm fixture_vmm;

bool fixture_first_fit;

static uint8_t *arena;
static void *storage;

void fixture_start(size_t arena_pages, size_t window_pages, size_t max_records, bool user)
{
	struct boot_mem_region map[] = {
		{ 0, (uint64_t)arena_pages * PMM_PAGE_SIZE, BOOT_MEM_USABLE },
	};
	struct vmm_config c = {
		.base = FIXTURE_BASE,
		.size = (uint64_t)window_pages * VMM_PAGE_SIZE,
		.paging = mock_paging_init(FIXTURE_BASE, window_pages, user),
		.max_records = max_records,
		.user = user,
		.first_fit = fixture_first_fit,
	};
	size_t bytes = vmm_storage_bytes(&c);

	mock_irq_reset();
	arena = aligned_alloc(PMM_PAGE_SIZE, arena_pages * PMM_PAGE_SIZE);
	cr_assert_not_null(arena);
	cr_assert(pmm_init(map, 1, (uint64_t)(uintptr_t)arena));
	storage = malloc(bytes);
	cr_assert_not_null(storage);
	cr_assert_eq(vmm_init(&fixture_vmm, &c, storage, bytes), VMM_OK);
}

void fixture_stop(void)
{
	if (storage != NULL)
		vmm_destroy(&fixture_vmm);
	free(storage);
	storage = NULL;
	free(arena);
	arena = NULL;
	mock_paging_fini();
}

uint8_t *fixture_phys(uint64_t phys)
{
	return arena + phys;
}

uint64_t fixture_pmm_free(void)
{
	return pmm_get_stats().free_pages;
}
