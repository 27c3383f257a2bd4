/*
 * boot/loader/memmap.c - the UEFI memory map, turned into the protocol's.
 */
#include "memmap.h"

#include "efi.h"

#include <base/string.h>

#define PAGE 4096u

uint64_t memmap_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_CONVENTIONAL_MEMORY:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
		return LIMINE_MEMMAP_USABLE;
	case EFI_LOADER_CODE: /* the loader itself: dead once the kernel runs */
	case EFI_LOADER_DATA:
	case KEEL_MEMORY_RECLAIMABLE:
		return LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE;
	case KEEL_MEMORY_KERNEL:
		return LIMINE_MEMMAP_KERNEL_AND_MODULES;
	case EFI_ACPI_RECLAIM_MEMORY:
		return LIMINE_MEMMAP_ACPI_RECLAIMABLE;
	case EFI_ACPI_MEMORY_NVS:
		return LIMINE_MEMMAP_ACPI_NVS;
	case EFI_UNUSABLE_MEMORY:
		return LIMINE_MEMMAP_BAD_MEMORY;
	default: /* runtime services, MMIO, PAL code, persistent, unaccepted, reserved */
		return LIMINE_MEMMAP_RESERVED;
	}
}

/* Insertion sort by base: the map has at most a few hundred entries. */
static void sort_by_base(struct limine_memmap_entry *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct limine_memmap_entry x = e[i];
		size_t j = i;

		while (j > 0 && e[j - 1].base > x.base) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = x;
	}
}

size_t memmap_convert(const void *map, size_t map_size, size_t desc_size,
		      struct limine_memmap_entry *out, size_t max, uint64_t fb_base,
		      uint64_t fb_size)
{
	size_t n = 0;

	if (desc_size < sizeof(efi_memory_descriptor))
		return SIZE_MAX;
	for (size_t off = 0; off + desc_size <= map_size; off += desc_size) {
		efi_memory_descriptor d;

		memcpy(&d, (const uint8_t *)map + off, sizeof(d));
		if (d.number_of_pages == 0 ||
		    d.number_of_pages > (UINT64_MAX - d.physical_start) / PAGE)
			continue;
		struct limine_memmap_entry e = {
			.base = d.physical_start,
			.length = d.number_of_pages * PAGE,
			.type = memmap_type(d.type),
		};

		/* Physical page 0 is never handed out as RAM (base revisions <= 2). */
		if (e.type == LIMINE_MEMMAP_USABLE && e.base == 0) {
			e.base = PAGE;
			e.length -= PAGE;
			if (e.length == 0)
				continue;
		}
		if (n == max)
			return SIZE_MAX;
		out[n++] = e;
	}
	if (fb_size != 0) {
		if (n == max)
			return SIZE_MAX;
		out[n++] =
			(struct limine_memmap_entry){ fb_base, fb_size, LIMINE_MEMMAP_FRAMEBUFFER };
	}
	sort_by_base(out, n);

	/* Merge neighbours of one type that touch; UEFI splits by attributes. */
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (m > 0 && out[m - 1].type == out[i].type &&
		    out[m - 1].base + out[m - 1].length == out[i].base)
			out[m - 1].length += out[i].length;
		else
			out[m++] = out[i];
	}
	return m;
}
