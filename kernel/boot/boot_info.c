/*
 * kernel/boot/boot_info.c - adapt the Limine responses into struct boot_info.
 *
 * Responses live in BOOTLOADER_RECLAIMABLE memory, which the memory manager
 * will hand out once boot is over; everything needed later is copied into
 * kernel_boot_info, in .bss. Pointers in responses are HHDM addresses, so
 * the HHDM response is checked first and used to validate the others.
 */
#include "boot.h"

#include <base/string.h>
#include <core/log.h>
#include <kernel/panic.h>

static struct boot_info kernel_boot_info;

const struct boot_info *boot_info(void)
{
	return &kernel_boot_info;
}

/* Is p a plausible HHDM pointer to `size` bytes? */
static bool in_hhdm(const volatile void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p;

	return a >= kernel_boot_info.hhdm_offset && a + size >= a && a % 8 == 0;
}

/* Copy a loader string, bounded; a missing one is "". */
static void copy_string(char *dst, size_t size, const char *src)
{
	if (src == NULL || !in_hhdm(src, 1)) {
		dst[0] = '\0';
		return;
	}
	strlcpy(dst, src, size);
}

static enum boot_mem_type mem_type(uint64_t t)
{
	switch (t) {
	case LIMINE_MEMMAP_USABLE:
		return BOOT_MEM_USABLE;
	case LIMINE_MEMMAP_ACPI_RECLAIMABLE:
		return BOOT_MEM_ACPI_RECLAIMABLE;
	case LIMINE_MEMMAP_ACPI_NVS:
		return BOOT_MEM_ACPI_NVS;
	case LIMINE_MEMMAP_BAD_MEMORY:
		return BOOT_MEM_BAD;
	case LIMINE_MEMMAP_BOOTLOADER_RECLAIMABLE:
		return BOOT_MEM_BOOTLOADER_RECLAIMABLE;
	case LIMINE_MEMMAP_KERNEL_AND_MODULES:
		return BOOT_MEM_KERNEL_AND_MODULES;
	case LIMINE_MEMMAP_FRAMEBUFFER:
		return BOOT_MEM_FRAMEBUFFER;
	default: /* RESERVED, and types newer than this kernel: never touch */
		return BOOT_MEM_RESERVED;
	}
}

static void adapt_memmap(void)
{
	const struct limine_memmap_response *r = req_memmap.response;

	if (r == NULL)
		panic("boot: the loader gave no memory map (memmap request unanswered)");
	if (!in_hhdm(r, sizeof(*r)) || !in_hhdm(r->entries, r->entry_count * sizeof(void *)))
		panic("boot: memory map response at %p is not in the direct map", (const void *)r);
	if (r->entry_count == 0 || r->entry_count > BOOT_MEMMAP_MAX)
		panic("boot: memory map has %llu entries (1..%d supported)",
		      (unsigned long long)r->entry_count, BOOT_MEMMAP_MAX);
	for (uint64_t i = 0; i < r->entry_count; i++) {
		const struct limine_memmap_entry *e = r->entries[i];

		if (!in_hhdm(e, sizeof(*e)))
			panic("boot: memory map entry %llu at %p is not in the direct map",
			      (unsigned long long)i, (const void *)e);
		kernel_boot_info.memmap[i] = (struct boot_mem_region){ .base = e->base,
								       .length = e->length,
								       .type = mem_type(e->type) };
	}
	kernel_boot_info.memmap_count = r->entry_count;
}

static void adapt_modules(void)
{
	const struct limine_module_response *r = req_module.response;

	if (r == NULL)
		return; /* no modules */
	if (r->module_count > BOOT_MODULES_MAX)
		panic("boot: %llu modules (at most %d supported)",
		      (unsigned long long)r->module_count, BOOT_MODULES_MAX);
	for (uint64_t i = 0; i < r->module_count; i++) {
		const struct limine_file *f = r->modules[i];
		struct boot_module *m = &kernel_boot_info.modules[i];

		if (!in_hhdm(f, sizeof(*f)))
			panic("boot: module %llu descriptor is not in the direct map",
			      (unsigned long long)i);
		m->phys = (uint64_t)(uintptr_t)f->address - kernel_boot_info.hhdm_offset;
		m->size = f->size;
		copy_string(m->path, sizeof(m->path), f->path);
		copy_string(m->cmdline, sizeof(m->cmdline), f->cmdline);
	}
	kernel_boot_info.module_count = r->module_count;
}

static void adapt_cmdline(void)
{
	/* Newer loaders answer the command-line request; Limine 8.2.0 only the file one. */
	const struct limine_executable_cmdline_response *c = req_cmdline.response;
	const struct limine_executable_file_response *f = req_executable_file.response;

	if (c != NULL && in_hhdm(c, sizeof(*c)))
		copy_string(kernel_boot_info.cmdline, BOOT_CMDLINE_MAX, c->cmdline);
	else if (f != NULL && in_hhdm(f, sizeof(*f)) && in_hhdm(f->executable_file, 1))
		copy_string(kernel_boot_info.cmdline, BOOT_CMDLINE_MAX,
			    f->executable_file->cmdline);
}

/*
 * The CPUs: the boot CPU first, identified by the response's BSP ID. The
 * parked CPUs' info structures stay where they are (reclaimable memory)
 * until boot_cpu_start() releases them.
 */
static void adapt_cpus(void)
{
	struct boot_info *bi = &kernel_boot_info;
	const struct limine_mp_response *mp = req_mp.response;

	bi->cpus[0] = (struct boot_cpu){ .bsp = true };
	bi->cpu_count = 1;
	if (mp == NULL || !in_hhdm(mp, sizeof(*mp)) || !in_hhdm(mp->cpus, sizeof(void *)))
		return;
	bi->cpus[0].hw_id = mp->bsp_hw_id;
	for (uint64_t i = 0; i < mp->cpu_count; i++) {
		struct limine_mp_info *info = mp->cpus[i];

		if (!in_hhdm(info, sizeof(*info)))
			panic("boot: MP response entry %llu is not a direct-map address",
			      (unsigned long long)i);
		if (info->hw_id == mp->bsp_hw_id) {
			bi->cpus[0].processor_id = info->processor_id;
			continue;
		}
		if (bi->cpu_count == BOOT_CPUS_MAX) {
			log_warn("boot: more than %d CPUs; the others stay parked\n",
				 BOOT_CPUS_MAX);
			break;
		}
		bi->cpus[bi->cpu_count++] = (struct boot_cpu){
			.hw_id = info->hw_id,
			.processor_id = info->processor_id,
			.handle = info,
		};
	}
}

void boot_cpu_start(const struct boot_cpu *cpu, const void *entry, struct hal_cpu_start *start)
{
	struct limine_mp_info *info = cpu->handle;

	info->extra_argument = (uint64_t)(uintptr_t)start;
	/* Release: the CPU may read extra_argument once it sees goto_address. */
	__atomic_store_n((uintptr_t *)&info->goto_address, (uintptr_t)entry, __ATOMIC_RELEASE);
}

void boot_info_adapt(void)
{
	struct boot_info *bi = &kernel_boot_info;

	/* The tag's word 2 is 0 once a loader accepted the revision we asked for. */
	if (limine_base_revision[2] != 0)
		panic("boot: the loader does not support base revision %d",
		      LIMINE_BASE_REVISION_SUPPORTED);
	if (req_hhdm.response == NULL)
		panic("boot: the loader gave no direct map (hhdm request unanswered)");
	bi->hhdm_offset = req_hhdm.response->offset;
	if (bi->hhdm_offset == 0 || bi->hhdm_offset % 4096 != 0 ||
	    bi->hhdm_offset >= UINT64_C(0xffffffff80000000))
		panic("boot: direct map offset 0x%llx is not a page-aligned higher-half address",
		      (unsigned long long)bi->hhdm_offset);

	const struct limine_executable_address_response *ka = req_executable_address.response;

	if (ka == NULL || !in_hhdm(ka, sizeof(*ka)))
		panic("boot: the loader gave no kernel address (executable address request)");
	bi->kernel_phys = ka->physical_base;
	bi->kernel_virt = ka->virtual_base;

	adapt_memmap();
	adapt_modules();
	adapt_cmdline();
	adapt_cpus();

	if (req_rsdp.response != NULL && in_hhdm(req_rsdp.response, 16))
		bi->rsdp_phys = (uint64_t)(uintptr_t)req_rsdp.response->address - bi->hhdm_offset;
	if (req_dtb.response != NULL && in_hhdm(req_dtb.response, 16))
		bi->dtb_phys = (uint64_t)(uintptr_t)req_dtb.response->dtb_ptr - bi->hhdm_offset;
	if (req_firmware_type.response != NULL)
		bi->uefi = req_firmware_type.response->firmware_type == LIMINE_FIRMWARE_TYPE_UEFI64;
	if (req_boot_time.response != NULL)
		bi->boot_time = req_boot_time.response->boot_time;

	const struct limine_framebuffer_response *fb = req_framebuffer.response;

	if (fb != NULL && in_hhdm(fb, sizeof(*fb)) && fb->framebuffer_count > 0) {
		const struct limine_framebuffer *f = fb->framebuffers[0];

		bi->have_framebuffer = true;
		bi->framebuffer = (struct boot_framebuffer){
			.phys = (uint64_t)(uintptr_t)f->address - bi->hhdm_offset,
			.width = f->width,
			.height = f->height,
			.pitch = f->pitch,
			.bpp = f->bpp,
			.red_size = f->red_mask_size,
			.red_shift = f->red_mask_shift,
			.green_size = f->green_mask_size,
			.green_shift = f->green_mask_shift,
			.blue_size = f->blue_mask_size,
			.blue_shift = f->blue_mask_shift,
		};
	}
	const struct limine_bootloader_info_response *li = req_bootloader_info.response;

	if (li != NULL && in_hhdm(li, sizeof(*li))) {
		copy_string(bi->loader_name, sizeof(bi->loader_name), li->name);
		copy_string(bi->loader_version, sizeof(bi->loader_version), li->version);
	}
}

bool boot_cmdline_get(const char *key, char *buf, size_t size)
{
	const char *s = kernel_boot_info.cmdline;
	size_t klen = strlen(key);

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		const char *word = s;

		while (*s != '\0' && *s != ' ')
			s++;
		size_t wlen = (size_t)(s - word);

		if (wlen < klen || memcmp(word, key, klen) != 0)
			continue;
		if (wlen == klen) {
			if (size == 0)
				return false;
			buf[0] = '\0';
			return true;
		}
		if (word[klen] != '=')
			continue;
		size_t vlen = wlen - klen - 1;

		if (vlen >= size)
			return false;
		memcpy(buf, word + klen + 1, vlen);
		buf[vlen] = '\0';
		return true;
	}
	return false;
}

const struct boot_module *boot_module_find(const char *file)
{
	size_t flen = strlen(file);

	for (size_t i = 0; i < kernel_boot_info.module_count; i++) {
		const struct boot_module *m = &kernel_boot_info.modules[i];
		size_t plen = strlen(m->path);

		if (plen >= flen && strcmp(m->path + plen - flen, file) == 0 &&
		    (plen == flen || m->path[plen - flen - 1] == '/'))
			return m;
	}
	return NULL;
}
