/*
 * kernel/test/selftests/boot.c - what the loader handed over is true.
 */
#include "../selftest.h"

#include <core/boot_info.h>
#include <stdint.h>

#define PAGE 4096u

extern char __kernel_start[], __text_start[], __data_start[];

static void memmap_is_sorted_and_sane(struct selftest *t)
{
	const struct boot_info *bi = boot_info();
	uint64_t usable = 0;

	ST_ASSERT(t, bi->memmap_count > 0);
	for (size_t i = 0; i < bi->memmap_count; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		ST_ASSERT(t, r->length > 0);
		ST_ASSERT(t, r->base + r->length > r->base); /* no wrap */
		if (i > 0)
			ST_ASSERT_LE(t, bi->memmap[i - 1].base, r->base);
		if (r->type == BOOT_MEM_USABLE || r->type == BOOT_MEM_BOOTLOADER_RECLAIMABLE) {
			ST_ASSERT_EQ(t, r->base % PAGE, 0);
			ST_ASSERT_EQ(t, r->length % PAGE, 0);
			ST_ASSERT(t, !(r->type == BOOT_MEM_USABLE && r->base == 0));
			/* Usable and reclaimable memory overlaps nothing before it. */
			for (size_t j = 0; j < i; j++) {
				const struct boot_mem_region *q = &bi->memmap[j];

				if (q->type == BOOT_MEM_USABLE ||
				    q->type == BOOT_MEM_BOOTLOADER_RECLAIMABLE)
					ST_ASSERT_LE(t, q->base + q->length, r->base);
			}
		}
		if (r->type == BOOT_MEM_USABLE)
			usable += r->length;
	}
	/* QEMU runs give 512 MiB or more; a kernel with under 16 MiB free is not booting right. */
	ST_ASSERT_LE(t, UINT64_C(16) << 20, usable);
}

static void memmap_holds_the_kernel(struct selftest *t)
{
	const struct boot_info *bi = boot_info();
	bool found = false;

	for (size_t i = 0; i < bi->memmap_count; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		if (r->type == BOOT_MEM_KERNEL_AND_MODULES && r->base <= bi->kernel_phys &&
		    bi->kernel_phys < r->base + r->length)
			found = true;
	}
	ST_ASSERT(t, found);
}

static void kernel_address_matches_linked_symbols(struct selftest *t)
{
	const struct boot_info *bi = boot_info();

	ST_ASSERT_EQ(t, bi->kernel_virt, (uintptr_t)__kernel_start);
	ST_ASSERT_EQ(t, bi->kernel_phys % PAGE, 0);
}

static volatile uint64_t hhdm_probe = 0x1122334455667788;

static void hhdm_maps_physical_memory(struct selftest *t)
{
	const struct boot_info *bi = boot_info();
	uint64_t probe_phys = bi->kernel_phys + ((uintptr_t)&hhdm_probe - bi->kernel_virt);
	volatile uint64_t *alias = phys_to_virt(probe_phys);

	/* The same physical bytes through two mappings: code, then data both ways. */
	const volatile uint8_t *text_alias =
		phys_to_virt(bi->kernel_phys + ((uintptr_t)__text_start - bi->kernel_virt));
	for (int i = 0; i < 64; i++)
		ST_ASSERT_EQ(t, text_alias[i], ((const volatile uint8_t *)__text_start)[i]);
	ST_ASSERT_EQ(t, *alias, UINT64_C(0x1122334455667788));
	*alias = 0xfeedfacecafebeef;
	ST_ASSERT_EQ(t, hhdm_probe, UINT64_C(0xfeedfacecafebeef));
	hhdm_probe = 0x1122334455667788;
}

static void cmdline_is_parsed(struct selftest *t)
{
	char value[16];

	/* This suite runs because the command line says so. */
	ST_ASSERT(t, boot_cmdline_get("kernel.selftest", value, sizeof(value)));
	ST_ASSERT_STR_EQ(t, value, "1");
	ST_ASSERT(t, !boot_cmdline_get("kernel.no_such_option", value, sizeof(value)));
	/* A key is matched whole: "kernel.selftes" is not "kernel.selftest". */
	ST_ASSERT(t, !boot_cmdline_get("kernel.selftes", value, sizeof(value)));
}

static void loader_identified_itself(struct selftest *t)
{
	const struct boot_info *bi = boot_info();

	ST_ASSERT(t, bi->loader_name[0] != '\0');
	ST_ASSERT(t, bi->uefi);
}

static const struct kernel_selftest_case cases[] = {
	{ "memmap_is_sorted_and_sane", memmap_is_sorted_and_sane },
	{ "memmap_holds_the_kernel", memmap_holds_the_kernel },
	{ "kernel_address_matches_linked_symbols", kernel_address_matches_linked_symbols },
	{ "hhdm_maps_physical_memory", hhdm_maps_physical_memory },
	{ "cmdline_is_parsed", cmdline_is_parsed },
	{ "loader_identified_itself", loader_identified_itself },
};

SELFTEST_SUITE(selftest_suite_boot, "boot", cases);
