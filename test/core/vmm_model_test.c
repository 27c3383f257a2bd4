/*
 * test/core/vmm_model_test.c - the VMM against a reference model, at random.
 *
 * The model keeps, for every page of the window, the allocation owning it
 * (or none) and whether it is present, plus each live allocation's
 * protection and kind. Random steps (eager and lazy allocations with valid
 * and invalid protections, frees of live and unknown IDs, faults anywhere
 * in and around the window with every kind of access, protects, and map
 * failures injected into eager allocations) run against both, and:
 *   - every status is the one the model predicts: which check comes first
 *     (arguments, W^X, records, addresses, memory) is part of the contract;
 *   - a new range lies in the window and was free in the model;
 *   - after every step the counters agree: records, mapped pages (VMM and
 *     fake paging), reserved window pages, the PMM's free count;
 *   - every 50 steps, every page of the window is mapped exactly when the
 *     model says present, with the attributes of its record's protection;
 *   - at the end, vmm_destroy() gives every frame and mapping back.
 * The arena is small, so eager allocations and faults run out of frames.
 *
 * The seed is printed in every failure message; set KEEL_TEST_SEED to
 * replay a failing run or to explore other seeds.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include <core/vmm.h>
#include <hal/paging.h>

#include "support/test_rng.h"
#include "vmm/mock_paging.h"
#include "vmm/vmm_fixture.h"

#define PAGE	     VMM_PAGE_SIZE
#define WINDOW	     512u
#define ARENA	     192u
#define RECORDS	     40u
#define MAX_PAGES    24u
#define STEPS	     20000u
#define DEFAULT_SEED UINT64_C(0x564d4d) /* "VMM" */

struct model_alloc {
	uint64_t id; /* 0: slot unused */
	size_t first, pages;
	unsigned prot;
	bool lazy;
};

static struct model_alloc allocs[RECORDS];
static int owner[WINDOW]; /* index into allocs, or -1 */
static bool present[WINDOW];
static size_t live, mapped, reserved;
static uint64_t seed, pmm_start;

static const unsigned prots[] = {
	VMM_READ,
	VMM_READ | VMM_WRITE,
	VMM_READ | VMM_EXEC,
	VMM_READ | VMM_WRITE | VMM_EXEC, /* W^X: refused */
	VMM_WRITE,			 /* no READ: refused */
};

static unsigned hal_attrs(unsigned prot)
{
	return ((prot & VMM_WRITE) ? HAL_MAP_WRITE : 0) | ((prot & VMM_EXEC) ? HAL_MAP_EXEC : 0);
}

static int expected_prot_status(unsigned prot)
{
	if (!(prot & VMM_READ))
		return VMM_BAD_ARGUMENT;
	if ((prot & VMM_WRITE) && (prot & VMM_EXEC))
		return VMM_WX_REFUSED;
	return VMM_OK;
}

static bool model_has_run(size_t pages)
{
	size_t run = 0;

	for (size_t i = 0; i < WINDOW; i++) {
		run = owner[i] < 0 ? run + 1 : 0;
		if (run >= pages)
			return true;
	}
	return false;
}

static void step_alloc(void)
{
	size_t pages = 1 + test_rng_below(MAX_PAGES);
	unsigned prot = prots[test_rng_below(sizeof(prots) / sizeof(prots[0]))];
	bool lazy = test_rng_chance(50);
	size_t fail_at = 0;
	int expect = expected_prot_status(prot), got;
	uint64_t va = 0, id = 0;

	if (expect == VMM_OK && live == RECORDS)
		expect = VMM_NO_RECORD;
	if (expect == VMM_OK && !model_has_run(pages))
		expect = VMM_NO_VA;
	if (expect == VMM_OK && !lazy && pages > pmm_start - mapped)
		expect = VMM_NO_MEMORY;
	if (expect == VMM_OK && !lazy && test_rng_chance(5)) {
		fail_at = 1 + test_rng_below(pages);
		mock_paging_fail_map_at(fail_at);
		expect = VMM_NO_MEMORY;
	}
	got = vmm_alloc(&fixture_vmm, pages, prot, lazy ? VMM_LAZY : VMM_EAGER, &va, &id);
	mock_paging_fail_map_at(0);
	cr_assert_eq(got, expect, "seed 0x%llx: alloc %zu pages prot %u lazy %d: %s, expected %s",
		     (unsigned long long)seed, pages, prot, lazy, vmm_status_name(got),
		     vmm_status_name(expect));
	if (got != VMM_OK)
		return;

	size_t first = (va - FIXTURE_BASE) / PAGE, slot = 0;

	cr_assert(va >= FIXTURE_BASE && va % PAGE == 0 && first + pages <= WINDOW,
		  "seed 0x%llx: range 0x%llx outside the window", (unsigned long long)seed,
		  (unsigned long long)va);
	while (allocs[slot].id != 0)
		slot++;
	allocs[slot] = (struct model_alloc){ id, first, pages, prot, lazy };
	for (size_t i = first; i < first + pages; i++) {
		cr_assert_eq(owner[i], -1, "seed 0x%llx: page %zu handed out twice",
			     (unsigned long long)seed, i);
		owner[i] = (int)slot;
		present[i] = !lazy;
	}
	live++;
	reserved += pages;
	mapped += lazy ? 0 : pages;
}

/* A random live slot, or -1 when none is live. */
static int random_live(void)
{
	if (live == 0)
		return -1;
	for (;;) {
		size_t s = test_rng_below(RECORDS);

		if (allocs[s].id != 0)
			return (int)s;
	}
}

static void step_free(void)
{
	int s = random_live();
	int got;

	if (s < 0 || test_rng_chance(10)) {
		got = vmm_free(&fixture_vmm, 0x1000000 + test_rng_below(1000));
		cr_assert_eq(got, VMM_NOT_FOUND, "seed 0x%llx: free of an unknown id: %s",
			     (unsigned long long)seed, vmm_status_name(got));
		return;
	}
	struct model_alloc *a = &allocs[s];

	got = test_rng_chance(50) ? vmm_free(&fixture_vmm, a->id)
				  : vmm_free_at(&fixture_vmm, FIXTURE_BASE + a->first * PAGE);
	cr_assert_eq(got, VMM_OK, "seed 0x%llx: free: %s", (unsigned long long)seed,
		     vmm_status_name(got));
	for (size_t i = a->first; i < a->first + a->pages; i++) {
		mapped -= present[i];
		present[i] = false;
		owner[i] = -1;
	}
	live--;
	reserved -= a->pages;
	a->id = 0;
}

static void step_fault(void)
{
	/* Some addresses just outside the window, most inside. */
	uint64_t page = test_rng_below(WINDOW + 8);
	uint64_t va = FIXTURE_BASE - 4 * PAGE + page * PAGE + test_rng_below(PAGE);
	unsigned access = (unsigned)test_rng_below(3) == 0   ? VMM_FAULT_READ
			  : (unsigned)test_rng_below(2) == 0 ? VMM_FAULT_WRITE
							     : VMM_FAULT_EXEC;
	int expect, got;
	long i = (long)page - 4;
	struct model_alloc *a = NULL;

	if (i >= 0 && i < (long)WINDOW && owner[i] >= 0)
		a = &allocs[owner[i]];
	if (a == NULL)
		expect = VMM_NOT_FOUND;
	else if (!a->lazy || ((access & VMM_FAULT_WRITE) && !(a->prot & VMM_WRITE)) ||
		 ((access & VMM_FAULT_EXEC) && !(a->prot & VMM_EXEC)))
		expect = VMM_ACCESS_DENIED;
	else if (present[i])
		expect = VMM_OK;
	else if (mapped == pmm_start)
		expect = VMM_NO_MEMORY;
	else
		expect = VMM_OK;
	got = vmm_handle_fault(&fixture_vmm, va, access);
	cr_assert_eq(got, expect, "seed 0x%llx: fault at 0x%llx access %u: %s, expected %s",
		     (unsigned long long)seed, (unsigned long long)va, access, vmm_status_name(got),
		     vmm_status_name(expect));
	if (got == VMM_OK && !present[i]) {
		present[i] = true;
		mapped++;
	}
}

static void step_protect(void)
{
	int s = random_live();
	unsigned prot = prots[test_rng_below(sizeof(prots) / sizeof(prots[0]))];
	int expect = expected_prot_status(prot), got;

	if (s < 0)
		return;
	got = vmm_protect(&fixture_vmm, allocs[s].id, prot);
	cr_assert_eq(got, expect, "seed 0x%llx: protect %u: %s", (unsigned long long)seed, prot,
		     vmm_status_name(got));
	if (got == VMM_OK)
		allocs[s].prot = prot;
}

static void check_counters(unsigned step)
{
	struct vmm_stats s = vmm_get_stats(&fixture_vmm);

	cr_assert(s.records == live && s.mapped_pages == mapped && s.reserved_pages == reserved &&
			  mock_paging_mapped() == mapped &&
			  fixture_pmm_free() == pmm_start - mapped,
		  "seed 0x%llx step %u: records %zu/%zu mapped %zu/%zu/%zu reserved %zu/%zu",
		  (unsigned long long)seed, step, s.records, live, s.mapped_pages,
		  mock_paging_mapped(), mapped, s.reserved_pages, reserved);
}

static void check_pages(unsigned step)
{
	for (size_t i = 0; i < WINDOW; i++) {
		unsigned attrs = 0;
		bool is = hal_paging_query(fixture_vmm.space.paging, FIXTURE_BASE + i * PAGE, NULL,
					   &attrs);

		cr_assert_eq(is, present[i], "seed 0x%llx step %u: page %zu mapped %d, model %d",
			     (unsigned long long)seed, step, i, is, present[i]);
		if (is)
			cr_assert_eq(attrs, hal_attrs(allocs[owner[i]].prot),
				     "seed 0x%llx step %u: page %zu attributes",
				     (unsigned long long)seed, step, i);
	}
}

Test(vmm_model, random_operations_match_the_model)
{
	seed = test_rng_seed(DEFAULT_SEED);
	fixture_start(ARENA, WINDOW, RECORDS, false);
	pmm_start = fixture_pmm_free();
	for (size_t i = 0; i < WINDOW; i++)
		owner[i] = -1;

	for (unsigned step = 0; step < STEPS; step++) {
		unsigned r = (unsigned)test_rng_below(100);

		if (r < 30)
			step_alloc();
		else if (r < 50)
			step_free();
		else if (r < 90)
			step_fault();
		else
			step_protect();
		check_counters(step);
		if (step % 50 == 0)
			check_pages(step);
	}
	vmm_destroy(&fixture_vmm);
	cr_assert_eq(fixture_pmm_free(), pmm_start, "seed 0x%llx", (unsigned long long)seed);
	cr_assert_eq(mock_paging_mapped(), 0, "seed 0x%llx", (unsigned long long)seed);
	fixture_stop();
}
