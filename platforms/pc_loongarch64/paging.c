/*
 * platforms/pc_loongarch64/paging.c - HAL paging contract for loongarch64.
 *
 * Translation. Software refills the TLB: on a miss the CPU enters the
 * handler at TLBRENTRY (tlb_refill.S) in direct-address mode, and that
 * handler walks the tables with lddir/ldpte. The tables have 4 levels of
 * 4 KiB, 512 entries each, as PWCL/PWCH describe: Dir3 (the root) indexed
 * by VA[47:39], Dir2 by VA[38:30], Dir1 by VA[29:21], the page table by
 * VA[20:12]. la464 has VALEN = 48, and bit 63 picks the root, so there are
 * two halves:
 *   - the lower half, 0 .. 2^47 - 1, walked from PGDL: one root per space;
 *   - the upper half, 0xffff800000000000 .. top, walked from PGDH: the
 *     kernel's root (direct map from Dir3 slot 256, kernel VMM window at
 *     slot 384, image in slot 511). Every space uses the same PGDH root, so
 *     the kernel half is shared by construction and no top-level entries
 *     are copied.
 * Bits 63:47 of an address are all equal (sign-extended from bit 47), not
 * only 63:48: a TLB entry is tagged with bits 47:13 of its address and
 * nothing else, so an upper-half address with bit 47 clear (the
 * 0xffff000000000000 the Limine protocol's loaders give as the HHDM) would
 * share its entries with the lower-half address of the same low bits: a
 * user page and the direct map of the same physical address would hit
 * each other's entries. hal_paging_init() refuses such a direct map; QEMU
 * 10.0 accepts those addresses, later QEMU sources refuse them too.
 *
 * A space (struct hal_paging) is its lower-half Dir3 table itself: the
 * pointer is that page's direct-map address, so a space costs one page and
 * needs no allocator besides the PMM. The kernel's space is a kernel-owned
 * root that starts empty; PGDL holds it until another space is switched in.
 *
 * Empty slots. A zero directory entry would make lddir take physical
 * address 0 as the next table. So an empty slot at level l (l >= 1) holds
 * the address of invalid[l - 1], an empty table of the level below, and the
 * chain ends in invalid[0], a page of zero (V = 0) entries: a walk of an
 * unmapped address ends in an invalid TLB pair and the access takes a
 * page-invalid exception. The chain is shared by every root (kernel and
 * spaces) and never freed; destroy frees only the space's own tables.
 *
 * Entries. A 4 KiB entry and a huge entry (in Dir1: 2 MiB, in Dir2: 1 GiB)
 * differ in two bits: bit 6 is G in a 4 KiB entry but H (huge) in a
 * directory entry, and a huge entry's global bit is bit 12 (free there, the
 * physical address being aligned far beyond 4 KiB). A directory entry that
 * is not huge holds only the next table's physical address, so bit 6 of it
 * is 0. Writable pages get W (software) and D (the TLB's "may be written").
 *
 * TLB caveat: the TLB also caches invalid entries (the refill loads the
 * whole even/odd pair, mapped or not), so map flushes the pages it maps,
 * not only unmap and protect. That flush is local, and another CPU may
 * still hold an invalid (or not-dirty) entry for a page just mapped (or
 * made writable) here. Rather than shoot down every new mapping, the
 * page-invalid and page-modified exceptions look at the tables first
 * (la_paging_fault_is_stale): when the entry there allows the access, the
 * TLB entry was stale; it is dropped and the access retried.
 *
 * Not done: ASIDs (switch flushes the lower half's entries), huge pages in
 * the range of unmap/protect (refused with BAD_RANGE: only the direct map
 * has them). Flushes are local: the kernel sends shootdown IPIs.
 */
#include <core/acpi.h>
#include <core/boot_info.h>
#include <core/pmm.h>
#include <hal/cpu.h>
#include <hal/memory_layout.h>
#include <hal/paging.h>
#include <kernel/panic.h>

#include "loongarch.h"

#define PAGE_SIZE 4096u
#define ENTRIES	  512u
#define LEVELS	  4 /* Dir3 (root), Dir2, Dir1, page table */

#define PTE_V	    (UINT64_C(1) << 0)
#define PTE_D	    (UINT64_C(1) << 1)
#define PTE_PLV3    (UINT64_C(3) << 2)
#define PTE_PLV	    (UINT64_C(3) << 2)
#define PTE_MAT_SUC (UINT64_C(0) << 4) /* strongly-ordered uncached: device registers */
#define PTE_MAT_CC  (UINT64_C(1) << 4) /* coherent cached: RAM */
#define PTE_MAT_WUC (UINT64_C(2) << 4) /* weakly-ordered uncached: the framebuffer */
#define PTE_MAT	    (UINT64_C(3) << 4)
#define PTE_G	    (UINT64_C(1) << 6) /* 4 KiB entries */
#define PTE_H	    (UINT64_C(1) << 6) /* directory entries: a huge leaf */
#define PTE_P	    (UINT64_C(1) << 7)
#define PTE_W	    (UINT64_C(1) << 8)
#define PTE_HG	    (UINT64_C(1) << 12) /* huge entries: global */
#define PTE_NR	    (UINT64_C(1) << 61)
#define PTE_NX	    (UINT64_C(1) << 62)
#define PTE_ADDR    UINT64_C(0x0000fffffffff000) /* PALEN = 48 */

#define LOWER_END  (UINT64_C(1) << 47)		/* first illegal lower-half address */
#define UPPER_BASE UINT64_C(0xffff800000000000) /* first legal upper-half address */
#define PHYS_END   (UINT64_C(1) << 48)		/* PALEN = 48 */

/* Above this many pages a range flush drops the whole TLB instead. */
#define FLUSH_ALL_THRESHOLD 64

/* QEMU's (and the 7A bridge's) UART when the firmware has no SPCR: console.c agrees. */
#define UART_FALLBACK 0x1fe001e0

struct hal_paging {
	uint64_t dir3[ENTRIES]; /* the lower half's root table (PGDL), via the direct map */
};

extern char __text_start[], __rodata_start[], __data_start[], __kernel_end[];
extern char la_kernel_tlb_refill[];

static uint64_t kernel_root;		/* the upper half's Dir3 table (PGDH), physical */
static struct hal_paging *kernel_space; /* the kernel's lower-half root */
static uint64_t invalid[LEVELS - 1];	/* invalid[l]: the shared empty table at level l */

/* What hal_cpu_entry (smp.S) installs on a secondary CPU before it uses its stack. */
struct la_paging_csrs la_kernel_paging;

static uint64_t *table(uint64_t phys)
{
	return phys_to_virt(phys);
}

static uint64_t space_root(const struct hal_paging *p)
{
	return (uint64_t)(uintptr_t)p - boot_info()->hhdm_offset;
}

static unsigned slot(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & (ENTRIES - 1);
}

/* A new table at `level` with every slot empty; 0 when memory runs out. */
static uint64_t new_table(unsigned level)
{
	uint64_t t = pmm_alloc_page(); /* zeroed: already empty for a page table */

	if (t != 0 && level > 0) {
		uint64_t *e = table(t);

		for (unsigned i = 0; i < ENTRIES; i++)
			e[i] = invalid[level - 1];
	}
	return t;
}

/*
 * The entry that maps va under `root`: a 4 KiB entry (*level = 0) or a huge
 * leaf (*level 1 or 2). Missing tables are created when `create`, else the
 * walk stops: NULL means "no table there" or, with create, "no memory".
 */
static uint64_t *lookup(uint64_t root, uint64_t va, bool create, unsigned *level)
{
	uint64_t *t = table(root);

	for (unsigned l = LEVELS - 1; l > 0; l--) {
		uint64_t *e = &t[slot(va, l)];

		if (*e & PTE_H) {
			*level = l;
			return e;
		}
		if (*e == invalid[l - 1]) {
			uint64_t n = create ? new_table(l - 1) : 0;

			if (n == 0)
				return NULL;
			*e = n;
		}
		t = table(*e);
	}
	*level = 0;
	return &t[slot(va, 0)];
}

/* Is va .. va + size - 1 legal and in one half? (size > 0) */
static bool range_ok(uint64_t va, uint64_t size)
{
	if (va < LOWER_END)
		return size <= LOWER_END - va;
	return va >= UPPER_BASE && size - 1 <= ~va; /* may end exactly at 2^64 */
}

static uint64_t root_for(struct hal_paging *p, uint64_t va)
{
	return va >= UPPER_BASE ? kernel_root : space_root(p);
}

/* Entry bits (without the address) for HAL attributes at va, 4 KiB leaf. */
static uint64_t leaf_flags(uint64_t va, unsigned attrs)
{
	uint64_t f = PTE_V | PTE_P;

	if (attrs & HAL_MAP_WRITE)
		f |= PTE_W | PTE_D;
	if (!(attrs & HAL_MAP_EXEC))
		f |= PTE_NX;
	f |= attrs & HAL_MAP_DEVICE ? PTE_MAT_SUC : PTE_MAT_CC;
	if (attrs & HAL_MAP_USER)
		f |= PTE_PLV3;
	if (va >= UPPER_BASE)
		f |= PTE_G; /* the kernel half is the same in every space */
	return f;
}

static void tlb_flush_all(void)
{
	/* dbar: table stores before the TLB change, so a refill sees them. */
	__asm__ volatile("dbar 0\n\tinvtlb 0x0, $zero, $zero" ::: "memory");
}

void hal_paging_flush(uint64_t va, size_t pages)
{
	if (pages > FLUSH_ALL_THRESHOLD) {
		tlb_flush_all();
		return;
	}
	__asm__ volatile("dbar 0" ::: "memory");
	/*
	 * Op 6 drops the entries for this VA that are global or of ASID 0
	 * (rj = $zero), the only ASID in use. A pair entry matches through
	 * either of its pages.
	 */
	for (size_t i = 0; i < pages; i++)
		__asm__ volatile("invtlb 0x6, $zero, %0" : : "r"(va + i * PAGE_SIZE) : "memory");
}

/*
 * Check a range for unmap/protect: every page mapped by a 4 KiB entry.
 * Returns a status; changes nothing.
 */
static int check_mapped(struct hal_paging *p, uint64_t va, size_t pages)
{
	if (va % PAGE_SIZE != 0 || pages > (LOWER_END >> 12) || pages == 0 ||
	    !range_ok(va, (uint64_t)pages * PAGE_SIZE))
		return HAL_PAGING_BAD_RANGE;
	uint64_t root = root_for(p, va);

	for (size_t i = 0; i < pages; i++) {
		unsigned level;
		uint64_t *e = lookup(root, va + i * PAGE_SIZE, false, &level);

		if (e == NULL || (level == 0 && *e == 0))
			return HAL_PAGING_NOT_MAPPED;
		if (level > 0)
			return HAL_PAGING_BAD_RANGE; /* a huge leaf: the direct map's */
	}
	return HAL_PAGING_OK;
}

int hal_paging_map(struct hal_paging *p, uint64_t va, uint64_t pa, size_t pages, unsigned attrs)
{
	if (pages == 0)
		return HAL_PAGING_OK;
	uint64_t size = (uint64_t)pages * PAGE_SIZE;

	if (va % PAGE_SIZE != 0 || pa % PAGE_SIZE != 0 || pages > (LOWER_END >> 12) ||
	    !range_ok(va, size) || pa > PHYS_END - size)
		return HAL_PAGING_BAD_RANGE;
	if ((attrs & HAL_MAP_USER) && va >= UPPER_BASE)
		return HAL_PAGING_BAD_RANGE;

	uint64_t root = root_for(p, va), flags = leaf_flags(va, attrs);

	/* Check everything first, so EXISTS changes nothing. */
	for (size_t i = 0; i < pages; i++) {
		unsigned level;
		uint64_t *e = lookup(root, va + i * PAGE_SIZE, false, &level);

		if (e != NULL && (level > 0 || *e != 0))
			return HAL_PAGING_EXISTS;
	}
	for (size_t i = 0; i < pages; i++) {
		unsigned level;
		uint64_t *e = lookup(root, va + i * PAGE_SIZE, true, &level);

		if (e == NULL) {
			/* Undo the leaves; the new (empty) tables stay until destroy. */
			for (size_t j = 0; j < i; j++)
				*lookup(root, va + j * PAGE_SIZE, false, &level) = 0;
			hal_paging_flush(va, i);
			return HAL_PAGING_NO_MEMORY;
		}
		*e = (pa + i * PAGE_SIZE) | flags;
	}
	/* The TLB may hold invalid entries for these pages (see the top of the file). */
	hal_paging_flush(va, pages);
	return HAL_PAGING_OK;
}

int hal_paging_unmap(struct hal_paging *p, uint64_t va, size_t pages)
{
	int status = check_mapped(p, va, pages);

	if (status != HAL_PAGING_OK)
		return status;
	uint64_t root = root_for(p, va);

	for (size_t i = 0; i < pages; i++) {
		unsigned level;

		*lookup(root, va + i * PAGE_SIZE, false, &level) = 0;
	}
	hal_paging_flush(va, pages);
	return HAL_PAGING_OK;
}

int hal_paging_protect(struct hal_paging *p, uint64_t va, size_t pages, unsigned attrs)
{
	int status = check_mapped(p, va, pages);

	if (status != HAL_PAGING_OK)
		return status;
	if ((attrs & HAL_MAP_USER) && va >= UPPER_BASE)
		return HAL_PAGING_BAD_RANGE;
	uint64_t root = root_for(p, va), flags = leaf_flags(va, attrs);

	for (size_t i = 0; i < pages; i++) {
		unsigned level;
		uint64_t *e = lookup(root, va + i * PAGE_SIZE, false, &level);

		*e = (*e & PTE_ADDR) | flags;
	}
	hal_paging_flush(va, pages);
	return HAL_PAGING_OK;
}

bool hal_paging_query(struct hal_paging *p, uint64_t va, uint64_t *pa, unsigned *attrs)
{
	if (!range_ok(va, 1))
		return false;
	unsigned level;
	uint64_t *e = lookup(root_for(p, va), va, false, &level);

	if (e == NULL || !(*e & PTE_V))
		return false;
	uint64_t span = UINT64_C(1) << (12 + 9 * level);

	if (pa != NULL)
		*pa = (*e & PTE_ADDR & ~(span - 1)) | (va & (span - 1));
	if (attrs != NULL) {
		*attrs = (*e & PTE_W ? HAL_MAP_WRITE : 0) | (*e & PTE_NX ? 0 : HAL_MAP_EXEC) |
			 ((*e & PTE_PLV) == PTE_PLV3 ? HAL_MAP_USER : 0) |
			 ((*e & PTE_MAT) == PTE_MAT_SUC ? HAL_MAP_DEVICE : 0);
	}
	return true;
}

bool la_paging_fault_is_stale(uint64_t va, bool write)
{
	if (kernel_root == 0 || !range_ok(va, 1))
		return false; /* the loader's tables still: nothing of ours to compare */
	uint64_t root = va >= UPPER_BASE ? kernel_root : csr_read(CSR_PGDL) & PTE_ADDR;
	unsigned level;
	uint64_t *e = lookup(root, va, false, &level);

	if (e == NULL)
		return false;
	uint64_t pte = __atomic_load_n(e, __ATOMIC_RELAXED);

	if (!(pte & PTE_V) || (write && !(pte & PTE_D)))
		return false;
	hal_paging_flush(va & ~(uint64_t)(PAGE_SIZE - 1), 1);
	return true;
}

struct hal_paging *hal_paging_kernel(void)
{
	return kernel_space;
}

int hal_paging_create(struct hal_paging **out)
{
	uint64_t root = new_table(LEVELS - 1);

	if (root == 0)
		return HAL_PAGING_NO_MEMORY;
	*out = phys_to_virt(root);
	return HAL_PAGING_OK;
}

/* Free the table t at `level` and every table below it (never the shared invalid ones). */
static void free_tables(uint64_t t, unsigned level)
{
	if (level > 0) {
		const uint64_t *e = table(t);

		for (unsigned i = 0; i < ENTRIES; i++)
			if (e[i] != invalid[level - 1] && !(e[i] & PTE_H))
				free_tables(e[i], level - 1);
	}
	pmm_free_page(t);
}

void hal_paging_destroy(struct hal_paging *p)
{
	if (p != NULL && p != kernel_space)
		free_tables(space_root(p), LEVELS - 1);
}

void hal_paging_switch(struct hal_paging *p)
{
	/*
	 * No ASIDs yet: every lower-half entry of the old space must go, on
	 * this CPU (another CPU's TLB holds only what that CPU loaded, for the
	 * space it runs). Op 3 drops the non-global entries, which are exactly
	 * the lower half's (leaf_flags); the kernel half, global, stays. The
	 * dbar orders earlier table stores before the TLB change.
	 */
	csr_write(CSR_PGDL, space_root(p));
	__asm__ volatile("dbar 0\n\tinvtlb 0x3, $zero, $zero" ::: "memory");
}

/*
 * Direct-map construction (init only). fill() maps va .. va + size to pa
 * in the kernel root with `flags`, leaving every page that is already
 * mapped as it is, and using a huge leaf wherever a whole empty, aligned
 * slot is covered. So the order of the calls sets priorities: device and
 * framebuffer pages first with their 4 KiB leaves and memory types, then
 * RAM, then the rest of the low 4 GiB.
 */
static bool fill(uint64_t t, unsigned level, uint64_t va, uint64_t pa, uint64_t size,
		 uint64_t flags)
{
	uint64_t span = UINT64_C(1) << (12 + 9 * level);
	uint64_t *tab = table(t);

	while (size > 0) {
		uint64_t chunk = span - (va & (span - 1));
		uint64_t *e = &tab[slot(va, level)];

		if (chunk > size)
			chunk = size;
		if (level == 0) {
			if (*e == 0)
				*e = pa | flags | PTE_G;
		} else if (*e == invalid[level - 1] && level <= 2 && chunk == span &&
			   pa % span == 0) {
			*e = pa | flags | PTE_H | PTE_HG;
		} else if (!(*e & PTE_H)) {
			if (*e == invalid[level - 1]) {
				uint64_t n = new_table(level - 1);

				if (n == 0)
					return false;
				*e = n;
			}
			if (!fill(*e, level - 1, va, pa, chunk, flags))
				return false;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return true;
}

/* fill() the direct map for physical base .. base + length, rounded out to pages. */
static bool map_direct(const struct boot_info *bi, uint64_t base, uint64_t length, uint64_t mat)
{
	uint64_t start = base & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t end = (base + length + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);

	if (length == 0 || end > MM_KERNEL_VMM_BASE - bi->hhdm_offset || end <= start)
		return true; /* nothing, or beyond what the window can hold */
	return fill(kernel_root, LEVELS - 1, bi->hhdm_offset + start, start, end - start,
		    PTE_V | PTE_P | PTE_W | PTE_D | PTE_NX | mat);
}

/* The kernel image's pages va .. end at their physical place, 4 KiB leaves. */
static bool map_image(const struct boot_info *bi, const char *start, const char *end,
		      unsigned attrs)
{
	uint64_t va = (uintptr_t)start;
	uint64_t size = ((uintptr_t)end - va + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);

	return size == 0 ||
	       hal_paging_map(kernel_space, va, bi->kernel_phys + (va - bi->kernel_virt),
			      size / PAGE_SIZE, attrs) == HAL_PAGING_OK;
}

/*
 * The device pages the kernel reaches through the direct map, mapped SUC
 * before anything else covers them: the console UART (SPCR, as console.c
 * chooses it) and the ACPI sleep control register that powers off.
 */
static bool map_devices(const struct boot_info *bi)
{
	uint64_t uart = UART_FALLBACK;
	uint8_t type;
	struct acpi_gas gas;
	struct acpi_s5 s5;

	if (bi->rsdp_phys != 0 && acpi_spcr(&type, &gas, NULL) && gas.space_id == ACPI_GAS_MEMORY &&
	    (type == ACPI_SPCR_16550 || type == ACPI_SPCR_16550_GAS))
		uart = gas.address;
	if (!map_direct(bi, uart, 8, PTE_MAT_SUC))
		return false;
	if (bi->rsdp_phys != 0 && acpi_s5(&s5) && s5.hw_reduced &&
	    s5.sleep_control.space_id == ACPI_GAS_MEMORY && s5.sleep_control.address != 0 &&
	    !map_direct(bi, s5.sleep_control.address, 1, PTE_MAT_SUC))
		return false;
	return true;
}

static bool map_direct_all(const struct boot_info *bi)
{
	if (!map_devices(bi))
		return false;
	/* The framebuffer: uncached but write-combining (WUC), before RAM. */
	if (bi->have_framebuffer &&
	    !map_direct(bi, bi->framebuffer.phys, bi->framebuffer.pitch * bi->framebuffer.height,
			PTE_MAT_WUC))
		return false;
	for (size_t i = 0; i < bi->memmap_count; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		if (r->type == BOOT_MEM_FRAMEBUFFER &&
		    !map_direct(bi, r->base, r->length, PTE_MAT_WUC))
			return false;
	}
	/* Memory the firmware reports (free, loader, kernel, ACPI): cached. */
	for (size_t i = 0; i < bi->memmap_count; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		if (r->type != BOOT_MEM_FRAMEBUFFER && r->type != BOOT_MEM_BAD &&
		    r->type != BOOT_MEM_RESERVED && !map_direct(bi, r->base, r->length, PTE_MAT_CC))
			return false;
	}
	/*
	 * RESERVED may be firmware RAM or device registers (edk2 reports its
	 * MMIO, e.g. QEMU's RTC/GED block and flash, as reserved). The kernel
	 * does not touch such RAM, so uncached strongly-ordered is right for both.
	 */
	for (size_t i = 0; i < bi->memmap_count; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		if (r->type == BOOT_MEM_RESERVED &&
		    !map_direct(bi, r->base, r->length, PTE_MAT_SUC))
			return false;
	}
	/*
	 * What is left of the first 4 GiB is not memory as far as the firmware
	 * says: device registers or nothing. Strongly-ordered uncached keeps
	 * the CPU from caching or speculating there (the loader used CC).
	 */
	return map_direct(bi, 0, UINT64_C(1) << 32, PTE_MAT_SUC);
}

int hal_paging_init(const struct boot_info *bi)
{
	/*
	 * The loader's direct map must sit where this file's upper half
	 * begins, below the kernel VMM window: with bit 47 clear its TLB
	 * entries would alias user pages (see the top of the file).
	 */
	if (bi->hhdm_offset < UPPER_BASE || bi->hhdm_offset >= MM_KERNEL_VMM_BASE)
		panic("paging: the loader's direct map at 0x%llx is outside 0x%llx..0x%llx, "
		      "where its TLB entries cannot alias user pages",
		      (unsigned long long)bi->hhdm_offset, (unsigned long long)UPPER_BASE,
		      (unsigned long long)MM_KERNEL_VMM_BASE);

	/* The invalid chain, from the bottom up, then the two roots. */
	for (unsigned level = 0; level < LEVELS - 1; level++) {
		invalid[level] = new_table(level);
		if (invalid[level] == 0)
			return HAL_PAGING_NO_MEMORY;
	}
	kernel_root = new_table(LEVELS - 1);
	uint64_t lower = new_table(LEVELS - 1);

	if (kernel_root == 0 || lower == 0)
		return HAL_PAGING_NO_MEMORY;
	kernel_space = phys_to_virt(lower);

	/*
	 * The image with each section's permissions. The refill handler is
	 * in .text, so it is mapped like the rest of the code.
	 */
	if (!map_image(bi, __text_start, __rodata_start, HAL_MAP_EXEC) ||
	    !map_image(bi, __rodata_start, __data_start, 0) ||
	    !map_image(bi, __data_start, __kernel_end, HAL_MAP_WRITE) || !map_direct_all(bi))
		return HAL_PAGING_NO_MEMORY;

	/* TLBRENTRY holds bits PALEN-1:12: the handler must start on a page. */
	uint64_t refill = bi->kernel_phys + ((uintptr_t)la_kernel_tlb_refill - bi->kernel_virt);

	if (refill % PAGE_SIZE != 0)
		return HAL_PAGING_NO_MEMORY; /* cannot happen with a page-aligned image */

	/*
	 * The switch. The code running here, its stack (kernel_boot_stack)
	 * and the direct map translate the same in the old and new tables,
	 * so the order matters only for the lower half: DMW0 goes last, after
	 * PGDL, and then the TLB is emptied of the loader's translations.
	 * Nothing the kernel uses lies in the lower half: the image and the
	 * direct map are in the upper half, EENTRY is the image's virtual
	 * address, MERRENTRY and TLBRENTRY are physical (direct-address
	 * mode, which DMW0 does not take part in).
	 */
	la_kernel_paging = (struct la_paging_csrs){
		.pgdl = lower,
		.pgdh = kernel_root,
		.tlbrentry = refill,
	};
	unsigned long irq = hal_irq_save();

	csr_write(CSR_PWCL, PWCL_4LEVEL);
	csr_write(CSR_PWCH, PWCH_4LEVEL);
	csr_write(CSR_STLBPS, STLBPS_4K);
	csr_write(CSR_TLBRENTRY, refill);
	csr_write(CSR_PGDH, kernel_root);
	csr_write(CSR_PGDL, lower);
	csr_write(CSR_DMW0, 0);
	tlb_flush_all();
	hal_irq_restore(irq);
	return HAL_PAGING_OK;
}
