/*
 * test/loader/memmap_test.c - the UEFI memory map becomes the protocol's.
 */
#include <criterion/criterion.h>

#include <base/string.h>

#include "efi.h"
#include "memmap.h"

/* Firmware descriptors are often larger than the struct: use a 48-byte stride. */
#define DESC 48

static uint8_t map[64 * DESC];
static size_t map_len;

static void add(uint32_t type, uint64_t base, uint64_t pages)
{
	efi_memory_descriptor d = { .type = type,
				    .physical_start = base,
				    .number_of_pages = pages };

	memset(map + map_len, 0xa5, DESC); /* padding the converter must skip */
	memcpy(map + map_len, &d, sizeof(d));
	map_len += DESC;
}

static struct limine_memmap_entry out[64];

Test(memmap, types_follow_the_protocol)
{
	cr_assert_eq(memmap_type(EFI_CONVENTIONAL_MEMORY), LIMINE_MEMMAP_USABLE);
	cr_assert_eq(memmap_type(EFI_BOOT_SERVICES_DATA), LIMINE_MEMMAP_USABLE);
	cr_assert_eq(memmap_type(EFI_LOADER_CODE), LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE);
	cr_assert_eq(memmap_type(KEEL_MEMORY_RECLAIMABLE), LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE);
	cr_assert_eq(memmap_type(KEEL_MEMORY_KERNEL), LIMINE_MEMMAP_KERNEL_AND_MODULES);
	cr_assert_eq(memmap_type(EFI_ACPI_RECLAIM_MEMORY), LIMINE_MEMMAP_ACPI_RECLAIMABLE);
	cr_assert_eq(memmap_type(EFI_ACPI_MEMORY_NVS), LIMINE_MEMMAP_ACPI_NVS);
	cr_assert_eq(memmap_type(EFI_UNUSABLE_MEMORY), LIMINE_MEMMAP_BAD_MEMORY);
	cr_assert_eq(memmap_type(EFI_RUNTIME_SERVICES_CODE), LIMINE_MEMMAP_RESERVED);
	cr_assert_eq(memmap_type(EFI_MEMORY_MAPPED_IO), LIMINE_MEMMAP_RESERVED);
	cr_assert_eq(memmap_type(0x70000000), LIMINE_MEMMAP_RESERVED);
}

Test(memmap, sorts_merges_and_never_gives_page_zero)
{
	map_len = 0;
	add(EFI_CONVENTIONAL_MEMORY, 0x100000, 16);
	add(EFI_CONVENTIONAL_MEMORY, 0x0, 4);	   /* page 0 must not be usable */
	add(EFI_BOOT_SERVICES_CODE, 0x110000, 16); /* touches the first: merged */
	add(EFI_ACPI_RECLAIM_MEMORY, 0x8000, 1);
	add(KEEL_MEMORY_KERNEL, 0x200000, 8);

	size_t n = memmap_convert(map, map_len, DESC, out, 64, 0, 0);

	cr_assert_eq(n, 4);
	cr_assert_eq(out[0].base, 0x1000);
	cr_assert_eq(out[0].length, 0x3000);
	cr_assert_eq(out[0].type, LIMINE_MEMMAP_USABLE);
	cr_assert_eq(out[1].base, 0x8000);
	cr_assert_eq(out[1].type, LIMINE_MEMMAP_ACPI_RECLAIMABLE);
	cr_assert_eq(out[2].base, 0x100000);
	cr_assert_eq(out[2].length, 32 * 4096);
	cr_assert_eq(out[2].type, LIMINE_MEMMAP_USABLE);
	cr_assert_eq(out[3].type, LIMINE_MEMMAP_KERNEL_AND_MODULES);
	for (size_t i = 1; i < n; i++)
		cr_assert_leq(out[i - 1].base + out[i - 1].length, out[i].base);
}

Test(memmap, single_usable_page_zero_disappears)
{
	map_len = 0;
	add(EFI_CONVENTIONAL_MEMORY, 0x0, 1);
	add(EFI_LOADER_DATA, 0x1000, 1);

	cr_assert_eq(memmap_convert(map, map_len, DESC, out, 64, 0, 0), 1);
	cr_assert_eq(out[0].type, LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE);
}

Test(memmap, adds_the_framebuffer)
{
	map_len = 0;
	add(EFI_CONVENTIONAL_MEMORY, 0x1000, 1);

	cr_assert_eq(memmap_convert(map, map_len, DESC, out, 64, 0x80000000, 0x300000), 2);
	cr_assert_eq(out[1].base, 0x80000000);
	cr_assert_eq(out[1].length, 0x300000);
	cr_assert_eq(out[1].type, LIMINE_MEMMAP_FRAMEBUFFER);
}

Test(memmap, skips_empty_and_wrapping_descriptors)
{
	map_len = 0;
	add(EFI_CONVENTIONAL_MEMORY, 0x1000, 0);
	add(EFI_CONVENTIONAL_MEMORY, UINT64_MAX - 0xfff, 2);
	add(EFI_CONVENTIONAL_MEMORY, 0x5000, 1);

	cr_assert_eq(memmap_convert(map, map_len, DESC, out, 64, 0, 0), 1);
	cr_assert_eq(out[0].base, 0x5000);
}

Test(memmap, reports_too_small_output_and_bad_descriptor_size)
{
	map_len = 0;
	add(EFI_CONVENTIONAL_MEMORY, 0x1000, 1);
	add(EFI_ACPI_MEMORY_NVS, 0x9000, 1);

	cr_assert_eq(memmap_convert(map, map_len, DESC, out, 1, 0, 0), SIZE_MAX);
	cr_assert_eq(memmap_convert(map, map_len, 8, out, 64, 0, 0), SIZE_MAX);
	cr_assert_eq(memmap_convert(map, map_len, DESC, out, 2, 0xa0000, 0x1000), SIZE_MAX);
}
