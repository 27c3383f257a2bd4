/*
 * boot/loader/efi_support.c - console, memory and files through UEFI boot services.
 */
#include "loader.h"

#include <base/hooks.h>
#include <base/printf.h>
#include <base/string.h>

efi_system_table *efi_st;
efi_boot_services *efi_bs;
efi_handle efi_image;

bool loader_console_live = true;

/*
 * base/'s printf writes here. The firmware console takes UCS-2 strings, so
 * text is converted in small chunks; "\n" becomes "\r\n" as terminals want.
 */
void base_write(const char *buf, size_t len)
{
	char16 out[130];
	size_t n = 0;

	if (!loader_console_live || efi_st == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			out[n++] = '\r';
		out[n++] = (unsigned char)buf[i] < 0x80 ? (unsigned char)buf[i] : '?';
		if (n >= 128 || i + 1 == len) {
			out[n] = 0;
			efi_st->con_out->output_string(efi_st->con_out, out);
			n = 0;
		}
	}
}

void base_panic(const char *file, int line, const char *func, const char *msg)
{
	loader_fatal("%s:%d (%s): %s", file, line, func, msg);
}

void loader_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void loader_halt(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}

void loader_fatal(const char *fmt, ...)
{
	va_list ap;

	if (!loader_console_live)
		loader_halt();
	printf("loader: error: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\nloader: returning to the firmware in 10 seconds\n");
	efi_bs->stall(10 * 1000 * 1000);
	efi_bs->exit(efi_image, EFI_LOAD_ERROR, 0, NULL);
	loader_halt();
}

uint64_t loader_alloc_pages(uint64_t pages, uint32_t type)
{
	efi_physical_address addr = 0;

	if (efi_bs->allocate_pages(EFI_ALLOCATE_ANY_PAGES, type, pages, &addr) != EFI_SUCCESS)
		return 0;
	memset((void *)(uintptr_t)addr, 0, pages * PAGE_SIZE);
	return addr;
}

/*
 * Page-table pages come from chunks, so building the tables does not cost a
 * firmware call per page.
 */
#define TABLE_CHUNK_PAGES 64

uint64_t loader_alloc_table_page(void)
{
	static uint64_t next, left;

	if (left == 0) {
		next = loader_alloc_pages(TABLE_CHUNK_PAGES, KEEL_MEMORY_RECLAIMABLE);
		if (next == 0)
			return 0;
		left = TABLE_CHUNK_PAGES;
	}
	left--;
	next += PAGE_SIZE;
	return next - PAGE_SIZE;
}

/*
 * Responses, strings and arrays for the kernel: one reclaimable block,
 * handed out in 8-byte aligned pieces.
 */
#define ARENA_PAGES 64

void *loader_arena_alloc(size_t size)
{
	static uint8_t *arena;
	static size_t used;

	if (arena == NULL) {
		arena = (uint8_t *)(uintptr_t)loader_alloc_pages(ARENA_PAGES,
								 KEEL_MEMORY_RECLAIMABLE);
		if (arena == NULL)
			loader_fatal("out of memory for the boot protocol's responses");
	}
	size = ALIGN_UP(size, (size_t)8);
	if (size > ARENA_PAGES * PAGE_SIZE - used)
		loader_fatal("boot protocol responses exceed %u KiB", ARENA_PAGES * 4);
	void *p = arena + used;

	used += size;
	return p;
}

char *loader_arena_strdup(const char *s)
{
	size_t len = strlen(s);
	char *copy = loader_arena_alloc(len + 1);

	memcpy(copy, s, len + 1);
	return copy;
}
