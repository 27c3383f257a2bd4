/*
 * boot/loader/memmap.h - the UEFI memory map, turned into the protocol's.
 */
#ifndef LOADER_MEMMAP_H
#define LOADER_MEMMAP_H

#include <kernel/limine.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Convert the firmware's map (map_size bytes of descriptors, desc_size
 * apart) into at most `max` protocol entries in `out`, adding the
 * framebuffer [fb_base, fb_base + fb_size) when fb_size is not 0.
 *
 * The result follows the protocol's guarantees (fact sheet section 5):
 * sorted by base; adjacent entries of the same type merged; USABLE and
 * BOOTLOADER_RECLAIMABLE entries page-aligned and disjoint; physical page 0
 * never USABLE. It allocates nothing, so it can run after ExitBootServices.
 *
 * Returns the number of entries, or SIZE_MAX when `max` is too small or the
 * firmware map is malformed (desc_size smaller than a descriptor).
 */
size_t memmap_convert(const void *map, size_t map_size, size_t desc_size,
		      struct limine_memmap_entry *out, size_t max, uint64_t fb_base,
		      uint64_t fb_size);

/* The protocol type of a UEFI (or KEEL_MEMORY_*) memory type. */
uint64_t memmap_type(uint32_t efi_type);

#endif /* LOADER_MEMMAP_H */
