/*
 * platforms/pc_x86_64/paging.c - HAL paging contract for x86_64: 4-level page tables.
 *
 * Tables: PML4 -> PDPT -> PD -> PT, 512 eight-byte entries each, one 4 KiB
 * page per table, all taken from the PMM (which hands out zeroed pages, so
 * a new table is empty). Every table is reached through the direct map.
 *
 * The kernel half (PML4 entries 256-511) is shared by construction:
 * hal_paging_init() gives each of those 256 entries its PDPT up front and
 * never changes a PML4 kernel entry again, so a new space only copies them
 * and every later kernel mapping, made through any space, lands in a PDPT
 * that all spaces already point to. The price is 256 PDPTs (1 MiB) once.
 *
 * The lower half (entries 0-255) belongs to one space. Its tables are
 * created by hal_paging_map() and freed only by hal_paging_destroy().
 *
 * A struct hal_paging is the space's PML4 itself, seen through the direct
 * map: there is no kernel heap yet, and this way a space costs exactly its
 * tables and destroy gives every page back.
 *
 * Caching uses the IA32_PAT the loader programmed (the Limine protocol's
 * value): index 0 WB, index 3 UC, index 5 WC. The index of a leaf is
 * PAT:PCD:PWT, where the PAT bit is bit 7 in a 4 KiB PTE and bit 12 in a
 * 2 MiB or 1 GiB leaf (bit 7 there is PS, "this is a leaf").
 */
#include "x86.h"

#include <base/compiler.h>
#include <base/string.h>
#include <core/boot_info.h>
#include <core/log.h>
#include <core/pmm.h>
#include <hal/paging.h>
#include <kernel/panic.h>

#define PTE_P	      (UINT64_C(1) << 0)
#define PTE_W	      (UINT64_C(1) << 1)
#define PTE_U	      (UINT64_C(1) << 2)
#define PTE_PWT	      (UINT64_C(1) << 3)
#define PTE_PCD	      (UINT64_C(1) << 4)
#define PTE_PS	      (UINT64_C(1) << 7) /* PDPTE/PDE: a 1 GiB / 2 MiB leaf */
#define PTE_PAT_4K    (UINT64_C(1) << 7) /* PTE: PAT index bit 2 */
#define PTE_G	      (UINT64_C(1) << 8)
#define PTE_PAT_LARGE (UINT64_C(1) << 12) /* 1 GiB / 2 MiB leaf: PAT index bit 2 */
#define PTE_NX	      (UINT64_C(1) << 63)
#define PTE_ADDR      UINT64_C(0x000ffffffffff000) /* bits 12-51 */

#define PAGE_SIZE  UINT64_C(4096)
#define SIZE_2M	   (UINT64_C(1) << 21)
#define SIZE_1G	   (UINT64_C(1) << 30)
#define SIZE_4G	   (UINT64_C(1) << 32)
#define PHYS_LIMIT (UINT64_C(1) << 52) /* the architectural MAXPHYADDR ceiling */

/* 48-bit canonical halves: everything between them is non-canonical. */
#define LOWER_END   UINT64_C(0x0000800000000000)
#define UPPER_START UINT64_C(0xffff800000000000)

/* Levels, named by the shift of the address bits their index takes. */
#define SHIFT_PML4	 39
#define SHIFT_PDPT	 30
#define SHIFT_PD	 21
#define SHIFT_PT	 12
#define INDEX(va, shift) (((va) >> (shift)) & 511)
#define KERNEL_FIRST	 256 /* the first PML4 entry of the kernel half */

#define MSR_EFER 0xc0000080
#define EFER_NXE (UINT64_C(1) << 11)
#define CR4_PGE	 (UINT64_C(1) << 7)
#define CR4_LA57 (UINT64_C(1) << 12)
#define CPUID_1G (1u << 26) /* CPUID 0x80000001 EDX: 1 GiB pages */

/*
 * Above this many pages, one full flush (globals included) is cheaper
 * than an invlpg per page.
 */
#define FLUSH_ALL_THRESHOLD 256

struct hal_paging {
	uint64_t pml4[512];
};

STATIC_ASSERT(sizeof(struct hal_paging) == 4096, "a space is exactly its PML4 page");

/* How a range of the direct map is cached. Higher values win where regions overlap. */
enum cache {
	CACHE_NONE, /* not mapped */
	CACHE_UC,   /* PAT 3: device memory, holes, firmware-reserved ranges */
	CACHE_WB,   /* PAT 0: RAM */
	CACHE_WC,   /* PAT 5: the framebuffer */
};

static struct hal_paging *kernel_space;
uint64_t x86_kernel_cr3;
static uint64_t hhdm;
static bool has_nx;

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

static uint64_t *table_at(uint64_t phys)
{
	return (uint64_t *)(uintptr_t)(phys + hhdm);
}

static uint64_t space_phys(const struct hal_paging *p)
{
	return (uint64_t)(uintptr_t)p - hhdm;
}

static uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

static void invlpg(uint64_t va)
{
	/* invlpg also drops a global entry for va, so kernel-half pages need nothing more. */
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

/*
 * Leaf flags for HAL attributes. `global` for the kernel half, whose
 * translations are the same in every space and so may survive CR3 writes.
 */
static uint64_t leaf_flags(unsigned attrs, bool global)
{
	uint64_t f = PTE_P;

	if (attrs & HAL_MAP_WRITE)
		f |= PTE_W;
	if (attrs & HAL_MAP_USER)
		f |= PTE_U;
	if (!(attrs & HAL_MAP_EXEC) && has_nx)
		f |= PTE_NX;
	if (attrs & HAL_MAP_DEVICE)
		f |= PTE_PCD | PTE_PWT; /* PAT index 3: UC, no speculative reads */
	if (global)
		f |= PTE_G;
	return f;
}

/* HAL attributes of a leaf (any level: the bits used here sit at the same place). */
static unsigned leaf_attrs(uint64_t e)
{
	unsigned a = 0;

	if (e & PTE_W)
		a |= HAL_MAP_WRITE;
	if (!(e & PTE_NX))
		a |= HAL_MAP_EXEC;
	if (e & PTE_U)
		a |= HAL_MAP_USER;
	if (e & PTE_PCD)
		a |= HAL_MAP_DEVICE;
	return a;
}

/*
 * Is [va, va + pages * 4 KiB) page-aligned and inside one canonical half?
 * *kernel_half tells which half.
 */
static bool range_ok(uint64_t va, size_t pages, bool *kernel_half)
{
	if (va % PAGE_SIZE != 0 || pages > (UINT64_C(1) << 35)) /* a half is 2^35 pages */
		return false;
	uint64_t size = (uint64_t)pages * PAGE_SIZE;

	if (va < LOWER_END) {
		*kernel_half = false;
		return size <= LOWER_END - va;
	}
	if (va >= UPPER_START) {
		*kernel_half = true;
		return size <= 0 - va; /* ends at or below 2^64: no wrap */
	}
	return false;
}

/*
 * The leaf entry that translates va, of whatever size, or NULL when va is
 * not mapped. *shift gets the leaf's level (SHIFT_PT, SHIFT_PD or SHIFT_PDPT).
 */
static uint64_t *find_leaf(struct hal_paging *p, uint64_t va, unsigned *shift)
{
	uint64_t *t = p->pml4;
	unsigned s = SHIFT_PML4;

	for (;;) {
		uint64_t *e = &t[INDEX(va, s)];

		if (!(*e & PTE_P))
			return NULL;
		if (s == SHIFT_PT || (s != SHIFT_PML4 && (*e & PTE_PS))) {
			*shift = s;
			return e;
		}
		t = table_at(*e & PTE_ADDR);
		s -= 9;
	}
}

/*
 * The entry for va at level `leaf_shift`, creating the tables above it.
 * NULL when a table cannot be allocated or a larger leaf is in the way.
 * Intermediate entries allow everything (W, and U in the lower half):
 * the leaf alone decides, so protect() need only touch leaves. Kernel-half
 * intermediates never carry U, a second fence around kernel memory.
 */
static uint64_t *make_entry(struct hal_paging *p, uint64_t va, unsigned leaf_shift, bool *no_mem)
{
	uint64_t *t = p->pml4;
	const uint64_t link = PTE_P | PTE_W | (va < LOWER_END ? PTE_U : 0);

	*no_mem = false;
	for (unsigned s = SHIFT_PML4; s > leaf_shift; s -= 9) {
		uint64_t *e = &t[INDEX(va, s)];

		if (!(*e & PTE_P)) {
			/* Never a kernel PML4 entry: all are present from init on. */
			uint64_t page = pmm_alloc_page();

			if (page == 0) {
				*no_mem = true;
				return NULL;
			}
			*e = page | link;
		} else if (s != SHIFT_PML4 && (*e & PTE_PS)) {
			return NULL;
		}
		t = table_at(*e & PTE_ADDR);
	}
	return &t[INDEX(va, leaf_shift)];
}

/* The whole TLB, global entries included: any change of CR4.PGE drops everything. */
static void flush_all(void)
{
	uint64_t cr4 = read_cr4();

	write_cr4(cr4 ^ CR4_PGE);
	write_cr4(cr4);
}

void hal_paging_flush(uint64_t va, size_t pages)
{
	if (pages > FLUSH_ALL_THRESHOLD) {
		flush_all();
		return;
	}
	for (size_t i = 0; i < pages; i++)
		invlpg(va + i * PAGE_SIZE);
}

int hal_paging_map(struct hal_paging *p, uint64_t va, uint64_t pa, size_t pages, unsigned attrs)
{
	bool kernel_half, no_mem;
	unsigned shift;

	if (!range_ok(va, pages, &kernel_half) || pa % PAGE_SIZE != 0 || pa >= PHYS_LIMIT ||
	    pages > (PHYS_LIMIT - pa) / PAGE_SIZE || (kernel_half && (attrs & HAL_MAP_USER)))
		return HAL_PAGING_BAD_RANGE;
	/* Check everything first, so a refusal changes nothing. */
	for (size_t i = 0; i < pages; i++)
		if (find_leaf(p, va + i * PAGE_SIZE, &shift) != NULL)
			return HAL_PAGING_EXISTS;

	const uint64_t flags = leaf_flags(attrs, kernel_half);

	for (size_t i = 0; i < pages; i++) {
		uint64_t *e = make_entry(p, va + i * PAGE_SIZE, SHIFT_PT, &no_mem);

		if (e == NULL) {
			/*
			 * Only running out of memory gets here (the range was free).
			 * Undo the leaves written so far; the new tables stay, empty,
			 * as the contract allows. Not-present entries are never cached
			 * in the TLB, but the pages were live for a moment: flush.
			 */
			for (size_t j = 0; j < i; j++)
				*find_leaf(p, va + j * PAGE_SIZE, &shift) = 0;
			hal_paging_flush(va, i);
			return no_mem ? HAL_PAGING_NO_MEMORY : HAL_PAGING_EXISTS;
		}
		*e = (pa + i * PAGE_SIZE) | flags;
	}
	/* not-present -> present needs no invalidation on x86. */
	return HAL_PAGING_OK;
}

/*
 * The common check of unmap and protect: every page mapped by a 4 KiB
 * leaf. The direct map's large leaves are refused with BAD_RANGE: splitting
 * them is not needed by anyone yet.
 */
static int check_mapped(struct hal_paging *p, uint64_t va, size_t pages)
{
	bool kernel_half;
	unsigned shift;

	if (!range_ok(va, pages, &kernel_half))
		return HAL_PAGING_BAD_RANGE;
	for (size_t i = 0; i < pages; i++) {
		if (find_leaf(p, va + i * PAGE_SIZE, &shift) == NULL)
			return HAL_PAGING_NOT_MAPPED;
		if (shift != SHIFT_PT)
			return HAL_PAGING_BAD_RANGE;
	}
	return HAL_PAGING_OK;
}

int hal_paging_unmap(struct hal_paging *p, uint64_t va, size_t pages)
{
	unsigned shift;
	int status = check_mapped(p, va, pages);

	if (status != HAL_PAGING_OK)
		return status;
	for (size_t i = 0; i < pages; i++)
		*find_leaf(p, va + i * PAGE_SIZE, &shift) = 0;
	hal_paging_flush(va, pages);
	return HAL_PAGING_OK;
}

int hal_paging_protect(struct hal_paging *p, uint64_t va, size_t pages, unsigned attrs)
{
	unsigned shift;
	int status = check_mapped(p, va, pages);

	if (status != HAL_PAGING_OK)
		return status;
	if (va >= UPPER_START && (attrs & HAL_MAP_USER))
		return HAL_PAGING_BAD_RANGE;

	const uint64_t flags = leaf_flags(attrs, va >= UPPER_START);

	for (size_t i = 0; i < pages; i++) {
		uint64_t *e = find_leaf(p, va + i * PAGE_SIZE, &shift);

		*e = (*e & PTE_ADDR) | flags;
	}
	hal_paging_flush(va, pages);
	return HAL_PAGING_OK;
}

bool hal_paging_query(struct hal_paging *p, uint64_t va, uint64_t *pa, unsigned *attrs)
{
	unsigned shift;
	const uint64_t *e = find_leaf(p, va, &shift);

	if (e == NULL)
		return false;
	/* A large leaf's address field starts at its own size; bit 12 there is PAT. */
	uint64_t size = UINT64_C(1) << shift;

	if (pa != NULL)
		*pa = (*e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
	if (attrs != NULL)
		*attrs = leaf_attrs(*e);
	return true;
}

struct hal_paging *hal_paging_kernel(void)
{
	return kernel_space;
}

int hal_paging_create(struct hal_paging **out)
{
	uint64_t root = pmm_alloc_page();

	if (root == 0)
		return HAL_PAGING_NO_MEMORY;
	struct hal_paging *p = (struct hal_paging *)table_at(root);

	/* The lower half is already empty (zeroed page); the kernel half is shared. */
	memcpy(&p->pml4[KERNEL_FIRST], &kernel_space->pml4[KERNEL_FIRST],
	       (512 - KERNEL_FIRST) * sizeof(uint64_t));
	*out = p;
	return HAL_PAGING_OK;
}

/* Free the table at `phys`, `shift` being the level its entries map, and every table under it. */
static void free_table(uint64_t phys, unsigned shift)
{
	const uint64_t *t = table_at(phys);

	if (shift > SHIFT_PT) {
		for (unsigned i = 0; i < 512; i++)
			if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
				free_table(t[i] & PTE_ADDR, shift - 9);
	}
	pmm_free_page(phys);
}

void hal_paging_destroy(struct hal_paging *p)
{
	/* Only the lower half: the kernel half's tables belong to every space. */
	for (unsigned i = 0; i < KERNEL_FIRST; i++)
		if (p->pml4[i] & PTE_P)
			free_table(p->pml4[i] & PTE_ADDR, SHIFT_PDPT);
	pmm_free_page(space_phys(p));
}

void hal_paging_switch(struct hal_paging *p)
{
	/*
	 * Writing CR3 drops every non-global translation of this CPU: the old
	 * space's user pages go, the kernel's global ones (identical in every
	 * space) stay. No PCIDs are used, so no CPU keeps a stale lower-half
	 * entry of a space it switched away from; translations other CPUs
	 * cache while running a space are the shootdown's business.
	 */
	__asm__ volatile("mov %0, %%cr3" ::"r"(space_phys(p)) : "memory");
}

/* ---------------------------------------------------------------- init */

/* Leaf flags of the direct map for a cache type at a leaf of `size`. */
static uint64_t direct_flags(enum cache c, uint64_t size)
{
	uint64_t f = PTE_P | PTE_W | PTE_G | (has_nx ? PTE_NX : 0);

	if (c == CACHE_UC)
		f |= PTE_PCD | PTE_PWT; /* PAT 3 */
	else if (c == CACHE_WC)
		f |= PTE_PWT | (size == PAGE_SIZE ? PTE_PAT_4K : PTE_PAT_LARGE); /* PAT 5 */
	if (size != PAGE_SIZE)
		f |= PTE_PS;
	return f;
}

/*
 * Map [pa, end) at pa + hhdm into the kernel space with the largest leaves
 * that both addresses' alignment and the remaining length allow.
 */
static int map_direct(uint64_t pa, uint64_t end, enum cache c, bool has_1g)
{
	static const char *const names[] = { "none", "UC", "WB", "WC" };
	bool no_mem;

	log_debug("paging: direct map %016llx-%016llx %s\n", (unsigned long long)pa,
		  (unsigned long long)end, names[c]);
	while (pa < end) {
		uint64_t va = pa + hhdm, size = PAGE_SIZE;
		unsigned shift = SHIFT_PT;

		if (has_1g && (va | pa) % SIZE_1G == 0 && end - pa >= SIZE_1G) {
			size = SIZE_1G;
			shift = SHIFT_PDPT;
		} else if ((va | pa) % SIZE_2M == 0 && end - pa >= SIZE_2M) {
			size = SIZE_2M;
			shift = SHIFT_PD;
		}
		uint64_t *e = make_entry(kernel_space, va, shift, &no_mem);

		if (e == NULL)
			return no_mem ? HAL_PAGING_NO_MEMORY : HAL_PAGING_EXISTS;
		*e = pa | direct_flags(c, size);
		pa += size;
	}
	return HAL_PAGING_OK;
}

/* How the memory map says a region's pages are cached (CACHE_NONE: left out). */
static enum cache region_cache(enum boot_mem_type type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
	case BOOT_MEM_BOOTLOADER_RECLAIMABLE:
	case BOOT_MEM_KERNEL_AND_MODULES:
	case BOOT_MEM_ACPI_RECLAIMABLE:
	case BOOT_MEM_ACPI_NVS:
		return CACHE_WB;
	case BOOT_MEM_FRAMEBUFFER:
		return CACHE_WC;
	case BOOT_MEM_RESERVED:
		return CACHE_UC; /* may be MMIO (APICs, PCIe config space): never cache it */
	case BOOT_MEM_BAD:
	default:
		return CACHE_NONE;
	}
}

/* A region's pages, rounded outwards and clipped to what the direct map can hold. */
static void region_pages(const struct boot_mem_region *r, uint64_t *base, uint64_t *end)
{
	const uint64_t limit = PHYS_LIMIT;
	uint64_t e = r->length > limit - MIN(r->base, limit) ? limit : r->base + r->length;

	*base = ALIGN_DOWN(MIN(r->base, limit), PAGE_SIZE);
	*end = MIN(ALIGN_UP(e, PAGE_SIZE), limit);
}

/*
 * The direct map. The first 4 GiB are mapped whole, as the loader does,
 * because firmware tables and MMIO that the memory map may not list live
 * there; above that, only the regions of the memory map. Each page gets
 * the strongest claim on it: WC (framebuffer) over WB (any kind of RAM)
 * over UC (reserved ranges and the holes below 4 GiB, where devices sit),
 * so RAM is never mapped uncached next to its cached alias in the kernel
 * image, and MMIO never cached. BAD memory above 4 GiB is left out.
 *
 * Method: cut [0, top) at every region boundary; between two cuts the
 * claim is constant. At most 2 * BOOT_MEMMAP_MAX + 2 cuts.
 */
static int map_direct_all(const struct boot_info *bi, bool has_1g)
{
	static uint64_t cuts[2 * BOOT_MEMMAP_MAX + 2];
	size_t n = 0;

	cuts[n++] = 0;
	cuts[n++] = SIZE_4G;
	for (size_t i = 0; i < bi->memmap_count; i++) {
		uint64_t base, end;

		if (region_cache(bi->memmap[i].type) == CACHE_NONE)
			continue;
		region_pages(&bi->memmap[i], &base, &end);
		cuts[n++] = base;
		cuts[n++] = end;
	}
	/* Insertion sort: a few hundred entries, once. */
	for (size_t i = 1; i < n; i++) {
		uint64_t v = cuts[i];
		size_t j = i;

		for (; j > 0 && cuts[j - 1] > v; j--)
			cuts[j] = cuts[j - 1];
		cuts[j] = v;
	}

	uint64_t run_start = 0;
	enum cache run = CACHE_NONE;

	for (size_t i = 0; i + 1 < n; i++) {
		uint64_t a = cuts[i], b = cuts[i + 1];
		enum cache c = b <= SIZE_4G ? CACHE_UC : CACHE_NONE;

		if (a == b)
			continue;
		for (size_t k = 0; k < bi->memmap_count; k++) {
			uint64_t base, end;
			enum cache rc = region_cache(bi->memmap[k].type);

			region_pages(&bi->memmap[k], &base, &end);
			if (base <= a && b <= end && rc > c)
				c = rc;
		}
		/* Extend the current run, or map it and start another. */
		if (c != run) {
			if (run != CACHE_NONE) {
				int s = map_direct(run_start, a, run, has_1g);

				if (s != HAL_PAGING_OK)
					return s;
			}
			run = c;
			run_start = a;
		}
	}
	/* The last cut is the highest end of all: it closes the last run. */
	return run == CACHE_NONE ? HAL_PAGING_OK : map_direct(run_start, cuts[n - 1], run, has_1g);
}

/* Map [start, end) of the kernel image at its link address, 4 KiB pages. */
static int map_image(const struct boot_info *bi, const char *start, const char *end, unsigned attrs)
{
	uint64_t va = (uint64_t)(uintptr_t)start;
	size_t pages = (ALIGN_UP((uint64_t)(uintptr_t)end, PAGE_SIZE) - va) / PAGE_SIZE;

	return hal_paging_map(kernel_space, va, bi->kernel_phys + (va - bi->kernel_virt), pages,
			      attrs);
}

int hal_paging_init(const struct boot_info *bi)
{
	uint32_t a, b, c, d;
	bool has_1g = false;
	int s;

	/* The loader chose 4-level paging (the protocol's default); this code knows no other. */
	if (read_cr4() & CR4_LA57)
		panic("paging: 5-level paging is on; only 4-level is implemented");
	hhdm = bi->hhdm_offset;
	__asm__ volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(MSR_EFER));
	has_nx = a & EFER_NXE; /* NX is a reserved bit, faulting, without EFER.NXE */
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000), "c"(0));
	if (a >= 0x80000001) {
		__asm__ volatile("cpuid"
				 : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
				 : "a"(0x80000001), "c"(0));
		has_1g = d & CPUID_1G;
	}

	uint64_t root = pmm_alloc_page();

	if (root == 0)
		return HAL_PAGING_NO_MEMORY;
	kernel_space = (struct hal_paging *)table_at(root);
	/* The kernel half's PDPTs, before anything else: see the header comment. */
	for (unsigned i = KERNEL_FIRST; i < 512; i++) {
		uint64_t pdpt = pmm_alloc_page();

		if (pdpt == 0)
			return HAL_PAGING_NO_MEMORY;
		kernel_space->pml4[i] = pdpt | PTE_P | PTE_W;
	}

	s = map_image(bi, __text_start, __text_end, HAL_MAP_EXEC);
	if (s == HAL_PAGING_OK)
		s = map_image(bi, __rodata_start, __rodata_end, 0);
	if (s == HAL_PAGING_OK)
		s = map_image(bi, __data_start, __kernel_end, HAL_MAP_WRITE);
	if (s == HAL_PAGING_OK)
		s = map_direct_all(bi, has_1g);
	if (s == HAL_PAGING_NO_MEMORY)
		return s;
	if (s != HAL_PAGING_OK)
		panic("paging: the kernel image and the direct map overlap (status %d)", s);

	/*
	 * Kernel leaves are global, so they survive the CR3 writes of space
	 * switches; that needs CR4.PGE. Turning it on before the switch keeps
	 * the loader's (non-global) entries flushable by the CR3 write below.
	 */
	write_cr4(read_cr4() | CR4_PGE);
	hal_paging_switch(kernel_space);
	x86_kernel_cr3 = root;
	/* The loader's global entries, if it made any, go too. */
	flush_all();
	x86_gdt_load_boot(); /* the loader's GDT is reclaimable memory */
	return HAL_PAGING_OK;
}

volatile void *x86_mmio(uint64_t pa, size_t size)
{
	uint64_t first = ALIGN_DOWN(pa, PAGE_SIZE), end = ALIGN_UP(pa + size, PAGE_SIZE);

	for (uint64_t page = first; page < end; page += PAGE_SIZE) {
		uint64_t got;
		unsigned attrs;

		if (hal_paging_query(kernel_space, page + hhdm, &got, &attrs)) {
			if (!(attrs & HAL_MAP_DEVICE))
				panic("paging: device registers at 0x%llx are mapped cacheable",
				      (unsigned long long)page);
			continue;
		}
		/* Above 4 GiB the direct map holds only the memory map's regions: add the page. */
		if (hal_paging_map(kernel_space, page + hhdm, page, 1,
				   HAL_MAP_WRITE | HAL_MAP_DEVICE) != HAL_PAGING_OK)
			panic("paging: cannot map device registers at 0x%llx",
			      (unsigned long long)page);
	}
	return (volatile void *)(uintptr_t)(pa + hhdm);
}
