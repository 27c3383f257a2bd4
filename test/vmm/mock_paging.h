/*
 * test/vmm/mock_paging.h - a recording fake of the HAL paging contract.
 *
 * test/vmm/mock_paging.c implements hal_paging_map, _unmap, _protect,
 * _query and _flush (include/hal/paging.h) over one window of pages,
 * with the contract's rules: a range is checked whole before anything
 * changes, mapping a mapped page answers HAL_PAGING_EXISTS, unmapping or
 * protecting an unmapped one HAL_PAGING_NOT_MAPPED, an unaligned range or
 * one outside the window HAL_PAGING_BAD_RANGE, and HAL_MAP_USER outside a
 * "user" window HAL_PAGING_BAD_RANGE. Mappings live in a table (one entry
 * per page of the window), so tests can count and inspect them.
 *
 * Unlike the real HAL it never takes page-table pages from the PMM, so a
 * test may require the PMM's free count to come back exactly.
 */
#ifndef KEEL_TEST_MOCK_PAGING_H
#define KEEL_TEST_MOCK_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hal_paging;

/*
 * Start over with an empty table for the window [base, base + pages pages)
 * and no failure planned; `user` says whether HAL_MAP_USER is accepted.
 * Returns the handle to pass to the code under test. Aborts when out of
 * host memory.
 */
struct hal_paging *mock_paging_init(uint64_t base, size_t pages, bool user);

/* Free the table. */
void mock_paging_fini(void);

/* Pages currently mapped. */
size_t mock_paging_mapped(void);

/* Calls of hal_paging_map() since init, failed ones included. */
size_t mock_paging_map_calls(void);

/* Calls of hal_paging_flush() since init. */
size_t mock_paging_flush_calls(void);

/*
 * Make the n-th hal_paging_map() call from now (1 = the next one) fail
 * with HAL_PAGING_NO_MEMORY, as if a page-table page could not be
 * allocated; 0 cancels. Only that one call fails.
 */
void mock_paging_fail_map_at(size_t n);

#endif /* KEEL_TEST_MOCK_PAGING_H */
