/*
 * platforms/pc_riscv64/paging.c - HAL paging contract for riscv64: Sv48 or Sv39 page tables.
 *
 * The mode. The loader picks Sv48 (4 levels, 48-bit virtual addresses) when
 * the hart has it and Sv39 (3 levels, 39 bits) otherwise, and puts the HHDM
 * where that mode's upper half starts. The kernel keeps the loader's choice:
 * hal_paging_init() reads satp.MODE and every walk below is written for
 * `levels` levels. <platform/memory_layout.h> places its windows in the
 * smaller, Sv39, upper half (the top 256 GiB), so they are valid in both.
 *
 * The entry. Both modes share one 8-byte PTE: V R W X U G A D in bits 0-7,
 * two bits for software (RSW, 8-9), the physical page number from bit 10,
 * and with Svpbmt the memory type in bits 61-62. An entry with any of R, W,
 * X is a leaf at whatever level it sits: 4 KiB at level 0, 2 MiB at 1,
 * 1 GiB at 2. V alone points to the next table.
 *
 * Every leaf has A and D set: a hart may raise a page fault instead of
 * setting them in hardware (Svade), and the kernel has no use for them yet.
 * Kernel-half leaves are global (G): the same in every address space, so a
 * TLB entry for them survives a satp write with another root.
 *
 * Spaces. Root entries 0-255 are the lower half, 256-511 the upper (kernel)
 * half, in both modes. hal_paging_init() gives each of the 256 upper
 * entries its next-level table at once; a new space copies those 256
 * pointers into its root. Since the upper-level entries never change
 * afterwards, a kernel mapping made later in any space lands in a shared
 * table and appears in every space (1 MiB of tables buys that).
 *
 * struct hal_paging is the root table page itself, seen through the direct
 * map: a space needs no other state yet (one ASID, 0, for everybody), and
 * so a space costs exactly one page and needs no allocator besides the PMM.
 * When ASIDs come, the space gets a descriptor of its own.
 *
 * Memory types. Physical memory attributes (PMAs), fixed by the platform
 * per physical region, already make MMIO uncached and strongly ordered and
 * RAM cacheable, whatever the page tables say; the PTE's Svpbmt field may
 * only override that, and only on harts that have Svpbmt (a non-zero field
 * without it is a page fault). So:
 *   - HAL_MAP_DEVICE uses Svpbmt's IO type when the hart has it, and
 *     otherwise nothing: the PMA of a device address is I/O anyway. A
 *     software bit (RSW) remembers HAL_MAP_DEVICE for query() either way.
 *   - The direct map leaves the type to the PMA (field 0), except the
 *     framebuffer, which gets Svpbmt's NC (non-cacheable memory), as the
 *     loader did: the framebuffer is RAM to the PMA but must reach the screen.
 * Whether the hart has Svpbmt: the device tree's ISA strings, like the
 * loader; S-mode has no register to ask. Without a device tree (an
 * ACPI-only boot), the answer is no, which is always safe.
 *
 * User pages. HAL_MAP_USER sets U on the leaf (lower half only): U-mode
 * reaches U=1 leaves and nothing else, so the kernel half, never U, is out
 * of its reach. The pointers to tables carry no U (it is reserved there);
 * the leaf decides. User leaves are not global, so the full flush at
 * each switch of spaces drops them (see hal_paging_switch()). S-mode loads
 * and stores fault on a U=1 page unless sstatus.SUM is set, which only
 * hal_user_copy() does (user.S), and S-mode never fetches from one,
 * whatever SUM says: the kernel cannot run user code.
 *
 * TLB. RISC-V may cache invalid entries too, so map() also runs sfence.vma,
 * not only unmap() and protect(). All of it is local to this hart.
 */
#include <base/compiler.h>
#include <base/string.h>
#include <core/boot_info.h>
#include <core/fdt.h>
#include <core/log.h>
#include <core/pmm.h>
#include <hal/memory_layout.h>
#include <hal/paging.h>
#include <kernel/panic.h>

#include "riscv.h"

#define PTE_V	       (UINT64_C(1) << 0)
#define PTE_R	       (UINT64_C(1) << 1)
#define PTE_W	       (UINT64_C(1) << 2)
#define PTE_X	       (UINT64_C(1) << 3)
#define PTE_U	       (UINT64_C(1) << 4)
#define PTE_G	       (UINT64_C(1) << 5)
#define PTE_A	       (UINT64_C(1) << 6)
#define PTE_D	       (UINT64_C(1) << 7)
#define PTE_SW_DEVICE  (UINT64_C(1) << 8) /* RSW: mapped with HAL_MAP_DEVICE */
#define PTE_LEAF       (PTE_R | PTE_W | PTE_X)
#define PTE_PBMT_NC    (UINT64_C(1) << 61) /* Svpbmt: non-cacheable, idempotent memory */
#define PTE_PBMT_IO    (UINT64_C(2) << 61) /* Svpbmt: non-cacheable, strongly ordered I/O */
#define PTE_PPN_SHIFT  10
#define PTE_PPN_MASK   ((UINT64_C(1) << 44) - 1)
#define PHYS_ADDR_BITS 56 /* what a 44-bit PPN reaches */

#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39	UINT64_C(8)
#define SATP_MODE_SV48	UINT64_C(9)

#define PAGE_SHIFT	12
#define PAGE_SIZE	(UINT64_C(1) << PAGE_SHIFT)
#define TABLE_ENTRIES	512
#define UPPER_FIRST	256 /* the first root entry of the kernel half, in both modes */
#define LEAF_LEVEL_MAX	2   /* the largest leaf the direct map uses: 1 GiB */
#define FLUSH_ALL_PAGES 64  /* above this, one full sfence.vma beats one per page */
#define FOUR_GIB	(UINT64_C(1) << 32)

/* One page-table tree; the structure is its root table (see the header comment). */
struct hal_paging {
	uint64_t pte[TABLE_ENTRIES];
};

STATIC_ASSERT(sizeof(struct hal_paging) == PAGE_SIZE, "a root table is one page");

static struct hal_paging *kernel_space;
uint64_t riscv_kernel_satp; /* smp.S: what a secondary hart loads first */
static unsigned levels;	    /* 3 (Sv39) or 4 (Sv48) */
static uint64_t satp_mode;  /* SATP_MODE_SV39 or SATP_MODE_SV48, as the loader left it */
static uint64_t hhdm;	    /* the direct map's offset: table pages are reached through it */
static bool has_svpbmt;

/* Table pages, by physical address and through the direct map. */
static uint64_t *table_at(uint64_t phys)
{
	return (uint64_t *)(uintptr_t)(phys + hhdm);
}

static uint64_t table_phys(const void *table)
{
	return (uint64_t)(uintptr_t)table - hhdm;
}

static uint64_t pte_phys(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT & PTE_PPN_MASK) << PAGE_SHIFT;
}

static bool pte_is_leaf(uint64_t pte)
{
	return (pte & PTE_LEAF) != 0;
}

/* A pointer to a next-level table: V alone (U, G, A, D are reserved as 0 there). */
static uint64_t pte_table(uint64_t phys)
{
	return phys >> PAGE_SHIFT << PTE_PPN_SHIFT | PTE_V;
}

static uint64_t pte_leaf(uint64_t phys, uint64_t flags)
{
	return phys >> PAGE_SHIFT << PTE_PPN_SHIFT | flags;
}

/* Bytes one entry at `level` covers: 4 KiB at level 0, times 512 per level. */
static uint64_t level_size(unsigned level)
{
	return UINT64_C(1) << (PAGE_SHIFT + 9 * level);
}

static unsigned level_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (PAGE_SHIFT + 9 * level)) & (TABLE_ENTRIES - 1);
}

/* Half the translated space: the lower half is [0, this), the upper [-this, 2^64). */
static uint64_t half_size(void)
{
	return UINT64_C(1) << (PAGE_SHIFT + 9 * levels - 1);
}

static bool canonical(uint64_t va)
{
	return va < half_size() || va >= -half_size();
}

/* The leaf flags for `attrs` in the lower or upper half (A and D always, G up). */
static uint64_t leaf_flags(bool upper, unsigned attrs)
{
	uint64_t f = PTE_V | PTE_R | PTE_A | PTE_D;

	if (attrs & HAL_MAP_WRITE)
		f |= PTE_W;
	if (attrs & HAL_MAP_EXEC)
		f |= PTE_X;
	if (attrs & HAL_MAP_USER)
		f |= PTE_U;
	if (upper)
		f |= PTE_G;
	if (attrs & HAL_MAP_DEVICE)
		f |= PTE_SW_DEVICE | (has_svpbmt ? PTE_PBMT_IO : 0);
	return f;
}

static unsigned leaf_attrs(uint64_t pte)
{
	unsigned attrs = 0;

	if (pte & PTE_W)
		attrs |= HAL_MAP_WRITE;
	if (pte & PTE_X)
		attrs |= HAL_MAP_EXEC;
	if (pte & PTE_U)
		attrs |= HAL_MAP_USER;
	if ((pte & PTE_SW_DEVICE) || (pte & (UINT64_C(3) << 61)) == PTE_PBMT_IO)
		attrs |= HAL_MAP_DEVICE;
	return attrs;
}

/*
 * Whether [va, va + pages pages) is page-aligned, does not wrap and lies
 * in one half of the canonical space; *upper says which half.
 */
static bool va_range_ok(uint64_t va, size_t pages, bool *upper)
{
	if (!IS_ALIGNED(va, PAGE_SIZE) || pages > (UINT64_MAX >> PAGE_SHIFT))
		return false;
	uint64_t last = pages == 0 ? va : va + (((uint64_t)pages << PAGE_SHIFT) - 1);

	if (last < va)
		return false; /* wraps past 2^64 */
	*upper = va >= -half_size();
	if (*upper)
		return true; /* last >= va, and nothing is above the upper half */
	return last < half_size();
}

static bool pa_range_ok(uint64_t pa, size_t pages)
{
	uint64_t limit = UINT64_C(1) << PHYS_ADDR_BITS;

	return IS_ALIGNED(pa, PAGE_SIZE) && pa < limit &&
	       (uint64_t)pages <= (limit - pa) >> PAGE_SHIFT;
}

/*
 * The leaf that maps va, at whatever level, or NULL when va is not
 * mapped; *level gets the leaf's level.
 */
static uint64_t *find_leaf(struct hal_paging *p, uint64_t va, unsigned *level)
{
	uint64_t *t = p->pte;

	for (unsigned l = levels - 1;; l--) {
		uint64_t *e = &t[level_index(va, l)];

		if (!(*e & PTE_V))
			return NULL;
		if (pte_is_leaf(*e)) {
			*level = l;
			return e;
		}
		if (l == 0)
			return NULL; /* a pointer where a leaf must be: never built here */
		t = table_at(pte_phys(*e));
	}
}

/*
 * The level-0 entry for va, creating the tables on the way. NULL when a
 * table page cannot be allocated. The caller made sure no larger leaf
 * covers va. A root entry of the upper half always has its table already,
 * so nothing is ever added to the shared part of a root.
 */
static uint64_t *make_slot(struct hal_paging *p, uint64_t va)
{
	uint64_t *t = p->pte;

	for (unsigned l = levels - 1; l > 0; l--) {
		uint64_t *e = &t[level_index(va, l)];

		if (!(*e & PTE_V)) {
			uint64_t next = pmm_alloc_page(); /* zeroed: 512 invalid entries */

			if (next == 0)
				return NULL;
			*e = pte_table(next);
		}
		t = table_at(pte_phys(*e));
	}
	return &t[level_index(va, 0)];
}

void hal_paging_flush(uint64_t va, size_t pages)
{
	/*
	 * sfence.vma with rs2 = x0 drops the entries of every ASID, global
	 * ones included. It also orders this hart's earlier page-table stores
	 * before its later walks, which is why even a new mapping needs it.
	 */
	if (pages > FLUSH_ALL_PAGES) {
		__asm__ volatile("sfence.vma" ::: "memory");
		return;
	}
	for (size_t i = 0; i < pages; i++)
		__asm__ volatile("sfence.vma %0, zero" ::"r"(va + i * PAGE_SIZE) : "memory");
}

/*
 * The checks shared by unmap() and protect(): a valid range whose every
 * page is mapped by a 4 KiB leaf. A larger leaf (only the direct map has
 * them) is refused with BAD_RANGE rather than split.
 */
static int check_mapped(struct hal_paging *p, uint64_t va, size_t pages, bool *upper)
{
	if (!va_range_ok(va, pages, upper))
		return HAL_PAGING_BAD_RANGE;
	for (size_t i = 0; i < pages; i++) {
		unsigned level;

		if (find_leaf(p, va + i * PAGE_SIZE, &level) == NULL)
			return HAL_PAGING_NOT_MAPPED;
		if (level != 0)
			return HAL_PAGING_BAD_RANGE;
	}
	return HAL_PAGING_OK;
}

int hal_paging_map(struct hal_paging *p, uint64_t va, uint64_t pa, size_t pages, unsigned attrs)
{
	bool upper;
	unsigned level;

	if (!va_range_ok(va, pages, &upper) || !pa_range_ok(pa, pages) ||
	    (upper && (attrs & HAL_MAP_USER)))
		return HAL_PAGING_BAD_RANGE;
	/* Check everything first, so a refusal changes nothing. */
	for (size_t i = 0; i < pages; i++)
		if (find_leaf(p, va + i * PAGE_SIZE, &level) != NULL)
			return HAL_PAGING_EXISTS;

	uint64_t flags = leaf_flags(upper, attrs);

	for (size_t i = 0; i < pages; i++) {
		uint64_t *e = make_slot(p, va + i * PAGE_SIZE);

		if (e == NULL) {
			/* Undo the leaves; the (empty) tables stay until destroy. */
			for (size_t j = 0; j < i; j++)
				*find_leaf(p, va + j * PAGE_SIZE, &level) = 0;
			hal_paging_flush(va, i);
			return HAL_PAGING_NO_MEMORY;
		}
		*e = pte_leaf(pa + i * PAGE_SIZE, flags);
	}
	hal_paging_flush(va, pages);
	return HAL_PAGING_OK;
}

int hal_paging_unmap(struct hal_paging *p, uint64_t va, size_t pages)
{
	bool upper;
	unsigned level;
	int status = check_mapped(p, va, pages, &upper);

	if (status != HAL_PAGING_OK)
		return status;
	for (size_t i = 0; i < pages; i++)
		*find_leaf(p, va + i * PAGE_SIZE, &level) = 0;
	hal_paging_flush(va, pages);
	return HAL_PAGING_OK;
}

int hal_paging_protect(struct hal_paging *p, uint64_t va, size_t pages, unsigned attrs)
{
	bool upper;
	unsigned level;
	int status = check_mapped(p, va, pages, &upper);

	if (status != HAL_PAGING_OK)
		return status;
	if (upper && (attrs & HAL_MAP_USER))
		return HAL_PAGING_BAD_RANGE;

	uint64_t flags = leaf_flags(upper, attrs);

	for (size_t i = 0; i < pages; i++) {
		uint64_t *e = find_leaf(p, va + i * PAGE_SIZE, &level);

		*e = pte_leaf(pte_phys(*e), flags);
	}
	hal_paging_flush(va, pages);
	return HAL_PAGING_OK;
}

bool hal_paging_query(struct hal_paging *p, uint64_t va, uint64_t *pa, unsigned *attrs)
{
	unsigned level;
	uint64_t *e;

	if (!canonical(va))
		return false;
	e = find_leaf(p, va, &level);
	if (e == NULL)
		return false;
	if (pa != NULL)
		*pa = pte_phys(*e) + (va & (level_size(level) - 1));
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

	/* The lower half is the zeroed page's; the upper half is the kernel's tables. */
	memcpy(&p->pte[UPPER_FIRST], &kernel_space->pte[UPPER_FIRST],
	       (TABLE_ENTRIES - UPPER_FIRST) * sizeof(uint64_t));
	*out = p;
	return HAL_PAGING_OK;
}

/* Free the table at `phys`, whose entries are at `level`, and the tables below it. */
static void free_table(uint64_t phys, unsigned level)
{
	uint64_t *t = table_at(phys);

	if (level > 0) {
		for (unsigned i = 0; i < TABLE_ENTRIES; i++)
			if ((t[i] & PTE_V) && !pte_is_leaf(t[i]))
				free_table(pte_phys(t[i]), level - 1);
	}
	pmm_free_page(phys);
}

void hal_paging_destroy(struct hal_paging *p)
{
	if (p == NULL)
		return;
	if (p == kernel_space)
		panic("paging: the kernel's space cannot be destroyed");
	/* Only the lower half: the upper-half tables are shared with every space. */
	for (unsigned i = 0; i < UPPER_FIRST; i++)
		if ((p->pte[i] & PTE_V) && !pte_is_leaf(p->pte[i]))
			free_table(pte_phys(p->pte[i]), levels - 2);
	pmm_free_page(table_phys(p));
}

static uint64_t satp_of(struct hal_paging *p)
{
	return satp_mode << SATP_MODE_SHIFT | table_phys(p) >> PAGE_SHIFT; /* ASID 0 */
}

void hal_paging_switch(struct hal_paging *p)
{
	uint64_t satp = satp_of(p);

	/*
	 * The first sfence.vma orders the stores that built or changed the
	 * tables before the walks under the new satp (a satp write alone does
	 * not); the second drops every translation cached under the old root,
	 * since every space shares ASID 0. Kernel code keeps running across
	 * the write: the upper half is the same in every root. Both fences
	 * are local: each hart flushes at its own switches, so a hart never
	 * keeps another space's lower-half entries past a switch, and no
	 * other hart's TLB is this function's business (the kernel sends
	 * shootdown IPIs when it changes a space that runs elsewhere).
	 */
	__asm__ volatile("sfence.vma\n\t"
			 "csrw satp, %0\n\t"
			 "sfence.vma"
			 :
			 : "r"(satp)
			 : "memory");
}

/*
 * Svpbmt, when every hart of the device tree lists it ("riscv,isa-
 * extensions", or the older "riscv,isa" string). OpenSBI enables it for
 * S-mode (menvcfg.PBMTE) when the hart has it; a PBMT value without it
 * would fault, so any doubt means no.
 */
static bool detect_svpbmt(void)
{
	struct fdt f;

	return fdt_boot(&f) && fdt_all_cpus_have_isa_extension(&f, "svpbmt");
}

/*
 * Map physical [pa, end) into the direct map with `flags`, with the largest
 * leaves that fit (up to 1 GiB), leaving alone whatever an earlier call
 * already mapped there: the direct map only ever maps phys + hhdm to phys,
 * so an existing leaf is already right. That lets regions overlap, and lets
 * a region mapped first with special flags (the framebuffer) keep them.
 * The HHDM is 1 GiB aligned in both modes, so va and pa align alike.
 */
static int direct_map(uint64_t pa, uint64_t end, uint64_t flags)
{
	while (pa < end) {
		uint64_t va = pa + hhdm;
		uint64_t *t = kernel_space->pte;

		for (unsigned l = levels - 1;; l--) {
			uint64_t size = level_size(l);
			uint64_t *e = &t[level_index(va, l)];

			if (*e & PTE_V) {
				if (pte_is_leaf(*e)) {
					pa = ALIGN_DOWN(pa, size) + size; /* already there */
					break;
				}
				t = table_at(pte_phys(*e));
				continue;
			}
			if (l <= LEAF_LEVEL_MAX && IS_ALIGNED(pa, size) && end - pa >= size) {
				*e = pte_leaf(pa, flags);
				pa += size;
				break;
			}
			/* Never at level 0: a page-aligned pa always fits a 4 KiB leaf. */
			uint64_t next = pmm_alloc_page();

			if (next == 0)
				return HAL_PAGING_NO_MEMORY;
			*e = pte_table(next);
			t = table_at(next);
		}
	}
	return HAL_PAGING_OK;
}

/* direct_map() of a memory-map region, page-rounded outwards and clipped to the window. */
static int direct_map_region(uint64_t base, uint64_t length, uint64_t flags)
{
	/* The direct map ends where the kernel VMM window starts: 64 GiB of RAM under Sv39. */
	uint64_t limit = MM_KERNEL_VMM_BASE - hhdm;
	uint64_t start = ALIGN_DOWN(base, PAGE_SIZE);
	uint64_t end = base + length < base ? UINT64_MAX : base + length;

	end = end > limit ? limit : ALIGN_UP(end, PAGE_SIZE);
	if (base + length > limit)
		log_warn("paging: 0x%llx-0x%llx is beyond the direct map (0x%llx); not mapped\n",
			 (unsigned long long)(base > limit ? base : limit),
			 (unsigned long long)(base + length), (unsigned long long)limit);
	if (start >= end)
		return HAL_PAGING_OK;
	return direct_map(start, end, flags);
}

/*
 * The direct map: the framebuffer first (Svpbmt NC where the hart has it),
 * then the first 4 GiB whole, as the loader did (low RAM, and the MMIO of
 * QEMU's virt machine and most SoCs, the console's UART among it), then
 * every region of the memory map but BAD, above 4 GiB. All read-write and
 * never executable, with the memory type of the PMA (see the header).
 */
static int build_direct_map(const struct boot_info *bi)
{
	uint64_t ram = leaf_flags(true, HAL_MAP_WRITE);
	int status;

	for (size_t i = 0; i < bi->memmap_count; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		if (r->type != BOOT_MEM_FRAMEBUFFER)
			continue;
		status =
			direct_map_region(r->base, r->length, ram | (has_svpbmt ? PTE_PBMT_NC : 0));
		if (status != HAL_PAGING_OK)
			return status;
	}
	status = direct_map_region(0, FOUR_GIB, ram);
	if (status != HAL_PAGING_OK)
		return status;
	for (size_t i = 0; i < bi->memmap_count; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		if (r->type == BOOT_MEM_BAD)
			continue;
		status = direct_map_region(r->base, r->length, ram);
		if (status != HAL_PAGING_OK)
			return status;
	}
	return HAL_PAGING_OK;
}

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

/* One section of the image, [start, end) rounded out to pages, at its link address. */
static int map_section(const struct boot_info *bi, const char *start, const char *end,
		       unsigned attrs)
{
	uint64_t va = ALIGN_DOWN((uint64_t)(uintptr_t)start, PAGE_SIZE);
	uint64_t va_end = ALIGN_UP((uint64_t)(uintptr_t)end, PAGE_SIZE);
	int status = hal_paging_map(kernel_space, va, bi->kernel_phys + (va - bi->kernel_virt),
				    (size_t)((va_end - va) >> PAGE_SHIFT), attrs);

	/* EXISTS or BAD_RANGE would mean a broken linker script: say so. */
	if (status != HAL_PAGING_OK && status != HAL_PAGING_NO_MEMORY)
		panic("paging: cannot map the kernel section at 0x%llx (status %d)",
		      (unsigned long long)va, status);
	return status;
}

int hal_paging_init(const struct boot_info *bi)
{
	uint64_t satp;
	int status;

	__asm__ volatile("csrr %0, satp" : "=r"(satp));
	satp_mode = satp >> SATP_MODE_SHIFT;
	if (satp_mode == SATP_MODE_SV48)
		levels = 4;
	else if (satp_mode == SATP_MODE_SV39)
		levels = 3;
	else
		panic("paging: satp mode %llu is neither Sv39 nor Sv48",
		      (unsigned long long)satp_mode);
	hhdm = bi->hhdm_offset;
	has_svpbmt = detect_svpbmt();

	/*
	 * A failure below leaves pages allocated: the caller panics on
	 * NO_MEMORY, so there is nobody to give them back to.
	 */
	uint64_t root = pmm_alloc_page();

	if (root == 0)
		return HAL_PAGING_NO_MEMORY;
	kernel_space = (struct hal_paging *)table_at(root);
	for (unsigned i = UPPER_FIRST; i < TABLE_ENTRIES; i++) {
		uint64_t next = pmm_alloc_page();

		if (next == 0)
			return HAL_PAGING_NO_MEMORY;
		kernel_space->pte[i] = pte_table(next);
	}

	/* W^X per section: text R-X, rodata R--, data and bss RW-. */
	status = map_section(bi, __text_start, __text_end, HAL_MAP_EXEC);
	if (status == HAL_PAGING_OK)
		status = map_section(bi, __rodata_start, __rodata_end, 0);
	if (status == HAL_PAGING_OK)
		status = map_section(bi, __data_start, __kernel_end, HAL_MAP_WRITE);
	if (status == HAL_PAGING_OK)
		status = build_direct_map(bi);
	if (status != HAL_PAGING_OK)
		return status;

	/*
	 * From here on nothing refers to the loader's memory: the tables are
	 * the PMM's, the stack is kernel_boot_stack (_start), stvec points
	 * into the image, and the boot information was copied.
	 */
	riscv_kernel_satp = satp_of(kernel_space);
	hal_paging_switch(kernel_space);
	log_debug("paging: %s, kernel root at 0x%llx, direct map at 0x%llx, Svpbmt %s\n",
		  levels == 4 ? "Sv48" : "Sv39", (unsigned long long)root, (unsigned long long)hhdm,
		  has_svpbmt ? "yes" : "no");
	return HAL_PAGING_OK;
}
