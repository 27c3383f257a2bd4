/*
 * platforms/pc_aarch64/paging.c - HAL paging for aarch64: 4 KiB granule, 48-bit, 4 levels.
 *
 * The translation regime has two roots. TTBR1_EL1 translates the upper half
 * (0xffff000000000000 and up): one tree, built by hal_paging_init() and
 * never replaced, so every space shares the kernel half by construction
 * and nothing has to be copied between trees. TTBR0_EL1 translates the lower
 * half (below 2^48) and belongs to the current space. A struct hal_paging
 * is therefore nothing more than a level-0 table for TTBR0: the space *is*
 * its root table, reached through the direct map. The kernel's own space is
 * such a table too, empty unless someone maps lower-half pages into it.
 *
 * Levels: level 0 resolves VA bits 47:39, level 1 bits 38:30 (a block there
 * maps 1 GiB), level 2 bits 29:21 (2 MiB blocks), level 3 bits 20:12 (4 KiB
 * pages). Blocks appear only in the direct map; everything mapped through
 * hal_paging_map() is a 4 KiB page.
 *
 * Memory types come from MAIR_EL1. The loader defined slot 0 (Normal
 * write-back) and slot 1 (the framebuffer's Normal non-cacheable); we keep
 * both and put Device-nGnRE into slot 2, which no mapping used before.
 *
 * Every page-table page comes from the PMM (zeroed) and is written through
 * the direct map. The functions do not lock (see include/hal/paging.h), and
 * TLB maintenance is local to this CPU (the non-broadcast tlbi forms).
 */
#include <base/compiler.h>
#include <core/boot_info.h>
#include <core/log.h>
#include <core/pmm.h>
#include <hal/paging.h>

#include "platform.h"

#define PAGE_SIZE  UINT64_C(4096)
#define PAGE_SHIFT 12
#define ENTRIES	   512

/* Stage 1 descriptor bits (4 KiB granule). */
#define DESC_VALID     (UINT64_C(1) << 0)
#define DESC_TABLE     (UINT64_C(1) << 1)   /* levels 0-2: next-level table; level 3: page */
#define DESC_PAGE      DESC_TABLE	    /* a level-3 leaf has bits 1:0 = 11 ... */
#define DESC_BLOCK     0		    /* ... a level-1 or level-2 leaf has 01 */
#define DESC_ATTR(i)   ((uint64_t)(i) << 2) /* AttrIndx[2:0]: a MAIR_EL1 slot */
#define DESC_ATTR_MASK DESC_ATTR(7)
#define DESC_AP_EL0    (UINT64_C(1) << 6) /* AP[1]: EL0 may access the page */
#define DESC_AP_RO     (UINT64_C(1) << 7) /* AP[2]: read-only (at EL1 and EL0) */
#define DESC_SH_INNER  (UINT64_C(3) << 8)
#define DESC_AF	       (UINT64_C(1) << 10)	    /* accessed: preset, so no access-flag faults */
#define DESC_NG	       (UINT64_C(1) << 11)	    /* not global: tagged with the ASID */
#define DESC_PXN       (UINT64_C(1) << 53)	    /* EL1 may not execute */
#define DESC_UXN       (UINT64_C(1) << 54)	    /* EL0 may not execute */
#define DESC_ADDR      UINT64_C(0x0000fffffffff000) /* output address, bits 47:12 */

/* MAIR_EL1 slots. 0 and 1 are the loader's (the protocol's); 2 is ours. */
#define ATTR_NORMAL	  0
#define ATTR_FRAMEBUFFER  1
#define ATTR_DEVICE	  2
#define MAIR_DEVICE_NGNRE UINT64_C(0x04)

/* TCR_EL1 lower-half (TTBR0) fields, which the kernel owns from now on. */
#define TCR_T0_FIELDS UINT64_C(0xffff)	 /* T0SZ, EPD0, IRGN0, ORGN0, SH0, TG0 */
#define TCR_T0SZ_48   UINT64_C(16)	 /* 64 - 16 = 48-bit lower half */
#define TCR_IRGN0_WB  (UINT64_C(1) << 8) /* walks: inner write-back, allocating */
#define TCR_ORGN0_WB  (UINT64_C(1) << 10)
#define TCR_SH0_INNER (UINT64_C(3) << 12)
#define TCR_TG0_4K    (UINT64_C(0) << 14)
#define TCR_TBI0      (UINT64_C(1) << 37) /* top-byte-ignore: off, addresses are checked whole */

/* The two halves with T0SZ = T1SZ = 16; between them every address faults. */
#define LOWER_END      (UINT64_C(1) << 48)
#define UPPER_START    UINT64_C(0xffff000000000000)
/* Output addresses have 48 bits in these descriptors. */
#define PA_END	       (UINT64_C(1) << 48)
/* The direct map's share of the upper half (memory_layout.h): 128 TiB of physical space. */
#define DIRECT_MAP_END (UINT64_C(1) << 47)
#define FOUR_GIB       (UINT64_C(1) << 32)

/* Above this many pages, one whole-TLB invalidation beats a page-by-page walk. */
#define FLUSH_ALL_THRESHOLD 64

struct hal_paging {
	uint64_t entry[ENTRIES]; /* the level-0 table TTBR0_EL1 points at */
};

STATIC_ASSERT(sizeof(struct hal_paging) == PAGE_SIZE, "a space is exactly its root table");

static uint64_t kernel_root;		/* physical: the level-0 table behind TTBR1_EL1 */
static struct hal_paging *kernel_space; /* the lower half while the kernel runs alone */

extern char __text_start[], __rodata_start[], __data_start[], __kernel_end[];

static uint64_t *table_at(uint64_t phys)
{
	return phys_to_virt(phys);
}

static uint64_t phys_of(const void *virt)
{
	return (uint64_t)(uintptr_t)virt - boot_info()->hhdm_offset;
}

/* The index of va's entry in its level-`level` table. */
static unsigned index_at(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (PAGE_SHIFT + 9 * (3 - level))) & (ENTRIES - 1);
}

/* The number of bytes one entry maps at `level`: 512 GiB, 1 GiB, 2 MiB or 4 KiB. */
static uint64_t span_at(unsigned level)
{
	return UINT64_C(1) << (PAGE_SHIFT + 9 * (3 - level));
}

static bool in_upper_half(uint64_t va)
{
	return va >= UPPER_START;
}

/* The level-0 table that translates va in space p. */
static uint64_t *root_for(struct hal_paging *p, uint64_t va)
{
	return in_upper_half(va) ? table_at(kernel_root) : p->entry;
}

/*
 * The leaf entry that maps va, with its level (1 or 2 for a block, 3 for a
 * page) in *level; NULL when va is not mapped.
 */
static uint64_t *lookup(uint64_t *root, uint64_t va, unsigned *level)
{
	uint64_t *t = root;

	for (unsigned l = 0;; l++) {
		uint64_t *e = &t[index_at(va, l)];

		if (!(*e & DESC_VALID))
			return NULL;
		if (l == 3 || !(*e & DESC_TABLE)) {
			*level = l;
			return e;
		}
		t = table_at(*e & DESC_ADDR);
	}
}

/*
 * Write the leaf `desc` (output address and attributes, without the type
 * bits) for va at `leaf_level`, creating the tables on the way. The slot
 * must be free: EXISTS when it, or a block above it, is already valid.
 * Tables are created without APTable/PXNTable limits: the leaf decides.
 */
static int set_leaf(uint64_t *root, uint64_t va, unsigned leaf_level, uint64_t desc)
{
	uint64_t *t = root;

	for (unsigned l = 0; l < leaf_level; l++) {
		uint64_t *e = &t[index_at(va, l)];

		if (!(*e & DESC_VALID)) {
			uint64_t page = pmm_alloc_page();

			if (page == 0)
				return HAL_PAGING_NO_MEMORY;
			/* The walker must see the page's zeroes before the entry that leads there.
			 */
			__asm__ volatile("dsb ishst" ::: "memory");
			*e = page | DESC_TABLE | DESC_VALID;
		} else if (!(*e & DESC_TABLE)) {
			return HAL_PAGING_EXISTS; /* a block covers va */
		}
		t = table_at(*e & DESC_ADDR);
	}
	uint64_t *e = &t[index_at(va, leaf_level)];

	if (*e & DESC_VALID)
		return HAL_PAGING_EXISTS;
	*e = desc | (leaf_level == 3 ? DESC_PAGE : DESC_BLOCK) | DESC_VALID;
	return HAL_PAGING_OK;
}

/*
 * Drop this CPU's cached translations of one page, all ASIDs (a kernel
 * page is global, a user page tagged; vaae1 covers both). The dsb before
 * makes the changed descriptor visible to the walker first; the dsb after
 * waits for the invalidation, and the isb makes later instructions use it.
 */
static void flush_page(uint64_t va)
{
	/* The operand is VA[55:12], in bits 43:0. */
	uint64_t arg = (va >> PAGE_SHIFT) & ((UINT64_C(1) << 44) - 1);

	__asm__ volatile("dsb ishst\n\t"
			 "tlbi vaae1, %0\n\t"
			 "dsb ish\n\t"
			 "isb"
			 :
			 : "r"(arg)
			 : "memory");
}

void hal_paging_flush(uint64_t va, size_t pages)
{
	if (pages > FLUSH_ALL_THRESHOLD) {
		__asm__ volatile("dsb ishst\n\t"
				 "tlbi vmalle1\n\t"
				 "dsb ish\n\t"
				 "isb" ::
					 : "memory");
		return;
	}
	for (size_t i = 0; i < pages; i++)
		flush_page(va + i * PAGE_SIZE);
}

/*
 * Check that [va, va + pages pages) is page-aligned, does not wrap and lies
 * inside one half; *upper tells which. An empty range is valid.
 */
static int check_range(uint64_t va, size_t pages, bool *upper)
{
	if (!IS_ALIGNED(va, PAGE_SIZE) || pages > (SIZE_MAX >> PAGE_SHIFT))
		return HAL_PAGING_BAD_RANGE;
	*upper = in_upper_half(va);
	if (!*upper && va >= LOWER_END)
		return HAL_PAGING_BAD_RANGE; /* the hole between the halves */
	if (pages == 0)
		return HAL_PAGING_OK;
	uint64_t last = va + ((uint64_t)pages << PAGE_SHIFT) - 1;

	if (last < va || (!*upper && last >= LOWER_END))
		return HAL_PAGING_BAD_RANGE; /* wraps, or runs out of the lower half */
	return HAL_PAGING_OK;
}

/*
 * The descriptor bits for `attrs` (HAL_MAP_*), without the output address.
 *
 *   - Device memory is never executable: instruction fetches, even
 *     speculative ones, must not touch MMIO. HAL_MAP_EXEC is ignored there.
 *   - A user page is never executable at EL1 (PXN), so the kernel cannot
 *     be tricked into running user code.
 *   - Lower-half pages are not global (nG): they belong to one space.
 */
static uint64_t leaf_bits(unsigned attrs, bool upper)
{
	uint64_t d = DESC_AF;

	if (attrs & HAL_MAP_DEVICE)
		d |= DESC_ATTR(ATTR_DEVICE) | DESC_PXN | DESC_UXN; /* shareability is implied */
	else
		d |= DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER;
	if (!(attrs & HAL_MAP_WRITE))
		d |= DESC_AP_RO;
	if (attrs & HAL_MAP_USER) {
		d |= DESC_AP_EL0 | DESC_PXN;
		if (!(attrs & HAL_MAP_EXEC))
			d |= DESC_UXN;
	} else {
		d |= DESC_UXN;
		if (!(attrs & HAL_MAP_EXEC))
			d |= DESC_PXN;
	}
	if (!upper)
		d |= DESC_NG;
	return d;
}

/* The HAL_MAP_* attributes a leaf descriptor grants (the inverse of leaf_bits). */
static unsigned leaf_attrs(uint64_t d)
{
	unsigned attrs = 0;
	bool user = d & DESC_AP_EL0;

	if (!(d & DESC_AP_RO))
		attrs |= HAL_MAP_WRITE;
	if (user)
		attrs |= HAL_MAP_USER;
	if (!(d & (user ? DESC_UXN : DESC_PXN)))
		attrs |= HAL_MAP_EXEC;
	if ((d & DESC_ATTR_MASK) == DESC_ATTR(ATTR_DEVICE))
		attrs |= HAL_MAP_DEVICE;
	return attrs;
}

/* Clear the 4 KiB leaves of pages [0, count) at va (all known mapped) and flush them. */
static void clear_pages(uint64_t *root, uint64_t va, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		uint64_t page_va = va + i * PAGE_SIZE;
		unsigned level;
		uint64_t *e = lookup(root, page_va, &level);

		*e = 0;
		flush_page(page_va);
	}
}

int hal_paging_map(struct hal_paging *p, uint64_t va, uint64_t pa, size_t pages, unsigned attrs)
{
	bool upper;
	int rc = check_range(va, pages, &upper);

	if (rc != HAL_PAGING_OK)
		return rc;
	if (!IS_ALIGNED(pa, PAGE_SIZE) || (upper && (attrs & HAL_MAP_USER)))
		return HAL_PAGING_BAD_RANGE;
	if (pages == 0)
		return HAL_PAGING_OK;
	uint64_t len = (uint64_t)pages << PAGE_SHIFT;

	if (pa + len - 1 < pa || pa + len > PA_END)
		return HAL_PAGING_BAD_RANGE; /* beyond what a descriptor can name */

	uint64_t *root = root_for(p, va);
	uint64_t bits = leaf_bits(attrs, upper);
	unsigned level;

	/* Look before writing, so that EXISTS leaves everything as it was. */
	for (size_t i = 0; i < pages; i++)
		if (lookup(root, va + i * PAGE_SIZE, &level) != NULL)
			return HAL_PAGING_EXISTS;
	for (size_t i = 0; i < pages; i++) {
		rc = set_leaf(root, va + i * PAGE_SIZE, 3, (pa + i * PAGE_SIZE) | bits);
		if (rc != HAL_PAGING_OK) {
			/* Only NO_MEMORY can happen here; tables made so far stay, empty. */
			clear_pages(root, va, i);
			return rc;
		}
	}
	/*
	 * The slots were invalid, so no TLB holds them: publishing the new
	 * descriptors to the walker is enough.
	 */
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
	return HAL_PAGING_OK;
}

/*
 * Check that every page of the range is mapped by a 4 KiB leaf. A block
 * (only the direct map has them) is refused with BAD_RANGE rather than
 * split: nothing needs to unmap or reprotect parts of the direct map yet.
 */
static int check_mapped(uint64_t *root, uint64_t va, size_t pages)
{
	for (size_t i = 0; i < pages; i++) {
		unsigned level;

		if (lookup(root, va + i * PAGE_SIZE, &level) == NULL)
			return HAL_PAGING_NOT_MAPPED;
		if (level != 3)
			return HAL_PAGING_BAD_RANGE;
	}
	return HAL_PAGING_OK;
}

int hal_paging_unmap(struct hal_paging *p, uint64_t va, size_t pages)
{
	bool upper;
	int rc = check_range(va, pages, &upper);

	if (rc != HAL_PAGING_OK)
		return rc;
	uint64_t *root = root_for(p, va);

	rc = check_mapped(root, va, pages);
	if (rc != HAL_PAGING_OK)
		return rc;
	clear_pages(root, va, pages);
	return HAL_PAGING_OK;
}

int hal_paging_protect(struct hal_paging *p, uint64_t va, size_t pages, unsigned attrs)
{
	bool upper;
	int rc = check_range(va, pages, &upper);

	if (rc != HAL_PAGING_OK)
		return rc;
	if (upper && (attrs & HAL_MAP_USER))
		return HAL_PAGING_BAD_RANGE;
	uint64_t *root = root_for(p, va);

	rc = check_mapped(root, va, pages);
	if (rc != HAL_PAGING_OK)
		return rc;
	uint64_t bits = leaf_bits(attrs, upper);

	for (size_t i = 0; i < pages; i++) {
		uint64_t page_va = va + i * PAGE_SIZE;
		unsigned level;
		uint64_t *e = lookup(root, page_va, &level);
		uint64_t new = (*e & DESC_ADDR) | bits | DESC_PAGE | DESC_VALID;

		/*
		 * Changing only permissions may overwrite a live entry. Changing the
		 * memory type must break before make: invalidate, flush, then write,
		 * so the TLB never holds two types for one page.
		 */
		if ((*e ^ new) & DESC_ATTR_MASK) {
			*e = 0;
			flush_page(page_va);
		}
		*e = new;
		flush_page(page_va);
	}
	return HAL_PAGING_OK;
}

bool hal_paging_query(struct hal_paging *p, uint64_t va, uint64_t *pa, unsigned *attrs)
{
	unsigned level;

	if (!in_upper_half(va) && va >= LOWER_END)
		return false;
	uint64_t *e = lookup(root_for(p, va), va, &level);

	if (e == NULL)
		return false;
	uint64_t span = span_at(level);

	if (pa != NULL)
		*pa = (*e & DESC_ADDR & ~(span - 1)) | (va & (span - 1));
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
	uint64_t root = pmm_alloc_page(); /* zeroed: an empty lower half */

	if (root == 0)
		return HAL_PAGING_NO_MEMORY;
	*out = phys_to_virt(root);
	return HAL_PAGING_OK;
}

/* Give back a level-`level` table and every table below it; leaf frames are the caller's. */
static void free_tables(uint64_t *table, unsigned level)
{
	if (level < 3) {
		for (unsigned i = 0; i < ENTRIES; i++) {
			uint64_t e = table[i];

			if ((e & DESC_VALID) && (e & DESC_TABLE))
				free_tables(table_at(e & DESC_ADDR), level + 1);
		}
	}
	pmm_free_page(phys_of(table));
}

void hal_paging_destroy(struct hal_paging *p)
{
	if (p == NULL || p == kernel_space)
		return; /* the kernel's space lives as long as the kernel */
	free_tables(p->entry, 0);
}

void hal_paging_switch(struct hal_paging *p)
{
	/*
	 * ASID 0 for every space until ASIDs are allocated, so the old space's
	 * non-global entries must all go: tlbi vmalle1 after the write.
	 */
	__asm__ volatile("dsb ishst\n\t"
			 "msr ttbr0_el1, %0\n\t"
			 "isb\n\t"
			 "tlbi vmalle1\n\t"
			 "dsb ish\n\t"
			 "isb"
			 :
			 : "r"(phys_of(p))
			 : "memory");
}

/* ---- Building the kernel half ---- */

/* Map the kernel image range [start, end) with 4 KiB pages and `attrs`. */
static int map_image_range(const struct boot_info *bi, const char *start, const char *end,
			   unsigned attrs)
{
	uint64_t *root = table_at(kernel_root);
	uint64_t bits = leaf_bits(attrs, true);

	for (uint64_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_SIZE) {
		int rc = set_leaf(root, va, 3, (bi->kernel_phys + (va - bi->kernel_virt)) | bits);

		if (rc != HAL_PAGING_OK)
			return rc;
	}
	return HAL_PAGING_OK;
}

/*
 * The image by section: the linker script starts rodata and data on a page
 * boundary, so each range below is whole pages and no page is both writable
 * and executable. .bss (and kernel_boot_stack in it) is part of data.
 */
static int map_kernel_image(const struct boot_info *bi)
{
	int rc = map_image_range(bi, __text_start, __rodata_start, HAL_MAP_EXEC);

	if (rc == HAL_PAGING_OK)
		rc = map_image_range(bi, __rodata_start, __data_start, 0);
	if (rc == HAL_PAGING_OK)
		rc = map_image_range(bi, __data_start, __kernel_end, HAL_MAP_WRITE);
	return rc;
}

/* What the direct map puts at a physical address. */
enum dm_kind { DM_NONE, DM_NORMAL, DM_FRAMEBUFFER, DM_DEVICE };

/*
 * Boundaries where the kind may change: both ends of every region, of the
 * framebuffer and of the UART page, plus 0 and 4 GiB.
 */
static uint64_t dm_bounds[2 * BOOT_MEMMAP_MAX + 6];

static bool within(uint64_t a, uint64_t base, uint64_t length)
{
	return a >= ALIGN_DOWN(base, PAGE_SIZE) && a < ALIGN_UP(base + length, PAGE_SIZE);
}

/*
 * Whether each region of the memory map is RAM. RESERVED mixes two things
 * the loader's map no longer tells apart: firmware RAM (UEFI runtime code
 * and data) and firmware-used MMIO (QEMU virt: the flash at 0x04000000, the
 * RTC at 0x09010000). We call a RESERVED region RAM when it continues a RAM
 * region without a gap, directly or through other such reserved regions;
 * an island of its own is taken for MMIO. The map is sorted by base, so one
 * pass each way settles chains.
 */
static bool dm_ram[BOOT_MEMMAP_MAX];

static void classify_regions(const struct boot_info *bi)
{
	size_t n = bi->memmap_count;

	for (size_t i = 0; i < n; i++) {
		enum boot_mem_type t = bi->memmap[i].type;

		dm_ram[i] =
			t != BOOT_MEM_RESERVED && t != BOOT_MEM_BAD && t != BOOT_MEM_FRAMEBUFFER;
	}
	for (size_t i = 1; i < n; i++)
		if (bi->memmap[i].type == BOOT_MEM_RESERVED && dm_ram[i - 1] &&
		    bi->memmap[i - 1].base + bi->memmap[i - 1].length == bi->memmap[i].base)
			dm_ram[i] = true;
	for (size_t i = n; i-- > 1;)
		if (bi->memmap[i - 1].type == BOOT_MEM_RESERVED && dm_ram[i] &&
		    bi->memmap[i - 1].base + bi->memmap[i - 1].length == bi->memmap[i].base)
			dm_ram[i - 1] = true;
}

/*
 * The kind of the page at physical address a, by priority:
 *   1. the console UART's page: Device-nGnRE (real hardware needs it);
 *   2. the framebuffer: Normal non-cacheable, as the loader mapped it;
 *   3. BAD memory: unmapped, so not even a speculative access touches it;
 *   4. RAM regions of the memory map (usable, loader, kernel, ACPI, and
 *      reserved RAM as classify_regions() decides): Normal write-back;
 *   5. reserved islands, and the rest of the first 4 GiB: Device-nGnRE.
 *      That is where MMIO lives (QEMU virt: the PL011, the GIC, PCIe
 *      windows); device memory keeps it reachable through phys_to_virt()
 *      without allowing speculative or cached accesses to it;
 *   6. anything else: unmapped.
 */
static enum dm_kind dm_kind_at(const struct boot_info *bi, uint64_t a)
{
	uint64_t uart = aarch64_console_phys();
	enum dm_kind kind = a < FOUR_GIB ? DM_DEVICE : DM_NONE;
	bool bad = false;

	if (uart != 0 && within(a, uart, 1))
		return DM_DEVICE;
	if (bi->have_framebuffer &&
	    within(a, bi->framebuffer.phys, bi->framebuffer.pitch * bi->framebuffer.height))
		return DM_FRAMEBUFFER;
	for (size_t i = 0; i < bi->memmap_count; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		if (!within(a, r->base, r->length))
			continue;
		if (r->type == BOOT_MEM_FRAMEBUFFER)
			return DM_FRAMEBUFFER;
		if (r->type == BOOT_MEM_BAD)
			bad = true;
		else if (dm_ram[i])
			kind = DM_NORMAL;
		else if (kind == DM_NONE)
			kind = DM_DEVICE; /* a reserved island above 4 GiB */
	}
	return bad ? DM_NONE : kind;
}

/* Map physical [base, end) in the direct map with the largest leaves alignment allows. */
static int map_direct_range(uint64_t hhdm, uint64_t base, uint64_t end, enum dm_kind kind)
{
	uint64_t *root = table_at(kernel_root);
	uint64_t bits = DESC_AF | DESC_PXN | DESC_UXN; /* read-write, never executable */

	if (kind == DM_DEVICE)
		bits |= DESC_ATTR(ATTR_DEVICE);
	else
		bits |= DESC_SH_INNER |
			DESC_ATTR(kind == DM_FRAMEBUFFER ? ATTR_FRAMEBUFFER : ATTR_NORMAL);

	while (base < end) {
		unsigned level = 1;

		/* 1 GiB, else 2 MiB, else 4 KiB: whichever fits alignment and length. */
		while (level < 3 && (!IS_ALIGNED(base | (base + hhdm), span_at(level)) ||
				     end - base < span_at(level)))
			level++;
		int rc = set_leaf(root, base + hhdm, level, base | bits);

		if (rc != HAL_PAGING_OK)
			return rc;
		base += span_at(level);
	}
	return HAL_PAGING_OK;
}

/*
 * The direct map: cut the physical space at every boundary, then map each
 * piece with its kind. Pieces are disjoint and page-aligned, so no two
 * leaves overlap.
 */
static int map_direct(const struct boot_info *bi)
{
	size_t n = 0;
	uint64_t uart = aarch64_console_phys();

	classify_regions(bi);
	dm_bounds[n++] = 0;
	dm_bounds[n++] = FOUR_GIB;
	if (uart != 0) {
		dm_bounds[n++] = ALIGN_DOWN(uart, PAGE_SIZE);
		dm_bounds[n++] = ALIGN_DOWN(uart, PAGE_SIZE) + PAGE_SIZE;
	}
	if (bi->have_framebuffer) {
		uint64_t size = bi->framebuffer.pitch * bi->framebuffer.height;

		dm_bounds[n++] = ALIGN_DOWN(bi->framebuffer.phys, PAGE_SIZE);
		dm_bounds[n++] = ALIGN_UP(bi->framebuffer.phys + size, PAGE_SIZE);
	}
	for (size_t i = 0; i < bi->memmap_count; i++) {
		dm_bounds[n++] = ALIGN_DOWN(bi->memmap[i].base, PAGE_SIZE);
		dm_bounds[n++] = ALIGN_UP(bi->memmap[i].base + bi->memmap[i].length, PAGE_SIZE);
	}
	/* Insertion sort: a few hundred values, once. */
	for (size_t i = 1; i < n; i++) {
		uint64_t v = dm_bounds[i];
		size_t j = i;

		for (; j > 0 && dm_bounds[j - 1] > v; j--)
			dm_bounds[j] = dm_bounds[j - 1];
		dm_bounds[j] = v;
	}

	uint64_t mapped[4] = { 0 }; /* bytes, by enum dm_kind */

	for (size_t i = 0; i + 1 < n; i++) {
		uint64_t base = dm_bounds[i];
		uint64_t end =
			dm_bounds[i + 1] < DIRECT_MAP_END ? dm_bounds[i + 1] : DIRECT_MAP_END;
		enum dm_kind kind;

		if (base >= end)
			continue; /* a duplicate boundary, or beyond the window */
		kind = dm_kind_at(bi, base);
		if (kind == DM_NONE)
			continue;
		int rc = map_direct_range(bi->hhdm_offset, base, end, kind);

		if (rc != HAL_PAGING_OK)
			return rc;
		mapped[kind] += end - base;
	}
	log_debug(
		"paging: direct map: %llu KiB write-back, %llu KiB device, %llu KiB framebuffer\n",
		(unsigned long long)(mapped[DM_NORMAL] >> 10),
		(unsigned long long)(mapped[DM_DEVICE] >> 10),
		(unsigned long long)(mapped[DM_FRAMEBUFFER] >> 10));
	return HAL_PAGING_OK;
}

/*
 * Load the new tables. MAIR first: slot 2 gains Device-nGnRE, which no live
 * descriptor (the loader's tables use slots 0 and 1) refers to, so the
 * change is invisible until our tables are in. Then TCR's lower-half fields:
 * a 48-bit, 4 KiB-granule, write-back-walked TTBR0 (the loader left the
 * firmware's values there), while TTBR0 still points at the loader's empty
 * table, so the change can translate nothing. Finally both roots, and a
 * full TLB invalidation so no translation from the loader's tables survives.
 * The kernel image and the stack have the same addresses and memory type in
 * both trees, so the instructions in between run on either.
 */
uint64_t aarch64_kernel_mmu[4];

static void load_tables(uint64_t ttbr1, uint64_t ttbr0)
{
	uint64_t mair, tcr;

	__asm__ volatile("mrs %0, mair_el1" : "=r"(mair));
	__asm__ volatile("mrs %0, tcr_el1" : "=r"(tcr));
	mair = (mair & ~(UINT64_C(0xff) << (8 * ATTR_DEVICE))) | MAIR_DEVICE_NGNRE
									 << (8 * ATTR_DEVICE);
	tcr = (tcr & ~(TCR_T0_FIELDS | TCR_TBI0)) | TCR_T0SZ_48 | TCR_IRGN0_WB | TCR_ORGN0_WB |
	      TCR_SH0_INNER | TCR_TG0_4K;
	/* For the other CPUs, which load the same in hal_cpu_entry (smp.S). */
	aarch64_kernel_mmu[0] = mair;
	aarch64_kernel_mmu[1] = tcr;
	aarch64_kernel_mmu[2] = ttbr1;
	aarch64_kernel_mmu[3] = ttbr0;
	__asm__ volatile("msr mair_el1, %0\n\t"
			 "msr tcr_el1, %1\n\t"
			 "dsb ishst\n\t"
			 "msr ttbr1_el1, %2\n\t"
			 "msr ttbr0_el1, %3\n\t"
			 "isb\n\t"
			 "tlbi vmalle1\n\t"
			 "dsb ish\n\t"
			 "isb"
			 :
			 : "r"(mair), "r"(tcr), "r"(ttbr1), "r"(ttbr0)
			 : "memory");
}

/*
 * Build the kernel half (image, direct map) in a new TTBR1 tree and an
 * empty TTBR0 table, and switch to them. Afterwards nothing refers to the
 * loader's memory: its TTBR1 and TTBR0 tables are no longer loaded, _start
 * moved to kernel_boot_stack, SP_EL1 and VBAR_EL1 point into the kernel
 * image (hal_trap_init), and boot_info is a copy. On NO_MEMORY the loader's
 * tables stay loaded (the caller panics).
 */
int hal_paging_init(const struct boot_info *bi)
{
	uint64_t lower = pmm_alloc_page();

	kernel_root = pmm_alloc_page();
	if (kernel_root == 0 || lower == 0)
		return HAL_PAGING_NO_MEMORY;
	int rc = map_kernel_image(bi);

	if (rc == HAL_PAGING_OK)
		rc = map_direct(bi);
	if (rc == HAL_PAGING_EXISTS)
		log_error("paging: the kernel image and the direct map overlap\n");
	if (rc != HAL_PAGING_OK)
		return HAL_PAGING_NO_MEMORY; /* the contract's only failure; the caller panics */
	kernel_space = phys_to_virt(lower);
	load_tables(kernel_root, lower);

	uint64_t uart = aarch64_console_phys();
	unsigned attrs = 0;

	if (uart != 0 &&
	    hal_paging_query(kernel_space, (uintptr_t)phys_to_virt(uart), NULL, &attrs))
		log_debug("paging: console UART at 0x%llx is %s memory in the direct map\n",
			  (unsigned long long)uart, attrs & HAL_MAP_DEVICE ? "device" : "normal");
	return HAL_PAGING_OK;
}

volatile void *aarch64_map_device(uint64_t phys, uint64_t size)
{
	uint64_t first = ALIGN_DOWN(phys, PAGE_SIZE);
	uint64_t end = ALIGN_UP(phys + size, PAGE_SIZE);

	if (size == 0 || end < first || end > DIRECT_MAP_END)
		return NULL;
	for (uint64_t pa = first; pa < end; pa += PAGE_SIZE) {
		uint64_t va = (uintptr_t)phys_to_virt(pa);
		unsigned attrs;

		if (hal_paging_query(kernel_space, va, NULL, &attrs)) {
			if (!(attrs & HAL_MAP_DEVICE))
				return NULL; /* RAM, or the framebuffer: not ours to remap */
			continue;
		}
		/* Beyond what hal_paging_init() mapped (MMIO above 4 GiB): the direct map's slot.
		 */
		if (hal_paging_map(kernel_space, va, pa, 1, HAL_MAP_WRITE | HAL_MAP_DEVICE) !=
		    HAL_PAGING_OK)
			return NULL;
	}
	return phys_to_virt(phys);
}
