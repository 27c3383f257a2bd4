/*
 * boot/loader/loader.h - what the loader's modules share.
 *
 * The loader is one UEFI application: it runs with the firmware's identity
 * mapping until it calls ExitBootServices, then hands the machine to the
 * kernel. All memory it leaves behind for the kernel is allocated with one
 * of Keel's own memory types (efi.h), so that the final memory map reports
 * it as BOOTLOADER_RECLAIMABLE or KERNEL_AND_MODULES.
 */
#ifndef LOADER_LOADER_H
#define LOADER_LOADER_H

#include "efi.h"

#include <base/compiler.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096u

extern efi_system_table *efi_st;
extern efi_boot_services *efi_bs;
extern efi_handle efi_image;

/* False from the moment the final memory map is taken: printing is over. */
extern bool loader_console_live;

/* Print on the firmware console (printf syntax); silent after ExitBootServices. */
__printf_like(1, 2) void loader_print(const char *fmt, ...);

/*
 * Print "loader: error: <message>" on the firmware console, leave it
 * readable for a while, then return to the firmware (which tries the next
 * boot option). Only before ExitBootServices; never returns.
 */
__noreturn __printf_like(1, 2) void loader_fatal(const char *fmt, ...);

/* After ExitBootServices: stop for good (nothing can be printed any more). */
__noreturn void loader_halt(void);

/*
 * `pages` zeroed 4 KiB pages of memory type `type` (EFI or KEEL_MEMORY_*).
 * Returns the physical address, which the firmware's identity mapping also
 * makes a usable pointer, or 0 when the firmware has no such memory.
 */
uint64_t loader_alloc_pages(uint64_t pages, uint32_t type);

/* One zeroed page-table page (BOOTLOADER_RECLAIMABLE), or 0 when out of memory. */
uint64_t loader_alloc_table_page(void);

/* Bytes from the reclaimable arena (8-byte aligned, zeroed); fatal when exhausted. */
void *loader_arena_alloc(size_t size);

/* A NUL-terminated copy of s in the reclaimable arena. */
char *loader_arena_strdup(const char *s);

#endif /* LOADER_LOADER_H */
