/*
 * test/vmm/vmm_fixture.h - a VMM over fake memory, for native tests.
 *
 * "Physical memory" is a malloc'd arena managed by the real PMM (physical
 * address p is arena + p), page tables are the recording fake of
 * mock_paging.c, and the VMM under test gets heap storage of exactly
 * vmm_storage_bytes(), so AddressSanitizer sees any access past its end.
 */
#ifndef KEEL_TEST_VMM_FIXTURE_H
#define KEEL_TEST_VMM_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <core/vmm.h>

/* Where the fixture's window starts: page-aligned, not 0. */
#define FIXTURE_BASE UINT64_C(0x40000000)

/* The VMM set up by fixture_start(). */
extern struct vmm fixture_vmm;

/* Set before fixture_start() for a first-fit window (vmm_config.first_fit). */
extern bool fixture_first_fit;

/*
 * Start the PMM over an arena of arena_pages pages (all USABLE), the fake
 * paging over the window, and fixture_vmm over window_pages pages at
 * FIXTURE_BASE with room for max_records records. Asserts on failure.
 */
void fixture_start(size_t arena_pages, size_t window_pages, size_t max_records, bool user);

/* Destroy the VMM and free everything fixture_start() allocated. */
void fixture_stop(void);

/* The arena's bytes at physical address phys. */
uint8_t *fixture_phys(uint64_t phys);

/* Free pages of the PMM now. */
uint64_t fixture_pmm_free(void);

#endif /* KEEL_TEST_VMM_FIXTURE_H */
