/*
 * boot/loader/protocol.h - find the kernel's Limine requests and answer them.
 */
#ifndef LOADER_PROTOCOL_H
#define LOADER_PROTOCOL_H

#include "config.h"
#include <core/elf.h>

#include <kernel/limine.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTOCOL_MAX_REQUESTS 128 /* as Limine: more is a broken kernel */

struct loaded_file {
	uint64_t phys; /* where the file's bytes are */
	uint64_t size;
	const char *path;    /* on the boot volume, "/..." */
	const char *cmdline; /* "" when none */
};

struct framebuffer_info {
	uint64_t phys, size;
	uint64_t width, height, pitch;
	uint16_t bpp;
	uint8_t red_size, red_shift, green_size, green_shift, blue_size, blue_shift;
};

/* What the loader found out, for the answers. */
struct boot_data {
	uint64_t hhdm;
	uint64_t paging_mode;
	struct elf_image elf;
	uint64_t kernel_phys; /* physical address of elf.base */
	struct loaded_file kernel_file;
	struct loaded_file modules[CONFIG_MODULES_MAX];
	size_t module_count;
	uint64_t rsdp_phys; /* 0: no ACPI */
	uint64_t dtb_phys;  /* 0: no device tree */
	bool have_time;
	int64_t boot_time;
	bool have_fb;
	struct framebuffer_info fb;
};

/* The requests found in the loaded kernel image (identity pointers into it). */
struct kernel_requests {
	uint64_t base_revision; /* the revision the loader follows */
	uint64_t stack_size;	/* at least 64 KiB */
	uint64_t min_paging_mode, max_paging_mode;
	bool have_paging_limits;
	struct limine_memmap_request *memmap;
	size_t count;
	uint64_t *found[PROTOCOL_MAX_REQUESTS];
};

/*
 * Scan the first scan_size bytes of the loaded image (as Limine does, fact
 * sheet 1.3): base-revision tag, start/end markers, requests at 8-byte
 * steps. Acknowledges a supported base revision in the tag. Returns 0, or
 * -1 with err for a base revision it cannot follow, two requests with one
 * ID, two base-revision tags, or more than PROTOCOL_MAX_REQUESTS.
 */
int protocol_scan(uint8_t *image, size_t scan_size, struct kernel_requests *r, char *err,
		  size_t err_size);

/*
 * Answer every request the loader implements, except the memory map (which
 * needs the final map): responses and everything they point to come from
 * the reclaimable arena, and every pointer written is an HHDM address.
 */
void protocol_answer(struct kernel_requests *r, const struct boot_data *b);

/*
 * Storage for the memory-map answer, sized for `max_entries`, allocated
 * before ExitBootServices; NULL when the kernel did not ask.
 */
struct memmap_answer {
	struct limine_memmap_response *response;
	struct limine_memmap_entry *entries;
	struct limine_memmap_entry **pointers;
	size_t max_entries;
};
void protocol_prepare_memmap(const struct kernel_requests *r, size_t max_entries,
			     struct memmap_answer *a);

/* After ExitBootServices: publish `count` converted entries to the kernel. */
void protocol_answer_memmap(const struct kernel_requests *r, struct memmap_answer *a, size_t count,
			    uint64_t hhdm);

#endif /* LOADER_PROTOCOL_H */
