/*
 * test/core/vmm_test.c - the virtual memory manager (core/vmm.c).
 *
 * Each case runs a VMM over a small window on fake memory (see
 * test/vmm/vmm_fixture.h): the real PMM over a malloc'd arena, and the
 * recording fake of the HAL paging contract, which never uses PMM pages
 * itself. So "nothing leaked" is exact: the PMM's free count and the
 * fake's mapping count come back to their starting values.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include <base/string.h>
#include <core/pmm.h>
#include <core/vmm.h>
#include <hal/paging.h>

#include "hal/cpu_mock.h"
#include "vmm/mock_paging.h"
#include "vmm/vmm_fixture.h"

#define PAGE   VMM_PAGE_SIZE
#define WINDOW 64u /* pages in the default window */
#define RW     (VMM_READ | VMM_WRITE)
#define RX     (VMM_READ | VMM_EXEC)

static struct vmm *const v = &fixture_vmm;
static uint64_t pmm_start;

static void setup(void)
{
	fixture_start(512, WINDOW, 8, false);
	pmm_start = fixture_pmm_free();
}

static void assert_nothing_leaked(void)
{
	cr_assert_eq(fixture_pmm_free(), pmm_start);
	cr_assert_eq(mock_paging_mapped(), 0);
	cr_assert_eq(vmm_get_stats(v).mapped_pages, 0);
	cr_assert(mock_irq_enabled());
	cr_assert_eq(mock_irq_depth(), 0);
}

TestSuite(vmm, .init = setup, .fini = fixture_stop);

/* ---- init ---------------------------------------------------------------- */

Test(vmm, init_refuses_bad_windows_missing_paging_and_short_storage)
{
	static uint64_t storage[1024];
	struct vmm other;
	struct vmm_config c = { .base = FIXTURE_BASE,
				.size = 16 * PAGE,
				.paging = (struct hal_paging *)1,
				.max_records = 4 };
	size_t need = vmm_storage_bytes(&c);

	cr_assert_gt(need, 0);
	cr_assert_leq(need, sizeof(storage));
	cr_assert_eq(vmm_init(&other, &c, storage, need - 1), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_init(&other, &c, (char *)storage + 4, need), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_init(&other, &c, NULL, need), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_init(&other, NULL, storage, need), VMM_BAD_ARGUMENT);
	c.max_records = 0;
	cr_assert_eq(vmm_storage_bytes(&c), 0);
	cr_assert_eq(vmm_init(&other, &c, storage, need), VMM_BAD_ARGUMENT);
	c.max_records = 4;
	c.paging = NULL;
	cr_assert_eq(vmm_init(&other, &c, storage, need), VMM_BAD_ARGUMENT);
	c.paging = (struct hal_paging *)1;
	c.base = 0;
	cr_assert_eq(vmm_init(&other, &c, storage, need), VMM_BAD_ARGUMENT);
	c.base = FIXTURE_BASE + 1;
	cr_assert_eq(vmm_init(&other, &c, storage, need), VMM_BAD_ARGUMENT);
	c.base = FIXTURE_BASE;
	c.size = 0;
	cr_assert_eq(vmm_storage_bytes(&c), 0);
	c.size = 16 * PAGE;
	cr_assert_eq(vmm_init(&other, &c, storage, need), VMM_OK);
}

Test(vmm, init_gives_an_empty_vmm)
{
	struct vmm_stats s = vmm_get_stats(v);

	cr_assert_eq(s.records, 0);
	cr_assert_eq(s.record_capacity, 8);
	cr_assert_eq(s.mapped_pages, 0);
	cr_assert_eq(s.reserved_pages, 0);
	cr_assert_eq(s.free_pages, WINDOW);
}

/* ---- alloc --------------------------------------------------------------- */

Test(vmm, eager_alloc_maps_every_page_to_its_own_zeroed_frame)
{
	uint64_t va = 0, id = 0, phys[4];
	struct vmm_info info;
	unsigned attrs;

	cr_assert_eq(vmm_alloc(v, 4, RW, VMM_EAGER, &va, &id), VMM_OK);
	cr_assert_eq(va, FIXTURE_BASE);
	cr_assert_neq(id, 0);
	cr_assert_eq(mock_paging_mapped(), 4);
	cr_assert_eq(fixture_pmm_free(), pmm_start - 4);
	for (int i = 0; i < 4; i++) {
		cr_assert(hal_paging_query(v->space.paging, va + i * PAGE, &phys[i], &attrs));
		cr_assert_eq(attrs, HAL_MAP_WRITE);
		for (int j = 0; j < i; j++)
			cr_assert_neq(phys[i], phys[j]);
		for (uint64_t b = 0; b < PAGE; b++)
			cr_assert_eq(fixture_phys(phys[i])[b], 0);
	}
	cr_assert_eq(vmm_query(v, va + 3 * PAGE + 5, &info), VMM_OK);
	cr_assert(info.present);
	cr_assert_eq(info.phys, phys[3]);
	cr_assert_eq(info.record.id, id);
	cr_assert_eq(info.record.present, 4);
	cr_assert_eq(vmm_get_stats(v).mapped_pages, 4);
}

Test(vmm, lazy_alloc_reserves_addresses_but_maps_nothing)
{
	uint64_t va, id;
	struct vmm_info info;

	cr_assert_eq(vmm_alloc(v, 16, RW, VMM_LAZY, &va, &id), VMM_OK);
	cr_assert_eq(mock_paging_mapped(), 0);
	cr_assert_eq(fixture_pmm_free(), pmm_start);
	cr_assert_eq(vmm_get_stats(v).reserved_pages, 16);
	cr_assert_eq(vmm_query(v, va + 15 * PAGE, &info), VMM_OK);
	cr_assert_not(info.present);
	cr_assert_eq(info.record.flags, VMM_LAZY);
}

Test(vmm, alloc_at_places_the_record_exactly)
{
	uint64_t va = FIXTURE_BASE + 10 * PAGE, id, other, got;
	struct vmm_info info;

	cr_assert_eq(vmm_alloc_at(v, va, 3, RW, VMM_EAGER, &id), VMM_OK);
	cr_assert_eq(vmm_query(v, va + 2 * PAGE, &info), VMM_OK);
	cr_assert_eq(info.record.base, va);
	cr_assert_eq(info.record.pages, 3);
	cr_assert(info.present);
	/* Any overlap with it, or with the window's edges, is refused. */
	cr_assert_eq(vmm_alloc_at(v, va + 2 * PAGE, 2, RW, VMM_LAZY, &other), VMM_NO_VA);
	cr_assert_eq(vmm_alloc_at(v, va - PAGE, 2, RW, VMM_LAZY, &other), VMM_NO_VA);
	cr_assert_eq(vmm_alloc_at(v, FIXTURE_BASE + (WINDOW - 1) * PAGE, 2, RW, VMM_LAZY, &other),
		     VMM_NO_VA);
	cr_assert_eq(vmm_alloc_at(v, FIXTURE_BASE - PAGE, 1, RW, VMM_LAZY, &other), VMM_NO_VA);
	/* Unaligned, wrapping, guarded: bad arguments. */
	cr_assert_eq(vmm_alloc_at(v, va + 3 * PAGE + 1, 1, RW, VMM_LAZY, &other), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc_at(v, UINT64_MAX & ~(PAGE - 1), 2, RW, VMM_LAZY, &other),
		     VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc_at(v, va + 4 * PAGE, 1, RW, VMM_LAZY | VMM_GUARD, &other),
		     VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc_at(v, va + 3 * PAGE, 1, RW, VMM_LAZY, &other), VMM_OK,
		     "the page right after it is free");
	/* vmm_alloc() keeps clear of both. */
	cr_assert_eq(vmm_alloc(v, 4, RW, VMM_EAGER, &got, &other), VMM_OK);
	cr_assert(got + 4 * PAGE <= va || got >= va + 4 * PAGE);
	vmm_destroy(v);
	assert_nothing_leaked();
}

Test(vmm, alloc_refuses_write_plus_exec)
{
	uint64_t va = 7, id = 7;

	cr_assert_eq(vmm_alloc(v, 1, VMM_READ | VMM_WRITE | VMM_EXEC, VMM_EAGER, &va, &id),
		     VMM_WX_REFUSED);
	cr_assert_eq(vmm_alloc(v, 1, VMM_READ | VMM_WRITE | VMM_EXEC, VMM_LAZY, &va, &id),
		     VMM_WX_REFUSED);
	cr_assert_eq(va, 7, "outputs are untouched on failure");
	cr_assert_eq(id, 7);
	cr_assert_eq(vmm_get_stats(v).records, 0);
	assert_nothing_leaked();
}

Test(vmm, alloc_refuses_bad_arguments)
{
	uint64_t va, id;

	cr_assert_eq(vmm_alloc(v, 0, RW, VMM_EAGER, &va, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc(v, 1, VMM_WRITE, VMM_EAGER, &va, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc(v, 1, RW | (1u << 9), VMM_EAGER, &va, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc(v, 1, RW, 1u << 5, &va, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc(v, 1, RW | VMM_USER, VMM_EAGER, &va, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_EAGER, NULL, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_EAGER, &va, NULL), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_get_stats(v).reserved_pages, 0);
	assert_nothing_leaked();
}

Test(vmm, alloc_reports_no_va_when_no_run_is_long_enough)
{
	uint64_t va, id;

	cr_assert_eq(vmm_alloc(v, WINDOW + 1, RW, VMM_LAZY, &va, &id), VMM_NO_VA);
	cr_assert_eq(vmm_alloc(v, WINDOW - 1, RW, VMM_LAZY, &va, &id), VMM_OK);
	cr_assert_eq(vmm_alloc(v, 2, RW, VMM_EAGER, &va, &id), VMM_NO_VA);
	cr_assert_eq(vmm_get_stats(v).records, 1);
	cr_assert_eq(fixture_pmm_free(), pmm_start);
}

Test(vmm, alloc_reports_no_record_when_the_table_is_full)
{
	uint64_t va, id;

	for (int i = 0; i < 8; i++)
		cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &va, &id), VMM_OK);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &va, &id), VMM_NO_RECORD);
	cr_assert_eq(vmm_get_stats(v).reserved_pages, 8);
}

Test(vmm, eager_alloc_out_of_frames_rolls_back_completely)
{
	uint64_t va, id;

	fixture_stop();
	fixture_start(64, 256, 8, false);
	pmm_start = fixture_pmm_free();
	cr_assert_lt(pmm_start, 256);
	cr_assert_eq(vmm_alloc(v, pmm_start + 1, RW, VMM_EAGER, &va, &id), VMM_NO_MEMORY);
	cr_assert_eq(vmm_get_stats(v).records, 0);
	cr_assert_eq(vmm_get_stats(v).free_pages, 256);
	assert_nothing_leaked();
	cr_assert_eq(vmm_alloc(v, pmm_start, RW, VMM_EAGER, &va, &id), VMM_OK);
	cr_assert_eq(fixture_pmm_free(), 0);
}

Test(vmm, eager_alloc_with_a_failing_map_rolls_back_completely)
{
	uint64_t va, id;

	mock_paging_fail_map_at(3);
	cr_assert_eq(vmm_alloc(v, 5, RW, VMM_EAGER, &va, &id), VMM_NO_MEMORY);
	cr_assert_eq(mock_paging_map_calls(), 3);
	cr_assert_eq(vmm_get_stats(v).records, 0);
	cr_assert_eq(vmm_get_stats(v).free_pages, WINDOW);
	assert_nothing_leaked();
}

Test(vmm, ids_are_distinct_and_never_reused)
{
	uint64_t va, a, b, c;

	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &va, &a), VMM_OK);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &va, &b), VMM_OK);
	cr_assert_eq(vmm_free(v, a), VMM_OK);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &va, &c), VMM_OK);
	cr_assert(a != b && b != c && a != c);
	cr_assert_eq(vmm_free(v, a), VMM_NOT_FOUND);
}

Test(vmm, freed_addresses_are_not_reused_at_once)
{
	uint64_t first, second, id;

	cr_assert_eq(vmm_alloc(v, 2, RW, VMM_LAZY, &first, &id), VMM_OK);
	cr_assert_eq(vmm_free(v, id), VMM_OK);
	cr_assert_eq(vmm_alloc(v, 2, RW, VMM_LAZY, &second, &id), VMM_OK);
	cr_assert_eq(second, first + 2 * PAGE, "next fit moves on past a freed range");
}

/* ---- faults -------------------------------------------------------------- */

Test(vmm, lazy_fault_maps_one_zeroed_page_with_the_record_protection)
{
	uint64_t va, id, phys;
	unsigned attrs;
	struct vmm_info info;

	cr_assert_eq(vmm_alloc(v, 4, RW, VMM_LAZY, &va, &id), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, va + 2 * PAGE + 123, VMM_FAULT_WRITE), VMM_OK);
	cr_assert_eq(mock_paging_mapped(), 1);
	cr_assert_eq(fixture_pmm_free(), pmm_start - 1);
	cr_assert(hal_paging_query(v->space.paging, va + 2 * PAGE, &phys, &attrs));
	cr_assert_eq(attrs, HAL_MAP_WRITE);
	for (uint64_t b = 0; b < PAGE; b++)
		cr_assert_eq(fixture_phys(phys)[b], 0);
	cr_assert_not(hal_paging_query(v->space.paging, va + 1 * PAGE, NULL, NULL));
	cr_assert_gt(mock_paging_flush_calls(), 0, "the stale invalid entry is flushed");
	cr_assert_eq(vmm_query(v, va, &info), VMM_OK);
	cr_assert_eq(info.record.present, 1);
	cr_assert_eq(vmm_get_stats(v).mapped_pages, 1);
}

Test(vmm, lazy_read_fault_on_a_read_only_record_is_resolved)
{
	uint64_t va, id;
	unsigned attrs;

	cr_assert_eq(vmm_alloc(v, 1, VMM_READ, VMM_LAZY, &va, &id), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, va, VMM_FAULT_READ), VMM_OK);
	cr_assert(hal_paging_query(v->space.paging, va, NULL, &attrs));
	cr_assert_eq(attrs, 0);
}

Test(vmm, fault_refused_when_protection_forbids_the_access)
{
	uint64_t ro, rw, id;

	cr_assert_eq(vmm_alloc(v, 1, VMM_READ, VMM_LAZY, &ro, &id), VMM_OK);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &rw, &id), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, ro, VMM_FAULT_WRITE), VMM_ACCESS_DENIED);
	cr_assert_eq(vmm_handle_fault(v, ro, VMM_FAULT_EXEC), VMM_ACCESS_DENIED);
	cr_assert_eq(vmm_handle_fault(v, rw, VMM_FAULT_EXEC), VMM_ACCESS_DENIED);
	cr_assert_eq(vmm_handle_fault(v, rw, VMM_FAULT_USER), VMM_ACCESS_DENIED);
	cr_assert_eq(mock_paging_mapped(), 0);
	cr_assert_eq(fixture_pmm_free(), pmm_start);
}

Test(vmm, exec_fault_on_an_executable_lazy_record_maps_it_executable)
{
	uint64_t va, id;
	unsigned attrs;

	cr_assert_eq(vmm_alloc(v, 1, RX, VMM_LAZY, &va, &id), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, va, VMM_FAULT_EXEC), VMM_OK);
	cr_assert(hal_paging_query(v->space.paging, va, NULL, &attrs));
	cr_assert_eq(attrs, HAL_MAP_EXEC);
}

Test(vmm, fault_outside_every_record_is_refused)
{
	uint64_t a, b, id;

	cr_assert_eq(vmm_alloc(v, 2, RW, VMM_LAZY, &a, &id), VMM_OK);
	cr_assert_eq(vmm_alloc(v, 2, RW, VMM_LAZY, &b, &id), VMM_OK);
	cr_assert_eq(vmm_free(v, id), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, b, VMM_FAULT_READ), VMM_NOT_FOUND, "freed range");
	cr_assert_eq(vmm_handle_fault(v, a + 2 * PAGE, VMM_FAULT_READ), VMM_NOT_FOUND);
	cr_assert_eq(vmm_handle_fault(v, a - 1, VMM_FAULT_READ), VMM_NOT_FOUND);
	cr_assert_eq(vmm_handle_fault(v, FIXTURE_BASE + WINDOW * PAGE, 0), VMM_NOT_FOUND);
	cr_assert_eq(vmm_handle_fault(v, 0, VMM_FAULT_WRITE), VMM_NOT_FOUND);
	cr_assert_eq(vmm_handle_fault(v, UINT64_MAX, VMM_FAULT_WRITE), VMM_NOT_FOUND);
	cr_assert_eq(mock_paging_mapped(), 0);
}

Test(vmm, fault_in_an_eager_record_is_refused)
{
	uint64_t va, id;

	cr_assert_eq(vmm_alloc(v, 1, VMM_READ, VMM_EAGER, &va, &id), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, va, VMM_FAULT_WRITE), VMM_ACCESS_DENIED);
	cr_assert_eq(vmm_handle_fault(v, va, VMM_FAULT_READ), VMM_ACCESS_DENIED);
	cr_assert_eq(mock_paging_mapped(), 1);
}

Test(vmm, fault_on_a_present_allowed_page_only_flushes)
{
	uint64_t va, id, before;

	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &va, &id), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, va, VMM_FAULT_READ), VMM_OK);
	before = mock_paging_flush_calls();
	cr_assert_eq(vmm_handle_fault(v, va + 8, VMM_FAULT_WRITE), VMM_OK);
	cr_assert_eq(mock_paging_flush_calls(), before + 1);
	cr_assert_eq(mock_paging_mapped(), 1);
	cr_assert_eq(fixture_pmm_free(), pmm_start - 1);
}

Test(vmm, fault_without_memory_is_refused_and_changes_nothing)
{
	uint64_t va, id;

	cr_assert_eq(vmm_alloc(v, 2, RW, VMM_LAZY, &va, &id), VMM_OK);
	mock_paging_fail_map_at(1);
	cr_assert_eq(vmm_handle_fault(v, va, VMM_FAULT_WRITE), VMM_NO_MEMORY);
	cr_assert_eq(fixture_pmm_free(), pmm_start);
	cr_assert_eq(vmm_get_stats(v).mapped_pages, 0);
	cr_assert_eq(vmm_handle_fault(v, va, VMM_FAULT_WRITE), VMM_OK, "a later retry works");
}

Test(vmm, fault_refuses_unknown_access_bits)
{
	uint64_t va, id;

	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &va, &id), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, va, 1u << 7), VMM_BAD_ARGUMENT);
	cr_assert_eq(mock_paging_mapped(), 0);
}

Test(vmm, user_fault_needs_a_user_record_in_a_user_window)
{
	uint64_t user, kernel, id;
	unsigned attrs;

	fixture_stop();
	fixture_start(512, WINDOW, 8, true);
	cr_assert_eq(vmm_alloc(v, 1, RW | VMM_USER, VMM_LAZY, &user, &id), VMM_OK);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &kernel, &id), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, kernel, VMM_FAULT_USER), VMM_ACCESS_DENIED);
	cr_assert_eq(vmm_handle_fault(v, user, VMM_FAULT_USER | VMM_FAULT_WRITE), VMM_OK);
	cr_assert(hal_paging_query(v->space.paging, user, NULL, &attrs));
	cr_assert_eq(attrs, HAL_MAP_USER | HAL_MAP_WRITE);
}

/* ---- protect ------------------------------------------------------------- */

Test(vmm, protect_changes_present_pages_now_and_lazy_pages_later)
{
	uint64_t va, id;
	unsigned attrs;

	cr_assert_eq(vmm_alloc(v, 2, RW, VMM_LAZY, &va, &id), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, va, VMM_FAULT_WRITE), VMM_OK);
	cr_assert_eq(vmm_protect(v, id, RX), VMM_OK);
	cr_assert(hal_paging_query(v->space.paging, va, NULL, &attrs));
	cr_assert_eq(attrs, HAL_MAP_EXEC);
	cr_assert_eq(vmm_handle_fault(v, va + PAGE, VMM_FAULT_WRITE), VMM_ACCESS_DENIED);
	cr_assert_eq(vmm_handle_fault(v, va + PAGE, VMM_FAULT_EXEC), VMM_OK);
	cr_assert(hal_paging_query(v->space.paging, va + PAGE, NULL, &attrs));
	cr_assert_eq(attrs, HAL_MAP_EXEC);
}

Test(vmm, protect_of_an_eager_record_changes_every_page)
{
	uint64_t va, id;
	unsigned attrs;

	cr_assert_eq(vmm_alloc(v, 3, RW, VMM_EAGER, &va, &id), VMM_OK);
	cr_assert_eq(vmm_protect(v, id, VMM_READ), VMM_OK);
	for (int i = 0; i < 3; i++) {
		cr_assert(hal_paging_query(v->space.paging, va + i * PAGE, NULL, &attrs));
		cr_assert_eq(attrs, 0);
	}
}

Test(vmm, protect_refuses_wx_bad_prot_and_unknown_ids_keeping_the_old_protection)
{
	uint64_t va, id;
	struct vmm_info info;

	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_EAGER, &va, &id), VMM_OK);
	cr_assert_eq(vmm_protect(v, id, VMM_READ | VMM_WRITE | VMM_EXEC), VMM_WX_REFUSED);
	cr_assert_eq(vmm_protect(v, id, VMM_EXEC), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_protect(v, id, RW | VMM_USER), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_protect(v, id + 1, VMM_READ), VMM_NOT_FOUND);
	cr_assert_eq(vmm_query(v, va, &info), VMM_OK);
	cr_assert_eq(info.record.prot, RW);
}

/* ---- free, query, destroy ------------------------------------------------ */

Test(vmm, free_unmaps_returns_frames_and_addresses)
{
	uint64_t a, b, ida, idb;

	cr_assert_eq(vmm_alloc(v, 3, RW, VMM_EAGER, &a, &ida), VMM_OK);
	cr_assert_eq(vmm_alloc(v, 5, RW, VMM_LAZY, &b, &idb), VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, b + 4 * PAGE, VMM_FAULT_WRITE), VMM_OK);
	cr_assert_eq(vmm_free(v, ida), VMM_OK);
	cr_assert_eq(vmm_free(v, idb), VMM_OK);
	cr_assert_eq(vmm_get_stats(v).records, 0);
	cr_assert_eq(vmm_get_stats(v).free_pages, WINDOW);
	cr_assert_not(hal_paging_query(v->space.paging, a, NULL, NULL));
	assert_nothing_leaked();
}

Test(vmm, free_of_an_unknown_id_is_not_found)
{
	uint64_t va, id;

	cr_assert_eq(vmm_free(v, 0), VMM_NOT_FOUND);
	cr_assert_eq(vmm_free(v, 12345), VMM_NOT_FOUND);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_EAGER, &va, &id), VMM_OK);
	cr_assert_eq(vmm_free(v, id), VMM_OK);
	cr_assert_eq(vmm_free(v, id), VMM_NOT_FOUND, "double free");
	assert_nothing_leaked();
}

Test(vmm, free_at_needs_the_first_address_of_an_allocation)
{
	uint64_t va, id;

	cr_assert_eq(vmm_alloc(v, 2, RW, VMM_EAGER, &va, &id), VMM_OK);
	cr_assert_eq(vmm_free_at(v, va + PAGE), VMM_NOT_FOUND);
	cr_assert_eq(vmm_free_at(v, va + 2 * PAGE), VMM_NOT_FOUND);
	cr_assert_eq(vmm_free_at(v, va), VMM_OK);
	cr_assert_eq(vmm_free(v, id), VMM_NOT_FOUND);
	assert_nothing_leaked();
}

Test(vmm, query_outside_records_is_not_found)
{
	struct vmm_info info;
	uint64_t va, id;

	cr_assert_eq(vmm_query(v, FIXTURE_BASE, &info), VMM_NOT_FOUND);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &va, &id), VMM_OK);
	cr_assert_eq(vmm_query(v, va, NULL), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_query(v, va + PAGE, &info), VMM_NOT_FOUND);
}

Test(vmm, destroy_frees_every_record_frame_and_mapping)
{
	uint64_t va, id;

	for (int i = 0; i < 6; i++)
		cr_assert_eq(vmm_alloc(v, 1 + i, RW, i % 2 ? VMM_LAZY : VMM_EAGER, &va, &id),
			     VMM_OK);
	cr_assert_eq(vmm_handle_fault(v, va, VMM_FAULT_WRITE), VMM_OK);
	cr_assert_gt(mock_paging_mapped(), 0);
	vmm_destroy(v);
	cr_assert_eq(vmm_get_stats(v).records, 0);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_LAZY, &va, &id), VMM_NO_RECORD);
	assert_nothing_leaked();
}

Test(vmm, status_names_cover_every_status)
{
	cr_assert_str_eq(vmm_status_name(VMM_OK), "OK");
	cr_assert_str_eq(vmm_status_name(VMM_WX_REFUSED), "WX_REFUSED");
	cr_assert_str_eq(vmm_status_name(VMM_ACCESS_DENIED), "ACCESS_DENIED");
	cr_assert_str_eq(vmm_status_name(-1), "UNKNOWN");
	cr_assert_str_eq(vmm_status_name(VMM_ACCESS_DENIED + 1), "UNKNOWN");
}

/* ---- address reuse policy ------------------------------------------------- */

/* Allocate A and B, free A, allocate C of A's size: does C get A's addresses? */
static bool reuses_freed_addresses(bool first_fit)
{
	uint64_t a, b, c, id_a, id_b, id_c;

	fixture_first_fit = first_fit;
	fixture_start(64, 64, 8, false);
	cr_assert_eq(vmm_alloc(&fixture_vmm, 2, RW, VMM_LAZY, &a, &id_a), VMM_OK);
	cr_assert_eq(vmm_alloc(&fixture_vmm, 2, RW, VMM_LAZY, &b, &id_b), VMM_OK);
	cr_assert_eq(vmm_free(&fixture_vmm, id_a), VMM_OK);
	cr_assert_eq(vmm_alloc(&fixture_vmm, 2, RW, VMM_LAZY, &c, &id_c), VMM_OK);
	fixture_stop();
	fixture_first_fit = false;
	return c == a;
}

Test(vmm_policy, first_fit_window_reuses_the_lowest_freed_addresses)
{
	cr_assert(reuses_freed_addresses(true));
}

Test(vmm_policy, next_fit_window_does_not_reuse_freed_addresses_at_once)
{
	cr_assert_not(reuses_freed_addresses(false));
}

/* ---- physical (device) ranges ------------------------------------------------ */

Test(vmm, map_phys_maps_the_given_frames_as_device_memory_and_free_keeps_them)
{
	const uint64_t dev = UINT64_C(0xfee00000);
	uint64_t va, id, phys;
	unsigned attrs;
	struct vmm_info info;

	cr_assert_eq(vmm_map_phys(v, dev, 2, RW, true, &va, &id), VMM_OK);
	cr_assert_eq(fixture_pmm_free(), pmm_start, "no frame is taken for a device range");
	cr_assert_eq(mock_paging_mapped(), 2);
	for (unsigned i = 0; i < 2; i++) {
		cr_assert(hal_paging_query(v->space.paging, va + i * PAGE, &phys, &attrs));
		cr_assert_eq(phys, dev + i * PAGE);
		cr_assert_eq(attrs & (HAL_MAP_DEVICE | HAL_MAP_WRITE),
			     HAL_MAP_DEVICE | HAL_MAP_WRITE);
	}
	cr_assert_eq(vmm_query(v, va + PAGE, &info), VMM_OK);
	cr_assert(info.present);
	cr_assert_eq(info.record.flags, VMM_PHYS);
	cr_assert_eq(info.record.phys, dev);
	cr_assert_eq(vmm_protect(v, id, VMM_READ), VMM_BAD_ARGUMENT, "device rights are fixed");
	cr_assert_eq(vmm_handle_fault(v, va, VMM_FAULT_WRITE), VMM_ACCESS_DENIED);
	cr_assert_eq(vmm_free(v, id), VMM_OK);
	assert_nothing_leaked(); /* the PMM count is unchanged: the frames were never its */
}

Test(vmm, map_phys_refuses_exec_unaligned_wrapping_and_a_phys_flag_from_alloc)
{
	uint64_t va = 0, id = 0;

	cr_assert_eq(vmm_map_phys(v, 0x1000, 1, RX, true, &va, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_map_phys(v, 0x1001, 1, RW, true, &va, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_map_phys(v, UINT64_MAX - PAGE + 1, 2, RW, true, &va, &id),
		     VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_map_phys(v, 0x1000, 0, RW, true, &va, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc(v, 1, RW, VMM_PHYS, &va, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_alloc_at(v, FIXTURE_BASE, 1, RW, VMM_PHYS, &id), VMM_BAD_ARGUMENT);
	cr_assert_eq(vmm_get_stats(v).records, 0);
	assert_nothing_leaked();
}

Test(vmm, map_phys_of_memory_is_cached)
{
	uint64_t va, id, phys;
	unsigned attrs;

	cr_assert_eq(vmm_map_phys(v, 0x40000, 1, VMM_READ, false, &va, &id), VMM_OK);
	cr_assert(hal_paging_query(v->space.paging, va, &phys, &attrs));
	cr_assert_eq(phys, 0x40000);
	cr_assert_eq(attrs & (HAL_MAP_DEVICE | HAL_MAP_WRITE), 0, "cached and read-only");
	cr_assert_eq(vmm_free(v, id), VMM_OK);
	assert_nothing_leaked();
}

Test(vmm, map_phys_with_a_failing_map_rolls_back_completely)
{
	uint64_t va = 0, id = 0;

	mock_paging_fail_map_at(1);
	cr_assert_eq(vmm_map_phys(v, 0x10000, 4, RW, true, &va, &id), VMM_NO_MEMORY);
	cr_assert_eq(vmm_get_stats(v).records, 0);
	cr_assert_eq(vmm_get_stats(v).free_pages, WINDOW);
	assert_nothing_leaked();
}
