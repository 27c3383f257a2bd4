/*
 * core/vmm.c - the virtual memory manager (include/core/vmm.h).
 *
 * The three layers under a VMM each know one thing: the address_space
 * which pages of the window are taken, the HAL which pages are mapped to
 * which frames, the PMM which frames are taken. The records here tie them
 * together: a record owns a run of window pages, and every mapped page in
 * that run is a frame it owns. Each operation below keeps the three in
 * step, and each failure path puts back exactly what the call had changed.
 *
 * The record table is an array sorted by base address. A fault looks its
 * address up by binary search; an ID is found by a linear scan, which is
 * acceptable for frees and protects, rarer than faults. Insertion and
 * removal shift the tail of the array: O(records), with no allocator.
 */
#include <base/compiler.h>
#include <base/string.h>
#include <core/pmm.h>
#include <core/tlb.h>
#include <core/vmm.h>
#include <hal/paging.h>

#define PAGE VMM_PAGE_SIZE

static const unsigned prot_bits = VMM_READ | VMM_WRITE | VMM_EXEC | VMM_USER;
static const unsigned flag_bits = VMM_LAZY | VMM_GUARD;
static const unsigned access_bits = VMM_FAULT_WRITE | VMM_FAULT_EXEC | VMM_FAULT_USER;

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

size_t vmm_storage_bytes(const struct vmm_config *c)
{
	size_t bitmap = vas_bitmap_bytes(c->size);

	if (bitmap == 0 || c->max_records == 0 ||
	    c->max_records > (SIZE_MAX - round8(bitmap)) / sizeof(struct vmm_record) - 1)
		return 0;
	return round8(bitmap) + round8(c->max_records * sizeof(struct vmm_record));
}

int vmm_init(struct vmm *vmm, const struct vmm_config *c, void *storage, size_t storage_bytes)
{
	size_t need;

	if (vmm == NULL || c == NULL || c->paging == NULL || storage == NULL)
		return VMM_BAD_ARGUMENT;
	need = vmm_storage_bytes(c);
	if (need == 0 || storage_bytes < need || ((uintptr_t)storage & 7) != 0)
		return VMM_BAD_ARGUMENT;
	/* The bitmap first, then the records: vas_init() checks the window. */
	if (vas_init(&vmm->space, c->base, c->size, storage, vas_bitmap_bytes(c->size)) != 0)
		return VMM_BAD_ARGUMENT;
	vas_set_policy(&vmm->space, c->first_fit ? VAS_FIRST_FIT : VAS_NEXT_FIT);
	vmm->space.paging = c->paging;
	vmm->records = (struct vmm_record *)((char *)storage + round8(vas_bitmap_bytes(c->size)));
	vmm->count = 0;
	vmm->capacity = c->max_records;
	vmm->next_id = 1;
	vmm->mapped_pages = 0;
	vmm->user = c->user;
	spin_init(&vmm->lock, "vmm");
	return VMM_OK;
}

/* HAL attributes for a VMM protection (VMM_READ is implicit in the HAL). */
static unsigned hal_attrs(unsigned prot)
{
	return ((prot & VMM_WRITE) ? HAL_MAP_WRITE : 0) | ((prot & VMM_EXEC) ? HAL_MAP_EXEC : 0) |
	       ((prot & VMM_USER) ? HAL_MAP_USER : 0);
}

/* The protection rules shared by vmm_alloc() and vmm_protect(). */
static int check_prot(const struct vmm *vmm, unsigned prot)
{
	if ((prot & ~prot_bits) != 0 || !(prot & VMM_READ))
		return VMM_BAD_ARGUMENT;
	if ((prot & VMM_USER) && !vmm->user)
		return VMM_BAD_ARGUMENT;
	if ((prot & VMM_WRITE) && (prot & VMM_EXEC))
		return VMM_WX_REFUSED;
	return VMM_OK;
}

/* Index of the first record whose base is above va (0..count). */
static size_t upper_bound(const struct vmm *vmm, uint64_t va)
{
	size_t lo = 0, hi = vmm->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (vmm->records[mid].base <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The record containing va, or NULL. */
static struct vmm_record *find_by_va(struct vmm *vmm, uint64_t va)
{
	size_t i = upper_bound(vmm, va);
	struct vmm_record *r;

	if (i == 0)
		return NULL;
	r = &vmm->records[i - 1];
	return va - r->base < r->pages * PAGE ? r : NULL;
}

static struct vmm_record *find_by_id(struct vmm *vmm, uint64_t id)
{
	for (size_t i = 0; i < vmm->count; i++)
		if (vmm->records[i].id == id)
			return &vmm->records[i];
	return NULL;
}

/*
 * Unmap the present pages among `pages` pages at va and free their frames.
 * Unmapping comes first, then every CPU drops its translations
 * (tlb_shootdown), and only then do the frames go back to the PMM, so no
 * CPU can reach a frame the PMM hands to someone else. Frames are freed in
 * batches to pay one shootdown per batch. Returns how many were present.
 */
static size_t release_pages(struct vmm *vmm, uint64_t va, size_t pages, bool own_frames)
{
	enum { BATCH = 32 };
	struct hal_paging *p = vmm->space.paging;
	uint64_t frames[BATCH];
	size_t released = 0, n = 0;
	uint64_t first = 0; /* the first page of the pending batch */

	for (size_t i = 0; i < pages; i++) {
		uint64_t page = va + i * PAGE, phys;

		if (hal_paging_query(p, page, &phys, NULL) &&
		    hal_paging_unmap(p, page, 1) == HAL_PAGING_OK) {
			if (n == 0)
				first = page;
			frames[n++] = phys;
			released++;
		}
		if (n > 0 && (n == BATCH || i + 1 == pages)) {
			tlb_shootdown(p, first, (size_t)((page - first) / PAGE + 1));
			while (n > 0) {
				n--;
				if (own_frames)
					pmm_free_page(frames[n]);
			}
		}
	}
	return released;
}

/* Map one page at va to a new zeroed frame. VMM_OK or VMM_NO_MEMORY (nothing changed). */
static int back_page(struct vmm *vmm, uint64_t va, unsigned prot)
{
	uint64_t phys = pmm_alloc_page();

	if (phys == 0)
		return VMM_NO_MEMORY;
	if (hal_paging_map(vmm->space.paging, va, phys, 1, hal_attrs(prot)) != HAL_PAGING_OK) {
		/*
		 * NO_MEMORY is the only failure expected: the range is ours,
		 * unmapped and in the right half. Any other answer is reported
		 * the same way, as the allocation cannot be backed.
		 */
		pmm_free_page(phys);
		return VMM_NO_MEMORY;
	}
	return VMM_OK;
}

/* Map every page of [va, va + pages) to zeroed frames, or nothing at all. */
static int back_range(struct vmm *vmm, uint64_t va, size_t pages, unsigned prot)
{
	for (size_t i = 0; i < pages; i++) {
		if (back_page(vmm, va + i * PAGE, prot) != VMM_OK) {
			release_pages(vmm, va, i, true);
			return VMM_NO_MEMORY;
		}
	}
	return VMM_OK;
}

/*
 * The body of vmm_alloc() and vmm_alloc_at(): `fixed` says whether *va
 * names the range (no guard page then) or the window picks it.
 */
static int alloc_record(struct vmm *vmm, bool fixed, size_t pages, unsigned prot, unsigned flags,
			uint64_t phys, unsigned phys_attrs, uint64_t *va, uint64_t *id)
{
	unsigned long irq;
	uint64_t base;
	size_t at, guard;
	int status;

	if (pages == 0 || va == NULL || id == NULL || (flags & ~(flag_bits | VMM_PHYS)) != 0 ||
	    (fixed && (flags & VMM_GUARD)))
		return VMM_BAD_ARGUMENT;
	if (fixed &&
	    ((*va & (PAGE - 1)) != 0 || pages > UINT64_MAX / PAGE || *va + pages * PAGE < *va))
		return VMM_BAD_ARGUMENT;
	status = check_prot(vmm, prot);
	if (status != VMM_OK)
		return status;

	irq = spin_lock_irqsave(&vmm->lock);
	if (vmm->count == vmm->capacity) {
		status = VMM_NO_RECORD;
		goto out;
	}
	guard = (flags & VMM_GUARD) ? 1 : 0;
	if (fixed) {
		base = *va;
		if (vas_alloc_at(&vmm->space, base, pages) != 0) {
			status = VMM_NO_VA;
			goto out;
		}
	} else {
		base = vas_alloc(&vmm->space, pages + guard, 1);
		if (base == 0) {
			status = VMM_NO_VA;
			goto out;
		}
		base += guard * PAGE; /* the guard page stays below, reserved and never mapped */
	}
	if (flags & VMM_PHYS) {
		status = hal_paging_map(vmm->space.paging, base, phys, pages,
					hal_attrs(prot) | phys_attrs) == HAL_PAGING_OK
				 ? VMM_OK
				 : VMM_NO_MEMORY;
		if (status != VMM_OK) {
			release_pages(vmm, base, pages,
				      false); /* what was mapped before it failed */
			vas_free(&vmm->space, base - guard * PAGE, pages + guard);
			goto out;
		}
		vmm->mapped_pages += pages;
	} else if (!(flags & VMM_LAZY)) {
		status = back_range(vmm, base, pages, prot);
		if (status != VMM_OK) {
			vas_free(&vmm->space, base - guard * PAGE, pages + guard);
			goto out;
		}
		vmm->mapped_pages += pages;
	}
	/* Keep the table sorted: open a slot before the first record above base. */
	at = upper_bound(vmm, base);
	memmove(&vmm->records[at + 1], &vmm->records[at],
		(vmm->count - at) * sizeof(struct vmm_record));
	vmm->records[at] = (struct vmm_record){
		.id = vmm->next_id++,
		.base = base,
		.pages = pages,
		.present = (flags & VMM_LAZY) ? 0 : pages,
		.prot = prot,
		.flags = flags,
		.phys = (flags & VMM_PHYS) ? phys : 0,
	};
	vmm->count++;
	*va = base;
	*id = vmm->records[at].id;
out:
	spin_unlock_irqrestore(&vmm->lock, irq);
	return status;
}

int vmm_alloc(struct vmm *vmm, size_t pages, unsigned prot, unsigned flags, uint64_t *va,
	      uint64_t *id)
{
	if (flags & VMM_PHYS)
		return VMM_BAD_ARGUMENT;
	return alloc_record(vmm, false, pages, prot, flags, 0, 0, va, id);
}

int vmm_alloc_at(struct vmm *vmm, uint64_t va, size_t pages, unsigned prot, unsigned flags,
		 uint64_t *id)
{
	if (flags & VMM_PHYS)
		return VMM_BAD_ARGUMENT;
	return alloc_record(vmm, true, pages, prot, flags, 0, 0, &va, id);
}

int vmm_map_phys(struct vmm *vmm, uint64_t phys, size_t pages, unsigned prot, bool device,
		 uint64_t *va, uint64_t *id)
{
	if ((phys & (PAGE - 1)) != 0 || pages > UINT64_MAX / PAGE || phys + pages * PAGE < phys ||
	    (prot & VMM_EXEC))
		return VMM_BAD_ARGUMENT;
	return alloc_record(vmm, false, pages, prot, VMM_PHYS, phys, device ? HAL_MAP_DEVICE : 0,
			    va, id);
}

/* Drop record r: its pages, its frames, its addresses, its slot. Lock held. */
static void free_record(struct vmm *vmm, struct vmm_record *r)
{
	size_t at = (size_t)(r - vmm->records);

	vmm->mapped_pages -= release_pages(vmm, r->base, r->pages, !(r->flags & VMM_PHYS));
	if (r->flags & VMM_GUARD)
		vas_free(&vmm->space, r->base - PAGE, r->pages + 1);
	else
		vas_free(&vmm->space, r->base, r->pages);
	memmove(r, r + 1, (vmm->count - at - 1) * sizeof(struct vmm_record));
	vmm->count--;
}

int vmm_free(struct vmm *vmm, uint64_t id)
{
	unsigned long irq = spin_lock_irqsave(&vmm->lock);
	struct vmm_record *r = find_by_id(vmm, id);

	if (r != NULL)
		free_record(vmm, r);
	spin_unlock_irqrestore(&vmm->lock, irq);
	return r != NULL ? VMM_OK : VMM_NOT_FOUND;
}

int vmm_free_at(struct vmm *vmm, uint64_t va)
{
	unsigned long irq = spin_lock_irqsave(&vmm->lock);
	struct vmm_record *r = find_by_va(vmm, va);

	if (r != NULL && r->base != va)
		r = NULL; /* inside an allocation but not its start: a caller bug */
	if (r != NULL)
		free_record(vmm, r);
	spin_unlock_irqrestore(&vmm->lock, irq);
	return r != NULL ? VMM_OK : VMM_NOT_FOUND;
}

int vmm_protect(struct vmm *vmm, uint64_t id, unsigned prot)
{
	unsigned long irq;
	struct vmm_record *r;
	int status = check_prot(vmm, prot);

	if (status != VMM_OK)
		return status;
	irq = spin_lock_irqsave(&vmm->lock);
	r = find_by_id(vmm, id);
	if (r == NULL) {
		status = VMM_NOT_FOUND;
	} else if (r->flags & VMM_PHYS) {
		status = VMM_BAD_ARGUMENT; /* device memory keeps the rights it was mapped with */
	} else {
		/*
		 * Changing attributes allocates nothing, so this cannot fail
		 * half-way. Absent lazy pages need no work: the fault handler
		 * maps them with r->prot, which now holds the new value.
		 */
		for (size_t i = 0; i < r->pages && r->present > 0; i++) {
			uint64_t page = r->base + i * PAGE;

			if (hal_paging_query(vmm->space.paging, page, NULL, NULL))
				hal_paging_protect(vmm->space.paging, page, 1, hal_attrs(prot));
		}
		if (r->present > 0) /* other CPUs may cache the old rights */
			tlb_shootdown(vmm->space.paging, r->base, r->pages);
		r->prot = prot;
	}
	spin_unlock_irqrestore(&vmm->lock, irq);
	return status;
}

/* Whether a record's protection allows the access that faulted. */
static bool access_allowed(unsigned prot, unsigned access)
{
	if ((access & VMM_FAULT_WRITE) && !(prot & VMM_WRITE))
		return false;
	if ((access & VMM_FAULT_EXEC) && !(prot & VMM_EXEC))
		return false;
	if ((access & VMM_FAULT_USER) && !(prot & VMM_USER))
		return false;
	return true;
}

int vmm_handle_fault(struct vmm *vmm, uint64_t va, unsigned access)
{
	unsigned long irq;
	struct vmm_record *r;
	uint64_t page = va & ~(PAGE - 1);
	int status;

	if ((access & ~access_bits) != 0)
		return VMM_BAD_ARGUMENT;
	irq = spin_lock_irqsave(&vmm->lock);
	r = find_by_va(vmm, va);
	if (r == NULL) {
		status = VMM_NOT_FOUND;
	} else if (!(r->flags & VMM_LAZY) || !access_allowed(r->prot, access)) {
		status = VMM_ACCESS_DENIED;
	} else if (hal_paging_query(vmm->space.paging, page, NULL, NULL)) {
		/*
		 * Present and allowed: the translation that faulted is stale
		 * (a protect that widened access, or another CPU's fault on
		 * the same page). The tables are right; only the TLB is not.
		 */
		hal_paging_flush(page, 1);
		status = VMM_OK;
	} else {
		status = back_page(vmm, page, r->prot);
		if (status == VMM_OK) {
			r->present++;
			vmm->mapped_pages++;
			/*
			 * Some architectures may cache the invalid translation
			 * that faulted (LoongArch's software refill loads it
			 * into the TLB); without this flush the retry could
			 * fault again on the old entry.
			 */
			hal_paging_flush(page, 1);
		}
	}
	spin_unlock_irqrestore(&vmm->lock, irq);
	return status;
}

int vmm_query(struct vmm *vmm, uint64_t va, struct vmm_info *out)
{
	unsigned long irq;
	struct vmm_record *r;
	int status = VMM_OK;

	if (out == NULL)
		return VMM_BAD_ARGUMENT;
	irq = spin_lock_irqsave(&vmm->lock);
	r = find_by_va(vmm, va);
	if (r == NULL) {
		status = VMM_NOT_FOUND;
	} else {
		out->record = *r;
		out->phys = 0;
		out->present =
			hal_paging_query(vmm->space.paging, va & ~(PAGE - 1), &out->phys, NULL);
	}
	spin_unlock_irqrestore(&vmm->lock, irq);
	return status;
}

struct vmm_stats vmm_get_stats(struct vmm *vmm)
{
	unsigned long irq = spin_lock_irqsave(&vmm->lock);
	struct vmm_stats s = {
		.records = vmm->count,
		.record_capacity = vmm->capacity,
		.mapped_pages = vmm->mapped_pages,
		.reserved_pages = vas_total_pages(&vmm->space) - vas_free_pages(&vmm->space),
		.free_pages = vas_free_pages(&vmm->space),
	};

	spin_unlock_irqrestore(&vmm->lock, irq);
	return s;
}

void vmm_destroy(struct vmm *vmm)
{
	unsigned long irq = spin_lock_irqsave(&vmm->lock);

	/* From the end, so that free_record() has nothing to shift. */
	while (vmm->count > 0)
		free_record(vmm, &vmm->records[vmm->count - 1]);
	vmm->capacity = 0; /* any later vmm_alloc() answers VMM_NO_RECORD */
	vmm->space.paging = NULL;
	spin_unlock_irqrestore(&vmm->lock, irq);
}

const char *vmm_status_name(int status)
{
	static const char *const names[] = {
		[VMM_OK] = "OK",
		[VMM_BAD_ARGUMENT] = "BAD_ARGUMENT",
		[VMM_WX_REFUSED] = "WX_REFUSED",
		[VMM_NO_VA] = "NO_VA",
		[VMM_NO_MEMORY] = "NO_MEMORY",
		[VMM_NO_RECORD] = "NO_RECORD",
		[VMM_NOT_FOUND] = "NOT_FOUND",
		[VMM_ACCESS_DENIED] = "ACCESS_DENIED",
	};

	if (status < 0 || (size_t)status >= ARRAY_SIZE(names))
		return "UNKNOWN";
	return names[status];
}
