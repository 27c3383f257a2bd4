/*
 * boot/loader/main.c - Keel's UEFI loader: boot kernel.elf by the Limine protocol.
 *
 * The steps, in order (docs/boot.md tells the same story for readers):
 *  1. find limine.conf on the volume the loader was started from, parse it;
 *  2. read the kernel file, validate its ELF headers, copy its segments
 *     into one physically contiguous block (KERNEL_AND_MODULES memory);
 *  3. read the modules the configuration lists;
 *  4. scan the loaded image for requests (stack size and paging limits
 *     shape what follows);
 *  5. collect firmware facts: ACPI RSDP, device tree, framebuffer, time;
 *  6. build the kernel's page tables: its segments with their permissions,
 *     and the direct map (HHDM);
 *  7. answer the requests, allocate the stack and the memory-map storage;
 *  8. take the final memory map, ExitBootServices, convert the map;
 *  9. jump to the kernel in the state the protocol describes.
 * Every failure before step 8 is a readable message on the firmware console.
 */
#include "arch.h"
#include "config.h"
#include "loader.h"
#include "memmap.h"
#include "mp.h"
#include "protocol.h"

#include <base/printf.h>
#include <base/string.h>

static const char *const config_paths[] = {
	/* Limine's search order (fact sheet section 9). */
	"/limine.conf",		 "/limine/limine.conf",
	"/boot/limine.conf",	 "/boot/limine/limine.conf",
	"/EFI/BOOT/limine.conf",
};

static efi_file *open_boot_volume(void)
{
	efi_guid li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	efi_guid fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	efi_loaded_image *li;
	efi_simple_file_system *fs;
	efi_file *root;

	if (efi_bs->handle_protocol(efi_image, &li_guid, (void **)&li) != EFI_SUCCESS)
		loader_fatal("no loaded-image protocol for the loader");
	if (efi_bs->handle_protocol(li->device_handle, &fs_guid, (void **)&fs) != EFI_SUCCESS)
		loader_fatal("the boot device has no file system the firmware can read");
	if (fs->open_volume(fs, &root) != EFI_SUCCESS)
		loader_fatal("cannot open the boot volume");
	return root;
}

/*
 * Read the file at `path` ("/dir/file") into fresh pages of memory type
 * `type`. Returns 0 and the file's physical address and size, or -1 when
 * the file does not exist. Read errors are fatal.
 */
static int read_file(efi_file *root, const char *path, uint32_t type, uint64_t *phys,
		     uint64_t *size)
{
	char16 name[CONFIG_PATH_MAX];
	size_t i;
	efi_file *f;

	for (i = 0; path[i] != '\0' && i + 1 < CONFIG_PATH_MAX; i++)
		name[i] = path[i] == '/' ? '\\' : (unsigned char)path[i];
	name[i] = 0;
	if (root->open(root, &f, name, EFI_FILE_MODE_READ, 0) != EFI_SUCCESS)
		return -1;

	efi_guid info_guid = EFI_FILE_INFO_GUID;
	uint64_t info_buf[64]; /* efi_file_info plus a name of up to ~220 characters */
	uint64_t info_size = sizeof(info_buf);

	if (f->get_info(f, &info_guid, &info_size, info_buf) != EFI_SUCCESS)
		loader_fatal("%s: cannot read its size", path);
	uint64_t bytes = ((efi_file_info *)(void *)info_buf)->file_size;
	uint64_t pages = ALIGN_UP(bytes, (uint64_t)PAGE_SIZE) / PAGE_SIZE;
	uint64_t addr = loader_alloc_pages(pages == 0 ? 1 : pages, type);

	if (addr == 0)
		loader_fatal("%s: no memory for %llu bytes", path, (unsigned long long)bytes);
	uint64_t got = bytes;

	if (f->read(f, &got, (void *)(uintptr_t)addr) != EFI_SUCCESS || got != bytes)
		loader_fatal("%s: read error", path);
	f->close(f);
	*phys = addr;
	*size = bytes;
	return 0;
}

static void read_config(efi_file *root, struct boot_config *cfg)
{
	uint64_t phys = 0, size = 0;
	const char *found = NULL;
	char err[160];

	for (size_t i = 0; i < ARRAY_SIZE(config_paths) && found == NULL; i++) {
		if (read_file(root, config_paths[i], EFI_LOADER_DATA, &phys, &size) == 0)
			found = config_paths[i];
	}
	if (found == NULL)
		loader_fatal("no limine.conf in /, /limine, /boot, /boot/limine or /EFI/BOOT");
	if (config_parse((const char *)(uintptr_t)phys, size, cfg, err, sizeof(err)) != 0)
		loader_fatal("%s: %s", found, err);
	loader_print("loader: %s: entry '%s', kernel %s, %zu module(s)\n", found, cfg->entry_name,
		     cfg->kernel_path, cfg->module_count);
}

static bool guid_eq(const efi_guid *a, const efi_guid *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static void find_config_tables(struct boot_data *b)
{
	const efi_guid acpi20 = EFI_ACPI_20_TABLE_GUID, acpi10 = EFI_ACPI_10_TABLE_GUID;
	const efi_guid dtb = EFI_DTB_TABLE_GUID;

	for (uint64_t i = 0; i < efi_st->number_of_table_entries; i++) {
		const efi_configuration_table *t = &efi_st->configuration_table[i];
		uint64_t addr = (uint64_t)(uintptr_t)t->vendor_table;

		if (guid_eq(&t->vendor_guid, &acpi20))
			b->rsdp_phys = addr; /* ACPI 2.0+ wins over 1.0 */
		else if (guid_eq(&t->vendor_guid, &acpi10) && b->rsdp_phys == 0)
			b->rsdp_phys = addr;
		else if (guid_eq(&t->vendor_guid, &dtb))
			b->dtb_phys = addr;
	}
}

/* Shift and size of a contiguous bit mask (0, 0 for an empty mask). */
static void mask_bits(uint32_t mask, uint8_t *size, uint8_t *shift)
{
	*shift = 0;
	*size = 0;
	if (mask == 0)
		return;
	while (!(mask & 1)) {
		mask >>= 1;
		(*shift)++;
	}
	while (mask & 1) {
		mask >>= 1;
		(*size)++;
	}
}

static void find_framebuffer(struct boot_data *b)
{
	efi_guid gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	efi_graphics_output *gop;

	if (efi_bs->locate_protocol(&gop_guid, NULL, (void **)&gop) != EFI_SUCCESS ||
	    gop->mode == NULL || gop->mode->info == NULL)
		return;
	const efi_gop_mode_info *info = gop->mode->info;
	uint32_t r, g, bl;

	switch (info->pixel_format) {
	case EFI_PIXEL_RGBX_8BPC:
		r = 0xff, g = 0xff00, bl = 0xff0000;
		break;
	case EFI_PIXEL_BGRX_8BPC:
		r = 0xff0000, g = 0xff00, bl = 0xff;
		break;
	case EFI_PIXEL_BIT_MASK:
		r = info->red_mask, g = info->green_mask, bl = info->blue_mask;
		break;
	default:
		return; /* blt-only: no linear framebuffer */
	}
	b->have_fb = true;
	b->fb.phys = gop->mode->frame_buffer_base;
	b->fb.size = ALIGN_UP(gop->mode->frame_buffer_size, (uint64_t)PAGE_SIZE);
	b->fb.width = info->horizontal_resolution;
	b->fb.height = info->vertical_resolution;
	b->fb.bpp = 32;
	b->fb.pitch = (uint64_t)info->pixels_per_scan_line * 4;
	mask_bits(r, &b->fb.red_size, &b->fb.red_shift);
	mask_bits(g, &b->fb.green_size, &b->fb.green_shift);
	mask_bits(bl, &b->fb.blue_size, &b->fb.blue_shift);
}

/* Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static void read_time(struct boot_data *b)
{
	efi_time t;

	if (efi_st->runtime_services->get_time(&t, NULL) != EFI_SUCCESS || t.month < 1 ||
	    t.month > 12)
		return;
	b->have_time = true;
	b->boot_time = days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 +
		       t.minute * 60 + t.second;
}

static void load_kernel(efi_file *root, const struct boot_config *cfg, struct boot_data *b,
			uint8_t **image)
{
	/* The Limine protocol puts the kernel in the top 2 GiB. */
	const struct elf_limits kernel_limits = {
		.machine = arch_elf_machine,
		.low = UINT64_C(0xffffffff80000000),
		.last = UINT64_MAX,
	};
	char err[160];
	uint64_t phys, size;

	if (read_file(root, cfg->kernel_path, KEEL_MEMORY_RECLAIMABLE, &phys, &size) != 0)
		loader_fatal("kernel %s not found on the boot volume", cfg->kernel_path);
	b->kernel_file = (struct loaded_file){ phys, size, cfg->kernel_path, cfg->cmdline };
	if (elf_parse((const void *)(uintptr_t)phys, size, &kernel_limits, &b->elf, err,
		      sizeof(err)) != 0)
		loader_fatal("%s: %s", cfg->kernel_path, err);

	/* One block, aligned to the largest p_align: over-allocate, then align. */
	uint64_t slack = b->elf.align > PAGE_SIZE ? b->elf.align : 0;
	uint64_t pages = (b->elf.size + slack) / PAGE_SIZE;
	uint64_t block = loader_alloc_pages(pages, KEEL_MEMORY_KERNEL);

	if (block == 0)
		loader_fatal("no memory for the kernel image (%llu KiB)",
			     (unsigned long long)(b->elf.size / 1024));
	b->kernel_phys = ALIGN_UP(block, b->elf.align);
	*image = (uint8_t *)(uintptr_t)b->kernel_phys;
	elf_copy(&b->elf, (const void *)(uintptr_t)phys, *image);
	arch_sync_icache(b->kernel_phys, b->elf.size);
}

static void load_modules(efi_file *root, const struct boot_config *cfg, struct boot_data *b)
{
	for (size_t i = 0; i < cfg->module_count; i++) {
		struct loaded_file *m = &b->modules[i];

		if (read_file(root, cfg->modules[i].path, KEEL_MEMORY_KERNEL, &m->phys, &m->size))
			loader_fatal("module %s not found on the boot volume",
				     cfg->modules[i].path);
		m->path = cfg->modules[i].path;
		m->cmdline = cfg->modules[i].cmdline;
	}
	b->module_count = cfg->module_count;
}

static void map_or_die(uint64_t va, uint64_t pa, uint64_t size, unsigned attrs)
{
	if (arch_map(va, pa, size, attrs) != 0)
		loader_fatal("cannot map 0x%llx..0x%llx (out of memory for page tables?)",
			     (unsigned long long)va, (unsigned long long)(va + size));
}

/* Map [base, end) of physical memory into the HHDM, leaving out the framebuffer. */
static void map_hhdm_range(const struct boot_data *b, uint64_t base, uint64_t end)
{
	if (b->have_fb && base < b->fb.phys + b->fb.size && b->fb.phys < end) {
		if (base < b->fb.phys)
			map_hhdm_range(b, base, b->fb.phys);
		if (b->fb.phys + b->fb.size < end)
			map_hhdm_range(b, b->fb.phys + b->fb.size, end);
		return;
	}
	if (base < end)
		map_or_die(base + b->hhdm, base, end - base, MAP_WRITE | MAP_EXEC);
}

/*
 * Base revisions 1 and 2: the HHDM covers the first 4 GiB, plus every
 * region above that is not RESERVED or BAD_MEMORY. The kernel's segments
 * are mapped at their link addresses with their own permissions.
 */
static void build_page_tables(const struct boot_data *b)
{
	const uint64_t four_gib = UINT64_C(1) << 32;

	for (size_t i = 0; i < b->elf.count; i++) {
		const struct elf_segment *s = &b->elf.segments[i];
		uint64_t va = ALIGN_DOWN(s->vaddr, (uint64_t)PAGE_SIZE);
		uint64_t end = ALIGN_UP(s->vaddr + s->memsz, (uint64_t)PAGE_SIZE);
		unsigned attrs = (s->flags & ELF_PF_W ? MAP_WRITE : 0) |
				 (s->flags & ELF_PF_X ? MAP_EXEC : 0);

		map_or_die(va, b->kernel_phys + (va - b->elf.base), end - va, attrs);
	}
	map_hhdm_range(b, 0, four_gib);
	if (b->have_fb)
		map_or_die(b->fb.phys + b->hhdm, b->fb.phys, b->fb.size,
			   MAP_WRITE | MAP_FRAMEBUFFER);

	/* Regions above 4 GiB, from the firmware's current map. */
	uint64_t size = 0, key, dsize;
	uint32_t dver;

	efi_bs->get_memory_map(&size, NULL, &key, &dsize, &dver);
	size += 8 * dsize;
	uint64_t pages = ALIGN_UP(size, (uint64_t)PAGE_SIZE) / PAGE_SIZE;
	uint8_t *map = (uint8_t *)(uintptr_t)loader_alloc_pages(pages, EFI_LOADER_DATA);

	if (map == NULL || efi_bs->get_memory_map(&size, (void *)map, &key, &dsize, &dver))
		loader_fatal("cannot read the firmware memory map");
	for (uint64_t off = 0; off + dsize <= size; off += dsize) {
		const efi_memory_descriptor *d = (const void *)(map + off);
		uint64_t type = memmap_type(d->type);
		uint64_t base = d->physical_start, end = base + d->number_of_pages * PAGE_SIZE;

		if (end <= four_gib || type == LIMINE_MEMMAP_RESERVED ||
		    type == LIMINE_MEMMAP_BAD_MEMORY)
			continue;
		map_hhdm_range(b, base < four_gib ? four_gib : base, end);
	}
	efi_bs->free_pages((uint64_t)(uintptr_t)map, pages);
}

/* Steps 8 and 9. Nothing may allocate between GetMemoryMap and the jump. */
static __noreturn void exit_boot_services_and_jump(struct kernel_requests *req, struct boot_data *b,
						   uint64_t entry, uint64_t stack_top)
{
	uint64_t size = 0, key, dsize;
	uint32_t dver;

	efi_bs->get_memory_map(&size, NULL, &key, &dsize, &dver);
	/* Room for the descriptors that allocating the buffers below adds. */
	uint64_t capacity = size + 16 * dsize;
	uint8_t *map = (uint8_t *)(uintptr_t)loader_alloc_pages(
		ALIGN_UP(capacity, (uint64_t)PAGE_SIZE) / PAGE_SIZE, KEEL_MEMORY_RECLAIMABLE);
	struct memmap_answer answer;

	if (map == NULL)
		loader_fatal("no memory for the memory map");
	protocol_prepare_memmap(req, capacity / dsize + 2, &answer);
	loader_print("loader: entering the kernel at 0x%llx\n", (unsigned long long)entry);

	/*
	 * ExitBootServices fails with EFI_INVALID_PARAMETER when the map
	 * changed after GetMemoryMap (an event may allocate); take it again.
	 */
	efi_status st = EFI_INVALID_PARAMETER;

	for (int attempt = 0; attempt < 8 && st != EFI_SUCCESS; attempt++) {
		size = capacity;
		if (efi_bs->get_memory_map(&size, (void *)map, &key, &dsize, &dver) != EFI_SUCCESS)
			loader_fatal("cannot read the final memory map");
		if (attempt == 0)
			loader_console_live = false; /* printing could change the map */
		st = efi_bs->exit_boot_services(efi_image, key);
	}
	if (st != EFI_SUCCESS)
		loader_halt(); /* the console is gone; nothing sensible remains */

	if (answer.response != NULL) {
		size_t n = memmap_convert(map, size, dsize, answer.entries, answer.max_entries,
					  b->have_fb ? b->fb.phys : 0, b->have_fb ? b->fb.size : 0);

		if (n == SIZE_MAX)
			loader_halt();
		protocol_answer_memmap(req, &answer, n, b->hhdm);
	}
	mp_start();
	arch_handoff(entry, stack_top);
}

efi_status EFIAPI efi_main(efi_handle image, efi_system_table *st);

efi_status EFIAPI efi_main(efi_handle image, efi_system_table *st)
{
	static struct boot_config cfg;
	static struct boot_data b;
	static struct kernel_requests req;
	uint8_t *image_block;
	char err[160];

	efi_image = image;
	efi_st = st;
	efi_bs = st->boot_services;
	efi_bs->set_watchdog_timer(0, 0, 0, NULL); /* the firmware's 5-minute reset */
	loader_print("Keel loader %s\n", KEEL_VERSION);

	efi_file *root = open_boot_volume();

	read_config(root, &cfg);
	load_kernel(root, &cfg, &b, &image_block);
	load_modules(root, &cfg, &b);

	if (protocol_scan(image_block, b.elf.scan_size, &req, err, sizeof(err)) != 0)
		loader_fatal("%s: %s", cfg.kernel_path, err);
	uint64_t min_mode = req.have_paging_limits ? req.min_paging_mode : 0;
	uint64_t max_mode = req.have_paging_limits ? req.max_paging_mode : UINT64_MAX;

	if (arch_paging_init(min_mode, max_mode, err, sizeof(err)) != 0)
		loader_fatal("%s", err);
	b.hhdm = arch_hhdm_offset();
	b.paging_mode = arch_paging_mode();

	find_config_tables(&b);
	find_framebuffer(&b);
	read_time(&b);
	build_page_tables(&b);

	uint64_t stack = loader_alloc_pages(req.stack_size / PAGE_SIZE, KEEL_MEMORY_RECLAIMABLE);

	if (stack == 0)
		loader_fatal("no memory for the kernel stack");
	protocol_answer(&req, &b);
	mp_prepare(&req, &b);
	if (arch_prepare_handoff(err, sizeof(err)) != 0)
		loader_fatal("%s", err);

	exit_boot_services_and_jump(&req, &b, b.elf.entry, stack + req.stack_size + b.hhdm);
}
