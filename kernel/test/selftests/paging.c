/*
 * kernel/test/selftests/paging.c - the HAL paging contract on this platform.
 *
 * Runs on the kernel's own page tables (hal_paging_init). Every case gives
 * back what it takes: frames to the PMM, mappings, spaces.
 */
#include "../selftest.h"

#include <core/boot_info.h>
#include <core/pmm.h>
#include <hal/memory_layout.h>
#include <hal/paging.h>
#include <kernel/kernel_vmm.h>

#define PAGE 4096u

extern char __text_start[], __rodata_start[];

/*
 * A page of the kernel window that the kernel VMM will not hand out while
 * a case maps it by hand: claimed in the VMM's address_space, under its
 * lock, for the duration of one case (see with_test_va()). It belongs to no
 * record, so a stray access there is refused by the fault handler.
 */
static uint64_t test_va;
#define TEST_VA	     test_va
#define TEST_USER_VA (MM_USER_VMM_BASE + MM_USER_NULL_GUARD + 0x100000)

static volatile uint64_t data_probe = 1;

/* Run body with test_va claimed from the kernel VMM's window, then give it back. */
static void with_test_va(struct selftest *t, void (*body)(struct selftest *t))
{
	struct vmm *vmm = vmm_kernel();
	unsigned long irq;

	ST_ASSERT(t, vmm != NULL);
	irq = spin_lock_irqsave(&vmm->lock);
	test_va = vas_alloc(&vmm->space, 1, 1);
	spin_unlock_irqrestore(&vmm->lock, irq);
	ST_ASSERT(t, test_va != 0);
	body(t);
	irq = spin_lock_irqsave(&vmm->lock);
	vas_free(&vmm->space, test_va, 1);
	spin_unlock_irqrestore(&vmm->lock, irq);
	test_va = 0;
}

static void kernel_image_keeps_section_permissions(struct selftest *t)
{
	const struct boot_info *bi = boot_info();
	struct hal_paging *k = hal_paging_kernel();
	uint64_t pa;
	unsigned attrs;

	ST_ASSERT(t, hal_paging_query(k, (uintptr_t)__text_start, &pa, &attrs));
	ST_ASSERT_EQ(t, pa, bi->kernel_phys + ((uintptr_t)__text_start - bi->kernel_virt));
	ST_ASSERT(t, (attrs & HAL_MAP_EXEC) && !(attrs & HAL_MAP_WRITE));
	ST_ASSERT(t, hal_paging_query(k, (uintptr_t)__rodata_start, NULL, &attrs));
	ST_ASSERT(t, !(attrs & HAL_MAP_EXEC) && !(attrs & HAL_MAP_WRITE));
	ST_ASSERT(t, hal_paging_query(k, (uintptr_t)&data_probe, NULL, &attrs));
	ST_ASSERT(t, (attrs & HAL_MAP_WRITE) && !(attrs & HAL_MAP_EXEC));
	ST_ASSERT(t, !(attrs & HAL_MAP_USER));
}

static void direct_map_translates_ram(struct selftest *t)
{
	uint64_t page = pmm_alloc_page(), pa;

	ST_ASSERT(t, page != 0);
	ST_ASSERT_GOTO(
		t, hal_paging_query(hal_paging_kernel(), (uintptr_t)phys_to_virt(page), &pa, NULL),
		out);
	ST_ASSERT_EQ_GOTO(t, pa, page, out);
out:
	pmm_free_page(page);
}

static void map_write_query_unmap_round_trip_body(struct selftest *t)
{
	struct hal_paging *k = hal_paging_kernel();
	uint64_t before = pmm_get_stats().free_pages;
	uint64_t page = pmm_alloc_page(), pa;
	unsigned attrs;
	volatile uint64_t *va = (volatile uint64_t *)(uintptr_t)TEST_VA;

	ST_ASSERT(t, page != 0);
	ST_ASSERT(t, !hal_paging_query(k, TEST_VA, NULL, NULL));
	ST_ASSERT_EQ_GOTO(t, hal_paging_map(k, TEST_VA, page, 1, HAL_MAP_WRITE), HAL_PAGING_OK,
			  free);
	*va = 0xc0ffee;
	ST_ASSERT_EQ_GOTO(t, *(volatile uint64_t *)phys_to_virt(page), 0xc0ffee, unmap);
	ST_ASSERT_GOTO(t, hal_paging_query(k, TEST_VA + 8, &pa, &attrs), unmap);
	ST_ASSERT_EQ_GOTO(t, pa, page + 8, unmap);
	ST_ASSERT_GOTO(t, (attrs & HAL_MAP_WRITE) && !(attrs & HAL_MAP_EXEC), unmap);
	ST_ASSERT_EQ_GOTO(t, hal_paging_map(k, TEST_VA, page, 1, 0), HAL_PAGING_EXISTS, unmap);
	ST_ASSERT_EQ_GOTO(t, hal_paging_protect(k, TEST_VA, 1, 0), HAL_PAGING_OK, unmap);
	ST_ASSERT_GOTO(t, hal_paging_query(k, TEST_VA, NULL, &attrs), unmap);
	ST_ASSERT_GOTO(t, !(attrs & HAL_MAP_WRITE), unmap);
unmap:
	ST_ASSERT_EQ(t, hal_paging_unmap(k, TEST_VA, 1), HAL_PAGING_OK);
	ST_ASSERT(t, !hal_paging_query(k, TEST_VA, NULL, NULL));
	ST_ASSERT_EQ(t, hal_paging_unmap(k, TEST_VA, 1), HAL_PAGING_NOT_MAPPED);
free:
	pmm_free_page(page);
	/* Only the page-table pages created for TEST_VA may stay: they are the kernel's. */
	ST_ASSERT_LE(t, before - pmm_get_stats().free_pages, 3);
}

static void bad_ranges_are_refused_body(struct selftest *t)
{
	struct hal_paging *k = hal_paging_kernel();

	ST_ASSERT_EQ(t, hal_paging_map(k, TEST_VA + 1, 0x200000, 1, 0), HAL_PAGING_BAD_RANGE);
	ST_ASSERT_EQ(t, hal_paging_map(k, TEST_VA, 0x200001, 1, 0), HAL_PAGING_BAD_RANGE);
	ST_ASSERT_EQ(t, hal_paging_map(k, TEST_VA, 0x200000, 1, HAL_MAP_USER),
		     HAL_PAGING_BAD_RANGE);
	ST_ASSERT_EQ(t, hal_paging_unmap(k, TEST_VA, 1), HAL_PAGING_NOT_MAPPED);
}

static void map_write_query_unmap_round_trip(struct selftest *t)
{
	with_test_va(t, map_write_query_unmap_round_trip_body);
}

static void bad_ranges_are_refused(struct selftest *t)
{
	with_test_va(t, bad_ranges_are_refused_body);
}

static void new_space_shares_the_kernel_half_and_frees_its_tables(struct selftest *t)
{
	struct hal_paging *k = hal_paging_kernel(), *p = NULL;
	uint64_t frame = pmm_alloc_page();
	uint64_t before = pmm_get_stats().free_pages;
	uint64_t pa;

	ST_ASSERT(t, frame != 0);
	ST_ASSERT_EQ_GOTO(t, hal_paging_create(&p), HAL_PAGING_OK, out);
	/* 300 user pages spread over several page tables, all to one frame. */
	for (uint64_t i = 0; i < 300; i++)
		ST_ASSERT_EQ_GOTO(t,
				  hal_paging_map(p, TEST_USER_VA + i * 0x10000, frame, 1,
						 HAL_MAP_USER | HAL_MAP_WRITE),
				  HAL_PAGING_OK, destroy);
	ST_ASSERT_GOTO(t, hal_paging_query(p, TEST_USER_VA + 0x10000 * 299, &pa, NULL), destroy);
	ST_ASSERT_EQ_GOTO(t, pa, frame, destroy);
	/* The kernel space does not see the new space's user half... */
	ST_ASSERT_GOTO(t, !hal_paging_query(k, TEST_USER_VA, NULL, NULL), destroy);
	/* ...and the new space sees the kernel half, code included. */
	ST_ASSERT_GOTO(t, hal_paging_query(p, (uintptr_t)__text_start, &pa, NULL), destroy);
	/* Running with the new space loaded changes nothing for kernel code. */
	hal_paging_switch(p);
	ST_ASSERT_EQ_GOTO(t, data_probe, 1, switch_back);
switch_back:
	hal_paging_switch(k);
destroy:
	hal_paging_destroy(p);
	ST_ASSERT_EQ(t, pmm_get_stats().free_pages, before);
out:
	pmm_free_page(frame);
}

static const struct kernel_selftest_case cases[] = {
	{ "kernel_image_keeps_section_permissions", kernel_image_keeps_section_permissions },
	{ "direct_map_translates_ram", direct_map_translates_ram },
	{ "map_write_query_unmap_round_trip", map_write_query_unmap_round_trip },
	{ "bad_ranges_are_refused", bad_ranges_are_refused },
	{ "new_space_shares_the_kernel_half_and_frees_its_tables",
	  new_space_shares_the_kernel_half_and_frees_its_tables },
};

SELFTEST_SUITE(selftest_suite_paging, "paging", cases);
