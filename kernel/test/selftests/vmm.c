/*
 * kernel/test/selftests/vmm.c - the kernel VMM on real page tables.
 *
 * The native tests (test/core/vmm_test.c) pin down the VMM's bookkeeping
 * against a fake; these cases check what only real hardware shows: eager
 * pages really are writable memory, and touching a lazy page really takes
 * a page fault that kernel/trap.c hands to the VMM, which maps a zeroed
 * frame and lets the access retry. Every case frees what it allocates.
 */
#include "../selftest.h"

#include <core/pmm.h>
#include <core/vmm.h>
#include <hal/paging.h>
#include <kernel/kernel_vmm.h>

#define PAGE VMM_PAGE_SIZE
#define RW   (VMM_READ | VMM_WRITE)

static void eager_allocation_is_writable_memory(struct selftest *t)
{
	struct vmm *vmm = vmm_kernel();
	uint64_t va, id, phys;

	ST_ASSERT(t, vmm != NULL);
	ST_ASSERT_EQ(t, vmm_alloc(vmm, 4, RW, VMM_EAGER, &va, &id), VMM_OK);
	for (uint64_t i = 0; i < 4; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(va + i * PAGE + 8 * i);

		ST_ASSERT_EQ_GOTO(t, *p, 0, out);
		*p = 0x5eed0000 + i;
		ST_ASSERT_EQ_GOTO(t, *p, 0x5eed0000 + i, out);
	}
	/* The stores reached the frame the page tables name. */
	ST_ASSERT_GOTO(t, hal_paging_query(hal_paging_kernel(), va + 3 * PAGE, &phys, NULL), out);
	ST_ASSERT_EQ_GOTO(t, *(volatile uint64_t *)phys_to_virt(phys + 24), 0x5eed0003, out);
out:
	ST_ASSERT_EQ(t, vmm_free(vmm, id), VMM_OK);
}

static void touching_a_lazy_page_faults_it_in(struct selftest *t)
{
	struct vmm *vmm = vmm_kernel();
	uint64_t va, id;
	size_t before;
	struct vmm_info info;

	ST_ASSERT(t, vmm != NULL);
	ST_ASSERT_EQ(t, vmm_alloc(vmm, 8, RW, VMM_LAZY, &va, &id), VMM_OK);
	before = vmm_get_stats(vmm).mapped_pages;
	ST_ASSERT_GOTO(t, !hal_paging_query(hal_paging_kernel(), va + 5 * PAGE, NULL, NULL), out);
	/* This store faults; kernel_trap() asks the VMM, which maps the page. */
	*(volatile uint64_t *)(uintptr_t)(va + 5 * PAGE + 64) = 0xfa17;
	ST_ASSERT_EQ_GOTO(t, *(volatile uint64_t *)(uintptr_t)(va + 5 * PAGE + 64), 0xfa17, out);
	ST_ASSERT_EQ_GOTO(t, vmm_get_stats(vmm).mapped_pages, before + 1, out);
	ST_ASSERT_EQ_GOTO(t, vmm_query(vmm, va + 5 * PAGE, &info), VMM_OK, out);
	ST_ASSERT_GOTO(t, info.present, out);
	ST_ASSERT_EQ_GOTO(t, info.record.present, 1, out);
	ST_ASSERT_EQ_GOTO(t, vmm_query(vmm, va + 4 * PAGE, &info), VMM_OK, out);
	ST_ASSERT_GOTO(t, !info.present, out);
out:
	ST_ASSERT_EQ(t, vmm_free(vmm, id), VMM_OK);
}

static void reading_a_lazy_page_gives_zeroes(struct selftest *t)
{
	struct vmm *vmm = vmm_kernel();
	uint64_t va, id, sum = 0;
	size_t before;

	ST_ASSERT(t, vmm != NULL);
	ST_ASSERT_EQ(t, vmm_alloc(vmm, 2, VMM_READ, VMM_LAZY, &va, &id), VMM_OK);
	before = vmm_get_stats(vmm).mapped_pages;
	for (uint64_t off = 0; off < PAGE; off += 8)
		sum |= *(volatile uint64_t *)(uintptr_t)(va + PAGE + off);
	ST_ASSERT_EQ_GOTO(t, sum, 0, out);
	ST_ASSERT_EQ_GOTO(t, vmm_get_stats(vmm).mapped_pages, before + 1, out);
out:
	ST_ASSERT_EQ(t, vmm_free(vmm, id), VMM_OK);
}

/*
 * Freeing gives back every frame. The only pages that may stay are the
 * page-table pages the HAL created for the new range (at most one per
 * level below the top, kept until the space dies), and the test measures
 * those when allocating, so the check is exact.
 */
static void freeing_returns_every_frame_to_the_pmm(struct selftest *t)
{
	struct vmm *vmm = vmm_kernel();
	uint64_t before = pmm_get_stats().free_pages, allocated, eager, lazy, id_e, id_l;
	uint64_t tables;

	ST_ASSERT(t, vmm != NULL);
	ST_ASSERT_EQ(t, vmm_alloc(vmm, 16, RW, VMM_EAGER, &eager, &id_e), VMM_OK);
	ST_ASSERT_EQ_GOTO(t, vmm_alloc(vmm, 16, RW, VMM_LAZY, &lazy, &id_l), VMM_OK, free_e);
	*(volatile uint8_t *)(uintptr_t)lazy = 1;
	*(volatile uint8_t *)(uintptr_t)(lazy + 15 * PAGE) = 1;
	allocated = before - pmm_get_stats().free_pages;
	ST_ASSERT_LE(t, 18, allocated);
	tables = allocated - 18;
	ST_ASSERT_LE(t, tables, 6);
	ST_ASSERT_EQ(t, vmm_free(vmm, id_l), VMM_OK);
free_e:
	ST_ASSERT_EQ(t, vmm_free(vmm, id_e), VMM_OK);
	ST_ASSERT_EQ(t, pmm_get_stats().free_pages, before - tables);
}

static void write_plus_exec_is_refused(struct selftest *t)
{
	struct vmm *vmm = vmm_kernel();
	uint64_t va, id;
	size_t records;

	ST_ASSERT(t, vmm != NULL);
	records = vmm_get_stats(vmm).records;
	ST_ASSERT_EQ(t, vmm_alloc(vmm, 1, VMM_READ | VMM_WRITE | VMM_EXEC, VMM_EAGER, &va, &id),
		     VMM_WX_REFUSED);
	ST_ASSERT_EQ(t, vmm_get_stats(vmm).records, records);
	ST_ASSERT_EQ(t, vmm_alloc(vmm, 1, RW, VMM_EAGER, &va, &id), VMM_OK);
	ST_ASSERT_EQ_GOTO(t, vmm_protect(vmm, id, VMM_READ | VMM_WRITE | VMM_EXEC), VMM_WX_REFUSED,
			  out);
out:
	ST_ASSERT_EQ(t, vmm_free(vmm, id), VMM_OK);
}

static void faults_outside_records_are_refused(struct selftest *t)
{
	struct vmm *vmm = vmm_kernel();
	uint64_t va, id;

	ST_ASSERT(t, vmm != NULL);
	ST_ASSERT_EQ(t, vmm_alloc(vmm, 1, RW, VMM_LAZY, &va, &id), VMM_OK);
	ST_ASSERT_EQ(t, vmm_free(vmm, id), VMM_OK);
	/* Asked directly: touching it would (rightly) panic. */
	ST_ASSERT_EQ(t, vmm_handle_fault(vmm, va, VMM_FAULT_WRITE), VMM_NOT_FOUND);
}

static const struct kernel_selftest_case cases[] = {
	{ "eager_allocation_is_writable_memory", eager_allocation_is_writable_memory },
	{ "touching_a_lazy_page_faults_it_in", touching_a_lazy_page_faults_it_in },
	{ "reading_a_lazy_page_gives_zeroes", reading_a_lazy_page_gives_zeroes },
	{ "freeing_returns_every_frame_to_the_pmm", freeing_returns_every_frame_to_the_pmm },
	{ "write_plus_exec_is_refused", write_plus_exec_is_refused },
	{ "faults_outside_records_are_refused", faults_outside_records_are_refused },
};

SELFTEST_SUITE(selftest_suite_vmm, "vmm", cases);
