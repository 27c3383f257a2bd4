/*
 * boot/loader/protocol.c - find the kernel's Limine requests and answer them.
 *
 * Requests are found by content, not by section name: any 8-byte aligned
 * spot of the loaded image whose first two words are the common magic is a
 * request, identified by its words 2 and 3. A request the loader does not
 * implement keeps its NULL response, which is how the kernel learns.
 */
#include "protocol.h"

#include "loader.h"

#include <base/printf.h>
#include <base/string.h>

#define MIN_STACK_SIZE UINT64_C(65536)

static bool words_are(const uint64_t *w, uint64_t a, uint64_t b)
{
	return w[0] == a && w[1] == b;
}

/* Does request q carry the feature ID (w2, w3)? Use with LIMINE_*_ID. */
static bool id_is(const uint64_t *q, uint64_t w2, uint64_t w3)
{
	return q[2] == w2 && q[3] == w3;
}

static bool is_start_marker(const uint64_t *w)
{
	return words_are(w, LIMINE_REQUESTS_START_0, LIMINE_REQUESTS_START_1) &&
	       words_are(w + 2, LIMINE_REQUESTS_START_2, LIMINE_REQUESTS_START_3);
}

int protocol_scan(uint8_t *image, size_t scan_size, struct kernel_requests *r, char *err,
		  size_t err_size)
{
	uint64_t *w = (uint64_t *)(void *)image;
	size_t nwords = scan_size / 8;
	bool have_tag = false;

	memset(r, 0, sizeof(*r));
	r->stack_size = MIN_STACK_SIZE;
	for (size_t i = 0; i + 1 < nwords; i++) {
		if (i + 3 < nwords && is_start_marker(&w[i])) {
			r->count = 0; /* the last start marker wins */
			i += 3;
			continue;
		}
		if (words_are(&w[i], LIMINE_REQUESTS_END_0, LIMINE_REQUESTS_END_1))
			break;
		if (i + 2 < nwords &&
		    words_are(&w[i], LIMINE_BASE_REVISION_0, LIMINE_BASE_REVISION_1)) {
			if (have_tag) {
				snprintf(err, err_size, "two base revision tags in the kernel");
				return -1;
			}
			have_tag = true;
			uint64_t wanted = w[i + 2];

			if (wanted <= LIMINE_BASE_REVISION_SUPPORTED) {
				r->base_revision = wanted;
				w[i + 2] = 0; /* "supported" */
			} else {
				r->base_revision = LIMINE_BASE_REVISION_SUPPORTED;
			}
			i += 2;
			continue;
		}
		if (i + 5 < nwords &&
		    words_are(&w[i], LIMINE_COMMON_MAGIC_0, LIMINE_COMMON_MAGIC_1)) {
			for (size_t j = 0; j < r->count; j++) {
				if (r->found[j][2] == w[i + 2] && r->found[j][3] == w[i + 3]) {
					snprintf(err, err_size,
						 "two kernel requests with the ID %016llx %016llx",
						 (unsigned long long)w[i + 2],
						 (unsigned long long)w[i + 3]);
					return -1;
				}
			}
			if (r->count == PROTOCOL_MAX_REQUESTS) {
				snprintf(err, err_size, "more than %d kernel requests",
					 PROTOCOL_MAX_REQUESTS);
				return -1;
			}
			r->found[r->count++] = &w[i];
			i += 5; /* id[4], revision, response */
		}
	}
	if (r->base_revision == 0) {
		/*
		 * Revision 0 (no tag, or a tag asking for 0) means an identity
		 * map of low memory and a different request discovery, which
		 * this loader does not implement.
		 */
		snprintf(err, err_size,
			 "kernel uses base revision 0 (no base revision tag); "
			 "this loader needs revision 1 or 2");
		return -1;
	}

	/* Requests that shape the boot itself rather than being answered. */
	for (size_t j = 0; j < r->count; j++) {
		uint64_t *q = r->found[j];

		if (id_is(q, LIMINE_STACK_SIZE_ID)) {
			const struct limine_stack_size_request *s = (const void *)q;

			if (s->stack_size > r->stack_size)
				r->stack_size = ALIGN_UP(s->stack_size, (uint64_t)PAGE_SIZE);
		} else if (id_is(q, LIMINE_PAGING_MODE_ID)) {
			const struct limine_paging_mode_request *p = (const void *)q;

			r->have_paging_limits = true;
			/* Request revision 0 has only `mode`: it is the maximum. */
			r->max_paging_mode = p->revision >= 1 ? p->max_mode : p->mode;
			r->min_paging_mode = p->revision >= 1 ? p->min_mode : 0;
		} else if (id_is(q, LIMINE_MEMMAP_ID)) {
			r->memmap = (struct limine_memmap_request *)(void *)q;
		}
	}
	return 0;
}

/* The HHDM address of an object the loader allocated (identity-mapped now). */
static void *hhdm_ptr(const struct boot_data *b, const void *p)
{
	return p == NULL ? NULL : (void *)((uintptr_t)p + b->hhdm);
}

static struct limine_file *make_file(const struct boot_data *b, const struct loaded_file *f)
{
	struct limine_file *lf = loader_arena_alloc(sizeof(*lf));

	lf->address = (void *)(uintptr_t)(f->phys + b->hhdm);
	lf->size = f->size;
	lf->path = hhdm_ptr(b, loader_arena_strdup(f->path));
	lf->cmdline = hhdm_ptr(b, loader_arena_strdup(f->cmdline));
	lf->media_type = LIMINE_MEDIA_TYPE_OPTICAL; /* kernel.iso */
	return hhdm_ptr(b, lf);
}

/* Allocate a zeroed response of `size` bytes and link it into request q. */
static void *respond(const struct boot_data *b, uint64_t *q, size_t size)
{
	void *resp = loader_arena_alloc(size);

	q[5] = (uint64_t)(uintptr_t)hhdm_ptr(b, resp);
	return resp;
}

static void answer_one(uint64_t *q, const struct boot_data *b)
{
	if (id_is(q, LIMINE_BOOTLOADER_INFO_ID)) {
		struct limine_bootloader_info_response *r = respond(b, q, sizeof(*r));

		r->name = hhdm_ptr(b, loader_arena_strdup("Keel loader"));
		r->version = hhdm_ptr(b, loader_arena_strdup(KEEL_VERSION));
	} else if (id_is(q, LIMINE_EXECUTABLE_CMDLINE_ID)) {
		struct limine_executable_cmdline_response *r = respond(b, q, sizeof(*r));

		r->cmdline = hhdm_ptr(b, loader_arena_strdup(b->kernel_file.cmdline));
	} else if (id_is(q, LIMINE_FIRMWARE_TYPE_ID)) {
		struct limine_firmware_type_response *r = respond(b, q, sizeof(*r));

		r->firmware_type = LIMINE_FIRMWARE_TYPE_UEFI64;
	} else if (id_is(q, LIMINE_STACK_SIZE_ID)) {
		respond(b, q, sizeof(struct limine_stack_size_response));
	} else if (id_is(q, LIMINE_HHDM_ID)) {
		struct limine_hhdm_response *r = respond(b, q, sizeof(*r));

		r->offset = b->hhdm;
	} else if (id_is(q, LIMINE_FRAMEBUFFER_ID)) {
		if (!b->have_fb)
			return;
		struct limine_framebuffer_response *r = respond(b, q, sizeof(*r));
		struct limine_framebuffer *fb = loader_arena_alloc(sizeof(*fb));
		struct limine_framebuffer **list = loader_arena_alloc(sizeof(*list));

		fb->address = (void *)(uintptr_t)(b->fb.phys + b->hhdm);
		fb->width = b->fb.width;
		fb->height = b->fb.height;
		fb->pitch = b->fb.pitch;
		fb->bpp = b->fb.bpp;
		fb->memory_model = 1; /* RGB */
		fb->red_mask_size = b->fb.red_size;
		fb->red_mask_shift = b->fb.red_shift;
		fb->green_mask_size = b->fb.green_size;
		fb->green_mask_shift = b->fb.green_shift;
		fb->blue_mask_size = b->fb.blue_size;
		fb->blue_mask_shift = b->fb.blue_shift;
		list[0] = hhdm_ptr(b, fb);
		r->framebuffer_count = 1;
		r->framebuffers = hhdm_ptr(b, list);
	} else if (id_is(q, LIMINE_PAGING_MODE_ID)) {
		struct limine_paging_mode_response *r = respond(b, q, sizeof(*r));

		r->mode = b->paging_mode;
	} else if (id_is(q, LIMINE_EXECUTABLE_FILE_ID)) {
		struct limine_executable_file_response *r = respond(b, q, sizeof(*r));

		r->executable_file = make_file(b, &b->kernel_file);
	} else if (id_is(q, LIMINE_MODULE_ID)) {
		if (b->module_count == 0)
			return; /* as Limine 8.2.0: no response without modules */
		struct limine_module_response *r = respond(b, q, sizeof(*r));
		struct limine_file **list = loader_arena_alloc(b->module_count * sizeof(*list));

		for (size_t i = 0; i < b->module_count; i++)
			list[i] = make_file(b, &b->modules[i]);
		r->module_count = b->module_count;
		r->modules = hhdm_ptr(b, list);
	} else if (id_is(q, LIMINE_RSDP_ID)) {
		if (b->rsdp_phys == 0)
			return;
		struct limine_rsdp_response *r = respond(b, q, sizeof(*r));

		r->address = (void *)(uintptr_t)(b->rsdp_phys + b->hhdm);
	} else if (id_is(q, LIMINE_BOOT_TIME_ID)) {
		if (!b->have_time)
			return;
		struct limine_boot_time_response *r = respond(b, q, sizeof(*r));

		r->boot_time = b->boot_time;
	} else if (id_is(q, LIMINE_EXECUTABLE_ADDRESS_ID)) {
		struct limine_executable_address_response *r = respond(b, q, sizeof(*r));

		r->physical_base = b->kernel_phys;
		r->virtual_base = b->elf.base;
	} else if (id_is(q, LIMINE_DTB_ID)) {
		if (b->dtb_phys == 0)
			return;
		struct limine_dtb_response *r = respond(b, q, sizeof(*r));

		r->dtb_ptr = (void *)(uintptr_t)(b->dtb_phys + b->hhdm);
	}
	/* Memory map: answered after ExitBootServices. Others: not implemented. */
}

void protocol_answer(struct kernel_requests *r, const struct boot_data *b)
{
	for (size_t i = 0; i < r->count; i++)
		answer_one(r->found[i], b);
}

void protocol_prepare_memmap(const struct kernel_requests *r, size_t max_entries,
			     struct memmap_answer *a)
{
	memset(a, 0, sizeof(*a));
	if (r->memmap == NULL)
		return;
	a->response = loader_arena_alloc(sizeof(*a->response));
	a->entries = loader_arena_alloc(max_entries * sizeof(*a->entries));
	a->pointers = loader_arena_alloc(max_entries * sizeof(*a->pointers));
	a->max_entries = max_entries;
}

void protocol_answer_memmap(const struct kernel_requests *r, struct memmap_answer *a, size_t count,
			    uint64_t hhdm)
{
	if (r->memmap == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		a->pointers[i] = (void *)((uintptr_t)&a->entries[i] + hhdm);
	a->response->entry_count = count;
	a->response->entries = (void *)((uintptr_t)a->pointers + hhdm);
	r->memmap->response = (void *)((uintptr_t)a->response + hhdm);
}
